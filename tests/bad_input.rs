//! Bad input, listed (issue #6): one table of bad inputs, each sent through
//! `Engine::handle_rpc` and, where a typed request can carry it, as the typed request.
//!
//! For each row, both ways: the documented answer (exact code, and the field a
//! `MissingParameter` or `InvalidParameter` names), no panic, and the engine's state
//! unchanged. A call first applies what fell due up to its `now` (here a task's StartTime),
//! so a refusal is compared with the state after `Engine::advance` at the same `now`; a
//! refusal by the wire's gateway checks applies nothing, so it is compared with the state
//! before. A few rows are boundaries that are accepted (`OK`): there, both ways agree and
//! the state's invariants hold.
//!
//! The README's "Bad input" table is this table: `readme_lists_exactly_these_rows` renders
//! the rows from `cases()` and compares them with the README, cell by cell (and prints the
//! table to paste when they differ).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};

use chrono::{DateTime, Utc};
use common::{Outcome, owned, section, table, typed_call, typed_object, wire_call, with_action};
use live_lifecycle::ids::AccountId;
use live_lifecycle::time::parse_utc;
use live_lifecycle::{Config, Engine, MAX_VALUE_BYTES, Snapshot};

// ---- values and how they are shown ------------------------------------------------------------

/// A parameter value, built so that the README can show it compactly and exactly.
#[derive(Debug, Clone)]
enum V {
    /// This text.
    S(&'static str),
    /// The text repeated.
    Rep(&'static str, usize),
    /// The parts one after the other.
    Cat(Vec<V>),
    /// A JSON array of strings (`SourceUrls`), as the SDKs send it.
    List(Vec<V>),
    /// A JSON array of this many copies of one string.
    ListOf(Box<V>, usize),
}

use V::{Cat, Rep, S};

impl V {
    /// The text sent.
    fn text(&self) -> String {
        match self {
            S(s) => (*s).to_owned(),
            Rep(s, n) => s.repeat(*n),
            Cat(parts) => parts.iter().map(V::text).collect(),
            V::List(items) => {
                serde_json::to_string(&items.iter().map(V::text).collect::<Vec<_>>()).unwrap()
            }
            V::ListOf(item, n) => serde_json::to_string(&vec![item.text(); *n]).unwrap(),
        }
    }

    /// How the README shows it: text in quotes (single quotes when it holds a double one),
    /// `\u{…}` for each character outside printable ASCII, `"a"×256` for repeats, `+`
    /// between parts, and `[…]` for a JSON list.
    fn show(&self) -> String {
        match self {
            S(s) => quoted(s),
            Rep(s, n) => format!("{}×{n}", quoted(s)),
            Cat(parts) => parts.iter().map(V::show).collect::<Vec<_>>().join(" + "),
            V::List(items) => {
                let items: Vec<String> = items.iter().map(V::show).collect();
                format!("[{}]", items.join(", "))
            }
            V::ListOf(item, n) => format!("[{}×{n}]", item.show()),
        }
    }
}

impl From<&'static str> for V {
    fn from(s: &'static str) -> Self {
        S(s)
    }
}

fn quoted(s: &str) -> String {
    let mut shown = String::new();
    for c in s.chars() {
        if (' '..='~').contains(&c) && c != '|' && c != '`' {
            shown.push(c);
        } else {
            shown.push_str(&format!("\\u{{{:X}}}", u32::from(c)));
        }
    }
    let q = if s.contains('"') { '\'' } else { '"' };
    format!("{q}{shown}{q}")
}

fn list(items: impl IntoIterator<Item = V>) -> V {
    V::List(items.into_iter().collect())
}

fn list_of(item: impl Into<V>, n: usize) -> V {
    V::ListOf(Box::new(item.into()), n)
}

fn cat(parts: impl IntoIterator<Item = V>) -> V {
    Cat(parts.into_iter().collect())
}

// ---- changes to a valid call -----------------------------------------------------------------------

/// One change to the valid call of an action.
#[derive(Debug, Clone)]
enum Mod {
    /// The parameter set to this value (added if the call has none).
    Set(&'static str, V),
    /// The parameter left out.
    Drop(&'static str),
    /// The parameter sent once more, with this value.
    Again(&'static str, V),
    /// One more parameter, with any name.
    Add(V, V),
    /// `Extra0`, `Extra1`, … added until the call has this many parameters in all.
    PadTo(usize),
    /// The call made by this account.
    Account(V),
}

fn set(name: &'static str, value: impl Into<V>) -> Mod {
    Mod::Set(name, value.into())
}

fn again(name: &'static str, value: impl Into<V>) -> Mod {
    Mod::Again(name, value.into())
}

impl Mod {
    fn show(&self) -> String {
        match self {
            Mod::Set(name, value) => format!("{name}={}", value.show()),
            Mod::Drop(name) => format!("no {name}"),
            Mod::Again(name, value) => format!("{name}={} again", value.show()),
            Mod::Add(name, value) => format!("{}={}", name.show(), value.show()),
            Mod::PadTo(n) => format!("{n} parameters in all"),
            Mod::Account(account) => format!("account {}", account.show()),
        }
    }

    /// Whether only the wire can carry it: a typed request has one value per field and no
    /// `Action`, `Version`, account text or parameters of its own.
    fn wire_only(&self) -> bool {
        match self {
            Mod::Set(name, _) | Mod::Drop(name) => *name == "Action" || *name == "Version",
            Mod::Again(..) | Mod::Add(..) | Mod::PadTo(_) | Mod::Account(_) => true,
        }
    }
}

// ---- the table -------------------------------------------------------------------------------------

const CJ: &str = "CreateEdgeTranscodeJob";
const GJ: &str = "GetEdgeTranscodeJob";
const LJ: &str = "ListEdgeTranscodeJob";
const UJ: &str = "UpdateEdgeTranscodeJob";
const SJ: &str = "StartEdgeTranscodeJob";
const DJ: &str = "DeleteEdgeTranscodeJob";
const GT: &str = "GetEdgeTranscodeTemplate";
const LT: &str = "ListEdgeTranscodeTemplate";
const CT: &str = "CreateLivePullToPush";
const UT: &str = "UpdateLivePullToPush";
const DS: &str = "DescribeLivePullToPush";
const DL: &str = "DescribeLivePullToPushList";
const ST: &str = "StopLivePullToPush";
const RT: &str = "RestartLivePullToPush";

const MISSING: &str = "MissingParameter";
const INVALID: &str = "InvalidParameter";
const DURATION: &str = "InvalidParam.CodeIllegalDuration";
const OK: &str = "OK";

/// One bad input: what kind it is, the action, the changes to the action's valid call, and
/// the answer (code, and the field it names) of an engine with the default configuration, and
/// of a strict one (`Config::strict`) where it differs. The README shows the first.
#[derive(Debug, Clone)]
struct Case {
    input: &'static str,
    action: &'static str,
    mods: Vec<Mod>,
    code: &'static str,
    field: Option<&'static str>,
    strict: Option<(&'static str, Option<&'static str>)>,
}

impl Case {
    /// The row refused by a strict engine as `code`, naming `field`: one of the crate's
    /// inferences, which a default engine does not refuse (docs/fidelity.md).
    fn strict(self, code: &'static str, field: Option<&'static str>) -> Self {
        Self {
            strict: Some((code, field)),
            ..self
        }
    }

    /// The answer of a strict engine or of a default one.
    fn answer(&self, strict: bool) -> (&'static str, Option<&'static str>) {
        match self.strict {
            Some(answer) if strict => answer,
            _ => (self.code, self.field),
        }
    }
}

fn c(
    input: &'static str,
    action: &'static str,
    mods: Vec<Mod>,
    code: &'static str,
    field: Option<&'static str>,
) -> Case {
    Case {
        input,
        action,
        mods,
        code,
        field,
        strict: None,
    }
}

/// `SourceType=live` with an RTMP `SourceProtocol` and these `SourceUrls`.
fn live_source(urls: V) -> Vec<Mod> {
    vec![
        set("SourceType", "live"),
        set("SourceProtocol", "rtmp"),
        set("SourceUrls", urls),
    ]
}

/// Every row of the table, in the README's order.
#[rustfmt::skip]
fn cases() -> Vec<Case> {
    let name = Some("Name");
    let region = Some("Region");
    let source_urls = Some("SourceUrls");
    let start_time = Some("StartTime");
    let end_time = Some("EndTime");
    let stream_input = Some("StreamInput");
    let dst_url = Some("DstUrl");
    let callback_url = Some("CallbackUrl");
    let keyword = Some("Keyword");
    let task_name = Some("TaskName");
    vec![
        // Absent values.
        c("Absent required value", CJ, vec![Mod::Drop("StreamOutput")], MISSING, Some("StreamOutput")),
        c("Absent required value", CT, vec![Mod::Drop("Region")], MISSING, region),
        c("Absent required value", UT, vec![Mod::Drop("TaskId")], MISSING, Some("TaskId")),
        c("Absent required value", LJ, vec![Mod::Drop("Action")], MISSING, Some("Action")),
        c("Absent value a rule requires", CT, vec![set("SourceType", "live"), set("SourceUrls", list([S("rtmp://src.example.com/live/b")]))], MISSING, Some("SourceProtocol")),
        // Empty values.
        c("Empty required value", GJ, vec![set("JobId", "")], MISSING, Some("JobId")),
        c("Empty required value", DS, vec![set("Region", "")], MISSING, region),
        c("Empty required value", LJ, vec![set("Action", "")], MISSING, Some("Action")),
        c("Empty SourceUrls", CT, vec![set("SourceUrls", "")], MISSING, source_urls),
        c("Empty list", CT, vec![set("SourceUrls", "[]")], INVALID, source_urls),
        c("Empty list entry", CT, vec![set("SourceUrls", list([S("")]))], INVALID, source_urls),
        c("Empty field to change", UJ, vec![set("Name", "")], INVALID, name),
        c("Empty field to change", UT, vec![set("StartTime", "")], INVALID, start_time),
        c("Empty integer", LJ, vec![set("PageSize", "")], INVALID, Some("PageSize")),
        c("Empty Version", LT, vec![set("Version", "")], "InvalidVersion", None),
        c("Empty account", LJ, vec![Mod::Account(S(""))], INVALID, Some("AccountId")),
        c("Empty filter (no filter)", LJ, vec![set("Keyword", "")], OK, None),
        c("Empty CallbackUrl (removes it)", UT, vec![set("CallbackUrl", "")], OK, None),
        // Over-long strings.
        c("Over-long name", CJ, vec![set("Name", Rep("a", 256))], INVALID, name),
        c("Over-long name", CJ, vec![set("Name", Rep("直", 256))], INVALID, name),
        c("Over-long name", CT, vec![set("TaskName", Rep("n", 129))], OK, None).strict(INVALID, task_name),
        c("Over-long id", LJ, vec![set("ClusterId", Rep("c", 129))], OK, None).strict(INVALID, Some("ClusterId")),
        c("Over-long id", SJ, vec![set("JobId", Rep("j", 129))], "JobNotFound", None).strict(INVALID, Some("JobId")),
        c("Over-long id", GT, vec![set("TemplateId", Rep("t", 129))], "TemplateNotFound", None).strict(INVALID, Some("TemplateId")),
        c("Over-long id", ST, vec![set("TaskId", Rep("t", 129))], "CodeTaskNotExist", None).strict(INVALID, Some("TaskId")),
        c("Over-long id filter", DL, vec![set("TaskId", Rep("t", 56))], INVALID, Some("TaskId")),
        c("Over-long keyword (matches nothing)", LJ, vec![set("Keyword", Rep("k", 256))], OK, None),
        c("Over-long keyword (matches nothing)", LT, vec![set("Keyword", Rep("k", 256))], OK, None),
        c("Over-long URL", UJ, vec![set("StreamInput", cat([S("rtmp://ingest.example.com/live/"), Rep("s", 1970)]))], OK, None).strict(INVALID, stream_input),
        c("Over-long URL", CT, vec![set("DstUrl", cat([S("rtmp://push.example.com/live/"), Rep("b", 1972)]))], INVALID, dst_url),
        c("Over-long URL", UT, vec![set("CallbackUrl", cat([S("https://hooks.example.com/"), Rep("x", 1975)]))], INVALID, callback_url),
        c("Over-long URL", CT, vec![set("SourceUrls", list([cat([S("https://cdn.example.com/"), Rep("v", 1973), S(".mp4")])]))], OK, None).strict(INVALID, source_urls),
        c("Over-long URL filter (matches nothing)", DL, vec![set("DstUrl", cat([S("rtmp://push.example.com/live/"), Rep("b", 1972)]))], OK, None),
        c("Value over 256 KiB", CJ, vec![set("Name", Rep("a", MAX_VALUE_BYTES + 1))], INVALID, name),
        c("Parameter name over 128 bytes", LJ, vec![Mod::Add(Rep("X", 129), S("1"))], INVALID, Some("Parameters")),
        c("Longest name (boundary)", CJ, vec![set("Name", Rep("直", 255))], OK, None),
        c("Long keyword", LJ, vec![set("Keyword", Rep("直", 255))], OK, None),
        c("Longest task name (a strict engine's boundary)", CT, vec![set("TaskName", Rep("直", 128))], OK, None),
        c("Longest URL (boundary, 2000 characters)", CT, vec![set("DstUrl", cat([S("rtmp://push.example.com/live/"), Rep("é", 1971)]))], OK, None),
        c("Value over 256 KiB in an ignored parameter", LJ, vec![Mod::Add(S("Signature"), Rep("a", MAX_VALUE_BYTES + 1))], INVALID, Some("Signature")),
        // Control characters.
        c("Control character", CJ, vec![set("Name", "evening\tnews")], INVALID, name),
        c("Control character", LT, vec![set("Keyword", "news\u{7}")], INVALID, keyword),
        c("Control character", CT, vec![set("TaskName", "morning\nreplay")], INVALID, task_name),
        c("Control character", DL, vec![set("TaskName", "\u{7f}")], INVALID, task_name),
        c("Control character", CT, vec![set("TaskName", "\u{85}")], INVALID, task_name),
        c("Control character", UJ, vec![set("StreamInput", "rtmp://ingest.example.com/live/news\r\n")], INVALID, stream_input),
        c("Control character", LJ, vec![set("ClusterId", "cluster\u{1b}[0m")], INVALID, Some("ClusterId")),
        c("Control character", CT, vec![set("SourceType", "vod"), set("SourceUrls", list([S("media\tid")]))], INVALID, source_urls),
        // NUL.
        c("NUL", CJ, vec![set("Name", "evening\0news")], INVALID, name),
        c("NUL", DJ, vec![set("JobId", "\0")], INVALID, Some("JobId")),
        c("NUL", RT, vec![set("TaskId", "\0")], INVALID, Some("TaskId")),
        c("NUL", DS, vec![set("Region", "cn-shanghai\0")], INVALID, region),
        c("NUL", LJ, vec![set("Keyword", "\0")], INVALID, keyword),
        c("NUL", CT, vec![set("DstUrl", "rtmp://push.example.com/live/b\0")], INVALID, dst_url),
        c("NUL", UT, vec![set("CallbackUrl", "https://hooks.example.com/\0")], INVALID, callback_url),
        c("NUL", CT, vec![set("SourceUrls", list([S("https://cdn.example.com/b.mp4\0")]))], INVALID, source_urls),
        // What a decoder leaves of bytes that were not UTF-8, or escapes that look like them.
        c("U+FFFD", CJ, vec![set("Name", "news\u{FFFD}")], INVALID, name),
        c("U+FFFD", GJ, vec![set("ClusterId", "\u{FFFD}")], "JobNotFound", None).strict(INVALID, Some("ClusterId")),
        c("U+FFFD", LJ, vec![Mod::Account(S("\u{FFFD}"))], INVALID, Some("AccountId")),
        c("U+FFFD in an rtmp host (opaque: not checked)", UJ, vec![set("StreamInput", "rtmp://ingest\u{FFFD}.example.com/live/news")], OK, None),
        c("U+FFFD in an https host", UT, vec![set("CallbackUrl", "https://hooks\u{FFFD}.example.com/p2p")], INVALID, callback_url),
        c("U+FFFD (any character but controls)", CT, vec![set("TaskName", "\u{FFFD}")], OK, None),
        c("U+FFFD (matches nothing)", LJ, vec![set("Keyword", "\u{FFFD}")], OK, None),
        c("Lone surrogate escape as text", CJ, vec![set("Name", "\\ud800")], INVALID, name),
        c("Lone surrogate escape as text", GJ, vec![set("JobId", "\\ud800")], "JobNotFound", None),
        c("Lone surrogate escape in JSON", CT, vec![set("SourceUrls", r#"["\ud800.mp4"]"#)], INVALID, source_urls),
        c("Overlong UTF-8 as percent text", CJ, vec![set("Name", "%C0%AF")], INVALID, name),
        c("Overlong UTF-8 as Latin-1 text", CJ, vec![set("Name", "\u{C0}\u{AF}")], INVALID, name),
        c("Overlong UTF-8 as Latin-1 text", GT, vec![set("TemplateId", "\u{C0}\u{AF}")], "TemplateNotFound", None).strict(INVALID, Some("TemplateId")),
        c("Byte order mark", DS, vec![set("Region", "cn-shanghai\u{FEFF}")], INVALID, region),
        c("Full-width letters", CJ, vec![set("Name", "\u{FF4E}\u{FF45}\u{FF57}\u{FF53}")], INVALID, name),
        // Huge integers, integers in other notations.
        c("Integer beyond 64 bits", LJ, vec![set("PageSize", "9223372036854775808")], INVALID, Some("PageSize")),
        c("Integer beyond 64 bits", CT, vec![set("RepeatNumber", "99999999999999999999")], INVALID, Some("RepeatNumber")),
        c("Huge integer", LJ, vec![set("PageNo", "9223372036854775807")], INVALID, Some("PageNo")),
        c("Huge integer", LT, vec![set("PageNo", "2147483648")], INVALID, Some("PageNo")),
        c("Huge integer", CT, vec![set("Offset", "2147483648")], INVALID, Some("Offset")),
        c("Huge integer", CT, vec![set("RetryCount", "-9223372036854775808")], INVALID, Some("RetryCount")),
        c("Huge integer", LJ, vec![set("Status", "4294967296")], INVALID, Some("Status")),
        c("Huge integer", UT, vec![set("FileIndex", "2147483648")], INVALID, Some("FileIndex")),
        c("Integer in another notation", CT, vec![set("RetryInterval", "1e3")], INVALID, Some("RetryInterval")),
        c("Integer in another notation", LJ, vec![set("PageSize", "0x10")], INVALID, Some("PageSize")),
        c("Integer in another notation", DL, vec![set("PageSize", "1.5")], INVALID, Some("PageSize")),
        c("Integer in another notation", LJ, vec![set("PageNo", " 1")], INVALID, Some("PageNo")),
        c("Integer in another notation", LJ, vec![set("PageNo", "\u{661}")], INVALID, Some("PageNo")),
        c("Leading zeros (accepted)", LJ, vec![set("PageNo", cat([Rep("0", 30), S("1")]))], OK, None),
        // Negative and zero paging.
        c("Negative paging", LJ, vec![set("PageNo", "-1")], INVALID, Some("PageNo")),
        c("Negative paging", LT, vec![set("PageSize", "-10")], INVALID, Some("PageSize")),
        c("Negative paging", DL, vec![set("PageNumber", "-1")], INVALID, Some("PageNumber")),
        c("Zero paging", DL, vec![set("PageSize", "-0")], INVALID, Some("PageSize")),
        c("Zero paging", LJ, vec![set("PageNo", "0")], INVALID, Some("PageNo")),
        c("Last page (boundary)", DL, vec![set("PageNumber", "2147483647"), set("PageSize", "100")], OK, None),
        // Times: offsets, fractions, other shapes.
        c("Time with an offset", CT, vec![set("StartTime", "2030-01-01T11:00:00+08:00")], INVALID, start_time),
        c("Time with an offset", CT, vec![set("EndTime", "2030-01-01T11:30:00-00:00")], INVALID, end_time),
        c("Time with an offset", UT, vec![set("EndTime", "2030-01-01T11:30:00+00:00")], INVALID, end_time),
        c("Fractional seconds", CT, vec![set("StartTime", "2030-01-01T11:00:00.5Z")], INVALID, start_time),
        c("Fractional seconds", CT, vec![set("StartTime", "2030-01-01T11:00:00.000Z")], INVALID, start_time),
        c("Time of another shape", CT, vec![set("EndTime", "2030-01-01T11:30:00")], INVALID, end_time),
        c("Time of another shape", CT, vec![set("StartTime", "2030-01-01 11:00:00Z")], INVALID, start_time),
        c("Time of another shape", CT, vec![set("StartTime", "2030-01-01t11:00:00z")], INVALID, start_time),
        c("Time of another shape", CT, vec![set("StartTime", "2030-01-01")], INVALID, start_time),
        c("Time of another shape", CT, vec![set("StartTime", "1893495600")], INVALID, start_time),
        c("Time of another shape", CT, vec![set("StartTime", "\u{FF12}030-01-01T11:00:00Z")], INVALID, start_time),
        // Impossible dates and times.
        c("Leap second", CT, vec![set("StartTime", "2030-06-30T23:59:60Z")], INVALID, start_time),
        c("Feb 30", UT, vec![set("EndTime", "2030-02-30T10:00:00Z")], INVALID, end_time),
        c("Feb 29 of a common year", CT, vec![set("StartTime", "2030-02-29T10:00:00Z")], INVALID, start_time),
        c("Hour 24", CT, vec![set("StartTime", "2030-01-01T24:00:00Z")], INVALID, start_time),
        c("Month 13", CT, vec![set("EndTime", "2030-13-01T00:00:00Z")], INVALID, end_time),
        c("Year 0000", CT, vec![set("StartTime", "0000-01-01T00:00:00Z")], DURATION, None),
        c("Year 9999", CT, vec![set("EndTime", "9999-12-31T23:59:59Z")], DURATION, None),
        // URLs.
        c("URL with user:pass@", CJ, vec![set("StreamInput", "rtmp://user:pass@ingest.example.com/live/news")], OK, None).strict(INVALID, stream_input),
        c("URL with an empty user@", CJ, vec![set("StreamOutput", "rtmp://@push.example.com/live/news_hd")], OK, None).strict(INVALID, Some("StreamOutput")),
        c("URL with user:pass@", CT, vec![set("DstUrl", "rtmp://user:pass@push.example.com/live/b")], OK, None).strict(INVALID, dst_url),
        c("URL with user:pass@", UT, vec![set("CallbackUrl", "https://user:pass@hooks.example.com/p2p")], OK, None).strict(INVALID, callback_url),
        c("URL with user:pass@", CT, live_source(list([S("rtmp://user:pass@src.example.com/live/b")])), OK, None).strict(INVALID, source_urls),
        c("URL with user@", CT, vec![set("SourceUrls", list([S("https://user@cdn.example.com/b.mp4")]))], OK, None).strict(INVALID, source_urls),
        c("URL with a space", CJ, vec![set("StreamInput", "rtmp://ingest.example.com/live/my news")], INVALID, stream_input),
        c("URL with a space", UJ, vec![set("StreamOutput", " rtmp://push.example.com/live/news_hd")], INVALID, Some("StreamOutput")),
        c("URL with a space", CT, vec![set("DstUrl", "rtmp://push.example.com/live/b ")], INVALID, dst_url),
        c("URL with a space", CT, vec![set("SourceUrls", list([S("https://cdn.example.com/my video.mp4")]))], INVALID, source_urls),
        c("URL with a percent-encoded space", CJ, vec![set("StreamInput", "rtmp://ingest.example.com/live/my%20news")], OK, None),
        c("URL with a percent-encoded NUL (as sent)", CJ, vec![set("StreamInput", "rtmp://ingest.example.com/live/news%00")], OK, None),
        c("Callback to a link-local address", UT, vec![set("CallbackUrl", "http://169.254.169.254/latest/meta-data")], OK, None),
        c("Unknown scheme", CJ, vec![set("StreamInput", "http://ingest.example.com/live/news")], OK, None).strict(INVALID, stream_input),
        c("Unknown scheme", CJ, vec![set("StreamOutput", "srt://push.example.com:9000")], OK, None).strict(INVALID, Some("StreamOutput")),
        c("Unknown scheme", CT, vec![set("DstUrl", "rtmps://push.example.com/live/b")], INVALID, dst_url),
        c("Unknown scheme", UT, vec![set("CallbackUrl", "javascript:alert(1)")], INVALID, callback_url),
        c("Unknown scheme", UT, vec![set("CallbackUrl", "file:///etc/passwd")], INVALID, callback_url),
        c("Unknown scheme", CT, vec![set("SourceUrls", list([S("ftp://cdn.example.com/b.mp4")]))], INVALID, source_urls),
        c("No scheme", CJ, vec![set("StreamInput", "ingest.example.com/live/news")], INVALID, stream_input),
        c("No host", UJ, vec![set("StreamInput", "rtmp:ingest.example.com/live/news")], INVALID, stream_input),
        c("URL with a #fragment", CJ, vec![set("StreamInput", "rtmp://ingest.example.com/live/news#t=1")], OK, None).strict(INVALID, stream_input),
        c("Port out of range", CJ, vec![set("StreamInput", "rtmp://ingest.example.com:65536/live/news")], INVALID, stream_input),
        c("Scheme in capitals", CJ, vec![set("StreamInput", "RTMP://ingest.example.com/live/news")], OK, None),
        // Lists.
        c("31 source URLs", CT, vec![set("SourceUrls", list_of("https://cdn.example.com/b.mp4", 31))], INVALID, source_urls),
        c("31 source URLs", UT, vec![set("SourceUrls", list_of("https://cdn.example.com/b.mp4", 31))], INVALID, source_urls),
        c("31 source URLs", CT, vec![set("SourceType", "vod"), set("SourceUrls", list_of("a1b2c3", 31))], INVALID, source_urls),
        c("2 URLs of a live source", CT, live_source(list_of("rtmp://src.example.com/live/b", 2)), INVALID, source_urls),
        c("30 source URLs (boundary)", CT, vec![set("SourceUrls", list_of("https://cdn.example.com/b.mp4", 30))], OK, None),
        c("FileIndex past the list", CT, vec![set("SourceUrls", list_of("https://cdn.example.com/b.mp4", 30)), set("FileIndex", "30")], INVALID, Some("FileIndex")),
        c("List that is not JSON", CT, vec![set("SourceUrls", "https://cdn.example.com/b.mp4")], INVALID, source_urls),
        c("List that is not JSON", CT, vec![set("SourceUrls", r#"{"url":"https://cdn.example.com/b.mp4"}"#)], INVALID, source_urls),
        c("List that is not JSON", CT, vec![set("SourceUrls", "[null]")], INVALID, source_urls),
        c("List that is not JSON", CT, vec![set("SourceUrls", r#"[["https://cdn.example.com/b.mp4"]]"#)], INVALID, source_urls),
        c("Deeply nested list", CT, vec![set("SourceUrls", Rep("[", 100_000))], INVALID, source_urls),
        // Repeated parameters.
        c("Repeated parameter", GJ, vec![again("ClusterId", "cluster-1")], INVALID, Some("ClusterId")),
        c("Repeated parameter", GJ, vec![again("JobId", "another-job")], INVALID, Some("JobId")),
        c("Repeated parameter", DS, vec![again("Region", "cn-beijing")], INVALID, region),
        c("Repeated parameter", LT, vec![set("PageSize", "10"), again("PageSize", "10")], INVALID, Some("PageSize")),
        c("Repeated parameter", CT, vec![again("SourceUrls", r#"["https://cdn.example.com/c.mp4"]"#)], INVALID, source_urls),
        c("Repeated parameter", LJ, vec![again("Action", LJ)], INVALID, Some("Action")),
        c("Repeated parameter", LJ, vec![again("Version", "2016-11-01")], INVALID, Some("Version")),
        c("Repeated parameter, another missing", GJ, vec![Mod::Drop("ClusterId"), again("JobId", "another-job")], MISSING, Some("ClusterId")),
        c("Repeated ignored parameter", LJ, vec![set("Format", "JSON"), again("Format", "XML")], OK, None),
        // Many parameters.
        c("10,000 parameters", LT, vec![Mod::PadTo(10_000)], INVALID, Some("Parameters")),
        c("201 parameters", LT, vec![Mod::PadTo(201)], INVALID, Some("Parameters")),
        c("200 parameters (boundary)", LT, vec![Mod::PadTo(200)], OK, None),
        // Values outside their sets and ranges.
        c("Unknown value", DS, vec![set("Region", "mars-1")], INVALID, region),
        c("Unknown value", DL, vec![set("Region", "CN-SHANGHAI")], INVALID, region),
        c("Unknown value", CT, vec![set("SourceType", "LIVE")], INVALID, Some("SourceType")),
        c("Unknown value", CT, vec![set("SourceType", "live"), set("SourceProtocol", "RTMP"), set("SourceUrls", list([S("rtmp://src.example.com/live/b")]))], INVALID, Some("SourceProtocol")),
        c("Unknown value", LJ, vec![set("Type", "Common")], INVALID, Some("Type")),
        c("Unknown value", LJ, vec![set("SortBy", "ASC")], INVALID, Some("SortBy")),
        c("Unknown value", LT, vec![set("VideoCodec", "h264")], INVALID, Some("VideoCodec")),
        c("Unknown value", LJ, vec![set("Status", "2")], INVALID, Some("Status")),
        c("Unknown value", LJ, vec![set("Action", "listedgetranscodejob")], "InvalidAction.NotFound", None),
        c("Unknown value", LJ, vec![set("Action", "DeleteEverything")], "InvalidAction.NotFound", None),
        c("Unknown value", LJ, vec![set("Version", "2016-11-02")], "InvalidVersion", None),
        c("Beyond a strict engine's range", CT, vec![set("RetryCount", "31")], OK, None).strict(INVALID, Some("RetryCount")),
        c("Out of range", CT, vec![set("RetryInterval", "59")], INVALID, Some("RetryInterval")),
        c("Out of range", CT, vec![set("Offset", "0")], INVALID, Some("Offset")),
        c("Out of range", UT, vec![set("RepeatNumber", "-2")], INVALID, Some("RepeatNumber")),
        c("Out of range", LJ, vec![set("PageSize", "101")], INVALID, Some("PageSize")),
        // Accounts (the embedder's bug, not the client's).
        c("Bad account", LJ, vec![Mod::Account(S("12 34"))], INVALID, Some("AccountId")),
        c("Bad account", LJ, vec![Mod::Account(Rep("1", 129))], INVALID, Some("AccountId")),
    ]
}

// ---- running a row ---------------------------------------------------------------------------------

const ACCOUNT: &str = "1234567890123456";
const CLUSTER: &str = "cluster-1";
const T01: &str = "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01";
const REGION: &str = "cn-shanghai";

/// The codes and fields of the wire's gateway checks (README, "The RPC wire", steps 1–4): a
/// call they refuse applies nothing, not even the time.
fn gateway_refusal(case: &Case, params: &[(String, String)]) -> bool {
    [
        "InvalidAction.NotFound",
        "InvalidVersion",
        "Throttling.User",
    ]
    .contains(&case.code)
        || ["Action", "Version", "AccountId", "Parameters"].contains(&case.field.unwrap_or(""))
        || (case.code == INVALID && params.iter().any(|(_, v)| v.len() > MAX_VALUE_BYTES))
}

/// An engine holding one edge job (not started) and one url task whose StartTime (10:00)
/// has passed at `now` (10:30) but is not yet applied; the job's and the task's ids.
struct Fixture {
    snapshot: Snapshot,
    job: String,
    task: String,
    now: DateTime<Utc>,
}

fn fixture() -> Fixture {
    let mut engine = Engine::new(Config::default());
    let account = AccountId::try_from(ACCOUNT).unwrap();
    let created = parse_utc("2030-01-01T09:00:00Z").unwrap();
    let mut ok = |action: &str, params: &[(&str, &str)]| {
        let object = typed_object(action, &owned(params)).unwrap();
        let outcome = typed_call(&mut engine, &account, action, object, created);
        assert_eq!(outcome.code, "OK", "{action}: {}", outcome.body);
        outcome
    };
    let job = ok(
        CJ,
        &[
            ("ClusterId", CLUSTER),
            ("Name", "evening_news"),
            ("TemplateId", T01),
            ("StreamInput", "rtmp://ingest.example.com/live/news"),
            ("StreamOutput", "rtmp://push.example.com/live/news_hd"),
        ],
    );
    let task = ok(
        CT,
        &[
            ("Region", REGION),
            ("StartTime", "2030-01-01T10:00:00Z"),
            ("EndTime", "2030-01-01T12:00:00Z"),
            ("SourceType", "url"),
            (
                "SourceUrls",
                r#"["https://cdn.example.com/a.mp4","https://cdn.example.com/a.flv"]"#,
            ),
            ("DstUrl", "rtmp://push.example.com/live/a"),
            ("CallbackUrl", "https://hooks.example.com/p2p"),
        ],
    );
    let now = parse_utc("2030-01-01T10:30:00Z").unwrap();
    assert!(engine.next_deadline().is_some_and(|d| d <= now));
    Fixture {
        snapshot: engine.snapshot(),
        job: job.body["JobId"].as_str().unwrap().to_owned(),
        task: task.body["TaskId"].as_str().unwrap().to_owned(),
        now,
    }
}

/// The valid call of `action` on the fixture (`{job}` and `{task}` stand for its ids).
fn base(action: &str) -> Vec<(String, String)> {
    let by_job = [("ClusterId", CLUSTER), ("JobId", "{job}")];
    let by_task = [("TaskId", "{task}"), ("Region", REGION)];
    let params: &[(&str, &str)] = match action {
        CJ => &[
            ("ClusterId", CLUSTER),
            ("Name", "morning_news"),
            ("TemplateId", T01),
            ("StreamInput", "rtmp://ingest.example.com/live/morning"),
            ("StreamOutput", "rtmp://push.example.com/live/morning_hd"),
        ],
        GJ | UJ | SJ | DJ => &by_job,
        LJ | LT => &[("ClusterId", CLUSTER)],
        GT => &[("ClusterId", CLUSTER), ("TemplateId", T01)],
        CT => &[
            ("Region", REGION),
            ("StartTime", "2030-01-01T11:00:00Z"),
            ("EndTime", "2030-01-01T11:30:00Z"),
            ("SourceType", "url"),
            ("SourceUrls", r#"["https://cdn.example.com/b.mp4"]"#),
            ("DstUrl", "rtmp://push.example.com/live/b"),
        ],
        UT | DS | ST | RT => &by_task,
        DL => &[("Region", REGION)],
        other => panic!("no base call for {other}"),
    };
    with_action(action, &owned(params))
}

/// The parameters and the account of a row's call.
fn build(case: &Case, fx: &Fixture) -> (Vec<(String, String)>, String) {
    let mut params = base(case.action);
    let mut account = ACCOUNT.to_owned();
    for m in &case.mods {
        match m {
            Mod::Set(name, value) => match params.iter_mut().find(|(n, _)| n == name) {
                Some(pair) => pair.1 = value.text(),
                None => params.push(((*name).to_owned(), value.text())),
            },
            Mod::Drop(name) => params.retain(|(n, _)| n != name),
            Mod::Again(name, value) => params.push(((*name).to_owned(), value.text())),
            Mod::Add(name, value) => params.push((name.text(), value.text())),
            Mod::PadTo(total) => {
                let have = params.len();
                params.extend((have..*total).map(|i| (format!("Extra{i}"), "1".to_owned())));
            }
            Mod::Account(text) => account = text.text(),
        }
    }
    for (_, value) in &mut params {
        *value = value.replace("{job}", &fx.job).replace("{task}", &fx.task);
    }
    (params, account)
}

/// Runs one row both ways on an engine of the default configuration or a strict one; `Err`
/// says what went wrong (a panic included).
fn check(case: &Case, fx: &Fixture, strict: bool) -> Result<(), String> {
    let (params, account) = build(case, fx);
    let (code, field) = case.answer(strict);
    let config = Config {
        strict,
        ..Config::default()
    };
    let restore = || Engine::restore(config.clone(), fx.snapshot.clone());
    let untouched = restore().state().clone();
    let mut advanced = restore();
    let due = advanced.advance(fx.now);
    assert!(due > 0, "the fixture's task falls due at now");
    let advanced = advanced.state().clone();
    let gateway = gateway_refusal(case, &params);

    let expect = |how: &str, outcome: &Outcome, engine: &mut Engine| -> Result<(), String> {
        let got = (outcome.code.as_str(), outcome.field.as_deref());
        if got != (code, field) {
            return Err(format!(
                "{how} (strict {strict}): got {got:?}, want {:?}: {}",
                (code, field),
                outcome.body
            ));
        }
        if !engine.state().invariants_hold() {
            return Err(format!("{how}: the invariants do not hold"));
        }
        if code != OK {
            // Only the task's start (one event, one callback), unless the gateway refused.
            let (state, changes) = if gateway && how == "wire" {
                (&untouched, 0)
            } else {
                (&advanced, due)
            };
            if engine.state() != state {
                return Err(format!("{how}: the refusal changed the state"));
            }
            let made = (engine.drain_events().len(), engine.drain_callbacks().len());
            if made != (changes, changes) {
                return Err(format!(
                    "{how}: (events, callbacks) {made:?}, want {changes} each"
                ));
            }
        }
        Ok(())
    };

    let mut wire_engine = restore();
    let wire = catch_unwind(AssertUnwindSafe(|| {
        wire_call(&mut wire_engine, &account, &params, fx.now)
    }))
    .map_err(|_| "wire: panicked".to_owned())?;
    expect("wire", &wire, &mut wire_engine)?;

    let typed_request = if case.mods.iter().any(Mod::wire_only) {
        None
    } else {
        typed_object(case.action, &params)
    };
    if let Some(object) = typed_request {
        let mut engine = restore();
        let account =
            AccountId::try_from(account.as_str()).map_err(|e| format!("typed: account {e}"))?;
        let typed = catch_unwind(AssertUnwindSafe(|| {
            typed_call(&mut engine, &account, case.action, object, fx.now)
        }))
        .map_err(|_| "typed: panicked".to_owned())?;
        expect("typed", &typed, &mut engine)?;
        if typed.key() != wire.key() {
            return Err(format!(
                "typed {:?} and wire {:?} differ",
                typed.key(),
                wire.key()
            ));
        }
    }
    Ok(())
}

#[test]
fn every_bad_input_gets_its_documented_answer_and_changes_nothing() {
    let fx = fixture();
    let cases = cases();
    let mut failures = Vec::new();
    let mut typed = 0;
    for case in &cases {
        for strict in [false, true] {
            if let Err(why) = check(case, &fx, strict) {
                failures.push(format!(
                    "{} | {} | {}: {why}",
                    case.input,
                    case.action,
                    example(case)
                ));
            }
        }
        let (params, _) = build(case, &fx);
        if !case.mods.iter().any(Mod::wire_only) && typed_object(case.action, &params).is_some() {
            typed += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    println!(
        "{} rows, {typed} of them also as the typed request",
        cases.len()
    );
}

// ---- the README table ------------------------------------------------------------------------------

fn example(case: &Case) -> String {
    case.mods
        .iter()
        .map(Mod::show)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The README rows of the table, cell by cell.
fn rows() -> Vec<Vec<String>> {
    cases()
        .iter()
        .map(|case| {
            // A row a strict engine answers otherwise says so in its Code cell.
            let code = match case.strict {
                Some((strict, _)) => format!("`{}` (strict: `{strict}`)", case.code),
                None => format!("`{}`", case.code),
            };
            vec![
                case.input.to_owned(),
                format!("`{}`", case.action),
                format!("`{}`", example(case)),
                code,
                case.field.map_or("—".to_owned(), |f| format!("`{f}`")),
            ]
        })
        .collect()
}

const HEADER: [&str; 5] = ["Bad input", "Action", "Example", "Code", "Field named"];

fn markdown(rows: &[Vec<String>]) -> String {
    let mut out = format!(
        "| {} |\n|{}\n",
        HEADER.join(" | "),
        "---|".repeat(HEADER.len())
    );
    for row in rows {
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}

#[test]
fn readme_lists_exactly_these_rows() {
    let t = table(section("Bad input"), "Bad input");
    let want = rows();
    assert_eq!(
        t.header, HEADER,
        "the header of the README's Bad input table"
    );
    assert!(
        t.rows == want,
        "the README's Bad input table is not the one of tests/bad_input.rs; it should read:\n\n{}",
        markdown(&want)
    );
}

#[test]
fn examples_show_what_is_sent() {
    // The notation is exact: the shown text of a value is its text, escapes aside.
    assert_eq!(S("a\0b").show(), r#""a\u{0}b""#);
    assert_eq!(S("\\ud800").show(), r#""\ud800""#);
    assert_eq!(Rep("直", 2).show(), r#""\u{76F4}"×2"#);
    assert_eq!(
        list([S("x"), cat([S("y"), Rep("z", 2)])]).text(),
        r#"["x","yzz"]"#
    );
    assert_eq!(list_of("u", 2).show(), r#"["u"×2]"#);
    assert_eq!(S(r#"["a"]"#).show(), r#"'["a"]'"#);
    for case in cases() {
        let shown = example(&case);
        assert!(!shown.contains('|') && !shown.contains('`'), "{shown}");
        if case.code == MISSING || case.code == INVALID {
            assert!(case.field.is_some(), "{shown}: which field?");
        }
    }
}
