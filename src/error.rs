//! The documented error codes, one variant each, and the error body they render to.
//!
//! Every message is the template published for its code (`%s.`, `%s, please check and try
//! again later.`, …) with the detail filled in. Where the pages of different operations print
//! different templates for the same code, the fullest one is used for all of them (README,
//! "Behaviour notes").

use std::borrow::Cow;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::Config;
use crate::ids::RequestId;

/// A reason or detail text: static in almost every case, owned where it names a value.
pub type Detail = Cow<'static, str>;

/// An error the API documents, with its code, HTTP status and filled-in message.
///
/// ```
/// use live_lifecycle::ApiError;
///
/// let err = ApiError::MissingParameter { field: "ClusterId".into() };
/// assert_eq!(err.code(), "MissingParameter");
/// assert_eq!(err.http_status(), 400);
/// assert!(err.to_string().contains("ClusterId"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// A required parameter is absent or empty (400).
    #[error(
        "The input parameter \"{field}\" that is mandatory for processing this request is not supplied."
    )]
    MissingParameter {
        /// The parameter's wire name.
        field: Detail,
    },
    /// A parameter is present but malformed or out of range (400).
    #[error("The parameter \"{field}\" is invalid: {reason}.")]
    InvalidParameter {
        /// The parameter's wire name.
        field: Detail,
        /// Why it was refused.
        reason: Detail,
    },
    /// The resource is in a state that does not allow the operation (403).
    #[error("{reason}, please check and try again later.")]
    OperationDenied {
        /// What the state is and why that refuses the call.
        reason: Detail,
    },
    /// The account is not entitled to the service (403).
    #[error("The account has no permission to use {service}, please check and try again later.")]
    Forbidden {
        /// The service the account lacks, e.g. "edge transcoding".
        service: &'static str,
    },
    /// No edge transcoding job with that id in that cluster of this account (404).
    #[error(
        "The job {job_id} does not exist in cluster {cluster_id}, please check and try again later."
    )]
    JobNotFound {
        /// The cluster that was searched.
        cluster_id: String,
        /// The job id that was asked for.
        job_id: String,
    },
    /// No edge transcoding template with that id in the catalogue (404).
    #[error("The template {template_id} does not exist")]
    TemplateNotFound {
        /// The template id that was asked for.
        template_id: String,
    },
    /// Starting the job would exceed the account's running-job limit (400).
    #[error(
        "The account already runs {limit} edge transcoding jobs, the most it may, please check and try again later."
    )]
    UserTaskExceed {
        /// The configured limit.
        limit: u32,
    },
    /// Creating the job would exceed the account's job quota (403).
    #[error("Quota exceeded: the account already holds {limit} edge transcoding jobs.")]
    UserQuotaExceed {
        /// The configured quota.
        limit: u32,
    },
    /// The engine could not complete a call that was valid (500).
    #[error("{detail}, please try again later.")]
    InternalError {
        /// What went wrong inside.
        detail: Detail,
    },
    /// The task's time window is not valid: StartTime not before EndTime, EndTime not after
    /// now, or the window longer than allowed (400, `InvalidParam.CodeIllegalDuration`).
    #[error("{reason}.")]
    IllegalDuration {
        /// Which rule the times break.
        reason: Detail,
    },
    /// No pull-to-push task with that id in that region of this account (400,
    /// `CodeTaskNotExist`; the family answers not-found with 400, not 404).
    #[error("Task does not exist.")]
    TaskNotExist,
    /// The task has started, so the field cannot change now (400, `CodeTaskHasStarted`).
    #[error("The task has already started.")]
    TaskHasStarted,
    /// The task is already stopped (400, `CodeTaskHasStopped`).
    #[error("The task has been stopped.")]
    TaskHasStopped,
    /// The account already holds the most pull-to-push tasks it may (400,
    /// `CodeTaskLimitExceeded`; code chosen here, the docs name none).
    #[error("The number of tasks has reached the upper limit of {limit}.")]
    TaskLimitExceeded {
        /// The configured limit.
        limit: u32,
    },
    /// Another live task of the account already pushes to this DstUrl (400,
    /// `CodeDstUrlOccupied`; code chosen here, the docs name none). Only an engine with
    /// `Config::strict` refuses it: the docs say the ingest fails, not the call.
    #[error("The DstUrl is already used by task {task_id}.")]
    DstUrlOccupied {
        /// The task that holds the URL.
        task_id: String,
    },
    /// The account has not activated ApsaraVideo Live (400, `LiveServiceNotFound`).
    #[error("Your account does not open Live service yet")]
    LiveServiceNotFound,
    /// The account has no live domain name (400, `CodeInvalidAliUid`).
    #[error("This aliuid does not have a live domain name.")]
    InvalidAliUid,
    /// The gateway knows no such `Action` (404, `InvalidAction.NotFound`).
    #[error("Specified api is not found, please check your url and method.")]
    ActionNotFound,
    /// The `Version` is not `2016-11-01` (400, `InvalidVersion`).
    #[error("Specified parameter Version is not valid.")]
    InvalidVersion,
    /// The account called more often than its rate allows (400, `Throttling.User`).
    #[error("Request was denied due to user flow control.")]
    Throttled,
}

