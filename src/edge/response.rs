//! The edge family's success bodies, serialized exactly as the official SDK models read them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::template::Template;
use super::types::{JobName, JobStatus, TranscodeType};
use crate::ids::{JobId, RequestId, TemplateId};
use crate::stream_url::StreamUrl;

/// A job as Get and List show it. `Status` is a string (`"0"`, `"1"`); `LastStartAt` and
/// `LastStopAt` are absent until the job is first started or stopped.
///
/// ```
/// # use live_lifecycle::edge::JobView;
/// let json = r#"{"CreateTime":"2023-07-24T16:44:55Z","JobId":"j1","Name":"my_job","Status":"0",
///   "StreamInput":"rtmp://a/b/c","StreamOutput":"rtmp://d/e/f","TemplateId":"t1",
///   "TemplateName":"my_template","Type":"common"}"#;
/// let job: JobView = serde_json::from_str(json).unwrap();
/// assert!(job.last_start_at.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct JobView {
    /// When the job was created.
    #[serde(with = "crate::time::wire")]
    pub create_time: DateTime<Utc>,
    /// The job id.
    pub job_id: JobId,
    /// When the job was last started.
    #[serde(
        with = "crate::time::wire::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub last_start_at: Option<DateTime<Utc>>,
    /// When the job was last stopped.
    #[serde(
        with = "crate::time::wire::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub last_stop_at: Option<DateTime<Utc>>,
    /// The job name.
    pub name: JobName,
    /// `"0"` not started, `"1"` running.
    pub status: JobStatus,
    /// Input URL.
    pub stream_input: StreamUrl,
    /// Output URL.
    pub stream_output: StreamUrl,
    /// The template's id.
    pub template_id: TemplateId,
    /// The template's name.
    pub template_name: String,
    /// The template's type.
    #[serde(rename = "Type")]
    pub transcode_type: TranscodeType,
}

impl JobView {
    fn as_body(&self) -> JobViewBody<'_> {
        JobViewBody {
            create_time: self.create_time,
            job_id: &self.job_id,
            last_start_at: self.last_start_at,
            last_stop_at: self.last_stop_at,
            name: &self.name,
            status: self.status,
            stream_input: &self.stream_input,
            stream_output: &self.stream_output,
            template_id: &self.template_id,
            template_name: &self.template_name,
            transcode_type: self.transcode_type,
        }
    }
}

impl Serialize for JobView {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.as_body().serialize(s)
    }
}

/// A job as written on the wire, borrowed: the one definition of the `Job` object, which
/// [`JobView`] and the wire's in-place replies both serialize through.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct JobViewBody<'a> {
    #[serde(with = "crate::time::wire")]
    pub(crate) create_time: DateTime<Utc>,
    pub(crate) job_id: &'a JobId,
    #[serde(
        with = "crate::time::wire::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub(crate) last_start_at: Option<DateTime<Utc>>,
    #[serde(
        with = "crate::time::wire::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub(crate) last_stop_at: Option<DateTime<Utc>>,
    pub(crate) name: &'a JobName,
    pub(crate) status: JobStatus,
    pub(crate) stream_input: &'a StreamUrl,
    pub(crate) stream_output: &'a StreamUrl,
    pub(crate) template_id: &'a TemplateId,
    pub(crate) template_name: &'a str,
    #[serde(rename = "Type")]
    pub(crate) transcode_type: TranscodeType,
}

/// The body of GetEdgeTranscodeJob, borrowed: `{"Job":{…},"RequestId"}`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetJobBody<'a> {
    pub(crate) job: JobViewBody<'a>,
    pub(crate) request_id: &'a str,
}

/// The Get body without its values: the keys and punctuation every body has.
const GET_SHAPE: &str = r#"{"Job":{"CreateTime":"","JobId":"","Name":"","Status":"","StreamInput":"","StreamOutput":"","TemplateId":"","TemplateName":"","Type":""},"RequestId":""}"#;
/// What an optional time adds beside its value.
const LAST_START_SHAPE: &str = r#""LastStartAt":"","#;
const LAST_STOP_SHAPE: &str = r#""LastStopAt":"","#;
/// Every printed time has the shape `yyyy-MM-ddTHH:mm:ssZ` (see [`crate::time::utc_text`]).
const TIME_LEN: usize = "2030-01-01T00:00:00Z".len();

