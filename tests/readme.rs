#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
//! Keeps README.md and `docs/*.md` in step with the code: the docs never lie.
//!
//! - the Usage snippet is compiled and run here, and is byte-for-byte (after indentation)
//!   the snippet of the README;
//! - the Error codes table has one row per `ApiError` variant, with its code, HTTP status
//!   and message (the `IllegalDuration` reasons, the `Forbidden` service and the edge
//!   lifecycle's `OperationDenied` reasons checked by real calls);
//! - the Default template catalogue table is `TemplateCatalogue::default()`;
//! - the operation tables name the 16 operations (each an `Engine` method), and their error
//!   columns name only real codes with their real statuses;
//! - the defaults quoted in the Behaviour notes are those of `Config::default()`;
//! - Getting started runs commands that exist, every repository path the README and the
//!   docs name exists (or is one git ignores, made by running something), and "Where things
//!   are" names every file of the two family directories;
//! - every relative link of the README and the docs names a file that exists and, after `#`,
//!   a heading of it;
//! - `docs/performance.md` runs the bench that exists, with filters of its groups;
//!   `docs/testing.md` names every test target, the mutation runs name real test targets,
//!   and each fuzzing finding is a test of `tests/fuzz_regressions.rs`.

#[path = "common/snippet.rs"]
mod snippet;

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;

use live_lifecycle::edge::{
    CreateEdgeTranscodeJobRequest, DeleteEdgeTranscodeJobRequest, ListEdgeTranscodeTemplateRequest,
    StartEdgeTranscodeJobRequest, StopEdgeTranscodeJobRequest, TemplateCatalogue,
    UpdateEdgeTranscodeJobRequest,
};
use live_lifecycle::ids::AccountId;
use live_lifecycle::pull_to_push::CreateLivePullToPushRequest;
use live_lifecycle::time::parse_utc;
use live_lifecycle::{Access, ApiError, Config, Engine};

mod common;

use common::{Table, plain, section, spans, table};

const README: &str = include_str!("../README.md");
const THIS_FILE: &str = include_str!("readme.rs");
const ERROR_RS: &str = include_str!("../src/error.rs");
const TOUR: &str = include_str!("../examples/tour.rs");
const PERFORMANCE: &str = include_str!("../docs/performance.md");
const TESTING: &str = include_str!("../docs/testing.md");
const FIDELITY: &str = include_str!("../docs/fidelity.md");
const BENCH: &str = include_str!("../benches/lifecycle.rs");
const FUZZ_REGRESSIONS: &str = include_str!("fuzz_regressions.rs");
const GITIGNORE: &str = include_str!("../.gitignore");

/// Every markdown document of the repository that these tests hold to the code, by path.
const DOCUMENTS: &[(&str, &str)] = &[
    ("README.md", README),
    ("docs/performance.md", PERFORMANCE),
    ("docs/testing.md", TESTING),
    ("docs/fidelity.md", FIDELITY),
];

// ---- markdown helpers -------------------------------------------------------------------

/// The contents of every fenced block of `lang` in `text`.
fn fenced_blocks(text: &str, lang: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    // Inside a fence: whether it is of `lang`, and its lines so far.
    let mut current: Option<(bool, Vec<&str>)> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        match current.as_mut() {
            None if trimmed.starts_with("```") => {
                current = Some((trimmed.trim_start_matches('`') == lang, Vec::new()));
            }
            None => {}
            Some((keep, lines)) if trimmed == "```" => {
                if *keep {
                    blocks.push(lines.join("\n"));
                }
                current = None;
            }
            Some((_, lines)) => lines.push(line),
        }
    }
    blocks
}

/// The lines of `text` outside code fences.
fn prose_lines(text: &'static str) -> Vec<&'static str> {
    let mut in_fence = false;
    text.lines()
        .filter(|line| {
            if line.trim_start().starts_with("```") {
                in_fence = !in_fence;
                return false;
            }
            !in_fence
        })
        .collect()
}

// ---- (a) the Usage snippet --------------------------------------------------------------

#[test]
fn usage_snippet_runs() -> Result<(), Box<dyn Error>> {
    // README snippet begin
    use live_lifecycle::edge::{CreateEdgeTranscodeJobRequest, StopEdgeTranscodeJobRequest};
    use live_lifecycle::ids::AccountId;
    use live_lifecycle::time::parse_utc;
    use live_lifecycle::{Config, Engine};

    let mut engine = Engine::new(Config::default());
    let account = AccountId::try_from("1234567890123456")?; // authenticated by the embedder
    let now = parse_utc("2024-05-01T09:00:00Z")?; // time is an input, never read from a clock

    // Requests hold the raw wire fields; each call validates its request first.
    let create = CreateEdgeTranscodeJobRequest {
        cluster_id: Some("cluster-1".into()),
        name: Some("evening_news".into()),
        template_id: Some("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c02".into()),
        stream_input: Some("rtmp://ingest.example.com/live/news".into()),
        stream_output: Some("rtmp://push.example.com/live/news_hd".into()),
    };
    let created = engine.create_edge_transcode_job(&account, &create, now)?;
    assert_eq!(created.job_id.as_str().len(), 32);

    // A refusal is a value: the documented code, its HTTP status, and the error body.
    let stop = StopEdgeTranscodeJobRequest {
        cluster_id: Some("cluster-1".into()),
        job_id: Some(created.job_id.to_string()),
    };
    let refused = engine
        .stop_edge_transcode_job(&account, &stop, now)
        .unwrap_err();
    assert_eq!(refused.code(), "OperationDenied"); // the job is not running
    assert_eq!(refused.http_status(), 403);
    let body = serde_json::to_value(&refused)?;
    assert_eq!(body["HostId"], "live.aliyuncs.com");

    // Changes come out as events: one for the creation, none for the refusal.
    assert_eq!(engine.drain_events().len(), 1);

    // A client can list every problem of a request before sending it.
    let draft = CreateEdgeTranscodeJobRequest {
        name: Some("evening news".into()), // a space is not allowed
        ..Default::default()
    };
    let problems = draft.validate_all();
    assert_eq!(problems.len(), 5); // four required fields missing, then the bad name
    assert_eq!(problems[4].code(), "InvalidParameter");
    // README snippet end
    Ok(())
}

/// The code between the markers of this file.
fn snippet_here() -> String {
    snippet_between("// README snippet begin", "// README snippet end")
}

/// The code of this file between the lines `begin` and `end`.
fn snippet_between(begin: &str, end: &str) -> String {
    let lines: Vec<&str> = THIS_FILE.lines().collect();
    let marker = |text: &str| {
        let at: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].trim() == text)
            .collect();
        assert_eq!(at.len(), 1, "want one marker line {text:?}");
        at[0]
    };
    let (begin, end) = (marker(begin), marker(end));
    assert!(begin < end);
    snippet::normalise(&lines[begin + 1..end].join("\n"))
}

