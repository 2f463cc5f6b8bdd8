//! The `parsers` target: one string (the input, invalid UTF-8 replaced) through the time
//! parser and through every URL-bearing request field, each result checked against the others.
//!
//! - `parse_utc`: an accepted text is exactly 20 bytes and `format_utc` prints it back byte for
//!   byte; a refusal has a reason; `StartTime`/`EndTime` of a Create refuse exactly the texts
//!   `parse_utc` refuses, with its reason.
//! - Edge `StreamInput` / `StreamOutput` (Create and Update through `validate()`): accepted
//!   exactly when `StreamUrl::edge_input` / `edge_output` accept, stored exactly as sent,
//!   refused as `InvalidParameter` of that field with the same reason (empty: missing on
//!   Create, "must not be empty" on Update).
//! - Pull-to-push `DstUrl`, `CallbackUrl`, `SourceUrls` (`CreateLivePullToPushRequest::
//!   validate(now)`): each accepted or refused by its own field; the rules that are the same
//!   rule agree (a live rtmp source and `StreamOutput`; a live hls source and `CallbackUrl`),
//!   the narrower rules imply the wider ones (DstUrl ⇒ StreamOutput ⇒ StreamInput; a url
//!   source ⇒ CallbackUrl), a vod source follows the media id rule, and a list split on
//!   newlines is accepted exactly when every entry is.
//! - Everywhere: `validate()` fails exactly when `validate_all()` is non-empty, with its
//!   first problem, and the same input gives the same answer twice.
//!
//! Every check is made as a strict engine validates (`validate_with(…, true)`,
//! `Config::strict`): the rules above are the full set, the crate's inferences included
//! (docs/fidelity.md); a default engine takes more.

use chrono::{DateTime, Utc};
use live_lifecycle::edge::{CreateEdgeTranscodeJobRequest, UpdateEdgeTranscodeJobRequest};
use live_lifecycle::pull_to_push::CreateLivePullToPushRequest;
use live_lifecycle::time::{format_utc, parse_utc};
use live_lifecycle::{ApiError, StreamUrl};

/// The field an error names, and its reason (`None` for a missing parameter).
fn field_of(error: &ApiError) -> (&str, Option<&str>) {
    match error {
        ApiError::InvalidParameter { field, reason } => (field, Some(reason)),
        ApiError::MissingParameter { field } => (field, None),
        other => panic!("a field check answered {other:?}"),
    }
}

fn now() -> DateTime<Utc> {
    parse_utc("2030-01-01T00:00:00Z").unwrap_or_default()
}

fn edge_create(input: &str, output: &str) -> CreateEdgeTranscodeJobRequest {
    CreateEdgeTranscodeJobRequest {
        cluster_id: Some("cluster-1".into()),
        name: Some("fuzz".into()),
        template_id: Some("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01".into()),
        stream_input: Some(input.into()),
        stream_output: Some(output.into()),
    }
}

fn live_task(protocol: &str, url: &str) -> CreateLivePullToPushRequest {
    CreateLivePullToPushRequest {
        region: Some("cn-shanghai".into()),
        start_time: Some("2030-01-01T10:00:00Z".into()),
        end_time: Some("2030-01-01T12:00:00Z".into()),
        source_type: Some("live".into()),
        source_protocol: Some(protocol.into()),
        source_urls: Some(vec![url.into()]),
        dst_url: Some("rtmp://push.example.com/live/s1".into()),
        ..Default::default()
    }
}

fn playlist(kind: &str, urls: Vec<String>) -> CreateLivePullToPushRequest {
    CreateLivePullToPushRequest {
        source_type: Some(kind.into()),
        source_protocol: None,
        source_urls: Some(urls),
        ..live_task("rtmp", "")
    }
}

/// `validate()` and `validate_all()` agree, and answer the same twice.
macro_rules! validated {
    ($req:expr $(, $now:expr)?) => {{
        let req = $req;
        let one = req.validate_with($($now,)? true);
        assert_eq!(one, req.validate_with($($now,)? true), "validate() is not deterministic");
        let all = req.validate_all_with($($now,)? true);
        match &one {
            Ok(_) => assert!(all.is_empty(), "validate() passed, validate_all() found {all:?}"),
            Err(e) => assert_eq!(all.first(), Some(e), "validate() and validate_all() disagree"),
        }
        one
    }};
}

/// Whether a p2p Create passed, or failed on `field` (any other failure is a bug of the
/// base request, which is valid).
fn p2p_field(
    result: Result<live_lifecycle::pull_to_push::CreateTask, ApiError>,
    field: &str,
) -> bool {
    match result {
        Ok(_) => true,
        Err(e) => {
            let (named, _) = field_of(&e);
            assert_eq!(named, field, "a refusal of {field} named {named}: {e:?}");
            false
        }
    }
}

