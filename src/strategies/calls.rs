//! Call sequences against a live engine: [`Call`], the [`calls`] strategy, and the
//! [`Session`] that runs them, resolving each call's target among the jobs and tasks the
//! sequence has created so far.

use chrono::{DateTime, TimeDelta, Utc};
use proptest::collection::SizeRange;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;

use super::request::Names;
use super::{Outcome, Request, edge, fields, pull_to_push};
use crate::Engine;
use crate::ids::{AccountId, TaskId};
use crate::pull_to_push::{ReportError, StreamReport};
use crate::time::{format_utc, parse_utc};

/// Which job or task a call names, resolved by the [`Session`] when the call runs.
///
/// ```
/// use live_lifecycle::strategies::Target;
/// let t = Target::Generated;
/// assert!(matches!(t, Target::Generated));
/// ```
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// The ids the request was generated with: almost surely nothing exists there.
    Generated,
    /// A job or task the session created earlier (the index is taken modulo how many there
    /// are), with its `ClusterId` or `Region`; the ids as generated if there is none yet.
    Existing(Index),
    /// The id of an existing job or task, but the `ClusterId` or `Region` as generated:
    /// usually another place, where it is not found, except that an Update asks to move a
    /// task to that region.
    ExistingId(Index),
}

/// One step of a sequence: a typed request, time passing, or a stream report.
///
/// ```
/// use live_lifecycle::strategies::{Call, Request, Target};
/// let list = Call::Request {
///     request: Request::from(live_lifecycle::edge::ListEdgeTranscodeJobRequest {
///         cluster_id: Some("c1".into()),
///         ..Default::default()
///     }),
///     target: Target::Generated,
/// };
/// assert_eq!(list.request().map(Request::action), Some("ListEdgeTranscodeJob"));
/// assert!(Call::Advance(60).request().is_none());
/// ```
// Test data, matched on by users: the request stays inline rather than boxed.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Call {
    /// An operation. Its pull-to-push times were generated relative to the `now` given to
    /// the strategy; the session moves them on by the time it has advanced since.
    Request {
        /// The request, with the ids it was generated with.
        request: Request,
        /// Which job or task it names.
        target: Target,
    },
    /// Time passes by this many seconds ([`Engine::advance`]).
    Advance(u32),
    /// The embedder reports on a task's streams ([`Engine::report_stream`]).
    Report {
        /// The task id as generated (used with [`Target::Generated`]).
        task_id: TaskId,
        /// Which task it is about.
        target: Target,
        /// What happened.
        report: StreamReport,
    },
}

impl Call {
    /// The typed request of an operation; `None` for time and reports.
    ///
    /// ```
    /// use live_lifecycle::strategies::Call;
    /// assert!(Call::Advance(1).request().is_none());
    /// ```
    pub fn request(&self) -> Option<&Request> {
        match self {
            Self::Request { request, .. } => Some(request),
            _ => None,
        }
    }

    /// An operation on no particular resource (a creation, a list).
    pub(crate) fn plain(request: impl Into<Request>) -> Self {
        Self::Request {
            request: request.into(),
            target: Target::Generated,
        }
    }
}

/// The codes that say a call did not find the job or task it named.
const NOT_FOUND: [&str; 2] = ["JobNotFound", "CodeTaskNotExist"];

/// Runs calls against an engine for one account, with its own clock, and keeps what the
/// calls created so that later calls can name it ([`Target::Existing`]).
///
/// It also counts the calls that name a job or task ([`Session::targeted`]) and those that
/// found it ([`Session::found`]): a test can check that its sequences mostly hit something.
///
/// ```
/// use live_lifecycle::strategies::{calls, Session};
/// use live_lifecycle::{Config, Engine};
/// use proptest::strategy::{Strategy, ValueTree};
///
/// let now = "2030-01-01T00:00:00Z".parse().unwrap();
/// let mut runner = proptest::test_runner::TestRunner::deterministic();
/// let sequence = calls(now, 20).new_tree(&mut runner).unwrap().current();
/// let mut engine = Engine::new(Config::default());
/// let mut session = Session::new("1001".try_into().unwrap(), now);
/// for call in &sequence {
///     session.apply(&mut engine, call);
///     assert!(engine.state().invariants_hold());
/// }
/// assert!(session.found() <= session.targeted());
/// ```
#[derive(Debug, Clone)]
pub struct Session {
    account: AccountId,
    origin: DateTime<Utc>,
    now: DateTime<Utc>,
    /// `(JobId, ClusterId)` of each job created and not deleted.
    jobs: Vec<(String, String)>,
    /// `(TaskId, Region)` of each task created and not deleted.
    tasks: Vec<(String, String)>,
    targeted: usize,
    found: usize,
}

