//! The emulator in-process (`Emulator::builder`) and its signing client (`Client`): many at
//! once in one test binary, each its own world; dropping the handle frees the port; the
//! client's V3 calls go through the real signature check; the control calls move the clock
//! and report faults. Last, the README's in-process example is this file's `readme` module,
//! character for character.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "../../tests/common/snippet.rs"]
mod snippet;

mod common;

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use live_emulator::client::Error;
use live_emulator::{Client, DEFAULT_KEY, Emulator, Fault};
use live_lifecycle::time::{format_utc, parse_utc};
use serde_json::Value;

use common::create_job;

const KEY_A: (&str, &str) = ("LTAItestKeyA", "secret-a");
const KEY_B: (&str, &str) = ("LTAItestKeyB", "secret-b");
const REGION: &str = "cn-shanghai";

fn t0() -> DateTime<Utc> {
    parse_utc("2030-01-01T09:00:00Z").unwrap()
}

async fn with_keys(keys: &[(&str, &str)]) -> Emulator {
    let mut builder = Emulator::builder().manual_clock(t0());
    for (id, secret) in keys {
        builder = builder.access_key(*id, *secret);
    }
    builder.start().await.unwrap()
}

async fn get_job(client: &Client, cluster: &str, job_id: &str) -> (u16, Value) {
    client
        .call(
            "GetEdgeTranscodeJob",
            &[("ClusterId", cluster), ("JobId", job_id)],
        )
        .await
        .unwrap()
}

