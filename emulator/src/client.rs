//! A small signing client: V3 (`ACS3-HMAC-SHA256`) calls of the API, signed with the core's
//! own [`sign_v3`], so what it signs is exactly what the emulator verifies.
//!
//! Each call is one HTTP/1.1 exchange on a fresh loopback connection (hyper's
//! `client::conn::http1` over a `TcpStream`): no pool, nothing left open after the reply.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::Utc;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1;
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use live_lifecycle::API_VERSION;
use live_lifecycle::auth::{self, content_sha256, percent_encode, sign_v3};
use live_lifecycle::time::format_utc;
use tokio::net::TcpStream;

/// How long one call may take, connection included.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// The headers a call signs: `host` and every `x-acs-*` it sends, as the gateway wants.
const SIGNED_HEADERS: [&str; 6] = [
    "host",
    "x-acs-action",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-version",
];

/// Why a call got no reply to return.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Connecting, or the connection, failed.
    Io(std::io::Error),
    /// The HTTP exchange failed (a malformed reply, a closed connection).
    Http(hyper::Error),
    /// The request could not be built (a header value that is not valid HTTP, say).
    Request(String),
    /// No reply within 30 s.
    Timeout,
    /// The reply was not JSON, or not of the shape expected.
    NotJson {
        /// Its HTTP status.
        status: u16,
        /// Its body, as text.
        body: String,
    },
    /// An `/_emulator/` endpoint refused the call (its status and JSON error body).
    Refused {
        /// The HTTP status.
        status: u16,
        /// The body: `{"Code","Message",…}`.
        body: serde_json::Value,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "connection to the emulator failed: {e}"),
            Self::Http(e) => write!(f, "HTTP exchange with the emulator failed: {e}"),
            Self::Request(why) => write!(f, "cannot build the request: {why}"),
            Self::Timeout => write!(f, "the emulator did not answer within 30 s"),
            Self::NotJson { status, body } => {
                write!(f, "the reply ({status}) is not the JSON expected: {body}")
            }
            Self::Refused { status, body } => write!(f, "the emulator refused ({status}): {body}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(e) => Some(e),
            Self::Http(e) => Some(e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

impl From<hyper::Error> for Error {
    fn from(e: hyper::Error) -> Self {
        Self::Http(e)
    }
}

/// A client of the API signing with one AccessKey, V3 (`ACS3-HMAC-SHA256`), as the official
/// SDKs do by default.
///
/// ```no_run
/// # async fn example() -> Result<(), live_emulator::client::Error> {
/// let client = live_emulator::Client::new("127.0.0.1:8080", "LTAIemulatorDefaultKey", "emulator-default-secret");
/// let (status, body) = client.call("ListEdgeTranscodeTemplate", &[("ClusterId", "c1")]).await?;
/// assert_eq!(status, 200);
/// assert_eq!(body["TotalCount"], 8);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    endpoint: String,
    access_key_id: String,
    secret: String,
}

impl Client {
    /// A client of the emulator at `endpoint` (`host:port`, as the SDKs take it; a leading
    /// `http://` and a trailing `/` are ignored), signing with this key pair.
    pub fn new(
        endpoint: impl Into<String>,
        access_key_id: impl Into<String>,
        secret: impl Into<String>,
    ) -> Self {
        let endpoint: String = endpoint.into();
        let endpoint = endpoint.strip_prefix("http://").unwrap_or(&endpoint);
        Self {
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            access_key_id: access_key_id.into(),
            secret: secret.into(),
        }
    }

    /// The endpoint it calls, `host:port`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The AccessKeyId it signs with.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// Calls `action` with `params`: a V3-signed `POST /` with the parameters in the query
    /// and an empty body, as the Live SDK sends its operations. Returns the HTTP status and
    /// the JSON reply, an API error (4xx, 5xx) included; `Err` only when there is no JSON
    /// reply at all.
    pub async fn call(
        &self,
        action: &str,
        params: &[(&str, &str)],
    ) -> Result<(u16, serde_json::Value), Error> {
        let query = encode_query(params.iter().copied());
        let date = format_utc(&Utc::now());
        let nonce = nonce();
        let body: &[u8] = b"";
        let sha256 = content_sha256(body);
        let mut signed = auth::Request::new("POST", "/");
        signed.query = params
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        let headers = [
            ("host", self.endpoint.as_str()),
            ("x-acs-action", action),
            ("x-acs-content-sha256", sha256.as_str()),
            ("x-acs-date", date.as_str()),
            ("x-acs-signature-nonce", nonce.as_str()),
            ("x-acs-version", API_VERSION),
        ];
        for (name, value) in headers {
            signed = signed.with_header(name, value);
        }
        let authorization = sign_v3(&signed, &self.access_key_id, &self.secret, &SIGNED_HEADERS);
        let mut sent: Vec<(&str, &str)> = headers.to_vec();
        sent.push(("authorization", authorization.as_str()));
        let (status, reply) = send(&self.endpoint, Method::POST, &path(&query), &sent).await?;
        Ok((status, json(status, reply)?))
    }
}

/// `/` and the query, if any.
pub(crate) fn path(query: &str) -> String {
    if query.is_empty() {
        "/".to_owned()
    } else {
        format!("/?{query}")
    }
}

/// `name=value&…`, each side percent-encoded (RFC 3986; the server decodes it as a form).
pub(crate) fn encode_query<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    params
        .into_iter()
        .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The reply as JSON, or why not.
pub(crate) fn json(status: u16, reply: Bytes) -> Result<serde_json::Value, Error> {
    serde_json::from_slice(&reply).map_err(|_| Error::NotJson {
        status,
        body: String::from_utf8_lossy(&reply).into_owned(),
    })
}

/// A nonce unique in this process and, with the time and the process id, across processes.
fn nonce() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
    format!("{nanos:016x}{:08x}{count:08x}", std::process::id())
}

