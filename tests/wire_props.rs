//! Property tests of the RPC wire (`Engine::handle_rpc`).
//!
//! 1. `arbitrary_calls_never_break_the_wire`: sequences of arbitrary calls (actions from
//!    `ACTIONS`, near misses, `""` and arbitrary text, in the header or as an `Action`
//!    parameter; parameters named after every real parameter, the common ones, near misses
//!    and arbitrary text, with plausible, odd and arbitrary values, ids of resources created
//!    earlier in the sequence among them) against one engine with a moving, sometimes
//!    backward `now`. Every reply is JSON; a success is an object with a `RequestId` and no
//!    error keys; an error has exactly the five documented keys, a documented code, the
//!    status the README "Error codes" table gives it, the HostId and the Recommend link; no
//!    `InternalError`; the state's invariants hold; a refusal changes nothing but what time
//!    alone would change (nothing at all for the gateway's refusals); the reply's events and
//!    callbacks are the ones the engine recorded; request ids are fresh; the final snapshot
//!    round-trips through JSON.
//! 2. `typed_and_wire_paths_agree` (default config) and
//!    `typed_and_wire_paths_agree_under_quotas_and_entitlements` (small quotas, an account
//!    entitled to nothing): the same sequence of mostly valid requests of all 16 operations
//!    (creates first, then operations on what they created) through the typed methods on one
//!    engine and through `handle_rpc` with string parameters written by hand on another:
//!    same status, same body byte for byte, same state, snapshot, events and callbacks.
//! 3. Throttling: exact window counts, the window boundary, epoch alignment, a throttled
//!    call changing nothing (not even time), accounts and operations apart, the rate counted
//!    at the instant a call arrived rather than at `now`, gateway refusals
//!    and throttled calls not counted, `Throttle::off()`, a family switched off, the
//!    documented defaults (6,000 edge calls a minute, 10 pull-to-push calls a second), and a
//!    fixed-window model as a property.
//! 4. The gateway's order of checks: bounds, `Action`, `Version`, repeated parameters,
//!    account; each refusal lets no time pass.
//! 5. Integer and list forms of every integer parameter of every action, `SourceUrls`, and
//!    the precedence missing → wrong form → the request's own rules.
//! 6. `Engine` is `Send`; snapshots serialize after wire calls and restore to an engine that
//!    answers the same.
//!
//! Cases: `PROPTEST_CASES` if set, else `DEFAULT_CASES`; the whole file runs in a few seconds
//! in debug.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{DateTime, TimeDelta, Utc};
use live_lifecycle::edge::{
    CreateEdgeTranscodeJobRequest, DeleteEdgeTranscodeJobRequest, EdgeLimits,
    GetEdgeTranscodeJobRequest, GetEdgeTranscodeTemplateRequest, ListEdgeTranscodeJobRequest,
    ListEdgeTranscodeTemplateRequest, StartEdgeTranscodeJobRequest, StopEdgeTranscodeJobRequest,
    UpdateEdgeTranscodeJobRequest,
};
use live_lifecycle::ids::AccountId;
use live_lifecycle::pull_to_push::{
    CreateLivePullToPushRequest, DeleteLivePullToPushRequest, DescribeLivePullToPushListRequest,
    DescribeLivePullToPushRequest, RestartLivePullToPushRequest, StopLivePullToPushRequest,
    TaskLimits, UpdateLivePullToPushRequest,
};
use live_lifecycle::{
    ACTIONS, API_VERSION, Access, Config, Engine, MAX_NAME_BYTES, MAX_PARAMS, MAX_VALUE_BYTES,
    Rate, Rejection, Reply, RpcCall, Snapshot, Throttle,
};
use proptest::prelude::*;
use proptest::sample::{Index, select, subsequence};
use serde::Serialize;
use serde_json::Value;

// ---- shared -------------------------------------------------------------------------------------

/// Cases of the heavier properties when `PROPTEST_CASES` is not set.
const DEFAULT_CASES: u32 = 256;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

const README: &str = include_str!("../README.md");

// The 20 documented codes and their HTTP statuses: one table for the whole suite.
use common::ERROR_CODES as CODES;

/// The code → status table of the README's "Error codes" section.
fn readme_codes() -> BTreeMap<String, u16> {
    let section = README
        .split("\n## Error codes")
        .nth(1)
        .expect("README has an Error codes section");
    let section = section.split("\n## ").next().unwrap();
    let mut table = BTreeMap::new();
    for line in section.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // "| `Code` | 400 | template | … |" splits into ["", "`Code`", "400", …].
        if cells.len() < 4 {
            continue;
        }
        let (code, status) = (cells[1], cells[2]);
        if let (Some(code), Ok(status)) = (
            code.strip_prefix('`').and_then(|c| c.strip_suffix('`')),
            status.parse::<u16>(),
        ) {
            assert!(
                table.insert(code.to_owned(), status).is_none(),
                "{code} twice"
            );
        }
    }
    table
}

fn code_status() -> &'static BTreeMap<String, u16> {
    static TABLE: std::sync::OnceLock<BTreeMap<String, u16>> = std::sync::OnceLock::new();
    TABLE.get_or_init(readme_codes)
}

const T0: &str = "2030-01-01T00:00:00Z";

fn t0() -> DateTime<Utc> {
    T0.parse().unwrap()
}

fn at(secs: i64) -> DateTime<Utc> {
    t0() + TimeDelta::seconds(secs)
}

fn at_ms(ms: i64) -> DateTime<Utc> {
    t0() + TimeDelta::milliseconds(ms)
}

fn fmt(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn acct(text: &str) -> AccountId {
    AccountId::try_from(text).unwrap()
}

fn json(reply: &Reply) -> Value {
    serde_json::from_str(reply.body()).unwrap_or_else(|e| {
        panic!("body is not JSON ({e}): {:?}", reply.body());
    })
}

fn code(reply: &Reply) -> String {
    json(reply)["Code"].as_str().unwrap_or("").to_owned()
}

fn message(reply: &Reply) -> String {
    json(reply)["Message"].as_str().unwrap_or("").to_owned()
}

/// Asserts an error reply with this code and a message naming `field` (as `"field"`).
#[track_caller]
fn assert_error(reply: &Reply, expected_code: &str, field: Option<&str>) {
    assert_eq!(
        code(reply),
        expected_code,
        "status {} body {}",
        reply.status(),
        reply.body()
    );
    assert_eq!(reply.status(), code_status()[expected_code]);
    if let Some(field) = field {
        let m = message(reply);
        assert!(
            m.contains(&format!("\"{field}\"")),
            "message {m:?} does not name {field}"
        );
    }
}

#[track_caller]
fn assert_ok(reply: &Reply) {
    assert_eq!(reply.status(), 200, "body {}", reply.body());
}

/// Checks the shape of any reply: JSON; success an object with a RequestId and no error
/// keys; error exactly the five documented keys, a documented code with its status, the
/// configured HostId and the Recommend link.
#[track_caller]
fn check_shape(reply: &Reply) -> Value {
    let body = json(reply);
    let object = body.as_object().expect("the body is a JSON object");
    let request_id = object
        .get("RequestId")
        .and_then(Value::as_str)
        .expect("a string RequestId");
    assert!(!request_id.is_empty());
    if reply.status() == 200 {
        assert!(
            !object.contains_key("Code") && !object.contains_key("HostId"),
            "{body}"
        );
    } else {
        let keys: BTreeSet<&str> = object.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            BTreeSet::from(["RequestId", "HostId", "Code", "Message", "Recommend"]),
            "{body}"
        );
        let code = object["Code"].as_str().expect("a string Code");
        let status = code_status()
            .get(code)
            .unwrap_or_else(|| panic!("undocumented code {code}"));
        assert_eq!(reply.status(), *status, "{body}");
        assert_eq!(object["HostId"], "live.aliyuncs.com");
        assert!(!object["Message"].as_str().unwrap().is_empty());
        assert_eq!(
            object["Recommend"].as_str().unwrap(),
            format!(
                "https://api.aliyun.com/troubleshoot?q={code}&product=live&requestId={request_id}"
            )
        );
    }
    body
}

const TEMPLATES: [&str; 8] = [
    "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01",
    "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c02",
    "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c03",
    "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c04",
    "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c05",
    "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c06",
    "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c07",
    "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c08",
];

// The parameters each action reads, by wire name: one table for the whole suite.
use common::ACTION_PARAMS;

/// The integer parameters of each action (README, "The RPC wire", Integers).
const INT_PARAMS: &[(&str, &str)] = &[
    ("ListEdgeTranscodeJob", "Status"),
    ("ListEdgeTranscodeJob", "PageNo"),
    ("ListEdgeTranscodeJob", "PageSize"),
    ("ListEdgeTranscodeTemplate", "PageNo"),
    ("ListEdgeTranscodeTemplate", "PageSize"),
    ("CreateLivePullToPush", "RepeatNumber"),
    ("CreateLivePullToPush", "Offset"),
    ("CreateLivePullToPush", "FileIndex"),
    ("CreateLivePullToPush", "RetryCount"),
    ("CreateLivePullToPush", "RetryInterval"),
    ("UpdateLivePullToPush", "RepeatNumber"),
    ("UpdateLivePullToPush", "Offset"),
    ("UpdateLivePullToPush", "FileIndex"),
    ("DescribeLivePullToPushList", "PageNumber"),
    ("DescribeLivePullToPushList", "PageSize"),
];

/// The common parameters the gateway accepts and ignores (and `Action`, `Version`).
const COMMON_PARAMS: &[&str] = &[
    "Action",
    "Version",
    "Format",
    "AccessKeyId",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "Signature",
    "Timestamp",
    "RegionId",
    "OwnerId",
    "SecurityToken",
];

fn all_param_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for (_, params) in ACTION_PARAMS {
        for p in *params {
            if !names.contains(p) {
                names.push(p);
            }
        }
    }
    for p in COMMON_PARAMS {
        if !names.contains(p) {
            names.push(p);
        }
    }
    names
}

fn params_of(action: &str) -> &'static [&'static str] {
    ACTION_PARAMS
        .iter()
        .find(|(a, _)| *a == action)
        .map(|(_, p)| *p)
        .unwrap_or_else(|| panic!("no action {action}"))
}

