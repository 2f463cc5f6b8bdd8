//! Operation-level tests of the edge transcoding family, written from the README: golden
//! success bodies, every documented error code of every operation with its status and body,
//! the lifecycle table, precedence, atomicity of refusals, tenancy, listing, replay and
//! snapshots, serde round-trips, and request validation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![allow(dead_code)] // TEMP: helpers used by later parts

use chrono::{DateTime, TimeDelta, Utc};
use live_lifecycle::edge::{
    CreateEdgeTranscodeJobRequest, DeleteEdgeTranscodeJobRequest, GetEdgeTranscodeJobRequest,
    GetEdgeTranscodeTemplateRequest, ListEdgeTranscodeJobRequest, ListEdgeTranscodeTemplateRequest,
    StartEdgeTranscodeJobRequest, StopEdgeTranscodeJobRequest, UpdateEdgeTranscodeJobRequest,
};
use live_lifecycle::ids::AccountId;
use live_lifecycle::time::parse_utc;
use live_lifecycle::{Config, Engine};
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
