//! A tour of both families.
//!
//! Part 1, one edge transcoding job: create → get → start → update (refused: running) →
//! stop → update → list → delete.
//!
//! Part 2, one pull-to-push task: schedule → start (time) → fault → recover → stop → update
//! → restart → update (refused: running) → end (time), with the callbacks the engine asks
//! the embedder to deliver.
//!
//! Each step prints the HTTP status a server embedding the engine would answer with, and the
//! exact JSON body: the success body, or the error body of the [`Rejection`].
//!
//! Run with `cargo run --example tour`. The output is the same on every run: time is an
//! input (a fixed clock that moves a little per step) and the default id generator is seeded.

use std::error::Error;

use chrono::{DateTime, TimeDelta, Utc};
use live_lifecycle::edge::{
    CreateEdgeTranscodeJobRequest, DeleteEdgeTranscodeJobRequest, GetEdgeTranscodeJobRequest,
    ListEdgeTranscodeJobRequest, StartEdgeTranscodeJobRequest, StopEdgeTranscodeJobRequest,
    UpdateEdgeTranscodeJobRequest,
};
use live_lifecycle::ids::AccountId;
use live_lifecycle::pull_to_push::{
    CreateLivePullToPushRequest, DescribeLivePullToPushRequest, RestartLivePullToPushRequest,
    StopLivePullToPushRequest, StreamReport, UpdateLivePullToPushRequest,
};
use live_lifecycle::time::parse_utc;
use live_lifecycle::{Config, Engine, Rejection};
use serde::Serialize;

/// Templates 01 and 02 of the default catalogue: common H.264 at 720p and at 1080p.
const TEMPLATE_720P: &str = "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01";
const TEMPLATE_1080P: &str = "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c02";
const CLUSTER: &str = "cluster-1";

/// Prints one reply as a server would send it: the status, then the body.
fn show<T: Serialize>(step: &str, reply: &Result<T, Rejection>) -> serde_json::Result<()> {
    let (status, body) = match reply {
        Ok(body) => (200, serde_json::to_string(body)?),
        Err(rejection) => (rejection.http_status(), serde_json::to_string(rejection)?),
    };
    println!("{step}\nHTTP {status}\n{body}\n");
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut engine = Engine::new(Config::default());
    // The embedder authenticates the caller; the engine only needs to know which account it is.
    let account = AccountId::try_from("1234567890123456")?;
    edge_job(&mut engine, &account)?;
    pull_to_push_task(&mut engine, &account)?;
    // Every change came out as an event, time- and fault-driven ones too: replaying the log
    // rebuilds the same state.
    let events = engine.drain_events();
    let replayed = Engine::replay(Config::default(), &events)?;
    println!(
        "{} events recorded (the refused calls made none); replaying them gives the same state: {}",
        events.len(),
        replayed.state() == engine.state()
    );
    Ok(())
}

fn edge_job(engine: &mut Engine, account: &AccountId) -> Result<(), Box<dyn Error>> {
    println!("== Part 1: an edge transcoding job ==\n");
    let account = account.clone();
    let start_of_tour = parse_utc("2024-05-01T09:00:00Z")?;
    // The engine never reads a clock: each step passes its own `now`, ten minutes apart.
    let at = |step: i32| -> DateTime<Utc> { start_of_tour + TimeDelta::minutes(10) * step };

    let created = engine.create_edge_transcode_job(
        &account,
        &CreateEdgeTranscodeJobRequest {
            cluster_id: Some(CLUSTER.into()),
            name: Some("evening_news".into()),
            template_id: Some(TEMPLATE_720P.into()),
            stream_input: Some("rtmp://ingest.example.com/live/news".into()),
            stream_output: Some("rtmp://push.example.com/live/news_hd".into()),
        },
        at(0),
    );
    show("1. CreateEdgeTranscodeJob", &created)?;
    let job_id = created?.job_id.to_string();

    // Requests carry raw optional strings, as they arrive off the wire.
    let cluster = || Some(CLUSTER.to_owned());
    let job = || Some(job_id.clone());

    let get = GetEdgeTranscodeJobRequest {
        cluster_id: cluster(),
        job_id: job(),
    };
    let got = engine.get_edge_transcode_job(&account, &get, at(1));
    show("2. GetEdgeTranscodeJob", &got)?;

    let start = StartEdgeTranscodeJobRequest {
        cluster_id: cluster(),
        job_id: job(),
    };
    let started = engine.start_edge_transcode_job(&account, &start, at(2));
    show("3. StartEdgeTranscodeJob", &started)?;

    // A running job cannot be changed: OperationDenied, and the job stays exactly as it was.
    let switch_to_1080p = UpdateEdgeTranscodeJobRequest {
        cluster_id: cluster(),
        job_id: job(),
        template_id: Some(TEMPLATE_1080P.into()),
        ..Default::default()
    };
    let refused = engine.update_edge_transcode_job(&account, &switch_to_1080p, at(3));
    show("4. UpdateEdgeTranscodeJob (while running)", &refused)?;

    let stop = StopEdgeTranscodeJobRequest {
        cluster_id: cluster(),
        job_id: job(),
    };
    let stopped = engine.stop_edge_transcode_job(&account, &stop, at(4));
    show("5. StopEdgeTranscodeJob", &stopped)?;

    // Stopped is "not started" again, so the same update now goes through.
    let updated = engine.update_edge_transcode_job(&account, &switch_to_1080p, at(5));
    show("6. UpdateEdgeTranscodeJob (after stop)", &updated)?;

    let list = ListEdgeTranscodeJobRequest {
        cluster_id: cluster(),
        ..Default::default()
    };
    let listed = engine.list_edge_transcode_job(&account, &list, at(6));
    show("7. ListEdgeTranscodeJob", &listed)?;

    let delete = DeleteEdgeTranscodeJobRequest {
        cluster_id: cluster(),
        job_id: job(),
    };
    let deleted = engine.delete_edge_transcode_job(&account, &delete, at(7));
    show("8. DeleteEdgeTranscodeJob", &deleted)?;
    Ok(())
}

