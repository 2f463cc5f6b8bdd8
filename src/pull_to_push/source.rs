//! What a task pulls: one live stream, or a playlist of VOD media ids or file URLs.

use serde::{Deserialize, Serialize};

use super::types::{SourceProtocol, SourceType};
use crate::check::Check;
use crate::error::Detail;
use crate::stream_url::{self, LIVE_HTTP, LIVE_RTMP, LIVE_RTSP, LIVE_SRT, MAX_URL_LEN, VIDEO_FILE};

/// The most entries a vod or url playlist may hold.
pub const MAX_SOURCES: usize = 30;
/// The longest VOD media id a strict engine accepts.
pub const MAX_MEDIA_ID_LEN: usize = 64;

/// A validated source: its type, its protocol (live only) and its URLs or media ids, kept
/// exactly as sent.
///
/// ```
/// use live_lifecycle::pull_to_push::{CreateLivePullToPushRequest, SourceType};
/// let task = CreateLivePullToPushRequest {
///     region: Some("cn-beijing".into()),
///     start_time: Some("2030-01-01T10:00:00Z".into()),
///     end_time: Some("2030-01-02T10:00:00Z".into()),
///     source_type: Some("vod".into()),
///     source_urls: Some(vec!["a1b2c3d4e5f60718293a4b5c6d7e8f90".into()]),
///     dst_url: Some("rtmp://push.example.com/live/s1".into()),
///     ..Default::default()
/// }.validate("2030-01-01T00:00:00Z".parse().unwrap()).unwrap();
/// assert_eq!(task.source.kind(), SourceType::Vod);
/// assert_eq!(task.source.urls().len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Source {
    kind: SourceType,
    protocol: Option<SourceProtocol>,
    urls: Vec<String>,
}

/// Records the rules every list shares: 1 to 30 entries, each non-empty and without control
/// characters (and, for a strict engine, at most 2000 characters). `None` when one is broken.
pub(crate) fn check_url_list(c: &mut Check, urls: &[String]) -> Option<()> {
    let strict = c.strict();
    let problem = if urls.is_empty() {
        Some(Detail::Borrowed("must hold at least one entry"))
    } else if urls.len() > MAX_SOURCES {
        Some(Detail::Borrowed("must hold at most 30 entries"))
    } else {
        urls.iter().enumerate().find_map(|(i, url)| {
            if url.is_empty() {
                Some(format!("entry {i} is empty").into())
            } else if strict && url.chars().take(MAX_URL_LEN + 1).count() > MAX_URL_LEN {
                Some(format!("entry {i} is longer than 2000 characters").into())
            } else if url.chars().any(char::is_control) {
                Some(format!("entry {i} contains control characters").into())
            } else {
                None
            }
        })
    };
    match problem {
        Some(reason) => {
            c.malformed("SourceUrls", reason);
            None
        }
        None => Some(()),
    }
}

/// A VOD media id. The docs give it no shape, so a default engine takes any id (no
/// whitespace or control characters, as every id); a strict one asks for the shape of VOD's
/// ids, which catches a URL sent as a media id.
fn media_id(text: &str, strict: bool) -> Result<(), &'static str> {
    if !strict {
        return crate::ids::check_token(text);
    }
    if text.len() <= MAX_MEDIA_ID_LEN
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(())
    } else {
        Err("must be a VOD media id (up to 64 letters, digits, - and _)")
    }
}