fn as_pairs(params: &[(String, String)]) -> Vec<(&str, &str)> {
    params
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

#[test]
fn error_code_table_matches_readme() {
    let hard: BTreeMap<String, u16> = CODES.iter().map(|(c, s)| ((*c).to_owned(), *s)).collect();
    assert_eq!(code_status(), &hard);
    // The crate's own list of documented codes (what `/_emulator/chaos` accepts) is the same.
    let listed: BTreeSet<&str> = live_lifecycle::ApiError::CODES.into_iter().collect();
    let tabled: BTreeSet<&str> = CODES.iter().map(|(c, _)| *c).collect();
    assert_eq!(listed, tabled);
}

#[test]
fn action_tables_match_the_crate() {
    let listed: Vec<&str> = ACTION_PARAMS.iter().map(|(a, _)| *a).collect();
    assert_eq!(listed, ACTIONS);
    for (action, field) in INT_PARAMS {
        assert!(params_of(action).contains(field));
    }
    // Each name of the tables is also in the README.
    for name in all_param_names() {
        assert!(README.contains(&format!("`{name}`")), "{name}");
    }
}

// ---- 1. arbitrary calls -------------------------------------------------------------------------

/// A parameter value: text, or the n-th job or task id seen so far (resolved at run time).
#[derive(Debug, Clone)]
enum Val {
    Lit(String),
    Job(usize),
    Task(usize),
}

impl Val {
    fn resolve(&self, jobs: &[String], tasks: &[String]) -> String {
        match self {
            Self::Lit(s) => s.clone(),
            Self::Job(n) if !jobs.is_empty() => jobs[n % jobs.len()].clone(),
            Self::Task(n) if !tasks.is_empty() => tasks[n % tasks.len()].clone(),
            Self::Job(_) => "0123456789abcdef0123456789abcdef".to_owned(),
            Self::Task(_) => "00000000-0000-4000-8000-000000000000".to_owned(),
        }
    }
}

/// Values that are well formed for some parameter of some action.
/// Two playable files.
const TWO_FILES: &[&str] = &[
    "https://cdn.example.com/a.mp4",
    "https://cdn.example.com/b.flv",
];

/// A list of two playable files, as the wire sends it.
const URL_LIST: &str = r#"["https://cdn.example.com/a.mp4","https://cdn.example.com/b.flv"]"#;

const PLAUSIBLE: &[&str] = &[
    "cluster-1",
    "cluster-2",
    "news_1",
    "晚间新闻",
    "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01",
    "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c08",
    "rtmp://in.example.com/live/a",
    "srt://in.example.com:9000",
    "rtmp://out.example.com/live/a",
    "common",
    "nbhd-2",
    "H.265",
    "asc",
    "desc",
    "news",
    "0",
    "1",
    "2",
    "10",
    "60",
    "100",
    "-1",
    "cn-shanghai",
    "cn-beijing",
    "cn-shenzhen",
    "ap-southeast-1",
    "live",
    "vod",
    "url",
    "rtmp",
    "hls",
    r#"["rtmp://src.example.com/live/a"]"#,
    r#"["https://cdn.example.com/a.mp4","https://cdn.example.com/b.flv"]"#,
    r#"["media-1","media_2"]"#,
    "rtmp://push.example.com/live/a",
    "rtmp://push.example.com/live/b",
    "https://hooks.example.com/cb",
    "2030-01-01T00:00:00Z",
    "2030-01-01T00:00:30Z",
    "2030-01-01T01:00:00Z",
    "2030-01-01T06:00:00Z",
    "2030-01-02T00:00:00Z",
    "2016-11-01",
    "JSON",
];

/// Odd values: integer look-alikes, JSON look-alikes, times with offsets and fractions.
const ODD: &[&str] = &[
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999999",
    "2147483647",
    "2147483648",
    "1.5",
    "0x10",
    "1e3",
    " 1",
    "1 ",
    "+7",
    "007",
    "-0",
    "-",
    "+",
    "١",
    "[]",
    "[\"\"]",
    "[1]",
    "[\"a\",1]",
    "[\"a\",",
    "{}",
    "{\"a\":\"b\"}",
    "null",
    "\"rtmp://src.example.com/live/a\"",
    "[\"rtmp://src.example.com/live/a\",\"rtmp://src.example.com/live/b\"]",
    "2030-01-01T08:00:00+08:00",
    "2030-01-01T00:00:00.5Z",
    "2030-01-01T00:00:00",
    "2030-01-01t00:00:00z",
    "2030-02-30T00:00:00Z",
    "2030-01-01T24:00:00Z",
    "2030-06-30T23:59:60Z",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "rtmp://user:pass@in.example.com/live/a",
    "rtmp://in.example.com/live/a#frag",
    "RTMP://IN.EXAMPLE.COM/live/a",
    "\u{0}",
    "a\u{0}b",
    "\t",
    "\r\n",
    "\u{7f}",
    "\u{202e}",
    "🎥",
    "2016-11-02",
];

fn value() -> impl Strategy<Value = Val> {
    prop_oneof![
        6 => select(PLAUSIBLE).prop_map(|s| Val::Lit(s.to_owned())),
        3 => select(ODD).prop_map(|s| Val::Lit(s.to_owned())),
        2 => (0usize..4).prop_map(Val::Job),
        2 => (0usize..4).prop_map(Val::Task),
        1 => any::<String>().prop_map(Val::Lit),
        1 => "\\PC{0,40}".prop_map(Val::Lit),
        1 => "[\\x00-\\x1f\\x7f ]{0,4}".prop_map(Val::Lit),
        1 => any::<i64>().prop_map(|n| Val::Lit(n.to_string())),
        1 => "[+-]?[0-9]{15,25}".prop_map(Val::Lit),
        1 => prop::collection::vec("\\PC{0,12}", 0..33)
            .prop_map(|v| Val::Lit(serde_json::to_string(&v).unwrap())),
        1 => (0i64..3 * 86400, select(&["Z", "+08:00", ".250Z", "", "-00:00"][..]))
            .prop_map(|(s, suffix)| {
                let t = at(s).format("%Y-%m-%dT%H:%M:%S").to_string();
                Val::Lit(format!("{t}{suffix}"))
            }),
    ]
}

/// Parameter names that are almost real ones.
const NEAR_MISS_NAMES: &[&str] = &[
    "clusterid",
    "ClusterID",
    "CallbackURL",
    "Sourceurls",
    "action",
    "version",
    " Action",
    "Action ",
];

fn param_name() -> impl Strategy<Value = String> {
    let names = all_param_names();
    prop_oneof![
        8 => select(names).prop_map(str::to_owned),
        1 => select(NEAR_MISS_NAMES)
            .prop_map(str::to_owned),
        1 => "\\PC{0,20}",
        1 => any::<String>(),
    ]
}

/// A list of parameters: arbitrary names (repeats likely), or distinct real names.
fn param_list() -> impl Strategy<Value = Vec<(String, Val)>> {
    let names = all_param_names();
    prop_oneof![
        1 => prop::collection::vec((param_name(), value()), 0..=30),
        2 => subsequence(names, 0..=12).prop_flat_map(|chosen| {
            let n = chosen.len();
            (Just(chosen), prop::collection::vec(value(), n))
        })
        .prop_map(|(names, values)| {
            names.into_iter().map(str::to_owned).zip(values).collect()
        }),
    ]
}

fn near_miss(name: &str, how: u8) -> String {
    match how % 6 {
        0 => name.to_lowercase(),
        1 => name.to_uppercase(),
        2 => format!("{name} "),
        3 => name[..name.len() - 1].to_owned(),
        4 => format!("{name}s"),
        _ => format!("live.{name}"),
    }
}

fn action_name() -> impl Strategy<Value = String> {
    prop_oneof![
        16 => select(ACTIONS).prop_map(str::to_owned),
        6 => select(&["CreateEdgeTranscodeJob", "CreateLivePullToPush"][..])
            .prop_map(str::to_owned),
        2 => (select(ACTIONS), any::<u8>()).prop_map(|(a, how)| near_miss(a, how)),
        1 => Just(String::new()),
        1 => any::<String>(),
    ]
}

/// Plausible values of one parameter, by name: mostly well formed, so that calls get past
/// validation and reach the lifecycle.
fn value_for(name: &str) -> BoxedStrategy<Val> {
    let lits = |v: &'static [&'static str]| select(v).prop_map(|s| Val::Lit(s.to_owned()));
    let good = match name {
        "ClusterId" => lits(&["cluster-1", "cluster-2"]).boxed(),
        "Name" => lits(&["news_1", "晚间新闻", "a-b"]).boxed(),
        "TemplateId" => {
            lits(&[TEMPLATES[0], TEMPLATES[4], TEMPLATES[7], "no-such-template"]).boxed()
        }
        "StreamInput" => {
            lits(&["rtmp://in.example.com/live/a", "srt://in.example.com:9000"]).boxed()
        }
        "StreamOutput" => lits(&[
            "rtmp://out.example.com/live/a",
            "rtmps://out.example.com/live/b",
        ])
        .boxed(),
        "JobId" => (0usize..4).prop_map(Val::Job).boxed(),
        "TaskId" => (0usize..4).prop_map(Val::Task).boxed(),
        "Keyword" => lits(&["news", "", "NEWS"]).boxed(),
        "Status" => lits(&["0", "1"]).boxed(),
        "Type" => lits(&["common", "nbhd-2", ""]).boxed(),
        "VideoCodec" => lits(&["H.264", "H.265", ""]).boxed(),
        "PageNo" | "PageNumber" => lits(&["1", "2"]).boxed(),
        "PageSize" => lits(&["1", "10", "100"]).boxed(),
        "SortBy" => lits(&["asc", "desc", ""]).boxed(),
        "Region" => lits(&["cn-shanghai", "cn-beijing"]).boxed(),
        "TaskName" => lits(&["news", ""]).boxed(),
        "StartTime" => lits(&[
            "2030-01-01T00:00:00Z",
            "2030-01-01T00:00:30Z",
            "2030-01-01T01:00:00Z",
        ])
        .boxed(),
        "EndTime" => lits(&[
            "2030-01-01T00:00:40Z",
            "2030-01-01T06:00:00Z",
            "2030-01-02T00:00:00Z",
        ])
        .boxed(),
        "SourceType" => lits(&["live", "vod", "url"]).boxed(),
        "SourceProtocol" => lits(&["rtmp", "hls"]).boxed(),
        "SourceUrls" => lits(&[
            r#"["rtmp://src.example.com/live/a"]"#,
            r#"["https://cdn.example.com/a.mp4","https://cdn.example.com/b.flv"]"#,
            r#"["media-1","media_2"]"#,
        ])
        .boxed(),
        "DstUrl" => lits(&[
            "rtmp://push.example.com/live/a",
            "rtmp://push.example.com/live/b",
        ])
        .boxed(),
        "CallbackUrl" => lits(&["https://hooks.example.com/cb", ""]).boxed(),
        "RepeatNumber" => lits(&["-1", "0", "2"]).boxed(),
        "Offset" => lits(&["1", "10"]).boxed(),
        "FileIndex" => lits(&["0", "1"]).boxed(),
        "RetryCount" => lits(&["0", "3"]).boxed(),
        "RetryInterval" => lits(&["60", "300"]).boxed(),
        "Version" => lits(&[API_VERSION]).boxed(),
        _ => value().boxed(),
    };
    prop_oneof![24 => good, 1 => value()].boxed()
}

