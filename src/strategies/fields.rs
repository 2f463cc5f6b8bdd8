//! Values of single parameters: valid ones by the README's parameter rules, and broken ones
//! for the rules each parameter has.
//!
//! Regular expressions are `&'static str` strategies: proptest compiles them when it draws,
//! and every one here is fixed and drawn by the crate's tests.

use chrono::{DateTime, TimeDelta, Utc};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;

use crate::edge::TemplateCatalogue;
use crate::pull_to_push::{Region, SourceProtocol, SourceType, TaskLimits};
use crate::time::format_utc;

// ---- building blocks of URLs --------------------------------------------------------------
// Labels start with a letter and hold at most one single hyphen: an all-digit last label
// would read as an IPv4 address, and `xn--` as punycode.
macro_rules! host {
    () => {
        "[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,5})?(\\.[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,5})?){0,3}"
    };
}
// Ports below 10000, so always a valid port number.
macro_rules! port {
    () => {
        ":[1-9][0-9]{0,3}"
    };
}
// A path segment that is never `.` or `..`, which URL parsing would fold away.
macro_rules! seg {
    () => {
        "[A-Za-z0-9][A-Za-z0-9_.-]{0,15}"
    };
}
macro_rules! query {
    () => {
        "(\\?[a-z]{1,8}=[A-Za-z0-9]{0,12}(&[a-z]{1,8}=[A-Za-z0-9]{0,12}){0,2})?"
    };
}

/// An RTMP(S) address with an application and a stream; the scheme in any case.
const RTMP: &str = concat!(
    "(rtmp|rtmps|RTMP|Rtmps)://",
    host!(),
    "(",
    port!(),
    ")?/",
    seg!(),
    "/",
    seg!(),
    "(/",
    seg!(),
    "){0,2}",
    query!()
);
/// The same, with a stream name long enough to bring the URL close to 2000 characters.
const RTMP_LONG: &str = concat!(
    "rtmp://",
    host!(),
    "/",
    seg!(),
    "/[a-z]{1500,1800}",
    query!()
);
/// An RTMP address for a DstUrl (RTMP only), with a stream name long enough to be unique.
const DST: &str = concat!(
    "(rtmp|RTMP)://",
    host!(),
    "(",
    port!(),
    ")?/",
    seg!(),
    "/[A-Za-z0-9]{10,16}",
    query!()
);
/// An SRT address: a host and a port; the path is not checked.
const SRT: &str = concat!(
    "(srt|SRT)://",
    host!(),
    port!(),
    "(/",
    seg!(),
    "){0,2}(\\?streamid=[A-Za-z0-9/]{1,20})?"
);
const RTSP: &str = concat!(
    "rtsp://",
    host!(),
    "(",
    port!(),
    ")?(/",
    seg!(),
    "){0,3}",
    query!()
);
const HTTP: &str = concat!(
    "(http|https|HTTPS)://",
    host!(),
    "(",
    port!(),
    ")?(/",
    seg!(),
    "){0,3}",
    query!()
);
const VIDEO_FILE: &str = concat!(
    "(http|https)://",
    host!(),
    "(",
    port!(),
    ")?(/",
    seg!(),
    "){0,2}/[A-Za-z0-9_-]{1,16}\\.(mp4|flv|MP4|Flv)",
    query!()
);

/// A job name: 1–255 of ASCII letters and digits, `-`, `_` and the CJK ideograph blocks.
const JOB_NAME: &str =
    "[a-zA-Z0-9_\\-\u{4E00}-\u{9FFF}\u{3400}-\u{4DBF}\u{F900}-\u{FAFF}\u{20000}-\u{2FA1F}]{1,255}";

// ---- valid values -------------------------------------------------------------------------

/// 1–128 printable ASCII characters, mostly short and plain.
pub(crate) fn resource_id() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[a-z0-9][a-z0-9-]{0,15}",
        1 => "[!-~]{1,128}",
    ]
    .boxed()
}

