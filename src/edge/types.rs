//! The edge family's enumerations and constrained values, each parsed from its wire text once.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Detail;

/// The kind of edge transcoding (`Type`).
///
/// ```
/// use live_lifecycle::edge::TranscodeType;
/// assert_eq!("nbhd-2".parse::<TranscodeType>(), Ok(TranscodeType::Nbhd2));
/// assert_eq!(TranscodeType::UltraHd.as_str(), "ultra-hd");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TranscodeType {
    /// Standard transcoding and Narrowband HD 1.0.
    #[serde(rename = "common")]
    Common,
    /// Narrowband HD 2.0.
    #[serde(rename = "nbhd-2")]
    Nbhd2,
    /// Ultra-high definition.
    #[serde(rename = "ultra-hd")]
    UltraHd,
}

impl TranscodeType {
    /// Every value, in documentation order.
    ///
    /// ```
    /// assert_eq!(live_lifecycle::edge::TranscodeType::ALL.len(), 3);
    /// ```
    pub const ALL: [Self; 3] = [Self::Common, Self::Nbhd2, Self::UltraHd];

    /// The wire text.
    ///
    /// ```
    /// assert_eq!(live_lifecycle::edge::TranscodeType::Common.as_str(), "common");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Common => "common",
            Self::Nbhd2 => "nbhd-2",
            Self::UltraHd => "ultra-hd",
        }
    }
}

impl std::str::FromStr for TranscodeType {
    type Err = Detail;
    fn from_str(text: &str) -> Result<Self, Detail> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == text)
            .ok_or(Detail::Borrowed("must be one of common, nbhd-2, ultra-hd"))
    }
}

/// A template's video codec (`Codec`, `VideoCodec`).
///
/// ```
/// use live_lifecycle::edge::VideoCodec;
/// assert_eq!("H.265".parse::<VideoCodec>(), Ok(VideoCodec::H265));
/// assert!("h265".parse::<VideoCodec>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum VideoCodec {
    /// H.264 / AVC.
    #[serde(rename = "H.264")]
    H264,
    /// H.265 / HEVC.
    #[serde(rename = "H.265")]
    H265,
}

impl VideoCodec {
    /// Every value.
    ///
    /// ```
    /// assert_eq!(live_lifecycle::edge::VideoCodec::ALL.len(), 2);
    /// ```
    pub const ALL: [Self; 2] = [Self::H264, Self::H265];

    /// The wire text.
    ///
    /// ```
    /// assert_eq!(live_lifecycle::edge::VideoCodec::H264.as_str(), "H.264");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::H264 => "H.264",
            Self::H265 => "H.265",
        }
    }
}

impl std::str::FromStr for VideoCodec {
    type Err = Detail;
    fn from_str(text: &str) -> Result<Self, Detail> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == text)
            .ok_or(Detail::Borrowed("must be H.264 or H.265"))
    }
}

/// What the outside sees of a job's state: `"0"` not started, `"1"` running.
///
/// Responses carry it as a string, the List filter as an integer.
///
/// ```
/// use live_lifecycle::edge::JobStatus;
/// assert_eq!(serde_json::to_string(&JobStatus::Running).unwrap(), "\"1\"");
/// assert_eq!(JobStatus::from_filter(0), Ok(JobStatus::NotStarted));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum JobStatus {
    /// Created or stopped: may be started, updated or deleted.
    #[serde(rename = "0")]
    NotStarted,
    /// Transcoding: may only be stopped (or read).
    #[serde(rename = "1")]
    Running,
}

impl JobStatus {
    /// Both values.
    ///
    /// ```
    /// assert_eq!(live_lifecycle::edge::JobStatus::ALL.len(), 2);
    /// ```
    pub const ALL: [Self; 2] = [Self::NotStarted, Self::Running];

    /// Parses the integer of the `Status` list filter.
    ///
    /// ```
    /// # use live_lifecycle::edge::JobStatus;
    /// assert!(JobStatus::from_filter(2).is_err());
    /// ```
    pub fn from_filter(value: i64) -> Result<Self, Detail> {
        match value {
            0 => Ok(Self::NotStarted),
            1 => Ok(Self::Running),
            _ => Err(Detail::Borrowed("must be 0 or 1")),
        }
    }

    /// The wire text (`"0"` or `"1"`).
    ///
    /// ```
    /// assert_eq!(live_lifecycle::edge::JobStatus::NotStarted.as_str(), "0");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "0",
            Self::Running => "1",
        }
    }
}