/// Where an error sits in the fixed precedence of a call: the lower class wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Precedence {
    Missing,
    Malformed,
    CrossField,
}

impl ApiError {
    /// The documented error code, as sent in the body's `Code`.
    ///
    /// ```
    /// use live_lifecycle::ApiError;
    /// assert_eq!(ApiError::TemplateNotFound { template_id: "t".into() }.code(), "TemplateNotFound");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingParameter { .. } => "MissingParameter",
            Self::InvalidParameter { .. } => "InvalidParameter",
            Self::OperationDenied { .. } => "OperationDenied",
            Self::Forbidden { .. } => "Forbidden",
            Self::JobNotFound { .. } => "JobNotFound",
            Self::TemplateNotFound { .. } => "TemplateNotFound",
            Self::UserTaskExceed { .. } => "UserTaskExceed",
            Self::UserQuotaExceed { .. } => "UserQuotaExceed",
            Self::InternalError { .. } => "InternalError",
            Self::IllegalDuration { .. } => "InvalidParam.CodeIllegalDuration",
            Self::TaskNotExist => "CodeTaskNotExist",
            Self::TaskHasStarted => "CodeTaskHasStarted",
            Self::TaskHasStopped => "CodeTaskHasStopped",
            Self::TaskLimitExceeded { .. } => "CodeTaskLimitExceeded",
            Self::DstUrlOccupied { .. } => "CodeDstUrlOccupied",
            Self::LiveServiceNotFound => "LiveServiceNotFound",
            Self::InvalidAliUid => "CodeInvalidAliUid",
            Self::ActionNotFound => "InvalidAction.NotFound",
            Self::InvalidVersion => "InvalidVersion",
            Self::Throttled => "Throttling.User",
        }
    }

    /// The HTTP status the API answers this error with.
    ///
    /// ```
    /// use live_lifecycle::ApiError;
    /// assert_eq!(ApiError::JobNotFound { cluster_id: "c".into(), job_id: "j".into() }.http_status(), 404);
    /// ```
    pub fn http_status(&self) -> u16 {
        match self {
            Self::MissingParameter { .. }
            | Self::InvalidParameter { .. }
            | Self::UserTaskExceed { .. }
            | Self::IllegalDuration { .. }
            | Self::TaskNotExist
            | Self::TaskHasStarted
            | Self::TaskHasStopped
            | Self::TaskLimitExceeded { .. }
            | Self::DstUrlOccupied { .. }
            | Self::LiveServiceNotFound
            | Self::InvalidAliUid
            | Self::InvalidVersion
            | Self::Throttled => 400,
            Self::OperationDenied { .. }
            | Self::Forbidden { .. }
            | Self::UserQuotaExceed { .. } => 403,
            Self::JobNotFound { .. } | Self::TemplateNotFound { .. } | Self::ActionNotFound => 404,
            Self::InternalError { .. } => 500,
        }
    }

    /// Every code [`ApiError::code`] can answer, in the order of the variants.
    pub const CODES: [&'static str; 20] = [
        "MissingParameter",
        "InvalidParameter",
        "OperationDenied",
        "Forbidden",
        "JobNotFound",
        "TemplateNotFound",
        "UserTaskExceed",
        "UserQuotaExceed",
        "InternalError",
        "InvalidParam.CodeIllegalDuration",
        "CodeTaskNotExist",
        "CodeTaskHasStarted",
        "CodeTaskHasStopped",
        "CodeTaskLimitExceeded",
        "CodeDstUrlOccupied",
        "LiveServiceNotFound",
        "CodeInvalidAliUid",
        "InvalidAction.NotFound",
        "InvalidVersion",
        "Throttling.User",
    ];

    /// An error of the documented `code` that no call caused: one a test harness injects on
    /// purpose (the emulator's `/_emulator/chaos`). A message that names a limit names the
    /// one `config` sets; one that names a field, an id or a reason names `injected`. `None`
    /// for a code the API does not document (see [`ApiError::CODES`]).
    ///
    /// ```
    /// use live_lifecycle::{ApiError, Config};
    ///
    /// let error = ApiError::injected("UserQuotaExceed", &Config::default()).unwrap();
    /// assert_eq!((error.code(), error.http_status()), ("UserQuotaExceed", 403));
    /// assert!(error.to_string().contains("500 edge transcoding jobs"));
    /// assert!(ApiError::injected("NoSuchCode", &Config::default()).is_none());
    /// ```
    pub fn injected(code: &str, config: &Config) -> Option<Self> {
        const INJECTED: &str = "injected";
        const REASON: &str = "An error injected for testing";
        Some(match code {
            "MissingParameter" => Self::missing(INJECTED),
            "InvalidParameter" => Self::invalid(INJECTED, "an error injected for testing"),
            "OperationDenied" => Self::denied(REASON),
            "Forbidden" => Self::Forbidden {
                service: "edge transcoding",
            },
            "JobNotFound" => Self::JobNotFound {
                cluster_id: INJECTED.to_owned(),
                job_id: INJECTED.to_owned(),
            },
            "TemplateNotFound" => Self::TemplateNotFound {
                template_id: INJECTED.to_owned(),
            },
            "UserTaskExceed" => Self::UserTaskExceed {
                limit: config.edge_limits.max_running_jobs,
            },
            "UserQuotaExceed" => Self::UserQuotaExceed {
                limit: config.edge_limits.max_jobs,
            },
            "InternalError" => Self::InternalError {
                detail: Cow::Borrowed(REASON),
            },
            "InvalidParam.CodeIllegalDuration" => Self::IllegalDuration {
                reason: Cow::Borrowed(REASON),
            },
            "CodeTaskNotExist" => Self::TaskNotExist,
            "CodeTaskHasStarted" => Self::TaskHasStarted,
            "CodeTaskHasStopped" => Self::TaskHasStopped,
            "CodeTaskLimitExceeded" => Self::TaskLimitExceeded {
                limit: config.task_limits.max_tasks,
            },
            "CodeDstUrlOccupied" => Self::DstUrlOccupied {
                task_id: INJECTED.to_owned(),
            },
            "LiveServiceNotFound" => Self::LiveServiceNotFound,
            "CodeInvalidAliUid" => Self::InvalidAliUid,
            "InvalidAction.NotFound" => Self::ActionNotFound,
            "InvalidVersion" => Self::InvalidVersion,
            "Throttling.User" => Self::Throttled,
            _ => return None,
        })
    }

    pub(crate) fn missing(field: &'static str) -> Self {
        Self::MissingParameter {
            field: Cow::Borrowed(field),
        }
    }

    pub(crate) fn invalid(field: &'static str, reason: impl Into<Detail>) -> Self {
        Self::InvalidParameter {
            field: Cow::Borrowed(field),
            reason: reason.into(),
        }
    }

    pub(crate) fn denied(reason: &'static str) -> Self {
        Self::OperationDenied {
            reason: Cow::Borrowed(reason),
        }
    }
}