/// A call's parameters shaped after the action: each of its parameters with a plausible
/// value (or not sent), a few ignored common ones, in any order.
fn structured(names: &'static [&'static str]) -> impl Strategy<Value = Vec<(String, Val)>> {
    // Create's source fields are chosen together, mostly consistent.
    let joint = names.contains(&"SourceType");
    let own: Vec<_> = names
        .iter()
        .filter(|name| !joint || !name.starts_with("Source"))
        .map(|name| {
            prop::option::weighted(0.93, value_for(name))
                .prop_map(move |v| v.map(|v| ((*name).to_owned(), v)))
        })
        .collect();
    let lit = |n: &str, v: &str| (n.to_owned(), Val::Lit(v.to_owned()));
    let source = prop_oneof![
        3 => Just(vec![
            lit("SourceType", "live"),
            lit("SourceProtocol", "rtmp"),
            lit("SourceUrls", r#"["rtmp://src.example.com/live/a"]"#),
        ]),
        3 => Just(vec![
            lit("SourceType", "url"),
            lit("SourceUrls", URL_LIST),
        ]),
        3 => Just(vec![
            lit("SourceType", "vod"),
            lit("SourceUrls", r#"["media-1","media_2"]"#),
        ]),
        1 => prop::collection::vec(
            select(&["SourceType", "SourceProtocol", "SourceUrls"][..])
                .prop_flat_map(|n| (Just(n.to_owned()), value_for(n))),
            0..4,
        ),
    ];
    let source = if joint {
        source.boxed()
    } else {
        Just(Vec::new()).boxed()
    };
    let extras = prop::collection::vec(
        select(&COMMON_PARAMS[1..]).prop_flat_map(|n| (Just(n.to_owned()), value_for(n))),
        0..3,
    );
    (own, source, extras)
        .prop_map(|(own, source, extras)| {
            own.into_iter()
                .flatten()
                .chain(source)
                .chain(extras)
                .collect::<Vec<_>>()
        })
        .prop_shuffle()
}

fn params_for(action: String) -> BoxedStrategy<Vec<(String, Val)>> {
    if ACTIONS.contains(&action.as_str()) {
        prop_oneof![4 => structured(params_of(&action)), 1 => param_list()].boxed()
    } else {
        param_list().boxed()
    }
}

fn account_name() -> impl Strategy<Value = String> {
    prop_oneof![
        40 => select(&["1001", "1002"][..]).prop_map(str::to_owned),
        1 => select(&["", "has space", "ünï", "\u{0}"][..]).prop_map(str::to_owned),
        1 => "[!-~]{129}",
        1 => any::<String>(),
    ]
}

/// One arbitrary call: account, action (in the header, or as the `Action` parameter at some
/// position), parameters, and how far `now` moves before it (milliseconds, may go back).
#[derive(Debug, Clone)]
struct RawCall {
    account: String,
    action: String,
    action_as_param: Option<Index>,
    params: Vec<(String, Val)>,
    step_ms: i64,
}

fn raw_call() -> impl Strategy<Value = RawCall> {
    (
        account_name(),
        action_name().prop_flat_map(|a| (Just(a.clone()), params_for(a))),
        prop::option::weighted(0.3, any::<Index>()),
        prop_oneof![
            3 => 0i64..2_000,
            3 => 0i64..3_600_000,
            1 => 0i64..8 * 86_400_000,
            1 => -60_000i64..0,
        ],
    )
        .prop_map(
            |(account, (action, params), action_as_param, step_ms)| RawCall {
                account,
                action,
                action_as_param,
                params,
                step_ms,
            },
        )
}

/// Runs one call with every check of property 1; returns the reply.
fn run_checked(
    engine: &mut Engine,
    account: &str,
    action: &str,
    params: &[(&str, &str)],
    now: DateTime<Utc>,
) -> Reply {
    let before = engine.snapshot();
    let reply = engine.handle_rpc(account, action, params, now);
    let body = check_shape(&reply);
    assert!(engine.state().invariants_hold());
    assert_eq!(engine.drain_events(), reply.events());
    assert_eq!(engine.drain_callbacks(), reply.callbacks());
    assert_eq!(
        engine.snapshot().requests_answered,
        before.requests_answered + 1,
        "one request id per reply"
    );
    // With the default id generator nothing inside can fail: an InternalError would mean
    // the wire could not turn the parameters into a request, or the reply into JSON.
    assert_ne!(body["Code"], "InternalError", "{}", reply.body());
    if reply.status() != 200 {
        // A refusal changes nothing but what time alone changes (nothing at all when the
        // gateway refused it).
        let mut timed = Engine::restore(Config::default(), before.clone());
        timed.advance(now);
        let untouched = engine.state() == &before.state && reply.events().is_empty();
        let only_time =
            engine.state() == timed.state() && reply.events() == timed.drain_events().as_slice();
        assert!(
            untouched || only_time,
            "a refusal changed the state: {}",
            reply.body()
        );
        let code = body["Code"].as_str().unwrap();
        if matches!(
            code,
            "InvalidAction.NotFound" | "InvalidVersion" | "Throttling.User"
        ) {
            assert!(untouched, "a gateway refusal let time pass");
        }
    }
    reply
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn arbitrary_calls_never_break_the_wire(calls in prop::collection::vec(raw_call(), 1..8)) {
        let mut engine = Engine::new(Config::default());
        let mut now = t0();
        let mut jobs: Vec<String> = Vec::new();
        let mut tasks: Vec<String> = Vec::new();
        let mut request_ids = HashSet::new();
        for call in &calls {
            now += TimeDelta::milliseconds(call.step_ms);
            let mut params: Vec<(String, String)> = call
                .params
                .iter()
                .map(|(n, v)| (n.clone(), v.resolve(&jobs, &tasks)))
                .collect();
            let header = match call.action_as_param {
                Some(i) => {
                    let at = i.index(params.len() + 1);
                    params.insert(at, ("Action".into(), call.action.clone()));
                    ""
                }
                None => call.action.as_str(),
            };
            let reply = run_checked(&mut engine, &call.account, header, &as_pairs(&params), now);
            let body = json(&reply);
            prop_assert!(request_ids.insert(body["RequestId"].as_str().unwrap().to_owned()));
            if reply.status() == 200 {
                if let Some(id) = body.get("JobId").and_then(Value::as_str) {
                    jobs.push(id.to_owned());
                }
                if let Some(id) = body.get("TaskId").and_then(Value::as_str) {
                    tasks.push(id.to_owned());
                }
            }
        }
        let json = serde_json::to_string(&engine.snapshot()).unwrap();
        let back: Snapshot = serde_json::from_str(&json).unwrap();
        let restored = Engine::restore(Config::default(), back);
        prop_assert_eq!(restored.state(), engine.state());
    }
}

// ---- 2. the typed path and the wire path agree --------------------------------------------------

/// One operation as its typed request. Job and task ids may be placeholders (`@job<n>`,
/// `@task<n>`) that `resolve` replaces with the n-th id created so far.
#[derive(Debug, Clone)]
enum Op {
    CreateJob(CreateEdgeTranscodeJobRequest),
    GetJob(GetEdgeTranscodeJobRequest),
    ListJobs(ListEdgeTranscodeJobRequest),
    UpdateJob(UpdateEdgeTranscodeJobRequest),
    StartJob(StartEdgeTranscodeJobRequest),
    StopJob(StopEdgeTranscodeJobRequest),
    DeleteJob(DeleteEdgeTranscodeJobRequest),
    GetTemplate(GetEdgeTranscodeTemplateRequest),
    ListTemplates(ListEdgeTranscodeTemplateRequest),
    CreateTask(CreateLivePullToPushRequest),
    UpdateTask(UpdateLivePullToPushRequest),
    DeleteTask(DeleteLivePullToPushRequest),
    DescribeTask(DescribeLivePullToPushRequest),
    ListTasks(DescribeLivePullToPushListRequest),
    StopTask(StopLivePullToPushRequest),
    RestartTask(RestartLivePullToPushRequest),
}

/// A job or task created so far: its account, cluster or region, and id.
type Known = (&'static str, String, String);

/// Replaces a placeholder id (`@job<n>`, `@task<n>`) with the n-th one created, and a
/// placeholder place (`@same`) with that one's cluster or region; returns its account.
fn resolve_ref(
    id: &mut Option<String>,
    place: &mut Option<String>,
    prefix: &str,
    known: &[Known],
    default_place: &str,
) -> Option<&'static str> {
    let chosen = id
        .as_deref()
        .and_then(|text| text.strip_prefix(prefix))
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|_| !known.is_empty())
        .map(|n| &known[n % known.len()]);
    if let Some((_, _, known_id)) = chosen {
        *id = Some(known_id.clone());
    }
    if place.as_deref() == Some("@same") {
        *place = Some(chosen.map_or(default_place.to_owned(), |(_, p, _)| p.clone()));
    }
    chosen.map(|(account, ..)| *account)
}

/// Replaces `@t<secs>` with the time `secs` seconds after `now`.
fn resolve_time(field: &mut Option<String>, now: DateTime<Utc>) {
    if let Some(text) = field
        && let Some(secs) = text.strip_prefix("@t")
        && let Ok(secs) = secs.parse::<i64>()
    {
        *text = fmt(now + TimeDelta::seconds(secs));
    }
}

/// Wire parameters: text as is, integers in decimal, lists as a JSON array.
#[derive(Default)]
struct Wire(Vec<(String, String)>);

impl Wire {
    fn text(&mut self, name: &str, value: &Option<String>) -> &mut Self {
        if let Some(v) = value {
            self.0.push((name.to_owned(), v.clone()));
        }
        self
    }
    fn int(&mut self, name: &str, value: Option<i64>) -> &mut Self {
        if let Some(v) = value {
            self.0.push((name.to_owned(), v.to_string()));
        }
        self
    }
    fn list(&mut self, name: &str, value: &Option<Vec<String>>) -> &mut Self {
        if let Some(v) = value {
            self.0
                .push((name.to_owned(), serde_json::to_string(v).unwrap()));
        }
        self
    }
}

fn typed<T: Serialize>(result: Result<T, Rejection>) -> (u16, String) {
    match result {
        Ok(body) => (200, serde_json::to_string(&body).unwrap()),
        Err(rejection) => (
            rejection.http_status(),
            serde_json::to_string(&rejection).unwrap(),
        ),
    }
}

impl Op {
    fn action(&self) -> &'static str {
        match self {
            Self::CreateJob(_) => "CreateEdgeTranscodeJob",
            Self::GetJob(_) => "GetEdgeTranscodeJob",
            Self::ListJobs(_) => "ListEdgeTranscodeJob",
            Self::UpdateJob(_) => "UpdateEdgeTranscodeJob",
            Self::StartJob(_) => "StartEdgeTranscodeJob",
            Self::StopJob(_) => "StopEdgeTranscodeJob",
            Self::DeleteJob(_) => "DeleteEdgeTranscodeJob",
            Self::GetTemplate(_) => "GetEdgeTranscodeTemplate",
            Self::ListTemplates(_) => "ListEdgeTranscodeTemplate",
            Self::CreateTask(_) => "CreateLivePullToPush",
            Self::UpdateTask(_) => "UpdateLivePullToPush",
            Self::DeleteTask(_) => "DeleteLivePullToPush",
            Self::DescribeTask(_) => "DescribeLivePullToPush",
            Self::ListTasks(_) => "DescribeLivePullToPushList",
            Self::StopTask(_) => "StopLivePullToPush",
            Self::RestartTask(_) => "RestartLivePullToPush",
        }
    }

    /// Resolves the placeholders; returns the account of the job or task referred to.
    fn resolve(
        &mut self,
        jobs: &[Known],
        tasks: &[Known],
        now: DateTime<Utc>,
    ) -> Option<&'static str> {
        let job = |id: &mut Option<String>, cluster: &mut Option<String>| {
            resolve_ref(id, cluster, "@job", jobs, "cluster-1")
        };
        let task = |id: &mut Option<String>, region: &mut Option<String>| {
            resolve_ref(id, region, "@task", tasks, "cn-shanghai")
        };
        match self {
            Self::GetJob(r) => job(&mut r.job_id, &mut r.cluster_id),
            Self::UpdateJob(r) => job(&mut r.job_id, &mut r.cluster_id),
            Self::StartJob(r) => job(&mut r.job_id, &mut r.cluster_id),
            Self::StopJob(r) => job(&mut r.job_id, &mut r.cluster_id),
            Self::DeleteJob(r) => job(&mut r.job_id, &mut r.cluster_id),
            Self::UpdateTask(r) => {
                resolve_time(&mut r.start_time, now);
                resolve_time(&mut r.end_time, now);
                task(&mut r.task_id, &mut r.region)
            }
            Self::DeleteTask(r) => task(&mut r.task_id, &mut r.region),
            Self::DescribeTask(r) => task(&mut r.task_id, &mut r.region),
            Self::StopTask(r) => task(&mut r.task_id, &mut r.region),
            Self::RestartTask(r) => task(&mut r.task_id, &mut r.region),
            Self::ListTasks(r) => task(&mut r.task_id, &mut r.region),
            Self::CreateTask(r) => {
                resolve_time(&mut r.start_time, now);
                resolve_time(&mut r.end_time, now);
                None
            }
            Self::CreateJob(_)
            | Self::ListJobs(_)
            | Self::GetTemplate(_)
            | Self::ListTemplates(_) => None,
        }
    }

    /// The equivalent wire parameters, written by hand from the README's tables.
    fn params(&self) -> Vec<(String, String)> {
        let mut w = Wire::default();
        match self {
            Self::CreateJob(r) => {
                w.text("ClusterId", &r.cluster_id)
                    .text("Name", &r.name)
                    .text("TemplateId", &r.template_id)
                    .text("StreamInput", &r.stream_input)
                    .text("StreamOutput", &r.stream_output);
            }
            Self::GetJob(GetEdgeTranscodeJobRequest { cluster_id, job_id })
            | Self::StartJob(StartEdgeTranscodeJobRequest { cluster_id, job_id })
            | Self::StopJob(StopEdgeTranscodeJobRequest { cluster_id, job_id })
            | Self::DeleteJob(DeleteEdgeTranscodeJobRequest { cluster_id, job_id }) => {
                w.text("ClusterId", cluster_id).text("JobId", job_id);
            }
            Self::ListJobs(r) => {
                w.text("ClusterId", &r.cluster_id)
                    .text("Keyword", &r.keyword)
                    .int("Status", r.status)
                    .text("Type", &r.transcode_type)
                    .int("PageNo", r.page_no)
                    .int("PageSize", r.page_size)
                    .text("SortBy", &r.sort_by);
            }
            Self::UpdateJob(r) => {
                w.text("ClusterId", &r.cluster_id)
                    .text("JobId", &r.job_id)
                    .text("Name", &r.name)
                    .text("TemplateId", &r.template_id)
                    .text("StreamInput", &r.stream_input)
                    .text("StreamOutput", &r.stream_output);
            }
            Self::GetTemplate(r) => {
                w.text("ClusterId", &r.cluster_id)
                    .text("TemplateId", &r.template_id);
            }
            Self::ListTemplates(r) => {
                w.text("ClusterId", &r.cluster_id)
                    .text("Keyword", &r.keyword)
                    .text("Type", &r.transcode_type)
                    .text("VideoCodec", &r.video_codec)
                    .int("PageNo", r.page_no)
                    .int("PageSize", r.page_size)
                    .text("SortBy", &r.sort_by);
            }
            Self::CreateTask(r) => {
                w.text("Region", &r.region)
                    .text("TaskName", &r.task_name)
                    .text("StartTime", &r.start_time)
                    .text("EndTime", &r.end_time)
                    .text("SourceType", &r.source_type)
                    .text("SourceProtocol", &r.source_protocol)
                    .list("SourceUrls", &r.source_urls)
                    .text("DstUrl", &r.dst_url)
                    .text("CallbackUrl", &r.callback_url)
                    .int("RepeatNumber", r.repeat_number)
                    .int("Offset", r.offset)
                    .int("FileIndex", r.file_index)
                    .int("RetryCount", r.retry_count)
                    .int("RetryInterval", r.retry_interval);
            }
            Self::UpdateTask(r) => {
                w.text("TaskId", &r.task_id)
                    .text("Region", &r.region)
                    .text("StartTime", &r.start_time)
                    .text("EndTime", &r.end_time)
                    .list("SourceUrls", &r.source_urls)
                    .int("RepeatNumber", r.repeat_number)
                    .int("Offset", r.offset)
                    .text("CallbackUrl", &r.callback_url)
                    .int("FileIndex", r.file_index);
            }
            Self::DeleteTask(DeleteLivePullToPushRequest { task_id, region })
            | Self::DescribeTask(DescribeLivePullToPushRequest { task_id, region })
            | Self::StopTask(StopLivePullToPushRequest { task_id, region })
            | Self::RestartTask(RestartLivePullToPushRequest { task_id, region }) => {
                w.text("TaskId", task_id).text("Region", region);
            }
            Self::ListTasks(r) => {
                w.text("Region", &r.region)
                    .text("TaskId", &r.task_id)
                    .text("TaskName", &r.task_name)
                    .text("DstUrl", &r.dst_url)
                    .int("PageNumber", r.page_number)
                    .int("PageSize", r.page_size);
            }
        }
        w.0
    }

    fn run_typed(&self, e: &mut Engine, a: &AccountId, now: DateTime<Utc>) -> (u16, String) {
        match self {
            Self::CreateJob(r) => typed(e.create_edge_transcode_job(a, r, now)),
            Self::GetJob(r) => typed(e.get_edge_transcode_job(a, r, now)),
            Self::ListJobs(r) => typed(e.list_edge_transcode_job(a, r, now)),
            Self::UpdateJob(r) => typed(e.update_edge_transcode_job(a, r, now)),
            Self::StartJob(r) => typed(e.start_edge_transcode_job(a, r, now)),
            Self::StopJob(r) => typed(e.stop_edge_transcode_job(a, r, now)),
            Self::DeleteJob(r) => typed(e.delete_edge_transcode_job(a, r, now)),
            Self::GetTemplate(r) => typed(e.get_edge_transcode_template(a, r, now)),
            Self::ListTemplates(r) => typed(e.list_edge_transcode_template(a, r, now)),
            Self::CreateTask(r) => typed(e.create_live_pull_to_push(a, r, now)),
            Self::UpdateTask(r) => typed(e.update_live_pull_to_push(a, r, now)),
            Self::DeleteTask(r) => typed(e.delete_live_pull_to_push(a, r, now)),
            Self::DescribeTask(r) => typed(e.describe_live_pull_to_push(a, r, now)),
            Self::ListTasks(r) => typed(e.describe_live_pull_to_push_list(a, r, now)),
            Self::StopTask(r) => typed(e.stop_live_pull_to_push(a, r, now)),
            Self::RestartTask(r) => typed(e.restart_live_pull_to_push(a, r, now)),
        }
    }
}

