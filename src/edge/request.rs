//! The nine edge requests as they arrive (wire names, optional raw fields) and the validated
//! forms they parse into.
//!
//! Each request's `validate()` is stateless, so a client can run it before sending; it returns
//! the validated form or the first problem by precedence (missing → malformed).
//! `validate_all()` lists every problem.

use serde::{Deserialize, Serialize};

use super::types::{JobName, JobStatus, Keyword, Page, SortOrder, TranscodeType, VideoCodec};
use crate::check::{Check, validation};
use crate::error::ApiError;
use crate::error::Detail;
use crate::ids::{self, ClusterId, JobId, TemplateId};
use crate::stream_url::{self, EDGE_INPUT, EDGE_OUTPUT, StreamUrl};

fn cluster_id(strict: bool) -> impl Fn(&str) -> Result<ClusterId, Detail> {
    move |text| ids::sent(text, strict)
}

fn job_id(strict: bool) -> impl Fn(&str) -> Result<JobId, Detail> {
    move |text| ids::sent(text, strict)
}

fn template_id(strict: bool) -> impl Fn(&str) -> Result<TemplateId, Detail> {
    move |text| ids::sent(text, strict)
}

fn job_name(text: &str) -> Result<JobName, Detail> {
    JobName::try_from(text)
}

fn input_url(strict: bool) -> impl Fn(&str) -> Result<StreamUrl, Detail> {
    move |text| stream_url::parse(text, EDGE_INPUT, strict).map_err(Detail::Borrowed)
}

fn output_url(strict: bool) -> impl Fn(&str) -> Result<StreamUrl, Detail> {
    move |text| stream_url::parse(text, EDGE_OUTPUT, strict).map_err(Detail::Borrowed)
}

fn page(check: &mut Check, number: Option<i64>, size: Option<i64>) -> Option<Page> {
    let number = check.number("PageNo", number, Page::number_from);
    let size = check.number("PageSize", size, Page::size_from);
    Some(Page::from_parts(number?, size?))
}

/// CreateEdgeTranscodeJob: all five fields are required.
///
/// ```
/// use live_lifecycle::edge::CreateEdgeTranscodeJobRequest;
///
/// let req = CreateEdgeTranscodeJobRequest {
///     cluster_id: Some("cluster-1".into()),
///     name: Some("my_job".into()),
///     template_id: Some("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01".into()),
///     stream_input: Some("rtmp://mydomain/app/stream1".into()),
///     stream_output: Some("ftp://testdomain/app/stream2".into()),
/// };
/// // A default engine takes any URL; a strict one only rtmp and rtmps as an output.
/// assert!(req.validate_all().is_empty());
/// let problems = req.validate_all_with(true);
/// assert_eq!(problems.len(), 1);
/// assert_eq!(problems[0].code(), "InvalidParameter");
/// assert!(problems[0].to_string().contains("StreamOutput"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateEdgeTranscodeJobRequest {
    /// `ClusterId`: the data centre.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    /// `Name`: letters, digits, CJK, `-`, `_`; 1–255 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `TemplateId`: a template of the catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    /// `StreamInput`: rtmp, rtmps or srt URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_input: Option<String>,
    /// `StreamOutput`: rtmp or rtmps URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_output: Option<String>,
}

/// A valid CreateEdgeTranscodeJob.
///
/// ```
/// # use live_lifecycle::edge::CreateEdgeTranscodeJobRequest;
/// let valid = CreateEdgeTranscodeJobRequest {
///     cluster_id: Some("c1".into()), name: Some("j".into()), template_id: Some("t".into()),
///     stream_input: Some("rtmp://a/b/c".into()), stream_output: Some("rtmp://d/e/f".into()),
/// }.validate().unwrap();
/// assert_eq!(valid.name.as_str(), "j");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateJob {
    /// The data centre.
    pub cluster_id: ClusterId,
    /// The job name.
    pub name: JobName,
    /// The template to use.
    pub template_id: TemplateId,
    /// Input URL.
    pub stream_input: StreamUrl,
    /// Output URL.
    pub stream_output: StreamUrl,
}