/// A `ClusterId`: mostly one of a few, so that calls meet in the same cluster.
pub(crate) fn cluster_id() -> BoxedStrategy<String> {
    prop_oneof![
        4 => select(&["cluster-1", "cluster-2", "edge-hz-3"][..]).prop_map(String::from),
        1 => resource_id(),
    ]
    .boxed()
}

pub(crate) fn job_name() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[a-zA-Z0-9_-]{1,20}",
        1 => JOB_NAME,
    ]
    .boxed()
}

/// The id of a template of the default catalogue.
pub(crate) fn template_id() -> BoxedStrategy<String> {
    let ids: Vec<String> = TemplateCatalogue::default()
        .iter()
        .map(|t| t.template_id.to_string())
        .collect();
    select(ids).boxed()
}

pub(crate) fn edge_input() -> BoxedStrategy<String> {
    prop_oneof![6 => RTMP, 3 => SRT, 1 => RTMP_LONG].boxed()
}

pub(crate) fn edge_output() -> BoxedStrategy<String> {
    prop_oneof![6 => RTMP, 1 => RTMP_LONG].boxed()
}

/// A search text: at most 255 characters, none a control character; sometimes empty.
pub(crate) fn keyword() -> BoxedStrategy<String> {
    prop_oneof![
        2 => "[a-z0-9_-]{0,8}",
        1 => "\\PC{0,20}",
        1 => "\\PC{255}",
    ]
    .boxed()
}

pub(crate) fn transcode_type() -> BoxedStrategy<String> {
    select(&["common", "nbhd-2", "ultra-hd", ""][..])
        .prop_map(String::from)
        .boxed()
}

pub(crate) fn video_codec() -> BoxedStrategy<String> {
    select(&["H.264", "H.265", ""][..])
        .prop_map(String::from)
        .boxed()
}

pub(crate) fn sort_by() -> BoxedStrategy<String> {
    select(&["asc", "desc", ""][..])
        .prop_map(String::from)
        .boxed()
}

pub(crate) fn page_number() -> BoxedStrategy<i64> {
    prop_oneof![4 => 1..=5i64, 1 => 1..=i64::from(i32::MAX)].boxed()
}

pub(crate) fn page_size() -> BoxedStrategy<i64> {
    prop_oneof![1 => Just(1i64), 3 => 1..=100i64, 1 => Just(100i64)].boxed()
}

pub(crate) fn region() -> BoxedStrategy<String> {
    select(Region::ALL.to_vec())
        .prop_map(|r| r.as_str().to_owned())
        .boxed()
}

/// A task name: at most 128 characters, none a control character.
pub(crate) fn task_name() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[a-z_]{1,20}",
        1 => Just(String::new()),
        1 => "\\PC{0,128}",
    ]
    .boxed()
}

/// A `TaskId` filter: at most 55 letters, digits, `_` and `-`; sometimes empty.
pub(crate) fn task_id_filter() -> BoxedStrategy<String> {
    prop_oneof![3 => "[a-z0-9-]{0,8}", 1 => "[A-Za-z0-9_-]{55}"].boxed()
}

/// A `DstUrl` filter: part of an address, no control characters.
pub(crate) fn dst_url_filter() -> BoxedStrategy<String> {
    prop_oneof![
        3 => select(&["", "rtmp://", "live", "example"][..]).prop_map(String::from),
        1 => "\\PC{0,40}",
    ]
    .boxed()
}

pub(crate) fn dst_url() -> BoxedStrategy<String> {
    DST.boxed()
}

pub(crate) fn callback_url() -> BoxedStrategy<String> {
    HTTP.boxed()
}

/// The live URL of one protocol.
fn live_url(protocol: SourceProtocol) -> BoxedStrategy<String> {
    match protocol {
        SourceProtocol::Rtmp => RTMP.boxed(),
        SourceProtocol::Rtsp => RTSP.boxed(),
        SourceProtocol::Srt => SRT.boxed(),
        SourceProtocol::HttpFlv | SourceProtocol::Flv | SourceProtocol::Hls => HTTP.boxed(),
    }
}

