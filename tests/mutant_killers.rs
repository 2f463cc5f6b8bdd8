//! Tests written to kill the mutants `cargo mutants` found surviving the other suites (see
//! "Mutation testing" in the README). Each test names the mutant it kills.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use chrono::{DateTime, TimeDelta, Utc};
use live_lifecycle::ids::AccountId;
use live_lifecycle::pull_to_push::{
    CreateLivePullToPushRequest, DeleteLivePullToPushRequest, TaskEvent,
};
use live_lifecycle::time::parse_utc;
use live_lifecycle::{Change, Config, Engine, Event};

const REGION: &str = "cn-shanghai";

fn at(text: &str) -> DateTime<Utc> {
    parse_utc(text).unwrap()
}

fn account() -> AccountId {
    AccountId::try_from("1234567890123456").unwrap()
}

fn live_req() -> CreateLivePullToPushRequest {
    CreateLivePullToPushRequest {
        region: Some(REGION.into()),
        start_time: Some("2030-01-01T10:00:00Z".into()),
        end_time: Some("2030-01-01T12:00:00Z".into()),
        source_type: Some("live".into()),
        source_protocol: Some("rtmp".into()),
        source_urls: Some(vec!["rtmp://src.example.com/live/s".into()]),
        dst_url: Some("rtmp://push.example.com/live/s".into()),
        ..Default::default()
    }
}

/// The log of a task created and deleted at 09:00, then a `Removed` event dated `removed_at`.
fn log_with_removal(removed_at: DateTime<Utc>) -> Vec<Event> {
    let mut engine = Engine::new(Config::default());
    let now = at("2030-01-01T09:00:00Z");
    let created = engine
        .create_live_pull_to_push(&account(), &live_req(), now)
        .unwrap();
    let delete = DeleteLivePullToPushRequest {
        task_id: Some(created.task_id.to_string()),
        region: Some(REGION.into()),
    };
    engine
        .delete_live_pull_to_push(&account(), &delete, now)
        .unwrap();
    let mut log = engine.drain_events();
    assert_eq!(log.len(), 2, "Created, Deleted");
    log.push(Event {
        account: account(),
        at: removed_at,
        change: Change::PullToPush(TaskEvent::Removed {
            task_id: created.task_id,
        }),
    });
    log
}

/// Kills `src/pull_to_push/task.rs: replace < with > in Task::due`. The engine only asks
/// `due` at a task's exact deadline, where `<` and `>` agree; replay is where a `Removed`
/// event can come dated before the retention ends, and it must be refused.
#[test]
fn replay_refuses_a_removal_before_the_retention_ends() {
    let deleted = at("2030-01-01T09:00:00Z");
    let retention = TimeDelta::days(7);

    let early = log_with_removal(deleted + retention - TimeDelta::seconds(1));
    let err = Engine::replay(Config::default(), &early)
        .map(|_| ())
        .unwrap_err();
    assert_eq!(err.index, 2);
    assert_eq!(err.error.code(), "InternalError");

    // Dated at the end of the retention, or any time after, the removal applies.
    for removed_at in [
        deleted + retention,
        deleted + retention + TimeDelta::days(1),
    ] {
        let log = log_with_removal(removed_at);
        let engine = Engine::replay(Config::default(), &log).unwrap();
        assert_eq!(engine.next_deadline(), None, "nothing left at {removed_at}");
    }
}

fn edge_create(input: &str, output: &str) -> live_lifecycle::edge::CreateEdgeTranscodeJobRequest {
    live_lifecycle::edge::CreateEdgeTranscodeJobRequest {
        cluster_id: Some("cluster-1".into()),
        name: Some("news".into()),
        template_id: Some("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c02".into()),
        stream_input: Some(input.into()),
        stream_output: Some(output.into()),
    }
}

/// Kills `src/stream_url.rs: delete match arm ["rtmp", "rtmps", "srt"] in parse` and
/// `delete match arm ["rtmp", "rtmps"] in parse`: a wrong scheme names the accepted ones.
#[test]
fn a_wrong_scheme_names_the_schemes_the_field_accepts() {
    let good = "rtmp://ingest.example.com/live/news";
    // The edge fields' schemes are the crate's reading: a strict engine's rule.
    let e = edge_create("http://ingest.example.com/live/news", good)
        .validate_with(true)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("must be an rtmp://, rtmps:// or srt:// URL"),
        "{e}"
    );
    let e = edge_create(good, "srt://push.example.com:9000")
        .validate_with(true)
        .unwrap_err();
    assert!(
        e.to_string().contains("must be an rtmp:// or rtmps:// URL"),
        "{e}"
    );
}

