//! Calls that fail with a chosen kind of error: [`Invalid`], the [`Scenario`] that shows
//! it, and the [`invalid`] strategy.

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Value, json};

use super::calls::task_id;
use super::fields::{self, at};
use super::{Call, Outcome, Request, Session, Target, edge, pull_to_push, valid_request};
use crate::Engine;
use crate::ids::AccountId;
use crate::operation::Action;
use crate::pull_to_push::{Region, StreamReport};

/// A kind of invalid call, by the error it must get.
///
/// ```
/// use live_lifecycle::strategies::Invalid;
/// assert_eq!(Invalid::Missing.codes(), ["MissingParameter"]);
/// assert_eq!(Invalid::ALL.len(), 4);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Invalid {
    /// A required parameter absent or empty: `MissingParameter`, on any of the 16
    /// operations.
    Missing,
    /// A parameter present but breaking its rule (or a rule between fields that
    /// `InvalidParameter` reports): `InvalidParameter`, on any of the 16 operations.
    Malformed,
    /// A pull-to-push Create or Update whose window is not valid at `now`:
    /// `InvalidParam.CodeIllegalDuration`.
    IllegalDuration,
    /// A call on a job or task in a state that refuses it: `OperationDenied` (edge),
    /// `CodeTaskHasStopped` or `CodeTaskHasStarted` (pull-to-push). Only a sequence can
    /// show it: the scenario's setup brings the job or task into that state.
    WrongState,
}

impl Invalid {
    /// Every kind.
    ///
    /// ```
    /// use live_lifecycle::strategies::Invalid;
    /// assert_eq!(Invalid::ALL[0], Invalid::Missing);
    /// ```
    pub const ALL: [Self; 4] = [
        Self::Missing,
        Self::Malformed,
        Self::IllegalDuration,
        Self::WrongState,
    ];

    /// The codes a call of this kind fails with.
    ///
    /// ```
    /// use live_lifecycle::strategies::Invalid;
    /// assert!(Invalid::WrongState.codes().contains(&"OperationDenied"));
    /// ```
    pub fn codes(self) -> &'static [&'static str] {
        match self {
            Self::Missing => &["MissingParameter"],
            Self::Malformed => &["InvalidParameter"],
            Self::IllegalDuration => &["InvalidParam.CodeIllegalDuration"],
            Self::WrongState => &[
                "OperationDenied",
                "CodeTaskHasStopped",
                "CodeTaskHasStarted",
            ],
        }
    }
}

/// Calls that end in one refused call: `setup` (empty but for [`Invalid::WrongState`])
/// brings the engine where `call` fails with `code`.
///
/// ```
/// use live_lifecycle::strategies::{invalid, Invalid};
/// use live_lifecycle::{Config, Engine};
/// use proptest::strategy::{Strategy, ValueTree};
///
/// let now = "2030-01-01T00:00:00Z".parse().unwrap();
/// let mut runner = proptest::test_runner::TestRunner::deterministic();
/// let scenario = invalid(Invalid::WrongState, now).new_tree(&mut runner).unwrap().current();
/// let mut engine = Engine::new(Config::default());
/// let outcome = scenario.run(&mut engine, &"1001".try_into().unwrap(), now);
/// assert_eq!(outcome.code(), Some(scenario.code));
/// ```
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The calls before, each of which succeeds on a fresh engine.
    pub setup: Vec<Call>,
    /// The call that fails.
    pub call: Call,
    /// The code it fails with, one of its kind's [`Invalid::codes`].
    pub code: &'static str,
}

impl Scenario {
    fn single(request: Request, code: &'static str) -> Self {
        Self {
            setup: Vec::new(),
            call: Call::plain(request),
            code,
        }
    }

    /// Runs the setup and then the call in a new [`Session`] of `account` starting at
    /// `now` (the `now` the scenario was generated for); the call's outcome. On an engine
    /// with the default configuration where the account holds nothing yet, it is a refusal
    /// with [`Scenario::code`].
    ///
    /// ```
    /// use live_lifecycle::strategies::{invalid, Invalid};
    /// use live_lifecycle::{Config, Engine};
    /// use proptest::strategy::{Strategy, ValueTree};
    ///
    /// let now = "2030-01-01T00:00:00Z".parse().unwrap();
    /// let mut runner = proptest::test_runner::TestRunner::deterministic();
    /// let scenario = invalid(Invalid::Missing, now).new_tree(&mut runner).unwrap().current();
    /// assert!(scenario.setup.is_empty());
    /// let outcome = scenario.run(&mut Engine::new(Config::default()), &"1001".try_into().unwrap(), now);
    /// assert_eq!(outcome.code(), Some("MissingParameter"));
    /// ```
    pub fn run(&self, engine: &mut Engine, account: &AccountId, now: DateTime<Utc>) -> Outcome {
        let mut session = Session::new(account.clone(), now);
        for call in &self.setup {
            session.apply(engine, call);
        }
        session.apply(engine, &self.call)
    }
}