impl Session {
    /// A session of `account` whose clock starts at `now`: give [`calls`] the same `now`.
    ///
    /// ```
    /// use live_lifecycle::strategies::Session;
    /// let now = "2030-01-01T00:00:00Z".parse().unwrap();
    /// let session = Session::new("1001".try_into().unwrap(), now);
    /// assert_eq!(session.now(), now);
    /// ```
    pub fn new(account: AccountId, now: DateTime<Utc>) -> Self {
        Self {
            account,
            origin: now,
            now,
            jobs: Vec::new(),
            tasks: Vec::new(),
            targeted: 0,
            found: 0,
        }
    }

    /// The session's clock: its start plus every [`Call::Advance`] so far.
    ///
    /// ```
    /// use live_lifecycle::strategies::{Call, Session};
    /// use live_lifecycle::{Config, Engine};
    /// let mut session = Session::new("1001".try_into().unwrap(), "2030-01-01T00:00:00Z".parse().unwrap());
    /// session.apply(&mut Engine::new(Config::default()), &Call::Advance(90));
    /// assert_eq!(session.now(), "2030-01-01T00:01:30Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap());
    /// ```
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The account every call is made as.
    ///
    /// ```
    /// use live_lifecycle::strategies::Session;
    /// let session = Session::new("1001".try_into().unwrap(), "2030-01-01T00:00:00Z".parse().unwrap());
    /// assert_eq!(session.account().as_str(), "1001");
    /// ```
    pub fn account(&self) -> &AccountId {
        &self.account
    }

    /// How many calls so far named one job or task (operations on one, and stream reports).
    ///
    /// ```
    /// use live_lifecycle::strategies::Session;
    /// let session = Session::new("1001".try_into().unwrap(), "2030-01-01T00:00:00Z".parse().unwrap());
    /// assert_eq!(session.targeted(), 0);
    /// ```
    pub fn targeted(&self) -> usize {
        self.targeted
    }

    /// How many of those found it: the answer was not `JobNotFound` or `CodeTaskNotExist`
    /// (or, for a report, not an unknown task).
    ///
    /// ```
    /// use live_lifecycle::strategies::Session;
    /// let session = Session::new("1001".try_into().unwrap(), "2030-01-01T00:00:00Z".parse().unwrap());
    /// assert_eq!(session.found(), 0);
    /// ```
    pub fn found(&self) -> usize {
        self.found
    }

    /// The call as [`Session::apply`] would send it now: its target resolved to the ids of
    /// an existing job or task, its pull-to-push times moved on by the time the session has
    /// advanced, and [`Target::Generated`].
    ///
    /// ```
    /// use live_lifecycle::strategies::{Call, Session};
    /// let session = Session::new("1001".try_into().unwrap(), "2030-01-01T00:00:00Z".parse().unwrap());
    /// assert!(matches!(session.resolve(&Call::Advance(5)), Call::Advance(5)));
    /// ```
    pub fn resolve(&self, call: &Call) -> Call {
        match call {
            Call::Advance(secs) => Call::Advance(*secs),
            Call::Request { request, target } => {
                let request = self.shifted(request);
                let request = match self.pick(request.names(), *target) {
                    Some((id, place)) => request.naming(id, place),
                    None => request,
                };
                Call::Request {
                    request,
                    target: Target::Generated,
                }
            }
            Call::Report {
                task_id,
                target,
                report,
            } => {
                let task_id = self
                    .pick(Names::Task, *target)
                    .and_then(|(id, _)| TaskId::try_from(id).ok())
                    .unwrap_or_else(|| task_id.clone());
                Call::Report {
                    task_id,
                    target: Target::Generated,
                    report: *report,
                }
            }
        }
    }