#[test]
fn usage_snippet_is_the_one_tested_here() {
    let usage = section("Usage");
    let blocks = fenced_blocks(usage, "rust");
    assert_eq!(
        blocks.len(),
        1,
        "Usage should hold exactly one rust snippet"
    );
    let readme = snippet::normalise(&blocks[0]);
    let here = snippet_here();
    if readme != here {
        for (i, (a, b)) in readme.lines().zip(here.lines()).enumerate() {
            assert_eq!(a, b, "line {} of the snippet differs", i + 1);
        }
    }
    assert_eq!(readme, here);
    assert!(usage.contains("`tests/readme.rs`"));
    assert!(usage.contains("`Result<(), Box<dyn Error>>`"));
}

// ---- (b) error codes --------------------------------------------------------------------

/// One error of each variant, with what its `<placeholder>`s (and a bare `%s`) stand for.
fn every_error() -> Vec<(ApiError, Vec<(&'static str, &'static str)>)> {
    vec![
        (
            ApiError::MissingParameter {
                field: "ClusterId".into(),
            },
            vec![("<field>", "ClusterId")],
        ),
        (
            ApiError::InvalidParameter {
                field: "Name".into(),
                reason: "a space is not allowed".into(),
            },
            vec![("<field>", "Name"), ("<reason>", "a space is not allowed")],
        ),
        (
            ApiError::OperationDenied {
                reason: "The job is not running".into(),
            },
            vec![("<reason>", "The job is not running")],
        ),
        (
            ApiError::Forbidden {
                service: "edge transcoding",
            },
            vec![("<service>", "edge transcoding")],
        ),
        (
            ApiError::JobNotFound {
                cluster_id: "cluster-1".into(),
                job_id: "0123abcd".into(),
            },
            vec![("<JobId>", "0123abcd"), ("<ClusterId>", "cluster-1")],
        ),
        (
            ApiError::TemplateNotFound {
                template_id: "tpl-9".into(),
            },
            vec![("<TemplateId>", "tpl-9")],
        ),
        (
            ApiError::UserTaskExceed { limit: 50 },
            vec![("<limit>", "50")],
        ),
        (
            ApiError::UserQuotaExceed { limit: 500 },
            vec![("<limit>", "500")],
        ),
        (
            ApiError::InternalError {
                detail: "The id generator repeated an id".into(),
            },
            vec![("<detail>", "The id generator repeated an id")],
        ),
        (
            ApiError::IllegalDuration {
                reason: "StartTime must be earlier than EndTime".into(),
            },
            vec![],
        ),
        (ApiError::TaskNotExist, vec![]),
        (ApiError::TaskHasStarted, vec![]),
        (ApiError::TaskHasStopped, vec![]),
        (
            ApiError::TaskLimitExceeded { limit: 100 },
            vec![("%s", "100")],
        ),
        (
            ApiError::DstUrlOccupied {
                task_id: "task-7".into(),
            },
            vec![("%s", "task-7")],
        ),
        (ApiError::LiveServiceNotFound, vec![]),
        (ApiError::InvalidAliUid, vec![]),
        (ApiError::ActionNotFound, vec![]),
        (ApiError::InvalidVersion, vec![]),
        (ApiError::Throttled, vec![]),
    ]
}

/// The codes `ApiError::code` can return, read from its source: guards `every_error` against
/// a variant added later.
fn codes_in_source() -> BTreeSet<&'static str> {
    let start = ERROR_RS
        .find("pub fn code(&self)")
        .expect("ApiError::code in src/error.rs");
    let body = &ERROR_RS[start..];
    let body = &body[..body
        .find("pub fn http_status")
        .expect("http_status after code")];
    body.split("=> \"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').expect("closing quote")])
        .collect()
}

fn error_table() -> Table {
    table(section("Error codes"), "Code")
}

/// Every code with its status, from the code.
fn known_codes() -> BTreeMap<&'static str, u16> {
    every_error()
        .iter()
        .map(|(e, _)| (e.code(), e.http_status()))
        .collect()
}

#[test]
fn every_variant_is_sampled() {
    let sampled: BTreeSet<&str> = known_codes().into_keys().collect();
    assert_eq!(sampled.len(), every_error().len(), "one sample per variant");
    assert_eq!(sampled, codes_in_source());
}