impl Source {
    /// Checks `urls` against the rules of `kind` (and of `protocol` for a live source), with
    /// those only a strict engine applies when `strict`.
    pub(crate) fn parse(
        kind: SourceType,
        protocol: Option<SourceProtocol>,
        urls: &[String],
        strict: bool,
    ) -> Result<Self, Detail> {
        let check_each = |check: &dyn Fn(&str) -> Result<(), &'static str>| {
            urls.iter()
                .enumerate()
                .try_for_each(|(i, url)| check(url).map_err(|why| format!("entry {i} {why}")))
        };
        match (kind, protocol) {
            (SourceType::Live, Some(protocol)) => {
                if urls.len() != 1 {
                    return Err(Detail::Borrowed(
                        "must hold exactly one URL for a live source",
                    ));
                }
                let rule = match protocol {
                    SourceProtocol::Rtmp => LIVE_RTMP,
                    SourceProtocol::Rtsp => LIVE_RTSP,
                    SourceProtocol::Srt => LIVE_SRT,
                    SourceProtocol::HttpFlv | SourceProtocol::Flv | SourceProtocol::Hls => {
                        LIVE_HTTP
                    }
                };
                check_each(&|url| stream_url::parse(url, rule, strict).map(drop))?;
            }
            (SourceType::Live, None) => {
                return Err(Detail::Borrowed("needs a SourceProtocol for a live source"));
            }
            (SourceType::Vod, _) => check_each(&|id| media_id(id, strict))?,
            (SourceType::Url, _) => {
                check_each(&|url| stream_url::parse(url, VIDEO_FILE, strict).map(drop))?;
            }
        }
        Ok(Self {
            kind,
            protocol: protocol.filter(|_| kind == SourceType::Live),
            urls: urls.to_vec(),
        })
    }

    /// The same source type and protocol with another list.
    pub(crate) fn with_urls(&self, urls: &[String], strict: bool) -> Result<Self, Detail> {
        Self::parse(self.kind, self.protocol, urls, strict)
    }

    /// Whether a playlist has an entry at `index` (a live source has only index 0).
    pub(crate) fn has_index(&self, index: u32) -> bool {
        (index as usize) < self.urls.len()
    }

    /// The number of entries.
    pub(crate) fn len(&self) -> u32 {
        u32::try_from(self.urls.len()).unwrap_or(u32::MAX)
    }

    /// The source type.
    ///
    /// ```
    /// # use live_lifecycle::pull_to_push::{CreateLivePullToPushRequest, SourceType};
    /// # let task = CreateLivePullToPushRequest {
    /// #     region: Some("cn-beijing".into()), start_time: Some("2030-01-01T10:00:00Z".into()),
    /// #     end_time: Some("2030-01-02T10:00:00Z".into()), source_type: Some("live".into()),
    /// #     source_protocol: Some("srt".into()), source_urls: Some(vec!["srt://a.example.com:9000".into()]),
    /// #     dst_url: Some("rtmp://b.example.com/live/s".into()), ..Default::default()
    /// # }.validate("2030-01-01T00:00:00Z".parse().unwrap()).unwrap();
    /// assert_eq!(task.source.kind(), SourceType::Live);
    /// ```
    pub fn kind(&self) -> SourceType {
        self.kind
    }

    /// The live protocol (none for a playlist).
    ///
    /// ```
    /// # use live_lifecycle::pull_to_push::{CreateLivePullToPushRequest, SourceProtocol};
    /// # let task = CreateLivePullToPushRequest {
    /// #     region: Some("cn-beijing".into()), start_time: Some("2030-01-01T10:00:00Z".into()),
    /// #     end_time: Some("2030-01-02T10:00:00Z".into()), source_type: Some("live".into()),
    /// #     source_protocol: Some("srt".into()), source_urls: Some(vec!["srt://a.example.com:9000".into()]),
    /// #     dst_url: Some("rtmp://b.example.com/live/s".into()), ..Default::default()
    /// # }.validate("2030-01-01T00:00:00Z".parse().unwrap()).unwrap();
    /// assert_eq!(task.source.protocol(), Some(SourceProtocol::Srt));
    /// ```
    pub fn protocol(&self) -> Option<SourceProtocol> {
        self.protocol
    }

    /// The URLs or media ids, as sent.
    ///
    /// ```
    /// # use live_lifecycle::pull_to_push::CreateLivePullToPushRequest;
    /// # let task = CreateLivePullToPushRequest {
    /// #     region: Some("cn-beijing".into()), start_time: Some("2030-01-01T10:00:00Z".into()),
    /// #     end_time: Some("2030-01-02T10:00:00Z".into()), source_type: Some("live".into()),
    /// #     source_protocol: Some("srt".into()), source_urls: Some(vec!["srt://a.example.com:9000".into()]),
    /// #     dst_url: Some("rtmp://b.example.com/live/s".into()), ..Default::default()
    /// # }.validate("2030-01-01T00:00:00Z".parse().unwrap()).unwrap();
    /// assert_eq!(task.source.urls(), ["srt://a.example.com:9000"]);
    /// ```
    pub fn urls(&self) -> &[String] {
        &self.urls
    }
}