/// Scenarios of `kind` at `now`: for [`Invalid::Missing`] and [`Invalid::Malformed`] one
/// valid request of any of the 16 operations with one field removed (or sent empty) or
/// broken; for [`Invalid::IllegalDuration`] a valid pull-to-push Create or Update with a
/// window that breaks a rule (on Create also one longer than the default seven days, which
/// only the engine refuses: `validate` passes it); for [`Invalid::WrongState`] a job or task
/// created, brought into a state, then called with what that state refuses.
///
/// ```
/// use live_lifecycle::strategies::{invalid, Invalid};
/// use proptest::strategy::{Strategy, ValueTree};
///
/// let now = "2030-01-01T00:00:00Z".parse().unwrap();
/// let mut runner = proptest::test_runner::TestRunner::deterministic();
/// let scenario = invalid(Invalid::Malformed, now).new_tree(&mut runner).unwrap().current();
/// let err = scenario.call.request().unwrap().validate(now).unwrap_err();
/// assert_eq!(err.code(), "InvalidParameter");
/// ```
pub fn invalid(kind: Invalid, now: DateTime<Utc>) -> BoxedStrategy<Scenario> {
    match kind {
        Invalid::Missing => missing(now),
        Invalid::Malformed => malformed(now),
        Invalid::IllegalDuration => illegal_duration(now),
        Invalid::WrongState => wrong_state(now),
    }
}

/// The parameters a request must carry, in the order of its operation table.
fn required(request: &Request) -> Vec<&'static str> {
    match request {
        Request::CreateEdgeTranscodeJob(_) => vec![
            "ClusterId",
            "Name",
            "TemplateId",
            "StreamInput",
            "StreamOutput",
        ],
        Request::GetEdgeTranscodeJob(_)
        | Request::UpdateEdgeTranscodeJob(_)
        | Request::StartEdgeTranscodeJob(_)
        | Request::StopEdgeTranscodeJob(_)
        | Request::DeleteEdgeTranscodeJob(_) => vec!["ClusterId", "JobId"],
        Request::ListEdgeTranscodeJob(_) | Request::ListEdgeTranscodeTemplate(_) => {
            vec!["ClusterId"]
        }
        Request::GetEdgeTranscodeTemplate(_) => vec!["ClusterId", "TemplateId"],
        Request::CreateLivePullToPush(r) => {
            let mut names = vec![
                "Region",
                "StartTime",
                "EndTime",
                "SourceType",
                "SourceUrls",
                "DstUrl",
            ];
            if r.source_type.as_deref() == Some("live") {
                names.push("SourceProtocol");
            }
            names
        }
        Request::UpdateLivePullToPush(_)
        | Request::DeleteLivePullToPush(_)
        | Request::DescribeLivePullToPush(_)
        | Request::StopLivePullToPush(_)
        | Request::RestartLivePullToPush(_) => vec!["TaskId", "Region"],
        Request::DescribeLivePullToPushList(_) => vec!["Region"],
    }
}

fn missing(now: DateTime<Utc>) -> BoxedStrategy<Scenario> {
    (valid_request(now), any::<Index>(), any::<bool>())
        .prop_filter_map("a required field to remove", |(request, pick, empty)| {
            let required = required(&request);
            if required.is_empty() {
                return None;
            }
            let field = *required.get(pick.index(required.len()))?;
            let mut fields = request.fields();
            // An empty list is a malformed list; the wire reads an empty value as
            // absent, but the typed field cannot hold one.
            if empty && field != "SourceUrls" {
                fields.insert(field.to_owned(), Value::from(""));
            } else {
                fields.remove(field);
            }
            let request = request.with_fields(fields)?;
            Some(Scenario::single(request, "MissingParameter"))
        })
        .boxed()
}