#[test]
fn error_table_has_one_row_per_code_with_its_status() {
    let t = error_table();
    let (code, http) = (t.column("Code"), t.column("HTTP"));
    let mut rows = BTreeMap::new();
    for row in &t.rows {
        let previous = rows.insert(plain(&row[code]), plain(&row[http]));
        assert!(previous.is_none(), "two rows for {}", row[code]);
    }
    let known = known_codes();
    for (c, status) in &known {
        let documented = rows
            .get(*c)
            .unwrap_or_else(|| panic!("Error codes has no row for {c}"));
        assert_eq!(documented, &status.to_string(), "HTTP status of {c}");
    }
    for c in rows.keys() {
        assert!(
            known.contains_key(c.as_str()),
            "Error codes lists {c}, which no ApiError has"
        );
    }
}

#[test]
fn error_messages_follow_their_templates() {
    let t = error_table();
    let (code, template, filler) = (
        t.column("Code"),
        t.column("Message template"),
        t.column("%s is"),
    );
    for (error, subs) in every_error() {
        let row = t
            .rows
            .iter()
            .find(|r| plain(&r[code]) == error.code())
            .unwrap_or_else(|| panic!("no row for {}", error.code()));
        let template = spans(&row[template]);
        assert_eq!(template.len(), 1, "one template for {}", error.code());
        let fillers = spans(&row[filler]);
        let mut candidates: Vec<String> = if fillers.is_empty() {
            vec![template[0].to_owned()]
        } else {
            fillers
                .iter()
                .map(|f| template[0].replace("%s", f))
                .collect()
        };
        for c in &mut candidates {
            for (from, to) in &subs {
                *c = c.replace(from, to);
            }
        }
        let message = error.to_string();
        assert!(
            candidates.contains(&message),
            "{}: message {message:?} is none of {candidates:?}",
            error.code()
        );
    }
}

/// The three reasons of `InvalidParam.CodeIllegalDuration`, as the engine gives them.
#[test]
fn illegal_duration_reasons_are_the_documented_ones() -> Result<(), Box<dyn Error>> {
    let t = error_table();
    let row = t
        .rows
        .iter()
        .find(|r| plain(&r[0]) == "InvalidParam.CodeIllegalDuration")
        .expect("row");
    let template = spans(&row[t.column("Message template")])[0];
    let config = Config::default();
    let max = config
        .task_limits
        .max_window_secs
        .expect("a default window");
    let documented: Vec<String> = spans(&row[t.column("%s is")])
        .iter()
        .map(|f| template.replace("%s", &f.replace("<n>", &max.to_string())))
        .collect();
    assert_eq!(documented.len(), 3);

    let mut engine = Engine::new(config);
    let account = AccountId::try_from("1001")?;
    let now = parse_utc("2030-01-01T00:00:00Z")?;
    let create = |start: &str, end: &str| CreateLivePullToPushRequest {
        region: Some("cn-shanghai".into()),
        start_time: Some(start.into()),
        end_time: Some(end.into()),
        source_type: Some("url".into()),
        source_urls: Some(vec!["https://cdn.example.com/a.mp4".into()]),
        dst_url: Some("rtmp://push.example.com/live/a".into()),
        ..Default::default()
    };
    let cases = [
        create("2030-01-01T12:00:00Z", "2030-01-01T10:00:00Z"), // start after end
        create("2029-12-31T10:00:00Z", "2029-12-31T12:00:00Z"), // end already past
        create("2030-01-01T10:00:00Z", "2030-01-20T10:00:00Z"), // longer than a week
    ];
    for (req, expected) in cases.iter().zip(&documented) {
        let err = engine
            .create_live_pull_to_push(&account, req, now)
            .unwrap_err();
        assert_eq!(err.code(), "InvalidParam.CodeIllegalDuration");
        assert_eq!(&err.error.to_string(), expected);
    }
    Ok(())
}

/// `<service>` is `edge transcoding`: what the engine answers when the account is excluded.
#[test]
fn forbidden_names_edge_transcoding() -> Result<(), Box<dyn Error>> {
    let row = error_table()
        .rows
        .into_iter()
        .find(|r| plain(&r[0]) == "Forbidden")
        .expect("row");
    assert!(row[3].ends_with("(`<service>` is `edge transcoding`)"));
    let config = Config {
        edge_access: Access::Only(BTreeSet::new()),
        ..Config::default()
    };
    let mut engine = Engine::new(config);
    let req = StopEdgeTranscodeJobRequest {
        cluster_id: Some("cluster-1".into()),
        job_id: Some("j1".into()),
    };
    let err = engine
        .stop_edge_transcode_job(
            &AccountId::try_from("1001")?,
            &req,
            parse_utc("2024-01-01T00:00:00Z")?,
        )
        .unwrap_err();
    assert_eq!(
        err.error,
        ApiError::Forbidden {
            service: "edge transcoding"
        }
    );
    Ok(())
}