/// A refused call as the API answers it: the error plus the request and host ids.
///
/// Serializes to the documented error body
/// `{"RequestId","HostId","Code","Message","Recommend"}`; [`Rejection::http_status`] is the
/// status to send alongside.
///
/// ```
/// use live_lifecycle::{ApiError, Rejection};
///
/// let r = Rejection {
///     request_id: "5D1F6A2B-0000-4000-8000-000000000001".into(),
///     host_id: "live.aliyuncs.com".into(),
///     error: ApiError::MissingParameter { field: "JobId".into() },
/// };
/// let body = serde_json::to_value(&r).unwrap();
/// assert_eq!(body["Code"], "MissingParameter");
/// assert_eq!(r.http_status(), 400);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error}")]
pub struct Rejection {
    /// The id of the refused request.
    pub request_id: RequestId,
    /// The endpoint host that answered, e.g. `live.aliyuncs.com`.
    pub host_id: String,
    /// What was wrong.
    #[source]
    pub error: ApiError,
}

impl Rejection {
    /// The documented code of the error.
    ///
    /// ```
    /// # use live_lifecycle::{ApiError, Rejection};
    /// let r = Rejection { request_id: "r".into(), host_id: "h".into(),
    ///     error: ApiError::Forbidden { service: "edge transcoding" } };
    /// assert_eq!(r.code(), "Forbidden");
    /// ```
    pub fn code(&self) -> &'static str {
        self.error.code()
    }

    /// The HTTP status to answer with.
    ///
    /// ```
    /// # use live_lifecycle::{ApiError, Rejection};
    /// let r = Rejection { request_id: "r".into(), host_id: "h".into(),
    ///     error: ApiError::Forbidden { service: "edge transcoding" } };
    /// assert_eq!(r.http_status(), 403);
    /// ```
    pub fn http_status(&self) -> u16 {
        self.error.http_status()
    }

    /// The diagnosis link of Alibaba's error centre for this code and request.
    ///
    /// ```
    /// # use live_lifecycle::{ApiError, Rejection};
    /// let r = Rejection { request_id: "R1".into(), host_id: "h".into(),
    ///     error: ApiError::Forbidden { service: "edge transcoding" } };
    /// assert!(r.recommend().ends_with("q=Forbidden&product=live&requestId=R1"));
    /// ```
    pub fn recommend(&self) -> String {
        format!(
            "https://api.aliyun.com/troubleshoot?q={}&product=live&requestId={}",
            self.code(),
            self.request_id
        )
    }
}