/// Kills `src/stream_url.rs: replace || with && in parse`: a user name alone, without a
/// password, is refused too.
#[test]
fn a_user_name_without_a_password_is_refused() {
    let good = "rtmp://push.example.com/live/news_hd";
    for bad in [
        "rtmp://user@ingest.example.com/live/news",
        "rtmp://user:pass@ingest.example.com/live/news",
        "rtmp://@ingest.example.com/live/news",
    ] {
        let e = edge_create(bad, good).validate_with(true).unwrap_err();
        assert!(
            e.to_string()
                .contains("must not carry a user name or password"),
            "{bad}: {e}"
        );
    }
}

/// The message of a pull-to-push URL refused by a strict engine (which refuses all a default
/// one does, and the crate's inferences), by field.
fn p2p_refusal(req: CreateLivePullToPushRequest) -> String {
    req.validate_with(at("2030-01-01T09:00:00Z"), true)
        .unwrap_err()
        .to_string()
}

/// Kills `src/stream_url.rs: delete match arm` for `["rtmp"]`, `["http", "https"]`,
/// `["rtsp"]` and `["srt"]` in `parse`: each URL field's refusal names the schemes it takes.
#[test]
fn each_url_field_names_the_schemes_it_accepts() {
    let cases = [
        (
            CreateLivePullToPushRequest {
                dst_url: Some("rtmps://push.example.com/live/s".into()),
                ..live_req()
            },
            "must be an rtmp:// URL",
        ),
        (
            CreateLivePullToPushRequest {
                callback_url: Some("ftp://hooks.example.com/p2p".into()),
                ..live_req()
            },
            "must be an http:// or https:// URL",
        ),
        (
            CreateLivePullToPushRequest {
                source_protocol: Some("rtsp".into()),
                source_urls: Some(vec!["rtmp://src.example.com/live/s".into()]),
                ..live_req()
            },
            "must be an rtsp:// URL",
        ),
        (
            CreateLivePullToPushRequest {
                source_protocol: Some("srt".into()),
                source_urls: Some(vec!["rtmp://src.example.com/live/s".into()]),
                ..live_req()
            },
            "must be an srt:// URL",
        ),
    ];
    for (req, expected) in cases {
        let message = p2p_refusal(req);
        assert!(message.contains(expected), "{message}");
    }
}

/// Written for `src/stream_url.rs: replace || with && in parse` (the user-part check, since
/// reduced to one condition): the URL parser reads a user name from `https:/user@host`, where
/// no `//` follows the scheme; such a URL is refused.
#[test]
fn a_user_name_the_parser_finds_without_a_double_slash_is_refused() {
    for callback in [
        "https:/user@hooks.example.com/p2p",
        "https:\\\\user:pass@hooks.example.com/p2p",
        "http:@hooks.example.com/p2p",
    ] {
        let message = p2p_refusal(CreateLivePullToPushRequest {
            callback_url: Some(callback.into()),
            ..live_req()
        });
        assert!(
            message.contains("must be written scheme://host"),
            "{callback}: {message}"
        );
    }
}

/// Written for `src/pull_to_push/request.rs: replace > with >= in fuzzy`, when the filter had
/// a length: a TaskName filter longer than the longest name a strict engine stores only finds
/// nothing, so no engine refuses it (docs/fidelity.md); a control character is refused.
#[test]
fn a_task_name_filter_of_the_longest_name_is_accepted() {
    use live_lifecycle::pull_to_push::{DescribeLivePullToPushListRequest, MAX_TASK_NAME_CHARS};
    let filter = |name: String| DescribeLivePullToPushListRequest {
        region: Some(REGION.into()),
        task_name: Some(name),
        ..Default::default()
    };
    for strict in [false, true] {
        for chars in [MAX_TASK_NAME_CHARS, MAX_TASK_NAME_CHARS + 1] {
            assert!(filter("é".repeat(chars)).validate_with(strict).is_ok());
        }
        let refused = filter("é\u{7}".into()).validate_with(strict).unwrap_err();
        assert!(refused.to_string().contains("TaskName"), "{refused}");
    }
}

