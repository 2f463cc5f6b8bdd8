//! Operation-level tests of the edge transcoding family, written from the README: golden
//! success bodies, every documented error code of every operation with its status and body,
//! the lifecycle table, precedence, atomicity of refusals, tenancy, listing, replay and
//! snapshots, serde round-trips, and request validation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use chrono::{DateTime, TimeDelta, Utc};
use live_lifecycle::edge::{
    CreateEdgeTranscodeJobRequest, DeleteEdgeTranscodeJobRequest, GetEdgeTranscodeJobRequest,
    GetEdgeTranscodeTemplateRequest, ListEdgeTranscodeJobRequest, ListEdgeTranscodeTemplateRequest,
    StartEdgeTranscodeJobRequest, StopEdgeTranscodeJobRequest, UpdateEdgeTranscodeJobRequest,
};
use live_lifecycle::edge::{
    EdgeEvent, EdgeLimits, JobStatus, SortOrder, Template, TemplateCatalogue, TranscodeType,
    VideoCodec,
};
use live_lifecycle::ids::{AccountId, IdGenerator, IdKind};
use live_lifecycle::time::parse_utc;
use live_lifecycle::{Access, ApiError, Change, Config, Engine, Event, Rejection, Snapshot, State};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const CLUSTER: &str = "cluster-1";
const ACCOUNT_A: &str = "1234567890123456";
const ACCOUNT_B: &str = "6543210987654321";
const T01: &str = "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01";
const T02: &str = "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c02";
const T05: &str = "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c05";
const T08: &str = "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c08";
const IN_URL: &str = "rtmp://ingest.example.com/live/news";
const OUT_URL: &str = "rtmp://push.example.com/live/news_hd";
/// A well-formed job id that the default generator never issues in these tests.
const UNKNOWN_JOB: &str = "0123456789abcdef0123456789abcdef";
const HOST_ID: &str = "live.aliyuncs.com";

fn at(text: &str) -> DateTime<Utc> {
    parse_utc(text).unwrap()
}

fn t0() -> DateTime<Utc> {
    at("2024-05-01T09:00:00Z")
}

fn account(text: &str) -> AccountId {
    AccountId::try_from(text).unwrap()
}

fn a() -> AccountId {
    account(ACCOUNT_A)
}

fn b() -> AccountId {
    account(ACCOUNT_B)
}

fn s(text: &str) -> Option<String> {
    Some(text.to_owned())
}

fn create_req(name: &str, template: &str) -> CreateEdgeTranscodeJobRequest {
    CreateEdgeTranscodeJobRequest {
        cluster_id: s(CLUSTER),
        name: s(name),
        template_id: s(template),
        stream_input: s(IN_URL),
        stream_output: s(OUT_URL),
    }
}

fn get_req(job: &str) -> GetEdgeTranscodeJobRequest {
    GetEdgeTranscodeJobRequest {
        cluster_id: s(CLUSTER),
        job_id: s(job),
    }
}

fn start_req(job: &str) -> StartEdgeTranscodeJobRequest {
    StartEdgeTranscodeJobRequest {
        cluster_id: s(CLUSTER),
        job_id: s(job),
    }
}

fn stop_req(job: &str) -> StopEdgeTranscodeJobRequest {
    StopEdgeTranscodeJobRequest {
        cluster_id: s(CLUSTER),
        job_id: s(job),
    }
}

fn delete_req(job: &str) -> DeleteEdgeTranscodeJobRequest {
    DeleteEdgeTranscodeJobRequest {
        cluster_id: s(CLUSTER),
        job_id: s(job),
    }
}

fn update_req(job: &str) -> UpdateEdgeTranscodeJobRequest {
    UpdateEdgeTranscodeJobRequest {
        cluster_id: s(CLUSTER),
        job_id: s(job),
        ..Default::default()
    }
}

fn list_req() -> ListEdgeTranscodeJobRequest {
    ListEdgeTranscodeJobRequest {
        cluster_id: s(CLUSTER),
        ..Default::default()
    }
}

fn tpl_get_req(template: &str) -> GetEdgeTranscodeTemplateRequest {
    GetEdgeTranscodeTemplateRequest {
        cluster_id: s(CLUSTER),
        template_id: s(template),
    }
}

fn tpl_list_req() -> ListEdgeTranscodeTemplateRequest {
    ListEdgeTranscodeTemplateRequest {
        cluster_id: s(CLUSTER),
        ..Default::default()
    }
}

/// Creates a job for `who` in [`CLUSTER`] and returns its id.
fn create(engine: &mut Engine, who: &AccountId, name: &str, now: DateTime<Utc>) -> String {
    engine
        .create_edge_transcode_job(who, &create_req(name, T01), now)
        .unwrap()
        .job_id
        .to_string()
}

/// A job of account A in each of the states of the lifecycle table, on a fresh engine.
fn fresh_job(engine: &mut Engine) -> String {
    create(engine, &a(), "fresh", t0())
}

fn running_job(engine: &mut Engine) -> String {
    let id = create(engine, &a(), "running", t0());
    engine
        .start_edge_transcode_job(&a(), &start_req(&id), t0())
        .unwrap();
    id
}

fn stopped_job(engine: &mut Engine) -> String {
    let id = running_job(engine);
    engine
        .stop_edge_transcode_job(&a(), &stop_req(&id), t0())
        .unwrap();
    id
}

fn deleted_job(engine: &mut Engine) -> String {
    let id = fresh_job(engine);
    engine
        .delete_edge_transcode_job(&a(), &delete_req(&id), t0())
        .unwrap();
    id
}

fn list_ids(
    engine: &mut Engine,
    who: &AccountId,
    req: &ListEdgeTranscodeJobRequest,
) -> Vec<String> {
    engine
        .list_edge_transcode_job(who, req, t0())
        .unwrap()
        .job_list
        .job
        .iter()
        .map(|j| j.job_id.to_string())
        .collect()
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

// ---------------------------------------------------------------------------------------------
// 1. Golden success bodies of the nine operations
// ---------------------------------------------------------------------------------------------

/// The deterministic ids of `SeededIds::default()`: job ids by creation, request ids by reply.
const JOB0: &str = "6baaaff026aa5399bdf259a0044ab887";
const REQ: [&str; 12] = [
    "244EA03B-14E1-4B25-A961-B4388D8BF639",
    "D5D4E5B7-EF20-4820-9487-21D80FEF85BF",
    "B1E8D3CE-931C-4F07-B880-3CC6C413869E",
    "14932F1B-6C3F-4897-B487-B35B5B6BD2A1",
    "6B420A50-2889-46A7-A353-1746FE946CFA",
    "6FD0906A-1CD0-4E56-8A4D-75DA1FB1F390",
    "90DF3FF5-C1CB-4567-B030-41EAA22CF678",
    "8BE6300E-1D30-4285-BDA4-D734E1B14355",
    "C3BD96A6-35B0-4B3B-BBD0-27D354B863B7",
    "1D007F4E-55CB-41FE-9CC3-2077DCD82F20",
    "C561B21C-238B-4B16-83D5-3E4311243AF5",
    "A421BE91-DF69-450B-BE16-20ADA13DA646",
];

/// Asserts the body equals `expected` as a value, and byte for byte as text (every body's
/// keys are in alphabetical order, which is also the order `json!` prints them in).
fn assert_golden<T: serde::Serialize>(body: &T, expected: &Value) {
    assert_eq!(&to_json(body), expected);
    assert_eq!(serde_json::to_string(body).unwrap(), expected.to_string());
}

#[test]
fn default_ids_have_the_documented_shapes() {
    assert_eq!(JOB0.len(), 32);
    assert!(
        JOB0.chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    );
    for id in REQ {
        let parts: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12], "{id}");
        assert!(
            id.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || ('A'..='F').contains(&c))
        );
    }
}

#[test]
fn golden_bodies_of_all_nine_operations() {
    let mut e = Engine::new(Config::default());
    let who = a();
    let when = |hms: &str| at(&format!("2024-05-01T{hms}Z"));

    // Create (request 0): the sub-second part of `now` is kept inside but printed away.
    let created = e
        .create_edge_transcode_job(
            &who,
            &create_req("evening_news", T01),
            when("09:00:00") + TimeDelta::milliseconds(750),
        )
        .unwrap();
    assert_golden(&created, &json!({"JobId": JOB0, "RequestId": REQ[0]}));

    // Get (1): not started, no LastStartAt / LastStopAt yet.
    let got = e
        .get_edge_transcode_job(&who, &get_req(JOB0), when("09:10:00"))
        .unwrap();
    assert_golden(
        &got,
        &json!({
            "Job": {
                "CreateTime": "2024-05-01T09:00:00Z",
                "JobId": JOB0,
                "Name": "evening_news",
                "Status": "0",
                "StreamInput": IN_URL,
                "StreamOutput": OUT_URL,
                "TemplateId": T01,
                "TemplateName": "common-h264-720p",
                "Type": "common"
            },
            "RequestId": REQ[1]
        }),
    );

    // List (2).
    let listed = e
        .list_edge_transcode_job(&who, &list_req(), when("09:10:00"))
        .unwrap();
    assert_golden(
        &listed,
        &json!({
            "JobList": {"Job": [{
                "CreateTime": "2024-05-01T09:00:00Z",
                "JobId": JOB0,
                "Name": "evening_news",
                "Status": "0",
                "StreamInput": IN_URL,
                "StreamOutput": OUT_URL,
                "TemplateId": T01,
                "TemplateName": "common-h264-720p",
                "Type": "common"
            }]},
            "RequestId": REQ[2],
            "TotalCount": 1
        }),
    );

    // Update (3): new name, template (TemplateName and Type follow it) and an srt input.
    let update = UpdateEdgeTranscodeJobRequest {
        name: s("late_news"),
        template_id: s(T05),
        stream_input: s("srt://edge.example.com:9000?streamid=live/s1"),
        ..update_req(JOB0)
    };
    let updated = e
        .update_edge_transcode_job(&who, &update, when("09:20:00"))
        .unwrap();
    assert_golden(&updated, &json!({"JobId": JOB0, "RequestId": REQ[3]}));

    // Start (4), then Get (5): running, LastStartAt only.
    let started = e
        .start_edge_transcode_job(
            &who,
            &start_req(JOB0),
            when("09:30:00") + TimeDelta::milliseconds(999),
        )
        .unwrap();
    assert_golden(&started, &json!({"JobId": JOB0, "RequestId": REQ[4]}));
    let running = e
        .get_edge_transcode_job(&who, &get_req(JOB0), when("09:35:00"))
        .unwrap();
    assert_golden(
        &running,
        &json!({
            "Job": {
                "CreateTime": "2024-05-01T09:00:00Z",
                "JobId": JOB0,
                "LastStartAt": "2024-05-01T09:30:00Z",
                "Name": "late_news",
                "Status": "1",
                "StreamInput": "srt://edge.example.com:9000?streamid=live/s1",
                "StreamOutput": OUT_URL,
                "TemplateId": T05,
                "TemplateName": "nbhd2-h264-720p",
                "Type": "nbhd-2"
            },
            "RequestId": REQ[5]
        }),
    );

    // Stop (6), then Get (7) and List (8): not started again, both times present.
    let stopped = e
        .stop_edge_transcode_job(&who, &stop_req(JOB0), when("09:40:00"))
        .unwrap();
    assert_golden(&stopped, &json!({"JobId": JOB0, "RequestId": REQ[6]}));
    let job = json!({
        "CreateTime": "2024-05-01T09:00:00Z",
        "JobId": JOB0,
        "LastStartAt": "2024-05-01T09:30:00Z",
        "LastStopAt": "2024-05-01T09:40:00Z",
        "Name": "late_news",
        "Status": "0",
        "StreamInput": "srt://edge.example.com:9000?streamid=live/s1",
        "StreamOutput": OUT_URL,
        "TemplateId": T05,
        "TemplateName": "nbhd2-h264-720p",
        "Type": "nbhd-2"
    });
    let got = e
        .get_edge_transcode_job(&who, &get_req(JOB0), when("09:45:00"))
        .unwrap();
    assert_golden(&got, &json!({"Job": job, "RequestId": REQ[7]}));
    let listed = e
        .list_edge_transcode_job(&who, &list_req(), when("09:45:00"))
        .unwrap();
    assert_golden(
        &listed,
        &json!({"JobList": {"Job": [job]}, "RequestId": REQ[8], "TotalCount": 1}),
    );

    // Delete (9): only a RequestId.
    let deleted = e
        .delete_edge_transcode_job(&who, &delete_req(JOB0), when("09:50:00"))
        .unwrap();
    assert_golden(&deleted, &json!({"RequestId": REQ[9]}));

    // GetEdgeTranscodeTemplate (10): every value a string except none; times in wire form.
    let template = e
        .get_edge_transcode_template(&who, &tpl_get_req(T08), when("09:50:00"))
        .unwrap();
    assert_golden(
        &template,
        &json!({
            "RequestId": REQ[10],
            "Template": {
                "Bitrate": "12000",
                "Codec": "H.265",
                "CreateTime": "2023-11-14T22:14:20Z",
                "Fps": "60",
                "Gop": "2s",
                "Name": "ultra-hd-h265-4k",
                "Resolution": "3840*2160",
                "TemplateId": T08,
                "Type": "ultra-hd"
            }
        }),
    );

    // ListEdgeTranscodeTemplate (11): oldest two of eight.
    let req = ListEdgeTranscodeTemplateRequest {
        sort_by: s("asc"),
        page_size: Some(2),
        ..tpl_list_req()
    };
    let templates = e
        .list_edge_transcode_template(&who, &req, when("09:50:00"))
        .unwrap();
    assert_golden(
        &templates,
        &json!({
            "RequestId": REQ[11],
            "TemplateList": {"Template": [
                {
                    "Bitrate": "1500",
                    "Codec": "H.264",
                    "CreateTime": "2023-07-22T04:26:40Z",
                    "Fps": "25",
                    "Gop": "2s",
                    "Name": "common-h264-720p",
                    "Resolution": "1280*720",
                    "TemplateId": T01,
                    "Type": "common"
                },
                {
                    "Bitrate": "3000",
                    "Codec": "H.264",
                    "CreateTime": "2023-07-22T04:27:40Z",
                    "Fps": "30",
                    "Gop": "2s",
                    "Name": "common-h264-1080p",
                    "Resolution": "1920*1080",
                    "TemplateId": T02,
                    "Type": "common"
                }
            ]},
            "TotalCount": 8
        }),
    );
}

/// The README's default catalogue, in `SortBy=asc` order:
/// (id suffix, name, type, codec, bitrate, fps, gop, resolution, create time).
#[rustfmt::skip]
const CATALOGUE: [[&str; 9]; 8] = [
    ["1", "common-h264-720p", "common", "H.264", "1500", "25", "2s", "1280*720", "2023-07-22T04:26:40Z"],
    ["2", "common-h264-1080p", "common", "H.264", "3000", "30", "2s", "1920*1080", "2023-07-22T04:27:40Z"],
    ["3", "common-h265-1080p", "common", "H.265", "2000", "30", "2s", "1920*1080", "2023-07-22T04:28:40Z"],
    ["4", "common-h264-source", "common", "H.264", "ws", "ws", "ws", "ws", "2023-07-22T04:29:40Z"],
    ["5", "nbhd2-h264-720p", "nbhd-2", "H.264", "1000", "25", "50", "-1*720", "2023-09-18T01:20:00Z"],
    ["6", "nbhd2-h265-1080p", "nbhd-2", "H.265", "1500", "30", "2s", "1920*-2", "2023-09-18T01:21:00Z"],
    ["7", "ultra-hd-h264-1440p", "ultra-hd", "H.264", "8000", "30", "2s", "2560*1440", "2023-11-14T22:13:20Z"],
    ["8", "ultra-hd-h265-4k", "ultra-hd", "H.265", "12000", "60", "2s", "3840*2160", "2023-11-14T22:14:20Z"],
];

