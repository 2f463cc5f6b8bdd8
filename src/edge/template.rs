//! Edge transcoding templates: read-only through the API, so the engine is built with a
//! catalogue of them (part of [`Config`](crate::Config)).

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::job::TemplateChoice;
use super::types::{SortOrder, TranscodeType, VideoCodec};
use crate::ids::TemplateId;

/// One template, serialized exactly as the `Template` object of Get/ListEdgeTranscodeTemplate.
///
/// `Bitrate`, `Fps`, `Gop` and `Resolution` are strings on the wire: a number, or `ws` for
/// "same as the source"; `Gop` may end in `s` (seconds) and `Resolution` is `W*H`, where a
/// width of `-1` (or height `-2`) adapts to the other side.
///
/// ```
/// use live_lifecycle::edge::TemplateCatalogue;
/// let catalogue = TemplateCatalogue::default();
/// let t = catalogue.iter().next().unwrap();
/// let json = serde_json::to_value(t).unwrap();
/// assert!(json["Resolution"].is_string());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Template {
    /// Output bitrate in kbit/s, or `ws`.
    pub bitrate: String,
    /// Video codec.
    pub codec: VideoCodec,
    /// When the template was made.
    #[serde(with = "crate::time::wire")]
    pub create_time: DateTime<Utc>,
    /// Frame rate, or `ws`.
    pub fps: String,
    /// Key-frame interval in frames, or seconds with an `s`, or `ws`.
    pub gop: String,
    /// Template name.
    pub name: String,
    /// `W*H`, or `ws`.
    pub resolution: String,
    /// Template id.
    pub template_id: TemplateId,
    /// The kind of transcoding the template does.
    #[serde(rename = "Type")]
    pub transcode_type: TranscodeType,
}

/// The templates an engine knows, by id.
///
/// The default catalogue has templates of every type and both codecs with realistic
/// settings (see README); build your own with [`TemplateCatalogue::new`].
///
/// ```
/// use live_lifecycle::edge::{TemplateCatalogue, TranscodeType, VideoCodec};
/// let catalogue = TemplateCatalogue::default();
/// for t in TranscodeType::ALL {
///     for c in VideoCodec::ALL {
///         assert!(catalogue.iter().any(|x| x.transcode_type == t && x.codec == c));
///     }
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Template>", into = "Vec<Template>")]
pub struct TemplateCatalogue {
    by_id: BTreeMap<TemplateId, Template>,
    /// What a job keeps of each template, made once and shared by every job that chooses
    /// it (a pointer per job instead of a copy of the id and name).
    choices: BTreeMap<TemplateId, Arc<TemplateChoice>>,
}

impl TemplateCatalogue {
    /// A catalogue of `templates`; refuses two templates with one id.
    ///
    /// ```
    /// use live_lifecycle::edge::TemplateCatalogue;
    /// let one: Vec<_> = TemplateCatalogue::default().iter().take(1).cloned().collect();
    /// let twice = [one.clone(), one].concat();
    /// assert!(TemplateCatalogue::new(twice).is_err());
    /// ```
    pub fn new(templates: Vec<Template>) -> Result<Self, DuplicateTemplate> {
        let mut by_id = BTreeMap::new();
        for t in templates {
            let id = t.template_id.clone();
            if by_id.insert(id.clone(), t).is_some() {
                return Err(DuplicateTemplate(id));
            }
        }
        Ok(Self::from_map(by_id))
    }

    /// The template with this id.
    ///
    /// ```
    /// # use live_lifecycle::edge::TemplateCatalogue;
    /// assert!(TemplateCatalogue::default().get("no-such-template").is_none());
    /// ```
    pub fn get(&self, id: &str) -> Option<&Template> {
        self.by_id.get(id)
    }

    fn from_map(by_id: BTreeMap<TemplateId, Template>) -> Self {
        let choices = by_id
            .iter()
            .map(|(id, t)| {
                let choice = TemplateChoice {
                    id: id.clone(),
                    name: t.name.clone(),
                    transcode_type: t.transcode_type,
                };
                (id.clone(), Arc::new(choice))
            })
            .collect();
        Self { by_id, choices }
    }

    /// The shared choice of the template with this id, as jobs keep it.
    pub(crate) fn choice(&self, id: &str) -> Option<&Arc<TemplateChoice>> {
        self.choices.get(id)
    }

    /// Every template, by id.
    ///
    /// ```
    /// # use live_lifecycle::edge::TemplateCatalogue;
    /// assert!(TemplateCatalogue::default().iter().count() >= 6);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &Template> {
        self.by_id.values()
    }
}

