//! An incoming request as the server sees it: what the signature covers, already split from
//! the HTTP framing by the embedder.

use super::encode::decode_form;

/// The media type of a form body, whose fields V1 signs with the query.
const FORM: &str = "application/x-www-form-urlencoded";

/// One HTTP request as received: method, path, decoded query pairs, headers and body.
///
/// The embedder fills it from its HTTP server: the path without the query, the query pairs
/// decoded (or the raw query through [`Request::with_raw_query`]), every header as received
/// (names in any case, repeated names kept), and the exact body bytes.
///
/// ```
/// use live_lifecycle::auth::Request;
///
/// let request = Request::new("POST", "/")
///     .with_raw_query("TaskName=my+task+1&Region=cn-shanghai")
///     .with_header("Content-Type", "application/x-www-form-urlencoded")
///     .with_body("AppId=app-01");
/// assert_eq!(request.query[0], ("TaskName".to_owned(), "my task 1".to_owned()));
/// assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
/// assert_eq!(request.params().len(), 3);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// The HTTP method, e.g. `POST` (compared upper-cased).
    pub method: String,
    /// The path as sent, still percent-encoded, without the query; `/` for every RPC call.
    pub path: String,
    /// The query parameters, decoded, in wire order.
    pub query: Vec<(String, String)>,
    /// Every header as received, in order; names compare case-insensitively.
    pub headers: Vec<(String, String)>,
    /// The body bytes exactly as received.
    pub body: Vec<u8>,
}

impl Request {
    /// A request with this method and path, and no query, headers or body yet.
    ///
    /// ```
    /// # use live_lifecycle::auth::Request;
    /// let request = Request::new("GET", "/");
    /// assert!(request.query.is_empty() && request.body.is_empty());
    /// ```
    pub fn new(method: impl Into<String>, path: impl Into<String>) -> Self {
        Self {
            method: method.into(),
            path: path.into(),
            ..Self::default()
        }
    }

    /// Adds the pairs of a raw query string (the part after `?`), decoded as
    /// `application/x-www-form-urlencoded` the way the SDK encoded them: `+` is a space,
    /// `%2B` a plus.
    ///
    /// ```
    /// # use live_lifecycle::auth::Request;
    /// let request = Request::new("GET", "/").with_raw_query("Name=a+b%2Bc&Empty=");
    /// assert_eq!(request.query, [("Name".into(), "a b+c".into()), ("Empty".into(), "".into())]);
    /// ```
    pub fn with_raw_query(mut self, raw: &str) -> Self {
        self.query.extend(decode_form(raw.as_bytes()));
        self
    }

    /// Adds one decoded query parameter.
    ///
    /// ```
    /// # use live_lifecycle::auth::Request;
    /// let request = Request::new("GET", "/").with_query("RegionId", "cn-shanghai");
    /// assert_eq!(request.query.len(), 1);
    /// ```
    pub fn with_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Adds one header as received.
    ///
    /// ```
    /// # use live_lifecycle::auth::Request;
    /// let request = Request::new("GET", "/").with_header("X-Acs-Date", "2025-01-15T08:30:00Z");
    /// assert_eq!(request.header("x-acs-date"), Some("2025-01-15T08:30:00Z"));
    /// ```
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body bytes.
    ///
    /// ```
    /// # use live_lifecycle::auth::Request;
    /// let request = Request::new("POST", "/").with_body(r#"{"a":1}"#);
    /// assert_eq!(request.body, br#"{"a":1}"#);
    /// ```
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// The value of the first header named `name` (any case).
    ///
    /// ```
    /// # use live_lifecycle::auth::Request;
    /// let request = Request::new("GET", "/").with_header("Host", "live.aliyuncs.com");
    /// assert_eq!(request.header("HOST"), Some("live.aliyuncs.com"));
    /// assert_eq!(request.header("accept"), None);
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers_named(name).next()
    }

    /// Every value of the headers named `name` (any case), in order.
    pub(crate) fn headers_named<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The fields of a form body, decoded: empty unless `Content-Type` is
    /// `application/x-www-form-urlencoded` (parameters such as `; charset=utf-8` allowed).
    ///
    /// ```
    /// # use live_lifecycle::auth::Request;
    /// let form = Request::new("POST", "/")
    ///     .with_header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
    ///     .with_body("GroupId=grp+01");
    /// assert_eq!(form.form(), [("GroupId".to_owned(), "grp 01".to_owned())]);
    /// let json = Request::new("POST", "/").with_header("content-type", "application/json")
    ///     .with_body("GroupId=grp+01");
    /// assert!(json.form().is_empty());
    /// ```
    pub fn form(&self) -> Vec<(String, String)> {
        let is_form = self.header("content-type").is_some_and(|value| {
            let media_type = value.split(';').next().unwrap_or_default();
            media_type.trim().eq_ignore_ascii_case(FORM)
        });
        if is_form {
            decode_form(&self.body)
        } else {
            Vec::new()
        }
    }

    /// The query pairs followed by the form fields: every parameter of an RPC call, as the
    /// V1 signature covers them and as [`crate::Engine::handle_rpc`] reads them.
    ///
    /// ```
    /// # use live_lifecycle::auth::Request;
    /// let request = Request::new("POST", "/").with_query("Action", "BatchGetOnlineUsers")
    ///     .with_header("Content-Type", "application/x-www-form-urlencoded")
    ///     .with_body("AppId=app-01");
    /// let params = request.params();
    /// let pairs: Vec<(&str, &str)> = params.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    /// assert_eq!(pairs, [("Action", "BatchGetOnlineUsers"), ("AppId", "app-01")]);
    /// ```
    pub fn params(&self) -> Vec<(String, String)> {
        let mut params = self.query.clone();
        params.extend(self.form());
        params
    }
}
