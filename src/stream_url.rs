//! Stream URLs, parsed by the `url` crate (never by hand) and checked against the schemes
//! each field accepts.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The longest URL accepted, in characters: the documented limit of `DstUrl` and
/// `CallbackUrl`, which a strict engine applies to every URL field.
pub const MAX_URL_LEN: usize = 2000;

/// The schemes one URL field accepts, and what else it demands.
///
/// What the docs state is checked always; what the crate infers is a mistake (an RTMP
/// address without a stream, an SRT one without a port, a user part, a fragment, the edge
/// fields' schemes, the length of the fields whose limit the docs do not give) only by a
/// strict engine (docs/fidelity.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UrlRule {
    pub(crate) schemes: &'static [&'static str],
    /// Whether the docs name the schemes (checked always) or the crate chose them (checked
    /// only by a strict engine).
    pub(crate) documented_schemes: bool,
    /// RTMP addresses name an application and a stream: at least two path segments.
    pub(crate) app_and_stream: bool,
    /// File extensions the path must end with (any case); empty: no demand.
    pub(crate) extensions: &'static [&'static str],
    /// Whether the docs give the field [`MAX_URL_LEN`] (checked always) or the crate
    /// extends it to the field (checked only by a strict engine).
    pub(crate) documented_length: bool,
}

/// Edge transcoding input: RTMP, RTMPS or SRT (our reading of "the input stream URL").
pub(crate) const EDGE_INPUT: UrlRule = UrlRule {
    schemes: &["rtmp", "rtmps", "srt"],
    documented_schemes: false,
    app_and_stream: true,
    extensions: &[],
    documented_length: false,
};
/// Edge transcoding output: RTMP or RTMPS, an ingest point (our reading).
pub(crate) const EDGE_OUTPUT: UrlRule = UrlRule {
    schemes: &["rtmp", "rtmps"],
    documented_schemes: false,
    app_and_stream: true,
    extensions: &[],
    documented_length: false,
};
/// Pull-to-push destination: RTMP only, at most 2000 characters, as documented.
pub(crate) const PUSH_DESTINATION: UrlRule = UrlRule {
    schemes: &["rtmp"],
    documented_schemes: true,
    app_and_stream: true,
    extensions: &[],
    documented_length: true,
};
/// Pull-to-push callback: HTTP or HTTPS, at most 2000 characters, as documented.
pub(crate) const CALLBACK: UrlRule = UrlRule {
    schemes: &["http", "https"],
    documented_schemes: true,
    app_and_stream: false,
    extensions: &[],
    documented_length: true,
};
/// A live source pulled over RTMP.
pub(crate) const LIVE_RTMP: UrlRule = UrlRule {
    schemes: &["rtmp", "rtmps"],
    documented_schemes: true,
    app_and_stream: true,
    extensions: &[],
    documented_length: false,
};
/// A live source pulled over RTSP.
pub(crate) const LIVE_RTSP: UrlRule = UrlRule {
    schemes: &["rtsp"],
    documented_schemes: true,
    app_and_stream: false,
    extensions: &[],
    documented_length: false,
};
/// A live source pulled over SRT.
pub(crate) const LIVE_SRT: UrlRule = UrlRule {
    schemes: &["srt"],
    documented_schemes: true,
    app_and_stream: false,
    extensions: &[],
    documented_length: false,
};
/// A live source pulled over HTTP (FLV or HLS).
pub(crate) const LIVE_HTTP: UrlRule = UrlRule {
    schemes: &["http", "https"],
    documented_schemes: true,
    app_and_stream: false,
    extensions: &[],
    documented_length: false,
};
/// A third-party video file: HTTP(S), ending in .mp4 or .flv, as documented.
pub(crate) const VIDEO_FILE: UrlRule = UrlRule {
    schemes: &["http", "https"],
    documented_schemes: true,
    app_and_stream: false,
    extensions: &[".mp4", ".flv"],
    documented_length: false,
};

/// A stream URL that passed its field's rule; keeps the text exactly as the caller sent it.
///
/// ```
/// use live_lifecycle::StreamUrl;
///
/// let url = StreamUrl::edge_input("rtmp://mydomain/app/stream1", false).unwrap();
/// assert_eq!(url.as_str(), "rtmp://mydomain/app/stream1");
/// assert!(StreamUrl::edge_input("rtmp://mydomain/app/my stream", false).is_err());
/// assert!(StreamUrl::edge_input("http://mydomain/app/stream1", true).is_err());
/// assert!(StreamUrl::edge_input("rtmp://user:pass@mydomain/app/s", true).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StreamUrl(String);

