//! The RPC wire: an `Action` and string parameters in, the HTTP status and exact body (JSON or
//! XML) out, so that embedding the engine in any HTTP server takes a few lines.
//!
//! The wire is a codec: one call goes through, in order, the size bounds of the parameter
//! list, the action (`MissingParameter`, `InvalidAction.NotFound`), the `Version`
//! (`InvalidVersion`), the caller's account, the operation's rate limit (`Throttling.User`,
//! counted at the instant the call arrived); these are the gateway's checks and nothing
//! happens when one refuses. Then time passes up to `now`, the parameters are read into the
//! action's [`Request`](crate::Request) (`decode.rs`), the engine runs it as it runs a typed
//! call ([`Engine::execute`]), and the [`Response`](crate::Response) or the refusal is
//! written in the call's [`Format`] (`format.rs`).

mod decode;
mod format;
mod params;

use chrono::{DateTime, Utc};

pub(crate) use self::decode::{decode, field_names};
pub use self::format::Format;
#[cfg(feature = "auth")]
pub(crate) use self::format::error_body;
pub use self::params::{API_VERSION, MAX_NAME_BYTES, MAX_PARAMS, MAX_VALUE_BYTES, within_bounds};
use crate::error::{ApiError, Rejection};
use crate::ids::AccountId;
use crate::operation::{Action, Response};
use crate::pull_to_push::Callback;
use crate::{Engine, Event};

/// The answer to one RPC call: the HTTP status, the exact body and its format, and, as typed
/// values, the events and callbacks the call produced.
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
    format: Format,
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

    /// The format of the body: the call's `Format` parameter, or the call's default.
    ///
    /// ```
    /// # use live_lifecycle::{Config, Engine, Format};
    /// # let mut engine = Engine::new(Config::default());
    /// let reply = engine.handle_rpc("1001", "ListEdgeTranscodeJob",
    ///     &[("ClusterId", "c1"), ("Format", "XML")], "2030-01-01T00:00:00Z".parse().unwrap());
    /// assert_eq!(reply.format(), Format::Xml);
    /// assert_eq!(reply.format().content_type(), "text/xml;charset=utf-8");
    /// assert!(reply.body().ends_with("<TotalCount>0</TotalCount></ListEdgeTranscodeJobResponse>"));
    /// ```
    pub fn format(&self) -> Format {
        self.format
    }

    /// The exact body to send, success or error, in [`format`](Self::format).
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

/// One RPC call as it arrives off the wire, for [`Engine::handle`]: the caller's account
/// (authenticated by the embedder), the action, the query or form parameters in arrival
/// order, and `now`; and, where the embedder knows better than the defaults, the real instant
/// the call arrived (for the rate limits) and the format of a reply when the call names none.
///
/// ```
/// use live_lifecycle::{Config, Engine, Format, RpcCall};
///
/// let mut engine = Engine::new(Config::default());
/// // The lifecycle runs on a manual clock; the rate limit counts on the real one.
/// let manual = "2030-01-01T09:00:00Z".parse().unwrap();
/// let real = "2026-12-08T10:00:00Z".parse().unwrap();
/// let params = [("ClusterId", "c1")];
/// let call = RpcCall::new("1001", "ListEdgeTranscodeJob", &params, manual)
///     .arrived_at(real)
///     .default_format(Format::Xml); // a V1 call without `Format`
/// let reply = engine.handle(call);
/// assert_eq!((reply.status(), reply.format()), (200, Format::Xml));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RpcCall<'a> {
    account: &'a str,
    action: &'a str,
    params: &'a [(&'a str, &'a str)],
    now: DateTime<Utc>,
    arrived: DateTime<Utc>,
    default_format: Format,
}

impl<'a> RpcCall<'a> {
    /// A call by `account` at `now`. The `action` comes from the `x-acs-action` header of a
    /// V3 request; when it is empty, the `Action` parameter is read (as for every V1
    /// request, whose signature does not cover the header). The call arrives at `now` and
    /// is answered in JSON unless it names a `Format`, until said otherwise.
    pub fn new(
        account: &'a str,
        action: &'a str,
        params: &'a [(&'a str, &'a str)],
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            account,
            action,
            params,
            now,
            arrived: now,
            default_format: Format::Json,
        }
    }

    /// The real instant the call arrived: the rate limits count calls in windows of it. An
    /// embedder that runs the lifecycle on a manual clock passes its real clock here.
    pub fn arrived_at(self, arrived: DateTime<Utc>) -> Self {
        Self { arrived, ..self }
    }

    /// The format of the reply when the call has no `Format` parameter (or one naming
    /// neither `json` nor `xml`). Alibaba's gateway answers a V1 call in XML by default, a V3
    /// call in JSON.
    pub fn default_format(self, default_format: Format) -> Self {
        Self {
            default_format,
            ..self
        }
    }
}