/// The scheme `url` parsed with, as the URL parser reports it (lower case).
fn scheme(text: &str) -> String {
    text.split_once(':')
        .map(|(s, _)| s.to_ascii_lowercase())
        .unwrap_or_default()
}

/// The authority of a URL as a WHATWG parser reads it for http and https: after `scheme:`,
/// any run of `/` and `\` (`http:host`, `http:/host` and `http:\\host` all name `host`), up to
/// the first `/`, `\`, `?` or `#`.
fn authority(text: &str) -> &str {
    let rest = text.split_once(':').map_or("", |(_, rest)| rest);
    let rest = rest.trim_start_matches(['/', '\\']);
    rest.split(['/', '\\', '?', '#']).next().unwrap_or("")
}

/// What the README promises of every accepted URL ("URLs" in the Behaviour notes, and
/// `src/stream_url.rs`: "any `@` before the host is credentials, empty or not"): no user
/// part, no fragment, no whitespace or control character, at most 2000 characters.
fn check_accepted_url(field: &str, text: &str) {
    assert!(
        !authority(text).contains('@'),
        "{field} accepted {text:?}, which has a user part (an @ before the host)"
    );
    assert!(
        !text.contains('#'),
        "{field} accepted {text:?}, which has a #fragment"
    );
    assert!(
        !text.chars().any(|c| c.is_whitespace() || c.is_control()),
        "{field} accepted {text:?}, which has whitespace or a control character"
    );
    assert!(
        text.chars().count() <= 2000,
        "{field} accepted a URL of more than 2000 characters"
    );
}

fn check_time(text: &str) {
    let parsed = parse_utc(text);
    assert_eq!(parsed, parse_utc(text), "parse_utc is not deterministic");
    match parsed {
        Ok(t) => {
            assert_eq!(text.len(), 20, "parse_utc accepted {text:?}");
            assert_eq!(
                format_utc(&t),
                text,
                "format_utc does not give back the text"
            );
            assert_eq!(parse_utc(&format_utc(&t)), Ok(t));
        }
        Err(reason) => assert!(!reason.is_empty()),
    }
    // Through a request: StartTime fails exactly as parse_utc does; a parsed one either
    // passes or breaks the window, never its own form.
    let req = CreateLivePullToPushRequest {
        start_time: Some(text.into()),
        end_time: Some("2100-01-01T00:00:00Z".into()),
        ..live_task("rtmp", "rtmp://pull.example.com/live/s1")
    };
    match (parse_utc(text), validated!(&req, now())) {
        (_, Err(ApiError::MissingParameter { field })) if text.is_empty() => {
            assert_eq!(field, "StartTime");
        }
        (Err(why), Err(ApiError::InvalidParameter { field, reason })) => {
            assert_eq!((field.as_ref(), reason.as_ref()), ("StartTime", why));
        }
        (Ok(t), Ok(task)) => assert_eq!(task.start, t),
        (Ok(_), Err(ApiError::IllegalDuration { .. })) => {}
        (parsed, result) => panic!("StartTime {text:?}: parse_utc {parsed:?}, Create {result:?}"),
    }
}

fn check_edge(text: &str) -> (bool, bool) {
    let input = StreamUrl::edge_input(text, true);
    let output = StreamUrl::edge_output(text, true);
    for url in [&input, &output].into_iter().flatten() {
        assert_eq!(url.as_str(), text, "a URL not kept as sent");
        assert_eq!(
            serde_json::to_value(url).ok(),
            Some(serde_json::Value::from(text)),
            "a URL serializes to other text"
        );
    }
    let ok = "rtmp://edge.example.com/live/s1";
    // Create, through validate(): the field passes or fails as StreamUrl says.
    for (field, parsed, req) in [
        ("StreamInput", &input, edge_create(text, ok)),
        ("StreamOutput", &output, edge_create(ok, text)),
    ] {
        match (parsed, validated!(&req)) {
            (_, Err(ApiError::MissingParameter { field: f })) if text.is_empty() => {
                assert_eq!(f, field);
            }
            (Ok(url), Ok(job)) => {
                let stored = if field == "StreamInput" {
                    &job.stream_input
                } else {
                    &job.stream_output
                };
                assert_eq!(stored, url);
            }
            (Err(why), Err(ApiError::InvalidParameter { field: f, reason })) => {
                assert_eq!((f.as_ref(), reason.as_ref()), (field, *why));
            }
            (parsed, result) => panic!("{field} {text:?}: StreamUrl {parsed:?}, Create {result:?}"),
        }
    }
    // Update: the same, but empty is "must not be empty when present".
    let update = UpdateEdgeTranscodeJobRequest {
        cluster_id: Some("cluster-1".into()),
        job_id: Some("0123456789abcdef0123456789abcdef".into()),
        stream_input: Some(text.into()),
        stream_output: Some(text.into()),
        ..Default::default()
    };
    match validated!(&update) {
        Ok(job) => {
            assert_eq!(job.stream_input.as_ref(), input.as_ref().ok());
            assert_eq!(job.stream_output.as_ref(), output.as_ref().ok());
        }
        Err(e) => {
            let (field, reason) = field_of(&e);
            let expected = if text.is_empty() {
                Some("must not be empty when present")
            } else if let Err(why) = &input {
                Some(*why)
            } else {
                output.as_ref().err().copied()
            };
            let first = if input.is_err() || text.is_empty() {
                "StreamInput"
            } else {
                "StreamOutput"
            };
            assert_eq!((field, reason), (first, expected), "Update {text:?}");
        }
    }
    let (input_ok, output_ok) = (input.is_ok(), output.is_ok());
    if input_ok {
        check_accepted_url("StreamInput", text);
    }
    if output_ok {
        check_accepted_url("StreamOutput", text);
    }
    assert!(
        !output_ok || input_ok,
        "{text:?}: an output URL that is no input URL"
    );
    (input_ok, output_ok)
}

