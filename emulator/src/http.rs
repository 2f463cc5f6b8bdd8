//! One HTTP request: routing, the reply helpers, and what its log line names.

use std::sync::Arc;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use live_lifecycle::Format;
use live_lifecycle::auth;

use crate::shared::Shared;
use crate::{api, control};

/// The largest request body accepted.
const MAX_BODY: usize = 1024 * 1024;

pub(crate) type Body = Full<Bytes>;

pub(crate) fn json_response(status: u16, body: String) -> Response<Body> {
    reply(status, Format::Json, body)
}

/// A reply of `status` with `body` in `format`, under the format's content type.
pub(crate) fn reply(status: u16, format: Format, body: String) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    response
}

/// An error body of the emulator's own endpoints, in the API's shape.
fn emulator_error(status: u16, code: &str, message: &str) -> Response<Body> {
    let body = serde_json::json!({
        "RequestId": "00000000-0000-0000-0000-000000000000",
        "HostId": "emulator",
        "Code": code,
        "Message": message,
    });
    json_response(status, body.to_string())
}

pub(crate) struct Handled {
    pub(crate) response: Response<Body>,
    pub(crate) action: String,
    pub(crate) account: String,
    pub(crate) code: String,
}

pub(crate) async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
    loopback: bool,
) -> Handled {
    let (parts, body) = request.into_parts();
    // A declared body over the limit is refused at once, before any of it is waited for.
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY as u64) {
        return too_large();
    }
    if parts.uri.path().starts_with("/_emulator/") {
        let bearer = parts
            .headers
            .get(hyper::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        if let Some(refusal) = control::admit(shared.control_token.as_deref(), bearer, loopback) {
            return refusal;
        }
    }
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return too_large(),
    };
    let mut signed = auth::Request::new(parts.method.as_str(), parts.uri.path())
        .with_raw_query(parts.uri.query().unwrap_or(""))
        .with_body(body.to_vec());
    for (name, value) in &parts.headers {
        if let Ok(value) = value.to_str() {
            signed = signed.with_header(name.as_str(), value);
        }
    }
    // Query pairs, then form fields of a form-encoded body, in arrival order.
    let params = signed.params();
    match (&parts.method, parts.uri.path()) {
        (&Method::POST, "/_emulator/advance") => control::advance(&shared, &params),
        (&Method::POST, "/_emulator/fault") => control::fault(&shared, &params),
        (&Method::GET, "/_emulator/health") => control::health(&shared),
        (&Method::POST, "/_emulator/reset") => control::reset(&shared, &params),
        (&Method::GET, "/_emulator/state") => control::state(&shared, &params),
        (&Method::GET, "/_emulator/requests") => control::requests(&shared, &params),
        (&Method::POST, "/_emulator/chaos") => control::add_chaos(&shared, &body),
        (&Method::GET, "/_emulator/chaos") => control::list_chaos(&shared),
        (&Method::DELETE, "/_emulator/chaos") => control::clear_chaos(&shared, &params),
        (&Method::GET | &Method::POST, "/") => api::api(&shared, &signed, &params).await,
        _ => refused(
            404,
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        ),
    }
}

/// 413: the request body is over [`MAX_BODY`].
fn too_large() -> Handled {
    refused(
        413,
        "InvalidParameter",
        "The request body is larger than 1 MiB.",
    )
}

/// A refusal of the emulator's own, its code named once: in the body and in the log line.
pub(crate) fn refused(status: u16, code: &str, message: &str) -> Handled {
    answered(emulator_error(status, code, message), code)
}

pub(crate) fn answered(response: Response<Body>, code: &str) -> Handled {
    Handled {
        response,
        action: String::new(),
        account: String::new(),
        code: code.to_owned(),
    }
}

pub(crate) fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}
