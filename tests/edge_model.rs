//! Model-based tests of the edge transcoding family.
//!
//! `edge_jobs_follow_the_model` drives the [`Engine`] with random sequences of valid and
//! deliberately invalid calls over all nine edge operations and compares every answer with a
//! small reference model written from the README and the spec (not from `src/`): accounts →
//! clusters → jobs (status, name, template, URLs, create time, last start/stop, last operated),
//! per-account quotas, the 180-day List window, the default template catalogue, and the
//! documented precedence missing → malformed → `Forbidden` → not found → wrong state → quota.
//!
//! After every step it checks the code (and the field, id, reason or limit the error names),
//! the HTTP status and the error body, the success body against the model, that a refused or
//! read-only call leaves the state equal and records no event while a change records exactly
//! one, `State::invariants_hold`, that replaying the event log and restoring a serde_json
//! round-trip of the snapshot both give back the same state, and the request counter.
//!
//! The two plain property tests feed arbitrary text into every field of every request (and
//! arbitrary integers into the integer ones). A plain test covers `InternalError`, which only a
//! misbehaving id generator reaches, and two regression tests pin bugs found on the way.
//!
//! Each case of the state machine draws the engine's strictness (`Config::strict`,
//! docs/fidelity.md): a default engine takes ids of any length and text (not whitespace or
//! control characters), any `scheme://host` URL, and deletes a running job; a strict one holds
//! ids to 1–128 printable ASCII characters, the URLs to the crate's rules, and refuses to
//! delete a running job, as the model predicts from the same flag.
//!
//! Cases: `PROPTEST_CASES` if set, else 256 (transition sequences of 1 to 40 calls); the whole
//! file takes a few seconds in debug.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use live_lifecycle::edge::{
    CreateEdgeTranscodeJobRequest, DeleteEdgeTranscodeJobRequest, EdgeEvent, EdgeLimits,
    GetEdgeTranscodeJobRequest, GetEdgeTranscodeTemplateRequest, GetJobResponse,
    GetTemplateResponse, JobIdResponse, JobView, ListEdgeTranscodeJobRequest,
    ListEdgeTranscodeTemplateRequest, ListJobsResponse, ListTemplatesResponse,
    StartEdgeTranscodeJobRequest, StopEdgeTranscodeJobRequest, Template,
    UpdateEdgeTranscodeJobRequest,
};
use live_lifecycle::ids::{AccountId, IdGenerator, IdKind, SeededIds};
use live_lifecycle::{Access, ApiError, Change, Config, Engine, Event, Rejection, Snapshot};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::strategy::Union;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};

// ---------------------------------------------------------------------------------------------
// The world the model knows (from the README and spec §1–2)
// ---------------------------------------------------------------------------------------------

/// Accounts 0 and 1 are entitled to edge transcoding; account 2 is not (`Forbidden`).
const ACCOUNTS: [&str; 3] = ["1234567890123456", "2345678901234567", "3456789012345678"];
const MAX_JOBS: usize = 4;
const MAX_RUNNING: usize = 2;
const CLUSTERS: [&str; 2] = ["cluster-1", "cluster-2"];
/// A well-formed cluster id nobody uses much (any well-formed id is accepted).
const SPARE_CLUSTER: &str = "dc#3~!";
/// A well-formed job id that is never issued.
const UNKNOWN_JOB: &str = "0123456789abcdef0123456789abcdef";
const WINDOW_DAYS: i64 = 180;
const START: &str = "2024-05-01T09:00:00Z";
const HOST_ID: &str = "live.aliyuncs.com";

const ALREADY_RUNNING: &str = "The job is already running";
const NOT_RUNNING: &str = "The job is not running";
const UPDATE_RUNNING: &str =
    "The job is running and can be updated only when not running; stop it first";
const DELETE_RUNNING: &str = "The job is running and cannot be deleted; stop it first";

/// One template of the README's default catalogue.
struct Tpl {
    id: &'static str,
    name: &'static str,
    kind: &'static str,
    codec: &'static str,
    bitrate: &'static str,
    fps: &'static str,
    gop: &'static str,
    resolution: &'static str,
    created: &'static str,
}

const fn tpl(
    id: &'static str,
    name: &'static str,
    kind: &'static str,
    codec: &'static str,
    [bitrate, fps, gop, resolution]: [&'static str; 4],
    created: &'static str,
) -> Tpl {
    Tpl {
        id,
        name,
        kind,
        codec,
        bitrate,
        fps,
        gop,
        resolution,
        created,
    }
}

/// The README table "Default template catalogue", row for row.
const CATALOGUE: [Tpl; 8] = [
    tpl(
        "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01",
        "common-h264-720p",
        "common",
        "H.264",
        ["1500", "25", "2s", "1280*720"],
        "2023-07-22T04:26:40Z",
    ),
    tpl(
        "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c02",
        "common-h264-1080p",
        "common",
        "H.264",
        ["3000", "30", "2s", "1920*1080"],
        "2023-07-22T04:27:40Z",
    ),
    tpl(
        "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c03",
        "common-h265-1080p",
        "common",
        "H.265",
        ["2000", "30", "2s", "1920*1080"],
        "2023-07-22T04:28:40Z",
    ),
    tpl(
        "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c04",
        "common-h264-source",
        "common",
        "H.264",
        ["ws", "ws", "ws", "ws"],
        "2023-07-22T04:29:40Z",
    ),
    tpl(
        "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c05",
        "nbhd2-h264-720p",
        "nbhd-2",
        "H.264",
        ["1000", "25", "50", "-1*720"],
        "2023-09-18T01:20:00Z",
    ),
    tpl(
        "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c06",
        "nbhd2-h265-1080p",
        "nbhd-2",
        "H.265",
        ["1500", "30", "2s", "1920*-2"],
        "2023-09-18T01:21:00Z",
    ),
    tpl(
        "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c07",
        "ultra-hd-h264-1440p",
        "ultra-hd",
        "H.264",
        ["8000", "30", "2s", "2560*1440"],
        "2023-11-14T22:13:20Z",
    ),
    tpl(
        "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c08",
        "ultra-hd-h265-4k",
        "ultra-hd",
        "H.265",
        ["12000", "60", "2s", "3840*2160"],
        "2023-11-14T22:14:20Z",
    ),
];

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn account_id(index: usize) -> AccountId {
    AccountId::try_from(ACCOUNTS[index]).unwrap()
}

fn entitled(account: usize) -> bool {
    account < 2
}

fn config() -> Config {
    config_of(false)
}

fn config_of(strict: bool) -> Config {
    Config {
        edge_limits: EdgeLimits {
            max_jobs: MAX_JOBS as u32,
            max_running_jobs: MAX_RUNNING as u32,
        },
        edge_access: Access::Only([account_id(0), account_id(1)].into()),
        strict,
        ..Config::default()
    }
}

/// The `seq`-th job id the default generator hands out (README: job ids are derived from a
/// seed and a counter; the counter counts the jobs created so far).
fn expected_job_id(seq: u64) -> String {
    SeededIds::default().generate(IdKind::Job, seq)
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

fn wire_time(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

// ---------------------------------------------------------------------------------------------
// Parameter rules, re-stated from the README table "Parameter rules" and "Behaviour notes"
// ---------------------------------------------------------------------------------------------

/// `ClusterId`, `JobId`, `TemplateId`: no whitespace or control characters; for a strict
/// engine 1–128 printable ASCII characters, `!` to `~`.
fn id_ok(text: &str, strict: bool) -> bool {
    if strict {
        (1..=128).contains(&text.len()) && text.bytes().all(|b| (b'!'..=b'~').contains(&b))
    } else {
        !text.is_empty() && !text.chars().any(|c| c.is_whitespace() || c.is_control())
    }
}

fn cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x2_0000..=0x2_FA1F)
}

/// `Name`: 1–255 characters, each an ASCII letter or digit, `-`, `_` or a CJK ideograph.
fn name_ok(text: &str) -> bool {
    (1..=255).contains(&text.chars().count())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || cjk(c))
}

/// `Keyword`: no control characters (any length: a long one finds nothing).
fn keyword_ok(text: &str) -> bool {
    !text.chars().any(char::is_control)
}

fn type_ok(text: &str) -> bool {
    ["common", "nbhd-2", "ultra-hd"].contains(&text)
}

fn codec_ok(text: &str) -> bool {
    ["H.264", "H.265"].contains(&text)
}

fn sort_ok(text: &str) -> bool {
    ["asc", "desc"].contains(&text)
}

