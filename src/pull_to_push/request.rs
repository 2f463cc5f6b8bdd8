//! The seven pull-to-push requests as they arrive (wire names, optional raw fields) and the
//! validated forms they parse into.
//!
//! `validate(now)` is stateless but for `now` (a window must end after it), so a client can
//! run it before sending. Rules that need the stored task (which fields may change in its
//! state, the merged time window, `FileIndex` against the merged list) run in the engine after
//! the lookup.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::source::{Source, check_url_list};
use super::types::{MAX_TASK_NAME_CHARS, Region, Repeat, SourceType, TaskName};
use crate::check::{Check, validation};
use crate::edge::Page;
use crate::error::{ApiError, Detail};
use crate::ids::{self, TaskId};
use crate::stream_url::{self, CALLBACK, PUSH_DESTINATION, StreamUrl};
use crate::time::parse_utc;

/// The documented bounds of `RetryInterval` (seconds).
pub const RETRY_INTERVAL_SECS: std::ops::RangeInclusive<u32> = 60..=300;
/// The most retries (`RetryCount`) a strict engine accepts; a default one accepts up to
/// 2147483647, as the docs give no bound. 0 stops a task at its first fault.
pub const MAX_RETRY_COUNT: u32 = 30;
/// The longest `TaskId` filter of DescribeLivePullToPushList, as documented.
pub const MAX_TASK_ID_FILTER: usize = 55;

fn region(text: &str) -> Result<Region, Detail> {
    text.parse()
}

fn task_id(strict: bool) -> impl Fn(&str) -> Result<TaskId, Detail> {
    move |text| ids::sent(text, strict)
}

fn time(text: &str) -> Result<DateTime<Utc>, Detail> {
    parse_utc(text).map_err(Detail::Borrowed)
}

fn dst_url(strict: bool) -> impl Fn(&str) -> Result<StreamUrl, Detail> {
    move |text| stream_url::parse(text, PUSH_DESTINATION, strict).map_err(Detail::Borrowed)
}

fn callback_url(strict: bool) -> impl Fn(&str) -> Result<StreamUrl, Detail> {
    move |text| stream_url::parse(text, CALLBACK, strict).map_err(Detail::Borrowed)
}

/// A `TaskName`: any text without control characters; a strict engine also holds it to
/// [`MAX_TASK_NAME_CHARS`] (the docs give no length).
fn task_name(strict: bool) -> impl Fn(&str) -> Result<TaskName, Detail> {
    move |text| {
        if strict && text.chars().count() > MAX_TASK_NAME_CHARS {
            return Err(Detail::Borrowed("must be at most 128 characters"));
        }
        TaskName::try_from(text)
    }
}

/// `RetryCount`: a count up to 2147483647; a strict engine holds it to [`MAX_RETRY_COUNT`]
/// (the docs give no bound).
fn retry_count(strict: bool) -> impl Fn(i64) -> Result<u32, Detail> {
    let (max, why) = if strict {
        (i64::from(MAX_RETRY_COUNT), "must be between 0 and 30")
    } else {
        (i64::from(i32::MAX), "must be between 0 and 2147483647")
    };
    move |n| {
        u32::try_from(n)
            .ok()
            .filter(|_| n <= max)
            .ok_or(Detail::Borrowed(why))
    }
}

fn offset(n: i64) -> Result<u32, Detail> {
    u32::try_from(n)
        .ok()
        .filter(|n| *n > 0 && i32::try_from(*n).is_ok())
        .ok_or(Detail::Borrowed("must be between 1 and 2147483647 seconds"))
}

fn file_index(n: i64) -> Result<u32, Detail> {
    u32::try_from(n)
        .ok()
        .filter(|n| i32::try_from(*n).is_ok())
        .ok_or(Detail::Borrowed("must be 0 or more"))
}

/// How a task retries after a stream fault: `count` retries, `interval_secs` apart.
///
/// ```
/// let r = live_lifecycle::pull_to_push::RetryPolicy::default();
/// assert_eq!((r.count, r.interval_secs), (3, 60));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// `RetryCount`: 0–30, default 3.
    pub count: u32,
    /// `RetryInterval`: 60–300 seconds, default 60.
    pub interval_secs: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            count: 3,
            interval_secs: 60,
        }
    }
}