/// Prints the callbacks produced since the last look, as the embedder would POST them.
fn deliver(engine: &mut Engine) -> serde_json::Result<()> {
    for callback in engine.drain_callbacks() {
        println!(
            "   callback POST {} {}",
            callback.url,
            serde_json::to_string(&callback.body)?
        );
    }
    Ok(())
}

fn pull_to_push_task(engine: &mut Engine, account: &AccountId) -> Result<(), Box<dyn Error>> {
    println!("== Part 2: a pull-to-push task ==\n");
    let t = |text: &str| parse_utc(text);

    // A playlist of two files, pushed to one RTMP destination from 10:00 to 12:00.
    let created = engine.create_live_pull_to_push(
        account,
        &CreateLivePullToPushRequest {
            region: Some("cn-shanghai".into()),
            task_name: Some("morning_replay".into()),
            start_time: Some("2030-01-01T10:00:00Z".into()),
            end_time: Some("2030-01-01T12:00:00Z".into()),
            source_type: Some("url".into()),
            source_urls: Some(vec![
                "https://cdn.example.com/replay/part1.mp4".into(),
                "https://cdn.example.com/replay/part2.flv".into(),
            ]),
            dst_url: Some("rtmp://push.example.com/live/replay".into()),
            callback_url: Some("https://hooks.example.com/p2p".into()),
            repeat_number: Some(-1),
            ..Default::default()
        },
        t("2030-01-01T09:00:00Z")?,
    );
    show("1. CreateLivePullToPush (scheduled for 10:00)", &created)?;
    let task_id = created?.task_id;
    let task = || Some(task_id.to_string());
    let region = || Some("cn-shanghai".to_owned());
    let describe = DescribeLivePullToPushRequest {
        task_id: task(),
        region: region(),
    };

    // Nothing is due before 10:00; the embedder wakes the engine then.
    println!("   next deadline: {:?}\n", engine.next_deadline());
    let started = engine.advance(t("2030-01-01T10:00:00Z")?);
    println!("2. advance to 10:00: {started} transition (StartTime reached)");
    deliver(engine)?;
    let running = engine.describe_live_pull_to_push(account, &describe, t("2030-01-01T10:01:00Z")?);
    show("\n3. DescribeLivePullToPush (running)", &running)?;

    // The part of the embedder that really pulls reports a failure, then a recovery.
    engine.report_stream(
        account,
        &task_id,
        StreamReport::PullFailed,
        t("2030-01-01T10:20:00Z")?,
    )?;
    println!("4. stream report at 10:20: pull failed (retrying)");
    deliver(engine)?;
    engine.report_stream(
        account,
        &task_id,
        StreamReport::Recovered,
        t("2030-01-01T10:21:00Z")?,
    )?;
    println!("5. stream report at 10:21: recovered");
    deliver(engine)?;
    engine.report_stream(
        account,
        &task_id,
        StreamReport::Position {
            file_index: 1,
            offset: 300,
        },
        t("2030-01-01T10:25:00Z")?,
    )?;
    println!("6. stream report at 10:25: playing file 1 at 300 s\n");

    let stop = StopLivePullToPushRequest {
        task_id: task(),
        region: region(),
    };
    let stopped = engine.stop_live_pull_to_push(account, &stop, t("2030-01-01T10:30:00Z")?);
    show("7. StopLivePullToPush", &stopped)?;
    deliver(engine)?;

    // Stopped: every field but Region may change; FileIndex and Offset apply at the restart.
    let resume_where_we_were = UpdateLivePullToPushRequest {
        task_id: task(),
        region: region(),
        file_index: Some(1),
        offset: Some(300),
        ..Default::default()
    };
    let updated =
        engine.update_live_pull_to_push(account, &resume_where_we_were, t("2030-01-01T10:40:00Z")?);
    show(
        "\n8. UpdateLivePullToPush (stopped: FileIndex 1, Offset 300)",
        &updated,
    )?;

    let restart = RestartLivePullToPushRequest {
        task_id: task(),
        region: region(),
    };
    let restarted = engine.restart_live_pull_to_push(account, &restart, t("2030-01-01T10:50:00Z")?);
    show("9. RestartLivePullToPush", &restarted)?;
    deliver(engine)?;

    // Running: only CallbackUrl and RepeatNumber may change.
    let later_end = UpdateLivePullToPushRequest {
        task_id: task(),
        region: region(),
        end_time: Some("2030-01-01T13:00:00Z".into()),
        ..Default::default()
    };
    let refused = engine.update_live_pull_to_push(account, &later_end, t("2030-01-01T11:00:00Z")?);
    show(
        "\n10. UpdateLivePullToPush (running: EndTime refused)",
        &refused,
    )?;

    // Describing after 12:00 first applies the EndTime that passed: the task has exited.
    let exited = engine.describe_live_pull_to_push(account, &describe, t("2030-01-01T12:30:00Z")?);
    show("11. DescribeLivePullToPush (after EndTime)", &exited)?;
    deliver(engine)?;
    println!();
    Ok(())
}