/// The edge lifecycle table's reasons are the messages of the refused calls.
#[test]
fn operation_denied_reasons_are_the_documented_ones() -> Result<(), Box<dyn Error>> {
    let t = table(section("Edge transcoding job lifecycle"), "Call");
    let reasons: BTreeMap<String, (String, String)> = t
        .rows
        .iter()
        .map(|r| {
            (
                plain(&r[t.column("Call")]),
                (
                    plain(&r[t.column("In state")]),
                    plain(&r[t.column("Reason in the message")]),
                ),
            )
        })
        .collect();
    assert_eq!(
        reasons.keys().map(String::as_str).collect::<Vec<_>>(),
        ["Delete", "Start", "Stop", "Update"]
    );

    let mut engine = Engine::new(Config::default());
    let account = AccountId::try_from("1001")?;
    let now = parse_utc("2024-05-01T09:00:00Z")?;
    let job_id = engine
        .create_edge_transcode_job(
            &account,
            &CreateEdgeTranscodeJobRequest {
                cluster_id: Some("cluster-1".into()),
                name: Some("news".into()),
                template_id: Some("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01".into()),
                stream_input: Some("rtmp://ingest.example.com/live/news".into()),
                stream_output: Some("rtmp://push.example.com/live/news_hd".into()),
            },
            now,
        )?
        .job_id
        .to_string();
    let cluster_id = Some("cluster-1".to_owned());
    let job = Some(job_id);
    let start = StartEdgeTranscodeJobRequest {
        cluster_id: cluster_id.clone(),
        job_id: job.clone(),
    };
    let stop = StopEdgeTranscodeJobRequest {
        cluster_id: cluster_id.clone(),
        job_id: job.clone(),
    };
    let update = UpdateEdgeTranscodeJobRequest {
        cluster_id: cluster_id.clone(),
        job_id: job.clone(),
        name: Some("news2".into()),
        ..Default::default()
    };
    let delete = DeleteEdgeTranscodeJobRequest {
        cluster_id,
        job_id: job,
    };

    let check = |call: &str, state: &str, err: live_lifecycle::Rejection| {
        let (documented_state, reason) = &reasons[call];
        assert_eq!(documented_state, state, "state of the {call} row");
        assert_eq!((err.code(), err.http_status()), ("OperationDenied", 403));
        assert_eq!(
            err.error.to_string(),
            format!("{reason}, please check and try again later."),
            "{call} in {state}"
        );
    };
    // Not started: Stop is refused.
    check(
        "Stop",
        "\"0\"",
        engine
            .stop_edge_transcode_job(&account, &stop, now)
            .unwrap_err(),
    );
    // Running: Start, Update and Delete are refused.
    engine.start_edge_transcode_job(&account, &start, now)?;
    check(
        "Start",
        "\"1\"",
        engine
            .start_edge_transcode_job(&account, &start, now)
            .unwrap_err(),
    );
    check(
        "Update",
        "\"1\"",
        engine
            .update_edge_transcode_job(&account, &update, now)
            .unwrap_err(),
    );
    // Delete of a running job: refused by a strict engine, as the table says; a default one
    // deletes it (README, Behaviour notes).
    let mut strict = Engine::restore(
        Config {
            strict: true,
            ..Config::default()
        },
        engine.snapshot(),
    );
    check(
        "Delete",
        "\"1\"",
        strict
            .delete_edge_transcode_job(&account, &delete, now)
            .unwrap_err(),
    );
    engine.delete_edge_transcode_job(&account, &delete, now)?;
    Ok(())
}

// ---- (b2) docs/fidelity.md --------------------------------------------------------------

#[test]
fn fidelity_snippet_runs() {
    // fidelity snippet begin
    use live_lifecycle::{Config, Engine};

    // Refuses what the documentation refuses:
    let lenient = Engine::new(Config::default());
    // And what the crate infers is a mistake:
    let strict = Engine::new(Config {
        strict: true,
        ..Config::default()
    });
    assert!(!lenient.config().strict && strict.config().strict);
    // fidelity snippet end
}

#[test]
fn fidelity_snippet_is_the_one_tested_here() {
    let blocks = fenced_blocks(FIDELITY, "rust");
    assert_eq!(
        blocks.len(),
        1,
        "docs/fidelity.md should hold one rust snippet"
    );
    let here = snippet_between("// fidelity snippet begin", "// fidelity snippet end");
    assert_eq!(snippet::normalise(&blocks[0]), here);
}

/// Each row of the refusal table is a refusal with a real code, decided always, strict only
/// or removed, on a quoted source; the decisions agree with the Behaviour notes' row.
#[test]
fn fidelity_table_decides_each_refusal() {
    let t = table(FIDELITY, "Rule");
    assert_eq!(
        t.header.iter().map(|h| plain(h)).collect::<Vec<_>>(),
        ["Rule", "Refused with", "The docs", "Decision", "Why"]
    );
    let codes = known_codes();
    let mut decided = BTreeMap::<String, usize>::new();
    for row in &t.rows {
        let rule = &row[0];
        for code in spans(&row[1]) {
            assert!(codes.contains_key(code), "{rule}: {code} is no code");
        }
        let source = &row[2];
        assert!(
            source.contains("seed 00") || source.contains("live-api.md §"),
            "{rule}: the docs it rests on are not named"
        );
        let decision = plain(&row[3]);
        assert!(
            ["always", "strict only", "removed"].contains(&decision.as_str()),
            "{rule}: decision {decision:?}"
        );
        *decided.entry(decision).or_default() += 1;
    }
    assert!(
        decided.len() == 3,
        "every kind of decision is taken: {decided:?}"
    );
    assert!(!Config::default().strict);
    let note = behaviour("Strictness");
    assert!(note.contains("Config.strict") && note.contains("off by default"));
    assert!(note.contains("docs/fidelity.md"));
}

// ---- (c) the default template catalogue -------------------------------------------------

#[test]
fn template_table_is_the_default_catalogue() -> Result<(), Box<dyn Error>> {
    let text = section("Default template catalogue");
    let t = table(text, "TemplateId");

    let mut engine = Engine::new(Config::default());
    let list = engine.list_edge_transcode_template(
        &AccountId::try_from("1001")?,
        &ListEdgeTranscodeTemplateRequest {
            cluster_id: Some("cluster-1".into()),
            sort_by: Some("asc".into()),
            page_size: Some(100),
            ..Default::default()
        },
        parse_utc("2024-05-01T09:00:00Z")?,
    )?;
    let listed = &list.template_list.template;
    assert_eq!(usize::try_from(list.total_count)?, listed.len());

    // The list is the whole default catalogue.
    let mut all: Vec<_> = TemplateCatalogue::default().iter().cloned().collect();
    let mut sorted = listed.clone();
    all.sort_by(|a, b| a.template_id.cmp(&b.template_id));
    sorted.sort_by(|a, b| a.template_id.cmp(&b.template_id));
    assert_eq!(all, sorted);

    // The README's columns are the wire names of the `Template` object.
    assert_eq!(
        t.rows.len(),
        listed.len(),
        "README lists {} templates, the catalogue holds {}",
        t.rows.len(),
        listed.len()
    );
    for (row, template) in t.rows.iter().zip(listed) {
        let json = serde_json::to_value(template)?;
        for (header, cell) in t.header.iter().zip(row) {
            let field = &json[header.as_str()];
            assert!(field.is_string(), "Template has no string field {header}");
            assert_eq!(
                field.as_str(),
                Some(plain(cell).as_str()),
                "{header} of {}",
                template.template_id.as_str()
            );
        }
    }
    let count = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    let word = count.get(listed.len()).copied().unwrap_or("many");
    assert!(
        text.contains(&format!("holds these {word},")),
        "README should say the catalogue holds {word}"
    );
    assert!(text.contains("`SortBy=asc`"));
    Ok(())
}

