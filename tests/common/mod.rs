//! Shared by `tests/coverage.rs`, `tests/bad_input.rs`, `tests/wire_props.rs`,
//! `tests/wire_golden.rs` and `tests/readme.rs`: one call, given as the wire's
//! string parameters, sent either as the typed request (`Engine::create_edge_transcode_job`
//! and the 15 others) or through `Engine::handle_rpc`, and what came back; a misbehaving id
//! generator; and a small reader of the README's tables.

#![allow(dead_code)]

use chrono::{DateTime, Utc};
use live_lifecycle::edge::{
    CreateEdgeTranscodeJobRequest, DeleteEdgeTranscodeJobRequest, GetEdgeTranscodeJobRequest,
    GetEdgeTranscodeTemplateRequest, ListEdgeTranscodeJobRequest, ListEdgeTranscodeTemplateRequest,
    StartEdgeTranscodeJobRequest, StopEdgeTranscodeJobRequest, UpdateEdgeTranscodeJobRequest,
};
use live_lifecycle::ids::{AccountId, IdGenerator, IdKind, SeededIds};
use live_lifecycle::pull_to_push::{
    CreateLivePullToPushRequest, DeleteLivePullToPushRequest, DescribeLivePullToPushListRequest,
    DescribeLivePullToPushRequest, RestartLivePullToPushRequest, StopLivePullToPushRequest,
    UpdateLivePullToPushRequest,
};
use live_lifecycle::{ApiError, Engine, Rejection};
use serde::Serialize;
use serde_json::{Map, Value};

pub const README: &str = include_str!("../../README.md");

/// The parameters each action reads, by wire name (README, the operation tables).
pub const ACTION_PARAMS: &[(&str, &[&str])] = &[
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

/// The integer parameters (README, "The RPC wire", Integers).
pub const INT_PARAMS: &[&str] = &[
    "Status",
    "PageNo",
    "PageSize",
    "PageNumber",
    "RepeatNumber",
    "Offset",
    "FileIndex",
    "RetryCount",
    "RetryInterval",
];

/// The parameters `action` reads.
pub fn params_of(action: &str) -> &'static [&'static str] {
    ACTION_PARAMS
        .iter()
        .find(|(a, _)| *a == action)
        .map(|(_, p)| *p)
        .unwrap_or_else(|| panic!("no action {action}"))
}

/// Owned parameter pairs from borrowed ones.
pub fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

/// What a call got: the status, `"OK"` or the error code, the field a `MissingParameter` or
/// `InvalidParameter` names, and the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: u16,
    pub code: String,
    pub field: Option<String>,
    pub body: Value,
}

impl Outcome {
    /// The comparable part: status, code and field (the bodies differ in their RequestId).
    pub fn key(&self) -> (u16, &str, Option<&str>) {
        (self.status, self.code.as_str(), self.field.as_deref())
    }
}

/// The field named by a message of `MissingParameter` or `InvalidParameter`: the text
/// between the first two double quotes (`The parameter "Name" is invalid: …`).
pub fn field_in_message(message: &str) -> Option<String> {
    let rest = message.split_once('"')?.1;
    Some(rest.split_once('"')?.0.to_owned())
}

fn typed_outcome<T: Serialize>(result: Result<T, Rejection>) -> Outcome {
    match result {
        Ok(reply) => Outcome {
            status: 200,
            code: "OK".to_owned(),
            field: None,
            body: serde_json::to_value(&reply).unwrap(),
        },
        Err(rejection) => Outcome {
            status: rejection.http_status(),
            code: rejection.code().to_owned(),
            field: match &rejection.error {
                ApiError::MissingParameter { field } | ApiError::InvalidParameter { field, .. } => {
                    Some(field.to_string())
                }
                _ => None,
            },
            body: serde_json::to_value(&rejection).unwrap(),
        },
    }
}