impl GetJobBody<'_> {
    /// The body's length in bytes when no text needs escaping (more when some does), so the
    /// wire can allocate it once at its final size.
    pub(crate) fn len_unescaped(&self) -> usize {
        let job = &self.job;
        let optional =
            |time: Option<DateTime<Utc>>, shape: &str| time.map_or(0, |_| shape.len() + TIME_LEN);
        GET_SHAPE.len()
            + TIME_LEN
            + job.job_id.as_str().len()
            + job.name.as_str().len()
            + job.status.as_str().len()
            + job.stream_input.as_str().len()
            + job.stream_output.as_str().len()
            + job.template_id.as_str().len()
            + job.template_name.len()
            + job.transcode_type.as_str().len()
            + optional(job.last_start_at, LAST_START_SHAPE)
            + optional(job.last_stop_at, LAST_STOP_SHAPE)
            + self.request_id.len()
    }
}

/// The body of Create, Update, Start and Stop, borrowed: `{"JobId","RequestId"}`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct JobIdBody<'a> {
    pub(crate) job_id: &'a str,
    pub(crate) request_id: &'a str,
}

impl JobIdBody<'_> {
    /// The body's length in bytes when neither text needs escaping (the generated ids never
    /// do; an id from a generator of the embedder's may, and then the body grows once).
    pub(crate) fn len(&self) -> usize {
        r#"{"JobId":"","RequestId":""}"#.len() + self.job_id.len() + self.request_id.len()
    }

    /// The body, written by hand: what serde_json writes for it (`tests/wire_props.rs`
    /// compares the two), without its byte-by-byte escaping of texts that need none, which
    /// was a fifth of a wire Start or Stop.
    pub(crate) fn to_json(&self) -> String {
        let mut out = String::with_capacity(self.len());
        out.push_str(r#"{"JobId":"#);
        push_json_str(&mut out, self.job_id);
        out.push_str(r#","RequestId":"#);
        push_json_str(&mut out, self.request_id);
        out.push('}');
        out
    }
}

/// Appends `text` as a JSON string, as serde_json writes it: copied whole when no byte needs
/// escaping (a control character, `"` or `\`), else escaped by serde_json.
fn push_json_str(out: &mut String, text: &str) {
    // A fold without an early exit, so the compiler checks many bytes at a time: ids are
    // short and almost never need escaping.
    let needs_escaping = text.bytes().fold(false, |any, b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if !needs_escaping {
        out.push('"');
        out.push_str(text);
        out.push('"');
    } else {
        out.push_str(&serde_json::to_string(text).unwrap_or_default());
    }
}

/// The body of Delete, borrowed: `{"RequestId"}`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DeleteBody<'a> {
    pub(crate) request_id: &'a str,
}

impl DeleteBody<'_> {
    /// The body's length in bytes (a request id never needs escaping).
    pub(crate) fn len(&self) -> usize {
        r#"{"RequestId":""}"#.len() + self.request_id.len()
    }
}

/// The reply of Create, Update, Start and Stop: `{"JobId","RequestId"}`.
///
/// ```
/// # use live_lifecycle::edge::JobIdResponse;
/// let r = JobIdResponse { job_id: "j1".try_into().unwrap(), request_id: "R1".into() };
/// assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"JobId":"j1","RequestId":"R1"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct JobIdResponse {
    /// The job.
    pub job_id: JobId,
    /// The request id.
    pub request_id: RequestId,
}

impl Serialize for JobIdResponse {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        JobIdBody {
            job_id: self.job_id.as_str(),
            request_id: &self.request_id,
        }
        .serialize(s)
    }
}