/// Written for `src/time.rs: replace wire::option::deserialize with Ok(None)`: an optional
/// time that is present reads back as that time, not as absent.
#[test]
fn an_optional_wire_time_that_is_present_reads_back() {
    use live_lifecycle::edge::JobView;
    let json = r#"{"CreateTime":"2023-07-24T16:44:55Z","JobId":"j1","Name":"my_job","Status":"1",
      "StreamInput":"rtmp://a/b/c","StreamOutput":"rtmp://d/e/f","TemplateId":"t1",
      "TemplateName":"my_template","Type":"common","LastStartAt":"2023-07-25T01:02:03Z"}"#;
    let job: JobView = serde_json::from_str(json).unwrap();
    assert_eq!(job.last_start_at, Some(at("2023-07-25T01:02:03Z")));
    assert_eq!(job.last_stop_at, None);
}

/// A snapshot of one account with one running job, as JSON, and the account.
fn one_running_job() -> (serde_json::Value, String) {
    use live_lifecycle::edge::{CreateEdgeTranscodeJobRequest, StartEdgeTranscodeJobRequest};
    let mut engine = Engine::new(Config::default());
    let now = at("2030-01-01T00:00:00Z");
    let job_id = engine
        .create_edge_transcode_job(
            &account(),
            &CreateEdgeTranscodeJobRequest {
                cluster_id: Some("c1".into()),
                name: Some("news".into()),
                template_id: Some("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01".into()),
                stream_input: Some("rtmp://in.example.com/live/a".into()),
                stream_output: Some("rtmp://out.example.com/live/a".into()),
            },
            now,
        )
        .unwrap()
        .job_id
        .to_string();
    let start = StartEdgeTranscodeJobRequest {
        cluster_id: Some("c1".into()),
        job_id: Some(job_id),
    };
    engine
        .start_edge_transcode_job(&account(), &start, now)
        .unwrap();
    assert!(engine.state().invariants_hold());
    let json = serde_json::to_value(engine.snapshot()).unwrap();
    (json, account().to_string())
}

fn holds(json: serde_json::Value) -> bool {
    serde_json::from_value::<live_lifecycle::Snapshot>(json)
        .unwrap()
        .state
        .invariants_hold()
}

/// Written for `src/edge/store.rs: replace EdgeStore::counts_hold with true` and its `&&`
/// mutants: a loaded state whose job count or running count disagrees with the jobs it holds
/// fails the invariants, each disagreement on its own.
#[test]
fn edge_store_invariants_notice_each_disagreement() {
    let (json, acct) = one_running_job();
    assert!(holds(json.clone()));
    let edge = |j: &mut serde_json::Value| j["state"]["accounts"][&acct]["edge"].take();
    for tamper in ["jobs", "running"] {
        let mut broken = json.clone();
        let mut store = edge(&mut broken);
        match tamper {
            "jobs" => store["jobs"] = 2.into(),
            _ => store["running"] = 0.into(),
        }
        broken["state"]["accounts"][&acct]["edge"] = store;
        assert!(!holds(broken), "{tamper}");
    }
}

/// The snapshot of an engine holding one task, as JSON, and the task's id.
fn one_task() -> (serde_json::Value, String) {
    let mut engine = Engine::new(Config::default());
    let now = at("2030-01-01T09:00:00Z");
    let task = engine
        .create_live_pull_to_push(&account(), &live_req(), now)
        .unwrap()
        .task_id
        .to_string();
    let json = serde_json::to_value(engine.snapshot()).unwrap();
    (json, task)
}

/// Written for `src/pull_to_push/store.rs: replace TaskStore::counts_hold with true` and its
/// `&&` and `<` mutants: a loaded state whose destination index misses a live task, names
/// another task for it, or holds a task whose window is empty fails the invariants.
#[test]
fn task_store_invariants_notice_each_disagreement() {
    let (json, task) = one_task();
    let acct = account().to_string();
    assert!(holds(json.clone()));
    for tamper in ["no destination", "another holder", "empty window"] {
        let mut broken = json.clone();
        let store = &mut broken["state"]["accounts"][&acct]["tasks"];
        match tamper {
            "no destination" => store["destinations"] = serde_json::json!({}),
            "another holder" => {
                let dst = store["tasks"][&task]["spec"]["dst_url"].clone();
                store["destinations"] =
                    serde_json::json!({ dst.as_str().unwrap(): "another-task" });
            }
            _ => {
                let start = store["tasks"][&task]["spec"]["start"].clone();
                store["tasks"][&task]["spec"]["end"] = start;
            }
        }
        assert!(!holds(broken), "{tamper}");
    }
}