/// One request with an empty body on a fresh connection to `endpoint`: the status and body.
pub(crate) async fn send(
    endpoint: &str,
    method: Method,
    path_and_query: &str,
    headers: &[(&str, &str)],
) -> Result<(u16, Bytes), Error> {
    let exchange = async {
        let mut request = Request::builder()
            .method(method)
            .uri(path_and_query)
            .body(Full::new(Bytes::new()))
            .map_err(|e| Error::Request(e.to_string()))?;
        let has_host = headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host"));
        let host = [("host", endpoint)];
        let extra = if has_host { &[][..] } else { &host[..] };
        for (name, value) in headers.iter().chain(extra) {
            let name = HeaderName::try_from(*name).map_err(|e| Error::Request(e.to_string()))?;
            let value = HeaderValue::try_from(*value).map_err(|e| Error::Request(e.to_string()))?;
            request.headers_mut().append(name, value);
        }
        let stream = TcpStream::connect(endpoint).await?;
        let (mut sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
        // Drives the connection until the reply is read and the sender dropped.
        tokio::spawn(connection);
        let response = sender.send_request(request).await?;
        let status = response.status().as_u16();
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, body))
    };
    tokio::time::timeout(CALL_TIMEOUT, exchange)
        .await
        .unwrap_or(Err(Error::Timeout))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_is_percent_encoded() {
        assert_eq!(
            encode_query([("Name", "a b+c/ü"), ("Empty", "")]),
            "Name=a%20b%2Bc%2F%C3%BC&Empty="
        );
        assert_eq!(path(""), "/");
        assert_eq!(path("A=1"), "/?A=1");
    }

    #[test]
    fn nonces_differ() {
        assert_ne!(nonce(), nonce());
    }

    #[test]
    fn the_endpoint_loses_its_scheme_and_slash() {
        let client = Client::new("http://127.0.0.1:9/", "K", "S");
        assert_eq!(client.endpoint(), "127.0.0.1:9");
        assert_eq!(client.access_key_id(), "K");
    }
}