/// The reply of Delete: `{"RequestId"}`.
///
/// ```
/// # use live_lifecycle::edge::DeleteResponse;
/// let r = DeleteResponse { request_id: "R1".into() };
/// assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"RequestId":"R1"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteResponse {
    /// The request id.
    pub request_id: RequestId,
}

impl Serialize for DeleteResponse {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        DeleteBody {
            request_id: &self.request_id,
        }
        .serialize(s)
    }
}

/// The reply of GetEdgeTranscodeJob: `{"Job":{…},"RequestId"}`.
///
/// ```
/// # use live_lifecycle::edge::GetJobResponse;
/// let body = r#"{"Job":{"CreateTime":"2023-07-24T16:44:55Z","JobId":"j1","Name":"n","Status":"1",
///   "StreamInput":"rtmp://a/b/c","StreamOutput":"rtmp://d/e/f","TemplateId":"t","TemplateName":"tn",
///   "Type":"nbhd-2"},"RequestId":"R1"}"#;
/// let r: GetJobResponse = serde_json::from_str(body).unwrap();
/// assert_eq!(r.job.status.as_str(), "1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetJobResponse {
    /// The job.
    pub job: JobView,
    /// The request id.
    pub request_id: RequestId,
}

impl Serialize for GetJobResponse {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        GetJobBody {
            job: self.job.as_body(),
            request_id: &self.request_id,
        }
        .serialize(s)
    }
}

/// The `JobList` wrapper of ListEdgeTranscodeJob: `{"Job":[…]}`.
///
/// ```
/// # use live_lifecycle::edge::JobList;
/// assert_eq!(serde_json::to_string(&JobList { job: vec![] }).unwrap(), r#"{"Job":[]}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct JobList {
    /// The page of jobs.
    pub job: Vec<JobView>,
}

/// The reply of ListEdgeTranscodeJob: `{"JobList":{"Job":[…]},"RequestId","TotalCount"}`.
///
/// ```
/// # use live_lifecycle::edge::{JobList, ListJobsResponse};
/// let r = ListJobsResponse { job_list: JobList { job: vec![] }, request_id: "R".into(), total_count: 0 };
/// assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"JobList":{"Job":[]},"RequestId":"R","TotalCount":0}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListJobsResponse {
    /// The page.
    pub job_list: JobList,
    /// The request id.
    pub request_id: RequestId,
    /// How many jobs match, over all pages.
    pub total_count: u64,
}

/// The reply of GetEdgeTranscodeTemplate: `{"RequestId","Template":{…}}`.
///
/// ```
/// # use live_lifecycle::edge::{GetTemplateResponse, TemplateCatalogue};
/// let t = TemplateCatalogue::default().iter().next().unwrap().clone();
/// let r = GetTemplateResponse { request_id: "R".into(), template: t };
/// assert!(serde_json::to_string(&r).unwrap().starts_with(r#"{"RequestId":"R","Template":{"Bitrate":"#));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTemplateResponse {
    /// The request id.
    pub request_id: RequestId,
    /// The template.
    pub template: Template,
}

/// The `TemplateList` wrapper of ListEdgeTranscodeTemplate: `{"Template":[…]}`.
///
/// ```
/// # use live_lifecycle::edge::TemplateList;
/// assert_eq!(serde_json::to_string(&TemplateList { template: vec![] }).unwrap(), r#"{"Template":[]}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TemplateList {
    /// The page of templates.
    pub template: Vec<Template>,
}

/// The reply of ListEdgeTranscodeTemplate: `{"RequestId","TemplateList":{"Template":[…]},"TotalCount"}`.
///
/// ```
/// # use live_lifecycle::edge::{ListTemplatesResponse, TemplateList};
/// let r = ListTemplatesResponse { request_id: "R".into(), template_list: TemplateList { template: vec![] }, total_count: 0 };
/// assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"RequestId":"R","TemplateList":{"Template":[]},"TotalCount":0}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTemplatesResponse {
    /// The request id.
    pub request_id: RequestId,
    /// The page.
    pub template_list: TemplateList,
    /// How many templates match, over all pages.
    pub total_count: u64,
}
