//! Edge transcoding: jobs that transcode a stream on an edge cluster, with read-only
//! templates.
//!
//! Requests are in [`request`](self::CreateEdgeTranscodeJobRequest) form as they arrive and
//! validate into typed forms; the job lifecycle lives in `job.rs`; replies are in
//! `response.rs`. The [`Engine`](crate::Engine) routes calls here.

mod job;
mod request;
pub(crate) mod response;
mod store;
mod template;
mod types;

pub use job::{JobChanges, NewJob, TemplateChoice};
pub use request::{
    CreateEdgeTranscodeJobRequest, CreateJob, DeleteEdgeTranscodeJobRequest,
    GetEdgeTranscodeJobRequest, GetEdgeTranscodeTemplateRequest, JobRef,
    ListEdgeTranscodeJobRequest, ListEdgeTranscodeTemplateRequest, ListJobs, ListTemplates,
    StartEdgeTranscodeJobRequest, StopEdgeTranscodeJobRequest, TemplateRef,
    UpdateEdgeTranscodeJobRequest, UpdateJob,
};
pub use response::{
    DeleteResponse, GetJobResponse, GetTemplateResponse, JobIdResponse, JobList, JobView,
    ListJobsResponse, ListTemplatesResponse, TemplateList,
};
pub(crate) use store::EdgeStore;
pub use store::{EdgeEvent, EdgeLimits, LIST_WINDOW_DAYS};
pub use template::{DuplicateTemplate, Template, TemplateCatalogue};
pub(crate) use types::contains_ignoring_case;
pub use types::{
    JobName, JobStatus, Keyword, MAX_NAME_CHARS, Page, SortOrder, TranscodeType, VideoCodec,
};