// ---- (d) the operation tables -----------------------------------------------------------

/// The `Engine` methods of the 16 operations: a compile error if one is renamed.
macro_rules! methods {
    ($($m:ident),* $(,)?) => {
        vec![$({
            let _ = Engine::$m;
            stringify!($m)
        }),*]
    };
}

fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn operation_names(title: &str) -> Vec<String> {
    let t = table(section(title), "Operation");
    t.rows.iter().map(|r| plain(&r[0])).collect()
}

#[test]
fn operation_tables_name_the_sixteen_operations() {
    let edge = operation_names("Edge operations");
    let p2p = operation_names("Pull-to-push operations");
    assert_eq!(
        edge,
        [
            "CreateEdgeTranscodeJob",
            "GetEdgeTranscodeJob",
            "ListEdgeTranscodeJob",
            "UpdateEdgeTranscodeJob",
            "StartEdgeTranscodeJob",
            "StopEdgeTranscodeJob",
            "DeleteEdgeTranscodeJob",
            "GetEdgeTranscodeTemplate",
            "ListEdgeTranscodeTemplate",
        ]
    );
    assert_eq!(
        p2p,
        [
            "CreateLivePullToPush",
            "UpdateLivePullToPush",
            "DeleteLivePullToPush",
            "DescribeLivePullToPush",
            "DescribeLivePullToPushList",
            "StopLivePullToPush",
            "RestartLivePullToPush",
        ]
    );
    // "Every operation is one method of `Engine` named after it."
    let mut methods = methods![
        create_edge_transcode_job,
        get_edge_transcode_job,
        list_edge_transcode_job,
        update_edge_transcode_job,
        start_edge_transcode_job,
        stop_edge_transcode_job,
        delete_edge_transcode_job,
        get_edge_transcode_template,
        list_edge_transcode_template,
        create_live_pull_to_push,
        update_live_pull_to_push,
        delete_live_pull_to_push,
        describe_live_pull_to_push,
        describe_live_pull_to_push_list,
        stop_live_pull_to_push,
        restart_live_pull_to_push,
    ];
    let mut documented: Vec<String> = edge.iter().chain(&p2p).map(|n| snake_case(n)).collect();
    methods.sort_unstable();
    documented.sort_unstable();
    assert_eq!(documented, methods);

    // The counts quoted in the prose.
    assert!(README.contains("It models two families, 16 operations"));
    assert!(README.contains("**Edge transcoding** (`edge`): 9 operations"));
    assert!(README.contains("**Pull-to-push** (`pull_to_push`): 7 operations"));
    assert!(section("Edge operations").contains("All nine take a `ClusterId`"));
    assert!(section("Pull-to-push operations").contains("All seven take a `Region`"));
}

/// Each `code` span of an errors cell, with the status written after it, if any.
fn listed_errors(cell: &str) -> Vec<(String, Option<String>)> {
    cell.split('`')
        .skip(1)
        .collect::<Vec<_>>()
        .chunks(2)
        .map(|pair| {
            let code = pair[0].to_owned();
            let after = pair.get(1).copied().unwrap_or("");
            let status = after
                .split(',')
                .next()
                .unwrap_or("")
                .trim()
                .parse::<u16>()
                .ok()
                .map(|s| s.to_string());
            (code, status)
        })
        .collect()
}

#[test]
fn operation_errors_are_real_codes_with_their_statuses() {
    let known = known_codes();

    let edge = table(section("Edge operations"), "Operation");
    let column = edge.column("Errors (HTTP status), in precedence order");
    for row in &edge.rows {
        let listed = listed_errors(&row[column]);
        assert!(!listed.is_empty(), "{}: no errors", row[0]);
        for (code, status) in listed {
            let real = known
                .get(code.as_str())
                .unwrap_or_else(|| panic!("{}: {code} is no ApiError code", row[0]));
            assert_eq!(
                status,
                Some(real.to_string()),
                "{}: status of {code}",
                row[0]
            );
        }
    }

    let p2p = table(section("Pull-to-push operations"), "Operation");
    let header = "Errors (all 400 except InternalError 500), in precedence order";
    let column = p2p.column(header);
    for row in &p2p.rows {
        let listed = listed_errors(&row[column]);
        assert!(!listed.is_empty(), "{}: no errors", row[0]);
        for (code, _) in listed {
            let real = *known
                .get(code.as_str())
                .unwrap_or_else(|| panic!("{}: {code} is no ApiError code", row[0]));
            let documented = if code == "InternalError" { 500 } else { 400 };
            assert_eq!(real, documented, "{}: status of {code}", row[0]);
        }
    }
}

/// The methods of the embedder table exist.
#[test]
fn embedder_methods_exist() {
    let t = table(section("Usage"), "Method");
    let documented: Vec<String> = t
        .rows
        .iter()
        .map(|r| {
            let cell = plain(&r[0]);
            cell[..cell.find('(').expect("a signature")].to_owned()
        })
        .collect();
    let methods = methods![
        next_deadline,
        advance,
        report_stream,
        drain_callbacks,
        drain_callbacks_into
    ];
    assert_eq!(documented, methods);
}