/// README, Behaviour notes, "Snapshots": a snapshot whose task map files a task under
/// another id does not load at all (the table is keyed by each task's own id).
#[test]
fn a_snapshot_filing_a_task_under_another_id_does_not_load() {
    let (json, task) = one_task();
    assert!(serde_json::from_value::<live_lifecycle::Snapshot>(json.clone()).is_ok());
    let mut broken = json;
    let tasks = &mut broken["state"]["accounts"][account().as_str()]["tasks"]["tasks"];
    let entry = tasks[&task].take();
    *tasks = serde_json::json!({ "another-id": entry });
    let err = serde_json::from_value::<live_lifecycle::Snapshot>(broken).unwrap_err();
    assert!(err.to_string().contains("filed under"), "{err}");
}

/// Written for `src/engine.rs: replace Engine::config -> &Config with a leaked default`: an
/// engine reports the configuration it was built or restored with.
#[test]
fn an_engine_reports_its_own_configuration() {
    let config = Config {
        host_id: "live.example.internal".into(),
        ..Config::default()
    };
    let engine = Engine::new(config.clone());
    assert_eq!(engine.config(), &config);
    let restored = Engine::restore(config.clone(), engine.snapshot());
    assert_eq!(restored.config(), &config);
}

/// Written for `src/engine.rs: replace State::rebuild_timers with ()`: a snapshot restored
/// with another retention schedules the removal of its exited tasks by the new one (the
/// snapshot's own timers follow the old).
#[test]
fn a_restore_schedules_removals_by_the_new_retention() {
    let with_retention = |secs: u32| {
        let mut config = Config::default();
        config.task_limits.exited_retention_secs = secs;
        config
    };
    let mut engine = Engine::new(with_retention(3600));
    engine
        .create_live_pull_to_push(&account(), &live_req(), at("2030-01-01T09:00:00Z"))
        .unwrap();
    // Past EndTime (12:00) the task has exited; it is removed an hour later.
    engine.advance(at("2030-01-01T12:30:00Z"));
    assert_eq!(engine.next_deadline(), Some(at("2030-01-01T13:00:00Z")));
    let restored = Engine::restore(with_retention(7200), engine.snapshot());
    assert_eq!(restored.next_deadline(), Some(at("2030-01-01T14:00:00Z")));
    assert!(restored.state().invariants_hold());
}

/// Written for `src/edge/types.rs`: `From<JobName> for String`, `Display for JobName` and
/// `From<Keyword> for String` returning or printing something else.
#[test]
fn names_and_keywords_convert_to_their_text() {
    use live_lifecycle::edge::{JobName, Keyword};
    let name = JobName::try_from("my_job_1").unwrap();
    assert_eq!(name.to_string(), "my_job_1");
    assert_eq!(String::from(name), "my_job_1");
    assert_eq!(String::from(Keyword::try_from("My_Job").unwrap()), "My_Job");
}

/// Written for `src/pull_to_push/types.rs: replace == with != in <impl Deserialize for
/// TaskStatus>::deserialize`: every status code reads back as its own status.
#[test]
fn every_task_status_reads_back_from_its_code() {
    use live_lifecycle::pull_to_push::TaskStatus;
    for status in TaskStatus::ALL {
        let json = serde_json::to_string(&status).unwrap();
        assert_eq!(serde_json::from_str::<TaskStatus>(&json).unwrap(), status);
    }
    assert!(serde_json::from_str::<TaskStatus>("7").is_err());
}

/// Written for `src/edge/types.rs: replace && with || in contains_ignoring_case`: a name with
/// a character outside ASCII is matched by its Unicode lower case, so the Kelvin sign `K`
/// (U+212A, lower case `k`) matches the filter `KE`; byte by byte it would not.
#[test]
fn a_name_outside_ascii_matches_by_its_unicode_lower_case() {
    use live_lifecycle::pull_to_push::DescribeLivePullToPushListRequest;
    let mut engine = Engine::new(Config::default());
    let now = at("2030-01-01T09:00:00Z");
    let named = CreateLivePullToPushRequest {
        task_name: Some("\u{212A}elvin".into()),
        ..live_req()
    };
    engine
        .create_live_pull_to_push(&account(), &named, now)
        .unwrap();
    let found = |filter: &str, engine: &mut Engine| {
        let req = DescribeLivePullToPushListRequest {
            region: Some(REGION.into()),
            task_name: Some(filter.into()),
            ..Default::default()
        };
        engine
            .describe_live_pull_to_push_list(&account(), &req, now)
            .unwrap()
            .total
    };
    assert_eq!(found("KE", &mut engine), 1);
    assert_eq!(found("elvin", &mut engine), 1);
    assert_eq!(found("kx", &mut engine), 0);
}