impl Engine {
    /// Handles one RPC call as it arrives off the wire: the caller's account (authenticated
    /// by the embedder), the `Action` (from the `x-acs-action` header of a V3 request; when
    /// `action` is empty, the `Action` parameter is read), the query or form parameters in
    /// arrival order, and `now`, which is also the instant the rate limits count; the reply
    /// is JSON unless the call asks for `Format=XML`. [`handle`](Self::handle) takes the
    /// same call with a separate arrival instant and default format.
    ///
    /// Common parameters (`Format`, `Version`, `AccessKeyId`, `Signature*`, `Timestamp`,
    /// `RegionId`, `OwnerId`, …) are accepted and ignored, except that a `Version` other
    /// than `2016-11-01` is `InvalidVersion` and `Format` chooses the body's format. Parameters
    /// the action does not read are ignored; a parameter the action reads sent twice is
    /// `InvalidParameter`.
    ///
    /// A minimal HTTP handler (any server; the crate itself does no I/O):
    ///
    /// ```text
    /// fn handle(engine: &Mutex<Engine>, request: HttpRequest) -> HttpResponse {
    ///     let (account, scheme) = authenticate(&request)?;   // the embedder's job
    ///     let params: Vec<(&str, &str)> = request.query_and_form_pairs();
    ///     let (action, default) = match scheme {               // V1 signs no header
    ///         V3 => (request.header("x-acs-action").unwrap_or(""), Format::Json),
    ///         V1 => ("", Format::Xml),
    ///     };
    ///     let call = RpcCall::new(&account, action, &params, Utc::now()).default_format(default);
    ///     let reply = engine.lock().handle(call);
    ///     for callback in reply.callbacks() { spawn_post(&callback.url, &callback.body) }
    ///     HttpResponse::new(reply.status(), reply.format().content_type(), reply.body())
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
        self.handle(RpcCall::new(account, action, params, now))
    }

    /// Handles one RPC call ([`RpcCall`]): the gateway's checks, the operation, and the reply
    /// written in the call's format.
    pub fn handle(&mut self, call: RpcCall<'_>) -> Reply {
        let events_before = self.events.len();
        let callbacks_before = self.callbacks.len();
        let format = Format::requested(call.params, call.default_format);
        let (status, code, format, body) = match self.rpc(&call) {
            Ok(response) => {
                // Only XML has a root element to name.
                let root = match format {
                    Format::Xml => format!("{}Response", response.action()),
                    Format::Json => String::new(),
                };
                match format.write(&root, &response) {
                    Ok(body) => (200, None, format, body),
                    Err(e) => written(
                        format,
                        &self.refuse(ApiError::InternalError {
                            detail: format!("the reply could not be written: {e}").into(),
                        }),
                    ),
                }
            }
            Err(rejection) => written(format, &rejection),
        };
        Reply {
            status,
            code,
            format,
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

    fn rpc(&mut self, call: &RpcCall<'_>) -> Result<Response, Rejection> {
        let (action, account) = match self.gateway(call) {
            Ok(admitted) => admitted,
            Err(error) => return Err(self.refuse(error)),
        };
        self.advance(call.now);
        match action.decode(call.params, call.now) {
            Ok(request) => self.execute(&account, &request, call.now),
            Err(error) => Err(self.refuse(error)),
        }
    }

    /// The gateway's checks, in its order; a refusal here changes nothing but the request
    /// counter.
    fn gateway(&mut self, call: &RpcCall<'_>) -> Result<(Action, AccountId), ApiError> {
        let params = call.params;
        params::check_bounds(params)?;
        let named = match call.action {
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
        let account = AccountId::try_from(call.account)
            .map_err(|reason| ApiError::invalid("AccountId", reason))?;
        if !self.throttle.admit(
            &self.config.throttle,
            account.as_str(),
            action,
            call.arrived,
        ) {
            return Err(ApiError::Throttled);
        }
        Ok((action, account))
    }
}

/// A refusal's status, code, format and body (an `InternalError` in JSON in the one case
/// [`format::error_body`] says).
fn written(format: Format, rejection: &Rejection) -> (u16, Option<&'static str>, Format, String) {
    match format::error_body(format, rejection, &rejection.request_id, &rejection.host_id) {
        Ok(body) => (
            rejection.http_status(),
            Some(rejection.code()),
            format,
            body,
        ),
        Err(internal) => (500, Some("InternalError"), Format::Json, internal),
    }
}

impl Rejection {
    /// The exact error body `{"RequestId","HostId","Code","Message","Recommend"}` in `format`
    /// (XML: an `<Error>` element), as [`Engine::handle`] writes it; send it with
    /// [`Rejection::http_status`] and the format's content type. The format is `format` but
    /// in the one case [`Format`] cannot write (then a JSON `InternalError`, to send with 500).
    ///
    /// ```
    /// use live_lifecycle::{ApiError, Format, Rejection};
    ///
    /// let r = Rejection {
    ///     request_id: "R1".into(),
    ///     host_id: "live.aliyuncs.com".into(),
    ///     error: ApiError::Throttled,
    /// };
    /// let (format, json) = r.body(Format::Json);
    /// assert_eq!(format, Format::Json);
    /// assert!(json.starts_with(r#"{"RequestId":"R1","HostId":"live.aliyuncs.com","Code":"Throttling.User""#));
    /// let (_, xml) = r.body(Format::Xml);
    /// assert!(xml.contains("<Error><RequestId>R1</RequestId>"));
    /// ```
    pub fn body(&self, format: Format) -> (Format, String) {
        match format::error_body(format, self, &self.request_id, &self.host_id) {
            Ok(body) => (format, body),
            Err(internal) => (Format::Json, internal),
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