fn media_id() -> BoxedStrategy<String> {
    prop_oneof![4 => "[0-9a-f]{32}", 1 => "[A-Za-z0-9_-]{1,64}"].boxed()
}

/// 1 to 30 entries, mostly few.
fn playlist(entry: BoxedStrategy<String>) -> BoxedStrategy<Vec<String>> {
    prop_oneof![
        4 => proptest::collection::vec(entry.clone(), 1..=3),
        1 => proptest::collection::vec(entry, 1..=30),
    ]
    .boxed()
}

/// A list of one source type: one live URL of a protocol, media ids, or video files.
pub(crate) fn source_urls(kind: SourceType) -> BoxedStrategy<Vec<String>> {
    match kind {
        SourceType::Live => select(SourceProtocol::ALL.to_vec())
            .prop_flat_map(live_url)
            .prop_map(|url| vec![url])
            .boxed(),
        SourceType::Vod => playlist(media_id()),
        SourceType::Url => playlist(VIDEO_FILE.boxed()),
    }
}

/// What a task pulls, as the Create fields `SourceType`, `SourceProtocol`, `SourceUrls`.
#[derive(Debug, Clone)]
pub(crate) struct SourceFields {
    pub(crate) kind: SourceType,
    pub(crate) protocol: Option<SourceProtocol>,
    pub(crate) urls: Vec<String>,
}

/// A source: live with its protocol, or a playlist, which may carry a (valid, ignored)
/// protocol.
pub(crate) fn source() -> BoxedStrategy<SourceFields> {
    let live = select(SourceProtocol::ALL.to_vec()).prop_flat_map(|protocol| {
        live_url(protocol).prop_map(move |url| SourceFields {
            kind: SourceType::Live,
            protocol: Some(protocol),
            urls: vec![url],
        })
    });
    let playlist = (
        select(vec![SourceType::Vod, SourceType::Url]),
        option::weighted(0.2, select(SourceProtocol::ALL.to_vec())),
    )
        .prop_flat_map(|(kind, protocol)| {
            source_urls(kind).prop_map(move |urls| SourceFields {
                kind,
                protocol,
                urls,
            })
        });
    prop_oneof![live, playlist].boxed()
}

/// `RepeatNumber`: -1 (forever) or 0 to 2147483647.
pub(crate) fn repeat_number() -> BoxedStrategy<i64> {
    prop_oneof![
        1 => Just(-1i64),
        3 => 0..=3i64,
        1 => 0..=i64::from(i32::MAX),
    ]
    .boxed()
}

/// `Offset`: 1 to 2147483647 seconds.
pub(crate) fn offset() -> BoxedStrategy<i64> {
    prop_oneof![3 => 1..=3600i64, 1 => 1..=i64::from(i32::MAX)].boxed()
}

pub(crate) fn retry_count() -> BoxedStrategy<i64> {
    (0..=30i64).boxed()
}

pub(crate) fn retry_interval() -> BoxedStrategy<i64> {
    (60..=300i64).boxed()
}

// ---- times --------------------------------------------------------------------------------

/// The longest window of the default configuration, in seconds.
pub(crate) fn max_window_secs() -> i64 {
    TaskLimits::default()
        .max_window_secs
        .map_or(i64::from(u32::MAX), i64::from)
}

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// `now` moved by `secs` and printed in the API's format (whole seconds; the fraction of
/// `now` is dropped first, so `at(now, 1)` is always later than `now`).
pub(crate) fn at(now: DateTime<Utc>, secs: i64) -> String {
    let whole = DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
    let moved = TimeDelta::try_seconds(secs)
        .and_then(|d| whole.checked_add_signed(d))
        .unwrap_or(whole);
    format_utc(&moved)
}