impl CreateEdgeTranscodeJobRequest {
    fn parse(&self, c: &mut Check) -> Option<CreateJob> {
        let strict = c.strict();
        let cluster_id = c.required("ClusterId", self.cluster_id.as_deref(), cluster_id(strict));
        let name = c.required("Name", self.name.as_deref(), job_name);
        let template_id = c.required(
            "TemplateId",
            self.template_id.as_deref(),
            template_id(strict),
        );
        let stream_input = c.required(
            "StreamInput",
            self.stream_input.as_deref(),
            input_url(strict),
        );
        let stream_output = c.required(
            "StreamOutput",
            self.stream_output.as_deref(),
            output_url(strict),
        );
        Some(CreateJob {
            cluster_id: cluster_id?,
            name: name?,
            template_id: template_id?,
            stream_input: stream_input?,
            stream_output: stream_output?,
        })
    }
}
validation!(CreateEdgeTranscodeJobRequest => CreateJob);

/// A job named by cluster and id: the validated form of Get, Start, Stop and Delete.
///
/// ```
/// # use live_lifecycle::edge::StartEdgeTranscodeJobRequest;
/// let job = StartEdgeTranscodeJobRequest { cluster_id: Some("c1".into()), job_id: Some("j1".into()) }
///     .validate().unwrap();
/// assert_eq!(job.job_id.as_str(), "j1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRef {
    /// The data centre.
    pub cluster_id: ClusterId,
    /// The job.
    pub job_id: JobId,
}

impl JobRef {
    fn parse(c: &mut Check, cluster: Option<&str>, job: Option<&str>) -> Option<Self> {
        let strict = c.strict();
        let cluster = c.required("ClusterId", cluster, cluster_id(strict));
        let job = c.required("JobId", job, job_id(strict));
        Some(Self {
            cluster_id: cluster?,
            job_id: job?,
        })
    }

    /// `JobNotFound` for this job.
    pub(crate) fn not_found(&self) -> ApiError {
        ApiError::JobNotFound {
            cluster_id: self.cluster_id.to_string(),
            job_id: self.job_id.to_string(),
        }
    }
}

macro_rules! job_ref_request {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// ```
        #[doc = concat!("use live_lifecycle::edge::", stringify!($name), ";")]
        #[doc = concat!("let req = ", stringify!($name), " { cluster_id: Some(\"c1\".into()), job_id: None };")]
        /// assert_eq!(req.validate().unwrap_err().code(), "MissingParameter");
        /// ```
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "PascalCase")]
        pub struct $name {
            /// `ClusterId`: the data centre.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub cluster_id: Option<String>,
            /// `JobId`: the job.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub job_id: Option<String>,
        }

        impl $name {
            fn parse(&self, c: &mut Check) -> Option<JobRef> {
                JobRef::parse(c, self.cluster_id.as_deref(), self.job_id.as_deref())
            }
        }
        validation!($name => JobRef);
    };
}

job_ref_request!(
    /// GetEdgeTranscodeJob: `ClusterId` and `JobId`, both required.
    GetEdgeTranscodeJobRequest
);
job_ref_request!(
    /// StartEdgeTranscodeJob: `ClusterId` and `JobId`; the job must not be running.
    StartEdgeTranscodeJobRequest
);
job_ref_request!(
    /// StopEdgeTranscodeJob: `ClusterId` and `JobId`; the job must be running.
    StopEdgeTranscodeJobRequest
);
job_ref_request!(
    /// DeleteEdgeTranscodeJob: `ClusterId` and `JobId`; the job must not be running.
    DeleteEdgeTranscodeJobRequest
);

/// UpdateEdgeTranscodeJob: `ClusterId` and `JobId` required; the four others optional, but
/// never present and empty.
///
/// ```
/// use live_lifecycle::edge::UpdateEdgeTranscodeJobRequest;
/// let req = UpdateEdgeTranscodeJobRequest {
///     cluster_id: Some("c1".into()),
///     job_id: Some("j1".into()),
///     name: Some("".into()),
///     ..Default::default()
/// };
/// assert_eq!(req.validate().unwrap_err().code(), "InvalidParameter");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateEdgeTranscodeJobRequest {
    /// `ClusterId`: the data centre.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    /// `JobId`: the job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// `Name`: a new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `TemplateId`: a new template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    /// `StreamInput`: a new input URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_input: Option<String>,
    /// `StreamOutput`: a new output URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_output: Option<String>,
}