impl StreamUrl {
    /// Parses an edge transcoding input URL (`StreamInput`) by the rules of a strict engine
    /// when `strict`: `rtmp`, `rtmps` or `srt`, with an application and a stream (rtmp) or
    /// a port (srt), no user part, no fragment, at most 2000 characters. Otherwise by a
    /// default engine's: any URL written `scheme://host…` without spaces or control
    /// characters.
    ///
    /// ```
    /// # use live_lifecycle::StreamUrl;
    /// assert!(StreamUrl::edge_input("srt://edge.example.com:9000?streamid=live/s1", true).is_ok());
    /// assert!(StreamUrl::edge_input("srt://edge.example.com", true).is_err());
    /// assert!(StreamUrl::edge_input("srt://edge.example.com", false).is_ok());
    /// ```
    pub fn edge_input(text: &str, strict: bool) -> Result<Self, &'static str> {
        parse(text, EDGE_INPUT, strict)
    }

    /// Parses an edge transcoding output URL (`StreamOutput`): under `strict`, `rtmp` or
    /// `rtmps` with an application and a stream, no user part, no fragment, at most 2000
    /// characters; otherwise any URL written `scheme://host…` without spaces or control
    /// characters.
    ///
    /// ```
    /// # use live_lifecycle::StreamUrl;
    /// assert!(StreamUrl::edge_output("rtmp://testdomain/app/stream2", true).is_ok());
    /// assert!(StreamUrl::edge_output("srt://testdomain:9000", true).is_err());
    /// assert!(StreamUrl::edge_output("srt://testdomain:9000", false).is_ok());
    /// ```
    pub fn edge_output(text: &str, strict: bool) -> Result<Self, &'static str> {
        parse(text, EDGE_OUTPUT, strict)
    }

    /// The URL as sent.
    ///
    /// ```
    /// # use live_lifecycle::StreamUrl;
    /// assert_eq!(StreamUrl::edge_output("rtmp://h/a/b", true).unwrap().as_str(), "rtmp://h/a/b");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StreamUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses `text` under `rule`, with the demands only a strict engine makes when `strict`;
/// the error says what is wrong in words a caller can act on.
pub(crate) fn parse(text: &str, rule: UrlRule, strict: bool) -> Result<StreamUrl, &'static str> {
    // The docs count characters; `take` keeps this bounded on a huge input.
    if (strict || rule.documented_length)
        && text.chars().take(MAX_URL_LEN + 1).count() > MAX_URL_LEN
    {
        return Err("must be at most 2000 characters");
    }
    // The URL parser would quietly percent-encode spaces and drop tabs; a stream address
    // with either is a mistake, so refuse it before parsing.
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces or control characters");
    }
    let url = url::Url::parse(text).map_err(|_| "is not a valid URL")?;
    if (strict || rule.documented_schemes) && !rule.schemes.contains(&url.scheme()) {
        return Err(match rule.schemes {
            ["rtmp"] => "must be an rtmp:// URL",
            ["rtmp", "rtmps"] => "must be an rtmp:// or rtmps:// URL",
            ["rtmp", "rtmps", "srt"] => "must be an rtmp://, rtmps:// or srt:// URL",
            ["http", "https"] => "must be an http:// or https:// URL",
            ["rtsp"] => "must be an rtsp:// URL",
            ["srt"] => "must be an srt:// URL",
            _ => "has a scheme this field does not accept",
        });
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must name a host");
    }
    // A stream address is written `scheme://host…`. The parser also takes `http:host`,
    // `https:/host`, `https:\\host` or `http:///host` for the special schemes and then drops
    // an empty user part, so what was sent would not be what was checked: the text must have
    // the `//` right after the scheme, and the host right after that.
    let Some(authority) = text
        .split_once("://")
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case(url.scheme()))
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""))
        .filter(|authority| !authority.is_empty())
    else {
        return Err("must be written scheme://host");
    };
    if strict {
        strict_problem(&url, authority, rule)?;
    }
    if !rule.extensions.is_empty() {
        let path = url.path().to_ascii_lowercase();
        if !rule.extensions.iter().any(|ext| path.ends_with(ext)) {
            return Err("must name an .mp4 or .flv file");
        }
    }
    Ok(StreamUrl(text.to_owned()))
}

/// What only a strict engine refuses of a URL that is otherwise well formed: the docs do not
/// forbid any of it, but each is a likely mistake.
fn strict_problem(url: &url::Url, authority: &str, rule: UrlRule) -> Result<(), &'static str> {
    // Any user part, even an empty one (`rtmp://@host/…`), puts an `@` before the host;
    // Describe and List would echo the credentials.
    if authority.contains('@') {
        return Err("must not carry a user name or password");
    }
    // A fragment is never sent to the server: a URL copied with one is a mistake.
    if url.fragment().is_some() {
        return Err("must not carry a #fragment");
    }
    if url.scheme() == "srt" {
        // SRT has no default port, so an address without one cannot be dialled.
        if url.port().is_none() {
            return Err("must name a port (srt has no default port)");
        }
    } else if rule.app_and_stream {
        let named = url
            .path_segments()
            .map_or(0, |segments| segments.filter(|s| !s.is_empty()).count());
        if named < 2 {
            return Err("must name an application and a stream, as in rtmp://host/app/stream");
        }
    }
    Ok(())
}