fn catalogue_json(row: &[&str; 9]) -> Value {
    json!({
        "Bitrate": row[4],
        "Codec": row[3],
        "CreateTime": row[8],
        "Fps": row[5],
        "Gop": row[6],
        "Name": row[1],
        "Resolution": row[7],
        "TemplateId": format!("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c0{}", row[0]),
        "Type": row[2]
    })
}

#[test]
fn golden_default_catalogue_matches_the_readme_table() {
    let mut e = Engine::new(Config::default());
    let all = ListEdgeTranscodeTemplateRequest {
        sort_by: s("asc"),
        page_size: Some(100),
        ..tpl_list_req()
    };
    let listed = to_json(&e.list_edge_transcode_template(&a(), &all, t0()).unwrap());
    let expected: Vec<Value> = CATALOGUE.iter().map(catalogue_json).collect();
    assert_eq!(
        listed["TemplateList"]["Template"],
        Value::Array(expected.clone())
    );
    assert_eq!(listed["TotalCount"], 8);
    for (row, want) in CATALOGUE.iter().zip(&expected) {
        let id = format!("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c0{}", row[0]);
        let got = to_json(
            &e.get_edge_transcode_template(&a(), &tpl_get_req(&id), t0())
                .unwrap(),
        );
        assert_eq!(&got["Template"], want);
    }
}

// ---------------------------------------------------------------------------------------------
// Calls as data: every operation built from its wire fields, so tables can drop or break any
// field of any operation.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Create,
    Get,
    List,
    Update,
    Start,
    Stop,
    Delete,
    GetTemplate,
    ListTemplates,
}

const OPS: [Op; 9] = [
    Op::Create,
    Op::Get,
    Op::List,
    Op::Update,
    Op::Start,
    Op::Stop,
    Op::Delete,
    Op::GetTemplate,
    Op::ListTemplates,
];

impl Op {
    /// The required fields, in the order of the README's operation table.
    fn required(self) -> &'static [&'static str] {
        match self {
            Op::Create => &[
                "ClusterId",
                "Name",
                "TemplateId",
                "StreamInput",
                "StreamOutput",
            ],
            Op::Get | Op::Update | Op::Start | Op::Stop | Op::Delete => &["ClusterId", "JobId"],
            Op::List | Op::ListTemplates => &["ClusterId"],
            Op::GetTemplate => &["ClusterId", "TemplateId"],
        }
    }

    /// A valid request of this operation (aimed at `job` where it names one).
    fn base(self, job: &str) -> Value {
        match self {
            Op::Create => json!({
                "ClusterId": CLUSTER, "Name": "news", "TemplateId": T01,
                "StreamInput": IN_URL, "StreamOutput": OUT_URL
            }),
            Op::Get | Op::Start | Op::Stop | Op::Delete => {
                json!({"ClusterId": CLUSTER, "JobId": job})
            }
            Op::Update => json!({"ClusterId": CLUSTER, "JobId": job, "Name": "renamed"}),
            Op::List | Op::ListTemplates => json!({"ClusterId": CLUSTER}),
            Op::GetTemplate => json!({"ClusterId": CLUSTER, "TemplateId": T02}),
        }
    }

    /// Runs the request `fields` (wire names) and returns the success body as JSON.
    fn run(
        self,
        e: &mut Engine,
        who: &AccountId,
        fields: &Value,
        now: DateTime<Utc>,
    ) -> Result<Value, Rejection> {
        fn req<T: serde::de::DeserializeOwned>(fields: &Value) -> T {
            serde_json::from_value(fields.clone()).unwrap()
        }
        match self {
            Op::Create => e
                .create_edge_transcode_job(who, &req(fields), now)
                .map(|r| to_json(&r)),
            Op::Get => e
                .get_edge_transcode_job(who, &req(fields), now)
                .map(|r| to_json(&r)),
            Op::List => e
                .list_edge_transcode_job(who, &req(fields), now)
                .map(|r| to_json(&r)),
            Op::Update => e
                .update_edge_transcode_job(who, &req(fields), now)
                .map(|r| to_json(&r)),
            Op::Start => e
                .start_edge_transcode_job(who, &req(fields), now)
                .map(|r| to_json(&r)),
            Op::Stop => e
                .stop_edge_transcode_job(who, &req(fields), now)
                .map(|r| to_json(&r)),
            Op::Delete => e
                .delete_edge_transcode_job(who, &req(fields), now)
                .map(|r| to_json(&r)),
            Op::GetTemplate => e
                .get_edge_transcode_template(who, &req(fields), now)
                .map(|r| to_json(&r)),
            Op::ListTemplates => e
                .list_edge_transcode_template(who, &req(fields), now)
                .map(|r| to_json(&r)),
        }
    }

    /// Runs `fields`, which must be refused without any change; returns the refusal.
    fn refuse(self, e: &mut Engine, who: &AccountId, fields: &Value) -> Rejection {
        assert_refused_changes_nothing(e, |e| self.run(e, who, fields, t0()))
    }
}

/// `fields` with `field` set to `value` (or removed when `value` is null).
fn with(fields: &Value, field: &str, value: Value) -> Value {
    let mut fields = fields.clone();
    let map = fields.as_object_mut().unwrap();
    if value.is_null() {
        map.remove(field);
    } else {
        map.insert(field.to_owned(), value);
    }
    fields
}

// ---------------------------------------------------------------------------------------------
// 6. Atomicity: a refused call changes nothing but the request counter
// ---------------------------------------------------------------------------------------------

/// Runs a call that must be refused and asserts it changed nothing: the state is equal, no
/// event was recorded, and only the request counter moved (by one). Returns the refusal.
fn assert_refused_changes_nothing<T: std::fmt::Debug>(
    engine: &mut Engine,
    call: impl FnOnce(&mut Engine) -> Result<T, Rejection>,
) -> Rejection {
    // Events of the set-up are not the refusal's.
    drop(engine.drain_events());
    let before = engine.state().clone();
    let answered = engine.snapshot().requests_answered;
    let refusal = call(engine).expect_err("the call should have been refused");
    assert_eq!(engine.state(), &before, "a refused call changed the state");
    assert!(
        engine.drain_events().is_empty(),
        "a refused call recorded an event"
    );
    assert_eq!(engine.snapshot().requests_answered, answered + 1);
    assert!(engine.state().invariants_hold());
    refusal
}

// ---------------------------------------------------------------------------------------------
// 2. Every error code of every operation, with its status and body
// ---------------------------------------------------------------------------------------------

const LATER: &str = ", please check and try again later.";

fn missing_message(field: &str) -> String {
    format!(
        "The input parameter \"{field}\" that is mandatory for processing this request is not supplied."
    )
}

fn not_found_message(job: &str, cluster: &str) -> String {
    format!("The job {job} does not exist in cluster {cluster}{LATER}")
}

fn denied_message(reason: &str) -> String {
    format!("{reason}{LATER}")
}

const FORBIDDEN_MESSAGE: &str =
    "The account has no permission to use edge transcoding, please check and try again later.";
const ALREADY_RUNNING: &str = "The job is already running";
const NOT_RUNNING: &str = "The job is not running";
const UPDATE_RUNNING: &str =
    "The job is running and can be updated only when not running; stop it first";
const DELETE_RUNNING: &str = "The job is running and cannot be deleted; stop it first";

/// Asserts the code, the status and the whole error body, keys in the documented order.
fn assert_body(r: &Rejection, code: &str, status: u16, message: &str) {
    assert_eq!(r.code(), code, "{r:?}");
    assert_eq!(r.http_status(), status, "{r:?}");
    assert_eq!(r.error.code(), code);
    assert_eq!(r.error.http_status(), status);
    assert_eq!(r.to_string(), message);
    let recommend = format!(
        "https://api.aliyun.com/troubleshoot?q={code}&product=live&requestId={}",
        r.request_id
    );
    assert_eq!(r.recommend(), recommend);
    assert_eq!(
        to_json(r),
        json!({
            "RequestId": r.request_id, "HostId": HOST_ID, "Code": code,
            "Message": message, "Recommend": recommend
        })
    );
    let text = |v: &str| serde_json::to_string(v).unwrap();
    assert_eq!(
        serde_json::to_string(r).unwrap(),
        format!(
            r#"{{"RequestId":{},"HostId":{},"Code":{},"Message":{},"Recommend":{}}}"#,
            text(&r.request_id),
            text(HOST_ID),
            text(code),
            text(message),
            text(&recommend)
        )
    );
}

/// Asserts an `InvalidParameter` naming `field` (the reason is free text, `<reason>.`).
fn assert_invalid(r: &Rejection, field: &str) {
    let message = r.to_string();
    let prefix = format!("The parameter \"{field}\" is invalid: ");
    assert!(
        message.starts_with(&prefix) && message.ends_with('.') && message.len() > prefix.len() + 1,
        "{field}: {message}"
    );
    assert_body(r, "InvalidParameter", 400, &message);
}

fn only(accounts: &[&AccountId]) -> Config {
    Config {
        edge_access: Access::Only(accounts.iter().map(|a| (*a).clone()).collect()),
        ..Config::default()
    }
}

#[test]
fn missing_parameter_on_every_required_field_of_every_operation() {
    let mut e = Engine::new(Config::default());
    let job = fresh_job(&mut e);
    for op in OPS {
        for field in op.required() {
            for blank in [Value::Null, json!("")] {
                let fields = with(&op.base(&job), field, blank.clone());
                let r = op.refuse(&mut e, &a(), &fields);
                assert_body(&r, "MissingParameter", 400, &missing_message(field));
            }
        }
    }
}

/// Malformed values of each field, per operation.
/// Values every engine refuses as `InvalidParameter`: documented rules, and values that are
/// plainly malformed (docs/fidelity.md).
fn malformed(op: Op) -> Vec<(&'static str, Value)> {
    let ids = |field: &'static str| vec![(field, json!("has space")), (field, json!("tab\there"))];
    let names = |field: &'static str| {
        vec![
            (field, json!("has space")),
            (field, json!("名字。")),
            (field, json!("café")),
            (field, json!("ｆｕｌｌ")),
            (field, json!("n".repeat(256))),
        ]
    };
    let inputs = |field: &'static str| {
        vec![
            (field, json!("rtmp://h/app/str eam")),
            (field, json!("not a url")),
            (field, json!("rtmp:h/app/stream")),
        ]
    };
    let keyword = vec![("Keyword", json!("line\nbreak"))];
    let page = vec![
        ("PageNo", json!(0)),
        ("PageNo", json!(-1)),
        ("PageNo", json!(2_147_483_648_i64)),
        ("PageSize", json!(0)),
        ("PageSize", json!(101)),
        ("SortBy", json!("ASC")),
        ("SortBy", json!("ascending")),
    ];
    let types = vec![("Type", json!("Common")), ("Type", json!("nbhd2"))];
    let mut cases = ids("ClusterId");
    match op {
        Op::Create => {
            cases.extend(names("Name"));
            cases.extend(ids("TemplateId"));
            cases.extend(inputs("StreamInput"));
            cases.extend(inputs("StreamOutput"));
        }
        Op::Get | Op::Start | Op::Stop | Op::Delete => cases.extend(ids("JobId")),
        Op::Update => {
            cases.extend(ids("JobId"));
            for field in ["Name", "TemplateId", "StreamInput", "StreamOutput"] {
                cases.push((field, json!("")));
            }
            cases.extend(names("Name"));
            cases.extend(ids("TemplateId"));
            cases.extend(inputs("StreamInput"));
            cases.extend(inputs("StreamOutput"));
        }
        Op::List => {
            cases.extend(keyword);
            cases.extend([("Status", json!(2)), ("Status", json!(-1))]);
            cases.extend(types);
            cases.extend(page);
        }
        Op::GetTemplate => cases.extend(ids("TemplateId")),
        Op::ListTemplates => {
            cases.extend(keyword);
            cases.extend(types);
            cases.extend([("VideoCodec", json!("h.264")), ("VideoCodec", json!("AV1"))]);
            cases.extend(page);
        }
    }
    cases
}

/// Values only a strict engine refuses as `InvalidParameter`: the crate's inferences
/// (docs/fidelity.md). A default engine takes them.
fn strict_only(op: Op) -> Vec<(&'static str, Value)> {
    let long_id = "x".repeat(129);
    let ids = |field: &'static str| vec![(field, json!(long_id)), (field, json!("ünïcode"))];
    let inputs = |field: &'static str| {
        vec![
            (field, json!("http://h/app/stream")),
            (field, json!("rtmp://h/app")),
            (field, json!("rtmp://h/app/stream#frag")),
            (field, json!("rtmp://user:pass@h/app/stream")),
            (field, json!("srt://h")),
            (field, json!(format!("rtmp://h/app/{}", "s".repeat(2000)))),
        ]
    };
    let outputs = |field: &'static str| {
        let mut v = inputs(field);
        v.push((field, json!("srt://h:9000")));
        v
    };
    let mut cases = ids("ClusterId");
    match op {
        Op::Create | Op::Update => {
            if op == Op::Update {
                cases.extend(ids("JobId"));
            }
            cases.extend(ids("TemplateId"));
            cases.extend(inputs("StreamInput"));
            cases.extend(outputs("StreamOutput"));
        }
        Op::Get | Op::Start | Op::Stop | Op::Delete => cases.extend(ids("JobId")),
        Op::GetTemplate => cases.extend(ids("TemplateId")),
        Op::List | Op::ListTemplates => {}
    }
    cases
}

fn strict() -> Config {
    Config {
        strict: true,
        ..Config::default()
    }
}

#[test]
fn invalid_parameter_on_every_field_of_every_operation() {
    let mut e = Engine::new(Config::default());
    let job = fresh_job(&mut e);
    for op in OPS {
        for (field, value) in malformed(op) {
            let fields = with(&op.base(&job), field, value.clone());
            let r = op.refuse(&mut e, &a(), &fields);
            assert_invalid(&r, field);
        }
    }
}

#[test]
fn a_strict_engine_also_refuses_what_the_crate_infers() {
    let mut strict_engine = Engine::new(strict());
    let job = fresh_job(&mut strict_engine);
    for op in OPS {
        for (field, value) in malformed(op).into_iter().chain(strict_only(op)) {
            let fields = with(&op.base(&job), field, value.clone());
            let r = op.refuse(&mut strict_engine, &a(), &fields);
            assert_invalid(&r, field);
        }
    }
    // A default engine takes each: the ids are looked up (and not found, or a cluster of
    // their own), the URLs stored.
    for op in OPS {
        for (field, value) in strict_only(op) {
            let mut e = Engine::new(Config::default());
            let job = fresh_job(&mut e);
            let fields = with(&op.base(&job), field, value.clone());
            match op.run(&mut e, &a(), &fields, t0()) {
                Ok(_) => {}
                Err(r) => assert!(
                    ["JobNotFound", "TemplateNotFound"].contains(&r.code()),
                    "{op:?} {field}={value}: {r:?}"
                ),
            }
            assert!(e.state().invariants_hold());
        }
    }
}