/// A valid UpdateEdgeTranscodeJob.
///
/// ```
/// # use live_lifecycle::edge::UpdateEdgeTranscodeJobRequest;
/// let u = UpdateEdgeTranscodeJobRequest {
///     cluster_id: Some("c1".into()), job_id: Some("j1".into()), ..Default::default()
/// }.validate().unwrap();
/// assert!(u.name.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateJob {
    /// The job to change.
    pub job: JobRef,
    /// A new name.
    pub name: Option<JobName>,
    /// A new template.
    pub template_id: Option<TemplateId>,
    /// A new input URL.
    pub stream_input: Option<StreamUrl>,
    /// A new output URL.
    pub stream_output: Option<StreamUrl>,
}

impl UpdateEdgeTranscodeJobRequest {
    fn parse(&self, c: &mut Check) -> Option<UpdateJob> {
        let strict = c.strict();
        let cluster = c.required("ClusterId", self.cluster_id.as_deref(), cluster_id(strict));
        let job = c.required("JobId", self.job_id.as_deref(), job_id(strict));
        let name = c.optional("Name", self.name.as_deref(), job_name);
        let template = c.optional(
            "TemplateId",
            self.template_id.as_deref(),
            template_id(strict),
        );
        let input = c.optional(
            "StreamInput",
            self.stream_input.as_deref(),
            input_url(strict),
        );
        let output = c.optional(
            "StreamOutput",
            self.stream_output.as_deref(),
            output_url(strict),
        );
        Some(UpdateJob {
            job: JobRef {
                cluster_id: cluster?,
                job_id: job?,
            },
            name: name?,
            template_id: template?,
            stream_input: input?,
            stream_output: output?,
        })
    }
}
validation!(UpdateEdgeTranscodeJobRequest => UpdateJob);

/// ListEdgeTranscodeJob: `ClusterId` required; filters, paging and order optional. An empty
/// filter (`Keyword=`, `Type=`) means no filter.
///
/// ```
/// use live_lifecycle::edge::ListEdgeTranscodeJobRequest;
/// let req = ListEdgeTranscodeJobRequest {
///     cluster_id: Some("c1".into()),
///     page_size: Some(101),
///     ..Default::default()
/// };
/// assert!(req.validate().unwrap_err().to_string().contains("PageSize"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListEdgeTranscodeJobRequest {
    /// `ClusterId`: the data centre.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    /// `Keyword`: exact job id or part of the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    /// `Status`: 0 or 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// `Type`: common, nbhd-2 or ultra-hd.
    #[serde(default, rename = "Type", skip_serializing_if = "Option::is_none")]
    pub transcode_type: Option<String>,
    /// `PageNo`: from 1 (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_no: Option<i64>,
    /// `PageSize`: 1–100 (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<i64>,
    /// `SortBy`: asc or desc (default desc), by creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_by: Option<String>,
}

/// A valid ListEdgeTranscodeJob.
///
/// ```
/// # use live_lifecycle::edge::{ListEdgeTranscodeJobRequest, SortOrder};
/// let l = ListEdgeTranscodeJobRequest { cluster_id: Some("c1".into()), ..Default::default() }
///     .validate().unwrap();
/// assert_eq!(l.sort, SortOrder::Desc);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListJobs {
    /// The data centre.
    pub cluster_id: ClusterId,
    /// Search text.
    pub keyword: Option<Keyword>,
    /// Status filter.
    pub status: Option<JobStatus>,
    /// Type filter.
    pub transcode_type: Option<TranscodeType>,
    /// Which page.
    pub page: Page,
    /// Creation-time order.
    pub sort: SortOrder,
}

impl ListEdgeTranscodeJobRequest {
    fn parse(&self, c: &mut Check) -> Option<ListJobs> {
        let cluster = c.required(
            "ClusterId",
            self.cluster_id.as_deref(),
            cluster_id(c.strict()),
        );
        let keyword = c.filter("Keyword", self.keyword.as_deref(), |k| Keyword::try_from(k));
        let status = c.number("Status", self.status, JobStatus::from_filter);
        let kind = c.filter("Type", self.transcode_type.as_deref(), str::parse);
        let page = page(c, self.page_no, self.page_size);
        let sort = c.filter("SortBy", self.sort_by.as_deref(), str::parse);
        Some(ListJobs {
            cluster_id: cluster?,
            keyword: keyword?,
            status: status?,
            transcode_type: kind?,
            page: page?,
            sort: sort?.unwrap_or_default(),
        })
    }
}
validation!(ListEdgeTranscodeJobRequest => ListJobs);