fn check_pull_to_push(text: &str, input_ok: bool, output_ok: bool) {
    let now = now();
    let dst = validated!(
        &CreateLivePullToPushRequest {
            dst_url: Some(text.into()),
            ..live_task("rtmp", "rtmp://pull.example.com/live/s1")
        },
        now
    );
    let dst_ok = p2p_field(dst, "DstUrl");
    if dst_ok {
        check_accepted_url("DstUrl", text);
    }
    assert_eq!(
        dst_ok,
        output_ok && scheme(text) == "rtmp",
        "{text:?}: DstUrl {dst_ok}, StreamOutput {output_ok}"
    );

    let callback = validated!(
        &CreateLivePullToPushRequest {
            callback_url: Some(text.into()),
            ..live_task("rtmp", "rtmp://pull.example.com/live/s1")
        },
        now
    );
    let callback_ok = match callback {
        Ok(task) => {
            let kept = task.callback_url.as_ref().map(StreamUrl::as_str);
            if kept.is_some() {
                check_accepted_url("CallbackUrl", text);
            }
            assert_eq!(
                kept,
                Some(text).filter(|t| !t.is_empty()),
                "CallbackUrl kept"
            );
            true
        }
        Err(e) => {
            assert_eq!(field_of(&e).0, "CallbackUrl");
            false
        }
    };

    // One live source of each rule.
    let live =
        |protocol: &str| p2p_field(validated!(&live_task(protocol, text), now), "SourceUrls");
    let rtmp = live("rtmp");
    assert_eq!(
        rtmp, output_ok,
        "{text:?}: live rtmp source vs StreamOutput"
    );
    let hls = live("hls");
    assert_eq!(
        hls,
        callback_ok && !text.is_empty(),
        "{text:?}: live hls vs CallbackUrl"
    );
    assert_eq!(hls, live("http-flv"), "{text:?}: hls vs http-flv");
    let srt = live("srt");
    assert_eq!(
        srt,
        input_ok && scheme(text) == "srt",
        "{text:?}: live srt vs StreamInput"
    );
    let rtsp = live("rtsp");
    assert!(
        !rtsp || scheme(text) == "rtsp",
        "{text:?}: an rtsp source of another scheme"
    );

    // Playlists.
    let url = p2p_field(
        validated!(&playlist("url", vec![text.into()]), now),
        "SourceUrls",
    );
    assert!(!url || hls, "{text:?}: a file URL that is no http(s) URL");
    let media_id = !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let vod = p2p_field(
        validated!(&playlist("vod", vec![text.into()]), now),
        "SourceUrls",
    );
    assert_eq!(vod, media_id, "{text:?}: vod media id");

    // A list: accepted exactly when each entry is (and there are at most 30).
    let entries: Vec<String> = text.split('\n').map(str::to_owned).collect();
    if entries.len() > 1 && entries.len() <= 30 {
        let each = entries.iter().all(|e| {
            p2p_field(
                validated!(&playlist("url", vec![e.clone()]), now),
                "SourceUrls",
            )
        });
        let all = p2p_field(validated!(&playlist("url", entries), now), "SourceUrls");
        assert_eq!(all, each, "{text:?}: a list vs its entries");
    }
}

/// The fuzz target's body.
pub fn run_bytes(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    check_time(&text);
    let (input_ok, output_ok) = check_edge(&text);
    check_pull_to_push(&text, input_ok, output_ok);
}
