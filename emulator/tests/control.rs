//! The control plane under `/_emulator/`: health, reset, state, the request journal, advance,
//! fault, chaos and the control token, against a server in this test's runtime.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::SocketAddr;

use chrono::{DateTime, TimeDelta, Utc};
use live_emulator::{Client, Emulator, Options, Server};
use serde_json::Value;

use common::{TEMPLATE, create_job};

const START: &str = "2030-01-01T09:00:00Z";
const A: (&str, &str) = ("LTAIcontrolKeyA", "secret-a");
const B: (&str, &str) = ("LTAIcontrolKeyB", "secret-b");

/// A control call: `(status, JSON body)`, on a blocking thread (ureq is blocking).
async fn control(method: &str, url: String, bearer: Option<&str>) -> (u16, Value) {
    exchange(method, url, bearer, None).await
}

/// A control call with a JSON body.
async fn control_json(method: &str, url: String, body: Value) -> (u16, Value) {
    exchange(method, url, None, Some(body)).await
}

async fn exchange(
    method: &str,
    url: String,
    bearer: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let method = method.to_owned();
    let bearer = bearer.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let mut request = ureq::request(&method, &url).timeout(std::time::Duration::from_secs(10));
        if let Some(token) = bearer {
            request = request.set("Authorization", &format!("Bearer {token}"));
        }
        let sent = match body {
            Some(body) => request
                .set("Content-Type", "application/json")
                .send_string(&body.to_string()),
            None => request.call(),
        };
        let response = match sent {
            Ok(response) => response,
            Err(ureq::Error::Status(_, response)) => response,
            Err(e) => panic!("{method} {url}: {e}"),
        };
        let status = response.status();
        let text = response.into_string().expect("a body");
        (status, serde_json::from_str(&text).expect("a JSON body"))
    })
    .await
    .expect("the control call")
}

async fn two_accounts() -> Emulator {
    Emulator::builder()
        .access_key(A.0, A.1)
        .access_key(B.0, B.1)
        .manual_clock(START.parse().unwrap())
        .start()
        .await
        .expect("an emulator")
}