/// Checks the window rules that need only the request: StartTime before EndTime, and
/// EndTime after `now`.
pub(crate) fn window_problem(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<ApiError> {
    if start >= end {
        Some(ApiError::IllegalDuration {
            reason: "StartTime must be earlier than EndTime".into(),
        })
    } else {
        end_problem(end, now)
    }
}

/// Checks that EndTime is after `now`.
fn end_problem(end: DateTime<Utc>, now: DateTime<Utc>) -> Option<ApiError> {
    (end <= now).then(|| ApiError::IllegalDuration {
        reason: "EndTime must be later than the current time".into(),
    })
}

/// The problems of `RepeatNumber`, `Offset` and `FileIndex` sent (`true`) for a source of
/// `kind`. The docs make them effective only for vod and url sources (live-api.md §3.1,
/// "Only for vod/url"), and refuse them nowhere: a default engine takes them on a live
/// source and ignores them; a strict one refuses each that is sent.
pub(crate) fn playlist_only(
    kind: SourceType,
    sent: [(&'static str, bool); 3],
    strict: bool,
) -> impl Iterator<Item = ApiError> {
    let refused = strict && kind == SourceType::Live;
    sent.into_iter()
        .filter(move |(_, present)| refused && *present)
        .map(|(field, _)| ApiError::invalid(field, "applies only to vod and url sources"))
}

/// `FileIndex` must name a file of a vod or url playlist; on a live source it does
/// nothing, so it is not held to the one URL.
pub(crate) fn file_index_problem(source: &Source, file_index: u32) -> Option<ApiError> {
    (source.kind() != SourceType::Live && !source.has_index(file_index))
        .then(|| ApiError::invalid("FileIndex", "must be less than the number of SourceUrls"))
}

/// CreateLivePullToPush.
///
/// ```
/// use live_lifecycle::pull_to_push::CreateLivePullToPushRequest;
///
/// let req = CreateLivePullToPushRequest {
///     region: Some("cn-shanghai".into()),
///     start_time: Some("2030-01-01T10:00:00Z".into()),
///     end_time: Some("2030-01-01T09:00:00Z".into()),
///     source_type: Some("live".into()),
///     source_protocol: Some("rtmp".into()),
///     source_urls: Some(vec!["rtmp://pull.example.com/live/s1".into()]),
///     dst_url: Some("rtmp://push.example.com/live/s1".into()),
///     ..Default::default()
/// };
/// let now = "2030-01-01T00:00:00Z".parse().unwrap();
/// let err = req.validate(now).unwrap_err();
/// assert_eq!(err.code(), "InvalidParam.CodeIllegalDuration");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateLivePullToPushRequest {
    /// `Region` (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `TaskName`: up to 128 characters, default empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_name: Option<String>,
    /// `StartTime` (required): `yyyy-MM-ddTHH:mm:ssZ`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// `EndTime` (required): after StartTime and after now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// `SourceType` (required): live, vod or url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_type: Option<String>,
    /// `SourceProtocol`: required for live, ignored otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_protocol: Option<String>,
    /// `SourceUrls` (required): one live URL, or up to 30 media ids or file URLs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_urls: Option<Vec<String>>,
    /// `DstUrl` (required): rtmp, at most 2000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dst_url: Option<String>,
    /// `CallbackUrl`: http or https, at most 2000 characters; empty means none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// `RepeatNumber`: -1 forever, N ≥ 0 more passes (vod/url only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_number: Option<i64>,
    /// `Offset`: seconds into the first file, > 0 (vod/url only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// `FileIndex`: 0-based index of the first file to play (vod/url only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_index: Option<i64>,
    /// `RetryCount`: 0–30, default 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_count: Option<i64>,
    /// `RetryInterval`: 60–300 seconds, default 60.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_interval: Option<i64>,
}

/// A valid CreateLivePullToPush.
///
/// ```
/// # use live_lifecycle::pull_to_push::CreateLivePullToPushRequest;
/// let req = CreateLivePullToPushRequest {
///     region: Some("cn-beijing".into()),
///     start_time: Some("2030-01-01T10:00:00Z".into()),
///     end_time: Some("2030-01-02T10:00:00Z".into()),
///     source_type: Some("url".into()),
///     source_urls: Some(vec!["https://cdn.example.com/a.mp4".into(), "https://cdn.example.com/b.flv".into()]),
///     dst_url: Some("rtmp://push.example.com/live/s1".into()),
///     file_index: Some(1),
///     ..Default::default()
/// };
/// let task = req.validate("2030-01-01T00:00:00Z".parse().unwrap()).unwrap();
/// assert_eq!(task.file_index, 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateTask {
    /// Where the task runs.
    pub region: Region,
    /// Its name.
    pub name: TaskName,
    /// When it starts.
    pub start: DateTime<Utc>,
    /// When it ends.
    pub end: DateTime<Utc>,
    /// What it pulls.
    pub source: Source,
    /// Where it pushes.
    pub dst_url: StreamUrl,
    /// Where its callbacks go.
    pub callback_url: Option<StreamUrl>,
    /// How often the playlist plays.
    pub repeat: Repeat,
    /// Seconds into the first file (0: from the start).
    pub offset: u32,
    /// The first file to play.
    pub file_index: u32,
    /// How it retries.
    pub retry: RetryPolicy,
}

impl CreateLivePullToPushRequest {
    fn parse(&self, c: &mut Check, now: DateTime<Utc>) -> Option<CreateTask> {
        let strict = c.strict();
        let region = c.required("Region", self.region.as_deref(), region);
        let name = c.filter("TaskName", self.task_name.as_deref(), task_name(strict));
        let start = c.required("StartTime", self.start_time.as_deref(), time);
        let end = c.required("EndTime", self.end_time.as_deref(), time);
        let kind = c.required("SourceType", self.source_type.as_deref(), str::parse);
        // The docs require SourceProtocol for a live source and ignore it for the others: a
        // default engine reads it only where it may matter, a strict one always.
        let protocol = if strict || !matches!(kind, Some(SourceType::Vod | SourceType::Url)) {
            c.filter(
                "SourceProtocol",
                self.source_protocol.as_deref(),
                str::parse,
            )
        } else {
            Some(None)
        };
        let urls = match &self.source_urls {
            None => {
                c.missing("SourceUrls");
                None
            }
            Some(urls) => Some(urls.as_slice()),
        };
        let dst = c.required("DstUrl", self.dst_url.as_deref(), dst_url(strict));
        let callback = c.filter(
            "CallbackUrl",
            self.callback_url.as_deref(),
            callback_url(strict),
        );
        let repeat = c.number("RepeatNumber", self.repeat_number, Repeat::try_from);
        let offset = c.number("Offset", self.offset, offset);
        let file_index = c.number("FileIndex", self.file_index, file_index);
        let retry_count = c.number("RetryCount", self.retry_count, retry_count(strict));
        let retry_interval = c.number("RetryInterval", self.retry_interval, |n| {
            u32::try_from(n)
                .ok()
                .filter(|n| RETRY_INTERVAL_SECS.contains(n))
                .ok_or(Detail::Borrowed("must be between 60 and 300 seconds"))
        });

        // Rules across fields, once each field is known to be well formed.
        let listed = urls.and_then(|urls| check_url_list(c, urls).map(|()| urls));
        let source = match (kind, protocol) {
            (Some(SourceType::Live), Some(None)) => {
                c.missing("SourceProtocol");
                None
            }
            (Some(kind), Some(protocol)) => listed.and_then(|urls| {
                // The protocol means nothing for a playlist, so it is not kept.
                let protocol = protocol.filter(|_| kind == SourceType::Live);
                Source::parse(kind, protocol, urls, strict)
                    .map_err(|reason| c.malformed("SourceUrls", reason))
                    .ok()
            }),
            _ => None,
        };
        if let (Some(start), Some(end)) = (start, end)
            && let Some(problem) = window_problem(start, end, now)
        {
            c.cross(problem);
        }
        if let Some(kind) = kind {
            let sent = [
                ("RepeatNumber", self.repeat_number.is_some()),
                ("Offset", self.offset.is_some()),
                ("FileIndex", self.file_index.is_some()),
            ];
            playlist_only(kind, sent, strict).for_each(|problem| c.cross(problem));
        }
        let file_index = file_index?.unwrap_or(0);
        if let Some(problem) = source
            .as_ref()
            .and_then(|source| file_index_problem(source, file_index))
        {
            c.cross(problem);
        }

        Some(CreateTask {
            region: region?,
            name: name?.unwrap_or_default(),
            start: start?,
            end: end?,
            source: source?,
            dst_url: dst?,
            callback_url: callback?,
            repeat: repeat?.unwrap_or_default(),
            offset: offset?.unwrap_or(0),
            file_index,
            retry: RetryPolicy {
                count: retry_count?.unwrap_or(RetryPolicy::default().count),
                interval_secs: retry_interval?.unwrap_or(RetryPolicy::default().interval_secs),
            },
        })
    }
}
validation!(CreateLivePullToPushRequest => CreateTask, at now);

/// UpdateLivePullToPush: `TaskId` and `Region` required, the rest optional.
///
/// Which fields may change depends on the task's state (README, "update table"); an empty
/// `CallbackUrl` removes the callback.
///
/// ```
/// use live_lifecycle::pull_to_push::UpdateLivePullToPushRequest;
/// let req = UpdateLivePullToPushRequest {
///     task_id: Some("fd245384-4067-4f91-9d75-9666a6bc0a1e".into()),
///     region: Some("cn-shanghai".into()),
///     repeat_number: Some(-2),
///     ..Default::default()
/// };
/// let err = req.validate("2030-01-01T00:00:00Z".parse().unwrap()).unwrap_err();
/// assert!(err.to_string().contains("RepeatNumber"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateLivePullToPushRequest {
    /// `TaskId` (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// `Region` (required): locates the task; a different one moves a task not yet started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `StartTime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// `EndTime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// `SourceUrls`: same limits as on create, for the task's source type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_urls: Option<Vec<String>>,
    /// `RepeatNumber`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_number: Option<i64>,
    /// `Offset`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// `CallbackUrl`; empty removes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// `FileIndex`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_index: Option<i64>,
}