/// The stream URLs the generators use, each with whether a strict engine takes it as a
/// `StreamInput` and as a `StreamOutput`, and whether a default one takes it (as either: any
/// URL written `scheme://host`, without spaces or control characters), judged by hand from
/// the README's URL rules and docs/fidelity.md.
fn url_table() -> Vec<(String, bool, bool, bool)> {
    let long_ok = format!("rtmp://h.example.com/live/{}", "x".repeat(2000 - 26));
    let too_long = format!("{long_ok}x");
    assert_eq!(long_ok.len(), 2000);
    let fixed: [(&str, bool, bool, bool); 26] = [
        ("rtmp://ingest.example.com/live/news", true, true, true),
        (
            "rtmp://ingest.example.com/live/sports?token=abc123",
            true,
            true,
            true,
        ),
        ("RTMP://Ingest.Example.com/Live/Upper", true, true, true),
        (
            "rtmps://secure.example.com:443/app/stream",
            true,
            true,
            true,
        ),
        ("rtmp://10.0.0.1:1935/app/stream/extra", true, true, true),
        ("rtmp://push.example.com/live/news_hd", true, true, true),
        ("rtmp://[::1]:1935/app/stream", true, true, true),
        ("Rtmps://push.example.com/live/s2?a=1&b=2", true, true, true),
        (
            "srt://edge.example.com:9000?streamid=live/s1",
            true,
            false,
            true,
        ),
        ("srt://10.1.2.3:7001", true, false, true),
        ("SRT://edge.example.com:9000/path", true, false, true),
        ("http://ingest.example.com/live/news", false, false, true),
        ("ftp://testdomain/app/stream2", false, false, true),
        ("rtmp://ingest.example.com/live", false, false, true),
        ("rtmp://ingest.example.com/live/", false, false, true),
        ("rtmp://ingest.example.com//news", false, false, true),
        ("srt://edge.example.com", false, false, true),
        ("srt://user@edge.example.com:9000", false, false, true),
        (
            "rtmp://user:pw@ingest.example.com/live/news",
            false,
            false,
            true,
        ),
        (
            "rtmp://ingest.example.com/live/news#frag",
            false,
            false,
            true,
        ),
        ("rtmp://ingest.example.com/live/ne ws", false, false, false),
        ("rtmp://ingest.example.com/live/news\n", false, false, false),
        (
            "rtmp://ingest.example.com:99999/live/news",
            false,
            false,
            false,
        ),
        ("rtmp:ingest.example.com/live/news", false, false, false),
        ("rtmp:///live/news", false, false, false),
        ("not a url", false, false, false),
    ];
    let mut table: Vec<(String, bool, bool, bool)> = fixed
        .iter()
        .map(|&(u, i, o, any)| (u.to_owned(), i, o, any))
        .collect();
    table.push((long_ok, true, true, true));
    table.push((too_long, false, false, true));
    table
}

fn url_ok(text: &str, output: bool, strict: bool) -> bool {
    let (_, input_ok, output_ok, any_ok) = url_table()
        .into_iter()
        .find(|(u, ..)| u == text)
        .unwrap_or_else(|| panic!("the model does not know the URL {text:?}"));
    match (strict, output) {
        (false, _) => any_ok,
        (true, false) => input_ok,
        (true, true) => output_ok,
    }
}

fn input_ok(text: &str, strict: bool) -> bool {
    url_ok(text, false, strict)
}

fn output_ok(text: &str, strict: bool) -> bool {
    url_ok(text, true, strict)
}

fn valid_names() -> Vec<String> {
    let mut names: Vec<String> = [
        "news",
        "evening_news",
        "Sports-HD",
        "直播_1",
        "𠀀job",
        "a",
        "News_2",
        "mixedCase-job",
    ]
    .map(String::from)
    .to_vec();
    names.push("N".repeat(255));
    names.push("直".repeat(255));
    names
}

fn invalid_names() -> Vec<String> {
    let mut names: Vec<String> = [
        "has space",
        "café",
        "名字。",
        "ｆｕｌｌ",
        "tab\there",
        "emoji😀",
        "a.b",
    ]
    .map(String::from)
    .to_vec();
    names.push("N".repeat(256));
    names
}

/// Ids that break the id rule, for any id field.
fn invalid_ids() -> Vec<String> {
    vec![
        "has space".into(),
        "x".repeat(129),
        "clüster".into(),
        "tab\tid".into(),
    ]
}

/// Well-formed template ids that are not in the catalogue.
fn unknown_templates() -> Vec<String> {
    vec![
        "3F6B2C1A-7D4E-4A8B-9C0D-1E2F3A4B5C01".into(),
        "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c09".into(),
        "tpl-unknown".into(),
    ]
}

// ---------------------------------------------------------------------------------------------
// The reference model
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
struct MJob {
    account: usize,
    cluster: String,
    id: String,
    seq: u64,
    name: String,
    template: usize,
    input: String,
    output: String,
    created: DateTime<Utc>,
    last_start: Option<DateTime<Utc>>,
    last_stop: Option<DateTime<Utc>>,
    last_op: DateTime<Utc>,
    running: bool,
}