    /// Runs one call against `engine`, as the session's account at the session's clock, and
    /// remembers what it created or deleted.
    ///
    /// ```
    /// use live_lifecycle::strategies::{Call, Outcome, Session, Target};
    /// use live_lifecycle::{Config, Engine, pull_to_push::StreamReport};
    /// let mut engine = Engine::new(Config::default());
    /// let mut session = Session::new("1001".try_into().unwrap(), "2030-01-01T00:00:00Z".parse().unwrap());
    /// let report = Call::Report {
    ///     task_id: "nope".try_into().unwrap(),
    ///     target: Target::Generated,
    ///     report: StreamReport::PullFailed,
    /// };
    /// assert!(!session.apply(&mut engine, &report).is_success());
    /// assert_eq!((session.targeted(), session.found()), (1, 0));
    /// ```
    pub fn apply(&mut self, engine: &mut Engine, call: &Call) -> Outcome {
        match self.resolve(call) {
            Call::Advance(secs) => {
                self.now = self
                    .now
                    .checked_add_signed(TimeDelta::seconds(i64::from(secs)))
                    .unwrap_or(self.now);
                Outcome::Advanced(engine.advance(self.now))
            }
            Call::Report {
                task_id, report, ..
            } => {
                let result = engine.report_stream(&self.account, &task_id, report, self.now);
                self.targeted += 1;
                if result != Err(ReportError::UnknownTask) {
                    self.found += 1;
                }
                Outcome::Reported(result)
            }
            Call::Request { request, .. } => {
                let outcome = request.apply(engine, &self.account, self.now);
                if request.names() != Names::Nothing {
                    self.targeted += 1;
                    if outcome.code().is_none_or(|code| !NOT_FOUND.contains(&code)) {
                        self.found += 1;
                    }
                }
                if let Some(body) = outcome.body() {
                    self.remember(&request, body);
                }
                outcome
            }
        }
    }

    /// Keeps track of what a successful call created, moved or deleted.
    fn remember(&mut self, request: &Request, body: &Value) {
        let text = |field: &str| {
            request
                .fields()
                .get(field)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let answered = |field: &str| body.get(field).and_then(Value::as_str).map(str::to_owned);
        match request {
            Request::CreateEdgeTranscodeJob(_) => {
                if let (Some(job), Some(cluster)) = (answered("JobId"), text("ClusterId")) {
                    self.jobs.push((job, cluster));
                }
            }
            Request::DeleteEdgeTranscodeJob(_) => {
                let gone = (text("JobId"), text("ClusterId"));
                self.jobs
                    .retain(|(j, c)| (Some(j), Some(c)) != (gone.0.as_ref(), gone.1.as_ref()));
            }
            Request::CreateLivePullToPush(_) => {
                if let (Some(task), Some(region)) = (answered("TaskId"), text("Region")) {
                    self.tasks.push((task, region));
                }
            }
            Request::UpdateLivePullToPush(_) => {
                if let (Some(id), Some(region)) = (text("TaskId"), text("Region")) {
                    for task in self.tasks.iter_mut().filter(|(t, _)| *t == id) {
                        task.1.clone_from(&region);
                    }
                }
            }
            Request::DeleteLivePullToPush(_) => {
                if let Some(id) = text("TaskId") {
                    self.tasks.retain(|(t, _)| *t != id);
                }
            }
            _ => {}
        }
    }

    /// The id, and the cluster or region if the target keeps it, of the resource `target`
    /// picks; `None` for [`Target::Generated`] or when there is nothing to pick.
    fn pick(&self, names: Names, target: Target) -> Option<(&str, Option<&str>)> {
        let held = match names {
            Names::Job => &self.jobs,
            Names::Task => &self.tasks,
            Names::Nothing => return None,
        };
        let (index, keep_place) = match target {
            Target::Generated => return None,
            Target::Existing(index) => (index, true),
            Target::ExistingId(index) => (index, false),
        };
        if held.is_empty() {
            return None;
        }
        let (id, place) = held.get(index.index(held.len()))?;
        Some((id.as_str(), keep_place.then_some(place.as_str())))
    }

    /// The request with its StartTime and EndTime moved on by the time the session has
    /// advanced since it began.
    fn shifted(&self, request: &Request) -> Request {
        let elapsed = self.now - self.origin;
        if elapsed.is_zero() {
            return request.clone();
        }
        let mut fields = request.fields();
        let mut moved = false;
        for name in ["StartTime", "EndTime"] {
            let later = fields
                .get(name)
                .and_then(Value::as_str)
                .and_then(|text| parse_utc(text).ok())
                .and_then(|time| time.checked_add_signed(elapsed));
            if let Some(later) = later {
                fields.insert(name.to_owned(), Value::from(format_utc(&later)));
                moved = true;
            }
        }
        if moved {
            request
                .with_fields(fields)
                .unwrap_or_else(|| request.clone())
        } else {
            request.clone()
        }
    }
}

/// A task id that is valid as an id (and names no task of a fresh engine).
pub(crate) fn task_id() -> BoxedStrategy<TaskId> {
    fields::resource_id()
        .prop_filter_map("a valid task id", |id| TaskId::try_from(id).ok())
        .boxed()
}

/// Mostly a job or task the session holds, sometimes only its id, sometimes none.
fn target() -> BoxedStrategy<Target> {
    prop_oneof![
        8 => any::<Index>().prop_map(Target::Existing),
        1 => any::<Index>().prop_map(Target::ExistingId),
        1 => Just(Target::Generated),
    ]
    .boxed()
}

fn on_target<R: Into<Request> + std::fmt::Debug + 'static>(
    requests: BoxedStrategy<R>,
) -> BoxedStrategy<Call> {
    (requests, target())
        .prop_map(|(request, target)| Call::Request {
            request: request.into(),
            target,
        })
        .boxed()
}