impl Serialize for Rejection {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut body = serializer.serialize_struct("Error", 5)?;
        body.serialize_field("RequestId", &self.request_id)?;
        body.serialize_field("HostId", &self.host_id)?;
        body.serialize_field("Code", self.code())?;
        body.serialize_field("Message", &self.error.to_string())?;
        body.serialize_field("Recommend", &self.recommend())?;
        body.end()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_code_can_be_injected_and_keeps_its_code() {
        let config = Config::default();
        for code in ApiError::CODES {
            let error = ApiError::injected(code, &config).unwrap();
            assert_eq!(error.code(), code);
            assert!(
                matches!(error.http_status(), 400 | 403 | 404 | 500),
                "{code}"
            );
        }
        let distinct: std::collections::BTreeSet<_> = ApiError::CODES.iter().collect();
        assert_eq!(distinct.len(), ApiError::CODES.len());
        for unknown in [
            "",
            "missingparameter",
            "Throttling",
            "SignatureDoesNotMatch",
        ] {
            assert!(ApiError::injected(unknown, &config).is_none(), "{unknown}");
        }
        let limited = Config {
            task_limits: crate::pull_to_push::TaskLimits {
                max_tasks: 7,
                ..Default::default()
            },
            ..Config::default()
        };
        let error = ApiError::injected("CodeTaskLimitExceeded", &limited).unwrap();
        assert!(error.to_string().ends_with("upper limit of 7."));
    }
}