fn s(v: &'static [&'static str]) -> BoxedStrategy<String> {
    select(v).prop_map(str::to_owned).boxed()
}

/// A required text field: mostly valid, sometimes absent, empty or invalid.
fn req(
    valid: BoxedStrategy<String>,
    invalid: &'static [&'static str],
) -> BoxedStrategy<Option<String>> {
    prop_oneof![
        40 => valid.prop_map(Some),
        1 => Just(None),
        1 => Just(Some(String::new())),
        1 => s(invalid).prop_map(Some),
    ]
    .boxed()
}

/// An optional text field: mostly absent, else mostly valid.
fn opt(
    valid: BoxedStrategy<String>,
    invalid: &'static [&'static str],
) -> BoxedStrategy<Option<String>> {
    prop_oneof![
        12 => Just(None),
        8 => valid.prop_map(Some),
        1 => Just(Some(String::new())),
        1 => s(invalid).prop_map(Some),
    ]
    .boxed()
}

/// An optional integer: mostly absent, else mostly in range.
fn opt_int(
    valid: std::ops::RangeInclusive<i64>,
    invalid: &'static [i64],
) -> BoxedStrategy<Option<i64>> {
    prop_oneof![
        16 => Just(None),
        12 => valid.prop_map(Some),
        1 => select(invalid).prop_map(Some),
    ]
    .boxed()
}

fn cluster() -> BoxedStrategy<Option<String>> {
    req(
        s(&["cluster-1", "cluster-1", "cluster-2"]),
        &["has space", "é"],
    )
}

/// The cluster of an operation on a job: mostly the job's own.
fn job_cluster() -> BoxedStrategy<Option<String>> {
    prop_oneof![6 => Just(Some("@same".to_owned())), 1 => cluster()].boxed()
}

/// The region of an operation on a task: mostly the task's own.
fn task_region() -> BoxedStrategy<Option<String>> {
    prop_oneof![6 => Just(Some("@same".to_owned())), 1 => region()].boxed()
}

fn job_ref() -> BoxedStrategy<Option<String>> {
    req(
        prop_oneof![
            6 => (0usize..4).prop_map(|n| format!("@job{n}")),
            1 => s(&["0123456789abcdef0123456789abcdef"]),
        ]
        .boxed(),
        &["has space"],
    )
}

fn task_ref() -> BoxedStrategy<Option<String>> {
    req(
        prop_oneof![
            6 => (0usize..4).prop_map(|n| format!("@task{n}")),
            1 => s(&["00000000-0000-4000-8000-000000000000"]),
        ]
        .boxed(),
        &["has space", "\u{1}"],
    )
}

fn template_id() -> BoxedStrategy<String> {
    prop_oneof![8 => select(&TEMPLATES[..]).prop_map(str::to_owned), 1 => s(&["no-such-template"])]
        .boxed()
}

const BAD_URLS: &[&str] = &[
    "ftp://x.example.com/a/b",
    "rtmp://x.example.com/a b/c",
    "rtmp://u@x.example.com/a/b",
];

fn region() -> BoxedStrategy<Option<String>> {
    req(
        s(&["cn-shanghai", "cn-shanghai", "cn-beijing", "cn-shenzhen"]),
        &["mars-1", "CN-SHANGHAI"],
    )
}

/// A StartTime relative to the call's `now` (`@t<secs>`), or, rarely, a malformed one.
fn time_text() -> BoxedStrategy<String> {
    prop_oneof![
        30 => select(&[-3600i64, -1, 0, 1, 30, 600, 3600, 7200][..])
            .prop_map(|s| format!("@t{s}")),
        1 => s(&["2030-01-01T08:00:00+08:00", "2030-01-01T00:00:00.5Z", "2030-02-30T00:00:00Z"]),
    ]
    .boxed()
}

/// An EndTime relative to the call's `now`, or, rarely, a malformed one.
fn end_text() -> BoxedStrategy<String> {
    prop_oneof![
        30 => select(&[3600i64, 7200, 8000, 86_400, 5 * 86_400][..])
            .prop_map(|s| format!("@t{s}")),
        3 => select(&[-10i64, 0, 40, 600, 8 * 86_400][..]).prop_map(|s| format!("@t{s}")),
        1 => s(&["2030-01-01T24:00:00Z"]),
    ]
    .boxed()
}

/// The source of a new task: type, protocol and list, mostly consistent.
/// `SourceType`, `SourceProtocol`, `SourceUrls`.
type SourceFields = (Option<String>, Option<String>, Option<Vec<String>>);

fn source() -> BoxedStrategy<SourceFields> {
    let t = |kind: &str, protocol: Option<&str>, urls: Option<&[&str]>| {
        Just((
            Some(kind.to_owned()),
            protocol.map(str::to_owned),
            urls.map(|v| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()),
        ))
    };
    prop_oneof![
        12 => t("live", Some("rtmp"), Some(&["rtmp://src.example.com/live/a"])),
        3 => t("live", Some("hls"), Some(&["https://src.example.com/live/a.m3u8"])),
        12 => t("url", None, Some(TWO_FILES)),
        3 => t("url", Some("flv"), Some(&["https://cdn.example.com/a.mp4"])),
        12 => t("vod", None, Some(&["media-1", "media_2", "media-3"])),
        1 => t("live", None, Some(&["rtmp://src.example.com/live/a"])),
        1 => t("live", Some("rtsp"), Some(&["rtmp://src.example.com/live/a"])),
        1 => t("vod", None, Some(&[])),
        1 => t("film", None, Some(&["m"])),
        1 => t("vod", None, None),
    ]
    .boxed()
}

fn create_task() -> impl Strategy<Value = CreateLivePullToPushRequest> {
    (
        (
            region(),
            opt(s(&["news", "晚间"]), &["a\u{7}b"]),
            req(time_text(), &["soon"]),
            req(end_text(), &["later"]),
        ),
        source(),
        (
            req(
                s(&[
                    "rtmp://push.example.com/live/a",
                    "rtmp://push.example.com/live/b",
                    "rtmp://push.example.com/live/c",
                ]),
                &["rtmps://push.example.com/live/a"],
            ),
            opt(
                s(&["https://hooks.example.com/cb"]),
                &["ftp://hooks.example.com/cb"],
            ),
        ),
        (
            opt_int(-1..=3, &[-2]),
            opt_int(1..=100, &[0, 2_147_483_648]),
            opt_int(0..=2, &[-1, 5]),
            opt_int(0..=30, &[31]),
            opt_int(60..=300, &[59, 301]),
        ),
        any::<bool>(),
    )
        .prop_map(
            |(
                (region, task_name, start_time, end_time),
                (source_type, source_protocol, source_urls),
                (dst_url, callback_url),
                (repeat_number, offset, file_index, retry_count, retry_interval),
                playlist_fields,
            )| {
                let live = source_type.as_deref() == Some("live");
                // Playlist-only fields on a live source are refused: send them only sometimes.
                let keep = !live || playlist_fields;
                CreateLivePullToPushRequest {
                    region,
                    task_name,
                    start_time,
                    end_time,
                    source_type,
                    source_protocol,
                    source_urls,
                    dst_url,
                    callback_url,
                    repeat_number: repeat_number.filter(|_| keep),
                    offset: offset.filter(|_| keep),
                    file_index: file_index.filter(|_| keep),
                    retry_count,
                    retry_interval,
                }
            },
        )
}

/// A CreateLivePullToPush that is valid by construction (its DstUrl may still be taken).
fn valid_create_task() -> impl Strategy<Value = CreateLivePullToPushRequest> {
    let t = |kind: &str, protocol: Option<&str>, urls: &[&str]| {
        Just((
            kind.to_owned(),
            protocol.map(str::to_owned),
            urls.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
        ))
    };
    (
        select(&["cn-shanghai", "cn-beijing", "ap-southeast-5"][..]),
        prop::option::of(select(&["news", "晚间", ""][..])),
        select(&[-60i64, -1, 0, 1, 30, 600, 3600][..]),
        select(&[7200i64, 86_400, 5 * 86_400][..]),
        prop_oneof![
            t("live", Some("rtmp"), &["rtmp://src.example.com/live/a"]),
            t("live", Some("srt"), &["srt://src.example.com:9000"]),
            t(
                "url",
                None,
                &[
                    "https://cdn.example.com/a.mp4",
                    "https://cdn.example.com/b.flv"
                ]
            ),
            t("vod", None, &["media-1", "media_2", "media-3"]),
        ],
        select(&["a", "b", "c", "d", "e"][..]),
        prop::option::of(Just("https://hooks.example.com/cb")),
        (
            prop::option::of(-1i64..=2),
            prop::option::of(1i64..=100),
            prop::option::of(0i64..=1),
            prop::option::of(0i64..=30),
            prop::option::of(60i64..=300),
        ),
    )
        .prop_map(
            |(region, name, start, end, (kind, protocol, urls), dst, callback, ints)| {
                let playlist = kind != "live";
                let (repeat, offset, file_index, retry_count, retry_interval) = ints;
                CreateLivePullToPushRequest {
                    region: Some(region.to_owned()),
                    task_name: name.map(str::to_owned),
                    start_time: Some(format!("@t{start}")),
                    end_time: Some(format!("@t{end}")),
                    source_type: Some(kind),
                    source_protocol: protocol,
                    source_urls: Some(urls),
                    dst_url: Some(format!("rtmp://push.example.com/live/{dst}")),
                    callback_url: callback.map(str::to_owned),
                    repeat_number: repeat.filter(|_| playlist),
                    offset: offset.filter(|_| playlist),
                    file_index: file_index.filter(|_| playlist),
                    retry_count,
                    retry_interval,
                }
            },
        )
}

fn update_task() -> impl Strategy<Value = UpdateLivePullToPushRequest> {
    let list = |v: &[&str]| Just(Some(v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()));
    let urls = prop_oneof![
        6 => Just(None),
        1 => list(&["media-9"]),
        1 => list(&["https://cdn.example.com/z.mp4", "https://cdn.example.com/y.mp4"]),
        1 => list(&["rtmp://src.example.com/live/z"]),
        1 => list(&[]),
    ];
    let callback = prop_oneof![
        6 => Just(None),
        1 => s(&["https://hooks.example.com/new", ""]).prop_map(Some),
    ];
    (
        (
            task_ref(),
            task_region(),
            opt(time_text(), &["x"]),
            opt(end_text(), &["y"]),
        ),
        (
            urls,
            opt_int(-1..=3, &[-2]),
            opt_int(1..=100, &[0]),
            callback,
            opt_int(0..=2, &[-1]),
        ),
    )
        .prop_map(
            |(
                (task_id, region, start_time, end_time),
                (source_urls, repeat_number, offset, callback_url, file_index),
            )| UpdateLivePullToPushRequest {
                task_id,
                region,
                start_time,
                end_time,
                source_urls,
                repeat_number,
                offset,
                callback_url,
                file_index,
            },
        )
}

/// An UpdateLivePullToPush of an existing task with a well-formed change: what a running
/// task accepts (CallbackUrl, RepeatNumber), or a new window.
fn valid_update_task() -> impl Strategy<Value = UpdateLivePullToPushRequest> {
    (
        0usize..4,
        prop::option::of(select(&["https://hooks.example.com/new", ""][..])),
        prop::option::of(-1i64..=2),
        prop::option::of((
            select(&[-1i64, 0, 60, 3600][..]),
            select(&[7200i64, 86_400][..]),
        )),
    )
        .prop_map(
            |(n, callback, repeat, window)| UpdateLivePullToPushRequest {
                task_id: Some(format!("@task{n}")),
                region: Some("@same".to_owned()),
                start_time: window.map(|(start, _)| format!("@t{start}")),
                end_time: window.map(|(_, end)| format!("@t{end}")),
                callback_url: callback.map(str::to_owned),
                repeat_number: repeat,
                ..Default::default()
            },
        )
}

fn create_job() -> impl Strategy<Value = CreateEdgeTranscodeJobRequest> {
    let name = req(s(&["news_1", "晚间新闻", "b-2"]), &["has space"]);
    let input = req(
        s(&["rtmp://in.example.com/live/a", "srt://in.example.com:9000"]),
        BAD_URLS,
    );
    let output = req(
        s(&[
            "rtmp://out.example.com/live/a",
            "rtmps://out.example.com/live/b",
        ]),
        BAD_URLS,
    );
    (
        cluster(),
        name,
        req(template_id(), &["has space"]),
        input,
        output,
    )
        .prop_map(
            |(cluster_id, name, template_id, stream_input, stream_output)| {
                CreateEdgeTranscodeJobRequest {
                    cluster_id,
                    name,
                    template_id,
                    stream_input,
                    stream_output,
                }
            },
        )
}