/// The order of a list by creation time (`SortBy`); newest first by default.
///
/// ```
/// use live_lifecycle::edge::SortOrder;
/// assert_eq!("asc".parse::<SortOrder>(), Ok(SortOrder::Asc));
/// assert_eq!(SortOrder::default(), SortOrder::Desc);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SortOrder {
    /// Oldest first.
    #[serde(rename = "asc")]
    Asc,
    /// Newest first (the default).
    #[default]
    #[serde(rename = "desc")]
    Desc,
}

impl std::str::FromStr for SortOrder {
    type Err = Detail;
    fn from_str(text: &str) -> Result<Self, Detail> {
        match text {
            "asc" => Ok(Self::Asc),
            "desc" => Ok(Self::Desc),
            _ => Err(Detail::Borrowed("must be asc or desc")),
        }
    }
}

/// The longest job name, in characters.
pub const MAX_NAME_CHARS: usize = 255;

/// A job name: 1 to 255 of letters, digits, CJK characters, `-` and `_`.
///
/// ```
/// use live_lifecycle::edge::JobName;
/// assert!(JobName::try_from("直播_job-1").is_ok());
/// assert!(JobName::try_from("has space").is_err());
/// assert!(JobName::try_from("").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct JobName(String);

impl JobName {
    /// The name as text.
    ///
    /// ```
    /// # use live_lifecycle::edge::JobName;
    /// assert_eq!(JobName::try_from("my_job").unwrap().as_str(), "my_job");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The CJK ideograph blocks a name may use (Unified, Extension A, Compatibility, Extensions
/// B–F and the compatibility supplement).
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

impl TryFrom<&str> for JobName {
    type Error = Detail;
    fn try_from(text: &str) -> Result<Self, Detail> {
        let count = text.chars().count();
        if count == 0 || count > MAX_NAME_CHARS {
            return Err(Detail::Borrowed("must be 1 to 255 characters"));
        }
        if !text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || is_cjk(c))
        {
            return Err(Detail::Borrowed(
                "may hold only letters, digits, Chinese characters, - and _",
            ));
        }
        Ok(Self(text.to_owned()))
    }
}

impl TryFrom<String> for JobName {
    type Error = Detail;
    fn try_from(text: String) -> Result<Self, Detail> {
        Self::try_from(text.as_str())
    }
}

impl From<JobName> for String {
    fn from(name: JobName) -> String {
        name.0
    }
}

impl fmt::Display for JobName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A list search: exact id, or a case-insensitive part of the name. Any text without
/// control characters: one longer than any name or id only finds nothing, so no length is
/// refused (docs/fidelity.md).
///
/// ```
/// use live_lifecycle::edge::Keyword;
/// let k = Keyword::try_from("Job").unwrap();
/// assert!(k.matches("abc", "my_job_1"));
/// assert!(k.matches("Job", "other"));
/// assert!(!k.matches("abc", "other"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Keyword {
    text: String,
    lower: String,
}

impl Keyword {
    /// Whether an entry with this id and name matches: the id exactly, or the name fuzzily.
    ///
    /// ```
    /// # use live_lifecycle::edge::Keyword;
    /// assert!(Keyword::try_from("ob").unwrap().matches("x", "JOB"));
    /// ```
    pub fn matches(&self, id: &str, name: &str) -> bool {
        id == self.text || contains_ignoring_case(name, &self.lower)
    }
}

/// Whether `haystack` contains `needle_lower` (already lower-cased), ignoring case.
pub(crate) fn contains_ignoring_case(haystack: &str, needle_lower: &str) -> bool {
    if haystack.is_ascii() && needle_lower.is_ascii() {
        let (h, n) = (haystack.as_bytes(), needle_lower.as_bytes());
        n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    } else {
        haystack.to_lowercase().contains(needle_lower)
    }
}

impl TryFrom<&str> for Keyword {
    type Error = Detail;
    fn try_from(text: &str) -> Result<Self, Detail> {
        if text.chars().any(char::is_control) {
            return Err(Detail::Borrowed("must not contain control characters"));
        }
        Ok(Self {
            text: text.to_owned(),
            lower: text.to_lowercase(),
        })
    }
}

impl TryFrom<String> for Keyword {
    type Error = Detail;
    fn try_from(text: String) -> Result<Self, Detail> {
        Self::try_from(text.as_str())
    }
}

impl From<Keyword> for String {
    fn from(k: Keyword) -> String {
        k.text
    }
}