/// The error the model expects, with what it names.
#[derive(Clone, Debug, PartialEq)]
enum MErr {
    Missing(&'static str),
    Invalid(&'static str),
    Forbidden,
    JobNotFound { cluster: String, job: String },
    TemplateNotFound(String),
    Denied(&'static str),
    TaskExceed,
    QuotaExceed,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mutation {
    Updated,
    Started,
    Stopped,
}

/// The success the model expects.
#[derive(Clone, Debug)]
enum Done {
    Created(MJob),
    Changed(String, Mutation),
    Deleted(String),
    Job(MJob),
    Jobs { total: usize, page: Vec<MJob> },
    Template(usize),
    Templates { total: usize, page: Vec<usize> },
}

#[derive(Clone, Debug)]
struct Model {
    /// Whether the engine is strict (`Config::strict`).
    strict: bool,
    now: DateTime<Utc>,
    /// Calls answered so far (each gets a request id).
    calls: u64,
    /// Jobs created so far (the job id counter).
    created: u64,
    /// Live jobs, in creation order.
    jobs: Vec<MJob>,
    /// Deleted jobs: (account, cluster, id).
    retired: Vec<(usize, String, String)>,
    /// What the last transition should answer.
    expect: Option<Result<Done, MErr>>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum RefOp {
    Get,
    Start,
    Stop,
    Delete,
}

#[derive(Clone, Debug)]
enum Call {
    Create(CreateEdgeTranscodeJobRequest),
    Job {
        op: RefOp,
        cluster_id: Option<String>,
        job_id: Option<String>,
    },
    Update(UpdateEdgeTranscodeJobRequest),
    List(ListEdgeTranscodeJobRequest),
    GetTemplate(GetEdgeTranscodeTemplateRequest),
    ListTemplates(ListEdgeTranscodeTemplateRequest),
}

#[derive(Clone, Debug)]
struct Step {
    /// How far the clock moves before the call.
    advance: TimeDelta,
    account: usize,
    call: Call,
}

/// Collects validation problems in field order: the first missing field wins, else the first
/// malformed one.
#[derive(Default)]
struct V {
    missing: Option<&'static str>,
    invalid: Option<&'static str>,
}

impl V {
    fn miss(&mut self, field: &'static str) {
        self.missing.get_or_insert(field);
    }
    fn bad(&mut self, field: &'static str) {
        self.invalid.get_or_insert(field);
    }
    /// Absent or empty is missing.
    fn required(&mut self, field: &'static str, raw: &Option<String>, ok: impl Fn(&str) -> bool) {
        match raw.as_deref() {
            None | Some("") => self.miss(field),
            Some(text) if !ok(text) => self.bad(field),
            Some(_) => {}
        }
    }
    /// Absent is fine, present and empty is malformed.
    fn optional(&mut self, field: &'static str, raw: &Option<String>, ok: impl Fn(&str) -> bool) {
        match raw.as_deref() {
            None => {}
            Some("") => self.bad(field),
            Some(text) if !ok(text) => self.bad(field),
            Some(_) => {}
        }
    }
    /// Absent or empty means no filter.
    fn filter(&mut self, field: &'static str, raw: &Option<String>, ok: fn(&str) -> bool) {
        if let Some(text) = filter(raw)
            && !ok(text)
        {
            self.bad(field);
        }
    }
    fn number(&mut self, field: &'static str, raw: Option<i64>, lo: i64, hi: i64) {
        if raw.is_some_and(|n| !(lo..=hi).contains(&n)) {
            self.bad(field);
        }
    }
    fn finish(self) -> Result<(), MErr> {
        match (self.missing, self.invalid) {
            (Some(field), _) => Err(MErr::Missing(field)),
            (None, Some(field)) => Err(MErr::Invalid(field)),
            (None, None) => Ok(()),
        }
    }
}

fn filter(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().filter(|t| !t.is_empty())
}

fn text(raw: &Option<String>) -> String {
    raw.clone().unwrap()
}

fn forbid(account: usize) -> Result<(), MErr> {
    if entitled(account) {
        Ok(())
    } else {
        Err(MErr::Forbidden)
    }
}

fn template_index(id: &str) -> Option<usize> {
    CATALOGUE.iter().position(|t| t.id == id)
}

fn keyword_matches(keyword: &str, id: &str, name: &str) -> bool {
    id == keyword || name.to_lowercase().contains(&keyword.to_lowercase())
}

fn paged<T: Clone>(hits: &[T], number: Option<i64>, size: Option<i64>) -> Vec<T> {
    let number = u128::try_from(number.unwrap_or(1)).unwrap();
    let size = u128::try_from(size.unwrap_or(10)).unwrap();
    let total = hits.len() as u128;
    let start = ((number - 1) * size).min(total);
    let end = (start + size).min(total);
    hits[start as usize..end as usize].to_vec()
}

impl Model {
    fn new(strict: bool) -> Self {
        Self {
            strict,
            now: utc(START),
            calls: 0,
            created: 0,
            jobs: Vec::new(),
            retired: Vec::new(),
            expect: None,
        }
    }

    fn find(&self, account: usize, cluster: &str, id: &str) -> Result<usize, MErr> {
        self.jobs
            .iter()
            .position(|j| j.account == account && j.cluster == cluster && j.id == id)
            .ok_or_else(|| MErr::JobNotFound {
                cluster: cluster.to_owned(),
                job: id.to_owned(),
            })
    }

    fn holds(&self, account: usize) -> usize {
        self.jobs.iter().filter(|j| j.account == account).count()
    }

    fn runs(&self, account: usize) -> usize {
        self.jobs
            .iter()
            .filter(|j| j.account == account && j.running)
            .count()
    }

    /// The whole list a `ListEdgeTranscodeJob` would page through.
    fn visible(
        &self,
        account: usize,
        cluster: &str,
        keyword: Option<&str>,
        status: Option<i64>,
        kind: Option<&str>,
        asc: bool,
    ) -> Vec<MJob> {
        let horizon = self.now - TimeDelta::days(WINDOW_DAYS);
        let mut hits: Vec<MJob> = self
            .jobs
            .iter()
            .filter(|j| j.account == account && j.cluster == cluster)
            .filter(|j| j.last_op >= horizon)
            .filter(|j| status.is_none_or(|s| (s == 1) == j.running))
            .filter(|j| kind.is_none_or(|k| CATALOGUE[j.template].kind == k))
            .filter(|j| keyword.is_none_or(|k| keyword_matches(k, &j.id, &j.name)))
            .cloned()
            .collect();
        // By CreateTime as shown (whole seconds), then creation order.
        hits.sort_by_key(|j| (j.created.timestamp(), j.seq));
        if !asc {
            hits.reverse();
        }
        hits
    }

    fn run(&mut self, account: usize, call: &Call) -> Result<Done, MErr> {
        let now = self.now;
        let strict = self.strict;
        let id_ok = |text: &str| id_ok(text, strict);
        let input_ok = |text: &str| input_ok(text, strict);
        let output_ok = |text: &str| output_ok(text, strict);
        match call {
            Call::Create(r) => {
                let mut v = V::default();
                v.required("ClusterId", &r.cluster_id, id_ok);
                v.required("Name", &r.name, name_ok);
                v.required("TemplateId", &r.template_id, id_ok);
                v.required("StreamInput", &r.stream_input, input_ok);
                v.required("StreamOutput", &r.stream_output, output_ok);
                v.finish()?;
                forbid(account)?;
                let tid = text(&r.template_id);
                let template = template_index(&tid).ok_or(MErr::TemplateNotFound(tid))?;
                if self.holds(account) >= MAX_JOBS {
                    return Err(MErr::QuotaExceed);
                }
                let job = MJob {
                    account,
                    cluster: text(&r.cluster_id),
                    id: expected_job_id(self.created),
                    seq: self.created,
                    name: text(&r.name),
                    template,
                    input: text(&r.stream_input),
                    output: text(&r.stream_output),
                    created: now,
                    last_start: None,
                    last_stop: None,
                    last_op: now,
                    running: false,
                };
                self.created += 1;
                self.jobs.push(job.clone());
                Ok(Done::Created(job))
            }
            Call::Job {
                op,
                cluster_id,
                job_id,
            } => {
                let mut v = V::default();
                v.required("ClusterId", cluster_id, id_ok);
                v.required("JobId", job_id, id_ok);
                v.finish()?;
                forbid(account)?;
                let i = self.find(account, &text(cluster_id), &text(job_id))?;
                let running_here = self.runs(account);
                let job = &mut self.jobs[i];
                match op {
                    RefOp::Get => Ok(Done::Job(job.clone())),
                    RefOp::Start => {
                        if job.running {
                            return Err(MErr::Denied(ALREADY_RUNNING));
                        }
                        if running_here >= MAX_RUNNING {
                            return Err(MErr::TaskExceed);
                        }
                        job.running = true;
                        job.last_start = Some(now);
                        job.last_op = now;
                        Ok(Done::Changed(job.id.clone(), Mutation::Started))
                    }
                    RefOp::Stop => {
                        if !job.running {
                            return Err(MErr::Denied(NOT_RUNNING));
                        }
                        job.running = false;
                        job.last_stop = Some(now);
                        job.last_op = now;
                        Ok(Done::Changed(job.id.clone(), Mutation::Stopped))
                    }
                    RefOp::Delete => {
                        // Whether a running job may be deleted, the docs do not say: only a
                        // strict engine refuses it.
                        if job.running && strict {
                            return Err(MErr::Denied(DELETE_RUNNING));
                        }
                        let gone = self.jobs.remove(i);
                        self.retired
                            .push((gone.account, gone.cluster, gone.id.clone()));
                        Ok(Done::Deleted(gone.id))
                    }
                }
            }
            Call::Update(r) => {
                let mut v = V::default();
                v.required("ClusterId", &r.cluster_id, id_ok);
                v.required("JobId", &r.job_id, id_ok);
                v.optional("Name", &r.name, name_ok);
                v.optional("TemplateId", &r.template_id, id_ok);
                v.optional("StreamInput", &r.stream_input, input_ok);
                v.optional("StreamOutput", &r.stream_output, output_ok);
                v.finish()?;
                forbid(account)?;
                let i = self.find(account, &text(&r.cluster_id), &text(&r.job_id))?;
                if self.jobs[i].running {
                    return Err(MErr::Denied(UPDATE_RUNNING));
                }
                let template = match &r.template_id {
                    Some(tid) => {
                        Some(template_index(tid).ok_or(MErr::TemplateNotFound(tid.clone()))?)
                    }
                    None => None,
                };
                let job = &mut self.jobs[i];
                if let Some(name) = &r.name {
                    job.name.clone_from(name);
                }
                if let Some(t) = template {
                    job.template = t;
                }
                if let Some(url) = &r.stream_input {
                    job.input.clone_from(url);
                }
                if let Some(url) = &r.stream_output {
                    job.output.clone_from(url);
                }
                job.last_op = now;
                Ok(Done::Changed(job.id.clone(), Mutation::Updated))
            }
            Call::List(r) => {
                let mut v = V::default();
                v.required("ClusterId", &r.cluster_id, id_ok);
                v.filter("Keyword", &r.keyword, keyword_ok);
                v.number("Status", r.status, 0, 1);
                v.filter("Type", &r.transcode_type, type_ok);
                v.number("PageNo", r.page_no, 1, 2_147_483_647);
                v.number("PageSize", r.page_size, 1, 100);
                v.filter("SortBy", &r.sort_by, sort_ok);
                v.finish()?;
                forbid(account)?;
                let hits = self.visible(
                    account,
                    &text(&r.cluster_id),
                    filter(&r.keyword),
                    r.status,
                    filter(&r.transcode_type),
                    filter(&r.sort_by) == Some("asc"),
                );
                Ok(Done::Jobs {
                    total: hits.len(),
                    page: paged(&hits, r.page_no, r.page_size),
                })
            }
            Call::GetTemplate(r) => {
                let mut v = V::default();
                v.required("ClusterId", &r.cluster_id, id_ok);
                v.required("TemplateId", &r.template_id, id_ok);
                v.finish()?;
                forbid(account)?;
                let tid = text(&r.template_id);
                template_index(&tid)
                    .map(Done::Template)
                    .ok_or(MErr::TemplateNotFound(tid))
            }
            Call::ListTemplates(r) => {
                let mut v = V::default();
                v.required("ClusterId", &r.cluster_id, id_ok);
                v.filter("Keyword", &r.keyword, keyword_ok);
                v.filter("Type", &r.transcode_type, type_ok);
                v.filter("VideoCodec", &r.video_codec, codec_ok);
                v.number("PageNo", r.page_no, 1, 2_147_483_647);
                v.number("PageSize", r.page_size, 1, 100);
                v.filter("SortBy", &r.sort_by, sort_ok);
                v.finish()?;
                forbid(account)?;
                let (keyword, kind, codec) = (
                    filter(&r.keyword),
                    filter(&r.transcode_type),
                    filter(&r.video_codec),
                );
                let mut hits: Vec<usize> = (0..CATALOGUE.len())
                    .filter(|&i| kind.is_none_or(|k| CATALOGUE[i].kind == k))
                    .filter(|&i| codec.is_none_or(|c| CATALOGUE[i].codec == c))
                    .filter(|&i| {
                        keyword
                            .is_none_or(|k| keyword_matches(k, CATALOGUE[i].id, CATALOGUE[i].name))
                    })
                    .collect();
                hits.sort_by_key(|&i| (utc(CATALOGUE[i].created), CATALOGUE[i].id));
                if filter(&r.sort_by) != Some("asc") {
                    hits.reverse();
                }
                Ok(Done::Templates {
                    total: hits.len(),
                    page: paged(&hits, r.page_no, r.page_size),
                })
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

fn some(values: Vec<String>) -> BoxedStrategy<Option<String>> {
    select(values).prop_map(Some).boxed()
}

fn account() -> BoxedStrategy<usize> {
    prop_oneof![8 => Just(0usize), 3 => Just(1usize), 1 => Just(2usize)].boxed()
}

fn other_cluster(cluster: &str) -> String {
    if cluster == CLUSTERS[0] {
        CLUSTERS[1].to_owned()
    } else {
        CLUSTERS[0].to_owned()
    }
}

/// A required id field gone wrong: absent, empty or malformed.
fn broken_id() -> BoxedStrategy<Option<String>> {
    prop_oneof![Just(None), Just(Some(String::new())), some(invalid_ids()),].boxed()
}

fn cluster_field() -> BoxedStrategy<Option<String>> {
    prop_oneof![
        14 => some(CLUSTERS.map(String::from).to_vec()),
        1 => Just(Some(SPARE_CLUSTER.to_owned())),
        1 => broken_id(),
    ]
    .boxed()
}

fn valid_template() -> BoxedStrategy<String> {
    select(
        CATALOGUE
            .iter()
            .map(|t| t.id.to_owned())
            .collect::<Vec<_>>(),
    )
    .boxed()
}

fn valid_inputs() -> Vec<String> {
    url_table()
        .into_iter()
        .filter(|u| u.1)
        .map(|u| u.0)
        .collect()
}

fn valid_outputs() -> Vec<String> {
    url_table()
        .into_iter()
        .filter(|u| u.2)
        .map(|u| u.0)
        .collect()
}

fn all_urls() -> Vec<String> {
    url_table().into_iter().map(|u| u.0).collect()
}

/// Any URL of the table; mostly ones valid for the field.
fn url_field(output: bool) -> BoxedStrategy<String> {
    let valid = if output {
        valid_outputs()
    } else {
        valid_inputs()
    };
    prop_oneof![4 => select(valid), 1 => select(all_urls())].boxed()
}

fn template_field() -> BoxedStrategy<Option<String>> {
    prop_oneof![
        12 => valid_template().prop_map(Some),
        1 => some(unknown_templates()),
        1 => broken_id(),
    ]
    .boxed()
}

fn required(valid: BoxedStrategy<String>) -> BoxedStrategy<Option<String>> {
    prop_oneof![
        20 => valid.prop_map(Some),
        1 => Just(None),
        1 => Just(Some(String::new())),
    ]
    .boxed()
}

fn name_field() -> BoxedStrategy<Option<String>> {
    prop_oneof![
        16 => select(valid_names()).prop_map(Some),
        1 => some(invalid_names()),
        1 => Just(None),
        1 => Just(Some(String::new())),
    ]
    .boxed()
}

fn create_call() -> BoxedStrategy<(usize, Call)> {
    let cluster = prop_oneof![3 => Just(CLUSTERS[0].to_owned()), 1 => Just(CLUSTERS[1].to_owned())];
    let valid = (
        account(),
        cluster,
        select(valid_names()),
        valid_template(),
        select(valid_inputs()),
        select(valid_outputs()),
    )
        .prop_map(|(a, c, n, t, i, o)| {
            (
                a,
                Call::Create(CreateEdgeTranscodeJobRequest {
                    cluster_id: Some(c),
                    name: Some(n),
                    template_id: Some(t),
                    stream_input: Some(i),
                    stream_output: Some(o),
                }),
            )
        });
    let mixed = (
        account(),
        cluster_field(),
        name_field(),
        template_field(),
        required(url_field(false)),
        required(url_field(true)),
    )
        .prop_map(|(a, c, n, t, i, o)| {
            (
                a,
                Call::Create(CreateEdgeTranscodeJobRequest {
                    cluster_id: c,
                    name: n,
                    template_id: t,
                    stream_input: i,
                    stream_output: o,
                }),
            )
        });
    prop_oneof![3 => valid, 2 => mixed].boxed()
}

type Target = (usize, Option<String>, Option<String>);

/// One weighted option of a `Union`.
type Weighted<T> = (u32, BoxedStrategy<T>);

/// Who calls, with which cluster and job id: mostly a live job as its owner sees it, and
/// then preferably one whose `running` is `prefer`.
fn job_target(m: &Model, prefer: Option<bool>) -> BoxedStrategy<Target> {
    let live: Vec<(usize, String, String)> = m
        .jobs
        .iter()
        .map(|j| (j.account, j.cluster.clone(), j.id.clone()))
        .collect();
    let preferred: Vec<(usize, String, String)> = m
        .jobs
        .iter()
        .filter(|j| prefer == Some(j.running))
        .map(|j| (j.account, j.cluster.clone(), j.id.clone()))
        .collect();
    let mut options: Vec<Weighted<Target>> = Vec::new();
    if !preferred.is_empty() {
        options.push((
            16,
            select(preferred)
                .prop_map(|(a, c, j)| (a, Some(c), Some(j)))
                .boxed(),
        ));
    }
    if !live.is_empty() {
        options.push((
            16,
            select(live.clone())
                .prop_map(|(a, c, j)| (a, Some(c), Some(j)))
                .boxed(),
        ));
        // Another account asks for it.
        options.push((
            2,
            (select(live.clone()), 1usize..3)
                .prop_map(|((a, c, j), k)| ((a + k) % 3, Some(c), Some(j)))
                .boxed(),
        ));
        // The owner asks in the wrong cluster.
        options.push((
            2,
            select(live)
                .prop_map(|(a, c, j)| (a, Some(other_cluster(&c)), Some(j)))
                .boxed(),
        ));
    }
    if !m.retired.is_empty() {
        options.push((
            2,
            select(m.retired.clone())
                .prop_map(|(a, c, j)| (a, Some(c), Some(j)))
                .boxed(),
        ));
    }
    options.push((
        1,
        (account(), cluster_field())
            .prop_map(|(a, c)| (a, c, Some(UNKNOWN_JOB.to_owned())))
            .boxed(),
    ));
    options.push((
        1,
        (account(), cluster_field(), broken_id())
            .prop_map(|(a, c, j)| (a, c, j))
            .boxed(),
    ));
    Union::new_weighted(options).boxed()
}

fn job_call(m: &Model, op: RefOp) -> BoxedStrategy<(usize, Call)> {
    let prefer = match op {
        RefOp::Get => None,
        RefOp::Start | RefOp::Delete => Some(false),
        RefOp::Stop => Some(true),
    };
    job_target(m, prefer)
        .prop_map(move |(a, cluster_id, job_id)| {
            (
                a,
                Call::Job {
                    op,
                    cluster_id,
                    job_id,
                },
            )
        })
        .boxed()
}

/// An optional Update field: mostly absent or valid, sometimes empty or malformed.
fn change(
    valid: BoxedStrategy<String>,
    invalid: BoxedStrategy<String>,
) -> BoxedStrategy<Option<String>> {
    prop_oneof![
        6 => Just(None),
        4 => valid.prop_map(Some),
        1 => Just(Some(String::new())),
        1 => invalid.prop_map(Some),
    ]
    .boxed()
}

fn update_call(m: &Model) -> BoxedStrategy<(usize, Call)> {
    let template_invalid = prop_oneof![select(unknown_templates()), select(invalid_ids())].boxed();
    (
        job_target(m, Some(false)),
        change(
            select(valid_names()).boxed(),
            select(invalid_names()).boxed(),
        ),
        change(valid_template(), template_invalid),
        change(select(valid_inputs()).boxed(), select(all_urls()).boxed()),
        change(select(valid_outputs()).boxed(), select(all_urls()).boxed()),
    )
        .prop_map(|((a, cluster_id, job_id), name, template_id, i, o)| {
            (
                a,
                Call::Update(UpdateEdgeTranscodeJobRequest {
                    cluster_id,
                    job_id,
                    name,
                    template_id,
                    stream_input: i,
                    stream_output: o,
                }),
            )
        })
        .boxed()
}

/// A piece of one of `names`, in its case or upper case.
fn piece_of(names: Vec<String>) -> BoxedStrategy<Option<String>> {
    (select(names), any::<Index>(), any::<Index>(), any::<bool>())
        .prop_map(|(name, a, b, upper)| {
            let chars: Vec<char> = name.chars().collect();
            let (x, y) = (a.index(chars.len() + 1), b.index(chars.len() + 1));
            let piece: String = chars[x.min(y)..x.max(y)].iter().collect();
            Some(if upper { piece.to_uppercase() } else { piece })
        })
        .boxed()
}

fn keyword_field(names: Vec<String>, ids: Vec<String>) -> BoxedStrategy<Option<String>> {
    let mut options: Vec<Weighted<Option<String>>> = vec![
        (16, Just(None).boxed()),
        (1, Just(Some(String::new())).boxed()),
        (
            1,
            some(
                ["zzz", "NEWS", "直播", "_", "-", "job", "h265"]
                    .map(String::from)
                    .to_vec(),
            ),
        ),
        (
            1,
            some(vec![
                "k".repeat(256),
                "k".repeat(255),
                "a\u{7}b".into(),
                "\n".into(),
            ]),
        ),
    ];
    if !names.is_empty() {
        options.push((4, piece_of(names)));
    }
    if !ids.is_empty() {
        options.push((2, some(ids.clone())));
        // An id in the wrong case is not the id.
        options.push((
            1,
            select(ids).prop_map(|id| Some(id.to_uppercase())).boxed(),
        ));
    }
    Union::new_weighted(options).boxed()
}

fn filter_field(valid: &[&str], invalid: &[&str]) -> BoxedStrategy<Option<String>> {
    prop_oneof![
        10 => Just(None),
        1 => Just(Some(String::new())),
        3 => some(valid.iter().map(|s| (*s).to_owned()).collect()),
        1 => some(invalid.iter().map(|s| (*s).to_owned()).collect()),
    ]
    .boxed()
}

fn page_no() -> BoxedStrategy<Option<i64>> {
    prop_oneof![
        8 => Just(None),
        4 => (1i64..=3).prop_map(Some),
        1 => select(vec![0i64, -1, 2_147_483_647, 2_147_483_648, i64::MIN]).prop_map(Some),
    ]
    .boxed()
}

fn page_size() -> BoxedStrategy<Option<i64>> {
    prop_oneof![
        6 => Just(None),
        5 => (1i64..=4).prop_map(Some),
        1 => Just(Some(100i64)),
        1 => select(vec![0i64, 101, -5, i64::MAX]).prop_map(Some),
    ]
    .boxed()
}

fn sort_field() -> BoxedStrategy<Option<String>> {
    filter_field(&["asc", "desc"], &["ASC", "newest"])
}

fn type_field() -> BoxedStrategy<Option<String>> {
    filter_field(
        &["common", "nbhd-2", "ultra-hd"],
        &["Common", "nbhd2", "ultra_hd"],
    )
}

fn list_call(m: &Model) -> BoxedStrategy<(usize, Call)> {
    let names = m.jobs.iter().map(|j| j.name.clone()).collect();
    let ids = m
        .jobs
        .iter()
        .map(|j| j.id.clone())
        .chain(m.retired.iter().map(|r| r.2.clone()))
        .collect();
    let status = prop_oneof![
        10 => Just(None),
        4 => (0i64..=1).prop_map(Some),
        1 => select(vec![2i64, -1, i64::MAX]).prop_map(Some),
    ];
    // Mostly where some job lives, as its owner.
    let mut whose: Vec<Weighted<(usize, Option<String>)>> =
        vec![(1, (account(), cluster_field()).boxed())];
    if !m.jobs.is_empty() {
        let places: Vec<(usize, String)> = m
            .jobs
            .iter()
            .map(|j| (j.account, j.cluster.clone()))
            .collect();
        whose.push((3, select(places).prop_map(|(a, c)| (a, Some(c))).boxed()));
    }
    (
        Union::new_weighted(whose),
        keyword_field(names, ids),
        status,
        type_field(),
        page_no(),
        page_size(),
        sort_field(),
    )
        .prop_map(|((a, c), k, s, t, no, size, sort)| {
            (
                a,
                Call::List(ListEdgeTranscodeJobRequest {
                    cluster_id: c,
                    keyword: k,
                    status: s,
                    transcode_type: t,
                    page_no: no,
                    page_size: size,
                    sort_by: sort,
                }),
            )
        })
        .boxed()
}

fn get_template_call() -> BoxedStrategy<(usize, Call)> {
    (account(), cluster_field(), template_field())
        .prop_map(|(a, c, t)| {
            (
                a,
                Call::GetTemplate(GetEdgeTranscodeTemplateRequest {
                    cluster_id: c,
                    template_id: t,
                }),
            )
        })
        .boxed()
}

fn list_templates_call() -> BoxedStrategy<(usize, Call)> {
    let names = CATALOGUE.iter().map(|t| t.name.to_owned()).collect();
    let ids = CATALOGUE.iter().map(|t| t.id.to_owned()).collect();
    (
        account(),
        cluster_field(),
        keyword_field(names, ids),
        type_field(),
        filter_field(&["H.264", "H.265"], &["h.264", "AV1", "H264"]),
        page_no(),
        page_size(),
        sort_field(),
    )
        .prop_map(|(a, c, k, t, codec, no, size, sort)| {
            (
                a,
                Call::ListTemplates(ListEdgeTranscodeTemplateRequest {
                    cluster_id: c,
                    keyword: k,
                    transcode_type: t,
                    video_codec: codec,
                    page_no: no,
                    page_size: size,
                    sort_by: sort,
                }),
            )
        })
        .boxed()
}

/// Mostly a few whole seconds, sometimes with a fraction, rarely a jump of months (to cross
/// the 180-day List window).
fn advance() -> BoxedStrategy<TimeDelta> {
    prop_oneof![
        60 => (0i64..=5).prop_map(TimeDelta::seconds),
        20 => (0i64..=3, 1u32..1_000_000_000)
            .prop_map(|(s, n)| TimeDelta::new(s, n).unwrap()),
        1 => select(vec![
            TimeDelta::days(90),
            TimeDelta::days(WINDOW_DAYS),
            TimeDelta::days(WINDOW_DAYS) + TimeDelta::nanoseconds(1),
            TimeDelta::days(WINDOW_DAYS) - TimeDelta::seconds(1),
            TimeDelta::days(WINDOW_DAYS) + TimeDelta::seconds(1),
        ]),
    ]
    .boxed()
}

struct EdgeMachine;

impl ReferenceStateMachine for EdgeMachine {
    type State = Model;
    type Transition = Step;

    fn init_state() -> BoxedStrategy<Model> {
        any::<bool>().prop_map(Model::new).boxed()
    }

    fn transitions(m: &Model) -> BoxedStrategy<Step> {
        // Creates come often until the accounts hold a few jobs.
        let creates = if m.jobs.len() < 2 * MAX_JOBS - 2 {
            10
        } else {
            4
        };
        let call = Union::new_weighted(vec![
            (creates, create_call()),
            (3, job_call(m, RefOp::Get)),
            (5, job_call(m, RefOp::Start)),
            (3, job_call(m, RefOp::Stop)),
            (3, update_call(m)),
            (3, job_call(m, RefOp::Delete)),
            (4, list_call(m)),
            (1, get_template_call()),
            (1, list_templates_call()),
        ]);
        let step = (advance(), call)
            .prop_map(|(advance, (account, call))| Step {
                advance,
                account,
                call,
            })
            .boxed();
        // Now and then the clock lands on (or just past) the end of a job's List window and
        // its owner lists the cluster.
        let edges: Vec<(usize, String, TimeDelta)> = m
            .jobs
            .iter()
            .map(|j| {
                (
                    j.account,
                    j.cluster.clone(),
                    j.last_op + TimeDelta::days(WINDOW_DAYS) - m.now,
                )
            })
            .filter(|(_, _, d)| *d >= TimeDelta::zero())
            .collect();
        if edges.is_empty() {
            return step;
        }
        let edge = (select(edges), select(vec![0i64, 1]))
            .prop_map(|((account, cluster, d), past)| Step {
                advance: d + TimeDelta::nanoseconds(past),
                account,
                call: Call::List(ListEdgeTranscodeJobRequest {
                    cluster_id: Some(cluster),
                    ..Default::default()
                }),
            })
            .boxed();
        prop_oneof![40 => step, 1 => edge].boxed()
    }

    fn apply(mut m: Model, step: &Step) -> Model {
        m.now += step.advance;
        m.calls += 1;
        let expect = m.run(step.account, &step.call);
        m.expect = Some(expect);
        m
    }
}

// ---------------------------------------------------------------------------------------------
// The system under test and the checks
// ---------------------------------------------------------------------------------------------

struct Sut {
    engine: Engine,
    /// Every event drained so far, oldest first.
    log: Vec<Event>,
    request_ids: HashSet<String>,
    last_now: Option<DateTime<Utc>>,
}

#[derive(Debug)]
enum Answer {
    JobId(JobIdResponse),
    Deleted(String),
    Job(GetJobResponse),
    Jobs(ListJobsResponse),
    Template(GetTemplateResponse),
    Templates(ListTemplatesResponse),
}

impl Answer {
    fn request_id(&self) -> &str {
        match self {
            Self::JobId(r) => &r.request_id,
            Self::Deleted(r) => r,
            Self::Job(r) => &r.request_id,
            Self::Jobs(r) => &r.request_id,
            Self::Template(r) => &r.request_id,
            Self::Templates(r) => &r.request_id,
        }
    }
}

fn send(
    engine: &mut Engine,
    account: usize,
    call: &Call,
    now: DateTime<Utc>,
) -> Result<Answer, Rejection> {
    let a = account_id(account);
    match call {
        Call::Create(r) => engine
            .create_edge_transcode_job(&a, r, now)
            .map(Answer::JobId),
        Call::Job {
            op,
            cluster_id,
            job_id,
        } => {
            let (cluster_id, job_id) = (cluster_id.clone(), job_id.clone());
            match op {
                RefOp::Get => engine
                    .get_edge_transcode_job(
                        &a,
                        &GetEdgeTranscodeJobRequest { cluster_id, job_id },
                        now,
                    )
                    .map(Answer::Job),
                RefOp::Start => engine
                    .start_edge_transcode_job(
                        &a,
                        &StartEdgeTranscodeJobRequest { cluster_id, job_id },
                        now,
                    )
                    .map(Answer::JobId),
                RefOp::Stop => engine
                    .stop_edge_transcode_job(
                        &a,
                        &StopEdgeTranscodeJobRequest { cluster_id, job_id },
                        now,
                    )
                    .map(Answer::JobId),
                RefOp::Delete => engine
                    .delete_edge_transcode_job(
                        &a,
                        &DeleteEdgeTranscodeJobRequest { cluster_id, job_id },
                        now,
                    )
                    .map(|r| Answer::Deleted(r.request_id.into())),
            }
        }
        Call::Update(r) => engine
            .update_edge_transcode_job(&a, r, now)
            .map(Answer::JobId),
        Call::List(r) => engine.list_edge_transcode_job(&a, r, now).map(Answer::Jobs),
        Call::GetTemplate(r) => engine
            .get_edge_transcode_template(&a, r, now)
            .map(Answer::Template),
        Call::ListTemplates(r) => engine
            .list_edge_transcode_template(&a, r, now)
            .map(Answer::Templates),
    }
}

/// A job as Get and List show it, against the model's job.
fn assert_view(view: &JobView, job: &MJob) {
    let t = &CATALOGUE[job.template];
    assert_eq!(view.job_id.as_str(), job.id, "JobId");
    assert_eq!(view.name.as_str(), job.name, "Name of {}", job.id);
    assert_eq!(
        view.status.as_str(),
        if job.running { "1" } else { "0" },
        "Status of {}",
        job.id
    );
    assert_eq!(view.template_id.as_str(), t.id, "TemplateId of {}", job.id);
    assert_eq!(view.template_name, t.name, "TemplateName of {}", job.id);
    assert_eq!(view.transcode_type.as_str(), t.kind, "Type of {}", job.id);
    assert_eq!(
        view.stream_input.as_str(),
        job.input,
        "StreamInput of {}",
        job.id
    );
    assert_eq!(
        view.stream_output.as_str(),
        job.output,
        "StreamOutput of {}",
        job.id
    );
    assert_eq!(view.create_time, job.created, "CreateTime of {}", job.id);
    assert_eq!(
        view.last_start_at, job.last_start,
        "LastStartAt of {}",
        job.id
    );
    assert_eq!(view.last_stop_at, job.last_stop, "LastStopAt of {}", job.id);
    // On the wire: whole seconds, and the last start/stop absent until they happen.
    let body = serde_json::to_value(view).unwrap();
    assert_eq!(body["CreateTime"], wire_time(&job.created));
    assert_eq!(body["Status"], if job.running { "1" } else { "0" });
    for (key, at) in [
        ("LastStartAt", job.last_start),
        ("LastStopAt", job.last_stop),
    ] {
        match at {
            Some(at) => assert_eq!(body[key], wire_time(&at), "{key} of {}", job.id),
            None => assert!(body.get(key).is_none(), "{key} of {} is sent", job.id),
        }
    }
}

fn assert_template(got: &Template, i: usize) {
    let t = &CATALOGUE[i];
    assert_eq!(got.template_id.as_str(), t.id);
    assert_eq!(got.name, t.name);
    assert_eq!(got.transcode_type.as_str(), t.kind);
    assert_eq!(got.codec.as_str(), t.codec);
    assert_eq!(got.bitrate, t.bitrate);
    assert_eq!(got.fps, t.fps);
    assert_eq!(got.gop, t.gop);
    assert_eq!(got.resolution, t.resolution);
    assert_eq!(got.create_time, utc(t.created));
}

/// The refusal against the model's error: code, what it names, status, message, body.
fn assert_rejection(r: &Rejection, want: &MErr) {
    let (code, status) = match want {
        MErr::Missing(_) => ("MissingParameter", 400),
        MErr::Invalid(_) => ("InvalidParameter", 400),
        MErr::Forbidden => ("Forbidden", 403),
        MErr::JobNotFound { .. } => ("JobNotFound", 404),
        MErr::TemplateNotFound(_) => ("TemplateNotFound", 404),
        MErr::Denied(_) => ("OperationDenied", 403),
        MErr::TaskExceed => ("UserTaskExceed", 400),
        MErr::QuotaExceed => ("UserQuotaExceed", 403),
    };
    assert_eq!(r.code(), code, "expected {want:?}, got {:?}", r.error);
    assert_eq!(r.http_status(), status, "status of {code}");
    let message = r.to_string();
    match want {
        MErr::Missing(field) => {
            assert!(
                matches!(&r.error, ApiError::MissingParameter { field: f } if f == field),
                "expected {want:?}, got {:?}",
                r.error
            );
            assert_eq!(
                message,
                format!(
                    "The input parameter \"{field}\" that is mandatory for processing this request is not supplied."
                )
            );
        }
        MErr::Invalid(field) => {
            assert!(
                matches!(&r.error, ApiError::InvalidParameter { field: f, .. } if f == field),
                "expected {want:?}, got {:?}",
                r.error
            );
            assert!(message.starts_with(&format!("The parameter \"{field}\" is invalid: ")));
            assert!(message.ends_with('.'));
        }
        MErr::Forbidden => assert_eq!(
            message,
            "The account has no permission to use edge transcoding, please check and try again later."
        ),
        MErr::JobNotFound { cluster, job } => {
            assert!(
                matches!(&r.error, ApiError::JobNotFound { cluster_id, job_id }
                    if cluster_id == cluster && job_id == job),
                "expected {want:?}, got {:?}",
                r.error
            );
            assert_eq!(
                message,
                format!(
                    "The job {job} does not exist in cluster {cluster}, please check and try again later."
                )
            );
        }
        MErr::TemplateNotFound(id) => {
            assert_eq!(message, format!("The template {id} does not exist"));
        }
        MErr::Denied(reason) => {
            assert_eq!(
                message,
                format!("{reason}, please check and try again later.")
            );
        }
        MErr::TaskExceed => assert_eq!(
            message,
            format!(
                "The account already runs {MAX_RUNNING} edge transcoding jobs, the most it may, please check and try again later."
            )
        ),
        MErr::QuotaExceed => assert_eq!(
            message,
            format!("Quota exceeded: the account already holds {MAX_JOBS} edge transcoding jobs.")
        ),
    }
    let body = serde_json::to_value(r).unwrap();
    assert_eq!(body["Code"], code);
    assert_eq!(body["HostId"], HOST_ID);
    assert_eq!(body["Message"], message);
    assert_eq!(body["RequestId"], r.request_id.as_str());
    assert_eq!(
        body["Recommend"],
        format!(
            "https://api.aliyun.com/troubleshoot?q={code}&product=live&requestId={}",
            r.request_id
        )
    );
    assert_eq!(body.as_object().unwrap().len(), 5);
}

/// The one event a successful change must record.
fn the_event(events: &[Event], account: usize, now: DateTime<Utc>) -> &EdgeEvent {
    assert_eq!(events.len(), 1, "a change records one event: {events:?}");
    let event = &events[0];
    assert_eq!(event.account, account_id(account));
    assert_eq!(event.at, now);
    match &event.change {
        Change::Edge(e) => e,
        other => panic!("not an edge event: {other:?}"),
    }
}

fn check_step(sut: &mut Sut, m: &Model, step: &Step) {
    let now = m.now;
    if let Some(last) = sut.last_now {
        assert!(now >= last, "time went back");
    }
    sut.last_now = Some(now);
    let before = sut.engine.state().clone();
    let answer = send(&mut sut.engine, step.account, &step.call, now);
    let events = sut.engine.drain_events();
    sut.log.extend(events.iter().cloned());

    let request_id = match &answer {
        Result::Ok(a) => a.request_id().to_owned(),
        Err(r) => r.request_id.to_string(),
    };
    assert!(!request_id.is_empty());
    assert!(
        sut.request_ids.insert(request_id.clone()),
        "request id {request_id} was given twice"
    );

    let expect = m.expect.as_ref().unwrap();
    let unchanged = |sut: &Sut, events: &[Event]| {
        assert!(events.is_empty(), "no event expected, got {events:?}");
        assert!(sut.engine.state() == &before, "the state changed");
    };
    match (expect, answer) {
        (Err(want), Err(got)) => {
            assert_rejection(&got, want);
            unchanged(sut, &events);
        }
        (Err(want), Result::Ok(got)) => panic!("expected {want:?}, got success {got:?}"),
        (Result::Ok(want), Err(got)) => panic!(
            "expected success {want:?}, got {} {:?}",
            got.code(),
            got.error
        ),
        (Result::Ok(want), Result::Ok(got)) => match (want, got) {
            (Done::Created(job), Answer::JobId(r)) => {
                assert_eq!(r.job_id.as_str(), job.id, "the new job's id");
                assert!(
                    job.id.len() == 32
                        && job
                            .id
                            .bytes()
                            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                );
                match the_event(&events, step.account, now) {
                    EdgeEvent::JobCreated {
                        cluster_id,
                        job: new,
                    } => {
                        assert_eq!(cluster_id.as_str(), job.cluster);
                        assert_eq!(new.id.as_str(), job.id);
                        assert_eq!(new.name.as_str(), job.name);
                        assert_eq!(new.template.id.as_str(), CATALOGUE[job.template].id);
                        assert_eq!(new.stream_input.as_str(), job.input);
                        assert_eq!(new.stream_output.as_str(), job.output);
                    }
                    other => panic!("Create recorded {other:?}"),
                }
            }
            (Done::Changed(id, what), Answer::JobId(r)) => {
                assert_eq!(r.job_id.as_str(), id);
                let event = the_event(&events, step.account, now);
                let job_id = match (what, event) {
                    (Mutation::Updated, EdgeEvent::JobUpdated { job_id, .. })
                    | (Mutation::Started, EdgeEvent::JobStarted { job_id, .. })
                    | (Mutation::Stopped, EdgeEvent::JobStopped { job_id, .. }) => job_id,
                    (what, other) => panic!("{what:?} recorded {other:?}"),
                };
                assert_eq!(job_id.as_str(), id);
            }
            (Done::Deleted(id), Answer::Deleted(_)) => {
                match the_event(&events, step.account, now) {
                    EdgeEvent::JobDeleted { job_id, .. } => assert_eq!(job_id.as_str(), id),
                    other => panic!("Delete recorded {other:?}"),
                }
            }
            (Done::Job(job), Answer::Job(r)) => {
                assert_view(&r.job, job);
                unchanged(sut, &events);
            }
            (Done::Jobs { total, page }, Answer::Jobs(r)) => {
                let got: Vec<&str> = r.job_list.job.iter().map(|j| j.job_id.as_str()).collect();
                let want: Vec<&str> = page.iter().map(|j| j.id.as_str()).collect();
                assert_eq!(
                    (r.total_count, got),
                    (*total as u64, want),
                    "ListEdgeTranscodeJob TotalCount and page"
                );
                for (view, job) in r.job_list.job.iter().zip(page) {
                    assert_view(view, job);
                }
                unchanged(sut, &events);
            }
            (Done::Template(i), Answer::Template(r)) => {
                assert_template(&r.template, *i);
                unchanged(sut, &events);
            }
            (Done::Templates { total, page }, Answer::Templates(r)) => {
                let got: Vec<&str> = r
                    .template_list
                    .template
                    .iter()
                    .map(|t| t.template_id.as_str())
                    .collect();
                let want: Vec<&str> = page.iter().map(|&i| CATALOGUE[i].id).collect();
                assert_eq!(
                    (r.total_count, got),
                    (*total as u64, want),
                    "ListEdgeTranscodeTemplate TotalCount and page"
                );
                for (t, &i) in r.template_list.template.iter().zip(page) {
                    assert_template(t, i);
                }
                unchanged(sut, &events);
            }
            (want, got) => panic!("expected {want:?}, got {got:?}"),
        },
    }
}

/// Rebuilding the engine from its log, and from a JSON snapshot, gives the same state.
fn check_rebuilds(sut: &Sut, m: &Model) {
    let state = sut.engine.state();
    assert!(state.invariants_hold(), "invariants broken");

    let replayed = Engine::replay(config_of(m.strict), &sut.log).expect("the log replays");
    assert!(
        replayed.state() == state,
        "replaying the log gives another state"
    );

    let snapshot = sut.engine.snapshot();
    assert_eq!(snapshot.requests_answered, m.calls, "request counter");
    let json = serde_json::to_string(&snapshot).unwrap();
    let back: Snapshot = serde_json::from_str(&json).unwrap();
    assert!(back == snapshot, "the snapshot does not survive JSON");
    let restored = Engine::restore(config_of(m.strict), back);
    assert!(restored.state() == state, "the restored state differs");
}

impl StateMachineTest for EdgeMachine {
    type SystemUnderTest = Sut;
    type Reference = EdgeMachine;

    fn init_test(m: &Model) -> Sut {
        Sut {
            engine: Engine::new(config_of(m.strict)),
            log: Vec::new(),
            request_ids: HashSet::new(),
            last_now: None,
        }
    }

    fn apply(mut sut: Sut, m: &Model, step: Step) -> Sut {
        check_step(&mut sut, m, &step);
        sut
    }

    fn check_invariants(sut: &Sut, m: &Model) {
        check_rebuilds(sut, m);
    }

    fn teardown(mut sut: Sut, m: Model) {
        check_rebuilds(&sut, &m);
        let mut replayed = Engine::replay(config_of(m.strict), &sut.log).unwrap();
        let mut restored = Engine::restore(config_of(m.strict), sut.engine.snapshot());

        // Every job the model holds reads back the same from the replayed engine …
        for job in &m.jobs {
            let req = GetEdgeTranscodeJobRequest {
                cluster_id: Some(job.cluster.clone()),
                job_id: Some(job.id.clone()),
            };
            let got = replayed
                .get_edge_transcode_job(&account_id(job.account), &req, m.now)
                .unwrap();
            assert_view(&got.job, job);
        }
        // … and every cluster lists the same, oldest first.
        for account in 0..2 {
            for cluster in CLUSTERS.iter().copied().chain([SPARE_CLUSTER]) {
                let req = ListEdgeTranscodeJobRequest {
                    cluster_id: Some(cluster.to_owned()),
                    page_size: Some(100),
                    sort_by: Some("asc".into()),
                    ..Default::default()
                };
                let got = replayed
                    .list_edge_transcode_job(&account_id(account), &req, m.now)
                    .unwrap();
                let want = m.visible(account, cluster, None, None, None, true);
                let got_ids: Vec<&str> =
                    got.job_list.job.iter().map(|j| j.job_id.as_str()).collect();
                let want_ids: Vec<&str> = want.iter().map(|j| j.id.as_str()).collect();
                assert_eq!(got_ids, want_ids, "list of {cluster} for account {account}");
            }
        }

        // The next job id is the same from the engine, its replay and its restored snapshot;
        // the restored one also goes on with the same request ids.
        let account = (0..2).find(|&a| m.holds(a) < MAX_JOBS);
        if let Some(account) = account {
            let create = CreateEdgeTranscodeJobRequest {
                cluster_id: Some(CLUSTERS[0].into()),
                name: Some("after".into()),
                template_id: Some(CATALOGUE[0].id.into()),
                stream_input: Some("rtmp://ingest.example.com/live/news".into()),
                stream_output: Some("rtmp://push.example.com/live/news_hd".into()),
            };
            let a = account_id(account);
            let original = sut
                .engine
                .create_edge_transcode_job(&a, &create, m.now)
                .unwrap();
            let again = restored
                .create_edge_transcode_job(&a, &create, m.now)
                .unwrap();
            let rebuilt = replayed
                .create_edge_transcode_job(&a, &create, m.now)
                .unwrap();
            assert_eq!(original.job_id.as_str(), expected_job_id(m.created));
            assert_eq!(again, original);
            assert_eq!(rebuilt.job_id, original.job_id);
        }
    }
}

prop_state_machine! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn edge_jobs_follow_the_model(sequential 1..40 => EdgeMachine);
}

// ---------------------------------------------------------------------------------------------
// Arbitrary text in every field
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum AnyRequest {
    Create(CreateEdgeTranscodeJobRequest),
    Get(GetEdgeTranscodeJobRequest),
    Start(StartEdgeTranscodeJobRequest),
    Stop(StopEdgeTranscodeJobRequest),
    Delete(DeleteEdgeTranscodeJobRequest),
    Update(UpdateEdgeTranscodeJobRequest),
    List(ListEdgeTranscodeJobRequest),
    GetTemplate(GetEdgeTranscodeTemplateRequest),
    ListTemplates(ListEdgeTranscodeTemplateRequest),
}

/// The first problem by `validate()` and every problem by `validate_all()`.
fn validations(r: &AnyRequest) -> (Option<ApiError>, Vec<ApiError>) {
    fn both<T>(
        first: Result<T, ApiError>,
        all: Vec<ApiError>,
    ) -> (Option<ApiError>, Vec<ApiError>) {
        (first.err(), all)
    }
    match r {
        AnyRequest::Create(r) => both(r.validate(), r.validate_all()),
        AnyRequest::Get(r) => both(r.validate(), r.validate_all()),
        AnyRequest::Start(r) => both(r.validate(), r.validate_all()),
        AnyRequest::Stop(r) => both(r.validate(), r.validate_all()),
        AnyRequest::Delete(r) => both(r.validate(), r.validate_all()),
        AnyRequest::Update(r) => both(r.validate(), r.validate_all()),
        AnyRequest::List(r) => both(r.validate(), r.validate_all()),
        AnyRequest::GetTemplate(r) => both(r.validate(), r.validate_all()),
        AnyRequest::ListTemplates(r) => both(r.validate(), r.validate_all()),
    }
}

fn call_any(
    engine: &mut Engine,
    account: &AccountId,
    r: &AnyRequest,
    now: DateTime<Utc>,
) -> Result<(), Rejection> {
    match r {
        AnyRequest::Create(r) => engine.create_edge_transcode_job(account, r, now).map(drop),
        AnyRequest::Get(r) => engine.get_edge_transcode_job(account, r, now).map(drop),
        AnyRequest::Start(r) => engine.start_edge_transcode_job(account, r, now).map(drop),
        AnyRequest::Stop(r) => engine.stop_edge_transcode_job(account, r, now).map(drop),
        AnyRequest::Delete(r) => engine.delete_edge_transcode_job(account, r, now).map(drop),
        AnyRequest::Update(r) => engine.update_edge_transcode_job(account, r, now).map(drop),
        AnyRequest::List(r) => engine.list_edge_transcode_job(account, r, now).map(drop),
        AnyRequest::GetTemplate(r) => engine
            .get_edge_transcode_template(account, r, now)
            .map(drop),
        AnyRequest::ListTemplates(r) => engine
            .list_edge_transcode_template(account, r, now)
            .map(drop),
    }
}

/// The nine documented edge codes and their HTTP statuses (README, "Error codes").
const CODES: [(&str, u16); 9] = [
    ("MissingParameter", 400),
    ("InvalidParameter", 400),
    ("UserTaskExceed", 400),
    ("OperationDenied", 403),
    ("Forbidden", 403),
    ("UserQuotaExceed", 403),
    ("JobNotFound", 404),
    ("TemplateNotFound", 404),
    ("InternalError", 500),
];

fn documented(code: &str, status: u16) -> bool {
    CODES.contains(&(code, status))
}

/// Values that pass (or nearly pass) some field's rule, so arbitrary requests reach past
/// validation now and then.
fn plausible() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "cluster-1",
        "cluster-2",
        "common",
        "nbhd-2",
        "ultra-hd",
        "H.264",
        "H.265",
        "asc",
        "desc",
        "news",
        "直播_1",
        "0",
        "1",
    ]
    .map(String::from)
    .to_vec();
    v.extend(CATALOGUE.iter().map(|t| t.id.to_owned()));
    v.extend(CATALOGUE.iter().map(|t| t.name.to_owned()));
    v.extend((0..3).map(expected_job_id));
    v.extend(all_urls());
    v
}

fn fuzz_text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => any::<String>(),
        2 => "[!-~]{0,16}",
        1 => "[ -~\t\n\r]{0,40}",
        1 => "\\PC{0,300}",
        1 => "[a-z]{0,3}://[ -~]{0,30}",
        4 => select(plausible()),
    ]
    .boxed()
}

fn fuzz_field() -> BoxedStrategy<Option<String>> {
    proptest::option::weighted(0.85, fuzz_text()).boxed()
}

fn fuzz_number() -> BoxedStrategy<Option<i64>> {
    proptest::option::weighted(
        0.6,
        prop_oneof![
            any::<i64>(),
            -2i64..120,
            select(vec![2_147_483_647i64, 2_147_483_648, i64::MIN, i64::MAX]),
        ],
    )
    .boxed()
}

fn any_request() -> BoxedStrategy<AnyRequest> {
    let f = fuzz_field;
    let n = fuzz_number;
    prop_oneof![
        (f(), f(), f(), f(), f()).prop_map(|(c, name, t, i, o)| {
            AnyRequest::Create(CreateEdgeTranscodeJobRequest {
                cluster_id: c,
                name,
                template_id: t,
                stream_input: i,
                stream_output: o,
            })
        }),
        (0..4u8, f(), f()).prop_map(|(k, cluster_id, job_id)| match k {
            0 => AnyRequest::Get(GetEdgeTranscodeJobRequest { cluster_id, job_id }),
            1 => AnyRequest::Start(StartEdgeTranscodeJobRequest { cluster_id, job_id }),
            2 => AnyRequest::Stop(StopEdgeTranscodeJobRequest { cluster_id, job_id }),
            _ => AnyRequest::Delete(DeleteEdgeTranscodeJobRequest { cluster_id, job_id }),
        }),
        (f(), f(), f(), f(), f(), f()).prop_map(|(c, j, name, t, i, o)| {
            AnyRequest::Update(UpdateEdgeTranscodeJobRequest {
                cluster_id: c,
                job_id: j,
                name,
                template_id: t,
                stream_input: i,
                stream_output: o,
            })
        }),
        (f(), f(), n(), f(), n(), n(), f()).prop_map(|(c, k, s, t, no, size, sort)| {
            AnyRequest::List(ListEdgeTranscodeJobRequest {
                cluster_id: c,
                keyword: k,
                status: s,
                transcode_type: t,
                page_no: no,
                page_size: size,
                sort_by: sort,
            })
        }),
        (f(), f()).prop_map(|(cluster_id, template_id)| {
            AnyRequest::GetTemplate(GetEdgeTranscodeTemplateRequest {
                cluster_id,
                template_id,
            })
        }),
        (f(), f(), f(), f(), n(), n(), f()).prop_map(|(c, k, t, codec, no, size, sort)| {
            AnyRequest::ListTemplates(ListEdgeTranscodeTemplateRequest {
                cluster_id: c,
                keyword: k,
                transcode_type: t,
                video_codec: codec,
                page_no: no,
                page_size: size,
                sort_by: sort,
            })
        }),
    ]
    .boxed()
}

/// An engine holding three jobs of account 0 in `cluster-1`, the first one running.
fn seeded_engine() -> Engine {
    let mut engine = Engine::new(config());
    let a = account_id(0);
    let now = utc(START);
    for name in ["news", "sports", "直播_1"] {
        engine
            .create_edge_transcode_job(
                &a,
                &CreateEdgeTranscodeJobRequest {
                    cluster_id: Some("cluster-1".into()),
                    name: Some(name.into()),
                    template_id: Some(CATALOGUE[1].id.into()),
                    stream_input: Some("rtmp://ingest.example.com/live/news".into()),
                    stream_output: Some("rtmp://push.example.com/live/news_hd".into()),
                },
                now,
            )
            .unwrap();
    }
    engine
        .start_edge_transcode_job(
            &a,
            &StartEdgeTranscodeJobRequest {
                cluster_id: Some("cluster-1".into()),
                job_id: Some(expected_job_id(0)),
            },
            now,
        )
        .unwrap();
    engine.drain_events();
    engine
}

fn fuzz_account() -> BoxedStrategy<AccountId> {
    prop_oneof![
        4 => select(ACCOUNTS.to_vec()).prop_map(|a| AccountId::try_from(a).unwrap()),
        1 => "[!-~]{1,20}".prop_map(|a| AccountId::try_from(a.as_str()).unwrap()),
    ]
    .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// `validate()` never panics, gives the first problem `validate_all()` lists, and every
    /// problem is a 400 parameter error.
    #[test]
    fn validation_of_arbitrary_text_never_panics(r in any_request()) {
        let (first, all) = validations(&r);
        prop_assert_eq!(first.as_ref(), all.first(), "validate() is not validate_all()[0]");
        for e in &all {
            prop_assert!(
                matches!(e.code(), "MissingParameter" | "InvalidParameter") && e.http_status() == 400,
                "validation gave {:?}", e
            );
        }
        // Missing parameters come before malformed ones.
        let first_invalid = all.iter().position(|e| e.code() == "InvalidParameter");
        let last_missing = all.iter().rposition(|e| e.code() == "MissingParameter");
        if let (Some(i), Some(m)) = (first_invalid, last_missing) {
            prop_assert!(m < i, "validate_all() is not in precedence order: {:?}", all);
        }
    }

    /// Arbitrary calls never panic the engine; each answer is a success or one of the nine
    /// documented codes with its status; a refusal changes nothing and records nothing; a
    /// request that fails validation is refused with exactly that problem.
    #[test]
    fn engine_answers_arbitrary_calls_with_documented_codes(
        calls in proptest::collection::vec((fuzz_account(), any_request()), 1..8)
    ) {
        let mut engine = seeded_engine();
        let mut now = utc(START);
        for (account, r) in &calls {
            now += TimeDelta::seconds(1);
            let before = engine.state().clone();
            let (first, _) = validations(r);
            let answer = call_any(&mut engine, account, r, now);
            let events = engine.drain_events();
            prop_assert!(engine.state().invariants_hold());
            match answer {
                Result::Ok(()) => {
                    prop_assert!(first.is_none(), "an invalid request succeeded: {:?}", first);
                }
                Err(rejection) => {
                    let (code, status) = (rejection.code(), rejection.http_status());
                    prop_assert!(documented(code, status), "undocumented {} {}", code, status);
                    if let Some(first) = first {
                        prop_assert_eq!(&rejection.error, &first);
                    } else {
                        prop_assert!(!matches!(code, "MissingParameter" | "InvalidParameter"));
                    }
                    prop_assert!(events.is_empty(), "a refusal recorded {:?}", events);
                    prop_assert!(engine.state() == &before, "a refusal changed the state");
                    let body = serde_json::to_value(&rejection).unwrap();
                    prop_assert_eq!(&body["Code"], code);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// InternalError: only reachable with an id generator that misbehaves
// ---------------------------------------------------------------------------------------------

/// Hands out the same job id every time.
#[derive(Debug)]
struct FixedJobIds(&'static str);

impl IdGenerator for FixedJobIds {
    fn generate(&mut self, kind: IdKind, seq: u64) -> String {
        match kind {
            IdKind::Job => self.0.to_owned(),
            _ => format!("REQUEST-{seq}"),
        }
    }
}

fn valid_create(cluster: &str) -> CreateEdgeTranscodeJobRequest {
    CreateEdgeTranscodeJobRequest {
        cluster_id: Some(cluster.into()),
        name: Some("news".into()),
        template_id: Some(CATALOGUE[0].id.into()),
        stream_input: Some("rtmp://ingest.example.com/live/news".into()),
        stream_output: Some("rtmp://push.example.com/live/news_hd".into()),
    }
}

/// README: `InternalError` only when the generator makes an invalid job id or one the same
/// account already has, in any cluster; the call is refused like any other.
#[test]
fn a_misbehaving_id_generator_gives_internal_error_and_changes_nothing() {
    let now = utc(START);
    let (a, b) = (account_id(0), account_id(1));
    let mut engine = Engine::with_id_generator(config(), Box::new(FixedJobIds("dup")));
    let mut log = Vec::new();
    engine
        .create_edge_transcode_job(&a, &valid_create("cluster-1"), now)
        .unwrap();
    log.extend(engine.drain_events());

    let before = engine.state().clone();
    let refused = engine
        .create_edge_transcode_job(&a, &valid_create("cluster-1"), now)
        .unwrap_err();
    assert_eq!(
        (refused.code(), refused.http_status()),
        ("InternalError", 500)
    );
    assert!(refused.to_string().ends_with(", please try again later."));
    assert!(engine.drain_events().is_empty());
    assert!(engine.state() == &before);

    // Refused in another cluster of the account too (job ids are unique in an account),
    // and fine for another account.
    let refused = engine
        .create_edge_transcode_job(&a, &valid_create("cluster-2"), now)
        .unwrap_err();
    assert_eq!(refused.code(), "InternalError");
    assert!(engine.state() == &before);
    engine
        .create_edge_transcode_job(&b, &valid_create("cluster-1"), now)
        .unwrap();
    log.extend(engine.drain_events());
    assert_eq!(log.len(), 2);
    assert!(engine.state().invariants_hold());
    assert!(Engine::replay(config(), &log).unwrap().state() == engine.state());

    let mut engine = Engine::with_id_generator(config(), Box::new(FixedJobIds("bad id")));
    let refused = engine
        .create_edge_transcode_job(&a, &valid_create("cluster-1"), now)
        .unwrap_err();
    assert_eq!(
        (refused.code(), refused.http_status()),
        ("InternalError", 500)
    );
    assert!(engine.drain_events().is_empty());
    assert!(engine.state() == &live_lifecycle::State::default());
}

// ---------------------------------------------------------------------------------------------
// Regressions for bugs found while writing this file (both fixed)
// ---------------------------------------------------------------------------------------------

/// `now` is an input the embedder passes; any `DateTime<Utc>` compiles. Listing a cluster
/// that holds a job at a `now` less than 180 days after the earliest representable time
/// computes `now - 180 days` with chrono's panicking `-` and panics instead of answering.
#[test]
fn list_near_the_earliest_time_does_not_panic() {
    let now = DateTime::<Utc>::MIN_UTC;
    let a = account_id(0);
    let mut engine = Engine::new(config());
    engine
        .create_edge_transcode_job(&a, &valid_create("cluster-1"), now)
        .unwrap();
    let list = ListEdgeTranscodeJobRequest {
        cluster_id: Some("cluster-1".into()),
        ..Default::default()
    };
    let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        engine.list_edge_transcode_job(&a, &list, now)
    }));
    let answer = answer.expect("ListEdgeTranscodeJob panicked");
    assert_eq!(answer.unwrap().total_count, 1);
}

/// README: "Times are `yyyy-MM-ddTHH:mm:ssZ` in UTC". A job created with a `now` after
/// 9999-12-31T23:59:59Z (or before year 0) is shown with `CreateTime` `+10000-01-01T00:00:00Z`,
/// which is not that shape, and the crate's own `GetJobResponse` deserializer refuses the body
/// the engine just produced.
#[test]
fn times_outside_four_digit_years_keep_the_documented_shape() {
    let now = utc("9999-12-31T23:59:59Z") + TimeDelta::seconds(1);
    let a = account_id(0);
    let mut engine = Engine::new(config());
    let created = engine
        .create_edge_transcode_job(&a, &valid_create("cluster-1"), now)
        .unwrap();
    let get = GetEdgeTranscodeJobRequest {
        cluster_id: Some("cluster-1".into()),
        job_id: Some(created.job_id.to_string()),
    };
    let body =
        serde_json::to_string(&engine.get_edge_transcode_job(&a, &get, now).unwrap()).unwrap();
    let back = serde_json::from_str::<GetJobResponse>(&body);
    assert!(back.is_ok(), "{body} does not read back: {back:?}");
}
