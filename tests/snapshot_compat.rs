#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Snapshots written by an earlier version of the crate still load, and load equal to the
//! state the same calls make today: `fixtures/snapshot-fba1cf5.json` was written at commit
//! `fba1cf5` by `scripted()` below (jobs of two accounts in two clusters, running and not,
//! updated and deleted; tasks waiting, running, retrying, stopped and exited, with their
//! timers).

use live_lifecycle::edge::{
    CreateEdgeTranscodeJobRequest, DeleteEdgeTranscodeJobRequest, StartEdgeTranscodeJobRequest,
    UpdateEdgeTranscodeJobRequest,
};
use live_lifecycle::pull_to_push::{
    CreateLivePullToPushRequest, DeleteLivePullToPushRequest, StopLivePullToPushRequest,
    StreamReport,
};
use live_lifecycle::{Config, Engine, Snapshot};

const FIXTURE: &str = include_str!("fixtures/snapshot-fba1cf5.json");

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().unwrap()
}

/// The calls that made the fixture.
fn scripted() -> Engine {
    let mut engine = Engine::new(Config::default());
    let now = at("2030-01-01T09:00:00Z");
    for (account, cluster, n) in [("1001", "c1", 3), ("1001", "c2", 2), ("2002", "c1", 2)] {
        let account = account.try_into().unwrap();
        for i in 0..n {
            let job = engine
                .create_edge_transcode_job(
                    &account,
                    &CreateEdgeTranscodeJobRequest {
                        cluster_id: Some(cluster.into()),
                        name: Some(format!("job_{cluster}_{i}")),
                        template_id: Some("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01".into()),
                        stream_input: Some(format!("rtmp://in.example.com/live/{i}")),
                        stream_output: Some(format!("rtmp://out.example.com/live/{i}")),
                    },
                    now,
                )
                .unwrap()
                .job_id
                .to_string();
            let key = (Some(cluster.to_owned()), Some(job));
            match i {
                0 => {
                    let req = StartEdgeTranscodeJobRequest {
                        cluster_id: key.0,
                        job_id: key.1,
                    };
                    engine
                        .start_edge_transcode_job(&account, &req, now)
                        .unwrap();
                }
                1 => {
                    let req = UpdateEdgeTranscodeJobRequest {
                        cluster_id: key.0,
                        job_id: key.1,
                        name: Some("renamed".into()),
                        template_id: Some("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c08".into()),
                        ..Default::default()
                    };
                    engine
                        .update_edge_transcode_job(&account, &req, now)
                        .unwrap();
                }
                _ => {
                    let req = DeleteEdgeTranscodeJobRequest {
                        cluster_id: key.0,
                        job_id: key.1,
                    };
                    engine
                        .delete_edge_transcode_job(&account, &req, now)
                        .unwrap();
                }
            }
        }
    }
    let account = "1001".try_into().unwrap();
    let mut tasks = Vec::new();
    for i in 0..6 {
        let req = CreateLivePullToPushRequest {
            region: Some("cn-shanghai".into()),
            task_name: Some(format!("task_{i}")),
            start_time: Some(format!("2030-01-01T1{i}:00:00Z")),
            end_time: Some("2030-01-02T08:00:00Z".into()),
            source_type: Some("url".into()),
            source_urls: Some(vec![format!("https://cdn.example.com/{i}.mp4")]),
            dst_url: Some(format!("rtmp://push.example.com/live/{i}")),
            callback_url: Some("http://hooks.example.com/cb".into()),
            ..Default::default()
        };
        let created = engine
            .create_live_pull_to_push(&account, &req, now)
            .unwrap();
        tasks.push(created.task_id);
    }
    let later = at("2030-01-01T13:30:00Z");
    engine.advance(later);
    let region = Some("cn-shanghai".to_owned());
    let id = |i: usize| Some(tasks[i].to_string());
    engine
        .report_stream(&account, &tasks[0], StreamReport::PullFailed, later)
        .unwrap();
    engine
        .stop_live_pull_to_push(
            &account,
            &StopLivePullToPushRequest {
                task_id: id(1),
                region: region.clone(),
            },
            later,
        )
        .unwrap();
    engine
        .delete_live_pull_to_push(
            &account,
            &DeleteLivePullToPushRequest {
                task_id: id(2),
                region,
            },
            later,
        )
        .unwrap();
    engine
        .report_stream(
            &account,
            &tasks[3],
            StreamReport::Position {
                file_index: 0,
                offset: 42,
            },
            later,
        )
        .unwrap();
    engine
}

#[test]
fn a_snapshot_written_at_fba1cf5_loads_equal_to_todays_state() {
    let today = scripted();
    let old: Snapshot = serde_json::from_str(FIXTURE).unwrap();
    assert_eq!(old.requests_answered, today.snapshot().requests_answered);
    let restored = Engine::restore(Config::default(), old);
    assert!(restored.state().invariants_hold());
    assert_eq!(restored.state(), today.state());
    assert_eq!(restored.next_deadline(), today.next_deadline());
}