/// Which page of a list (`PageNo`/`PageNumber`, `PageSize`).
///
/// ```
/// use live_lifecycle::edge::Page;
/// let p = Page::default();
/// assert_eq!((p.number(), p.size()), (1, 10));
/// assert_eq!(p.range(25), 0..10);
/// assert_eq!(p.range(3), 0..3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    number: u32,
    size: u32,
}

impl Default for Page {
    fn default() -> Self {
        Self {
            number: 1,
            size: 10,
        }
    }
}

impl Page {
    /// The most entries one page may hold.
    pub const MAX_SIZE: u32 = 100;

    pub(crate) fn number_from(n: i64) -> Result<u32, Detail> {
        u32::try_from(n)
            .ok()
            .filter(|n| (1..=i32::MAX.unsigned_abs()).contains(n))
            .ok_or(Detail::Borrowed("must be between 1 and 2147483647"))
    }

    pub(crate) fn size_from(n: i64) -> Result<u32, Detail> {
        u32::try_from(n)
            .ok()
            .filter(|n| (1..=Self::MAX_SIZE).contains(n))
            .ok_or(Detail::Borrowed("must be between 1 and 100"))
    }

    pub(crate) fn from_parts(number: Option<u32>, size: Option<u32>) -> Self {
        let d = Self::default();
        Self {
            number: number.unwrap_or(d.number),
            size: size.unwrap_or(d.size),
        }
    }

    /// The page number (from 1).
    ///
    /// ```
    /// assert_eq!(live_lifecycle::edge::Page::default().number(), 1);
    /// ```
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The page size.
    ///
    /// ```
    /// assert_eq!(live_lifecycle::edge::Page::default().size(), 10);
    /// ```
    pub fn size(&self) -> u32 {
        self.size
    }

    /// The index range of this page within `total` entries (empty past the end).
    ///
    /// ```
    /// # use live_lifecycle::edge::Page;
    /// assert_eq!(Page::default().range(0), 0..0);
    /// ```
    pub fn range(&self, total: usize) -> std::ops::Range<usize> {
        let size = self.size as usize;
        let start = (self.number as usize)
            .saturating_sub(1)
            .saturating_mul(size)
            .min(total);
        start..start.saturating_add(size).min(total)
    }

    /// This page of `keyed` items in the order of their keys (smallest first; key by
    /// `Reverse` for largest first). Only the page is sorted: what sorts before it and after
    /// it is partitioned away by selection. The keys are taken beside the items, so that
    /// ordering reads nothing else.
    pub(crate) fn pick<K: Ord, T>(&self, mut keyed: Vec<(K, T)>) -> Vec<T> {
        let range = self.range(keyed.len());
        if range.is_empty() {
            return Vec::new();
        }
        let by_key = |a: &(K, T), b: &(K, T)| a.0.cmp(&b.0);
        if range.start > 0 {
            keyed.select_nth_unstable_by(range.start, by_key);
        }
        let mut page = keyed.split_off(range.start);
        if range.len() < page.len() {
            page.select_nth_unstable_by(range.len(), by_key);
            page.truncate(range.len());
        }
        page.sort_unstable_by(by_key);
        page.into_iter().map(|(_, item)| item).collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::Page;
    use proptest::prelude::*;

    /// The page `page.range` names of `items` once fully sorted.
    fn sorted_page(items: &[u32], page: Page, descending: bool) -> Vec<u32> {
        let mut sorted = items.to_vec();
        sorted.sort_by(|a, b| if descending { b.cmp(a) } else { a.cmp(b) });
        sorted[page.range(sorted.len())].to_vec()
    }

    /// `page` of `items` picked largest or smallest first.
    fn picked(items: &[u32], page: Page, descending: bool) -> Vec<u32> {
        if descending {
            let keyed = items.iter().map(|x| (std::cmp::Reverse(*x), *x)).collect();
            page.pick(keyed)
        } else {
            page.pick(items.iter().map(|x| (*x, *x)).collect())
        }
    }

    proptest! {
        /// A picked page is exactly that page of the fully sorted list, for every page
        /// number and size, either order.
        #[test]
        fn pick_is_the_page_of_the_sorted_list(
            items in prop::collection::vec(0u32..1000, 0..300),
            number in 1u32..40,
            size in 1u32..=100,
            descending: bool,
        ) {
            let page = Page::from_parts(Some(number), Some(size));
            prop_assert_eq!(
                picked(&items, page, descending),
                sorted_page(&items, page, descending)
            );
        }
    }
}