/// A task named by id and region: the validated form of Delete, Describe, Stop and Restart.
///
/// ```
/// # use live_lifecycle::pull_to_push::StopLivePullToPushRequest;
/// let r = StopLivePullToPushRequest { task_id: Some("t1".into()), region: Some("cn-beijing".into()) }
///     .validate().unwrap();
/// assert_eq!(r.region.as_str(), "cn-beijing");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRef {
    /// The task.
    pub task_id: TaskId,
    /// The region the caller believes it is in.
    pub region: Region,
}

/// A valid UpdateLivePullToPush, before the task's state is consulted.
///
/// ```
/// # use live_lifecycle::pull_to_push::UpdateLivePullToPushRequest;
/// let u = UpdateLivePullToPushRequest {
///     task_id: Some("t1".into()), region: Some("cn-beijing".into()),
///     callback_url: Some("".into()), ..Default::default()
/// }.validate("2030-01-01T00:00:00Z".parse().unwrap()).unwrap();
/// assert_eq!(u.callback_url, Some(None));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateTask {
    /// The task, and the region asked for.
    pub task: TaskRef,
    /// A new start.
    pub start: Option<DateTime<Utc>>,
    /// A new end.
    pub end: Option<DateTime<Utc>>,
    /// A new list (checked against the task's source type after the lookup).
    pub source_urls: Option<Vec<String>>,
    /// A new repeat rule.
    pub repeat: Option<Repeat>,
    /// A new offset.
    pub offset: Option<u32>,
    /// A new callback URL (`Some(None)`: remove it).
    pub callback_url: Option<Option<StreamUrl>>,
    /// A new first file.
    pub file_index: Option<u32>,
}