fn sort_by() -> BoxedStrategy<Option<String>> {
    opt(s(&["asc", "desc"]), &["ASC", "up"])
}

fn page() -> BoxedStrategy<Option<i64>> {
    opt_int(1..=3, &[0, 2_147_483_648])
}

fn page_size() -> BoxedStrategy<Option<i64>> {
    opt_int(1..=100, &[0, 101])
}

fn transcode_type() -> BoxedStrategy<Option<String>> {
    opt(s(&["common", "nbhd-2", "ultra-hd"]), &["Common"])
}

/// Get, Start, Stop or Delete of a job (`which` picks the operation).
fn job_op(which: u8) -> BoxedStrategy<Op> {
    (job_cluster(), job_ref())
        .prop_map(move |(cluster_id, job_id)| match which {
            0 => Op::GetJob(GetEdgeTranscodeJobRequest { cluster_id, job_id }),
            1 => Op::StartJob(StartEdgeTranscodeJobRequest { cluster_id, job_id }),
            2 => Op::StopJob(StopEdgeTranscodeJobRequest { cluster_id, job_id }),
            _ => Op::DeleteJob(DeleteEdgeTranscodeJobRequest { cluster_id, job_id }),
        })
        .boxed()
}

/// Delete, Describe, Stop or Restart of a task (`which` picks the operation).
fn task_op(which: u8) -> BoxedStrategy<Op> {
    (task_ref(), task_region())
        .prop_map(move |(task_id, region)| match which {
            0 => Op::DeleteTask(DeleteLivePullToPushRequest { task_id, region }),
            1 => Op::DescribeTask(DescribeLivePullToPushRequest { task_id, region }),
            2 => Op::StopTask(StopLivePullToPushRequest { task_id, region }),
            _ => Op::RestartTask(RestartLivePullToPushRequest { task_id, region }),
        })
        .boxed()
}

fn list_jobs() -> BoxedStrategy<Op> {
    (
        cluster(),
        opt(s(&["news", "NEWS", "@job0"]), &["a\u{0}"]),
        opt_int(0..=1, &[2, -1]),
        transcode_type(),
        (page(), page_size(), sort_by()),
    )
        .prop_map(
            |(cluster_id, keyword, status, transcode_type, (page_no, page_size, sort_by))| {
                Op::ListJobs(ListEdgeTranscodeJobRequest {
                    cluster_id,
                    keyword,
                    status,
                    transcode_type,
                    page_no,
                    page_size,
                    sort_by,
                })
            },
        )
        .boxed()
}

fn update_job() -> BoxedStrategy<Op> {
    (
        job_cluster(),
        job_ref(),
        opt(s(&["renamed", "新"]), &["x y"]),
        opt(template_id(), &["has space"]),
        opt(s(&["rtmp://in.example.com/live/z"]), BAD_URLS),
        opt(s(&["rtmp://out.example.com/live/z"]), BAD_URLS),
    )
        .prop_map(
            |(cluster_id, job_id, name, template_id, stream_input, stream_output)| {
                Op::UpdateJob(UpdateEdgeTranscodeJobRequest {
                    cluster_id,
                    job_id,
                    name,
                    template_id,
                    stream_input,
                    stream_output,
                })
            },
        )
        .boxed()
}

fn get_template() -> BoxedStrategy<Op> {
    (cluster(), req(template_id(), &["has space"]))
        .prop_map(|(cluster_id, template_id)| {
            Op::GetTemplate(GetEdgeTranscodeTemplateRequest {
                cluster_id,
                template_id,
            })
        })
        .boxed()
}

fn list_templates() -> BoxedStrategy<Op> {
    (
        cluster(),
        opt(s(&["h264", "1080P"]), &["\u{7}"]),
        transcode_type(),
        opt(s(&["H.264", "H.265"]), &["h264"]),
        (page(), page_size(), sort_by()),
    )
        .prop_map(
            |(cluster_id, keyword, transcode_type, video_codec, (page_no, page_size, sort_by))| {
                Op::ListTemplates(ListEdgeTranscodeTemplateRequest {
                    cluster_id,
                    keyword,
                    transcode_type,
                    video_codec,
                    page_no,
                    page_size,
                    sort_by,
                })
            },
        )
        .boxed()
}

fn list_tasks() -> BoxedStrategy<Op> {
    (
        region(),
        opt(s(&["@task0", "0000"]), &["a b"]),
        opt(s(&["news", "NEWS"]), &["\u{1}"]),
        opt(s(&["push.example.com/live/a", "LIVE"]), &["\u{2}"]),
        page(),
        page_size(),
    )
        .prop_map(
            |(region, task_id, task_name, dst_url, page_number, page_size)| {
                Op::ListTasks(DescribeLivePullToPushListRequest {
                    region,
                    task_id,
                    task_name,
                    dst_url,
                    page_number,
                    page_size,
                })
            },
        )
        .boxed()
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => create_job().prop_map(Op::CreateJob),
        2 => job_op(0),
        2 => list_jobs(),
        3 => update_job(),
        3 => job_op(1),
        3 => job_op(2),
        2 => job_op(3),
        1 => get_template(),
        1 => list_templates(),
        3 => create_task().prop_map(Op::CreateTask),
        3 => valid_create_task().prop_map(Op::CreateTask),
        2 => update_task().prop_map(Op::UpdateTask),
        2 => valid_update_task().prop_map(Op::UpdateTask),
        2 => task_op(0),
        3 => task_op(1),
        2 => list_tasks(),
        3 => task_op(2),
        3 => task_op(3),
    ]
}

/// One step of property 2: the account, the operation, how the wire names the action and
/// which ignored parameters come along, and how many seconds pass before it (at least one,
/// so that the wire's default rate limit of 10 pull-to-push calls a second never applies).
#[derive(Debug, Clone)]
struct Step {
    account: &'static str,
    /// Whether the call is made by the account owning the job or task it names.
    follow: bool,
    op: Op,
    action_as_param: bool,
    common: bool,
    rotate: usize,
    step_secs: i64,
}

fn step() -> impl Strategy<Value = Step> {
    step_of(op().boxed())
}

/// A step that creates a job or a task: sequences start with a few, so that ids exist.
fn create_step() -> impl Strategy<Value = Step> {
    step_of(
        prop_oneof![
            1 => create_job().prop_map(Op::CreateJob),
            1 => create_task().prop_map(Op::CreateTask),
            2 => valid_create_task().prop_map(Op::CreateTask),
        ]
        .boxed(),
    )
}

fn step_of(op: BoxedStrategy<Op>) -> impl Strategy<Value = Step> {
    (
        (
            select(&["1001", "1001", "1002"][..]),
            prop::bool::weighted(0.8),
        ),
        op,
        any::<bool>(),
        any::<bool>(),
        0usize..20,
        prop_oneof![
            40 => select(&[1i64, 1, 1, 5, 30, 60, 600, 1800, 3600][..]),
            4 => Just(6 * 3600i64),
            2 => Just(86_400i64),
            1 => Just(8 * 86_400i64),
        ],
    )
        .prop_map(
            |((account, follow), op, action_as_param, common, rotate, step_secs)| Step {
                account,
                follow,
                op,
                action_as_param,
                common,
                rotate,
                step_secs,
            },
        )
}

/// Runs the same steps through the typed methods on one engine and through the wire on
/// another (both built with `config`) and compares every reply, state, event and callback.
fn paths_agree(config: &Config, creates: &[Step], rest: &[Step]) -> Result<(), TestCaseError> {
    let steps: Vec<&Step> = creates.iter().chain(rest).collect();
    let mut typed_engine = Engine::new(config.clone());
    let mut wire_engine = Engine::new(config.clone());
    let mut now = t0();
    let mut jobs: Vec<Known> = Vec::new();
    let mut tasks: Vec<Known> = Vec::new();
    for step in steps {
        now += TimeDelta::seconds(step.step_secs);
        let mut op = step.op.clone();
        let owner = op.resolve(&jobs, &tasks, now);
        let account_name = owner.filter(|_| step.follow).unwrap_or(step.account);
        let account = acct(account_name);
        let (status, body) = op.run_typed(&mut typed_engine, &account, now);

        let mut params = op.params();
        // Every name sent is one the action reads.
        for (name, _) in &params {
            prop_assert!(params_of(op.action()).contains(&name.as_str()), "{}", name);
        }
        if step.common {
            params.extend([
                ("Format".to_owned(), "JSON".to_owned()),
                ("Version".to_owned(), API_VERSION.to_owned()),
                ("Timestamp".to_owned(), "2030-01-01T00:00:00Z".to_owned()),
                ("SignatureNonce".to_owned(), "n1".to_owned()),
                ("RegionId".to_owned(), "cn-hangzhou".to_owned()),
            ]);
        }
        let header = if step.action_as_param {
            params.push(("Action".to_owned(), op.action().to_owned()));
            ""
        } else {
            op.action()
        };
        let n = params.len().max(1);
        params.rotate_left(step.rotate % n);
        let reply = wire_engine.handle_rpc(account_name, header, &as_pairs(&params), now);

        prop_assert_eq!(reply.status(), status, "{:?} {:?}", op, params);
        prop_assert_eq!(reply.body(), body.clone(), "{:?} {:?}", op, params);
        prop_assert_eq!(typed_engine.state(), wire_engine.state());
        prop_assert_eq!(typed_engine.snapshot(), wire_engine.snapshot());
        prop_assert_eq!(typed_engine.drain_events(), reply.events());
        prop_assert_eq!(wire_engine.drain_events(), reply.events());
        prop_assert_eq!(typed_engine.drain_callbacks(), reply.callbacks());
        prop_assert_eq!(wire_engine.drain_callbacks(), reply.callbacks());
        prop_assert!(wire_engine.state().invariants_hold());
        let shape = check_shape(&reply);
        prop_assert_ne!(&shape["Code"], "InternalError");
        if status == 200 {
            let body: Value = serde_json::from_str(&body).unwrap();
            match &op {
                Op::CreateJob(r) => jobs.push((
                    account_name,
                    r.cluster_id.clone().unwrap(),
                    body["JobId"].as_str().unwrap().to_owned(),
                )),
                Op::CreateTask(r) => tasks.push((
                    account_name,
                    r.region.clone().unwrap(),
                    body["TaskId"].as_str().unwrap().to_owned(),
                )),
                _ => {}
            }
        }
    }
    Ok(())
}

