//! A tour of one edge transcoding job: create → get → start → update (refused: running) →
//! stop → update → list → delete.
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

    // Every change came out as an event; the refused update left none.
    let events = engine.drain_events();
    println!(
        "{} events recorded (the refused update made none)",
        events.len()
    );
    Ok(())
}