/// Creates a vod task starting `start_in` seconds after `t0()` and lasting `length`: its id.
async fn create_task(client: &Client, start_in: i64, length: i64) -> String {
    let start = t0() + TimeDelta::seconds(start_in);
    let end = start + TimeDelta::seconds(length);
    let (start, end) = (format_utc(&start), format_utc(&end));
    let (status, body) = client
        .call(
            "CreateLivePullToPush",
            &[
                ("Region", REGION),
                ("TaskName", "replay 1"),
                ("StartTime", &start),
                ("EndTime", &end),
                ("SourceType", "url"),
                ("SourceUrls", r#"["https://cdn.example.com/a.mp4"]"#),
                ("DstUrl", "rtmp://example.com/live/a"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["RetCode"], 0);
    body["TaskId"].as_str().unwrap().to_owned()
}

async fn describe(client: &Client, task_id: &str) -> Value {
    let (status, body) = client
        .call(
            "DescribeLivePullToPush",
            &[("Region", REGION), ("TaskId", task_id)],
        )
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");
    body
}

// ---- many at once, each isolated ---------------------------------------------------------

#[tokio::test]
async fn two_emulators_at_once_are_isolated() {
    let (one, two) = tokio::join!(with_keys(&[KEY_A]), with_keys(&[KEY_A]));
    assert_ne!(one.endpoint(), two.endpoint());
    assert!(one.endpoint().starts_with("127.0.0.1:"));
    assert_eq!(one.url(), format!("http://{}", one.endpoint()));

    let job = create_job(&one.client(), "c1").await;
    let (status, body) = get_job(&one.client(), "c1", &job).await;
    assert_eq!((status, body["Job"]["JobId"].as_str()), (200, Some(&*job)));

    // The same key, the same cluster: the other emulator has never heard of it.
    let (status, body) = get_job(&two.client(), "c1", &job).await;
    assert_eq!((status, &body["Code"]), (404, &Value::from("JobNotFound")));
    let (status, listed) = two
        .client()
        .call("ListEdgeTranscodeJob", &[("ClusterId", "c1")])
        .await
        .unwrap();
    assert_eq!((status, &listed["TotalCount"]), (200, &Value::from(0)));

    // Each clock its own.
    assert_eq!(
        one.advance(60).await.unwrap().now,
        t0() + TimeDelta::seconds(60)
    );
    assert_eq!(
        two.advance(1).await.unwrap().now,
        t0() + TimeDelta::seconds(1)
    );
}

#[tokio::test]
async fn two_keys_are_two_accounts() {
    let emulator = with_keys(&[KEY_A, KEY_B]).await;
    assert_eq!(emulator.access_key(), KEY_A);
    let a = emulator.client();
    let b = emulator.client_for(KEY_B.0).unwrap();
    assert_eq!(b.access_key_id(), KEY_B.0);
    assert!(emulator.client_for("LTAInobody").is_none());

    let job = create_job(&a, "c1").await;
    assert_eq!(get_job(&a, "c1", &job).await.0, 200);
    assert_eq!(get_job(&b, "c1", &job).await.0, 404);
}

#[tokio::test]
async fn without_a_key_it_takes_the_default_pair() {
    let emulator = Emulator::builder().start().await.unwrap();
    assert_eq!(emulator.access_key(), DEFAULT_KEY);
    let (status, body) = emulator
        .client()
        .call("ListEdgeTranscodeTemplate", &[("ClusterId", "c1")])
        .await
        .unwrap();
    assert_eq!((status, &body["TotalCount"]), (200, &Value::from(8)));
}

// ---- stopping ------------------------------------------------------------------------------

/// Binds `address` again, retrying for up to 5 s while the emulator's task winds down.
async fn rebind(address: std::net::SocketAddr) -> tokio::net::TcpListener {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::net::TcpListener::bind(address).await {
            Ok(listener) => return listener,
            Err(e) if tokio::time::Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            Err(e) => panic!("{address} still taken 5 s after the drop: {e}"),
        }
    }
}

#[tokio::test]
async fn dropping_the_handle_frees_the_port() {
    let emulator = with_keys(&[KEY_A]).await;
    let address = emulator.local_addr();
    let client = emulator.client();
    create_job(&client, "c1").await;
    // While it runs, the port is taken.
    assert!(tokio::net::TcpListener::bind(address).await.is_err());

    drop(emulator);
    drop(rebind(address).await);
    // Nothing listens there any more.
    let refused = client
        .call("ListEdgeTranscodeJob", &[("ClusterId", "c1")])
        .await;
    assert!(matches!(refused, Err(Error::Io(_))), "{refused:?}");
}

#[tokio::test]
async fn shutdown_waits_and_writes_the_state() {
    let path = std::env::temp_dir().join(format!(
        "live-emulator-in-process-{}.json",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    let first = Emulator::builder()
        .access_key(KEY_A.0, KEY_A.1)
        .state(&path)
        .start()
        .await
        .unwrap();
    let job = create_job(&first.client(), "c1").await;
    let address = first.local_addr();
    first.shutdown().await.unwrap();
    // Stopped: the port is free at once.
    drop(tokio::net::TcpListener::bind(address).await.unwrap());

    let second = Emulator::builder()
        .access_key(KEY_A.0, KEY_A.1)
        .state(&path)
        .start()
        .await
        .unwrap();
    assert_eq!(get_job(&second.client(), "c1", &job).await.0, 200);
    second.shutdown().await.unwrap();
    std::fs::remove_file(&path).unwrap();
}

// ---- the client's calls --------------------------------------------------------------------

#[tokio::test]
async fn a_job_goes_through_its_life() {
    let emulator = with_keys(&[KEY_A]).await;
    let client = emulator.client();
    let job = create_job(&client, "c1").await;
    let (_, got) = get_job(&client, "c1", &job).await;
    assert_eq!(got["Job"]["Status"], "0");
    assert_eq!(got["Job"]["Name"], "news");

    let refs = [("ClusterId", "c1"), ("JobId", job.as_str())];
    for (action, status) in [
        ("StartEdgeTranscodeJob", "1"),
        ("StopEdgeTranscodeJob", "0"),
    ] {
        let (code, body) = client.call(action, &refs).await.unwrap();
        assert_eq!((code, &body["JobId"]), (200, &Value::from(job.as_str())));
        assert_eq!(
            get_job(&client, "c1", &job).await.1["Job"]["Status"],
            status
        );
    }
    let (code, body) = client.call("StopEdgeTranscodeJob", &refs).await.unwrap();
    assert_eq!(
        (code, &body["Code"]),
        (403, &Value::from("OperationDenied"))
    );
    assert_eq!(
        client
            .call("DeleteEdgeTranscodeJob", &refs)
            .await
            .unwrap()
            .0,
        200
    );
    assert_eq!(get_job(&client, "c1", &job).await.0, 404);
}

#[tokio::test]
async fn parameters_that_need_encoding_arrive_intact() {
    let emulator = with_keys(&[KEY_A]).await;
    let client = emulator.client();
    // `+`, `*`, `/`, `~`, `&`, `=` and non-ASCII, signed and sent.
    let cluster = "c1/+*~&=ü直";
    let job = create_job(&client, cluster).await;
    let (status, body) = get_job(&client, cluster, &job).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(get_job(&client, "c1", &job).await.0, 404, "another cluster");
    // And a space.
    let (status, body) = client
        .call(
            "ListEdgeTranscodeJob",
            &[("ClusterId", cluster), ("Keyword", "a b+c*d/e~f&g=h ü")],
        )
        .await
        .unwrap();
    assert_eq!(
        (status, &body["TotalCount"]),
        (200, &Value::from(0)),
        "{body}"
    );
    let task = create_task(&client, 60, 600).await;
    assert_eq!(
        describe(&client, &task).await["TaskInfo"]["TaskName"],
        "replay 1"
    );
}

#[tokio::test]
async fn a_tasks_timed_life_runs_on_advance() {
    let emulator = with_keys(&[KEY_A]).await;
    let client = emulator.client();
    let task = create_task(&client, 600, 1200).await;
    let status = |body: Value| body["TaskStatus"].clone();
    assert_eq!(status(describe(&client, &task).await), 0);

    let advanced = emulator.advance(599).await.unwrap();
    assert_eq!(
        (advanced.now, advanced.applied),
        (t0() + TimeDelta::seconds(599), 0)
    );
    assert_eq!(status(describe(&client, &task).await), 0);
    let started = emulator.advance(1).await.unwrap();
    assert_eq!(started.now, t0() + TimeDelta::seconds(600));
    assert!(started.applied >= 1);
    assert_eq!(status(describe(&client, &task).await), 1);

    emulator.fault(&task, Fault::PullFailed).await.unwrap();
    assert_eq!(status(describe(&client, &task).await), 2);
    emulator.fault(&task, Fault::Recovered).await.unwrap();
    assert_eq!(status(describe(&client, &task).await), 1);

    emulator.advance(1200).await.unwrap();
    let exited = describe(&client, &task).await;
    assert_eq!(
        (status(exited.clone()), &exited["TaskExitReason"]),
        (Value::from(-1), &Value::from("OverEndTime"))
    );
}

// ---- refusals ------------------------------------------------------------------------------

#[tokio::test]
async fn a_wrong_secret_does_not_match() {
    let emulator = with_keys(&[KEY_A]).await;
    let forged = Client::new(emulator.endpoint(), KEY_A.0, "not-the-secret");
    let (status, body) = forged
        .call("ListEdgeTranscodeJob", &[("ClusterId", "c1")])
        .await
        .unwrap();
    assert_eq!(
        (status, &body["Code"]),
        (400, &Value::from("SignatureDoesNotMatch"))
    );

    let stranger = Client::new(emulator.url(), "LTAInobody", "x");
    let (status, body) = stranger
        .call("ListEdgeTranscodeJob", &[("ClusterId", "c1")])
        .await
        .unwrap();
    assert_eq!(
        (status, &body["Code"]),
        (404, &Value::from("InvalidAccessKeyId.NotFound"))
    );
}

#[tokio::test]
async fn control_refusals_are_errors() {
    let emulator = with_keys(&[KEY_A]).await;
    match emulator.fault("no-such-task", Fault::PushFailed).await {
        Err(Error::Refused { status, body }) => {
            assert_eq!(
                (status, &body["Code"]),
                (400, &Value::from("OperationDenied"))
            );
        }
        other => panic!("{other:?}"),
    }
    // A task not started yet takes no fault report.
    let task = create_task(&emulator.client(), 600, 1200).await;
    let refused = emulator.fault(&task, Fault::Failed).await;
    assert!(
        matches!(refused, Err(Error::Refused { status: 400, .. })),
        "{refused:?}"
    );

    let real_clock = Emulator::builder().start().await.unwrap();
    match real_clock.advance(1).await {
        Err(Error::Refused { status, body }) => {
            assert_eq!(
                (status, &body["Code"]),
                (400, &Value::from("OperationDenied"))
            );
        }
        other => panic!("{other:?}"),
    }
}

// ---- reset and the request log -------------------------------------------------------------

#[tokio::test]
async fn reset_forgets_everything_or_one_key() {
    let emulator = with_keys(&[KEY_A, KEY_B]).await;
    let (a, b) = (emulator.client(), emulator.client_for(KEY_B.0).unwrap());
    let job_a = create_job(&a, "c1").await;
    let job_b = create_job(&b, "c1").await;
    emulator.advance(30).await.unwrap();

    emulator.reset_key(KEY_A.0).await.unwrap();
    assert_eq!(get_job(&a, "c1", &job_a).await.0, 404);
    assert_eq!(get_job(&b, "c1", &job_b).await.0, 200);
    assert_eq!(
        emulator.requests_of(KEY_A.0).await.unwrap().len(),
        1,
        "only the Get since the reset"
    );

    emulator.reset().await.unwrap();
    assert_eq!(get_job(&b, "c1", &job_b).await.0, 404);
    // The clock stays where it was.
    let advanced = emulator.advance(0).await.unwrap();
    assert_eq!(advanced.now, t0() + TimeDelta::seconds(30));

    match emulator.reset_key("LTAInobody").await {
        Err(Error::Refused { status, body }) => assert_eq!(
            (status, &body["Code"]),
            (404, &Value::from("InvalidAccessKeyId.NotFound"))
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn requests_lists_what_was_called_oldest_first() {
    let emulator = with_keys(&[KEY_A, KEY_B]).await;
    let job = create_job(&emulator.client(), "c1").await;
    let b = emulator.client_for(KEY_B.0).unwrap();
    assert_eq!(get_job(&b, "c1", &job).await.0, 404);
    let forged = Client::new(emulator.endpoint(), KEY_A.0, "wrong");
    forged
        .call("ListEdgeTranscodeJob", &[("ClusterId", "c1")])
        .await
        .unwrap();
    emulator.advance(1).await.unwrap(); // a control call: not logged

    let all = emulator.requests().await.unwrap();
    let seen: Vec<(&str, &str, u16, &str)> = all
        .iter()
        .map(|r| {
            (
                r.access_key_id.as_str(),
                r.action.as_str(),
                r.status,
                r.code.as_str(),
            )
        })
        .collect();
    assert_eq!(seen.len(), 3, "{all:?}");
    assert_eq!(seen[0], (KEY_A.0, "CreateEdgeTranscodeJob", 200, ""));
    assert_eq!(
        seen[1],
        (KEY_B.0, "GetEdgeTranscodeJob", 404, "JobNotFound")
    );
    assert_eq!((seen[2].2, seen[2].3), (400, "SignatureDoesNotMatch"));
    assert!(all.windows(2).all(|w| w[0].time <= w[1].time));
    assert!(all.iter().all(|r| r.latency_ms >= 0.0));

    let of_b = emulator.requests_of(KEY_B.0).await.unwrap();
    assert_eq!(of_b.len(), 1);
    assert_eq!(of_b[0].action, "GetEdgeTranscodeJob");
}

#[tokio::test]
async fn the_request_log_keeps_the_newest() {
    let emulator = Emulator::builder().request_log(2).start().await.unwrap();
    let client = emulator.client();
    for cluster in ["c1", "c2", "c3"] {
        client
            .call("ListEdgeTranscodeJob", &[("ClusterId", cluster)])
            .await
            .unwrap();
    }
    assert_eq!(emulator.requests().await.unwrap().len(), 2);
}

#[test]
fn faults_name_the_endpoints_kinds() {
    let kinds = [
        Fault::PullFailed,
        Fault::PushFailed,
        Fault::Failed,
        Fault::Recovered,
        Fault::FileEnded,
    ]
    .map(Fault::kind);
    assert_eq!(kinds, ["pull", "push", "failed", "recover", "file-ended"]);
}

// ---- the README's example ------------------------------------------------------------------

// Formatted by hand, so that the README shows it compact (rustfmt would double its length).
#[rustfmt::skip]
mod readme {
    // README snippet begin
    use live_emulator::{Emulator, Fault};

    #[tokio::test]
    async fn a_replay_starts_on_time_and_survives_a_fault() -> Result<(), Box<dyn std::error::Error>> {
        let emulator = Emulator::builder().manual_clock("2030-01-01T09:00:00Z".parse()?).start().await?;
        let client = emulator.client(); // or give your own code emulator.endpoint() and the key
        let (status, created) = client.call("CreateLivePullToPush", &[
            ("Region", "cn-shanghai"), ("SourceType", "url"), ("DstUrl", "rtmp://example.com/live/a"),
            ("SourceUrls", r#"["https://cdn.example.com/a.mp4"]"#),
            ("StartTime", "2030-01-01T10:00:00Z"), ("EndTime", "2030-01-01T11:00:00Z"),
        ]).await?;
        assert_eq!(status, 200, "{created}");
        let task = [("Region", "cn-shanghai"), ("TaskId", created["TaskId"].as_str().unwrap_or(""))];
        emulator.advance(3600).await?; // the manual clock reaches StartTime: the task runs
        assert_eq!(client.call("DescribeLivePullToPush", &task).await?.1["TaskStatus"], 1);
        emulator.fault(task[1].1, Fault::PullFailed).await?; // the pull fails: the task retries
        assert_eq!(client.call("DescribeLivePullToPush", &task).await?.1["TaskStatus"], 2);
        Ok(()) // dropping `emulator` stops it and frees its port
    }
    // README snippet end
}

const README: &str = include_str!("../../README.md");
const THIS_FILE: &str = include_str!("in_process.rs");
const SUBSECTION: &str = "### In-process, for Rust tests";

/// The lines of `text` strictly between the lines `begin` and `end` (trimmed), each once.
fn between<'a>(text: &'a str, begin: &str, end: impl Fn(&str) -> bool) -> Vec<&'a str> {
    let lines: Vec<&str> = text.lines().collect();
    let starts: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].trim() == begin)
        .collect();
    assert_eq!(starts.len(), 1, "want one line {begin:?}");
    let rest = &lines[starts[0] + 1..];
    let stop = rest
        .iter()
        .position(|l| end(l.trim()))
        .expect("an end line");
    rest[..stop].to_vec()
}

#[test]
fn the_readme_example_is_the_one_tested_here() {
    let subsection = between(README, SUBSECTION, |l| {
        l.starts_with("## ") || l.starts_with("### ")
    });
    let subsection = subsection.join("\n");
    let block = between(&subsection, "```rust", |l| l == "```").join("\n");
    let readme = snippet::normalise(&block);
    let here = snippet::normalise(
        &between(THIS_FILE, "// README snippet begin", |l| {
            l == "// README snippet end"
        })
        .join("\n"),
    );
    for (i, (a, b)) in readme.lines().zip(here.lines()).enumerate() {
        assert_eq!(a, b, "line {} of the example differs", i + 1);
    }
    assert_eq!(readme, here);
    assert!(
        readme.lines().count() < 20,
        "the example should stay under 20 lines"
    );
}