/// Written for `src/pull_to_push/source.rs`: the `>`, `>=`, `==`, `-` and `*` mutants of the
/// SourceUrls entry length bound in `check_url_list`, a strict engine's. An entry of exactly
/// 2,000 characters is taken; one more is refused by that bound, with its own message (a URL
/// field's own parser would refuse it too, but with another).
#[test]
fn a_source_url_of_two_thousand_characters_is_the_longest() {
    let url = |chars: usize| {
        let head = "https://cdn.example.com/";
        format!("{head}{}.mp4", "a".repeat(chars - head.len() - 4))
    };
    let url_source = |entry: String| CreateLivePullToPushRequest {
        source_type: Some("url".into()),
        source_urls: Some(vec![entry]),
        source_protocol: None,
        ..live_req()
    };
    let taken = url_source(url(2000)).validate_with(at("2030-01-01T09:00:00Z"), true);
    assert!(taken.is_ok(), "{taken:?}");
    // The docs give SourceUrls entries no length: a default engine takes a longer one.
    let long = url_source(url(2001)).validate(at("2030-01-01T09:00:00Z"));
    assert!(long.is_ok(), "{long:?}");
    let refused = p2p_refusal(url_source(url(2001)));
    assert!(
        refused.contains("entry 0 is longer than 2000 characters"),
        "{refused}"
    );
}

/// Written for `src/pull_to_push/source.rs: replace || with && in media_id`: a VOD media id
/// may hold letters, digits, `-` and `_`, each on its own.
#[test]
fn a_media_id_takes_letters_digits_dashes_and_underscores() {
    let vod = |id: &str| CreateLivePullToPushRequest {
        source_type: Some("vod".into()),
        source_urls: Some(vec![id.into()]),
        source_protocol: None,
        ..live_req()
    };
    for id in ["abc123", "a-b", "a_b", "-", "_", "a-b_c9"] {
        let valid = vod(id).validate_with(at("2030-01-01T09:00:00Z"), true);
        assert!(valid.is_ok(), "{id}");
    }
    for id in ["a.b", "a b", "a/b"] {
        assert!(p2p_refusal(vod(id)).contains("SourceUrls"), "{id}");
    }
}

/// Written for `src/pull_to_push/types.rs: replace <impl From<TaskName> for String>::from`.
#[test]
fn a_task_name_converts_to_its_text() {
    use live_lifecycle::pull_to_push::TaskName;
    let name = TaskName::try_from("夜间 直播 #1").unwrap();
    assert_eq!(String::from(name), "夜间 直播 #1");
}

/// Written for `src/edge/template.rs: replace <impl TryFrom<Vec<Template>> for
/// TemplateCatalogue>::try_from with Ok(Default::default())`: a catalogue built from a list
/// holds that list, and a repeated id is refused.
#[test]
fn a_template_catalogue_holds_the_templates_it_was_built_from() {
    use live_lifecycle::edge::{Template, TemplateCatalogue};
    let one: Template = TemplateCatalogue::default().iter().next().unwrap().clone();
    let built = TemplateCatalogue::try_from(vec![one.clone()]).unwrap();
    let held: Vec<&Template> = built.iter().collect();
    assert_eq!(held, vec![&one]);
    let repeated = TemplateCatalogue::try_from(vec![one.clone(), one.clone()]).unwrap_err();
    assert_eq!(repeated.0, one.template_id);
}