#[test]
fn a_default_engine_stores_and_echoes_what_only_a_strict_one_refuses() {
    let mut e = Engine::new(Config::default());
    let cluster = "c".repeat(129);
    let input = "http://h/app/stream#frag";
    let output = "rtmp://user:pass@h/app";
    let req = CreateEdgeTranscodeJobRequest {
        cluster_id: s(&cluster),
        stream_input: s(input),
        stream_output: s(output),
        ..create_req("echo", T01)
    };
    assert_eq!(
        problem(&req.validate_with(true).unwrap_err()),
        bad("ClusterId")
    );
    let job = e
        .create_edge_transcode_job(&a(), &req, t0())
        .unwrap()
        .job_id
        .to_string();
    let get = GetEdgeTranscodeJobRequest {
        cluster_id: s(&cluster),
        job_id: s(&job),
    };
    let view = to_json(&e.get_edge_transcode_job(&a(), &get, t0()).unwrap())["Job"].clone();
    assert_eq!(
        (view["StreamInput"].clone(), view["StreamOutput"].clone()),
        (json!(input), json!(output))
    );
    let listed = ListEdgeTranscodeJobRequest {
        cluster_id: s(&cluster),
        keyword: s(&"k".repeat(256)),
        ..list_req()
    };
    // A keyword longer than any name is no mistake in either mode: it finds nothing.
    for strict in [false, true] {
        let keyword = ListEdgeTranscodeJobRequest {
            keyword: listed.keyword.clone(),
            ..list_req()
        };
        assert!(keyword.validate_with(strict).is_ok());
    }
    assert!(list_ids(&mut e, &a(), &listed).is_empty());
}

#[test]
fn update_fields_present_but_empty_are_invalid_with_the_documented_reason() {
    let mut e = Engine::new(Config::default());
    let job = fresh_job(&mut e);
    for field in ["Name", "TemplateId", "StreamInput", "StreamOutput"] {
        let fields = with(&Op::Update.base(&job), field, json!(""));
        let r = Op::Update.refuse(&mut e, &a(), &fields);
        let message =
            format!("The parameter \"{field}\" is invalid: must not be empty when present.");
        assert_body(&r, "InvalidParameter", 400, &message);
    }
}

#[test]
fn forbidden_on_all_nine_operations() {
    let mut e = Engine::new(only(&[&a()]));
    let job = fresh_job(&mut e);
    for op in OPS {
        // B is not entitled: Forbidden, even though the request is valid.
        let r = op.refuse(&mut e, &b(), &op.base(&job));
        assert_body(&r, "Forbidden", 403, FORBIDDEN_MESSAGE);
    }
    // A is entitled: the same calls go through (Delete last, it removes the job).
    for op in OPS {
        op.run(&mut e, &a(), &op.base(&job), t0()).unwrap();
    }
}

#[test]
fn forbidden_applies_to_an_account_that_already_holds_jobs() {
    // B's jobs were made while B was entitled; restored under a config that excludes B, every
    // call of B is Forbidden, even those that would otherwise succeed.
    let mut open = Engine::new(Config::default());
    let fresh = create(&mut open, &b(), "fresh", t0());
    let running = create(&mut open, &b(), "running", t0());
    open.start_edge_transcode_job(&b(), &start_req(&running), t0())
        .unwrap();
    let mut e = Engine::restore(only(&[&a()]), open.snapshot());
    let calls = [
        (Op::Create, Op::Create.base("")),
        (Op::Get, Op::Get.base(&fresh)),
        (Op::List, Op::List.base("")),
        (Op::Update, Op::Update.base(&fresh)),
        (Op::Start, Op::Start.base(&fresh)),
        (Op::Stop, Op::Stop.base(&running)),
        // Stopped by the call before, when the calls succeed.
        (Op::Delete, Op::Delete.base(&running)),
        (Op::GetTemplate, Op::GetTemplate.base("")),
        (Op::ListTemplates, Op::ListTemplates.base("")),
    ];
    for (op, fields) in &calls {
        let r = op.refuse(&mut e, &b(), fields);
        assert_body(&r, "Forbidden", 403, FORBIDDEN_MESSAGE);
    }
    // Under the original config the same calls all succeed.
    let mut e = Engine::restore(Config::default(), open.snapshot());
    for (op, fields) in &calls {
        op.run(&mut e, &b(), fields, t0()).unwrap();
    }
}

#[test]
fn job_not_found_on_every_operation_that_names_a_job() {
    let mut e = Engine::new(Config::default());
    let job = fresh_job(&mut e);
    for op in [Op::Get, Op::Update, Op::Start, Op::Stop, Op::Delete] {
        // An id that never existed.
        let r = op.refuse(&mut e, &a(), &op.base(UNKNOWN_JOB));
        assert_body(
            &r,
            "JobNotFound",
            404,
            &not_found_message(UNKNOWN_JOB, CLUSTER),
        );
        // An existing job, asked for in another cluster (any well-formed cluster is accepted).
        let elsewhere = with(&op.base(&job), "ClusterId", json!("dc#2~!"));
        let r = op.refuse(&mut e, &a(), &elsewhere);
        assert_body(&r, "JobNotFound", 404, &not_found_message(&job, "dc#2~!"));
        // Job ids are case-sensitive.
        let upper = job.to_uppercase();
        let r = op.refuse(&mut e, &a(), &op.base(&upper));
        assert_body(&r, "JobNotFound", 404, &not_found_message(&upper, CLUSTER));
    }
}

#[test]
fn template_not_found_on_create_update_and_get_template() {
    let mut e = Engine::new(Config::default());
    let job = fresh_job(&mut e);
    for unknown in [
        "no-such-template",
        "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c09",
        &T01.to_uppercase(),
    ] {
        let message = format!("The template {unknown} does not exist");
        for op in [Op::Create, Op::Update, Op::GetTemplate] {
            let fields = with(&op.base(&job), "TemplateId", json!(unknown));
            let r = op.refuse(&mut e, &a(), &fields);
            assert_body(&r, "TemplateNotFound", 404, &message);
        }
    }
}

#[test]
fn operation_denied_with_each_reason_of_the_lifecycle_table() {
    for config in [Config::default(), strict()] {
        let strict = config.strict;
        let mut e = Engine::new(config);
        let fresh = fresh_job(&mut e);
        let running = running_job(&mut e);
        let mut cases = vec![
            (Op::Start, &running, ALREADY_RUNNING),
            (Op::Stop, &fresh, NOT_RUNNING),
            (Op::Update, &running, UPDATE_RUNNING),
        ];
        if strict {
            cases.push((Op::Delete, &running, DELETE_RUNNING));
        }
        for (op, job, reason) in cases {
            let r = op.refuse(&mut e, &a(), &op.base(job));
            assert_body(&r, "OperationDenied", 403, &denied_message(reason));
        }
    }
}

#[test]
fn a_default_engine_deletes_a_running_job_and_a_strict_one_refuses() {
    // The docs do not say whether a running job may be deleted (live-api.md §2.8).
    let mut strict_engine = Engine::new(strict());
    let running = running_job(&mut strict_engine);
    let r = Op::Delete.refuse(&mut strict_engine, &a(), &Op::Delete.base(&running));
    assert_body(&r, "OperationDenied", 403, &denied_message(DELETE_RUNNING));

    let mut e = Engine::new(limits(500, 1));
    let running = running_job(&mut e);
    let body = Op::Delete
        .run(&mut e, &a(), &Op::Delete.base(&running), t0())
        .unwrap();
    assert_eq!(body, json!({"RequestId": body["RequestId"]}));
    let r = Op::Get.refuse(&mut e, &a(), &Op::Get.base(&running));
    assert_eq!(r.code(), "JobNotFound");
    assert!(e.state().invariants_hold());
    // It no longer counts as running: another job may start under a limit of one.
    let other = fresh_job(&mut e);
    Op::Start
        .run(&mut e, &a(), &Op::Start.base(&other), t0())
        .unwrap();
}

fn limits(max_jobs: u32, max_running_jobs: u32) -> Config {
    Config {
        edge_limits: EdgeLimits {
            max_jobs,
            max_running_jobs,
        },
        ..Config::default()
    }
}

#[test]
fn user_quota_exceed_counts_jobs_of_the_account_over_all_clusters() {
    let mut e = Engine::new(limits(2, 0));
    let quota = "Quota exceeded: the account already holds 2 edge transcoding jobs.";
    let first = create(&mut e, &a(), "one", t0());
    let elsewhere = with(&Op::Create.base(""), "ClusterId", json!("cluster-2"));
    Op::Create.run(&mut e, &a(), &elsewhere, t0()).unwrap();
    for cluster in [CLUSTER, "cluster-2", "cluster-3"] {
        let fields = with(&Op::Create.base(""), "ClusterId", json!(cluster));
        let r = Op::Create.refuse(&mut e, &a(), &fields);
        assert_body(&r, "UserQuotaExceed", 403, quota);
    }
    // Another account has its own quota; Create never answers UserTaskExceed (limit 0 here).
    create(&mut e, &b(), "other", t0());
    // Deleting a job frees its place.
    e.delete_edge_transcode_job(&a(), &delete_req(&first), t0())
        .unwrap();
    create(&mut e, &a(), "again", t0());
    let r = Op::Create.refuse(&mut e, &a(), &Op::Create.base(""));
    assert_body(&r, "UserQuotaExceed", 403, quota);
}

#[test]
fn user_task_exceed_counts_running_jobs_of_the_account() {
    let mut e = Engine::new(limits(1, 1));
    let task = "The account already runs 1 edge transcoding jobs, the most it may, please check and try again later.";
    let mut e2 = Engine::new(limits(3, 1));
    let one = create(&mut e2, &a(), "one", t0());
    let two = create(&mut e2, &a(), "two", t0());
    let far = Op::Create.run(
        &mut e2,
        &a(),
        &with(&Op::Create.base(""), "ClusterId", json!("cluster-2")),
        t0(),
    );
    let far = far.unwrap()["JobId"].as_str().unwrap().to_owned();
    e2.start_edge_transcode_job(&a(), &start_req(&one), t0())
        .unwrap();
    let r = Op::Start.refuse(&mut e2, &a(), &Op::Start.base(&two));
    assert_body(&r, "UserTaskExceed", 400, task);
    // The limit is per account over all clusters.
    let far_start = with(&Op::Start.base(&far), "ClusterId", json!("cluster-2"));
    let r = Op::Start.refuse(&mut e2, &a(), &far_start);
    assert_body(&r, "UserTaskExceed", 400, task);
    // Stopping frees the slot.
    e2.stop_edge_transcode_job(&a(), &stop_req(&one), t0())
        .unwrap();
    e2.start_edge_transcode_job(&a(), &start_req(&two), t0())
        .unwrap();
    // Start never answers UserQuotaExceed: at the job quota (1 of 1) a start still works.
    let only_job = create(&mut e, &a(), "solo", t0());
    e.start_edge_transcode_job(&a(), &start_req(&only_job), t0())
        .unwrap();
}