/// Sends `params` (`Action` and `Version` included, or not, as the caller wants) through
/// `Engine::handle_rpc` with an empty `action` argument, so the `Action` parameter is read.
pub fn wire_call(
    engine: &mut Engine,
    account: &str,
    params: &[(String, String)],
    now: DateTime<Utc>,
) -> Outcome {
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let reply = engine.handle_rpc(account, "", &pairs, now);
    let body: Value = serde_json::from_str(reply.body())
        .unwrap_or_else(|e| panic!("the body is not JSON ({e}): {}", reply.body()));
    let (code, field) = if reply.status() == 200 {
        ("OK".to_owned(), None)
    } else {
        let code = body["Code"].as_str().unwrap_or("").to_owned();
        let field = if code == "MissingParameter" || code == "InvalidParameter" {
            field_in_message(body["Message"].as_str().unwrap_or(""))
        } else {
            None
        };
        (code, field)
    };
    Outcome {
        status: reply.status(),
        code,
        field,
        body,
    }
}

/// The standard wire parameters of one call: `Action`, `Version`, then `params`.
pub fn with_action(action: &str, params: &[(String, String)]) -> Vec<(String, String)> {
    let mut all = vec![
        ("Action".to_owned(), action.to_owned()),
        ("Version".to_owned(), live_lifecycle::API_VERSION.to_owned()),
    ];
    all.extend(params.iter().cloned());
    all
}

/// Whether `text` is an integer as the wire reads one: an optional sign, then ASCII digits,
/// within 64 bits.
fn wire_int(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The typed request `params` make for `action`, as the JSON object its request type reads
/// (wire names, integers as numbers, `SourceUrls` as a list), or `None` when a typed
/// request cannot carry them: a parameter the action reads sent twice, an integer that is
/// not one, a `SourceUrls` that is not a JSON array of strings. Parameters the action does
/// not read are left out, as the wire ignores them; an empty `SourceUrls` counts as not sent.
pub fn typed_object(action: &str, params: &[(String, String)]) -> Option<Map<String, Value>> {
    let mut object = Map::new();
    for name in params_of(action) {
        let values: Vec<&str> = params
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect();
        let text = match values.as_slice() {
            [] => continue,
            [one] => *one,
            _ => return None,
        };
        let value = if INT_PARAMS.contains(name) {
            Value::from(wire_int(text)?)
        } else if *name == "SourceUrls" {
            if text.is_empty() {
                continue;
            }
            Value::from(serde_json::from_str::<Vec<String>>(text).ok()?)
        } else {
            Value::from(text)
        };
        object.insert((*name).to_owned(), value);
    }
    Some(object)
}

/// Calls the typed method of `action` with the request `object` makes.
pub fn typed_call(
    engine: &mut Engine,
    account: &AccountId,
    action: &str,
    object: Map<String, Value>,
    now: DateTime<Utc>,
) -> Outcome {
    let object = Value::Object(object);
    macro_rules! dispatch {
        ($($name:literal => $method:ident($request:ty)),+ $(,)?) => {
            match action {
                $($name => {
                    let req: $request = serde_json::from_value(object)
                        .unwrap_or_else(|e| panic!("{} request: {e}", $name));
                    typed_outcome(engine.$method(account, &req, now))
                })+
                other => panic!("no action {other}"),
            }
        };
    }
    dispatch! {
        "CreateEdgeTranscodeJob" => create_edge_transcode_job(CreateEdgeTranscodeJobRequest),
        "GetEdgeTranscodeJob" => get_edge_transcode_job(GetEdgeTranscodeJobRequest),
        "ListEdgeTranscodeJob" => list_edge_transcode_job(ListEdgeTranscodeJobRequest),
        "UpdateEdgeTranscodeJob" => update_edge_transcode_job(UpdateEdgeTranscodeJobRequest),
        "StartEdgeTranscodeJob" => start_edge_transcode_job(StartEdgeTranscodeJobRequest),
        "StopEdgeTranscodeJob" => stop_edge_transcode_job(StopEdgeTranscodeJobRequest),
        "DeleteEdgeTranscodeJob" => delete_edge_transcode_job(DeleteEdgeTranscodeJobRequest),
        "GetEdgeTranscodeTemplate" => get_edge_transcode_template(GetEdgeTranscodeTemplateRequest),
        "ListEdgeTranscodeTemplate" => list_edge_transcode_template(ListEdgeTranscodeTemplateRequest),
        "CreateLivePullToPush" => create_live_pull_to_push(CreateLivePullToPushRequest),
        "UpdateLivePullToPush" => update_live_pull_to_push(UpdateLivePullToPushRequest),
        "DeleteLivePullToPush" => delete_live_pull_to_push(DeleteLivePullToPushRequest),
        "DescribeLivePullToPush" => describe_live_pull_to_push(DescribeLivePullToPushRequest),
        "DescribeLivePullToPushList" => describe_live_pull_to_push_list(DescribeLivePullToPushListRequest),
        "StopLivePullToPush" => stop_live_pull_to_push(StopLivePullToPushRequest),
        "RestartLivePullToPush" => restart_live_pull_to_push(RestartLivePullToPushRequest),
    }
}

/// An id generator that hands out the seeded ids, except a fixed job or task id when one is
/// set (to provoke the documented `InternalError`: an invalid id, or a repeated one).
#[derive(Debug, Default)]
pub struct FixedIds {
    pub job: Option<String>,
    pub task: Option<String>,
    seeded: SeededIds,
}

impl FixedIds {
    pub fn job(id: &str) -> Box<Self> {
        Box::new(Self {
            job: Some(id.to_owned()),
            ..Self::default()
        })
    }

    pub fn task(id: &str) -> Box<Self> {
        Box::new(Self {
            task: Some(id.to_owned()),
            ..Self::default()
        })
    }
}

impl IdGenerator for FixedIds {
    fn generate(&mut self, kind: IdKind, seq: u64) -> String {
        match (kind, &self.job, &self.task) {
            (IdKind::Job, Some(id), _) | (IdKind::Task, _, Some(id)) => id.clone(),
            _ => self.seeded.generate(kind, seq),
        }
    }
}

// ---- the README's tables ----------------------------------------------------------------------

/// The text of the `## {title}` section of the README, up to the next `## ` heading.
pub fn section(title: &str) -> &'static str {
    let heading = format!("## {title}");
    let mut start = None;
    let mut offset = 0;
    let mut in_fence = false;
    for line in README.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
        } else if !in_fence && trimmed.starts_with("## ") {
            if let Some(s) = start {
                return &README[s..offset];
            }
            if trimmed == heading {
                start = Some(offset + line.len());
            }
        }
        offset += line.len();
    }
    let s = start.unwrap_or_else(|| panic!("README has no section `{heading}`"));
    &README[s..]
}