// ---- (e) defaults quoted in the Behaviour notes -----------------------------------------

/// The "What the crate does" cell of the Behaviour notes row on `topic`, without backticks.
fn behaviour(topic: &str) -> String {
    let t = table(section("Behaviour notes"), "Topic");
    let rows: Vec<&Vec<String>> = t.rows.iter().filter(|r| plain(&r[0]) == topic).collect();
    assert_eq!(rows.len(), 1, "want one Behaviour notes row {topic:?}");
    plain(&rows[0][1])
}

fn days(secs: u32) -> String {
    assert_eq!(secs % 86_400, 0, "{secs} s is not whole days");
    format!("{} days", secs / 86_400)
}

#[test]
fn behaviour_notes_quote_the_default_config() {
    let config = Config::default();

    // The values the README quotes, in the code.
    assert_eq!(config.edge_limits.max_jobs, 500);
    assert_eq!(config.edge_limits.max_running_jobs, 50);
    assert_eq!(config.task_limits.max_tasks, 100);
    assert_eq!(config.task_limits.max_window_secs, Some(7 * 86_400));
    assert_eq!(config.task_limits.exited_retention_secs, 7 * 86_400);
    assert_eq!(config.host_id, "live.aliyuncs.com");
    assert_eq!(live_lifecycle::edge::LIST_WINDOW_DAYS, 180);
    assert_eq!(config.edge_access, Access::Everyone);
    assert_eq!(config.live_service, Access::Everyone);
    assert_eq!(config.live_domains, Access::Everyone);

    // And in the README, where it quotes them.
    let quotas = behaviour("Quotas");
    let jobs = format!("{} jobs per account", config.edge_limits.max_jobs);
    let running = format!(
        "{} running jobs per account",
        config.edge_limits.max_running_jobs
    );
    assert!(quotas.contains(&jobs), "Quotas: want {jobs:?}");
    assert!(quotas.contains(&running), "Quotas: want {running:?}");
    assert!(quotas.contains("Config.edge_limits"));

    let limit = behaviour("Pull-to-push: task limit");
    let tasks = format!("{} tasks per account", config.task_limits.max_tasks);
    assert!(limit.contains(&tasks), "task limit: want {tasks:?}");
    assert!(limit.contains("Config.task_limits.max_tasks"));

    let window = behaviour("Pull-to-push: window");
    let max = config
        .task_limits
        .max_window_secs
        .expect("a default window");
    let by_default = format!("{} by default", days(max));
    assert!(window.contains(&by_default), "window: want {by_default:?}");
    assert!(window.contains("Config.task_limits.max_window_secs"));

    let exited = behaviour("Pull-to-push: exited tasks");
    let retention = days(config.task_limits.exited_retention_secs);
    let by_default = format!("{retention} by default");
    assert!(exited.contains(&by_default), "exited: want {by_default:?}");
    assert!(exited.contains("Config.task_limits.exited_retention_secs"));
    // The "without a call" table of the task lifecycle quotes the retention too.
    let inputs = table(section("Pull-to-push task lifecycle"), "Input");
    let row = format!("retention ({retention}) after exiting");
    assert!(
        inputs.rows.iter().any(|r| plain(&r[0]) == row),
        "task lifecycle: want a row {row:?}"
    );

    let host = behaviour("HostId");
    let by_default = format!("by default {}", config.host_id);
    assert!(host.contains(&by_default), "HostId: want {by_default:?}");

    let list = behaviour("List window");
    let days_before = format!(
        "in the {} days before",
        live_lifecycle::edge::LIST_WINDOW_DAYS
    );
    assert!(
        list.contains(&days_before),
        "List window: want {days_before:?}"
    );

    let forbidden = behaviour("Forbidden");
    assert!(forbidden.contains("the default Access::Everyone never forbids"));
    let entitlement = behaviour("Pull-to-push: entitlement");
    assert!(entitlement.contains("both Access::Everyone by default"));
}

// ---- (f) getting started and paths ------------------------------------------------------

#[test]
fn getting_started_runs_what_exists() {
    let blocks = fenced_blocks(section("Getting started"), "sh");
    assert_eq!(blocks.len(), 1);
    let commands: Vec<&str> = blocks[0]
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(commands, ["cargo run --example tour", "cargo test"]);
    assert!(TOUR.contains("fn main("), "examples/tour.rs has a main");
}

/// Whether the root `.gitignore` ignores `path`: one of its anchored entries (`/fuzz/target`)
/// is `path` or a folder above it.
fn ignored_by_git(path: &str) -> bool {
    GITIGNORE
        .lines()
        .filter_map(|l| l.trim().strip_prefix('/'))
        .any(|entry| {
            path.strip_prefix(entry)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
}

/// Every repository path the README and the docs name in a code span exists, or is made by
/// running something and ignored by git (`fuzz/target/corpus/`).
#[test]
fn named_paths_exist() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (doc, text) in DOCUMENTS {
        let mut checked = 0;
        for span in prose_lines(text).into_iter().flat_map(spans) {
            let is_path = [
                "src/",
                "examples/",
                "tests/",
                "benches/",
                "docs/",
                "fuzz/",
                ".ci/",
            ]
            .iter()
            .any(|p| span.starts_with(p));
            if is_path && !span.contains(' ') {
                assert!(
                    root.join(span).exists() || ignored_by_git(span.trim_end_matches('/')),
                    "{doc} names {span}, missing"
                );
                checked += 1;
            }
        }
        assert!(checked >= 2, "{doc}: only {checked} paths found");
    }
}

/// `DOCUMENTS` holds every markdown file of `docs/`.
#[test]
fn every_doc_is_checked() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let on_disk: BTreeSet<String> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .map(|e| {
            format!(
                "docs/{}",
                e.expect("an entry").file_name().to_string_lossy()
            )
        })
        .filter(|n| n.ends_with(".md"))
        .collect();
    let checked: BTreeSet<String> = DOCUMENTS
        .iter()
        .map(|(path, _)| (*path).to_owned())
        .filter(|p| p.starts_with("docs/"))
        .collect();
    assert_eq!(checked, on_disk);
}