/// Broken values of `param` for this request: the parameter's own rules, and for a
/// pull-to-push Create the rules between fields that also answer `InvalidParameter`. Only
/// what an engine with the default configuration refuses.
fn broken(request: &Request, param: &'static str) -> BoxedStrategy<Value> {
    let own = fields::bad_value(request.action(), param);
    let Request::CreateLivePullToPush(create) = request else {
        return own;
    };
    let files = create.source_urls.as_ref().map_or(0, Vec::len);
    let files = i64::try_from(files).unwrap_or(i64::MAX);
    match (param, create.source_type.as_deref()) {
        ("SourceUrls", Some("live")) => prop_oneof![
            own,
            Just(json!([
                "rtmp://a.example.com/live/s",
                "rtmp://b.example.com/live/s"
            ])),
            Just(json!(["ftp://a.example.com/live/s"])),
        ]
        .boxed(),
        ("SourceUrls", Some("vod")) => prop_oneof![own, Just(json!(["has space"]))].boxed(),
        ("SourceUrls", Some("url")) => prop_oneof![
            own,
            Just(json!(["https://h.example.com/a.mov"])),
            Just(json!(["rtmp://h.example.com/live/s"])),
        ]
        .boxed(),
        // On a live source FileIndex does nothing, so only a playlist's can name no file.
        ("FileIndex", Some("vod" | "url")) => {
            prop_oneof![own, (files..files.saturating_add(5)).prop_map(Value::from)].boxed()
        }
        _ => own,
    }
}

/// Whether the request's operation ignores `param` whatever it holds: `SourceProtocol` of a
/// Create whose source is not live (the docs: "ignored for vod/url").
fn ignored(request: &Request, param: &str) -> bool {
    matches!(
        request,
        Request::CreateLivePullToPush(create)
            if param == "SourceProtocol" && create.source_type.as_deref() != Some("live")
    )
}

fn malformed(now: DateTime<Utc>) -> BoxedStrategy<Scenario> {
    (valid_request(now), any::<Index>())
        .prop_flat_map(|(request, pick)| {
            let params: Vec<&'static str> = Action::from_name(request.action())
                .map_or(&[][..], Action::params)
                .iter()
                .copied()
                .filter(|param| !ignored(&request, param))
                .collect();
            let param = if params.is_empty() {
                "ClusterId"
            } else {
                params
                    .get(pick.index(params.len()))
                    .copied()
                    .unwrap_or("ClusterId")
            };
            let bad = broken(&request, param);
            (Just(request), Just(param), bad)
        })
        .prop_filter_map("a field to break", |(request, param, value)| {
            let mut fields = request.fields();
            fields.insert(param.to_owned(), value);
            let request = request.with_fields(fields)?;
            Some(Scenario::single(request, "InvalidParameter"))
        })
        .boxed()
}

fn illegal_duration(now: DateTime<Utc>) -> BoxedStrategy<Scenario> {
    const CODE: &str = "InvalidParam.CodeIllegalDuration";
    let create = (
        pull_to_push::create_live_pull_to_push(now),
        fields::illegal_window(true),
    )
        .prop_map(move |(mut request, (start, end))| {
            request.start_time = Some(at(now, start));
            request.end_time = Some(at(now, end));
            Scenario::single(request.into(), CODE)
        });
    let times = prop_oneof![
        fields::illegal_window(false).prop_map(|(start, end)| (Some(start), end)),
        (0..=7 * 86_400i64).prop_map(|ago| (None, -ago)),
    ];
    let update = (pull_to_push::update_live_pull_to_push(now), times).prop_map(
        move |(mut request, (start, end))| {
            request.start_time = start.map(|s| at(now, s));
            request.end_time = Some(at(now, end));
            Scenario::single(request.into(), CODE)
        },
    );
    prop_oneof![create, update].boxed()
}

/// A call on the job or task the setup made (the only one, so any index finds it).
fn on_it(request: impl Into<Request>, index: Index) -> Call {
    Call::Request {
        request: request.into(),
        target: Target::Existing(index),
    }
}

/// A job not started asked to stop, or a running one asked to start or to change. (A strict
/// engine also refuses to delete a running job; a default one deletes it.)
fn edge_denied() -> BoxedStrategy<Scenario> {
    (
        edge::create_edge_transcode_job(),
        0..3u8,
        edge::start_edge_transcode_job(),
        edge::stop_edge_transcode_job(),
        edge::update_edge_transcode_job(),
        any::<Index>(),
    )
        .prop_map(|(create, which, start, stop, update, index)| {
            let started = vec![Call::plain(create.clone()), on_it(start.clone(), index)];
            let (setup, call) = match which {
                0 => (vec![Call::plain(create)], on_it(stop, index)),
                1 => (started, on_it(start, index)),
                _ => (started, on_it(update, index)),
            };
            Scenario {
                setup,
                call,
                code: "OperationDenied",
            }
        })
        .boxed()
}