fn plain<R: Into<Request> + std::fmt::Debug + 'static>(
    requests: BoxedStrategy<R>,
) -> BoxedStrategy<Call> {
    requests.prop_map(Call::plain).boxed()
}

fn report() -> BoxedStrategy<StreamReport> {
    prop_oneof![
        2 => Just(StreamReport::PullFailed),
        1 => Just(StreamReport::PushFailed),
        1 => Just(StreamReport::Failed),
        3 => Just(StreamReport::Recovered),
        1 => (0..3u32, 0..=3600u32)
            .prop_map(|(file_index, offset)| StreamReport::Position { file_index, offset }),
        1 => Just(StreamReport::FileEnded),
    ]
    .boxed()
}

fn advance() -> BoxedStrategy<u32> {
    prop_oneof![
        6 => 0..=60u32,
        3 => 60..=3600u32,
        1 => 3600..=2 * 86_400u32,
    ]
    .boxed()
}

/// One call of a sequence starting at `now`: a valid request of any of the 16 operations
/// (those on one job or task mostly aimed at an existing one), time passing (mostly
/// seconds to an hour, sometimes days), or a stream report on a task.
///
/// ```
/// use live_lifecycle::strategies::call;
/// use proptest::strategy::{Strategy, ValueTree};
/// let now = "2030-01-01T00:00:00Z".parse().unwrap();
/// let mut runner = proptest::test_runner::TestRunner::deterministic();
/// let one = call(now).new_tree(&mut runner).unwrap().current();
/// if let Some(request) = one.request() {
///     assert!(request.validate(now).is_ok());
/// }
/// ```
pub fn call(now: DateTime<Utc>) -> BoxedStrategy<Call> {
    let reports =
        (task_id(), target(), report()).prop_map(|(task_id, target, report)| Call::Report {
            task_id,
            target,
            report,
        });
    prop_oneof![
        3 => plain(edge::create_edge_transcode_job()),
        2 => on_target(edge::get_edge_transcode_job()),
        1 => plain(edge::list_edge_transcode_job()),
        2 => on_target(edge::update_edge_transcode_job()),
        3 => on_target(edge::start_edge_transcode_job()),
        3 => on_target(edge::stop_edge_transcode_job()),
        1 => on_target(edge::delete_edge_transcode_job()),
        1 => plain(edge::get_edge_transcode_template()),
        1 => plain(edge::list_edge_transcode_template()),
        3 => plain(pull_to_push::create_live_pull_to_push(now)),
        2 => on_target(pull_to_push::update_live_pull_to_push(now)),
        1 => on_target(pull_to_push::delete_live_pull_to_push()),
        2 => on_target(pull_to_push::describe_live_pull_to_push()),
        1 => plain(pull_to_push::describe_live_pull_to_push_list()),
        3 => on_target(pull_to_push::stop_live_pull_to_push()),
        3 => on_target(pull_to_push::restart_live_pull_to_push()),
        3 => advance().prop_map(Call::Advance),
        5 => reports,
    ]
    .boxed()
}

/// Sequences of `len` calls starting at `now`, for a [`Session`] started at the same `now`:
/// the first two calls create a job and a task (in either order), so that the calls after
/// them have something to aim at.
///
/// ```
/// use live_lifecycle::strategies::calls;
/// use proptest::strategy::{Strategy, ValueTree};
/// let now = "2030-01-01T00:00:00Z".parse().unwrap();
/// let mut runner = proptest::test_runner::TestRunner::deterministic();
/// let sequence = calls(now, 1..10).new_tree(&mut runner).unwrap().current();
/// assert!((1..10).contains(&sequence.len()));
/// ```
pub fn calls(now: DateTime<Utc>, len: impl Into<SizeRange>) -> BoxedStrategy<Vec<Call>> {
    let creates = (
        plain(edge::create_edge_transcode_job()),
        plain(pull_to_push::create_live_pull_to_push(now)),
        any::<bool>(),
    )
        .prop_map(
            |(job, task, task_first)| {
                if task_first { [task, job] } else { [job, task] }
            },
        );
    (creates, proptest::collection::vec(call(now), len.into()))
        .prop_map(|(creates, mut sequence)| {
            for (slot, create) in sequence.iter_mut().zip(creates) {
                *slot = create;
            }
            sequence
        })
        .boxed()
}