// ---- (g) links ----------------------------------------------------------------------------

/// The anchors GitHub gives the headings of `text`: lower case, punctuation dropped, spaces
/// to `-`, a repeated heading numbered `-1`, `-2`, ….
fn anchors(text: &'static str) -> BTreeSet<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BTreeSet::new();
    for line in prose_lines(text) {
        let Some(title) = line.strip_prefix('#') else {
            continue;
        };
        let title = title.trim_start_matches('#');
        if !title.starts_with(' ') {
            continue;
        }
        let slug: String = title
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let n = seen.entry(slug.clone()).or_insert(0);
        out.insert(if *n == 0 { slug } else { format!("{slug}-{n}") });
        *n += 1;
    }
    out
}

/// The targets of the markdown links of `text` (outside code fences and code spans).
fn link_targets(text: &'static str) -> Vec<String> {
    let mut targets = Vec::new();
    for line in prose_lines(text) {
        // The text between code spans only.
        let prose: String = line.split('`').step_by(2).collect();
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let end = after.find(')').expect("a link closes on its line");
            targets.push(after[..end].to_owned());
            rest = &after[end..];
        }
    }
    targets
}

/// Every relative link of the README and the docs names a file that exists, and its `#…` a
/// heading of that file (of the document itself for a bare `#…`).
#[test]
fn links_resolve() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for (doc, text) in DOCUMENTS {
        let dir = std::path::Path::new(doc)
            .parent()
            .expect("a folder, maybe empty");
        for target in link_targets(text) {
            if target.contains("://") {
                continue;
            }
            let (file, anchor) = target.split_once('#').unwrap_or((target.as_str(), ""));
            let linked: &'static str = if file.is_empty() {
                text
            } else {
                let path = root.join(dir).join(file);
                assert!(path.exists(), "{doc} links to {target}: no such file");
                let path = path.canonicalize().expect("a path");
                let found = DOCUMENTS
                    .iter()
                    .find(|(p, _)| root.join(p).canonicalize().ok().as_ref() == Some(&path));
                match found {
                    Some((_, t)) => t,
                    None => {
                        assert!(
                            anchor.is_empty(),
                            "{doc} links to {target}: not a checked document"
                        );
                        checked += 1;
                        continue;
                    }
                }
            };
            if !anchor.is_empty() {
                assert!(
                    anchors(linked).contains(anchor),
                    "{doc} links to {target}: no such heading"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} links found");
}

// ---- (h) docs/performance.md and docs/testing.md ------------------------------------------

/// The command block runs the bench that exists, and each group filter (`"^1\."`) and each
/// group of the figures (`1. …`) is one of its groups.
#[test]
fn performance_runs_the_bench_and_its_groups() {
    let blocks = fenced_blocks(PERFORMANCE, "sh");
    assert_eq!(blocks.len(), 1, "one command block");
    let commands: Vec<&str> = blocks[0]
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        commands,
        [
            "cargo bench --bench lifecycle",
            "cargo bench --bench lifecycle -- \"^1\\.\""
        ]
    );
    assert!(BENCH.contains("criterion_main!"));
    // The groups of the bench, by number: `benchmark_group("1. …")` or `bench_function("3. …")`.
    let groups: BTreeSet<u32> = BENCH
        .split("(\"")
        .skip(1)
        .filter_map(|rest| rest.split_once(". ")?.0.parse().ok())
        .collect();
    assert_eq!(groups, (1..=6).collect(), "the bench's groups");
    // Every group filter the file names (`"^2\."`) selects a group of the bench.
    let filters: Vec<u32> = PERFORMANCE
        .split("\"^")
        .skip(1)
        .filter_map(|rest| rest.split_once("\\.\"")?.0.parse().ok())
        .collect();
    assert!(filters.len() >= 2, "the group filters: {filters:?}");
    for n in &filters {
        assert!(
            groups.contains(n),
            "the filter of group {n} selects no group"
        );
    }
    // The figures: every group has a row, and each row's group is one of the bench.
    let t = table(PERFORMANCE, "Group: what is measured");
    let mut documented = BTreeSet::new();
    for row in &t.rows {
        if let Some((n, _)) = row[0].split_once(". ") {
            let n: u32 = n.parse().expect("a group number");
            assert!(groups.contains(&n), "no group {n} in the bench");
            documented.insert(n);
        }
    }
    assert_eq!(documented, groups, "a row per group");
    assert!(PERFORMANCE.contains("Guardrails (issue #21)"));
}

