//! The RPC wire: an `Action` and string parameters in, the HTTP status and exact JSON body
//! out, so that embedding the engine in any HTTP server takes a few lines.
//!
//! One call goes through, in order: the size bounds of the parameter list, the action
//! (`MissingParameter`, `InvalidAction.NotFound`), the `Version` (`InvalidVersion`), the
//! caller's account, the rate limit (`Throttling.User`); these are the gateway's checks and
//! nothing happens when one refuses. Then time passes up to `now`, the parameters become the
//! typed request (integers, the JSON list of `SourceUrls`), and the typed operation runs.
//! The calls that only name a job (Get, Start, Stop, DeleteEdgeTranscodeJob) skip the request
//! struct: they read their two ids in place and write the body from the stored job, so they
//! allocate nothing but the body; their answers are the typed ones, byte for byte.

mod action;
mod params;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub use self::action::ACTIONS;
// The strategies read which parameters each action takes.
pub(crate) use self::action::Action;
pub use self::params::{API_VERSION, MAX_NAME_BYTES, MAX_PARAMS, MAX_VALUE_BYTES};
use crate::engine::KeyChange;
use crate::error::{ApiError, Rejection};
use crate::ids::AccountId;
use crate::pull_to_push::Callback;
use crate::{Engine, Event};

/// The answer to one RPC call: the HTTP status, the exact JSON body, and, as typed values,
/// the events and callbacks the call produced.
///
/// ```
/// use live_lifecycle::{Config, Engine};
/// let mut engine = Engine::new(Config::default());
/// let reply = engine.handle_rpc("1001", "NoSuchAction", &[], "2030-01-01T00:00:00Z".parse().unwrap());
/// assert_eq!(reply.status(), 404);
/// assert!(reply.body_json().contains(r#""Code":"InvalidAction.NotFound""#));
/// assert!(reply.events().is_empty() && reply.callbacks().is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    status: u16,
    body: String,
    events: Events,
    callbacks: Vec<Callback>,
}

/// A reply's copy of the events its call recorded. A change call records one, held inline, so
/// that the reply allocates nothing but its body; none or several go in a `Vec` (an empty
/// one allocates nothing either).
#[derive(Debug, Clone)]
enum Events {
    One(Event),
    Many(Vec<Event>),
}

impl Events {
    fn of(events: &[Event]) -> Self {
        match events {
            [one] => Self::One(one.clone()),
            all => Self::Many(all.to_vec()),
        }
    }

    fn as_slice(&self) -> &[Event] {
        match self {
            Self::One(one) => std::slice::from_ref(one),
            Self::Many(all) => all,
        }
    }
}

/// Equal when they hold the same events, however held.
impl PartialEq for Events {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Events {}

impl Reply {
    /// The HTTP status: 200, or the error's documented status.
    ///
    /// ```
    /// # use live_lifecycle::{Config, Engine};
    /// # let mut engine = Engine::new(Config::default());
    /// let reply = engine.handle_rpc("1001", "GetEdgeTranscodeJob", &[("ClusterId", "c1")],
    ///     "2030-01-01T00:00:00Z".parse().unwrap());
    /// assert_eq!(reply.status(), 400); // JobId is missing
    /// ```
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The exact JSON body to send, success or error.
    ///
    /// ```
    /// # use live_lifecycle::{Config, Engine};
    /// # let mut engine = Engine::new(Config::default());
    /// let reply = engine.handle_rpc("1001", "ListEdgeTranscodeJob", &[("ClusterId", "c1")],
    ///     "2030-01-01T00:00:00Z".parse().unwrap());
    /// let body: serde_json::Value = serde_json::from_str(&reply.body_json()).unwrap();
    /// assert_eq!(body["TotalCount"], 0);
    /// ```
    pub fn body_json(&self) -> String {
        self.body.clone()
    }

    /// The events the call produced, time-driven ones included, oldest first. They stay in
    /// the engine's log too ([`Engine::drain_events`]).
    ///
    /// ```
    /// # use live_lifecycle::{Config, Engine};
    /// # let mut engine = Engine::new(Config::default());
    /// let reply = engine.handle_rpc("1001", "CreateEdgeTranscodeJob", &[
    ///     ("ClusterId", "c1"), ("Name", "news"),
    ///     ("TemplateId", "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01"),
    ///     ("StreamInput", "rtmp://in.example.com/live/a"),
    ///     ("StreamOutput", "rtmp://out.example.com/live/a"),
    /// ], "2030-01-01T00:00:00Z".parse().unwrap());
    /// assert_eq!(reply.events().len(), 1);
    /// assert_eq!(engine.drain_events(), reply.events());
    /// ```
    pub fn events(&self) -> &[Event] {
        self.events.as_slice()
    }