impl UpdateLivePullToPushRequest {
    fn parse(&self, c: &mut Check, now: DateTime<Utc>) -> Option<UpdateTask> {
        let strict = c.strict();
        let id = c.required("TaskId", self.task_id.as_deref(), task_id(strict));
        let region = c.required("Region", self.region.as_deref(), region);
        let start = c.optional("StartTime", self.start_time.as_deref(), time);
        let end = c.optional("EndTime", self.end_time.as_deref(), time);
        let urls_ok = self
            .source_urls
            .as_deref()
            .is_none_or(|urls| check_url_list(c, urls).is_some());
        let repeat = c.number("RepeatNumber", self.repeat_number, Repeat::try_from);
        let offset = c.number("Offset", self.offset, offset);
        let callback = match self.callback_url.as_deref() {
            None => Some(None),
            Some("") => Some(Some(None)),
            Some(text) => c
                .required("CallbackUrl", Some(text), callback_url(strict))
                .map(|url| Some(Some(url))),
        };
        let file_index = c.number("FileIndex", self.file_index, file_index);
        let problem = match (start, end) {
            (Some(Some(start)), Some(Some(end))) => window_problem(start, end, now),
            (_, Some(Some(end))) => end_problem(end, now),
            _ => None,
        };
        if let Some(problem) = problem {
            c.cross(problem);
        }
        Some(UpdateTask {
            task: TaskRef {
                task_id: id?,
                region: region?,
            },
            start: start?,
            end: end?,
            source_urls: if urls_ok {
                self.source_urls.clone()
            } else {
                return None;
            },
            repeat: repeat?,
            offset: offset?,
            callback_url: callback?,
            file_index: file_index?,
        })
    }
}
validation!(UpdateLivePullToPushRequest => UpdateTask, at now);

