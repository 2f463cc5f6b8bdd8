//! [`Outcome`]: what one call of a sequence gave.

use serde_json::Value;

use crate::Rejection;
use crate::pull_to_push::ReportError;

/// What one call gave: the success body, the refusal, how many changes fell due when time
/// passed, or how a stream report was taken.
///
/// ```
/// use live_lifecycle::strategies::Outcome;
/// let passed = Outcome::Advanced(2);
/// assert!(passed.is_success());
/// assert_eq!(passed.code(), None);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The operation succeeded; its response body as JSON.
    Success(Value),
    /// The operation was refused.
    Refused(Rejection),
    /// Time passed ([`Engine::advance`](crate::Engine::advance)); how many changes fell due.
    Advanced(usize),
    /// A stream report ([`Engine::report_stream`](crate::Engine::report_stream)) was taken,
    /// or refused.
    Reported(Result<(), ReportError>),
}

impl Outcome {
    /// Whether the call did what it asked: a success, time passing, or a report taken.
    ///
    /// ```
    /// use live_lifecycle::strategies::Outcome;
    /// use live_lifecycle::pull_to_push::ReportError;
    /// assert!(Outcome::Success(serde_json::json!({})).is_success());
    /// assert!(!Outcome::Reported(Err(ReportError::UnknownTask)).is_success());
    /// ```
    pub fn is_success(&self) -> bool {
        matches!(
            self,
            Self::Success(_) | Self::Advanced(_) | Self::Reported(Ok(()))
        )
    }

    /// The documented error code of a refused operation.
    ///
    /// ```
    /// use live_lifecycle::strategies::Outcome;
    /// use live_lifecycle::{ApiError, Rejection};
    /// let refused = Outcome::Refused(Rejection {
    ///     request_id: "r".into(),
    ///     host_id: "h".into(),
    ///     error: ApiError::TaskNotExist,
    /// });
    /// assert_eq!(refused.code(), Some("CodeTaskNotExist"));
    /// ```
    pub fn code(&self) -> Option<&'static str> {
        match self {
            Self::Refused(rejection) => Some(rejection.code()),
            _ => None,
        }
    }

    /// The response body of a success.
    ///
    /// ```
    /// use live_lifecycle::strategies::Outcome;
    /// let ok = Outcome::Success(serde_json::json!({"RequestId": "r"}));
    /// assert_eq!(ok.body().unwrap()["RequestId"], "r");
    /// assert!(Outcome::Advanced(0).body().is_none());
    /// ```
    pub fn body(&self) -> Option<&Value> {
        match self {
            Self::Success(body) => Some(body),
            _ => None,
        }
    }
}