/// A valid window as offsets from `now`: StartTime before EndTime, EndTime after `now`,
/// at most the default longest window. StartTime may be past (the task starts at once).
pub(crate) fn window() -> BoxedStrategy<(i64, i64)> {
    let max = max_window_secs();
    let end = prop_oneof![
        2 => 1..=HOUR,
        3 => HOUR..=2 * DAY,
        1 => 1..=max,
    ];
    let length = prop_oneof![
        2 => 1..=HOUR,
        2 => HOUR..=DAY,
        1 => 1..=max,
        1 => Just(max),
    ];
    (end, length)
        .prop_map(|(end, length)| (end - length, end))
        .boxed()
}

/// The times of a valid Update, as offsets from `now`: none, either, or both (then a valid
/// window). A lone StartTime is any time near `now`; a lone EndTime is after `now`.
pub(crate) fn update_times() -> BoxedStrategy<(Option<i64>, Option<i64>)> {
    prop_oneof![
        3 => Just((None, None)),
        1 => (-DAY..=6 * DAY).prop_map(|s| (Some(s), None)),
        1 => (1..=6 * DAY).prop_map(|e| (None, Some(e))),
        1 => window().prop_map(|(s, e)| (Some(s), Some(e))),
    ]
    .boxed()
}

/// A window that breaks a rule: StartTime not before EndTime, EndTime not after `now`, or
/// (`too_long`) longer than the default longest window.
pub(crate) fn illegal_window(too_long: bool) -> BoxedStrategy<(i64, i64)> {
    let max = max_window_secs();
    let reversed = (1..=7 * DAY, 0..=DAY).prop_map(|(end, back)| (end + back, end));
    let ended = (0..=7 * DAY, 1..=DAY).prop_map(|(ago, length)| (-ago - length, -ago));
    let long = (1..=DAY, 1..=30 * DAY).prop_map(move |(end, extra)| (end - max - extra, end));
    if too_long {
        prop_oneof![reversed, ended, long].boxed()
    } else {
        prop_oneof![reversed, ended].boxed()
    }
}

// ---- broken values ------------------------------------------------------------------------

fn texts(values: &'static [&'static str]) -> BoxedStrategy<Value> {
    select(values).prop_map(Value::from).boxed()
}

fn ints(values: BoxedStrategy<i64>) -> BoxedStrategy<Value> {
    values.prop_map(Value::from).boxed()
}

fn long(min: usize) -> BoxedStrategy<Value> {
    proptest::string::string_regex(&format!("[a-z]{{{min},{}}}", min + 20))
        .map(|s| s.prop_map(Value::from).boxed())
        .unwrap_or_else(|_| Just(Value::from("a".repeat(min))).boxed())
}

/// Ids every engine refuses: whitespace or control characters (a strict engine also
/// refuses ids over 128 characters or outside printable ASCII; these are not drawn).
fn bad_id() -> BoxedStrategy<Value> {
    texts(&["has space", "tab\there", " lead", "new\nline", "nul\u{0}"])
}

/// URLs every engine refuses in any URL field: not a URL, no host, not written
/// `scheme://host`, a space.
fn bad_url() -> BoxedStrategy<Value> {
    texts(&[
        "rtmp://host.example.com/live/a b",
        "rtmp:///live/s",
        "rtmp:host.example.com/live/s",
        "not a url",
        "host.example.com/live/s",
    ])
}

fn bad_time() -> BoxedStrategy<Value> {
    texts(&[
        "2030-01-01 10:00:00",
        "2030-02-30T10:00:00Z",
        "2030-01-01T10:00:00+08:00",
        "2030-01-01T10:00:00.5Z",
        "2030-01-01T24:00:00Z",
        "2030-01-01T10:00:60Z",
        "2030-1-1T10:00:00Z",
        "tomorrow",
    ])
}

fn outside(range: std::ops::RangeInclusive<i64>) -> BoxedStrategy<Value> {
    let (low, high) = (*range.start(), *range.end());
    let below = (i64::MIN..low).boxed();
    let above = (high.saturating_add(1)..=i64::MAX).boxed();
    let near = prop_oneof![Just(low.saturating_sub(1)), Just(high.saturating_add(1))];
    ints(prop_oneof![below, above, near].boxed())
}