/// Valid creations of a task that starts at once (StartTime up to an hour past) and ends
/// within a day; `retries` keeps RetryCount above 0, so a fault leaves it retrying.
fn running_task(now: DateTime<Utc>, retries: bool) -> BoxedStrategy<Call> {
    (
        pull_to_push::create_live_pull_to_push(now),
        0..=3600i64,
        60..=86_400i64,
    )
        .prop_map(move |(mut request, back, ahead)| {
            request.start_time = Some(at(now, -back));
            request.end_time = Some(at(now, ahead));
            if retries && request.retry_count == Some(0) {
                request.retry_count = None;
            }
            Call::plain(request)
        })
        .boxed()
}

fn fault() -> BoxedStrategy<StreamReport> {
    prop_oneof![
        Just(StreamReport::PullFailed),
        Just(StreamReport::PushFailed),
        Just(StreamReport::Failed),
    ]
    .boxed()
}

fn task_stopped(now: DateTime<Utc>) -> BoxedStrategy<Scenario> {
    (
        running_task(now, false),
        any::<bool>(),
        pull_to_push::stop_live_pull_to_push(),
        task_id(),
        fault(),
        any::<Index>(),
    )
        .prop_map(|(create, by_fault, stop, task_id, report, index)| {
            let stopping = if by_fault {
                // RetryCount 0: the first fault stops the task.
                let create = match create {
                    Call::Request { request, target } => {
                        let mut fields = request.fields();
                        fields.insert("RetryCount".to_owned(), Value::from(0));
                        let request = request.with_fields(fields).unwrap_or(request);
                        Call::Request { request, target }
                    }
                    other => other,
                };
                vec![
                    create,
                    Call::Report {
                        task_id,
                        target: Target::Existing(index),
                        report,
                    },
                ]
            } else {
                vec![create, on_it(stop.clone(), index)]
            };
            Scenario {
                setup: stopping,
                call: on_it(stop, index),
                code: "CodeTaskHasStopped",
            }
        })
        .boxed()
}

fn task_started(now: DateTime<Utc>) -> BoxedStrategy<Scenario> {
    (
        running_task(now, true),
        any::<bool>(),
        task_id(),
        fault(),
        pull_to_push::update_live_pull_to_push(now),
        any::<Index>(),
    )
        .prop_map(
            move |(create, retrying, task_id, report, mut update, index)| {
                let touches_more = update.start_time.is_some()
                    || update.end_time.is_some()
                    || update.source_urls.is_some()
                    || update.offset.is_some()
                    || update.file_index.is_some();
                if !touches_more {
                    update.end_time = Some(at(now, 3600));
                }
                let mut setup = vec![create];
                if retrying {
                    setup.push(Call::Report {
                        task_id,
                        target: Target::Existing(index),
                        report,
                    });
                }
                Scenario {
                    setup,
                    call: on_it(update, index),
                    code: "CodeTaskHasStarted",
                }
            },
        )
        .boxed()
}

/// A stopped task asked to move to another region.
fn task_moved(now: DateTime<Utc>) -> BoxedStrategy<Scenario> {
    (
        running_task(now, false),
        pull_to_push::stop_live_pull_to_push(),
        pull_to_push::update_live_pull_to_push(now),
        1..Region::ALL.len(),
        any::<Index>(),
    )
        .prop_map(|(create, stop, mut update, step, index)| {
            let here = create.request().and_then(|r| {
                r.fields()
                    .get("Region")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            });
            let at_here = Region::ALL
                .iter()
                .position(|r| Some(r.as_str()) == here.as_deref());
            let there = Region::ALL
                .get((at_here.unwrap_or(0) + step) % Region::ALL.len())
                .map(|r| r.as_str().to_owned());
            update.region = there;
            Scenario {
                setup: vec![create, on_it(stop, index)],
                call: Call::Request {
                    request: update.into(),
                    target: Target::ExistingId(index),
                },
                code: "CodeTaskHasStarted",
            }
        })
        .boxed()
}

fn wrong_state(now: DateTime<Utc>) -> BoxedStrategy<Scenario> {
    prop_oneof![
        2 => edge_denied(),
        1 => task_stopped(now),
        1 => task_started(now),
        1 => task_moved(now),
    ]
    .boxed()
}