/// Two templates of a catalogue share an id.
///
/// ```
/// # use live_lifecycle::edge::DuplicateTemplate;
/// let e = DuplicateTemplate("t1".try_into().unwrap());
/// assert!(e.to_string().contains("t1"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("two templates share the id {0}")]
pub struct DuplicateTemplate(pub TemplateId);

impl TryFrom<Vec<Template>> for TemplateCatalogue {
    type Error = DuplicateTemplate;
    fn try_from(templates: Vec<Template>) -> Result<Self, Self::Error> {
        Self::new(templates)
    }
}

impl From<TemplateCatalogue> for Vec<Template> {
    fn from(c: TemplateCatalogue) -> Self {
        c.by_id.into_values().collect()
    }
}

/// One template of the default catalogue: `[bitrate, fps, gop, resolution]` and the creation
/// time in Unix seconds.
fn preset(
    id: &str,
    name: &str,
    transcode_type: TranscodeType,
    codec: VideoCodec,
    [bitrate, fps, gop, resolution]: [&str; 4],
    created: i64,
) -> Option<(TemplateId, Template)> {
    let template_id = TemplateId::try_from(id).ok()?;
    let template = Template {
        bitrate: bitrate.into(),
        codec,
        create_time: DateTime::from_timestamp(created, 0)?,
        fps: fps.into(),
        gop: gop.into(),
        name: name.into(),
        resolution: resolution.into(),
        template_id: template_id.clone(),
        transcode_type,
    };
    Some((template_id, template))
}

impl Default for TemplateCatalogue {
    /// Eight templates: every type with both codecs, from 720p to 4K, and one that keeps the
    /// source's settings (`ws`).
    fn default() -> Self {
        use TranscodeType::{Common, Nbhd2, UltraHd};
        use VideoCodec::{H264, H265};
        const ID: &str = "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c0";
        let presets = [
            preset(
                &format!("{ID}1"),
                "common-h264-720p",
                Common,
                H264,
                ["1500", "25", "2s", "1280*720"],
                1_690_000_000,
            ),
            preset(
                &format!("{ID}2"),
                "common-h264-1080p",
                Common,
                H264,
                ["3000", "30", "2s", "1920*1080"],
                1_690_000_060,
            ),
            preset(
                &format!("{ID}3"),
                "common-h265-1080p",
                Common,
                H265,
                ["2000", "30", "2s", "1920*1080"],
                1_690_000_120,
            ),
            preset(
                &format!("{ID}4"),
                "common-h264-source",
                Common,
                H264,
                ["ws", "ws", "ws", "ws"],
                1_690_000_180,
            ),
            preset(
                &format!("{ID}5"),
                "nbhd2-h264-720p",
                Nbhd2,
                H264,
                ["1000", "25", "50", "-1*720"],
                1_695_000_000,
            ),
            preset(
                &format!("{ID}6"),
                "nbhd2-h265-1080p",
                Nbhd2,
                H265,
                ["1500", "30", "2s", "1920*-2"],
                1_695_000_060,
            ),
            preset(
                &format!("{ID}7"),
                "ultra-hd-h264-1440p",
                UltraHd,
                H264,
                ["8000", "30", "2s", "2560*1440"],
                1_700_000_000,
            ),
            preset(
                &format!("{ID}8"),
                "ultra-hd-h265-4k",
                UltraHd,
                H265,
                ["12000", "60", "2s", "3840*2160"],
                1_700_000_060,
            ),
        ];
        Self::from_map(presets.into_iter().flatten().collect())
    }
}

impl TemplateCatalogue {
    /// The matching templates (count of all matches, and the requested page), ordered by
    /// creation time and then id.
    pub(crate) fn list(&self, q: &super::request::ListTemplates) -> (u64, Vec<Template>) {
        let hits: Vec<&Template> = self
            .iter()
            .filter(|t| q.transcode_type.is_none_or(|k| t.transcode_type == k))
            .filter(|t| q.codec.is_none_or(|c| t.codec == c))
            .filter(|t| {
                q.keyword
                    .as_ref()
                    .is_none_or(|k| k.matches(t.template_id.as_str(), &t.name))
            })
            .collect();
        let total = hits.len() as u64;
        let key = |t: &Template| (t.create_time, t.template_id.clone());
        let page = match q.sort {
            SortOrder::Asc => q.page.pick(hits.into_iter().map(|t| (key(t), t)).collect()),
            SortOrder::Desc => q
                .page
                .pick(hits.into_iter().map(|t| (Reverse(key(t)), t)).collect()),
        };
        (total, page.into_iter().cloned().collect())
    }
}
