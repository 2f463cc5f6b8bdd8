#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
//! What the fuzz targets (`fuzz/`, README "Fuzzing") found, one named test per finding,
//! reproducing the input without libFuzzer. A test marked `#[ignore = "bug: …"]` shows a bug
//! of the library that is not fixed yet: it asserts the documented behaviour, so it fails
//! until the fix lands (`cargo test --test fuzz_regressions -- --ignored` runs it), and the
//! fuzz target skips inputs of that bug so that runs go on looking for new ones.

use live_lifecycle::pull_to_push::CreateLivePullToPushRequest;
use live_lifecycle::{ApiError, Config, Engine};

fn now() -> chrono::DateTime<chrono::Utc> {
    "2030-01-01T00:00:00Z".parse().unwrap()
}

/// A valid Create, live from an rtmp source, with the given `CallbackUrl`.
fn with_callback(url: &str) -> CreateLivePullToPushRequest {
    CreateLivePullToPushRequest {
        region: Some("cn-shanghai".into()),
        start_time: Some("2030-01-01T10:00:00Z".into()),
        end_time: Some("2030-01-01T12:00:00Z".into()),
        source_type: Some("live".into()),
        source_protocol: Some("rtmp".into()),
        source_urls: Some(vec!["rtmp://pull.example.com/live/s1".into()]),
        dst_url: Some("rtmp://push.example.com/live/s1".into()),
        callback_url: Some(url.into()),
        ..Default::default()
    }
}

/// A valid Create of the given source type and protocol pulling `url`.
fn with_source(kind: &str, protocol: Option<&str>, url: &str) -> CreateLivePullToPushRequest {
    CreateLivePullToPushRequest {
        source_type: Some(kind.into()),
        source_protocol: protocol.map(Into::into),
        source_urls: Some(vec![url.into()]),
        callback_url: None,
        ..with_callback("")
    }
}

fn refused_as_invalid(result: Result<impl std::fmt::Debug, ApiError>, field: &str) {
    match result {
        Err(ApiError::InvalidParameter { field: f, .. }) => assert_eq!(f, field),
        other => panic!("{field}: want InvalidParameter, got {other:?}"),
    }
}

/// parsers, `fuzz/artifacts/parsers/crash-7a9923cae70a3ea86a55250afb2ac07a355ff98d` (27 s,
/// about 54,500 executions into `fuzz/run.sh 300`): the 17 bytes `http:@0X14834699:` as
/// `CallbackUrl` are accepted.
///
/// README, Behaviour notes, "URLs": "Refused: any user part (`user:pass@`, even an empty
/// `@`)"; `src/stream_url.rs`: "any `@` before the host is credentials, empty or not".
/// `stream_url::parse` looks for that `@` only after a literal `://`, but for the special
/// schemes `http` and `https` the URL parser needs no `//` (`http:host`, `http:/host`,
/// `http:\\host` and `http:///host` all name `host`) and silently drops an empty user part,
/// so `url.username()` is empty and the `://` check finds no authority: the URL passes, and
/// is stored and echoed as sent. Every http(s) field is affected: `CallbackUrl`, `SourceUrls`
/// of a `url` source and of a live `http-flv`, `flv` or `hls` source. (rtmp, rtmps, srt and
/// rtsp are not special schemes: without `//` they have no host and are refused.)
#[test]
fn empty_user_part_without_double_slash_is_accepted() {
    // The input as found.
    refused_as_invalid(
        with_callback("http:@0X14834699:").validate(now()),
        "CallbackUrl",
    );
    // The same bug in readable forms and in every http(s) field.
    for url in [
        "http:@hooks.example.com/cb",
        "https:/@hooks.example.com/cb",
        "https:\\\\@hooks.example.com/cb",
        "http:///@hooks.example.com/cb",
    ] {
        refused_as_invalid(with_callback(url).validate(now()), "CallbackUrl");
    }
    refused_as_invalid(
        with_source("url", None, "https:@cdn.example.com/a.mp4").validate(now()),
        "SourceUrls",
    );
    for protocol in ["hls", "http-flv", "flv"] {
        refused_as_invalid(
            with_source("live", Some(protocol), "http:@cdn.example.com/live/s.m3u8")
                .validate(now()),
            "SourceUrls",
        );
    }
    // And on the wire: the task is created, with the URL stored as sent.
    let mut engine = Engine::new(Config::default());
    let reply = engine.handle_rpc(
        "1001",
        "CreateLivePullToPush",
        &[
            ("Region", "cn-shanghai"),
            ("StartTime", "2030-01-01T10:00:00Z"),
            ("EndTime", "2030-01-01T12:00:00Z"),
            ("SourceType", "live"),
            ("SourceProtocol", "rtmp"),
            ("SourceUrls", r#"["rtmp://pull.example.com/live/s1"]"#),
            ("DstUrl", "rtmp://push.example.com/live/s1"),
            ("CallbackUrl", "http:@hooks.example.com/cb"),
        ],
        now(),
    );
    assert_eq!(reply.status(), 400, "{}", reply.body());
    assert!(reply.body().contains("CallbackUrl"));
}

/// The control: the same URLs written with `://` are refused by a strict engine, as
/// documented (a user part is the crate's inference, docs/fidelity.md), and taken by a
/// default one.
#[test]
fn empty_user_part_with_double_slash_is_refused() {
    for url in [
        "http://@hooks.example.com/cb",
        "https://@hooks.example.com/cb",
    ] {
        refused_as_invalid(with_callback(url).validate_with(now(), true), "CallbackUrl");
        assert!(with_callback(url).validate(now()).is_ok(), "{url}");
    }
    let source = with_source("url", None, "https://@cdn.example.com/a.mp4");
    refused_as_invalid(source.validate_with(now(), true), "SourceUrls");
    assert!(source.validate(now()).is_ok());
}