/// A markdown table: its header cells and rows, cells trimmed, backticks kept.
#[derive(Debug)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The index of the column whose header (backticks stripped) is `name`, or else the
    /// first that starts with it.
    pub fn column(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| plain(h) == name)
            .or_else(|| self.header.iter().position(|h| plain(h).starts_with(name)))
            .unwrap_or_else(|| panic!("no column {name:?} in {:?}", self.header))
    }
}

/// Every table of `text`, outside code fences.
pub fn tables(text: &str) -> Vec<Table> {
    let mut found = Vec::new();
    let mut current: Option<Table> = None;
    let mut in_fence = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
        }
        if in_fence || !trimmed.starts_with('|') {
            found.extend(current.take());
            continue;
        }
        let inner = trimmed.trim_start_matches('|').trim_end_matches('|');
        let cells: Vec<String> = inner.split('|').map(|c| c.trim().to_owned()).collect();
        let separator = cells
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':')));
        match current.as_mut() {
            None => {
                current = Some(Table {
                    header: cells,
                    rows: Vec::new(),
                });
            }
            Some(_) if separator => {}
            Some(t) => t.rows.push(cells),
        }
    }
    found.extend(current);
    found
}

/// The one table of `text` (outside code fences) whose first header cell is `first`.
pub fn table(text: &str, first: &str) -> Table {
    let found = tables(text);
    let mut found: Vec<Table> = found
        .into_iter()
        .filter(|t| t.header.first().map(|h| plain(h)).as_deref() == Some(first))
        .collect();
    assert_eq!(found.len(), 1, "want one table headed {first:?}");
    found.remove(0)
}

/// A cell without its backticks.
pub fn plain(cell: &str) -> String {
    cell.replace('`', "")
}

/// The code spans of a cell, in order.
pub fn spans(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

/// The 20 documented codes and their HTTP statuses, as hard-coded here; checked against the
/// README's "Error codes" table by `error_code_table_matches_readme` in `tests/wire_props.rs`.
pub const ERROR_CODES: &[(&str, u16)] = &[
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