/// Small quotas, and account 1002 entitled to nothing: the entitlement and quota codes.
fn restricted(live_service: bool) -> Config {
    let only_1001 = Access::Only(BTreeSet::from([acct("1001")]));
    Config {
        edge_access: only_1001.clone(),
        edge_limits: EdgeLimits {
            max_jobs: 3,
            max_running_jobs: 1,
        },
        task_limits: TaskLimits {
            max_tasks: 2,
            ..TaskLimits::default()
        },
        live_service: if live_service {
            only_1001.clone()
        } else {
            Access::Everyone
        },
        live_domains: only_1001,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn typed_and_wire_paths_agree(
        creates in prop::collection::vec(create_step(), 0..7),
        rest in prop::collection::vec(step(), 1..24),
    ) {
        paths_agree(&Config::default(), &creates, &rest)?;
    }

    #[test]
    fn typed_and_wire_paths_agree_under_quotas_and_entitlements(
        live_service in any::<bool>(),
        creates in prop::collection::vec(create_step(), 0..7),
        rest in prop::collection::vec(step(), 1..24),
    ) {
        paths_agree(&restricted(live_service), &creates, &rest)?;
    }
}

// ---- 3. throttling ------------------------------------------------------------------------------

const THROTTLED: &str = "Throttling.User";
const FLOW_CONTROL: &str = "Request was denied due to user flow control.";

fn throttle_config(throttle: Throttle) -> Config {
    Config {
        throttle,
        ..Config::default()
    }
}

/// Edge: 5 calls a minute; pull-to-push: 3 calls a second.
fn tight() -> Config {
    throttle_config(Throttle {
        edge: Some(Rate {
            calls: 5,
            per_secs: 60,
        }),
        pull_to_push: Some(Rate {
            calls: 3,
            per_secs: 1,
        }),
    })
}

/// A successful edge call (when admitted).
fn edge_call(engine: &mut Engine, account: &str, now: DateTime<Utc>) -> Reply {
    engine.handle_rpc(
        account,
        "ListEdgeTranscodeTemplate",
        &[("ClusterId", "cluster-1")],
        now,
    )
}

/// A successful pull-to-push call (when admitted).
fn p2p_call(engine: &mut Engine, account: &str, now: DateTime<Utc>) -> Reply {
    engine.handle_rpc(
        account,
        "DescribeLivePullToPushList",
        &[("Region", "cn-shanghai")],
        now,
    )
}

/// Asserts a throttled reply that changed nothing at all.
#[track_caller]
fn assert_throttled(engine: &mut Engine, call: impl FnOnce(&mut Engine) -> Reply) {
    let before = engine.state().clone();
    let deadline = engine.next_deadline();
    let reply = call(engine);
    assert_error(&reply, THROTTLED, None);
    assert_eq!(message(&reply), FLOW_CONTROL);
    check_shape(&reply);
    assert!(reply.events().is_empty() && reply.callbacks().is_empty());
    assert_eq!(engine.state(), &before);
    assert_eq!(engine.next_deadline(), deadline);
    assert!(engine.drain_events().is_empty());
    assert!(engine.drain_callbacks().is_empty());
}

#[test]
fn edge_window_admits_exactly_its_calls() {
    let mut engine = Engine::new(tight());
    // T0 is on a minute boundary: the window is [T0, T0 + 60 s).
    for ms in [0, 10_000, 20_000, 30_000, 59_000] {
        assert_ok(&edge_call(&mut engine, "1001", at_ms(ms)));
    }
    assert_throttled(&mut engine, |e| edge_call(e, "1001", at_ms(59_999)));
    assert_throttled(&mut engine, |e| edge_call(e, "1001", at_ms(59_999)));
    // The boundary itself opens the next window, with all 5 calls again.
    for ms in [60_000, 60_000, 61_000, 100_000, 119_999] {
        assert_ok(&edge_call(&mut engine, "1001", at_ms(ms)));
    }
    assert_throttled(&mut engine, |e| edge_call(e, "1001", at_ms(119_999)));
    assert_ok(&edge_call(&mut engine, "1001", at_ms(120_000)));
}

#[test]
fn p2p_window_admits_exactly_its_calls() {
    let mut engine = Engine::new(tight());
    for ms in [0, 500, 999] {
        assert_ok(&p2p_call(&mut engine, "1001", at_ms(ms)));
    }
    assert_throttled(&mut engine, |e| p2p_call(e, "1001", at_ms(999)));
    for ms in [1_000, 1_000, 1_999] {
        assert_ok(&p2p_call(&mut engine, "1001", at_ms(ms)));
    }
    assert_throttled(&mut engine, |e| p2p_call(e, "1001", at_ms(1_999)));
    // Another operation of the family has a counter of its own.
    let stop = engine.handle_rpc("1001", "StopLivePullToPush", &[], at_ms(1_999));
    assert_error(&stop, "MissingParameter", None);
    assert_ok(&p2p_call(&mut engine, "1001", at_ms(2_000)));
}

#[test]
fn windows_are_aligned_on_the_epoch() {
    let mut engine = Engine::new(tight());
    // Half a minute in, the window has 30 s left; at the next minute a new one starts.
    for _ in 0..5 {
        assert_ok(&edge_call(&mut engine, "1001", at(30)));
    }
    assert_throttled(&mut engine, |e| edge_call(e, "1001", at(59)));
    assert_ok(&edge_call(&mut engine, "1001", at(60)));
    // Before 1970 too (whole-second windows, negative timestamps).
    let mut engine = Engine::new(tight());
    let epoch = DateTime::<Utc>::UNIX_EPOCH;
    for _ in 0..3 {
        assert_ok(&p2p_call(
            &mut engine,
            "1001",
            epoch - TimeDelta::milliseconds(500),
        ));
    }
    assert_throttled(&mut engine, |e| {
        p2p_call(e, "1001", epoch - TimeDelta::milliseconds(1))
    });
    assert_ok(&p2p_call(&mut engine, "1001", epoch));
}

#[test]
fn a_throttled_call_lets_no_time_pass() {
    let mut engine = Engine::new(tight());
    let owner = acct("1001");
    // A task starting at T0 + 30 s, with a callback, created through the typed (unthrottled)
    // method.
    let created = engine
        .create_live_pull_to_push(
            &owner,
            &CreateLivePullToPushRequest {
                region: Some("cn-shanghai".into()),
                start_time: Some(fmt(at(30))),
                end_time: Some(fmt(at(7200))),
                source_type: Some("live".into()),
                source_protocol: Some("rtmp".into()),
                source_urls: Some(vec!["rtmp://src.example.com/live/a".into()]),
                dst_url: Some("rtmp://push.example.com/live/a".into()),
                callback_url: Some("https://hooks.example.com/cb".into()),
                ..Default::default()
            },
            at(0),
        )
        .unwrap();
    engine.drain_events();
    for s in [1, 2, 3, 4, 5] {
        assert_ok(&edge_call(&mut engine, "1001", at(s)));
    }
    assert_eq!(engine.next_deadline(), Some(at(30)));
    // At T0 + 40 s the task is due to start, but the throttled calls do not start it.
    assert_throttled(&mut engine, |e| edge_call(e, "1001", at(40)));
    assert_throttled(&mut engine, |e| edge_call(e, "1001", at(45)));
    assert_eq!(engine.next_deadline(), Some(at(30)));
    // The next admitted call (another operation) lets the time pass: the task starts.
    let reply = engine.handle_rpc(
        "1001",
        "DescribeLivePullToPush",
        &[
            ("TaskId", created.task_id.as_str()),
            ("Region", "cn-shanghai"),
        ],
        at(40),
    );
    assert_ok(&reply);
    assert_eq!(json(&reply)["TaskStatus"], 1);
    assert_eq!(reply.events().len(), 1);
    assert_eq!(reply.events()[0].at, at(30));
    assert_eq!(reply.callbacks().len(), 1);
}

#[test]
fn accounts_and_operations_are_counted_apart() {
    let mut engine = Engine::new(tight());
    for _ in 0..5 {
        assert_ok(&edge_call(&mut engine, "1001", at(0)));
    }
    assert_throttled(&mut engine, |e| edge_call(e, "1001", at(1)));
    // Another account: its own 5 calls.
    for _ in 0..5 {
        assert_ok(&edge_call(&mut engine, "1002", at(1)));
    }
    assert_throttled(&mut engine, |e| edge_call(e, "1002", at(1)));
    // The other family of the throttled account: its own 3 calls.
    for _ in 0..3 {
        assert_ok(&p2p_call(&mut engine, "1001", at(1)));
    }
    assert_throttled(&mut engine, |e| p2p_call(e, "1001", at(1)));
    assert_ok(&p2p_call(&mut engine, "1002", at(1)));
    assert_throttled(&mut engine, |e| edge_call(e, "1001", at(2)));
    // Every operation has a counter of its own, at its family's rate (edge 5, pull-to-push
    // 3): each admits exactly that many calls (refused ones too), then throttles.
    let mut engine = Engine::new(tight());
    for (i, action) in ACTIONS.iter().enumerate() {
        let rate = if i < 9 { 5 } else { 3 };
        for _ in 0..rate {
            assert_ne!(
                code(&engine.handle_rpc("1001", action, &[], at(0))),
                THROTTLED,
                "{action}"
            );
        }
        assert_throttled(&mut engine, |e| e.handle_rpc("1001", action, &[], at(0)));
    }
}

#[test]
fn the_rate_counts_when_the_call_arrived_not_at_now() {
    // The lifecycle stands still on a manual clock; the calls arrive a second apart in real
    // time, so each lands in a new window.
    let mut engine = Engine::new(tight());
    let params = [("Region", "cn-shanghai")];
    for real in 0..10 {
        for _ in 0..3 {
            let call = RpcCall::new("1001", "DescribeLivePullToPushList", &params, at(0))
                .arrived_at(at(1000 + real));
            assert_ok(&engine.handle(call));
        }
    }
    // And a manual clock moving fast does not reopen a window the real one is still in.
    let mut engine = Engine::new(tight());
    for manual in 0..3 {
        let call = RpcCall::new(
            "1001",
            "DescribeLivePullToPushList",
            &params,
            at(manual * 60),
        )
        .arrived_at(at(1000));
        assert_ok(&engine.handle(call));
    }
    assert_throttled(&mut engine, |e| {
        e.handle(
            RpcCall::new("1001", "DescribeLivePullToPushList", &params, at(600))
                .arrived_at(at(1000)),
        )
    });
}

#[test]
fn calls_the_gateway_refuses_are_not_counted() {
    let mut engine = Engine::new(tight());
    let long_name = "n".repeat(MAX_NAME_BYTES + 1);
    for _ in 0..10 {
        // Unknown action, bad version, bad account, repeated Action, too many parameters.
        let r = engine.handle_rpc("1001", "ListEdgeTranscodeJobs", &[], at(0));
        assert_error(&r, "InvalidAction.NotFound", None);
        let r = engine.handle_rpc(
            "1001",
            "ListEdgeTranscodeTemplate",
            &[("ClusterId", "c"), ("Version", "2016-11-02")],
            at(0),
        );
        assert_error(&r, "InvalidVersion", None);
        let r = edge_call(&mut engine, "has space", at(0));
        assert_error(&r, "InvalidParameter", Some("AccountId"));
        let r = engine.handle_rpc(
            "1001",
            "",
            &[
                ("Action", "ListEdgeTranscodeTemplate"),
                ("Action", "ListEdgeTranscodeTemplate"),
            ],
            at(0),
        );
        assert_error(&r, "InvalidParameter", Some("Action"));
        let r = engine.handle_rpc(
            "1001",
            "ListEdgeTranscodeTemplate",
            &[(long_name.as_str(), "x")],
            at(0),
        );
        assert_error(&r, "InvalidParameter", None);
    }
    for _ in 0..5 {
        assert_ok(&edge_call(&mut engine, "1001", at(0)));
    }
    // Throttled calls are not counted either: the window stays at 5, the limit.
    for _ in 0..10 {
        assert_throttled(&mut engine, |e| edge_call(e, "1001", at(0)));
    }
    for _ in 0..5 {
        assert_ok(&edge_call(&mut engine, "1001", at(60)));
    }
    assert_throttled(&mut engine, |e| edge_call(e, "1001", at(60)));
}

#[test]
fn throttle_off_never_throttles() {
    let mut engine = Engine::new(throttle_config(Throttle::off()));
    for _ in 0..7_000 {
        assert_ok(&edge_call(&mut engine, "1001", at(0)));
    }
    for _ in 0..200 {
        assert_ok(&p2p_call(&mut engine, "1001", at(0)));
    }
    // One family switched off, the other limited.
    let mut engine = Engine::new(throttle_config(Throttle {
        edge: None,
        pull_to_push: Some(Rate {
            calls: 3,
            per_secs: 1,
        }),
    }));
    for _ in 0..100 {
        assert_ok(&edge_call(&mut engine, "1001", at(0)));
    }
    for _ in 0..3 {
        assert_ok(&p2p_call(&mut engine, "1001", at(0)));
    }
    assert_throttled(&mut engine, |e| p2p_call(e, "1001", at(0)));
}

#[test]
fn a_zero_second_window_is_read_as_one_second() {
    let mut engine = Engine::new(throttle_config(Throttle {
        edge: Some(Rate {
            calls: 2,
            per_secs: 0,
        }),
        pull_to_push: None,
    }));
    assert_ok(&edge_call(&mut engine, "1001", at_ms(0)));
    assert_ok(&edge_call(&mut engine, "1001", at_ms(999)));
    assert_throttled(&mut engine, |e| edge_call(e, "1001", at_ms(999)));
    assert_ok(&edge_call(&mut engine, "1001", at_ms(1000)));
}

#[test]
fn the_default_limits_are_the_documented_ones() {
    assert_eq!(Config::default().throttle, Throttle::default());
    assert_eq!(
        Throttle::default(),
        Throttle {
            edge: Some(Rate {
                calls: 6000,
                per_secs: 60
            }),
            pull_to_push: Some(Rate {
                calls: 10,
                per_secs: 1
            }),
        }
    );
    let mut engine = Engine::new(Config::default());
    // 6,000 edge calls spread over one minute, then the 6,001st in that minute.
    for i in 0..6000 {
        assert_ok(&edge_call(&mut engine, "1001", at_ms(i * 10)));
    }
    assert_throttled(&mut engine, |e| edge_call(e, "1001", at_ms(59_999)));
    assert_ok(&edge_call(&mut engine, "1001", at_ms(60_000)));
    // 10 pull-to-push calls in one second, then the 11th.
    for i in 0..10 {
        assert_ok(&p2p_call(&mut engine, "1001", at_ms(5_000 + i * 99)));
    }
    assert_throttled(&mut engine, |e| p2p_call(e, "1001", at_ms(5_999)));
    assert_ok(&p2p_call(&mut engine, "1001", at_ms(6_000)));
}

#[test]
fn an_earlier_now_does_not_reopen_a_full_window() {
    let mut engine = Engine::new(tight());
    for _ in 0..5 {
        assert_ok(&edge_call(&mut engine, "1001", at(70)));
    }
    assert_throttled(&mut engine, |e| edge_call(e, "1001", at(80)));
    // A call stamped in the previous minute (a clock step back, or requests stamped before
    // they took the engine's lock). Whatever it gets, the window [60 s, 120 s) already
    // holds 5 calls, so a 6th call in it must be refused.
    let _ = edge_call(&mut engine, "1001", at(50));
    let reply = edge_call(&mut engine, "1001", at(90));
    assert_error(&reply, THROTTLED, None);
}

/// One call of the throttle model: who, which family, how long after the previous one, and
/// whether the gateway refuses it before the throttle (a bad `Version`).
#[derive(Debug, Clone)]
struct ThrottleCall {
    account: &'static str,
    edge: bool,
    step_ms: i64,
    bad_version: bool,
}

fn throttle_call() -> impl Strategy<Value = ThrottleCall> {
    (
        select(&["1001", "1002"][..]),
        any::<bool>(),
        prop_oneof![6 => 0i64..200, 2 => 0i64..2_000, 1 => 0i64..90_000],
        prop::bool::weighted(0.1),
    )
        .prop_map(|(account, edge, step_ms, bad_version)| ThrottleCall {
            account,
            edge,
            step_ms,
            bad_version,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// With `now` never going back, the wire admits exactly what a fixed-window counter per
    /// account and family admits.
    #[test]
    fn the_throttle_follows_the_fixed_window_model(
        calls in prop::collection::vec(throttle_call(), 1..80),
    ) {
        let mut engine = Engine::new(tight());
        let mut model: BTreeMap<(&str, bool), (i64, u32)> = BTreeMap::new();
        let mut ms = 0;
        for call in &calls {
            ms += call.step_ms;
            let now = at_ms(ms);
            let (action, mut params) = if call.edge {
                ("ListEdgeTranscodeTemplate", vec![("ClusterId", "cluster-1")])
            } else {
                ("DescribeLivePullToPushList", vec![("Region", "cn-shanghai")])
            };
            if call.bad_version {
                params.push(("Version", "2016-11-02"));
            }
            let reply = engine.handle_rpc(call.account, action, &params, now);
            check_shape(&reply);
            if call.bad_version {
                prop_assert_eq!(code(&reply), "InvalidVersion");
                continue;
            }
            let (limit, per_ms) = if call.edge { (5, 60_000) } else { (3, 1_000) };
            let window = (t0().timestamp_millis() + ms).div_euclid(per_ms);
            let entry = model.entry((call.account, call.edge)).or_insert((window, 0));
            if entry.0 != window {
                *entry = (window, 0);
            }
            if entry.1 < limit {
                entry.1 += 1;
                prop_assert_eq!(reply.status(), 200, "{}", reply.body());
            } else {
                prop_assert_eq!(code(&reply), THROTTLED);
            }
        }
    }
}

// ---- 4. the gateway's order of checks -----------------------------------------------------------

/// A well-formed value of each parameter (the ids need not exist).
fn sample_value(name: &str) -> &'static str {
    match name {
        "ClusterId" => "cluster-1",
        "Name" | "Keyword" | "TaskName" => "news",
        "TemplateId" => TEMPLATES[0],
        "StreamInput" => "rtmp://in.example.com/live/a",
        "StreamOutput" => "rtmp://out.example.com/live/a",
        "JobId" => "0123456789abcdef0123456789abcdef",
        "Status" | "Offset" | "PageNo" | "PageNumber" | "RepeatNumber" => "1",
        "FileIndex" | "RetryCount" => "0",
        "Type" => "common",
        "VideoCodec" => "H.264",
        "PageSize" => "10",
        "SortBy" => "asc",
        "Region" => "cn-shanghai",
        "StartTime" => "2030-01-01T01:00:00Z",
        "EndTime" => "2030-01-01T02:00:00Z",
        "SourceType" => "url",
        "SourceProtocol" => "flv",
        "SourceUrls" => r#"["https://cdn.example.com/a.mp4","https://cdn.example.com/b.flv"]"#,
        "DstUrl" => "rtmp://push.example.com/live/a",
        "CallbackUrl" => "https://hooks.example.com/cb",
        "RetryInterval" => "60",
        "TaskId" => "00000000-0000-4000-8000-000000000000",
        other => panic!("no sample value for {other}"),
    }
}

/// The required parameters of each action, in its order (README operation tables).
fn required_of(action: &str) -> &'static [&'static str] {
    match action {
        "CreateEdgeTranscodeJob" => params_of(action),
        "GetEdgeTranscodeJob"
        | "UpdateEdgeTranscodeJob"
        | "StartEdgeTranscodeJob"
        | "StopEdgeTranscodeJob"
        | "DeleteEdgeTranscodeJob" => &["ClusterId", "JobId"],
        "GetEdgeTranscodeTemplate" => &["ClusterId", "TemplateId"],
        "ListEdgeTranscodeJob" | "ListEdgeTranscodeTemplate" => &["ClusterId"],
        "CreateLivePullToPush" => &[
            "Region",
            "StartTime",
            "EndTime",
            "SourceType",
            "SourceUrls",
            "DstUrl",
        ],
        "DescribeLivePullToPushList" => &["Region"],
        _ => &["TaskId", "Region"],
    }
}

/// The required parameters of `action` with well-formed values.
fn base_params(action: &str) -> Vec<(String, String)> {
    required_of(action)
        .iter()
        .map(|n| ((*n).to_owned(), sample_value(n).to_owned()))
        .collect()
}

fn with(mut params: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    params.retain(|(n, _)| n != name);
    params.push((name.to_owned(), value.to_owned()));
    params
}

fn without(mut params: Vec<(String, String)>, name: &str) -> Vec<(String, String)> {
    params.retain(|(n, _)| n != name);
    params
}

fn rpc(action: &str, params: &[(String, String)]) -> Reply {
    Engine::new(Config::default()).handle_rpc("1001", action, &as_pairs(params), at(0))
}

#[test]
fn the_base_calls_pass_the_gateway_and_validation() {
    for action in ACTIONS {
        let reply = rpc(action, &base_params(action));
        check_shape(&reply);
        // Nothing exists yet, so lookups fail; but no parameter is missing or invalid.
        assert!(
            !matches!(
                code(&reply).as_str(),
                "MissingParameter" | "InvalidParameter" | "InvalidAction.NotFound"
            ),
            "{action}: {}",
            reply.body()
        );
    }
}

/// An engine with a task due to start at T0 + 30 s (callback set), for checking that a call
/// the gateway refuses at T0 + 40 s lets no time pass.
fn engine_with_due_task() -> Engine {
    let mut engine = Engine::new(Config::default());
    engine
        .create_live_pull_to_push(
            &acct("1001"),
            &CreateLivePullToPushRequest {
                region: Some("cn-shanghai".into()),
                start_time: Some(fmt(at(30))),
                end_time: Some(fmt(at(7200))),
                source_type: Some("url".into()),
                source_urls: Some(vec!["https://cdn.example.com/a.mp4".into()]),
                dst_url: Some("rtmp://push.example.com/live/a".into()),
                callback_url: Some("https://hooks.example.com/cb".into()),
                ..Default::default()
            },
            at(0),
        )
        .unwrap();
    engine.drain_events();
    engine
}

/// Runs a call the gateway must refuse with `expected` (naming `field`), on an engine with a
/// task due, and checks that nothing at all happened.
#[track_caller]
fn gateway_refuses(
    account: &str,
    action: &str,
    params: &[(&str, &str)],
    expected: &str,
    field: Option<&str>,
) {
    let mut engine = engine_with_due_task();
    let before = engine.state().clone();
    let reply = engine.handle_rpc(account, action, params, at(40));
    check_shape(&reply);
    assert_error(&reply, expected, field);
    assert_eq!(engine.state(), &before, "time passed on a gateway refusal");
    assert!(reply.events().is_empty() && reply.callbacks().is_empty());
    assert_eq!(engine.next_deadline(), Some(at(30)));
}

#[test]
fn a_missing_action_is_missing_parameter() {
    gateway_refuses("1001", "", &[], "MissingParameter", Some("Action"));
    gateway_refuses(
        "1001",
        "",
        &[("ClusterId", "cluster-1"), ("Format", "JSON")],
        "MissingParameter",
        Some("Action"),
    );
    gateway_refuses(
        "1001",
        "",
        &[("Action", "")],
        "MissingParameter",
        Some("Action"),
    );
    // Before the version and the account.
    gateway_refuses(
        "",
        "",
        &[("Version", "2016-11-02")],
        "MissingParameter",
        Some("Action"),
    );
    let r = rpc("", &[]);
    assert_eq!(
        message(&r),
        "The input parameter \"Action\" that is mandatory for processing this request is not supplied."
    );
}

#[test]
fn an_unknown_action_is_404_whatever_else_is_wrong() {
    let bad_params: &[(&str, &str)] = &[
        ("ClusterId", "a"),
        ("ClusterId", "b"),
        ("Version", "1999-01-01"),
        ("PageNo", "x"),
    ];
    for name in [
        "listedgetranscodejob",
        "ListEdgeTranscodeJobs",
        "DescribeLiveStreamsOnlineList",
        " ListEdgeTranscodeJob",
        "ListEdgeTranscodeJob ",
        "ListEdgeTranscodeJob\u{0}",
        "Action",
        "🎥",
    ] {
        gateway_refuses("1001", name, bad_params, "InvalidAction.NotFound", None);
        gateway_refuses("", name, &[], "InvalidAction.NotFound", None);
        let mut params = bad_params.to_vec();
        params.push(("Action", name));
        gateway_refuses("has space", "", &params, "InvalidAction.NotFound", None);
    }
    let r = rpc("Nope", &[]);
    assert_eq!(r.status(), 404);
    assert_eq!(
        message(&r),
        "Specified api is not found, please check your url and method."
    );
}

#[test]
fn the_version_must_be_2016_11_01_when_sent() {
    for action in ACTIONS {
        // Before the account and before the action's own parameters.
        gateway_refuses(
            "has space",
            action,
            &[("Version", "2016-11-02")],
            "InvalidVersion",
            None,
        );
        let base = base_params(action);
        let ok = as_pairs(&base);
        let mut versioned = ok.clone();
        versioned.push(("Version", API_VERSION));
        let a = Engine::new(Config::default()).handle_rpc("1001", action, &ok, at(0));
        let b = Engine::new(Config::default()).handle_rpc("1001", action, &versioned, at(0));
        assert_eq!(a, b, "{action}: Version sent or not, the same reply");
        assert_ne!(code(&a), "InvalidVersion");
    }
    let r = rpc(
        "ListEdgeTranscodeTemplate",
        &[("Version".into(), "2014-01-01".into())],
    );
    assert_eq!(message(&r), "Specified parameter Version is not valid.");
}

#[test]
fn a_repeated_action_or_version_is_invalid_parameter() {
    let action = "ListEdgeTranscodeTemplate";
    for (name, value) in [("Action", action), ("Version", API_VERSION)] {
        let mut params = vec![("ClusterId", "cluster-1"), (name, value), (name, value)];
        let header = if name == "Action" { "" } else { action };
        gateway_refuses("1001", header, &params, "InvalidParameter", Some(name));
        params.push(("Version", "2016-11-02"));
        params.retain(|p| *p != ("Version", API_VERSION) || name == "Version");
        let mut engine = Engine::new(Config::default());
        let r = engine.handle_rpc("1001", header, &params, at(0));
        assert_error(&r, "InvalidParameter", Some(name));
        assert!(message(&r).contains("must be sent only once"));
    }
}

#[test]
fn repeated_ignored_parameters_stay_ignored() {
    for action in ACTIONS {
        let mut params = base_params(action);
        let reference = rpc(action, &params);
        for name in [
            "Timestamp",
            "SignatureNonce",
            "Format",
            "RegionId",
            "NoSuchParam",
        ] {
            params.push((name.to_owned(), "x".to_owned()));
            params.push((name.to_owned(), "y".to_owned()));
        }
        // A parameter of another action is ignored too, however often it is sent.
        for other in all_param_names() {
            if !params_of(action).contains(&other) && !COMMON_PARAMS.contains(&other) {
                params.push((other.to_owned(), "1".to_owned()));
                params.push((other.to_owned(), "2".to_owned()));
            }
        }
        assert_eq!(rpc(action, &params), reference, "{action}");
    }
}

/// A parameter the action reads, sent twice, is InvalidParameter "must be sent only once"
/// (README, "Repeated parameters"), for every parameter of every action: optional ones here.
#[test]
fn a_repeated_optional_parameter_is_invalid_parameter() {
    for action in ACTIONS {
        for name in params_of(action) {
            if required_of(action).contains(name) {
                continue;
            }
            let mut params = base_params(action);
            params.push(((*name).to_owned(), sample_value(name).to_owned()));
            params.push(((*name).to_owned(), sample_value(name).to_owned()));
            let r = rpc(action, &params);
            assert_error(&r, "InvalidParameter", Some(name));
            assert!(
                message(&r).contains("must be sent only once"),
                "{action} {name}"
            );
        }
    }
}

/// The same for the required parameters: the parameter was sent, so it is not missing.
#[test]
fn a_repeated_required_parameter_is_invalid_parameter() {
    let mut wrong = Vec::new();
    for action in ACTIONS {
        for name in required_of(action) {
            let mut params = base_params(action);
            params.push(((*name).to_owned(), sample_value(name).to_owned()));
            let r = rpc(action, &params);
            if code(&r) != "InvalidParameter"
                || !message(&r).contains(&format!("\"{name}\" is invalid: must be sent only once"))
            {
                wrong.push(format!("{action} {name}: {}", message(&r)));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn bounds_come_before_everything() {
    let many: Vec<(String, String)> = (0..=MAX_PARAMS)
        .map(|i| (format!("X{i}"), "v".to_owned()))
        .collect();
    assert_eq!(many.len(), 201);
    let many = as_pairs(&many);
    for (account, action) in [
        ("1001", "ListEdgeTranscodeTemplate"),
        ("1001", "NoSuchAction"),
        ("1001", ""),
        ("", "NoSuchAction"),
    ] {
        gateway_refuses(
            account,
            action,
            &many,
            "InvalidParameter",
            Some("Parameters"),
        );
    }
    // 200 are fine.
    let mut fine = many[..MAX_PARAMS - 1].to_vec();
    fine.push(("ClusterId", "cluster-1"));
    assert_ok(&rpc_pairs("ListEdgeTranscodeTemplate", &fine));

    let long_name = "n".repeat(MAX_NAME_BYTES + 1);
    let wide_name = "é".repeat(65); // 65 characters, 130 bytes
    for name in [long_name.as_str(), wide_name.as_str()] {
        gateway_refuses(
            "",
            "NoSuchAction",
            &[(name, "v")],
            "InvalidParameter",
            Some("Parameters"),
        );
    }
    let max_name = "n".repeat(MAX_NAME_BYTES);
    assert_ok(&rpc_pairs(
        "ListEdgeTranscodeTemplate",
        &[("ClusterId", "cluster-1"), (max_name.as_str(), "v")],
    ));

    let huge = "v".repeat(MAX_VALUE_BYTES + 1);
    gateway_refuses(
        "",
        "NoSuchAction",
        &[("Signature", huge.as_str())],
        "InvalidParameter",
        Some("Signature"),
    );
    let max = "v".repeat(MAX_VALUE_BYTES);
    assert_ok(&rpc_pairs(
        "ListEdgeTranscodeTemplate",
        &[("ClusterId", "cluster-1"), ("Signature", max.as_str())],
    ));
    assert_eq!(
        (MAX_PARAMS, MAX_NAME_BYTES, MAX_VALUE_BYTES),
        (200, 128, 256 * 1024)
    );
}

fn rpc_pairs(action: &str, params: &[(&str, &str)]) -> Reply {
    Engine::new(Config::default()).handle_rpc("1001", action, params, at(0))
}

#[test]
fn the_account_must_be_a_valid_account_id() {
    let long = "a".repeat(129);
    for account in [
        "",
        "has space",
        " 1001",
        "1001\n",
        "ü",
        long.as_str(),
        "\u{0}",
    ] {
        for action in ACTIONS {
            gateway_refuses(
                account,
                action,
                &as_pairs(&base_params(action)),
                "InvalidParameter",
                Some("AccountId"),
            );
        }
    }
    let max = "~".repeat(128);
    assert_ok(&Engine::new(Config::default()).handle_rpc(
        &max,
        "ListEdgeTranscodeTemplate",
        &[("ClusterId", "c")],
        at(0),
    ));
}

// ---- 5. integer and list forms ------------------------------------------------------------------

#[test]
fn integers_in_the_wrong_form_are_invalid_parameter() {
    for (action, field) in INT_PARAMS {
        for bad in [
            "1.5", "0x10", "1e3", " 1", "1 ", "", "-", "+", "١", "1_000", "٣",
        ] {
            let r = rpc(action, &with(base_params(action), field, bad));
            assert_error(&r, "InvalidParameter", Some(field));
            assert!(
                message(&r).ends_with("is invalid: must be an integer."),
                "{action} {field}={bad:?}: {}",
                message(&r)
            );
        }
        for huge in [
            "9223372036854775808",
            "-9223372036854775809",
            "99999999999999999999999",
        ] {
            let r = rpc(action, &with(base_params(action), field, huge));
            assert_error(&r, "InvalidParameter", Some(field));
            assert!(
                message(&r).ends_with("is invalid: is out of range."),
                "{action} {field}={huge}: {}",
                message(&r)
            );
        }
    }
}

#[test]
fn a_sign_and_leading_zeros_are_accepted() {
    for (action, field) in INT_PARAMS {
        let seven = rpc(action, &with(base_params(action), field, "7"));
        assert!(
            !message(&seven).contains("must be an integer"),
            "{action} {field}"
        );
        for same in ["+7", "007", "+007", "0000000000000000000000007"] {
            // Fresh engines draw the same request ids: the replies are equal byte for byte.
            assert_eq!(
                rpc(action, &with(base_params(action), field, same)),
                seven,
                "{action} {field}={same}"
            );
        }
        let zero = rpc(action, &with(base_params(action), field, "0"));
        assert_eq!(rpc(action, &with(base_params(action), field, "-0")), zero);
        assert_eq!(rpc(action, &with(base_params(action), field, "+0")), zero);
    }
    // And a value they make valid is accepted as such.
    for (action, field, text) in [
        ("ListEdgeTranscodeJob", "Status", "+01"),
        ("ListEdgeTranscodeJob", "PageSize", "0100"),
        ("ListEdgeTranscodeTemplate", "PageNo", "+2"),
        ("DescribeLivePullToPushList", "PageNumber", "007"),
        ("DescribeLivePullToPushList", "PageSize", "+10"),
        ("DescribeLivePullToPushList", "PageSize", "+10"),
        ("CreateLivePullToPush", "RepeatNumber", "-01"),
        ("CreateLivePullToPush", "Offset", "+7"),
        ("CreateLivePullToPush", "FileIndex", "+001"),
        ("CreateLivePullToPush", "RetryCount", "+7"),
        ("CreateLivePullToPush", "RetryInterval", "0070"),
    ] {
        assert_ok(&rpc(action, &with(base_params(action), field, text)));
    }
    let r = rpc(
        "ListEdgeTranscodeJob",
        &with(base_params("ListEdgeTranscodeJob"), "PageSize", "0100"),
    );
    assert_eq!(json(&r)["TotalCount"], 0);
}

#[test]
fn source_urls_must_be_a_json_array_of_strings() {
    for action in ["CreateLivePullToPush", "UpdateLivePullToPush"] {
        for bad in [
            "https://cdn.example.com/a.mp4",
            "\"https://cdn.example.com/a.mp4\"",
            "{}",
            "{\"a\":\"b\"}",
            "[1]",
            "[\"a\",1]",
            "[[\"a\"]]",
            "[null]",
            "null",
            "true",
            "[",
            "[\"a\"] x",
            "['a']",
            "[\"a\",]",
            &"[".repeat(100_000),
            &format!("{}\"a\"{}", "[".repeat(5_000), "]".repeat(5_000)),
        ] {
            let r = rpc(action, &with(base_params(action), "SourceUrls", bad));
            assert_error(&r, "InvalidParameter", Some("SourceUrls"));
            assert!(
                message(&r).ends_with("must be a JSON array of strings."),
                "{action} {bad}: {}",
                message(&r)
            );
        }
    }
    // An empty value is not sent: required on Create, nothing to change on Update.
    let r = rpc(
        "CreateLivePullToPush",
        &with(base_params("CreateLivePullToPush"), "SourceUrls", ""),
    );
    assert_error(&r, "MissingParameter", Some("SourceUrls"));
    let empty = rpc(
        "UpdateLivePullToPush",
        &with(base_params("UpdateLivePullToPush"), "SourceUrls", ""),
    );
    let absent = rpc("UpdateLivePullToPush", &base_params("UpdateLivePullToPush"));
    assert_eq!(empty, absent);
    // An empty array is an array: the request's own rule refuses it.
    let r = rpc(
        "CreateLivePullToPush",
        &with(base_params("CreateLivePullToPush"), "SourceUrls", "[]"),
    );
    assert_error(&r, "InvalidParameter", Some("SourceUrls"));
    assert!(!message(&r).contains("JSON array"));
    // JSON escapes and whitespace are JSON.
    assert_ok(&rpc(
        "CreateLivePullToPush",
        &with(
            base_params("CreateLivePullToPush"),
            "SourceUrls",
            " [ \"https:\\/\\/cdn.example.com\\/a.mp4\" ] ",
        ),
    ));
}

#[test]
fn a_missing_parameter_beats_a_malformed_integer() {
    for (action, field) in INT_PARAMS {
        for missing in required_of(action) {
            let params = with(without(base_params(action), missing), field, "1.5");
            let r = rpc(action, &params);
            assert_error(&r, "MissingParameter", Some(missing));
        }
    }
    // And a malformed list or a repeated parameter.
    let create = base_params("CreateLivePullToPush");
    let r = rpc(
        "CreateLivePullToPush",
        &with(without(create.clone(), "DstUrl"), "SourceUrls", "x"),
    );
    assert_error(&r, "MissingParameter", Some("DstUrl"));
    let mut repeated = without(create, "Region");
    repeated.push(("RetryCount".into(), "1".into()));
    repeated.push(("RetryCount".into(), "1".into()));
    let r = rpc("CreateLivePullToPush", &repeated);
    assert_error(&r, "MissingParameter", Some("Region"));
}

#[test]
fn a_malformed_integer_beats_the_request_rules() {
    // ClusterId breaks its rule, PageNo is not an integer: the form problem wins.
    let params = with(
        with(
            base_params("ListEdgeTranscodeJob"),
            "ClusterId",
            "has space",
        ),
        "PageNo",
        "1.5",
    );
    assert_error(
        &rpc("ListEdgeTranscodeJob", &params),
        "InvalidParameter",
        Some("PageNo"),
    );
    // Two form problems: the first in the action's parameter order.
    let params = with(
        with(base_params("ListEdgeTranscodeJob"), "PageSize", "x"),
        "Status",
        "y",
    );
    assert_error(
        &rpc("ListEdgeTranscodeJob", &params),
        "InvalidParameter",
        Some("Status"),
    );
    // A bad integer beats a cross-field rule (a window that ends before it starts).
    let params = with(
        with(
            base_params("CreateLivePullToPush"),
            "EndTime",
            "2030-01-01T00:30:00Z",
        ),
        "RetryCount",
        "3.0",
    );
    assert_error(
        &rpc("CreateLivePullToPush", &params),
        "InvalidParameter",
        Some("RetryCount"),
    );
    // In range for 64 bits but not for the field: the field's own rule.
    let r = rpc(
        "ListEdgeTranscodeJob",
        &with(base_params("ListEdgeTranscodeJob"), "PageSize", "101"),
    );
    assert_error(&r, "InvalidParameter", Some("PageSize"));
    assert!(!message(&r).contains("must be an integer"));
}

// ---- 6. Send, snapshots -------------------------------------------------------------------------

/// `Engine` can move into a server's shared state.
const _: fn() = || {
    fn assert_send<T: Send>() {}
    assert_send::<Engine>();
    assert_send::<Reply>();
};

#[test]
fn snapshots_serialize_after_wire_calls() {
    let mut engine = Engine::new(Config::default());
    let create = with(
        with(
            base_params("CreateLivePullToPush"),
            "CallbackUrl",
            "https://hooks.example.com/cb",
        ),
        "TaskName",
        "晚间\u{2028}\"新闻\"",
    );
    let r = engine.handle_rpc("1001", "CreateLivePullToPush", &as_pairs(&create), at(0));
    assert_ok(&r);
    let r = engine.handle_rpc(
        "1001",
        "CreateEdgeTranscodeJob",
        &as_pairs(&base_params("CreateEdgeTranscodeJob")),
        at(1),
    );
    assert_ok(&r);
    let job = json(&r)["JobId"].as_str().unwrap().to_owned();
    let r = engine.handle_rpc(
        "1001",
        "StartEdgeTranscodeJob",
        &[("ClusterId", "cluster-1"), ("JobId", job.as_str())],
        at(2),
    );
    assert_ok(&r);
    engine.handle_rpc("1001", "NoSuchAction", &[], at(3));
    // The task starts at 01:00 and ends at 02:00: let it run, then exit.
    let r = engine.handle_rpc(
        "1002",
        "DescribeLivePullToPushList",
        &[("Region", "cn-shanghai")],
        at(3 * 3600),
    );
    assert_ok(&r);
    assert_eq!(r.events().len(), 2, "the start and the end of 1001's task");
    assert_eq!(r.callbacks().len(), 2);

    let snapshot = engine.snapshot();
    assert_eq!(snapshot.requests_answered, 5);
    let text = serde_json::to_string(&snapshot).unwrap();
    let back: Snapshot = serde_json::from_str(&text).unwrap();
    // The timer queue is derived and left out of the JSON (a restore rebuilds it), so the
    // deserialized snapshot is compared through its JSON and through a restore.
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
    let mut restored = Engine::restore(Config::default(), back);
    assert_eq!(restored.state(), engine.state());
    assert_eq!(restored.next_deadline(), engine.next_deadline());
    // The restored engine answers the next call exactly as the original does.
    let params = [("Region", "cn-shanghai")];
    let a = engine.handle_rpc("1001", "DescribeLivePullToPushList", &params, at(4 * 3600));
    let b = restored.handle_rpc("1001", "DescribeLivePullToPushList", &params, at(4 * 3600));
    assert_eq!(a, b);
    // The engine moves to another thread and keeps working there.
    let handle = std::thread::spawn(move || {
        let r = engine.handle_rpc("1001", "DescribeLivePullToPushList", &params, at(5 * 3600));
        (
            r.status(),
            serde_json::to_string(&engine.snapshot()).unwrap(),
        )
    });
    let (status, _) = handle.join().unwrap();
    assert_eq!(status, 200);
}

// ---- printed times ------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// The wire prints times by hand (no allocation); what it prints is what chrono's own
    /// formatting prints, for every time in the years 0000–9999 (outside, it clamps).
    #[test]
    fn printed_times_agree_with_chrono(secs in -62_167_219_200i64..253_402_300_800i64, nanos in 0u32..1_000_000_000) {
        let time = DateTime::<Utc>::from_timestamp(secs, nanos).unwrap();
        prop_assert_eq!(
            live_lifecycle::time::format_utc(&time),
            time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
        );
    }
}