async fn jobs(client: &Client) -> u64 {
    let (_, body) = client
        .call("ListEdgeTranscodeJob", &[("ClusterId", "c1")])
        .await
        .unwrap();
    body["TotalCount"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_says_ready_the_version_and_the_clock() {
    let emulator = two_accounts().await;
    let (status, body) = control("GET", format!("{}/_emulator/health", emulator.url()), None).await;
    assert_eq!(status, 200);
    assert_eq!(body["Status"], "ready");
    assert_eq!(body["Version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        (body["Clock"].as_str(), body["Now"].as_str()),
        (Some("manual"), Some(START))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_empties_one_account_or_all() {
    let emulator = two_accounts().await;
    let (a, b) = (
        emulator.client_for(A.0).unwrap(),
        emulator.client_for(B.0).unwrap(),
    );
    create_job(&a, "c1").await;
    create_job(&b, "c1").await;
    let url = emulator.url();
    let (status, body) = control(
        "POST",
        format!("{url}/_emulator/reset?AccessKeyId={}", A.0),
        None,
    )
    .await;
    assert_eq!((status, body["Reset"].as_str()), (200, Some(A.0)));
    assert_eq!((jobs(&a).await, jobs(&b).await), (0, 1));
    let (status, _) = control(
        "POST",
        format!("{url}/_emulator/reset?AccessKeyId=nobody"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        control("POST", format!("{url}/_emulator/reset"), None)
            .await
            .0,
        200
    );
    assert_eq!((jobs(&a).await, jobs(&b).await), (0, 0));
    // A reset emulator works as a fresh one.
    create_job(&a, "c1").await;
    assert_eq!(jobs(&a).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_shows_one_account_or_all_in_the_snapshot_format() {
    let emulator = two_accounts().await;
    let (a, b) = (
        emulator.client_for(A.0).unwrap(),
        emulator.client_for(B.0).unwrap(),
    );
    let job = create_job(&a, "c1").await;
    create_job(&b, "c2").await;
    let url = emulator.url();
    let (status, all) = control("GET", format!("{url}/_emulator/state"), None).await;
    assert_eq!(status, 200);
    let accounts = all["state"]["accounts"].as_object().unwrap();
    assert_eq!(accounts.len(), 2);
    let (_, one) = control(
        "GET",
        format!("{url}/_emulator/state?AccessKeyId={}", A.0),
        None,
    )
    .await;
    let accounts = one["state"]["accounts"].as_object().unwrap();
    assert_eq!(accounts.keys().collect::<Vec<_>>(), [A.0]);
    assert!(accounts[A.0]["edge"]["clusters"]["c1"][job.as_str()].is_object());
    // The whole snapshot reads back as one.
    serde_json::from_value::<live_lifecycle::Snapshot>(all).expect("a snapshot");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_keep_the_newest_in_a_bounded_ring() {
    let server = Server::bind(Options {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        keys: vec![(A.0.into(), A.1.into()), (B.0.into(), B.1.into())],
        request_log: 3,
        ..Options::default()
    })
    .await
    .unwrap();
    let endpoint = server.local_addr().unwrap().to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(server.serve(async move {
        let _ = stopped.await;
    }));
    let (a, b) = (
        Client::new(&endpoint, A.0, A.1),
        Client::new(&endpoint, B.0, B.1),
    );
    for cluster in ["c1", "c2"] {
        a.call("ListEdgeTranscodeJob", &[("ClusterId", cluster)])
            .await
            .unwrap();
    }
    b.call("ListEdgeTranscodeTemplate", &[("ClusterId", "c1")])
        .await
        .unwrap();
    a.call(
        "GetEdgeTranscodeJob",
        &[("ClusterId", "c1"), ("JobId", "nope")],
    )
    .await
    .unwrap();
    let url = format!("http://{endpoint}/_emulator/requests");
    let (status, body) = control("GET", url.clone(), None).await;
    assert_eq!(status, 200);
    let list = body["Requests"].as_array().unwrap();
    let actions: Vec<&str> = list.iter().map(|r| r["Action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "ListEdgeTranscodeJob",
            "ListEdgeTranscodeTemplate",
            "GetEdgeTranscodeJob"
        ]
    );
    let last = &list[2];
    assert_eq!(
        (last["AccessKeyId"].as_str(), last["Status"].as_u64()),
        (Some(A.0), Some(404))
    );
    assert_eq!(last["Code"], "JobNotFound");
    assert!(last["LatencyMs"].as_f64().unwrap() >= 0.0);
    DateTime::parse_from_rfc3339(last["Time"].as_str().unwrap()).expect("a time");
    let (_, mine) = control("GET", format!("{url}?AccessKeyId={}&Limit=1", A.0), None).await;
    let mine = mine["Requests"].as_array().unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["Action"], "GetEdgeTranscodeJob");
    // Control calls are not recorded.
    let (_, again) = control("GET", url, None).await;
    assert_eq!(again["Requests"].as_array().unwrap().len(), 3);
    drop(stop);
    served.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn advance_past_the_last_time_is_refused_and_changes_nothing() {
    let near_the_end = DateTime::<Utc>::MAX_UTC - TimeDelta::seconds(10);
    let emulator = Emulator::builder()
        .manual_clock(near_the_end)
        .start()
        .await
        .unwrap();
    let url = emulator.url();
    let (status, body) =
        control("POST", format!("{url}/_emulator/advance?Seconds=100"), None).await;
    assert_eq!(
        (status, body["Code"].as_str()),
        (400, Some("InvalidParameter"))
    );
    let (_, health) = control("GET", format!("{url}/_emulator/health"), None).await;
    assert_eq!(
        health["Now"],
        live_lifecycle::time::format_utc(&near_the_end)
    );
    let (status, _) = control("POST", format!("{url}/_emulator/advance?Seconds=10"), None).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_is_scoped_to_the_named_account() {
    let emulator = two_accounts().await;
    let b = emulator.client_for(B.0).unwrap();
    let (status, created) = b
        .call(
            "CreateLivePullToPush",
            &[
                ("Region", "cn-shanghai"),
                ("StartTime", "2030-01-01T09:00:10Z"),
                ("EndTime", "2030-01-01T10:00:00Z"),
                ("SourceType", "live"),
                ("SourceProtocol", "rtmp"),
                ("SourceUrls", r#"["rtmp://pull.example.com/live/s"]"#),
                ("DstUrl", "rtmp://push.example.com/live/s"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(status, 200, "{created}");
    let task = created["TaskId"].as_str().unwrap();
    emulator.advance(10).await.unwrap();
    let url = emulator.url();
    let fault =
        |key: &str| format!("{url}/_emulator/fault?AccessKeyId={key}&TaskId={task}&Kind=pull");
    assert_eq!(
        control("POST", fault(A.0), None).await.0,
        400,
        "not A's task"
    );
    assert_eq!(control("POST", fault(B.0), None).await.0, 200);
    let (_, described) = b
        .call(
            "DescribeLivePullToPush",
            &[("Region", "cn-shanghai"), ("TaskId", task)],
        )
        .await
        .unwrap();
    assert_eq!(described["TaskStatus"], 2, "retrying after the fault");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_control_token_is_asked_of_every_control_call() {
    let server = Server::bind(Options {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        control_token: Some("s3cret".into()),
        ..Options::default()
    })
    .await
    .unwrap();
    let url = format!("http://{}/_emulator/health", server.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(server.serve(async move {
        let _ = stopped.await;
    }));
    assert_eq!(control("GET", url.clone(), None).await.0, 401);
    assert_eq!(control("GET", url.clone(), Some("wrong")).await.0, 401);
    let (status, body) = control("GET", url, Some("s3cret")).await;
    assert_eq!((status, body["Status"].as_str()), (200, Some("ready")));
    drop(stop);
    served.await.unwrap().unwrap();
}

/// A chaos rule added, its listing returned.
async fn add_rule(url: &str, rule: Value) -> Value {
    let (status, listed) = control_json("POST", format!("{url}/_emulator/chaos"), rule).await;
    assert_eq!(status, 200, "{listed}");
    listed
}

async fn rules(url: &str) -> Vec<Value> {
    let (status, body) = control("GET", format!("{url}/_emulator/chaos"), None).await;
    assert_eq!(status, 200);
    body["Rules"].as_array().unwrap().clone()
}

const NEWS: [(&str, &str); 5] = [
    ("ClusterId", "c1"),
    ("Name", "news"),
    ("TemplateId", TEMPLATE),
    ("StreamInput", "rtmp://in.example.com/live/a"),
    ("StreamOutput", "rtmp://out.example.com/live/a"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_by_count_refuses_exactly_that_many_calls_and_changes_nothing() {
    let emulator = two_accounts().await;
    let (a, b) = (
        emulator.client_for(A.0).unwrap(),
        emulator.client_for(B.0).unwrap(),
    );
    let url = emulator.url();
    let listed = add_rule(
        &url,
        serde_json::json!({
            "Action": "CreateEdgeTranscodeJob", "AccessKeyId": A.0,
            "Code": "InternalError", "Count": 2,
        }),
    )
    .await;
    assert_eq!(
        (listed["Status"].as_u64(), listed["Count"].as_u64()),
        (Some(500), Some(2))
    );
    let mut request_ids = Vec::new();
    for left in [1, 0] {
        let (status, body) = a.call("CreateEdgeTranscodeJob", &NEWS).await.unwrap();
        assert_eq!(
            (status, body["Code"].as_str()),
            (500, Some("InternalError"))
        );
        assert_eq!(body["HostId"], "live.aliyuncs.com");
        assert!(
            body["Recommend"]
                .as_str()
                .unwrap()
                .contains("q=InternalError")
        );
        request_ids.push(body["RequestId"].as_str().unwrap().to_owned());
        // The count goes down; a spent rule goes.
        let counts: Vec<u64> = rules(&url)
            .await
            .iter()
            .map(|r| r["Count"].as_u64().unwrap())
            .collect();
        assert_eq!(counts, if left == 0 { vec![] } else { vec![left] });
    }
    assert_ne!(
        request_ids[0], request_ids[1],
        "a fresh RequestId each time"
    );
    // Nothing was created; B, out of the rule's scope, and other actions are untouched.
    assert_eq!((jobs(&a).await, jobs(&b).await), (0, 0));
    create_job(&b, "c1").await;
    create_job(&a, "c1").await;
    assert_eq!((jobs(&a).await, jobs(&b).await), (1, 1));
    // The journal shows the injected refusals as what the caller got.
    let (_, journal) = control(
        "GET",
        format!("{url}/_emulator/requests?AccessKeyId={}&Limit=10", A.0),
        None,
    )
    .await;
    let seen: Vec<(&str, u64, &str)> = journal["Requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["Action"].as_str().unwrap(),
                r["Status"].as_u64().unwrap(),
                r["Code"].as_str().unwrap(),
            )
        })
        .filter(|(action, _, _)| *action == "CreateEdgeTranscodeJob")
        .collect();
    assert_eq!(
        seen,
        [
            ("CreateEdgeTranscodeJob", 500, "InternalError"),
            ("CreateEdgeTranscodeJob", 500, "InternalError"),
            ("CreateEdgeTranscodeJob", 200, ""),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_answers_in_the_calls_format_and_with_gateway_codes() {
    let emulator = two_accounts().await;
    let a = emulator.client_for(A.0).unwrap();
    let url = emulator.url();
    add_rule(
        &url,
        serde_json::json!({"Action": "ListEdgeTranscodeJob", "Code": "Throttling.User", "Count": 1}),
    )
    .await;
    let xml = a
        .call(
            "ListEdgeTranscodeJob",
            &[("ClusterId", "c1"), ("Format", "XML")],
        )
        .await;
    let Err(live_emulator::client::Error::NotJson { status, body }) = xml else {
        panic!("an XML reply: {xml:?}");
    };
    assert_eq!(status, 400);
    assert!(body.contains("<Error><RequestId>"), "{body}");
    assert!(body.contains("<Code>Throttling.User</Code>"), "{body}");
    // A gateway code, with the gateway's status, for any action.
    add_rule(
        &url,
        serde_json::json!({"Action": "*", "Code": "InvalidAccessKeyId.NotFound", "Count": 1}),
    )
    .await;
    let (status, body) = a
        .call("ListEdgeTranscodeTemplate", &[("ClusterId", "c1")])
        .await
        .unwrap();
    assert_eq!(
        (status, body["Code"].as_str()),
        (404, Some("InvalidAccessKeyId.NotFound"))
    );
    assert_eq!(
        a.call("ListEdgeTranscodeTemplate", &[("ClusterId", "c1")])
            .await
            .unwrap()
            .0,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_latency_delays_the_call_which_then_goes_on() {
    let emulator = two_accounts().await;
    let a = emulator.client_for(A.0).unwrap();
    let url = emulator.url();
    add_rule(
        &url,
        serde_json::json!({"Action": "CreateEdgeTranscodeJob", "LatencyMs": 300, "Count": 1}),
    )
    .await;
    let started = std::time::Instant::now();
    let job = create_job(&a, "c1").await;
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
    assert!(!job.is_empty());
    assert_eq!(jobs(&a).await, 1);
    let (_, journal) = control("GET", format!("{url}/_emulator/requests?Limit=2"), None).await;
    let latency = journal["Requests"][0]["LatencyMs"].as_f64().unwrap();
    assert!(latency >= 300.0, "{journal}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_rules_are_listed_refused_when_bad_and_cleared() {
    let emulator = two_accounts().await;
    let url = emulator.url();
    let first = add_rule(
        &url,
        serde_json::json!({"Action": "*", "AccessKeyId": A.0, "Code": "OperationDenied", "Probability": 0.25}),
    )
    .await;
    assert_eq!(
        first,
        serde_json::json!({
            "Id": 1, "Action": "*", "AccessKeyId": A.0, "Code": "OperationDenied", "Status": 403,
            "Count": null, "Probability": 0.25, "LatencyMs": 0,
        })
    );
    add_rule(
        &url,
        serde_json::json!({"Action": "GetEdgeTranscodeJob", "LatencyMs": 10}),
    )
    .await;
    add_rule(
        &url,
        serde_json::json!({"Action": "*", "AccessKeyId": B.0, "Code": "InternalError"}),
    )
    .await;
    let chaos = format!("{url}/_emulator/chaos");
    for (bad, status) in [
        (
            serde_json::json!({"Action": "*", "Code": "NoSuchCode"}),
            400,
        ),
        (
            serde_json::json!({"Action": "*", "Code": "InternalError", "Count": 1, "Probability": 1}),
            400,
        ),
        (serde_json::json!({"Code": "InternalError"}), 400),
        (
            serde_json::json!({"Action": "*", "Code": "InternalError", "AccessKeyId": "nobody"}),
            404,
        ),
    ] {
        let (got, body) = control_json("POST", chaos.clone(), bad.clone()).await;
        assert_eq!(got, status, "{bad}: {body}");
    }
    let (got, _) = exchange("POST", chaos.clone(), None, None).await;
    assert_eq!(got, 400, "no body");
    let ids =
        |list: Vec<Value>| -> Vec<u64> { list.iter().map(|r| r["Id"].as_u64().unwrap()).collect() };
    assert_eq!(
        ids(rules(&url).await),
        [1, 2, 3],
        "refused rules add nothing"
    );
    // A reset of one account takes its rules; those of every account stay.
    control(
        "POST",
        format!("{url}/_emulator/reset?AccessKeyId={}", B.0),
        None,
    )
    .await;
    assert_eq!(ids(rules(&url).await), [1, 2]);
    let (status, body) = control("DELETE", format!("{chaos}?Id=1"), None).await;
    assert_eq!((status, body["Removed"].as_u64()), (200, Some(1)));
    assert_eq!(
        control("DELETE", format!("{chaos}?Id=1"), None).await.0,
        404
    );
    let (status, body) = control("DELETE", chaos.clone(), None).await;
    assert_eq!((status, body["Removed"].as_u64()), (200, Some(1)));
    assert!(rules(&url).await.is_empty());
    // A reset of everything takes every rule.
    add_rule(&url, serde_json::json!({"Action": "*", "LatencyMs": 1})).await;
    control("POST", format!("{url}/_emulator/reset"), None).await;
    assert!(rules(&url).await.is_empty());
}

/// This machine's address on its outbound interface, if it has one that is not loopback.
fn non_loopback_address() -> Option<std::net::IpAddr> {
    // Connecting a UDP socket sends nothing: it only picks the route and the local address.
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn off_loopback_the_control_plane_needs_a_token_and_the_api_does_not() {
    let Some(ip) = non_loopback_address() else {
        eprintln!("no non-loopback address: control::admit's unit test covers the decision");
        return;
    };
    for token in [None, Some("s3cret")] {
        let server = Server::bind(Options {
            listen: SocketAddr::from(([0, 0, 0, 0], 0)),
            keys: vec![(A.0.into(), A.1.into())],
            control_token: token.map(str::to_owned),
            ..Options::default()
        })
        .await
        .unwrap();
        let port = server.local_addr().unwrap().port();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(server.serve(async move {
            let _ = stopped.await;
        }));
        let outside = SocketAddr::new(ip, port);
        let health = format!("http://{outside}/_emulator/health");
        let (status, body) = control("GET", health.clone(), None).await;
        match token {
            None => {
                assert_eq!((status, body["Code"].as_str()), (403, Some("Forbidden")));
                // The loopback address of the same listener is loopback.
                let local = format!("http://127.0.0.1:{port}/_emulator/health");
                assert_eq!(control("GET", local, None).await.0, 200);
            }
            Some(token) => {
                assert_eq!(status, 401);
                assert_eq!(control("GET", health, Some(token)).await.0, 200);
            }
        }
        let client = Client::new(outside.to_string(), A.0, A.1);
        let (status, _) = client
            .call("ListEdgeTranscodeJob", &[("ClusterId", "c1")])
            .await
            .unwrap();
        assert_eq!(status, 200, "the API answers on any listener");
        drop(stop);
        served.await.unwrap().unwrap();
    }
}

/// A parameter list beyond the bounds is answered before its signature is checked (whose
/// cost, and whose echoed string-to-sign, grow with it): the wire's `InvalidParameter`, even
/// with a wrong secret, in a small body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_parameters_are_refused_before_the_signature() {
    let emulator = two_accounts().await;
    let names: Vec<String> = (0..250).map(|i| format!("Extra{i}")).collect();
    let mut params: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "1")).collect();
    params.push(("ClusterId", "c1"));
    let forger = Client::new(emulator.endpoint(), A.0, "not-the-secret");
    let (status, body) = forger.call("ListEdgeTranscodeJob", &params).await.unwrap();
    assert_eq!(
        (status, body["Code"].as_str()),
        (400, Some("InvalidParameter")),
        "{body}"
    );
    assert!(body.to_string().len() < 4096);
    // Within the bounds, the wrong secret is what is refused.
    let (status, body) = forger
        .call("ListEdgeTranscodeJob", &[("ClusterId", "c1")])
        .await
        .unwrap();
    assert_eq!(
        (status, body["Code"].as_str()),
        (400, Some("SignatureDoesNotMatch"))
    );
}

/// A declared body over 1 MiB is answered 413 at once, before any of it is waited for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declared_body_over_the_limit_is_413_at_once() {
    use std::io::{Read, Write};
    let emulator = two_accounts().await;
    let addr = emulator.local_addr();
    let reply = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        let head = concat!(
            "POST / HTTP/1.1\r\nHost: x\r\n",
            "Content-Type: application/x-www-form-urlencoded\r\n",
            "Content-Length: 1000000000000\r\n\r\n",
        );
        stream.write_all(head.as_bytes()).unwrap();
        let started = std::time::Instant::now();
        let mut reply = vec![0u8; 4096];
        let read = stream.read(&mut reply).expect("an answer before the body");
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        String::from_utf8_lossy(&reply[..read]).into_owned()
    })
    .await
    .unwrap();
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
}