/// The organisation table names every test target, each that exists; the mutation runs
/// name real test targets; each fuzzing finding is a test of `tests/fuzz_regressions.rs`.
#[test]
fn testing_names_every_test_target() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // The core's test targets by name; the emulator's as `emulator/tests/NAME`.
    let mut targets = BTreeSet::new();
    for (dir, prefix) in [("tests", ""), ("emulator/tests", "emulator/tests/")] {
        for entry in std::fs::read_dir(root.join(dir)).expect("a tests directory") {
            let name = entry.expect("an entry").file_name();
            if let Some(stem) = name.to_string_lossy().strip_suffix(".rs") {
                targets.insert(format!("{prefix}{stem}"));
            }
        }
    }

    let organisation = table(TESTING, "Where");
    let named: BTreeSet<String> = organisation
        .rows
        .iter()
        .flat_map(|r| spans(&r[0]))
        .filter_map(|s| {
            let stem = s.strip_suffix(".rs")?;
            stem.strip_prefix("tests/")
                .map(str::to_owned)
                .or_else(|| stem.starts_with("emulator/tests/").then(|| stem.to_owned()))
        })
        .collect();
    assert_eq!(named, targets, "test targets in docs/testing.md");

    let mutation = table(TESTING, "File");
    let column = mutation.column("Test targets");
    let mut runs = 0;
    for row in &mutation.rows {
        for name in row[column].split(", ").map(str::trim) {
            if name.is_empty() || name == "the same" || name == "lib" {
                continue;
            }
            assert!(
                targets.contains(name),
                "mutation run names {name}, no test target"
            );
            runs += 1;
        }
    }
    assert!(runs >= 20, "only {runs} targets in the mutation table");

    let found = table(TESTING, "Test");
    assert!(!found.rows.is_empty());
    for row in &found.rows {
        let test = spans(&row[0])[0];
        assert!(
            FUZZ_REGRESSIONS.contains(&format!("fn {test}(")),
            "no test {test} in tests/fuzz_regressions.rs"
        );
    }
}

/// "Where things are": each family directory's bullet names files that exist there, and
/// every module file of the directory (but `mod.rs`).
#[test]
fn where_things_are_lists_each_family_file() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut bullets: Vec<String> = Vec::new();
    for line in section("Where things are").lines() {
        if let Some(rest) = line.strip_prefix("- ") {
            bullets.push(rest.to_owned());
        } else if let Some(last) = bullets.last_mut() {
            last.push(' ');
            last.push_str(line.trim());
        }
    }
    let mut dirs = 0;
    for bullet in &bullets {
        let names = spans(bullet);
        let Some(dir) = names.first().filter(|d| d.ends_with('/')) else {
            continue;
        };
        dirs += 1;
        let named: BTreeSet<&str> = names[1..]
            .iter()
            .copied()
            .filter(|n| n.ends_with(".rs") && !n.contains('/') && *n != "mod.rs")
            .collect();
        let on_disk: BTreeSet<String> = std::fs::read_dir(root.join(dir))
            .expect("a directory")
            .map(|e| {
                e.expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|n| n.ends_with(".rs") && n != "mod.rs")
            .collect();
        let on_disk: BTreeSet<&str> = on_disk.iter().map(String::as_str).collect();
        assert_eq!(named, on_disk, "files of {dir}");
    }
    // src/edge/, src/pull_to_push/ and src/wire/: one bullet for each module folder.
    let folders = std::fs::read_dir(root.join("src"))
        .expect("src")
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().is_dir()))
        .count();
    assert_eq!(dirs, folders, "one bullet per folder of src/");
}

// ---- (i) the clients proven ---------------------------------------------------------------

/// The version `file` pins `package` at: `package==version` in a requirements file, or the
/// dependency in a `package.json`, which its `package-lock.json` must install exactly.
fn pinned(root: &std::path::Path, file: &str, package: &str) -> String {
    let text = std::fs::read_to_string(root.join(file)).expect("a pin file");
    if file.ends_with("requirements.txt") {
        let prefix = format!("{}==", package.to_lowercase());
        return text
            .lines()
            .find_map(|line| {
                line.trim()
                    .to_lowercase()
                    .strip_prefix(&prefix)
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| panic!("{file} pins no {package}"));
    }
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("package.json");
    let version = manifest["dependencies"][package]
        .as_str()
        .unwrap_or_else(|| panic!("{file} has no dependency {package}"))
        .to_owned();
    let lock_path = file.replace("package.json", "package-lock.json");
    let lock: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(&lock_path)).expect("a lockfile"))
            .expect("package-lock.json");
    let locked = &lock["packages"][format!("node_modules/{package}")]["version"];
    assert_eq!(
        locked.as_str(),
        Some(version.as_str()),
        "{lock_path}: {package}"
    );
    version
}

/// README's "Clients proven" table says what the suites pin: each client's version (and the
/// version of what it runs on, "on `core` 2.16.1") is the one its pin file names, each suite
/// exists, and every pin file of a suite is named by a row.
#[test]
fn clients_proven_are_the_pinned_versions() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let clients = common::table(common::section("The emulator"), "Client");
    let (version, file, suite) = (
        clients.column("Version"),
        clients.column("Pinned in"),
        clients.column("Suite"),
    );
    let mut files = BTreeSet::new();
    for row in &clients.rows {
        let file = common::plain(&row[file]);
        let spans = common::spans(&row[0]);
        assert_eq!(pinned(root, &file, spans[0]), row[version], "{}", row[0]);
        // "on `aliyun-python-sdk-core` 2.16.1": what the client runs on, pinned alike.
        for base in &spans[1..] {
            let after = row[0]
                .split(&format!("`{base}` "))
                .nth(1)
                .expect("a version");
            let named: String = after
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            assert_eq!(pinned(root, &file, base), named, "{}", row[0]);
        }
        assert!(
            root.join(common::plain(&row[suite])).exists(),
            "{}",
            row[suite]
        );
        files.insert(file);
    }
    let mut on_disk = BTreeSet::new();
    for dir in std::fs::read_dir(root.join("emulator/tests")).expect("emulator/tests/") {
        let dir = dir.expect("an entry").path();
        for pins in ["requirements.txt", "package.json"] {
            if dir.join(pins).exists() {
                let name = dir.file_name().expect("a name").to_string_lossy();
                on_disk.insert(format!("emulator/tests/{name}/{pins}"));
            }
        }
    }
    assert_eq!(files, on_disk, "every suite's pin file has a row");
}
