//! Property tests of the RPC wire (`Engine::handle_rpc`).
//!
//! 1. `arbitrary_calls_never_break_the_wire`: sequences of arbitrary calls (actions from
//!    `ACTIONS`, near misses, `""` and arbitrary text; parameters named after every real
//!    parameter, the common ones and arbitrary text, with arbitrary values) against one engine
//!    with a moving `now`. Every reply is JSON; a success is an object with a `RequestId`; an
//!    error has exactly the documented five keys, a documented code and the status the README
//!    "Error codes" table gives it; the state's invariants hold; a refusal changes nothing
//!    but what time alone would change; the reply's events and callbacks are the engine's.
//! 2. `typed_and_wire_paths_agree`: the same sequence of mostly valid requests of all 16
//!    operations through the typed methods on one engine and through `handle_rpc` with the
//!    equivalent string parameters on another: same status, same body byte for byte, same
//!    states, events and callbacks.
//! 3. Throttling (`Config.throttle`): exact window counts, the boundary, the refused call
//!    changing nothing (not even time), accounts and families apart, gateway refusals not
//!    counted, `Throttle::off()`, the documented defaults; plus a model-based property.
//! 4. The gateway's order of checks: bounds, `Action`, `Version`, repeated parameters, account.
//! 5. Integer and list forms of every integer parameter of every action, and precedence.
//! 6. `Engine` is `Send`; snapshots serialize after wire calls.
//!
//! Cases: `PROPTEST_CASES` if set, else the defaults below; the file runs in a few seconds in
//! debug.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{DateTime, TimeDelta, Utc};
use live_lifecycle::edge::{
    CreateEdgeTranscodeJobRequest, DeleteEdgeTranscodeJobRequest, GetEdgeTranscodeJobRequest,
    GetEdgeTranscodeTemplateRequest, ListEdgeTranscodeJobRequest, ListEdgeTranscodeTemplateRequest,
    StartEdgeTranscodeJobRequest, StopEdgeTranscodeJobRequest, UpdateEdgeTranscodeJobRequest,
};
use live_lifecycle::ids::AccountId;
use live_lifecycle::pull_to_push::{
    CreateLivePullToPushRequest, DeleteLivePullToPushRequest, DescribeLivePullToPushListRequest,
    DescribeLivePullToPushRequest, RestartLivePullToPushRequest, StopLivePullToPushRequest,
    UpdateLivePullToPushRequest,
};
use live_lifecycle::{
    ACTIONS, API_VERSION, Config, Engine, MAX_NAME_BYTES, MAX_PARAMS, MAX_VALUE_BYTES, Rate,
    Rejection, Reply, Snapshot, Throttle,
};
use proptest::prelude::*;
use proptest::sample::{Index, select, subsequence};
use serde::Serialize;
use serde_json::Value;

// ---- shared ----------------------------------------------------------------------------------

/// Cases of the heavier properties when `PROPTEST_CASES` is not set.
const DEFAULT_CASES: u32 = 96;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

const README: &str = include_str!("../README.md");

/// The 20 documented codes and their HTTP statuses, as hard-coded here; checked against the
/// README's "Error codes" table by `error_code_table_matches_readme`.
const CODES: &[(&str, u16)] = &[
    ("MissingParameter", 400),
    ("InvalidParameter", 400),
    ("UserTaskExceed", 400),
    ("OperationDenied", 403),
    ("Forbidden", 403),
    ("UserQuotaExceed", 403),
    ("JobNotFound", 404),
    ("TemplateNotFound", 404),
    ("InternalError", 500),
    ("InvalidParam.CodeIllegalDuration", 400),
    ("CodeTaskNotExist", 400),
    ("CodeTaskHasStarted", 400),
    ("CodeTaskHasStopped", 400),
    ("CodeTaskLimitExceeded", 400),
    ("CodeDstUrlOccupied", 400),
    ("LiveServiceNotFound", 400),
    ("CodeInvalidAliUid", 400),
    ("InvalidAction.NotFound", 404),
    ("InvalidVersion", 400),
    ("Throttling.User", 400),
];

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
    serde_json::from_str(&reply.body_json()).unwrap_or_else(|e| {
        panic!("body is not JSON ({e}): {:?}", reply.body_json());
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
        reply.body_json()
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
    assert_eq!(reply.status(), 200, "body {}", reply.body_json());
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

/// The parameters each action reads, by wire name, from the README's operation tables.
const ACTION_PARAMS: &[(&str, &[&str])] = &[
    (
        "CreateEdgeTranscodeJob",
        &[
            "ClusterId",
            "Name",
            "TemplateId",
            "StreamInput",
            "StreamOutput",
        ],
    ),
    ("GetEdgeTranscodeJob", &["ClusterId", "JobId"]),
    (
        "ListEdgeTranscodeJob",
        &[
            "ClusterId",
            "Keyword",
            "Status",
            "Type",
            "PageNo",
            "PageSize",
            "SortBy",
        ],
    ),
    (
        "UpdateEdgeTranscodeJob",
        &[
            "ClusterId",
            "JobId",
            "Name",
            "TemplateId",
            "StreamInput",
            "StreamOutput",
        ],
    ),
    ("StartEdgeTranscodeJob", &["ClusterId", "JobId"]),
    ("StopEdgeTranscodeJob", &["ClusterId", "JobId"]),
    ("DeleteEdgeTranscodeJob", &["ClusterId", "JobId"]),
    ("GetEdgeTranscodeTemplate", &["ClusterId", "TemplateId"]),
    (
        "ListEdgeTranscodeTemplate",
        &[
            "ClusterId",
            "Keyword",
            "Type",
            "VideoCodec",
            "PageNo",
            "PageSize",
            "SortBy",
        ],
    ),
    (
        "CreateLivePullToPush",
        &[
            "Region",
            "TaskName",
            "StartTime",
            "EndTime",
            "SourceType",
            "SourceProtocol",
            "SourceUrls",
            "DstUrl",
            "CallbackUrl",
            "RepeatNumber",
            "Offset",
            "FileIndex",
            "RetryCount",
            "RetryInterval",
        ],
    ),
    (
        "UpdateLivePullToPush",
        &[
            "TaskId",
            "Region",
            "StartTime",
            "EndTime",
            "SourceUrls",
            "RepeatNumber",
            "Offset",
            "CallbackUrl",
            "FileIndex",
        ],
    ),
    ("DeleteLivePullToPush", &["TaskId", "Region"]),
    ("DescribeLivePullToPush", &["TaskId", "Region"]),
    (
        "DescribeLivePullToPushList",
        &[
            "Region",
            "TaskId",
            "TaskName",
            "DstUrl",
            "PageNumber",
            "PageSize",
        ],
    ),
    ("StopLivePullToPush", &["TaskId", "Region"]),
    ("RestartLivePullToPush", &["TaskId", "Region"]),
];

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

// ---- 1. arbitrary calls ------------------------------------------------------------------------

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

fn param_name() -> impl Strategy<Value = String> {
    let names = all_param_names();
    prop_oneof![
        8 => select(names).prop_map(str::to_owned),
        1 => select(&["clusterid", "ClusterID", "CallbackURL", "Sourceurls", "action", "version", " Action", "Action "][..])
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
        6 => select(&["CreateEdgeTranscodeJob", "CreateLivePullToPush"][..]).prop_map(str::to_owned),
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
            lit("SourceUrls", r#"["https://cdn.example.com/a.mp4","https://cdn.example.com/b.flv"]"#),
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
            reply.body_json()
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
                    params.insert(i.index(params.len() + 1), ("Action".into(), call.action.clone()));
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