    /// The callbacks the call produced, in order. They stay in the engine's outbox too
    /// ([`Engine::drain_callbacks`]): deliver from one place or the other, not both.
    ///
    /// ```
    /// # use live_lifecycle::{Config, Engine};
    /// # let mut engine = Engine::new(Config::default());
    /// let reply = engine.handle_rpc("1001", "DescribeLivePullToPushList", &[("Region", "cn-beijing")],
    ///     "2030-01-01T00:00:00Z".parse().unwrap());
    /// assert!(reply.callbacks().is_empty());
    /// ```
    pub fn callbacks(&self) -> &[Callback] {
        &self.callbacks
    }
}

/// Reads the request an action's fields make, refusing with the documented precedence: a
/// missing parameter first, then a parameter of the wrong form, then whatever the request's
/// own validation and the operation find.
fn request<R: DeserializeOwned>(
    fields: Map<String, Value>,
    form_problems: Vec<ApiError>,
    all_problems: impl FnOnce(&R) -> Vec<ApiError>,
) -> Result<R, ApiError> {
    let req: R =
        serde_json::from_value(Value::Object(fields)).map_err(|e| ApiError::InternalError {
            detail: format!("the parameters did not make a request: {e}").into(),
        })?;
    // A field with a form problem was left out of the request, so its own check sees it as
    // absent: that is not a missing parameter, it is the form problem.
    let had_form_problem = |field: &str| {
        form_problems
            .iter()
            .any(|p| matches!(p, ApiError::InvalidParameter { field: f, .. } if f == field))
    };
    if let Some(missing) = all_problems(&req)
        .into_iter()
        .find(|p| matches!(p, ApiError::MissingParameter { field } if !had_form_problem(field)))
    {
        return Err(missing);
    }
    match form_problems.into_iter().next() {
        Some(problem) => Err(problem),
        None => Ok(req),
    }
}

impl Engine {
    /// Handles one RPC call as it arrives off the wire: the caller's account (authenticated
    /// by the embedder), the `Action` (from the `Action` parameter or the `x-acs-action`
    /// header; when `action` is empty, the `Action` parameter is read), the query or form
    /// parameters in arrival order, and `now`.
    ///
    /// Common parameters (`Format`, `Version`, `AccessKeyId`, `Signature*`, `Timestamp`,
    /// `RegionId`, `OwnerId`, …) are accepted and ignored, except that a `Version` other
    /// than `2016-11-01` is `InvalidVersion`. Parameters the action does not read are
    /// ignored; a parameter the action reads sent twice is `InvalidParameter`.
    ///
    /// A minimal HTTP handler (any server; the crate itself does no I/O):
    ///
    /// ```text
    /// fn handle(engine: &Mutex<Engine>, request: HttpRequest) -> HttpResponse {
    ///     let account = authenticate(&request)?;             // the embedder's job
    ///     let params: Vec<(&str, &str)> = request.query_and_form_pairs();
    ///     let action = request.header("x-acs-action").unwrap_or("");
    ///     let reply = engine.lock().handle_rpc(&account, action, &params, Utc::now());
    ///     for callback in reply.callbacks() { spawn_post(&callback.url, &callback.body) }
    ///     HttpResponse::new(reply.status(), "application/json", reply.body_json())
    /// }
    /// ```
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine};
    ///
    /// let mut engine = Engine::new(Config::default());
    /// let now = "2030-01-01T09:00:00Z".parse().unwrap();
    /// let reply = engine.handle_rpc("1001", "CreateLivePullToPush", &[
    ///     ("Region", "cn-shanghai"),
    ///     ("StartTime", "2030-01-01T10:00:00Z"),
    ///     ("EndTime", "2030-01-01T12:00:00Z"),
    ///     ("SourceType", "url"),
    ///     ("SourceUrls", r#"["https://cdn.example.com/a.mp4"]"#),
    ///     ("DstUrl", "rtmp://push.example.com/live/a"),
    ///     ("RepeatNumber", "1.5"),
    /// ], now);
    /// assert_eq!(reply.status(), 400);
    /// assert!(reply.body_json().contains("RepeatNumber"));
    /// ```
    pub fn handle_rpc(
        &mut self,
        account: &str,
        action: &str,
        params: &[(&str, &str)],
        now: DateTime<Utc>,
    ) -> Reply {
        let events_before = self.events.len();
        let callbacks_before = self.callbacks.len();
        let (status, body) = match self.rpc(account, action, params, now) {
            Ok(body) => (200, body),
            Err(rejection) => (
                rejection.http_status(),
                serde_json::to_string(&rejection).unwrap_or_default(),
            ),
        };
        Reply {
            status,
            body,
            events: Events::of(self.events.get(events_before..).unwrap_or_default()),
            callbacks: self
                .callbacks
                .get(callbacks_before..)
                .unwrap_or_default()
                .to_vec(),
        }
    }

