//! The RPC wire: an `Action` and string parameters in, the HTTP status and exact JSON body
//! out, so that embedding the engine in any HTTP server takes a few lines.
//!
//! The wire is a codec: one call goes through, in order, the size bounds of the parameter
//! list, the action (`MissingParameter`, `InvalidAction.NotFound`), the `Version`
//! (`InvalidVersion`), the caller's account, the rate limit (`Throttling.User`); these are the
//! gateway's checks and nothing happens when one refuses. Then time passes up to `now`, the
//! parameters are read into the action's [`Request`](crate::Request) (`decode.rs`), the
//! engine runs it as it runs a typed call ([`Engine::execute`]), and the
//! [`Response`](crate::Response) or the refusal is written as JSON.

mod decode;
mod params;

use chrono::{DateTime, Utc};

pub(crate) use self::decode::{decode, field_names};
pub use self::params::{API_VERSION, MAX_NAME_BYTES, MAX_PARAMS, MAX_VALUE_BYTES};
use crate::error::{ApiError, Rejection};
use crate::ids::AccountId;
use crate::operation::{Action, Response};
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
/// assert!(reply.body().contains(r#""Code":"InvalidAction.NotFound""#));
/// assert!(reply.events().is_empty() && reply.callbacks().is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    status: u16,
    code: Option<&'static str>,
    body: String,
    events: Vec<Event>,
    callbacks: Vec<Callback>,
}

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

    /// The error code of a refusal (`None` for a success): what the body's `Code` says.
    ///
    /// ```
    /// # use live_lifecycle::{Config, Engine};
    /// # let mut engine = Engine::new(Config::default());
    /// let reply = engine.handle_rpc("1001", "GetEdgeTranscodeJob", &[("ClusterId", "c1")],
    ///     "2030-01-01T00:00:00Z".parse().unwrap());
    /// assert_eq!(reply.code(), Some("MissingParameter"));
    /// ```
    pub fn code(&self) -> Option<&'static str> {
        self.code
    }

    /// The exact JSON body to send, success or error.
    ///
    /// ```
    /// # use live_lifecycle::{Config, Engine};
    /// # let mut engine = Engine::new(Config::default());
    /// let reply = engine.handle_rpc("1001", "ListEdgeTranscodeJob", &[("ClusterId", "c1")],
    ///     "2030-01-01T00:00:00Z".parse().unwrap());
    /// let body: serde_json::Value = serde_json::from_str(reply.body()).unwrap();
    /// assert_eq!(body["TotalCount"], 0);
    /// ```
    pub fn body(&self) -> &str {
        &self.body
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
        &self.events
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
    ///     HttpResponse::new(reply.status(), "application/json", reply.body())
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
    /// assert!(reply.body().contains("RepeatNumber"));
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
        let (status, code, body) = match self.rpc(account, action, params, now) {
            Ok(response) => match serde_json::to_string(&response) {
                Ok(body) => (200, None, body),
                Err(e) => written(&self.refuse(ApiError::InternalError {
                    detail: format!("the reply could not be written: {e}").into(),
                })),
            },
            Err(rejection) => written(&rejection),
        };
        Reply {
            status,
            code,
            body,
            events: self.events.iter().skip(events_before).cloned().collect(),
            callbacks: self
                .callbacks
                .iter()
                .skip(callbacks_before)
                .cloned()
                .collect(),
        }
    }

    fn rpc(
        &mut self,
        account: &str,
        action: &str,
        params: &[(&str, &str)],
        now: DateTime<Utc>,
    ) -> Result<Response, Rejection> {
        let (action, account) = match self.gateway(account, action, params, now) {
            Ok(admitted) => admitted,
            Err(error) => return Err(self.refuse(error)),
        };
        self.advance(now);
        match action.decode(params, now) {
            Ok(request) => self.execute(&account, &request, now),
            Err(error) => Err(self.refuse(error)),
        }
    }

    /// The gateway's checks, in its order; a refusal here changes nothing but the request
    /// counter.
    fn gateway(
        &mut self,
        account: &str,
        action: &str,
        params: &[(&str, &str)],
        now: DateTime<Utc>,
    ) -> Result<(Action, AccountId), ApiError> {
        params::check_bounds(params)?;
        let named = match action {
            "" => params::single(params, "Action")?,
            given => Some(given),
        };
        let Some(named) = named.filter(|name| !name.is_empty()) else {
            return Err(ApiError::missing("Action"));
        };
        let action = Action::from_name(named).ok_or(ApiError::ActionNotFound)?;
        if params::single(params, "Version")?.is_some_and(|v| v != API_VERSION) {
            return Err(ApiError::InvalidVersion);
        }
        let account = AccountId::try_from(account)
            .map_err(|reason| ApiError::invalid("AccountId", reason))?;
        if !self.throttle.admit(
            &self.config.throttle,
            account.as_str(),
            action.family(),
            now,
        ) {
            return Err(ApiError::Throttled);
        }
        Ok((action, account))
    }
}

/// A refusal's status, code and body. A body that cannot be written (serde_json writes
/// these structs of text; only a bug could make it fail) is answered as an `InternalError`
/// built without it.
fn written(rejection: &Rejection) -> (u16, Option<&'static str>, String) {
    match serde_json::to_string(rejection) {
        Ok(body) => (rejection.http_status(), Some(rejection.code()), body),
        Err(e) => {
            let body = serde_json::json!({
                "RequestId": rejection.request_id.as_str(),
                "HostId": rejection.host_id,
                "Code": "InternalError",
                "Message": format!("the error body could not be written: {e}"),
            });
            (500, Some("InternalError"), body.to_string())
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::{Config, Engine};

    #[test]
    fn a_reply_names_the_code_of_a_refusal_and_none_for_a_success() {
        let mut engine = Engine::new(Config::default());
        let now = "2030-01-01T00:00:00Z".parse().unwrap();
        let refused = engine.handle_rpc("1001", "GetEdgeTranscodeJob", &[("ClusterId", "c1")], now);
        assert_eq!(refused.code(), Some("MissingParameter"));
        assert!(refused.body().contains(r#""Code":"MissingParameter""#));
        let listed = engine.handle_rpc("1001", "ListEdgeTranscodeJob", &[("ClusterId", "c1")], now);
        assert_eq!((listed.status(), listed.code()), (200, None));
    }
}