/// A generator whose job ids are chosen by the test; request ids stay well formed.
#[derive(Debug)]
struct FixedJobIds(&'static str);

impl IdGenerator for FixedJobIds {
    fn generate(&mut self, kind: IdKind, seq: u64) -> String {
        match kind {
            IdKind::Job => self.0.to_owned(),
            _ => format!("REQ-{seq}"),
        }
    }
}

fn assert_internal(r: &Rejection) {
    let message = r.to_string();
    assert!(message.ends_with(", please try again later."), "{message}");
    assert!(message.len() > ", please try again later.".len());
    assert_body(r, "InternalError", 500, &message);
}

#[test]
fn internal_error_when_the_generator_makes_an_invalid_job_id() {
    let long: &'static str = Box::leak("j".repeat(129).into_boxed_str());
    for bad in ["bad id", "", long, "tab\tid"] {
        let mut e = Engine::with_id_generator(Config::default(), Box::new(FixedJobIds(bad)));
        let r = Op::Create.refuse(&mut e, &a(), &Op::Create.base(""));
        assert_internal(&r);
        assert_eq!(r.request_id, "REQ-0");
        assert_eq!(e.state(), &State::default());
    }
}

#[test]
fn internal_error_when_the_generator_repeats_a_live_job_id() {
    let mut e = Engine::with_id_generator(Config::default(), Box::new(FixedJobIds("same-id")));
    assert_eq!(create(&mut e, &a(), "first", t0()), "same-id");
    let r = Op::Create.refuse(&mut e, &a(), &Op::Create.base(""));
    assert_internal(&r);
    // Refused in another cluster of the account too (job ids are unique in an account),
    // fine for another account.
    let elsewhere = with(&Op::Create.base(""), "ClusterId", json!("cluster-2"));
    assert_internal(&Op::Create.refuse(&mut e, &a(), &elsewhere));
    assert_eq!(create(&mut e, &b(), "first", t0()), "same-id");
    // Once the job is gone, its id may be issued again.
    e.delete_edge_transcode_job(&a(), &delete_req("same-id"), t0())
        .unwrap();
    assert_eq!(create(&mut e, &a(), "second", t0()), "same-id");
    let got = e
        .get_edge_transcode_job(&a(), &get_req("same-id"), t0())
        .unwrap();
    assert_eq!(got.job.name.as_str(), "second");
}

/// README, Behaviour notes, `InternalError`: a snapshot that files one job id under two
/// clusters of an account does not load (an account's jobs are kept by id).
#[test]
fn a_snapshot_filing_one_job_under_two_clusters_does_not_load() {
    let mut e = Engine::new(Config::default());
    create(&mut e, &a(), "first", t0());
    let json = serde_json::to_value(e.snapshot()).unwrap();
    assert!(serde_json::from_value::<Snapshot>(json.clone()).is_ok());
    let mut broken = json;
    let clusters = &mut broken["state"]["accounts"][a().as_str()]["edge"]["clusters"];
    let (_, jobs) = clusters.as_object().unwrap().iter().next().unwrap();
    let jobs = jobs.clone();
    clusters["another-cluster"] = jobs;
    let err = serde_json::from_value::<Snapshot>(broken).unwrap_err();
    assert!(err.to_string().contains("stored twice"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// 3. Each edge error variant: code and HTTP status
// ---------------------------------------------------------------------------------------------

#[test]
fn every_edge_error_variant_has_its_code_and_status() {
    let table: [(ApiError, &str, u16, &str); 9] = [
        (
            ApiError::MissingParameter {
                field: "JobId".into(),
            },
            "MissingParameter",
            400,
            "The input parameter \"JobId\" that is mandatory for processing this request is not supplied.",
        ),
        (
            ApiError::InvalidParameter {
                field: "Status".into(),
                reason: "must be 0 or 1".into(),
            },
            "InvalidParameter",
            400,
            "The parameter \"Status\" is invalid: must be 0 or 1.",
        ),
        (
            ApiError::OperationDenied {
                reason: NOT_RUNNING.into(),
            },
            "OperationDenied",
            403,
            "The job is not running, please check and try again later.",
        ),
        (
            ApiError::Forbidden {
                service: "edge transcoding",
            },
            "Forbidden",
            403,
            FORBIDDEN_MESSAGE,
        ),
        (
            ApiError::JobNotFound {
                cluster_id: "c1".into(),
                job_id: "j1".into(),
            },
            "JobNotFound",
            404,
            "The job j1 does not exist in cluster c1, please check and try again later.",
        ),
        (
            ApiError::TemplateNotFound {
                template_id: "t1".into(),
            },
            "TemplateNotFound",
            404,
            "The template t1 does not exist",
        ),
        (
            ApiError::UserTaskExceed { limit: 50 },
            "UserTaskExceed",
            400,
            "The account already runs 50 edge transcoding jobs, the most it may, please check and try again later.",
        ),
        (
            ApiError::UserQuotaExceed { limit: 500 },
            "UserQuotaExceed",
            403,
            "Quota exceeded: the account already holds 500 edge transcoding jobs.",
        ),
        (
            ApiError::InternalError {
                detail: "boom".into(),
            },
            "InternalError",
            500,
            "boom, please try again later.",
        ),
    ];
    for (error, code, status, message) in table {
        assert_eq!(error.code(), code);
        assert_eq!(error.http_status(), status, "{code}");
        assert_eq!(error.to_string(), message);
        let r = Rejection {
            request_id: "R1".into(),
            host_id: HOST_ID.into(),
            error,
        };
        assert_body(&r, code, status, message);
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Job state × operation, exhaustively (README lifecycle table)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JobState {
    Fresh,
    Running,
    Stopped,
    Deleted,
    NeverExisted,
}

const STATES: [JobState; 5] = [
    JobState::Fresh,
    JobState::Running,
    JobState::Stopped,
    JobState::Deleted,
    JobState::NeverExisted,
];

/// An engine (strict or not) with account A's job in `state`; returns the job id.
fn engine_with(state: JobState, strict: bool) -> (Engine, String) {
    let mut e = Engine::new(Config {
        strict,
        ..Config::default()
    });
    let id = match state {
        JobState::Fresh => fresh_job(&mut e),
        JobState::Running => running_job(&mut e),
        JobState::Stopped => stopped_job(&mut e),
        JobState::Deleted => deleted_job(&mut e),
        JobState::NeverExisted => UNKNOWN_JOB.to_owned(),
    };
    drop(e.drain_events());
    (e, id)
}

/// What the README's lifecycle table says a call does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ok,
    Denied(&'static str),
    NotFound,
}

fn expected(state: JobState, op: Op, strict: bool) -> Outcome {
    use JobState::{Deleted, Fresh, NeverExisted, Running, Stopped};
    match (state, op) {
        (Running, Op::Delete) if !strict => Outcome::Ok,
        (Deleted | NeverExisted, _) => Outcome::NotFound,
        (_, Op::Get) => Outcome::Ok,
        (Fresh | Stopped, Op::Update | Op::Start | Op::Delete) => Outcome::Ok,
        (Fresh | Stopped, Op::Stop) => Outcome::Denied(NOT_RUNNING),
        (Running, Op::Stop) => Outcome::Ok,
        (Running, Op::Start) => Outcome::Denied(ALREADY_RUNNING),
        (Running, Op::Update) => Outcome::Denied(UPDATE_RUNNING),
        (Running, Op::Delete) => Outcome::Denied(DELETE_RUNNING),
        (_, op) => unreachable!("{op:?} names no job"),
    }
}

fn get_job(e: &mut Engine, job: &str) -> Value {
    to_json(&e.get_edge_transcode_job(&a(), &get_req(job), t0()).unwrap())["Job"].clone()
}

#[test]
fn every_job_state_against_every_job_operation() {
    let later = t0() + TimeDelta::hours(1);
    let later_text = "2024-05-01T10:00:00Z";
    for (state, strict) in STATES.into_iter().flat_map(|s| [(s, false), (s, true)]) {
        for op in [Op::Get, Op::Update, Op::Start, Op::Stop, Op::Delete] {
            let (mut e, job) = engine_with(state, strict);
            let ctx = format!("{state:?} × {op:?}, strict {strict}");
            let before = (state != JobState::Deleted && state != JobState::NeverExisted)
                .then(|| get_job(&mut e, &job));
            match expected(state, op, strict) {
                Outcome::NotFound => {
                    let r = assert_refused_changes_nothing(&mut e, |e| {
                        op.run(e, &a(), &op.base(&job), later)
                    });
                    assert_body(&r, "JobNotFound", 404, &not_found_message(&job, CLUSTER));
                }
                Outcome::Denied(reason) => {
                    let r = assert_refused_changes_nothing(&mut e, |e| {
                        op.run(e, &a(), &op.base(&job), later)
                    });
                    assert_body(&r, "OperationDenied", 403, &denied_message(reason));
                    assert_eq!(Some(get_job(&mut e, &job)), before, "{ctx}");
                }
                Outcome::Ok => {
                    let before_state = e.state().clone();
                    let body = op.run(&mut e, &a(), &op.base(&job), later).unwrap();
                    let events = e.drain_events();
                    let mut want = before.clone().unwrap();
                    match op {
                        Op::Get => {
                            // Read-only: the body is the job as it was, nothing changed.
                            assert_eq!(body["Job"], want, "{ctx}");
                            assert!(events.is_empty(), "{ctx}");
                            assert_eq!(e.state(), &before_state, "{ctx}");
                            continue;
                        }
                        Op::Delete => {
                            assert_eq!(body, json!({"RequestId": body["RequestId"]}));
                            assert_eq!(events.len(), 1, "{ctx}");
                            let r = Op::Get.refuse(&mut e, &a(), &Op::Get.base(&job));
                            assert_eq!(r.code(), "JobNotFound", "{ctx}");
                            assert!(list_ids(&mut e, &a(), &list_req()).is_empty());
                            continue;
                        }
                        Op::Update => want["Name"] = json!("renamed"),
                        Op::Start => {
                            want["Status"] = json!("1");
                            want["LastStartAt"] = json!(later_text);
                        }
                        Op::Stop => {
                            want["Status"] = json!("0");
                            want["LastStopAt"] = json!(later_text);
                        }
                        _ => unreachable!(),
                    }
                    assert_eq!(body["JobId"], json!(job), "{ctx}");
                    assert_eq!(events.len(), 1, "{ctx}");
                    assert_eq!(events[0].at, later);
                    assert_eq!(events[0].account, a());
                    assert_eq!(get_job(&mut e, &job), want, "{ctx}");
                }
            }
            assert!(e.state().invariants_hold(), "{ctx}");
        }
    }
}

#[test]
fn list_shows_jobs_in_both_statuses_and_hides_gone_ones() {
    for state in STATES {
        let (mut e, job) = engine_with(state, false);
        let before = e.state().clone();
        let listed = e.list_edge_transcode_job(&a(), &list_req(), t0()).unwrap();
        assert_eq!(e.state(), &before);
        assert!(e.drain_events().is_empty());
        let ids: Vec<String> = listed
            .job_list
            .job
            .iter()
            .map(|j| j.job_id.to_string())
            .collect();
        let status = match state {
            JobState::Fresh | JobState::Stopped => Some("0"),
            JobState::Running => Some("1"),
            JobState::Deleted | JobState::NeverExisted => None,
        };
        match status {
            Some(status) => {
                assert_eq!(ids, [job.as_str()], "{state:?}");
                assert_eq!(listed.total_count, 1);
                assert_eq!(listed.job_list.job[0].status.as_str(), status);
            }
            None => {
                assert!(ids.is_empty(), "{state:?}");
                assert_eq!(listed.total_count, 0);
            }
        }
    }
}

#[test]
fn stopped_job_can_go_round_the_lifecycle_again() {
    let (mut e, job) = engine_with(JobState::Stopped, false);
    let times: Vec<DateTime<Utc>> = (1..=4).map(|h| t0() + TimeDelta::hours(h)).collect();
    e.start_edge_transcode_job(&a(), &start_req(&job), times[0])
        .unwrap();
    e.stop_edge_transcode_job(&a(), &stop_req(&job), times[1])
        .unwrap();
    e.start_edge_transcode_job(&a(), &start_req(&job), times[2])
        .unwrap();
    let view = get_job(&mut e, &job);
    assert_eq!(view["Status"], "1");
    assert_eq!(view["LastStartAt"], "2024-05-01T12:00:00Z");
    assert_eq!(view["LastStopAt"], "2024-05-01T11:00:00Z");
    e.stop_edge_transcode_job(&a(), &stop_req(&job), times[3])
        .unwrap();
    e.delete_edge_transcode_job(&a(), &delete_req(&job), times[3])
        .unwrap();
    assert_eq!(e.drain_events().len(), 5);
    assert!(e.state().invariants_hold());
}

// ---------------------------------------------------------------------------------------------
// 5. Precedence: missing → malformed → Forbidden → not found → wrong state → quota
// ---------------------------------------------------------------------------------------------

#[test]
fn missing_beats_malformed_in_every_operation() {
    let mut e = Engine::new(Config::default());
    for op in OPS {
        let required = op.required();
        let last = required[required.len() - 1];
        // The last required field missing, every earlier field and every optional field
        // malformed: still MissingParameter, naming the missing field.
        let mut fields = with(&op.base(UNKNOWN_JOB), last, Value::Null);
        for (field, bad) in malformed(op) {
            if field != last {
                fields = with(&fields, field, bad);
            }
        }
        let r = op.refuse(&mut e, &a(), &fields);
        assert_body(&r, "MissingParameter", 400, &missing_message(last));
    }
}

#[test]
fn within_a_class_the_first_field_of_the_table_wins() {
    let mut e = Engine::new(Config::default());
    // Everything missing: the first required field.
    for op in OPS {
        let r = op.refuse(&mut e, &a(), &json!({}));
        assert_body(
            &r,
            "MissingParameter",
            400,
            &missing_message(op.required()[0]),
        );
    }
    // Create: Name and StreamOutput missing → Name.
    let fields = with(
        &with(&Op::Create.base(""), "Name", Value::Null),
        "StreamOutput",
        json!(""),
    );
    let r = Op::Create.refuse(&mut e, &a(), &fields);
    assert_body(&r, "MissingParameter", 400, &missing_message("Name"));
    // Malformed fields: the first in table order, whatever order they were written in.
    type Fields<'a> = &'a [(&'a str, Value)];
    let cases: [(Op, Fields, &str); 4] = [
        (
            Op::Create,
            &[
                ("StreamOutput", json!("ftp://h/a/b")),
                ("TemplateId", json!("a b")),
                ("Name", json!("a b")),
            ],
            "Name",
        ),
        (
            Op::Update,
            &[
                ("StreamOutput", json!("")),
                ("StreamInput", json!("http://x/a b")),
            ],
            "StreamInput",
        ),
        (
            Op::List,
            &[
                ("SortBy", json!("up")),
                ("PageSize", json!(0)),
                ("PageNo", json!(0)),
                ("Type", json!("x")),
                ("Status", json!(3)),
                ("Keyword", json!("\u{7}")),
            ],
            "Keyword",
        ),
        (
            Op::ListTemplates,
            &[
                ("SortBy", json!("up")),
                ("PageSize", json!(0)),
                ("VideoCodec", json!("x")),
                ("Type", json!("x")),
            ],
            "Type",
        ),
    ];
    for (op, bad, first) in cases {
        let mut fields = op.base(UNKNOWN_JOB);
        for (field, value) in bad {
            fields = with(&fields, field, value.clone());
        }
        let r = op.refuse(&mut e, &a(), &fields);
        assert_invalid(&r, first);
    }
}

#[test]
fn missing_and_malformed_beat_forbidden() {
    let mut e = Engine::new(only(&[&a()]));
    for op in OPS {
        let field = op.required()[op.required().len() - 1];
        let missing = with(&op.base(UNKNOWN_JOB), field, Value::Null);
        let r = op.refuse(&mut e, &b(), &missing);
        assert_body(&r, "MissingParameter", 400, &missing_message(field));
        let broken = with(&op.base(UNKNOWN_JOB), "ClusterId", json!("bad cluster"));
        let r = op.refuse(&mut e, &b(), &broken);
        assert_invalid(&r, "ClusterId");
    }
}

#[test]
fn forbidden_beats_not_found_and_quota() {
    // B holds one job (quota 1, running limit 1) and runs it; then B loses the entitlement.
    let mut open = Engine::new(limits(1, 1));
    let running = create(&mut open, &b(), "running", t0());
    open.start_edge_transcode_job(&b(), &start_req(&running), t0())
        .unwrap();
    let mut e = Engine::restore(
        Config {
            edge_limits: EdgeLimits {
                max_jobs: 1,
                max_running_jobs: 1,
            },
            ..only(&[&a()])
        },
        open.snapshot(),
    );
    let unknown_template = with(&Op::Create.base(""), "TemplateId", json!("nope"));
    let cases = [
        (Op::Create, Op::Create.base("")),    // would be UserQuotaExceed
        (Op::Create, unknown_template),       // would be TemplateNotFound
        (Op::Get, Op::Get.base(UNKNOWN_JOB)), // would be JobNotFound
        (Op::Start, Op::Start.base(UNKNOWN_JOB)),
        (Op::Stop, Op::Stop.base(UNKNOWN_JOB)),
        (Op::Delete, Op::Delete.base(UNKNOWN_JOB)),
        (
            Op::Update,
            with(&Op::Update.base(UNKNOWN_JOB), "TemplateId", json!("nope")),
        ),
        (
            Op::GetTemplate,
            with(&Op::GetTemplate.base(""), "TemplateId", json!("nope")),
        ),
        (Op::Start, Op::Start.base(&running)), // would be OperationDenied
        (Op::Delete, Op::Delete.base(&running)),
    ];
    for (op, fields) in &cases {
        let r = op.refuse(&mut e, &b(), fields);
        assert_body(&r, "Forbidden", 403, FORBIDDEN_MESSAGE);
    }
}

#[test]
fn not_found_beats_wrong_state_and_quota() {
    // Running limit reached, job quota reached.
    let mut e = Engine::new(limits(1, 1));
    let running = running_job(&mut e);
    let cases = [
        (Op::Start, Op::Start.base(UNKNOWN_JOB)),
        (Op::Stop, Op::Stop.base(UNKNOWN_JOB)),
        (Op::Delete, Op::Delete.base(UNKNOWN_JOB)),
        (
            Op::Update,
            with(&Op::Update.base(UNKNOWN_JOB), "TemplateId", json!("nope")),
        ),
    ];
    for (op, fields) in &cases {
        let r = op.refuse(&mut e, &a(), fields);
        assert_body(
            &r,
            "JobNotFound",
            404,
            &not_found_message(UNKNOWN_JOB, CLUSTER),
        );
    }
    // The running job, named in another cluster, is not found rather than denied.
    for op in [Op::Start, Op::Update, Op::Delete] {
        let fields = with(&op.base(&running), "ClusterId", json!("cluster-2"));
        let r = op.refuse(&mut e, &a(), &fields);
        assert_body(
            &r,
            "JobNotFound",
            404,
            &not_found_message(&running, "cluster-2"),
        );
    }
}

#[test]
fn wrong_state_beats_quota_and_unknown_template() {
    let mut e = Engine::new(limits(1, 1));
    let running = running_job(&mut e);
    // Start of the running job at the running limit: denied, not UserTaskExceed.
    let r = Op::Start.refuse(&mut e, &a(), &Op::Start.base(&running));
    assert_body(&r, "OperationDenied", 403, &denied_message(ALREADY_RUNNING));
    // Update of a running job with an unknown TemplateId: denied, not TemplateNotFound.
    let fields = with(
        &Op::Update.base(&running),
        "TemplateId",
        json!("no-such-template"),
    );
    let r = Op::Update.refuse(&mut e, &a(), &fields);
    assert_body(&r, "OperationDenied", 403, &denied_message(UPDATE_RUNNING));
}

#[test]
fn create_checks_the_template_before_the_job_quota() {
    let mut e = Engine::new(limits(1, 1));
    fresh_job(&mut e);
    let fields = with(
        &Op::Create.base(""),
        "TemplateId",
        json!("no-such-template"),
    );
    let r = Op::Create.refuse(&mut e, &a(), &fields);
    assert_body(
        &r,
        "TemplateNotFound",
        404,
        "The template no-such-template does not exist",
    );
    let r = Op::Create.refuse(&mut e, &a(), &Op::Create.base(""));
    assert_body(
        &r,
        "UserQuotaExceed",
        403,
        "Quota exceeded: the account already holds 1 edge transcoding jobs.",
    );
}

// ---------------------------------------------------------------------------------------------
// 7. Tenancy: another account's job does not exist for you
// ---------------------------------------------------------------------------------------------

#[test]
fn another_accounts_job_is_not_found_and_not_listed() {
    for state in [JobState::Fresh, JobState::Running, JobState::Stopped] {
        let (mut e, job) = engine_with(state, false);
        let owner_view = get_job(&mut e, &job);
        for op in [Op::Get, Op::Update, Op::Start, Op::Stop, Op::Delete] {
            let r = op.refuse(&mut e, &b(), &op.base(&job));
            // Exactly as for an id that never existed: nothing leaks.
            assert_body(&r, "JobNotFound", 404, &not_found_message(&job, CLUSTER));
        }
        for req in [
            list_req(),
            ListEdgeTranscodeJobRequest {
                keyword: s(&job),
                ..list_req()
            },
        ] {
            let listed = e.list_edge_transcode_job(&b(), &req, t0()).unwrap();
            assert_eq!(listed.total_count, 0);
            assert!(listed.job_list.job.is_empty());
        }
        // The owner still sees the job as it was.
        assert_eq!(get_job(&mut e, &job), owner_view, "{state:?}");
        assert_eq!(list_ids(&mut e, &a(), &list_req()), [job.as_str()]);
    }
}

#[test]
fn accounts_keep_separate_jobs_in_the_same_cluster() {
    let mut e = Engine::new(Config::default());
    let ja = create(&mut e, &a(), "same_name", t0());
    let jb = create(&mut e, &b(), "same_name", t0());
    assert_ne!(ja, jb);
    assert_eq!(list_ids(&mut e, &a(), &list_req()), [ja.as_str()]);
    assert_eq!(list_ids(&mut e, &b(), &list_req()), [jb.as_str()]);
    e.start_edge_transcode_job(&b(), &start_req(&jb), t0())
        .unwrap();
    assert_eq!(get_job(&mut e, &ja)["Status"], "0");
}

// ---------------------------------------------------------------------------------------------
// 8. Listing jobs and templates
// ---------------------------------------------------------------------------------------------

/// Creates a job with this name and template at `now`; returns its id.
fn create_with(e: &mut Engine, name: &str, template: &str, now: DateTime<Utc>) -> String {
    e.create_edge_transcode_job(&a(), &create_req(name, template), now)
        .unwrap()
        .job_id
        .to_string()
}

fn list_with(
    e: &mut Engine,
    req: ListEdgeTranscodeJobRequest,
    now: DateTime<Utc>,
) -> (u64, Vec<String>) {
    drop(e.drain_events());
    let before = e.state().clone();
    let listed = e.list_edge_transcode_job(&a(), &req, now).unwrap();
    // List is read-only.
    assert_eq!(e.state(), &before);
    assert!(e.drain_events().is_empty());
    let ids = listed
        .job_list
        .job
        .iter()
        .map(|j| j.job_id.to_string())
        .collect();
    (listed.total_count, ids)
}

#[test]
fn list_keyword_is_the_exact_id_or_a_case_insensitive_part_of_the_name() {
    let mut e = Engine::new(Config::default());
    let evening = create_with(&mut e, "Evening_News", T01, t0());
    let morning = create_with(&mut e, "morning_news", T01, t0());
    let sports = create_with(&mut e, "sports", T01, t0());
    let chinese = create_with(&mut e, "晚间新闻", T01, t0());
    let asc = |keyword: &str| ListEdgeTranscodeJobRequest {
        keyword: s(keyword),
        sort_by: s("asc"),
        ..list_req()
    };
    let cases: Vec<(String, Vec<&String>)> = vec![
        ("NEWS".into(), vec![&evening, &morning]),
        ("news".into(), vec![&evening, &morning]),
        ("ening_n".into(), vec![&evening]),
        ("_".into(), vec![&evening, &morning]),
        ("新闻".into(), vec![&chinese]),
        ("".into(), vec![&evening, &morning, &sports, &chinese]),
        // Not trimmed: no name holds a space.
        (" news".into(), vec![]),
        ("weather".into(), vec![]),
        // The exact id, case-sensitive; a part of an id is not a match.
        (sports.clone(), vec![&sports]),
        (sports.to_uppercase(), vec![]),
        (sports[..8].to_owned(), vec![]),
        // 255 characters is the longest keyword accepted.
        ("n".repeat(255), vec![]),
    ];
    for (keyword, want) in cases {
        let (total, ids) = list_with(&mut e, asc(&keyword), t0());
        let want: Vec<String> = want.into_iter().cloned().collect();
        assert_eq!(ids, want, "keyword {keyword:?}");
        assert_eq!(total, want.len() as u64);
    }
}

#[test]
fn list_filters_by_status_and_type_together() {
    let mut e = Engine::new(Config::default());
    let common = create_with(&mut e, "c", T01, t0());
    let nbhd = create_with(&mut e, "n", T05, t0());
    let uhd = create_with(&mut e, "u", T08, t0());
    let common_running = create_with(&mut e, "cr", T02, t0());
    e.start_edge_transcode_job(&a(), &start_req(&common_running), t0())
        .unwrap();
    e.start_edge_transcode_job(&a(), &start_req(&uhd), t0())
        .unwrap();
    let req = |status: Option<i64>, kind: Option<&str>| ListEdgeTranscodeJobRequest {
        status,
        transcode_type: kind.map(str::to_owned),
        sort_by: s("asc"),
        ..list_req()
    };
    let cases = [
        (None, None, vec![&common, &nbhd, &uhd, &common_running]),
        (Some(0), None, vec![&common, &nbhd]),
        (Some(1), None, vec![&uhd, &common_running]),
        (None, Some("common"), vec![&common, &common_running]),
        (None, Some("nbhd-2"), vec![&nbhd]),
        (None, Some("ultra-hd"), vec![&uhd]),
        (None, Some(""), vec![&common, &nbhd, &uhd, &common_running]),
        (Some(1), Some("common"), vec![&common_running]),
        (Some(1), Some("nbhd-2"), vec![]),
        (Some(0), Some("ultra-hd"), vec![]),
    ];
    for (status, kind, want) in cases {
        let (total, ids) = list_with(&mut e, req(status, kind), t0());
        let want: Vec<String> = want.into_iter().cloned().collect();
        assert_eq!(ids, want, "status {status:?} type {kind:?}");
        assert_eq!(total, want.len() as u64);
    }
    // The Type of a job follows its template after an update.
    e.update_edge_transcode_job(
        &a(),
        &UpdateEdgeTranscodeJobRequest {
            template_id: s(T05),
            ..update_req(&common)
        },
        t0(),
    )
    .unwrap();
    let (_, ids) = list_with(&mut e, req(None, Some("nbhd-2")), t0());
    assert_eq!(ids, [common.as_str(), nbhd.as_str()]);
}

#[test]
fn list_sorts_by_create_time_with_creation_order_breaking_ties() {
    let mut e = Engine::new(Config::default());
    let hour = |h: i64| t0() + TimeDelta::hours(h);
    // Created out of time order; three share one `now`.
    let late = create_with(&mut e, "late", T01, hour(5));
    let tie1 = create_with(&mut e, "tie1", T01, hour(2));
    let early = create_with(&mut e, "early", T01, hour(1));
    let tie2 = create_with(&mut e, "tie2", T01, hour(2));
    let tie3 = create_with(&mut e, "tie3", T01, hour(2));
    let asc = vec![&early, &tie1, &tie2, &tie3, &late];
    let asc: Vec<String> = asc.into_iter().cloned().collect();
    let mut desc = asc.clone();
    desc.reverse();
    let now = hour(6);
    let sorted = |sort: Option<&str>| ListEdgeTranscodeJobRequest {
        sort_by: sort.map(str::to_owned),
        ..list_req()
    };
    assert_eq!(list_with(&mut e, sorted(Some("asc")), now).1, asc);
    assert_eq!(list_with(&mut e, sorted(Some("desc")), now).1, desc);
    // The default, and an empty SortBy, are desc.
    assert_eq!(list_with(&mut e, sorted(None), now).1, desc);
    assert_eq!(list_with(&mut e, sorted(Some("")), now).1, desc);
    // Operating a job does not move it: the order is by creation.
    e.start_edge_transcode_job(&a(), &start_req(&early), hour(6))
        .unwrap();
    assert_eq!(list_with(&mut e, sorted(Some("asc")), now).1, asc);
}

/// Jobs whose CreateTime shows the same second list in creation order, whatever the fraction
/// of a second `now` carried (a clock that stepped back within the second); seconds still
/// order them when they differ.
#[test]
fn list_orders_one_second_by_creation_not_by_the_hidden_fraction() {
    let mut e = Engine::new(Config::default());
    let ms = |m: i64| t0() + TimeDelta::milliseconds(m);
    // Both print as 09:00:00; the first was created at .700, the second at .500.
    let first = create_with(&mut e, "first", T01, ms(700));
    let second = create_with(&mut e, "second", T01, ms(500));
    // Created after both, but a second earlier.
    let before = create_with(&mut e, "before", T01, ms(-100));
    let req = ListEdgeTranscodeJobRequest {
        sort_by: s("asc"),
        ..list_req()
    };
    let listed = e.list_edge_transcode_job(&a(), &req, ms(900)).unwrap();
    let ids: Vec<&str> = listed
        .job_list
        .job
        .iter()
        .map(|j| j.job_id.as_str())
        .collect();
    assert_eq!(ids, [before.as_str(), first.as_str(), second.as_str()]);
    let shown: Vec<_> = listed
        .job_list
        .job
        .iter()
        .map(|job| to_json(job)["CreateTime"].clone())
        .collect();
    assert_eq!(
        shown,
        [
            "2024-05-01T08:59:59Z",
            "2024-05-01T09:00:00Z",
            "2024-05-01T09:00:00Z"
        ]
    );
}

#[test]
fn list_pages_and_counts_every_match() {
    let mut e = Engine::new(Config::default());
    let all: Vec<String> = (0..25)
        .map(|i| {
            create_with(
                &mut e,
                &format!("job{i}"),
                T01,
                t0() + TimeDelta::seconds(i),
            )
        })
        .collect();
    let page = |no: Option<i64>, size: Option<i64>| ListEdgeTranscodeJobRequest {
        page_no: no,
        page_size: size,
        sort_by: s("asc"),
        ..list_req()
    };
    // Default page: the first 10.
    assert_eq!(
        list_with(&mut e, page(None, None), t0()),
        (25, all[..10].to_vec())
    );
    assert_eq!(
        list_with(&mut e, page(Some(2), None), t0()),
        (25, all[10..20].to_vec())
    );
    assert_eq!(
        list_with(&mut e, page(Some(3), Some(10)), t0()),
        (25, all[20..].to_vec())
    );
    // Past the end: empty, still counting all.
    assert_eq!(
        list_with(&mut e, page(Some(4), Some(10)), t0()),
        (25, vec![])
    );
    assert_eq!(
        list_with(&mut e, page(Some(2_147_483_647), Some(100)), t0()),
        (25, vec![])
    );
    assert_eq!(
        list_with(&mut e, page(Some(1), Some(100)), t0()),
        (25, all.clone())
    );
    assert_eq!(
        list_with(&mut e, page(Some(7), Some(4)), t0()),
        (25, all[24..].to_vec())
    );
    assert_eq!(
        list_with(&mut e, page(Some(13), Some(2)), t0()),
        (25, all[24..].to_vec())
    );
    assert_eq!(
        list_with(&mut e, page(Some(25), Some(1)), t0()),
        (25, all[24..].to_vec())
    );
    // Paging applies after the filters and the order.
    let filtered = ListEdgeTranscodeJobRequest {
        keyword: s("job1"), // job1, job10..job19
        page_no: Some(2),
        page_size: Some(4),
        sort_by: s("desc"),
        ..list_req()
    };
    let mut want: Vec<String> = std::iter::once(&all[1])
        .chain(&all[10..20])
        .cloned()
        .collect();
    want.reverse();
    assert_eq!(list_with(&mut e, filtered, t0()), (11, want[4..8].to_vec()));
    // PageSize 0 and 101 (and PageNo 0) are invalid.
    for (no, size, field) in [
        (None, Some(0), "PageSize"),
        (None, Some(101), "PageSize"),
        (Some(0), None, "PageNo"),
    ] {
        let req = to_json(&page(no, size));
        let r = Op::List.refuse(&mut e, &a(), &req);
        assert_invalid(&r, field);
    }
}

#[test]
fn list_only_shows_one_cluster() {
    let mut e = Engine::new(Config::default());
    let here = fresh_job(&mut e);
    let fields = with(&Op::Create.base(""), "ClusterId", json!("cluster-2"));
    let there = Op::Create.run(&mut e, &a(), &fields, t0()).unwrap()["JobId"].clone();
    assert_eq!(list_with(&mut e, list_req(), t0()), (1, vec![here]));
    let other = ListEdgeTranscodeJobRequest {
        cluster_id: s("cluster-2"),
        ..list_req()
    };
    assert_eq!(
        list_with(&mut e, other, t0()),
        (1, vec![there.as_str().unwrap().to_owned()])
    );
    let empty = ListEdgeTranscodeJobRequest {
        cluster_id: s("never-used"),
        ..list_req()
    };
    assert_eq!(list_with(&mut e, empty, t0()), (0, vec![]));
}

#[test]
fn list_window_is_180_days_since_creation_or_last_operation() {
    let day = |d: i64| t0() + TimeDelta::days(d);
    let second = TimeDelta::seconds(1);
    let mut e = Engine::new(limits(4, 4));
    let idle = create_with(&mut e, "idle", T01, t0());
    let runner = create_with(&mut e, "runner", T01, t0());
    let started = create_with(&mut e, "started", T01, t0());
    let updated = create_with(&mut e, "updated", T01, t0());
    e.start_edge_transcode_job(&a(), &start_req(&runner), t0())
        .unwrap();
    // Day 100: one job is started (and stopped on day 150), one updated with no field to
    // change (which still counts as operating it).
    e.start_edge_transcode_job(&a(), &start_req(&started), day(100))
        .unwrap();
    e.update_edge_transcode_job(&a(), &update_req(&updated), day(100))
        .unwrap();
    e.stop_edge_transcode_job(&a(), &stop_req(&started), day(150))
        .unwrap();
    // Reads and refusals do not count as operating.
    e.get_edge_transcode_job(&a(), &get_req(&idle), day(170))
        .unwrap();
    list_with(&mut e, list_req(), day(170));
    let r = Op::Stop.refuse(&mut e, &a(), &Op::Stop.base(&idle));
    assert_eq!(r.code(), "OperationDenied");
    let r = Op::Start.refuse(&mut e, &a(), &Op::Start.base(&runner));
    assert_eq!(r.code(), "OperationDenied");
    let asc = || ListEdgeTranscodeJobRequest {
        sort_by: s("asc"),
        ..list_req()
    };
    let ids = |v: &[&String]| -> Vec<String> { v.iter().map(|s| (*s).clone()).collect() };
    // The boundary is included.
    let everything = ids(&[&idle, &runner, &started, &updated]);
    assert_eq!(list_with(&mut e, asc(), day(180)), (4, everything));
    assert_eq!(
        list_with(&mut e, asc(), day(180) + second),
        (2, ids(&[&started, &updated]))
    );
    assert_eq!(
        list_with(&mut e, asc(), day(280)),
        (2, ids(&[&started, &updated]))
    );
    assert_eq!(
        list_with(&mut e, asc(), day(280) + second),
        (1, ids(&[&started]))
    );
    assert_eq!(list_with(&mut e, asc(), day(330)), (1, ids(&[&started])));
    assert_eq!(list_with(&mut e, asc(), day(330) + second), (0, vec![]));
    // Outside the window a job still exists: it counts toward the quota, and Get, Start,
    // Stop, Update and Delete find it; operating it brings it back into the list.
    let far = day(400);
    let r = Op::Create.refuse(&mut e, &a(), &Op::Create.base(""));
    assert_eq!(r.code(), "UserQuotaExceed");
    e.get_edge_transcode_job(&a(), &get_req(&idle), far)
        .unwrap();
    assert_eq!(list_with(&mut e, asc(), far), (0, vec![]));
    e.start_edge_transcode_job(&a(), &start_req(&idle), far)
        .unwrap();
    e.stop_edge_transcode_job(&a(), &stop_req(&runner), far)
        .unwrap();
    e.update_edge_transcode_job(&a(), &update_req(&updated), far)
        .unwrap();
    assert_eq!(
        list_with(&mut e, asc(), far),
        (3, ids(&[&idle, &runner, &updated]))
    );
    e.delete_edge_transcode_job(&a(), &delete_req(&started), far)
        .unwrap();
    e.delete_edge_transcode_job(&a(), &delete_req(&updated), far)
        .unwrap();
    assert_eq!(list_with(&mut e, asc(), far), (2, ids(&[&idle, &runner])));
}

fn tpl_ids(e: &mut Engine, req: ListEdgeTranscodeTemplateRequest) -> (u64, Vec<String>) {
    let listed = e.list_edge_transcode_template(&a(), &req, t0()).unwrap();
    let ids = listed
        .template_list
        .template
        .iter()
        .map(|t| t.template_id.to_string())
        .collect();
    (listed.total_count, ids)
}

/// Default-catalogue template ids by their last digit.
fn tids(suffixes: &str) -> Vec<String> {
    suffixes
        .chars()
        .map(|c| format!("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c0{c}"))
        .collect()
}

#[test]
fn template_list_filters_sorts_and_pages() {
    let mut e = Engine::new(Config::default());
    let req = |keyword: Option<&str>, kind: Option<&str>, codec: Option<&str>| {
        ListEdgeTranscodeTemplateRequest {
            keyword: keyword.map(str::to_owned),
            transcode_type: kind.map(str::to_owned),
            video_codec: codec.map(str::to_owned),
            sort_by: s("asc"),
            ..tpl_list_req()
        }
    };
    let cases = [
        (None, None, None, "12345678"),
        (Some(""), Some(""), Some(""), "12345678"),
        (Some("H265"), None, None, "368"),
        (Some("ULTRA"), None, None, "78"),
        (Some("-source"), None, None, "4"),
        (Some(T05), None, None, "5"),
        (Some(&T05[..20]), None, None, ""),
        (None, Some("common"), None, "1234"),
        (None, Some("nbhd-2"), None, "56"),
        (None, Some("ultra-hd"), None, "78"),
        (None, None, Some("H.264"), "12457"),
        (None, None, Some("H.265"), "368"),
        (None, Some("common"), Some("H.265"), "3"),
        (Some("1080p"), Some("common"), Some("H.264"), "2"),
        (Some("1080p"), Some("ultra-hd"), None, ""),
    ];
    for (keyword, kind, codec, want) in cases {
        let (total, ids) = tpl_ids(&mut e, req(keyword, kind, codec));
        assert_eq!(ids, tids(want), "{keyword:?} {kind:?} {codec:?}");
        assert_eq!(total, want.len() as u64);
    }
    // Order: desc by default and when empty.
    for sort in [None, Some(""), Some("desc")] {
        let r = ListEdgeTranscodeTemplateRequest {
            sort_by: sort.map(str::to_owned),
            ..tpl_list_req()
        };
        assert_eq!(tpl_ids(&mut e, r), (8, tids("87654321")));
    }
    // Paging: default size 10; pages of 3; past the end empty; TotalCount counts all.
    let page = |no: i64, size: i64| ListEdgeTranscodeTemplateRequest {
        page_no: Some(no),
        page_size: Some(size),
        sort_by: s("asc"),
        ..tpl_list_req()
    };
    assert_eq!(tpl_ids(&mut e, page(1, 3)), (8, tids("123")));
    assert_eq!(tpl_ids(&mut e, page(2, 3)), (8, tids("456")));
    assert_eq!(tpl_ids(&mut e, page(3, 3)), (8, tids("78")));
    assert_eq!(tpl_ids(&mut e, page(4, 3)), (8, vec![]));
    assert_eq!(tpl_ids(&mut e, page(2, 100)), (8, vec![]));
    // The cluster does not change what is found.
    let elsewhere = ListEdgeTranscodeTemplateRequest {
        cluster_id: s("any-other-cluster"),
        ..page(1, 3)
    };
    assert_eq!(tpl_ids(&mut e, elsewhere), (8, tids("123")));
    let got = e
        .get_edge_transcode_template(
            &a(),
            &GetEdgeTranscodeTemplateRequest {
                cluster_id: s("any-other-cluster"),
                template_id: s(T05),
            },
            t0(),
        )
        .unwrap();
    assert_eq!(got.template.name, "nbhd2-h264-720p");
    // Nothing listed or read changed anything.
    assert_eq!(e.state(), &State::default());
    assert!(e.drain_events().is_empty());
}

#[test]
fn template_list_breaks_create_time_ties_by_template_id() {
    let base = TemplateCatalogue::default().iter().next().unwrap().clone();
    let make = |id: &str| Template {
        template_id: id.try_into().unwrap(),
        name: format!("tpl-{id}"),
        ..base.clone()
    };
    let catalogue = TemplateCatalogue::new(vec![make("b"), make("c"), make("a")]).unwrap();
    let mut e = Engine::new(Config {
        templates: catalogue,
        ..Config::default()
    });
    let sorted = |sort: &str| ListEdgeTranscodeTemplateRequest {
        sort_by: s(sort),
        ..tpl_list_req()
    };
    assert_eq!(tpl_ids(&mut e, sorted("asc")).1, ["a", "b", "c"]);
    assert_eq!(tpl_ids(&mut e, sorted("desc")).1, ["c", "b", "a"]);
}

// ---------------------------------------------------------------------------------------------
// 9. Replay and snapshots
// ---------------------------------------------------------------------------------------------

/// A history over two accounts and two clusters with every kind of change, a few refusals,
/// and sub-second times; returns the engine with its events not yet drained.
fn busy_engine(config: Config) -> Engine {
    let mut e = Engine::new(config);
    let ms = |m: i64| t0() + TimeDelta::milliseconds(m);
    let j1 = create_with(&mut e, "one", T01, ms(100));
    let j2 = create_with(&mut e, "two", T05, ms(200));
    let j3 = create(&mut e, &b(), "three", ms(300));
    let c2 = with(&Op::Create.base(""), "ClusterId", json!("cluster-2"));
    Op::Create.run(&mut e, &a(), &c2, ms(400)).unwrap();
    e.start_edge_transcode_job(&a(), &start_req(&j1), ms(1_500))
        .unwrap();
    e.start_edge_transcode_job(&b(), &start_req(&j3), ms(1_600))
        .unwrap();
    // Refusals in between change nothing and record nothing.
    assert!(
        e.start_edge_transcode_job(&a(), &start_req(&j1), ms(1_700))
            .is_err()
    );
    assert!(
        e.create_edge_transcode_job(&a(), &create_req("x", "nope"), ms(1_700))
            .is_err()
    );
    e.stop_edge_transcode_job(&a(), &stop_req(&j1), ms(2_500))
        .unwrap();
    let update = UpdateEdgeTranscodeJobRequest {
        name: s("two_renamed"),
        template_id: s(T08),
        stream_output: s("rtmps://push.example.com/live/x?k=v"),
        ..update_req(&j2)
    };
    e.update_edge_transcode_job(&a(), &update, ms(3_000))
        .unwrap();
    e.delete_edge_transcode_job(&a(), &delete_req(&j2), ms(4_000))
        .unwrap();
    e
}

#[test]
fn replaying_the_drained_events_rebuilds_the_state() {
    let mut e = busy_engine(Config::default());
    let events = e.drain_events();
    // 4 creates, 2 starts, 1 stop, 1 update, 1 delete; the refusals recorded nothing.
    assert_eq!(events.len(), 9);
    assert!(events.iter().all(|ev| ev.at >= t0()));
    let replayed = Engine::replay(Config::default(), &events).unwrap();
    assert_eq!(replayed.state(), e.state());
    assert!(replayed.state().invariants_hold());
    // The log survives a serde_json round trip.
    let text = serde_json::to_string(&events).unwrap();
    let back: Vec<Event> = serde_json::from_str(&text).unwrap();
    assert_eq!(back, events);
    assert_eq!(
        Engine::replay(Config::default(), &back).unwrap().state(),
        e.state()
    );
    // Replaying in parts gives the same state as in one go.
    let mut first = Engine::replay(Config::default(), &events[..5]).unwrap();
    assert_ne!(first.state(), e.state());
    drop(first.drain_events());
    let whole = Engine::replay(Config::default(), events.iter()).unwrap();
    assert_eq!(whole.state(), e.state());
}

#[test]
fn a_replayed_engine_issues_the_next_job_id_of_the_original() {
    let mut e = busy_engine(Config::default());
    let events = e.drain_events();
    let mut replayed = Engine::replay(Config::default(), &events).unwrap();
    let next = e
        .create_edge_transcode_job(&a(), &create_req("next", T01), t0())
        .unwrap();
    let again = replayed
        .create_edge_transcode_job(&a(), &create_req("next", T01), t0())
        .unwrap();
    assert_eq!(next.job_id, again.job_id);
    assert_eq!(e.state(), replayed.state());
}

#[test]
fn replay_refuses_a_log_that_is_not_a_history() {
    let mut e = busy_engine(Config::default());
    let events = e.drain_events();
    // A job created twice.
    let twice = [events[0].clone(), events[0].clone()];
    let err = Engine::replay(Config::default(), &twice).unwrap_err();
    assert_eq!(err.index, 1);
    assert_eq!(err.error.code(), "InternalError");
    // A stop whose start is missing (events[4] is the first start, events[6] its stop).
    let gap: Vec<Event> = events
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 4)
        .map(|(_, ev)| ev.clone())
        .collect();
    let err = Engine::replay(Config::default(), &gap).unwrap_err();
    assert_eq!(err.index, 5);
    assert_eq!(
        err.error,
        ApiError::OperationDenied {
            reason: NOT_RUNNING.into()
        }
    );
    // A change of a job that was never created.
    let err = Engine::replay(Config::default(), &events[4..]).unwrap_err();
    assert_eq!((err.index, err.error.code()), (0, "JobNotFound"));
}

#[test]
fn snapshot_through_json_restores_the_state_and_the_next_ids() {
    let mut e = busy_engine(Config::default());
    drop(e.drain_events());
    let snapshot = e.snapshot();
    let text = serde_json::to_string(&snapshot).unwrap();
    // Deterministic: the same engine gives the same text.
    assert_eq!(serde_json::to_string(&e.snapshot()).unwrap(), text);
    let back: Snapshot = serde_json::from_str(&text).unwrap();
    assert_eq!(back, snapshot);
    let mut restored = Engine::restore(Config::default(), back);
    assert_eq!(restored.state(), e.state());
    assert!(restored.drain_events().is_empty());
    // The same next call gives the same body, job id and request id included ...
    let next = create_req("next", T02);
    let original = to_json(&e.create_edge_transcode_job(&a(), &next, t0()).unwrap());
    let copy = to_json(
        &restored
            .create_edge_transcode_job(&a(), &next, t0())
            .unwrap(),
    );
    assert_eq!(original, copy);
    // ... and the same refusal body.
    let bad = Op::Start.base(UNKNOWN_JOB);
    let r1 = Op::Start.run(&mut e, &a(), &bad, t0()).unwrap_err();
    let r2 = Op::Start.run(&mut restored, &a(), &bad, t0()).unwrap_err();
    assert_eq!(to_json(&r1), to_json(&r2));
    assert_eq!(e.drain_events(), restored.drain_events());
    assert_eq!(e.state(), restored.state());
    // Sub-second creation times survive the snapshot: the list order is the same.
    let asc = ListEdgeTranscodeJobRequest {
        sort_by: s("asc"),
        ..list_req()
    };
    let l1 = e.list_edge_transcode_job(&a(), &asc, t0()).unwrap();
    let l2 = restored.list_edge_transcode_job(&a(), &asc, t0()).unwrap();
    assert_eq!(l1, l2);
    assert_eq!(restored.snapshot(), e.snapshot());
}

/// A wire body holds an id that needs escaping (a generator of the embedder's may make one:
/// ids are any printable ASCII) escaped as serde_json would, in Start's and Stop's hand-written
/// bodies as in the typed reply's serialization.
#[test]
fn wire_bodies_escape_ids_that_need_it() {
    let quoted = r#"a"b\c"#;
    let mut e = Engine::with_id_generator(Config::default(), Box::new(FixedJobIds(quoted)));
    let job = create(&mut e, &a(), "odd", t0());
    assert_eq!(job, quoted);
    let params = [("ClusterId", CLUSTER), ("JobId", quoted)];
    for action in ["StartEdgeTranscodeJob", "StopEdgeTranscodeJob"] {
        let reply = e.handle_rpc(a().as_str(), action, &params, t0());
        assert_eq!(reply.status(), 200, "{}", reply.body());
        let body: serde_json::Value = serde_json::from_str(reply.body()).unwrap();
        assert_eq!(body["JobId"], quoted, "{action}");
        let typed: live_lifecycle::edge::JobIdResponse = serde_json::from_value(body).unwrap();
        assert_eq!(typed.job_id.as_str(), quoted);
        assert_eq!(reply.body(), serde_json::to_string(&typed).unwrap());
    }
}

#[test]
fn restore_with_another_generator_continues_its_sequence() {
    #[derive(Debug)]
    struct Plain;
    impl IdGenerator for Plain {
        fn generate(&mut self, kind: IdKind, seq: u64) -> String {
            format!("{kind:?}-{seq}").to_lowercase()
        }
    }
    let mut e = busy_engine(Config::default());
    let answered = e.snapshot().requests_answered;
    let mut restored =
        Engine::restore_with_id_generator(Config::default(), Box::new(Plain), e.snapshot());
    let created = restored
        .create_edge_transcode_job(&a(), &create_req("next", T01), t0())
        .unwrap();
    // Four jobs were created before (one deleted): this is the fifth, seq 4.
    assert_eq!(created.job_id.as_str(), "job-4");
    assert_eq!(created.request_id, format!("request-{answered}"));
    drop(e.drain_events());
}

// ---------------------------------------------------------------------------------------------
// 10. Serde round trips of requests, responses and engine data
// ---------------------------------------------------------------------------------------------

fn round_trip<T>(value: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let text = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&text).unwrap();
    assert_eq!(&back, value, "{text}");
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
}

#[test]
fn requests_round_trip_under_their_wire_names() {
    let full_list = ListEdgeTranscodeJobRequest {
        cluster_id: s("c"),
        keyword: s("k"),
        status: Some(1),
        transcode_type: s("common"),
        page_no: Some(2),
        page_size: Some(3),
        sort_by: s("asc"),
    };
    assert_eq!(
        to_json(&full_list),
        json!({"ClusterId": "c", "Keyword": "k", "Status": 1, "Type": "common",
               "PageNo": 2, "PageSize": 3, "SortBy": "asc"})
    );
    let full_tpl_list = ListEdgeTranscodeTemplateRequest {
        cluster_id: s("c"),
        keyword: s("k"),
        transcode_type: s("nbhd-2"),
        video_codec: s("H.265"),
        page_no: Some(1),
        page_size: Some(100),
        sort_by: s("desc"),
    };
    assert_eq!(
        to_json(&full_tpl_list),
        json!({"ClusterId": "c", "Keyword": "k", "Type": "nbhd-2", "VideoCodec": "H.265",
               "PageNo": 1, "PageSize": 100, "SortBy": "desc"})
    );
    let full_update = UpdateEdgeTranscodeJobRequest {
        cluster_id: s("c"),
        job_id: s("j"),
        name: s("n"),
        template_id: s("t"),
        stream_input: s(IN_URL),
        stream_output: s(OUT_URL),
    };
    assert_eq!(
        to_json(&full_update),
        json!({"ClusterId": "c", "JobId": "j", "Name": "n", "TemplateId": "t",
               "StreamInput": IN_URL, "StreamOutput": OUT_URL})
    );
    let create = create_req("n", T01);
    assert_eq!(
        to_json(&create),
        json!({"ClusterId": CLUSTER, "Name": "n", "TemplateId": T01,
               "StreamInput": IN_URL, "StreamOutput": OUT_URL})
    );
    assert_eq!(
        to_json(&get_req("j")),
        json!({"ClusterId": CLUSTER, "JobId": "j"})
    );
    assert_eq!(
        to_json(&tpl_get_req("t")),
        json!({"ClusterId": CLUSTER, "TemplateId": "t"})
    );
    round_trip(&full_list);
    round_trip(&full_tpl_list);
    round_trip(&full_update);
    round_trip(&create);
    round_trip(&get_req("j"));
    round_trip(&start_req("j"));
    round_trip(&stop_req("j"));
    round_trip(&delete_req("j"));
    round_trip(&tpl_get_req("t"));
    // Absent fields are left out, and an empty object is the empty request.
    round_trip(&ListEdgeTranscodeJobRequest::default());
    round_trip(&ListEdgeTranscodeTemplateRequest::default());
    round_trip(&UpdateEdgeTranscodeJobRequest::default());
    round_trip(&CreateEdgeTranscodeJobRequest::default());
    assert_eq!(
        to_json(&CreateEdgeTranscodeJobRequest::default()),
        json!({})
    );
    assert_eq!(to_json(&StartEdgeTranscodeJobRequest::default()), json!({}));
    let empty: ListEdgeTranscodeJobRequest = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, ListEdgeTranscodeJobRequest::default());
    // Empty strings are kept as sent (they mean something different from absent).
    let blank = UpdateEdgeTranscodeJobRequest {
        name: s(""),
        ..Default::default()
    };
    round_trip(&blank);
    assert_eq!(to_json(&blank), json!({"Name": ""}));
}

#[test]
fn responses_and_engine_data_round_trip() {
    let mut e = Engine::new(Config::default());
    let created = e
        .create_edge_transcode_job(&a(), &create_req("n", T01), t0())
        .unwrap();
    round_trip(&created);
    let id = created.job_id.to_string();
    let fresh = e.get_edge_transcode_job(&a(), &get_req(&id), t0()).unwrap();
    round_trip(&fresh);
    round_trip(&fresh.job);
    let started = e
        .start_edge_transcode_job(&a(), &start_req(&id), t0() + TimeDelta::hours(1))
        .unwrap();
    round_trip(&started);
    let stopped = e
        .stop_edge_transcode_job(&a(), &stop_req(&id), t0() + TimeDelta::hours(2))
        .unwrap();
    round_trip(&stopped);
    let full = e.get_edge_transcode_job(&a(), &get_req(&id), t0()).unwrap();
    assert!(full.job.last_start_at.is_some() && full.job.last_stop_at.is_some());
    round_trip(&full);
    let listed = e.list_edge_transcode_job(&a(), &list_req(), t0()).unwrap();
    round_trip(&listed);
    round_trip(&listed.job_list);
    let updated = e
        .update_edge_transcode_job(&a(), &update_req(&id), t0())
        .unwrap();
    round_trip(&updated);
    let template = e
        .get_edge_transcode_template(&a(), &tpl_get_req(T05), t0())
        .unwrap();
    round_trip(&template);
    round_trip(&template.template);
    let templates = e
        .list_edge_transcode_template(&a(), &tpl_list_req(), t0())
        .unwrap();
    round_trip(&templates);
    round_trip(&templates.template_list);
    let deleted = e
        .delete_edge_transcode_job(&a(), &delete_req(&id), t0())
        .unwrap();
    round_trip(&deleted);
    // Engine data: events (every kind), snapshots, configs.
    let mut busy = busy_engine(only(&[&a(), &b()]));
    for event in busy.drain_events() {
        round_trip(&event);
        let Change::Edge(edge) = &event.change else {
            unreachable!()
        };
        round_trip(edge);
    }
    round_trip(&busy.snapshot());
    round_trip(busy.state());
    round_trip(busy.config());
    round_trip(&Config::default());
    round_trip(&limits(3, 2).edge_limits);
    round_trip(&TemplateCatalogue::default());
    round_trip(&Access::Everyone);
}

// ---------------------------------------------------------------------------------------------
// 11. validate() and validate_all()
// ---------------------------------------------------------------------------------------------

/// (code, field) of a validation problem.
fn problem(error: &ApiError) -> (&'static str, String) {
    match error {
        ApiError::MissingParameter { field } => ("MissingParameter", field.to_string()),
        ApiError::InvalidParameter { field, .. } => ("InvalidParameter", field.to_string()),
        other => panic!("not a validation problem: {other:?}"),
    }
}

fn problems(errors: &[ApiError]) -> Vec<(&'static str, String)> {
    errors.iter().map(problem).collect()
}

fn miss(field: &str) -> (&'static str, String) {
    ("MissingParameter", field.to_owned())
}

fn bad(field: &str) -> (&'static str, String) {
    ("InvalidParameter", field.to_owned())
}

#[test]
fn validate_all_lists_every_problem_missing_first_then_in_field_order() {
    let nothing = CreateEdgeTranscodeJobRequest::default();
    let all = [
        "ClusterId",
        "Name",
        "TemplateId",
        "StreamInput",
        "StreamOutput",
    ];
    assert_eq!(problems(&nothing.validate_all()), all.map(miss));
    assert_eq!(problem(&nothing.validate().unwrap_err()), miss("ClusterId"));

    let create = CreateEdgeTranscodeJobRequest {
        cluster_id: s("bad cluster"),
        name: None,
        template_id: s(T01),
        stream_input: s(""),
        stream_output: s("http://h/a b"),
    };
    assert_eq!(
        problems(&create.validate_all()),
        [
            miss("Name"),
            miss("StreamInput"),
            bad("ClusterId"),
            bad("StreamOutput")
        ]
    );
    assert_eq!(problem(&create.validate().unwrap_err()), miss("Name"));

    let update = UpdateEdgeTranscodeJobRequest {
        cluster_id: s("c"),
        job_id: None,
        name: s(""),
        template_id: s("a b"),
        stream_input: s(""),
        stream_output: s("srt:/h:1"),
    };
    assert_eq!(
        problems(&update.validate_all()),
        [
            miss("JobId"),
            bad("Name"),
            bad("TemplateId"),
            bad("StreamInput"),
            bad("StreamOutput")
        ]
    );
    assert_eq!(problem(&update.validate().unwrap_err()), miss("JobId"));
    let update = UpdateEdgeTranscodeJobRequest {
        job_id: s("j"),
        ..update
    };
    assert_eq!(problem(&update.validate().unwrap_err()), bad("Name"));

    let list = ListEdgeTranscodeJobRequest {
        cluster_id: None,
        keyword: s("\u{0}"),
        status: Some(5),
        transcode_type: s("COMMON"),
        page_no: Some(0),
        page_size: Some(101),
        sort_by: s("Asc"),
    };
    let fields = ["Keyword", "Status", "Type", "PageNo", "PageSize", "SortBy"];
    let mut want = vec![miss("ClusterId")];
    want.extend(fields.map(bad));
    assert_eq!(problems(&list.validate_all()), want);
    assert_eq!(problem(&list.validate().unwrap_err()), miss("ClusterId"));
    let list = ListEdgeTranscodeJobRequest {
        cluster_id: s("c"),
        ..list
    };
    assert_eq!(problems(&list.validate_all()), fields.map(bad));
    assert_eq!(problem(&list.validate().unwrap_err()), bad("Keyword"));

    let tpl = ListEdgeTranscodeTemplateRequest {
        cluster_id: s("c c"),
        keyword: s("k\u{7}"),
        transcode_type: s("x"),
        video_codec: s("x"),
        page_no: Some(-5),
        page_size: Some(0),
        sort_by: s("x"),
    };
    let fields = [
        "ClusterId",
        "Keyword",
        "Type",
        "VideoCodec",
        "PageNo",
        "PageSize",
        "SortBy",
    ];
    assert_eq!(problems(&tpl.validate_all()), fields.map(bad));
    assert_eq!(problem(&tpl.validate().unwrap_err()), bad("ClusterId"));

    let get = GetEdgeTranscodeTemplateRequest {
        cluster_id: s("a b"),
        template_id: None,
    };
    assert_eq!(
        problems(&get.validate_all()),
        [miss("TemplateId"), bad("ClusterId")]
    );
    let job = DeleteEdgeTranscodeJobRequest {
        cluster_id: s(""),
        job_id: s("a b"),
    };
    assert_eq!(
        problems(&job.validate_all()),
        [miss("ClusterId"), bad("JobId")]
    );
    assert_eq!(problem(&job.validate().unwrap_err()), miss("ClusterId"));
}

#[test]
fn validate_agrees_with_validate_all_and_with_the_engine() {
    let mut e = Engine::new(Config::default());
    for op in OPS {
        let mut requests: Vec<Value> = malformed(op)
            .into_iter()
            .map(|(field, value)| with(&op.base(UNKNOWN_JOB), field, value))
            .collect();
        for field in op.required() {
            requests.push(with(&op.base(UNKNOWN_JOB), field, Value::Null));
        }
        requests.push(json!({}));
        for fields in requests {
            let engine_error = Op::refuse(op, &mut e, &a(), &fields).error;
            let (first, all) = validate_json(op, &fields);
            let first = first.unwrap_err();
            assert_eq!(first, all[0], "{op:?} {fields}");
            assert_eq!(engine_error, first, "{op:?} {fields}");
        }
        // A valid request: no problem at all.
        let (first, all) = validate_json(op, &op.base(UNKNOWN_JOB));
        assert!(first.is_ok() && all.is_empty(), "{op:?}");
    }
}

/// `validate()` (Ok as unit) and `validate_all()` of the request `fields` of `op`.
fn validate_json(op: Op, fields: &Value) -> (Result<(), ApiError>, Vec<ApiError>) {
    fn run<T: serde::de::DeserializeOwned>(
        fields: &Value,
        validate: impl Fn(&T) -> Result<(), ApiError>,
        all: impl Fn(&T) -> Vec<ApiError>,
    ) -> (Result<(), ApiError>, Vec<ApiError>) {
        let req: T = serde_json::from_value(fields.clone()).unwrap();
        (validate(&req), all(&req))
    }
    match op {
        Op::Create => run(
            fields,
            |r: &CreateEdgeTranscodeJobRequest| r.validate().map(drop),
            CreateEdgeTranscodeJobRequest::validate_all,
        ),
        Op::Get => run(
            fields,
            |r: &GetEdgeTranscodeJobRequest| r.validate().map(drop),
            GetEdgeTranscodeJobRequest::validate_all,
        ),
        Op::List => run(
            fields,
            |r: &ListEdgeTranscodeJobRequest| r.validate().map(drop),
            ListEdgeTranscodeJobRequest::validate_all,
        ),
        Op::Update => run(
            fields,
            |r: &UpdateEdgeTranscodeJobRequest| r.validate().map(drop),
            UpdateEdgeTranscodeJobRequest::validate_all,
        ),
        Op::Start => run(
            fields,
            |r: &StartEdgeTranscodeJobRequest| r.validate().map(drop),
            StartEdgeTranscodeJobRequest::validate_all,
        ),
        Op::Stop => run(
            fields,
            |r: &StopEdgeTranscodeJobRequest| r.validate().map(drop),
            StopEdgeTranscodeJobRequest::validate_all,
        ),
        Op::Delete => run(
            fields,
            |r: &DeleteEdgeTranscodeJobRequest| r.validate().map(drop),
            DeleteEdgeTranscodeJobRequest::validate_all,
        ),
        Op::GetTemplate => run(
            fields,
            |r: &GetEdgeTranscodeTemplateRequest| r.validate().map(drop),
            GetEdgeTranscodeTemplateRequest::validate_all,
        ),
        Op::ListTemplates => run(
            fields,
            |r: &ListEdgeTranscodeTemplateRequest| r.validate().map(drop),
            ListEdgeTranscodeTemplateRequest::validate_all,
        ),
    }
}

#[test]
fn validated_forms_hold_the_parsed_values_and_defaults() {
    let list = ListEdgeTranscodeJobRequest {
        keyword: s(""),
        transcode_type: s(""),
        sort_by: s(""),
        ..list_req()
    }
    .validate()
    .unwrap();
    assert_eq!(list.cluster_id.as_str(), CLUSTER);
    assert!(list.keyword.is_none() && list.status.is_none() && list.transcode_type.is_none());
    assert_eq!((list.page.number(), list.page.size()), (1, 10));
    assert_eq!(list.sort, SortOrder::Desc);
    let list = ListEdgeTranscodeJobRequest {
        status: Some(1),
        transcode_type: s("ultra-hd"),
        page_no: Some(2_147_483_647),
        page_size: Some(100),
        sort_by: s("asc"),
        ..list_req()
    }
    .validate()
    .unwrap();
    assert_eq!(list.status, Some(JobStatus::Running));
    assert_eq!(list.transcode_type, Some(TranscodeType::UltraHd));
    assert_eq!((list.page.number(), list.page.size()), (2_147_483_647, 100));
    assert_eq!(list.sort, SortOrder::Asc);
    let tpl = ListEdgeTranscodeTemplateRequest {
        video_codec: s("H.264"),
        page_size: Some(1),
        ..tpl_list_req()
    }
    .validate()
    .unwrap();
    assert_eq!(tpl.codec, Some(VideoCodec::H264));
    assert_eq!(tpl.page.size(), 1);
    // Boundaries that are accepted.
    let longest_id = "i".repeat(128);
    let create = CreateEdgeTranscodeJobRequest {
        cluster_id: s(&longest_id),
        name: s(&format!("{}直", "n".repeat(254))),
        template_id: s("!~"),
        stream_input: s("SRT://edge.example.com:9000"),
        stream_output: s("RTMPS://h/app/stream?token=1"),
    }
    .validate()
    .unwrap();
    assert_eq!(create.cluster_id.as_str(), longest_id);
    assert_eq!(create.name.as_str().chars().count(), 255);
    // URLs are kept exactly as sent.
    assert_eq!(create.stream_input.as_str(), "SRT://edge.example.com:9000");
    assert_eq!(
        create.stream_output.as_str(),
        "RTMPS://h/app/stream?token=1"
    );
    let update = update_req("j").validate().unwrap();
    assert!(update.name.is_none() && update.template_id.is_none());
    assert!(update.stream_input.is_none() && update.stream_output.is_none());
    assert_eq!(update.job.job_id.as_str(), "j");
}

#[test]
fn readme_client_side_example() {
    let draft = CreateEdgeTranscodeJobRequest {
        name: s("evening news"),
        ..Default::default()
    };
    let all = draft.validate_all();
    assert_eq!(all.len(), 5);
    assert_eq!(
        problems(&all),
        [
            miss("ClusterId"),
            miss("TemplateId"),
            miss("StreamInput"),
            miss("StreamOutput"),
            bad("Name")
        ]
    );
    assert_eq!(all[4].code(), "InvalidParameter");
}

// ---------------------------------------------------------------------------------------------
// Further behaviour notes
// ---------------------------------------------------------------------------------------------

#[test]
fn host_id_comes_from_the_config_and_only_error_bodies_carry_it() {
    let mut e = Engine::new(Config {
        host_id: "live.example.internal".into(),
        ..Config::default()
    });
    let r = Op::Get.refuse(&mut e, &a(), &Op::Get.base(UNKNOWN_JOB));
    assert_eq!(to_json(&r)["HostId"], "live.example.internal");
    assert_eq!(r.host_id, "live.example.internal");
    // One job through all nine operations (Update, Start, Stop, Delete in that order).
    let job = fresh_job(&mut e);
    for op in OPS {
        let body = op.run(&mut e, &a(), &op.base(&job), t0()).unwrap();
        assert!(body.get("HostId").is_none(), "{op:?}");
        assert!(body["RequestId"].is_string());
    }
}

#[test]
fn every_reply_gets_a_new_request_id() {
    let mut e = Engine::new(Config::default());
    let job = fresh_job(&mut e);
    let mut seen = std::collections::BTreeSet::new();
    for op in OPS {
        for fields in [op.base(&job), json!({})] {
            let id = match op.run(&mut e, &a(), &fields, t0()) {
                Ok(body) => body["RequestId"].as_str().unwrap().to_owned(),
                Err(r) => r.request_id.into(),
            };
            assert!(seen.insert(id));
        }
    }
    // The first reply (the creation) took request id 0.
    assert_eq!(seen.len(), 18);
    assert!(!seen.contains(REQ[0]));
    assert_eq!(e.snapshot().requests_answered, 19);
}

#[test]
fn an_empty_access_list_forbids_everyone() {
    let mut e = Engine::new(only(&[]));
    for who in [a(), b()] {
        let r = Op::List.refuse(&mut e, &who, &Op::List.base(""));
        assert_body(&r, "Forbidden", 403, FORBIDDEN_MESSAGE);
    }
}

#[test]
fn update_with_no_field_changes_nothing_visible_but_records_an_event() {
    let mut e = Engine::new(Config::default());
    let job = fresh_job(&mut e);
    let before = get_job(&mut e, &job);
    drop(e.drain_events());
    let later = t0() + TimeDelta::days(10);
    let r = e
        .update_edge_transcode_job(&a(), &update_req(&job), later)
        .unwrap();
    assert_eq!(r.job_id.as_str(), job);
    assert_eq!(get_job(&mut e, &job), before);
    let events = e.drain_events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].at, later);
    assert!(matches!(
        &events[0].change,
        Change::Edge(EdgeEvent::JobUpdated { job_id, .. }) if job_id.as_str() == job
    ));
}

#[test]
fn each_change_records_one_event_of_its_kind() {
    let mut e = Engine::new(Config::default());
    let job = fresh_job(&mut e);
    let kinds = |e: &mut Engine| -> Vec<&'static str> {
        e.drain_events()
            .iter()
            .map(|ev| match &ev.change {
                Change::Edge(EdgeEvent::JobCreated { .. }) => "created",
                Change::Edge(EdgeEvent::JobUpdated { .. }) => "updated",
                Change::Edge(EdgeEvent::JobStarted { .. }) => "started",
                Change::Edge(EdgeEvent::JobStopped { .. }) => "stopped",
                Change::Edge(EdgeEvent::JobDeleted { .. }) => "deleted",
                _ => "other",
            })
            .collect()
    };
    assert_eq!(kinds(&mut e), ["created"]);
    for op in [Op::Get, Op::List, Op::GetTemplate, Op::ListTemplates] {
        op.run(&mut e, &a(), &op.base(&job), t0()).unwrap();
    }
    assert!(kinds(&mut e).is_empty());
    for op in [Op::Update, Op::Start, Op::Stop, Op::Delete] {
        op.run(&mut e, &a(), &op.base(&job), t0()).unwrap();
    }
    assert_eq!(kinds(&mut e), ["updated", "started", "stopped", "deleted"]);
}

#[test]
fn internal_error_comes_after_every_other_check_of_create() {
    // The generator would make an invalid id, but the call fails earlier for another reason.
    let mut e = Engine::with_id_generator(limits(0, 0), Box::new(FixedJobIds("bad id")));
    let unknown = with(&Op::Create.base(""), "TemplateId", json!("nope"));
    let r = Op::Create.refuse(&mut e, &a(), &unknown);
    assert_eq!(r.code(), "TemplateNotFound");
    let r = Op::Create.refuse(&mut e, &a(), &Op::Create.base(""));
    assert_eq!(r.code(), "UserQuotaExceed");
    let r = Op::Create.refuse(&mut e, &a(), &json!({}));
    assert_eq!(r.code(), "MissingParameter");
    let mut e = Engine::with_id_generator(only(&[]), Box::new(FixedJobIds("bad id")));
    let r = Op::Create.refuse(&mut e, &a(), &Op::Create.base(""));
    assert_eq!(r.code(), "Forbidden");
}

#[test]
fn length_limits_are_counted_as_documented() {
    // Name: 255 characters (not bytes), CJK Extension B included.
    let name = |n: usize| -> String { std::iter::repeat_n('\u{20000}', n).collect() };
    let create = |name: &str| CreateEdgeTranscodeJobRequest {
        name: s(name),
        ..create_req("x", T01)
    };
    assert!(create(&name(255)).validate().is_ok());
    assert_eq!(
        problem(&create(&name(256)).validate().unwrap_err()),
        bad("Name")
    );
    // Keyword: any length (one longer than any name finds nothing).
    let keyword = |n: usize| ListEdgeTranscodeJobRequest {
        keyword: s(&"新".repeat(n)),
        ..list_req()
    };
    assert!(keyword(256).validate_with(true).is_ok());
    // URLs: 2000 characters for a strict engine, as the docs count DstUrl's; any length for
    // a default one (the docs give the edge URLs none).
    let url = |len: usize| format!("rtmp://h/app/{}", "s".repeat(len - 13));
    let urls = |len: usize| CreateEdgeTranscodeJobRequest {
        stream_input: s(&url(len)),
        stream_output: s(&url(len)),
        ..create_req("x", T01)
    };
    assert_eq!(url(2000).len(), 2000);
    assert!(urls(2000).validate_with(true).is_ok());
    assert_eq!(
        problems(&urls(2001).validate_all_with(true)),
        [bad("StreamInput"), bad("StreamOutput")]
    );
    assert!(urls(2001).validate().is_ok());
    // ... characters, not bytes: 2001 characters are too long, 2000 in 5961 bytes fit.
    let wide = CreateEdgeTranscodeJobRequest {
        stream_input: Some(format!("rtmp://h/app/{}", "直".repeat(1988))),
        ..create_req("x", T01)
    };
    assert_eq!(
        problem(&wide.validate_with(true).unwrap_err()),
        bad("StreamInput")
    );
    let fits = CreateEdgeTranscodeJobRequest {
        stream_input: Some(format!("rtmp://h/app/{}", "直".repeat(1987))),
        ..create_req("x", T01)
    };
    assert!(fits.validate_with(true).is_ok());
    // Ids: 128 characters for a strict engine, any length for a default one.
    let get = |len: usize| GetEdgeTranscodeJobRequest {
        cluster_id: s(&"c".repeat(len)),
        job_id: s(&"j".repeat(len)),
    };
    assert!(get(128).validate_with(true).is_ok());
    assert_eq!(
        problems(&get(129).validate_all_with(true)),
        [bad("ClusterId"), bad("JobId")]
    );
    assert!(get(129).validate().is_ok());
}

#[test]
fn default_quotas_are_500_jobs_and_50_running() {
    let mut e = Engine::new(Config::default());
    let clusters = ["cluster-1", "cluster-2"];
    let mut ids = Vec::new();
    for i in 0..500 {
        let fields = with(&Op::Create.base(""), "ClusterId", json!(clusters[i % 2]));
        let body = Op::Create.run(&mut e, &a(), &fields, t0()).unwrap();
        ids.push((clusters[i % 2], body["JobId"].as_str().unwrap().to_owned()));
    }
    let r = Op::Create.refuse(&mut e, &a(), &Op::Create.base(""));
    assert_body(
        &r,
        "UserQuotaExceed",
        403,
        "Quota exceeded: the account already holds 500 edge transcoding jobs.",
    );
    let start = |(cluster, job): &(&str, String)| json!({"ClusterId": cluster, "JobId": job});
    for id in &ids[..50] {
        Op::Start.run(&mut e, &a(), &start(id), t0()).unwrap();
    }
    let r = Op::Start.refuse(&mut e, &a(), &start(&ids[50]));
    assert_body(
        &r,
        "UserTaskExceed",
        400,
        "The account already runs 50 edge transcoding jobs, the most it may, please check and try again later.",
    );
    assert!(e.state().invariants_hold());
}

#[test]
fn name_characters_follow_the_documented_cjk_blocks() {
    let accepted = [
        '\u{4E00}',
        '\u{9FFF}',
        '\u{3400}',
        '\u{4DBF}',
        '\u{F900}',
        '\u{FAFF}',
        '\u{20000}',
        '\u{2FA1F}',
        'a',
        'Z',
        '0',
        '9',
        '-',
        '_',
    ];
    let refused = [
        '\u{4DC0}',
        '\u{A000}',
        '\u{33FF}',
        '\u{FB00}',
        '\u{1FFFF}',
        '\u{2FA20}',
        '\u{3001}',
        '\u{FF21}',
        'é',
        ' ',
        '.',
        '~',
    ];
    let create = |c: char| CreateEdgeTranscodeJobRequest {
        name: Some(format!("x{c}")),
        ..create_req("x", T01)
    };
    for c in accepted {
        assert!(create(c).validate().is_ok(), "{c:?} should be accepted");
    }
    for c in refused {
        let err = create(c).validate().unwrap_err();
        assert_eq!(problem(&err), bad("Name"), "{c:?} should be refused");
    }
}

#[test]
fn accepted_urls_are_stored_and_echoed_exactly_as_sent() {
    let mut e = Engine::new(Config::default());
    let input = "RTMP://Ingest.Example.COM:1935/live/./news?token=A%20B&x=1";
    let output = "rtmps://push.example.com//live//news_hd?";
    let req = CreateEdgeTranscodeJobRequest {
        stream_input: s(input),
        stream_output: s(output),
        ..create_req("echo", T01)
    };
    let job = e
        .create_edge_transcode_job(&a(), &req, t0())
        .unwrap()
        .job_id
        .to_string();
    let view = get_job(&mut e, &job);
    assert_eq!(view["StreamInput"], input);
    assert_eq!(view["StreamOutput"], output);
    let srt = "srt://[2001:db8::1]:9000/any/path?streamid=#!::r=live/s1";
    let fragment = UpdateEdgeTranscodeJobRequest {
        stream_input: s(srt),
        ..update_req(&job)
    };
    // A fragment is refused by a strict engine even on srt, whose path is not checked...
    let mut strict_engine = Engine::restore(strict(), e.snapshot());
    let r = assert_refused_changes_nothing(&mut strict_engine, |e| {
        e.update_edge_transcode_job(&a(), &fragment, t0())
    });
    assert_invalid(&r, "StreamInput");
    // ... and stored as sent by a default one.
    e.update_edge_transcode_job(&a(), &fragment, t0()).unwrap();
    assert_eq!(get_job(&mut e, &job)["StreamInput"], srt);
    let srt = "srt://[2001:db8::1]:9000/any/path?streamid=live/s1";
    let update = UpdateEdgeTranscodeJobRequest {
        stream_input: s(srt),
        ..update_req(&job)
    };
    e.update_edge_transcode_job(&a(), &update, t0()).unwrap();
    assert_eq!(get_job(&mut e, &job)["StreamInput"], srt);
}

#[test]
fn an_empty_user_part_is_refused_like_any_other() {
    // The URL parser drops an empty user part; a strict engine still refuses it.
    for url in ["rtmp://@h/app/s", "rtmp://:@h/app/s", "rtmp://u@h/app/s"] {
        let create = CreateEdgeTranscodeJobRequest {
            stream_input: s(url),
            ..create_req("x", T01)
        };
        assert_eq!(
            problem(&create.validate_with(true).unwrap_err()),
            bad("StreamInput"),
            "{url}"
        );
        assert!(
            create.validate().is_ok(),
            "{url}: a default engine takes it"
        );
    }
    let fine = CreateEdgeTranscodeJobRequest {
        stream_input: s("rtmp://h/app/s?token=a@b"),
        ..create_req("x", T01)
    };
    assert!(
        fine.validate_with(true).is_ok(),
        "an @ in the query is not a user part"
    );
}