    fn rpc(
        &mut self,
        account: &str,
        action: &str,
        params: &[(&str, &str)],
        now: DateTime<Utc>,
    ) -> Result<String, Rejection> {
        let (action, account) = match self.gateway(account, action, params, now) {
            Ok(admitted) => admitted,
            Err(error) => return Err(self.refuse(error)),
        };
        self.advance(now);
        // The general path: the parameters become the typed request, which the typed
        // operation runs; its reply is serialized.
        macro_rules! run {
            ($method:ident, |$r:ident| $check:expr) => {{
                let account = match AccountId::try_from(account) {
                    Ok(account) => account,
                    Err(reason) => return Err(self.refuse(ApiError::invalid("AccountId", reason))),
                };
                let (fields, form) = params::fields(params, action);
                match request(fields, form, |$r| $check) {
                    Ok(req) => self
                        .$method(&account, &req, now)
                        .and_then(|reply| self.render(&reply)),
                    Err(error) => Err(self.refuse(error)),
                }
            }};
        }
        // The calls that only name a job read their two parameters in place and write their
        // body from the stored job: no request, no response struct, no copies.
        let key = || params::job_key(params);
        match action {
            Action::GetEdgeTranscodeJob => self.get_edge_transcode_job_body(account, key()),
            Action::StartEdgeTranscodeJob => {
                self.change_edge_transcode_job_body(KeyChange::Start, account, key(), now)
            }
            Action::StopEdgeTranscodeJob => {
                self.change_edge_transcode_job_body(KeyChange::Stop, account, key(), now)
            }
            Action::DeleteEdgeTranscodeJob => {
                self.change_edge_transcode_job_body(KeyChange::Delete, account, key(), now)
            }
            Action::CreateEdgeTranscodeJob => {
                run!(create_edge_transcode_job, |r| {
                    crate::edge::CreateEdgeTranscodeJobRequest::validate_all(r)
                })
            }
            Action::ListEdgeTranscodeJob => {
                run!(list_edge_transcode_job, |r| {
                    crate::edge::ListEdgeTranscodeJobRequest::validate_all(r)
                })
            }
            Action::UpdateEdgeTranscodeJob => {
                run!(update_edge_transcode_job, |r| {
                    crate::edge::UpdateEdgeTranscodeJobRequest::validate_all(r)
                })
            }
            Action::GetEdgeTranscodeTemplate => {
                run!(get_edge_transcode_template, |r| {
                    crate::edge::GetEdgeTranscodeTemplateRequest::validate_all(r)
                })
            }
            Action::ListEdgeTranscodeTemplate => {
                run!(list_edge_transcode_template, |r| {
                    crate::edge::ListEdgeTranscodeTemplateRequest::validate_all(r)
                })
            }
            Action::CreateLivePullToPush => {
                run!(create_live_pull_to_push, |r| {
                    crate::pull_to_push::CreateLivePullToPushRequest::validate_all(r, now)
                })
            }
            Action::UpdateLivePullToPush => {
                run!(update_live_pull_to_push, |r| {
                    crate::pull_to_push::UpdateLivePullToPushRequest::validate_all(r, now)
                })
            }
            Action::DeleteLivePullToPush => {
                run!(delete_live_pull_to_push, |r| {
                    crate::pull_to_push::DeleteLivePullToPushRequest::validate_all(r)
                })
            }
            Action::DescribeLivePullToPush => {
                run!(describe_live_pull_to_push, |r| {
                    crate::pull_to_push::DescribeLivePullToPushRequest::validate_all(r)
                })
            }
            Action::DescribeLivePullToPushList => {
                run!(describe_live_pull_to_push_list, |r| {
                    crate::pull_to_push::DescribeLivePullToPushListRequest::validate_all(r)
                })
            }
            Action::StopLivePullToPush => {
                run!(stop_live_pull_to_push, |r| {
                    crate::pull_to_push::StopLivePullToPushRequest::validate_all(r)
                })
            }
            Action::RestartLivePullToPush => {
                run!(restart_live_pull_to_push, |r| {
                    crate::pull_to_push::RestartLivePullToPushRequest::validate_all(r)
                })
            }
        }
    }

    /// The gateway's checks, in its order; a refusal here changes nothing but the request
    /// counter.
    fn gateway<'a>(
        &mut self,
        account: &'a str,
        action: &str,
        params: &[(&str, &str)],
        now: DateTime<Utc>,
    ) -> Result<(Action, &'a str), ApiError> {
        params::check_bounds(params)?;
        let named = match action {
            "" => params::single(params, "Action")?.unwrap_or_default(),
            given => given,
        };
        if named.is_empty() {
            return Err(ApiError::missing("Action"));
        }
        let action = Action::from_name(named).ok_or(ApiError::ActionNotFound)?;
        if params::single(params, "Version")?.is_some_and(|v| v != API_VERSION) {
            return Err(ApiError::InvalidVersion);
        }
        crate::ids::check_id(account).map_err(|reason| ApiError::invalid("AccountId", reason))?;
        if !self
            .throttle
            .admit(&self.config.throttle, account, action.family(), now)
        {
            return Err(ApiError::Throttled);
        }
        Ok((action, account))
    }

    fn render<T: Serialize>(&mut self, reply: &T) -> Result<String, Rejection> {
        serde_json::to_string(reply).map_err(|e| {
            self.refuse(ApiError::InternalError {
                detail: format!("the reply could not be written: {e}").into(),
            })
        })
    }
}
