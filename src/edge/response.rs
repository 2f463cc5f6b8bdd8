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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
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

/// The reply of Create, Update, Start and Stop: `{"JobId","RequestId"}`.
///
/// ```
/// # use live_lifecycle::edge::JobIdResponse;
/// let body = r#"{"JobId":"j1","RequestId":"R1"}"#;
/// let r: JobIdResponse = serde_json::from_str(body).unwrap();
/// assert_eq!(r.job_id.as_str(), "j1");
/// assert_eq!(serde_json::to_string(&r).unwrap(), body);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct JobIdResponse {
    /// The job.
    pub job_id: JobId,
    /// The request id.
    pub request_id: RequestId,
}

/// The reply of Delete: `{"RequestId"}`.
///
/// ```
/// # use live_lifecycle::edge::DeleteResponse;
/// let r: DeleteResponse = serde_json::from_str(r#"{"RequestId":"R1"}"#).unwrap();
/// assert_eq!(r.request_id, "R1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DeleteResponse {
    /// The request id.
    pub request_id: RequestId,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GetJobResponse {
    /// The job.
    pub job: JobView,
    /// The request id.
    pub request_id: RequestId,
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
/// let body = r#"{"JobList":{"Job":[]},"RequestId":"R","TotalCount":0}"#;
/// let r: ListJobsResponse = serde_json::from_str(body).unwrap();
/// assert_eq!(r.job_list, JobList { job: vec![] });
/// assert_eq!(serde_json::to_string(&r).unwrap(), body);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
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
/// let body = serde_json::json!({ "RequestId": "R", "Template": t });
/// let r: GetTemplateResponse = serde_json::from_value(body).unwrap();
/// assert_eq!(r.template, t);
/// assert!(serde_json::to_string(&r).unwrap().starts_with(r#"{"RequestId":"R","Template":{"Bitrate":"#));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
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
/// let body = r#"{"RequestId":"R","TemplateList":{"Template":[]},"TotalCount":0}"#;
/// let r: ListTemplatesResponse = serde_json::from_str(body).unwrap();
/// assert_eq!(r.template_list, TemplateList { template: vec![] });
/// assert_eq!(serde_json::to_string(&r).unwrap(), body);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ListTemplatesResponse {
    /// The request id.
    pub request_id: RequestId,
    /// The page.
    pub template_list: TemplateList,
    /// How many templates match, over all pages.
    pub total_count: u64,
}