/// GetEdgeTranscodeTemplate: `ClusterId` and `TemplateId`, both required.
///
/// ```
/// use live_lifecycle::edge::GetEdgeTranscodeTemplateRequest;
/// let req = GetEdgeTranscodeTemplateRequest { cluster_id: None, template_id: Some("t".into()) };
/// assert_eq!(req.validate().unwrap_err().code(), "MissingParameter");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetEdgeTranscodeTemplateRequest {
    /// `ClusterId`: the data centre.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    /// `TemplateId`: the template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
}

/// A valid GetEdgeTranscodeTemplate.
///
/// ```
/// # use live_lifecycle::edge::GetEdgeTranscodeTemplateRequest;
/// let t = GetEdgeTranscodeTemplateRequest { cluster_id: Some("c".into()), template_id: Some("t".into()) }
///     .validate().unwrap();
/// assert_eq!(t.template_id.as_str(), "t");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRef {
    /// The data centre.
    pub cluster_id: ClusterId,
    /// The template.
    pub template_id: TemplateId,
}

impl GetEdgeTranscodeTemplateRequest {
    fn parse(&self, c: &mut Check) -> Option<TemplateRef> {
        let strict = c.strict();
        let cluster = c.required("ClusterId", self.cluster_id.as_deref(), cluster_id(strict));
        let template = c.required(
            "TemplateId",
            self.template_id.as_deref(),
            template_id(strict),
        );
        Some(TemplateRef {
            cluster_id: cluster?,
            template_id: template?,
        })
    }
}
validation!(GetEdgeTranscodeTemplateRequest => TemplateRef);

/// ListEdgeTranscodeTemplate: `ClusterId` required; filters, paging and order optional.
///
/// ```
/// use live_lifecycle::edge::ListEdgeTranscodeTemplateRequest;
/// let req = ListEdgeTranscodeTemplateRequest {
///     cluster_id: Some("c1".into()),
///     video_codec: Some("AV1".into()),
///     ..Default::default()
/// };
/// assert!(req.validate().unwrap_err().to_string().contains("VideoCodec"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListEdgeTranscodeTemplateRequest {
    /// `ClusterId`: the data centre.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    /// `Keyword`: exact template id or part of the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    /// `Type`: common, nbhd-2 or ultra-hd.
    #[serde(default, rename = "Type", skip_serializing_if = "Option::is_none")]
    pub transcode_type: Option<String>,
    /// `VideoCodec`: H.264 or H.265.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_codec: Option<String>,
    /// `PageNo`: from 1 (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_no: Option<i64>,
    /// `PageSize`: 1–100 (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<i64>,
    /// `SortBy`: asc or desc (default desc), by creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_by: Option<String>,
}

/// A valid ListEdgeTranscodeTemplate.
///
/// ```
/// # use live_lifecycle::edge::ListEdgeTranscodeTemplateRequest;
/// let l = ListEdgeTranscodeTemplateRequest { cluster_id: Some("c1".into()), ..Default::default() }
///     .validate().unwrap();
/// assert!(l.codec.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListTemplates {
    /// The data centre.
    pub cluster_id: ClusterId,
    /// Search text.
    pub keyword: Option<Keyword>,
    /// Type filter.
    pub transcode_type: Option<TranscodeType>,
    /// Codec filter.
    pub codec: Option<VideoCodec>,
    /// Which page.
    pub page: Page,
    /// Creation-time order.
    pub sort: SortOrder,
}

impl ListEdgeTranscodeTemplateRequest {
    fn parse(&self, c: &mut Check) -> Option<ListTemplates> {
        let cluster = c.required(
            "ClusterId",
            self.cluster_id.as_deref(),
            cluster_id(c.strict()),
        );
        let keyword = c.filter("Keyword", self.keyword.as_deref(), |k| Keyword::try_from(k));
        let kind = c.filter("Type", self.transcode_type.as_deref(), str::parse);
        let codec = c.filter("VideoCodec", self.video_codec.as_deref(), str::parse);
        let page = page(c, self.page_no, self.page_size);
        let sort = c.filter("SortBy", self.sort_by.as_deref(), str::parse);
        Some(ListTemplates {
            cluster_id: cluster?,
            keyword: keyword?,
            transcode_type: kind?,
            codec: codec?,
            page: page?,
            sort: sort?.unwrap_or_default(),
        })
    }
}
validation!(ListEdgeTranscodeTemplateRequest => ListTemplates);