/// A value of `param` that breaks its rule as `action` reads it (never empty where empty
/// means "not sent"): always `InvalidParameter` from an engine with the default
/// configuration, whatever the other fields hold. Values only a strict engine refuses
/// (`Config::strict`, docs/fidelity.md) are not drawn.
pub(crate) fn bad_value(action: &str, param: &str) -> BoxedStrategy<Value> {
    let update_edge = action == "UpdateEdgeTranscodeJob";
    let list_tasks = action == "DescribeLivePullToPushList";
    let int32 = 1..=i64::from(i32::MAX);
    match param {
        "ClusterId" | "JobId" | "TemplateId" | "TaskId" if list_tasks => {
            prop_oneof![texts(&["a.b", "has space", "a/b", "caf\u{e9}"]), long(56),].boxed()
        }
        // The one id an Update may leave out, so sent empty it is malformed, not missing.
        "TemplateId" if update_edge => prop_oneof![bad_id(), texts(&[""])].boxed(),
        "ClusterId" | "JobId" | "TemplateId" | "TaskId" => bad_id(),
        "Name" => {
            let bad = prop_oneof![
                texts(&[
                    "has space",
                    "caf\u{e9}",
                    "a.b",
                    "\u{4E2D}\u{3002}",
                    "\u{FF21}"
                ]),
                long(256),
            ];
            if update_edge {
                prop_oneof![bad, texts(&[""])].boxed()
            } else {
                bad.boxed()
            }
        }
        "StreamInput" | "StreamOutput" if update_edge => {
            prop_oneof![bad_url(), texts(&[""])].boxed()
        }
        "StreamInput" | "StreamOutput" => bad_url(),
        "Keyword" | "TaskName" => texts(&["bell\u{7}", "line\nbreak", "\u{0}"]),
        "Status" => outside(0..=1),
        "Type" => texts(&["Common", "NBHD-2", "hd", "ultra_hd"]),
        "VideoCodec" => texts(&["h.264", "H264", "AV1"]),
        "PageNo" | "PageNumber" => outside(int32),
        "PageSize" => outside(1..=100),
        "SortBy" => texts(&["ASC", "Desc", "up"]),
        "Region" => texts(&["cn-hangzhou", "CN-BEIJING", " cn-beijing", "mars-1"]),
        "StartTime" | "EndTime" if action == "UpdateLivePullToPush" => {
            prop_oneof![bad_time(), texts(&[""])].boxed()
        }
        "StartTime" | "EndTime" => bad_time(),
        "SourceType" => texts(&["LIVE", "Vod", "file"]),
        "SourceProtocol" => texts(&["RTMP", "udp", "http_flv", "webrtc"]),
        "SourceUrls" => prop_oneof![
            Just(Value::Array(Vec::new())),
            Just(Value::from(vec![""])),
            Just(Value::from(vec!["bell\u{7}"])),
            Just(Value::from(vec!["a1b2"; 31])),
        ]
        .boxed(),
        "DstUrl" if list_tasks => texts(&["bell\u{7}", "line\nbreak"]),
        "DstUrl" => prop_oneof![
            bad_url(),
            texts(&[
                "rtmps://host.example.com/live/s",
                "http://host.example.com/live/s"
            ]),
            long(2001).prop_map(|v| Value::from(format!(
                "rtmp://h.example.com/live/{}",
                v.as_str().unwrap_or_default()
            ))),
        ]
        .boxed(),
        "CallbackUrl" => prop_oneof![
            bad_url(),
            texts(&["rtmp://host.example.com/live/s", "http://"]),
            long(2001).prop_map(|v| Value::from(format!(
                "https://h.example.com/{}",
                v.as_str().unwrap_or_default()
            ))),
        ]
        .boxed(),
        "RepeatNumber" => outside(-1..=i64::from(i32::MAX)),
        "Offset" => outside(int32),
        "FileIndex" => outside(0..=i64::from(i32::MAX)),
        "RetryCount" => outside(0..=i64::from(i32::MAX)),
        "RetryInterval" => outside(60..=300),
        _ => texts(&["\u{7}"]),
    }
}