/// Written for `src/ids.rs: replace ^ with | in SeededIds::bits`: the default generator's ids
/// are pinned, so an embedder's recorded ids (and the README's examples) stay valid from one
/// version to the next; another seed gives other ids.
#[test]
fn the_seeded_ids_are_stable() {
    use live_lifecycle::ids::{IdGenerator, IdKind, SeededIds};
    let mut ids = SeededIds::default();
    let drawn: Vec<String> = [IdKind::Job, IdKind::Task, IdKind::Request]
        .into_iter()
        .flat_map(|kind| [ids.generate(kind, 0), ids.generate(kind, 1)])
        .collect();
    assert_eq!(
        drawn,
        [
            "6baaaff026aa5399bdf259a0044ab887",
            "59a337f1613ea9052642a93dfc6978b1",
            "eeea5d90-0841-470a-a7f7-9ed04024049e",
            "3f107654-a840-41a1-85d7-82c86550ba70",
            "244EA03B-14E1-4B25-A961-B4388D8BF639",
            "D5D4E5B7-EF20-4820-9487-21D80FEF85BF",
        ]
    );
    let mut other = SeededIds::new(7);
    assert_eq!(
        other.generate(IdKind::Task, 0),
        "e6c33d74-87f5-4928-86c8-cf6e8e2d690f"
    );
}

/// Ids compare by their text whether or not they share it (`==`, `cmp` and `hash` take a
/// shortcut for clones of one id, see `src/ids.rs`), and a clone equals its original.
#[test]
fn ids_compare_by_text_shared_or_not() {
    use live_lifecycle::ids::TaskId;
    use std::hash::{BuildHasher, RandomState};
    let one = TaskId::try_from("abc").unwrap();
    let same = TaskId::try_from(String::from("abc")).unwrap();
    let next = TaskId::try_from("abd").unwrap();
    let shared = one.clone();
    assert!(one == same && one == shared && one != next && next != same);
    assert_eq!(one.cmp(&same), std::cmp::Ordering::Equal);
    assert_eq!(one.cmp(&shared), std::cmp::Ordering::Equal);
    assert!(one < next && next > same && one.partial_cmp(&next).is_some_and(|o| o.is_lt()));
    let hasher = RandomState::new();
    assert_eq!(hasher.hash_one(&one), hasher.hash_one("abc"));
    assert_eq!(hasher.hash_one(&same), hasher.hash_one(&shared));
}

/// Written for `src/auth/mod.rs: replace Scheme::algorithm` (tested only in doctests, which a
/// mutation run does not build) and `src/auth/keys.rs: replace <impl KeyStore for BTreeMap>::
/// credential with None`: the algorithm names as requests spell them, and a `BTreeMap` key
/// store finds its keys as a `HashMap` one does.
#[cfg(feature = "auth")]
#[test]
fn auth_names_its_algorithms_and_a_btree_map_holds_keys() {
    use live_lifecycle::auth::{Credential, KeyStore, Scheme};
    use std::collections::{BTreeMap, HashMap};
    assert_eq!(Scheme::V3.algorithm(), "ACS3-HMAC-SHA256");
    assert_eq!(Scheme::V1.algorithm(), "HMAC-SHA1");
    let credential = Credential::new("TestAccessKeySecret0123456789abc", account());
    let btree = BTreeMap::from([("LTAI-test".to_owned(), credential.clone())]);
    let hash: HashMap<String, Credential> = btree.clone().into_iter().collect();
    for store in [&btree as &dyn KeyStore, &hash] {
        assert!(store.credential("LTAI-test") == Some(credential.clone()));
        assert!(store.credential("LTAI-other").is_none());
    }
}

/// Written for `src/timers.rs: replace Timers::iter with an empty iterator`: a snapshot whose
/// timer names a task that does not exist (or that no timer names) fails the invariants, even
/// with as many timers as tasks.
#[test]
fn state_invariants_notice_a_timer_of_no_task() {
    let mut engine = Engine::new(Config::default());
    let now = at("2030-01-01T09:00:00Z");
    engine
        .create_live_pull_to_push(&account(), &live_req(), now)
        .unwrap();
    let json = serde_json::to_value(engine.snapshot()).unwrap();
    assert!(holds(json.clone()));
    let timer = json["state"]["timers"][0].clone();
    assert_eq!(timer[1], account().to_string());
    for (at, who, id) in [
        (timer[0].clone(), timer[1].clone(), "no-such-task".into()),
        (timer[0].clone(), "1001".into(), timer[2].clone()),
    ] {
        let mut broken = json.clone();
        broken["state"]["timers"] = serde_json::json!([[at, who, id]]);
        assert!(!holds(broken), "{at} {who} {id}");
    }
}