macro_rules! task_ref_request {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// ```
        #[doc = concat!("use live_lifecycle::pull_to_push::", stringify!($name), ";")]
        #[doc = concat!("let req = ", stringify!($name), " { task_id: Some(\"t1\".into()), region: Some(\"mars-1\".into()) };")]
        /// assert_eq!(req.validate().unwrap_err().code(), "InvalidParameter");
        /// ```
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "PascalCase")]
        pub struct $name {
            /// `TaskId` (required).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub task_id: Option<String>,
            /// `Region` (required): must be the task's region.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub region: Option<String>,
        }

        impl $name {
            fn parse(&self, c: &mut Check) -> Option<TaskRef> {
                let id = c.required("TaskId", self.task_id.as_deref(), task_id(c.strict()));
                let region = c.required("Region", self.region.as_deref(), region);
                Some(TaskRef { task_id: id?, region: region? })
            }
        }
        validation!($name => TaskRef);
    };
}

task_ref_request!(
    /// DeleteLivePullToPush: the task exits at once and can never run again.
    DeleteLivePullToPushRequest
);
task_ref_request!(
    /// DescribeLivePullToPush: one task, also after it exited (for the retention period).
    DescribeLivePullToPushRequest
);
task_ref_request!(
    /// StopLivePullToPush: a running or retrying task stops.
    StopLivePullToPushRequest
);
task_ref_request!(
    /// RestartLivePullToPush: a running, retrying or stopped task (re)starts.
    RestartLivePullToPushRequest
);

/// DescribeLivePullToPushList: `Region` required; fuzzy filters and paging optional.
///
/// ```
/// use live_lifecycle::pull_to_push::DescribeLivePullToPushListRequest;
/// let req = DescribeLivePullToPushListRequest {
///     region: Some("cn-shanghai".into()),
///     task_id: Some("has space".into()),
///     ..Default::default()
/// };
/// assert!(req.validate().unwrap_err().to_string().contains("TaskId"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeLivePullToPushListRequest {
    /// `Region` (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `TaskId`: part of the id; up to 55 letters, digits, `_` and `-`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// `TaskName`: part of the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_name: Option<String>,
    /// `DstUrl`: part of the destination URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dst_url: Option<String>,
    /// `PageNumber`: from 1 (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_number: Option<i64>,
    /// `PageSize`: 1–100 (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<i64>,
}

/// A valid DescribeLivePullToPushList. Filters are kept lower-cased: matching ignores case.
///
/// ```
/// # use live_lifecycle::pull_to_push::DescribeLivePullToPushListRequest;
/// let q = DescribeLivePullToPushListRequest {
///     region: Some("cn-shanghai".into()), task_name: Some("Night".into()), ..Default::default()
/// }.validate().unwrap();
/// assert_eq!(q.task_name.as_deref(), Some("night"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListTasks {
    /// The region listed.
    pub region: Region,
    /// Part of the task id.
    pub task_id: Option<String>,
    /// Part of the task name.
    pub task_name: Option<String>,
    /// Part of the destination URL.
    pub dst_url: Option<String>,
    /// Which page.
    pub page: Page,
}

/// A fuzzy filter: any text without control characters (one longer than any stored value
/// only finds nothing, so no length is refused), kept lower-cased.
fn fuzzy(text: &str) -> Result<String, Detail> {
    if text.chars().any(char::is_control) {
        return Err(Detail::Borrowed("must not contain control characters"));
    }
    Ok(text.to_lowercase())
}

impl DescribeLivePullToPushListRequest {
    fn parse(&self, c: &mut Check) -> Option<ListTasks> {
        let region = c.required("Region", self.region.as_deref(), region);
        let id = c.filter("TaskId", self.task_id.as_deref(), |t| {
            if t.len() <= MAX_TASK_ID_FILTER
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                Ok(t.to_ascii_lowercase())
            } else {
                Err(Detail::Borrowed(
                    "must be at most 55 letters, digits, _ and -",
                ))
            }
        });
        let name = c.filter("TaskName", self.task_name.as_deref(), fuzzy);
        let dst = c.filter("DstUrl", self.dst_url.as_deref(), fuzzy);
        let number = c.number("PageNumber", self.page_number, Page::number_from);
        let size = c.number("PageSize", self.page_size, Page::size_from);
        Some(ListTasks {
            region: region?,
            task_id: id?,
            task_name: name?,
            dst_url: dst?,
            page: Page::from_parts(number?, size?),
        })
    }
}
validation!(DescribeLivePullToPushListRequest => ListTasks);
