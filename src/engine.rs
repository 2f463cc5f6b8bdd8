//! The engine: owns all state, routes each call to its family, records what changed.
//!
//! Calls run in one fixed order: validate the request (missing → malformed → cross-field),
//! check the account's entitlement, look the resource up (not found), check its state
//! (wrong state), check quotas, then plan the change as an [`Event`] and apply it. Nothing is
//! written before the last check has passed, so a refused call leaves the state as it was.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Map;
use crate::edge::response::{DeleteBody, GetJobBody, JobIdBody};
use crate::edge::{
    CreateEdgeTranscodeJobRequest, DeleteEdgeTranscodeJobRequest, DeleteResponse, EdgeEvent,
    EdgeLimits, EdgeStore, GetEdgeTranscodeJobRequest, GetEdgeTranscodeTemplateRequest,
    GetJobResponse, GetTemplateResponse, JobIdResponse, JobKey, JobList,
    ListEdgeTranscodeJobRequest, ListEdgeTranscodeTemplateRequest, ListJobsResponse,
    ListTemplatesResponse, StartEdgeTranscodeJobRequest, StopEdgeTranscodeJobRequest,
    TemplateCatalogue, TemplateList, UpdateEdgeTranscodeJobRequest,
};
use crate::error::{ApiError, Rejection};
use crate::ids::{AccountId, IdGenerator, IdKind, JobId, RequestId, SeededIds, TaskId};
use crate::pull_to_push::{
    Callback, CreateLivePullToPushRequest, CreateTaskResponse, DeleteLivePullToPushRequest,
    DescribeLivePullToPushListRequest, DescribeLivePullToPushRequest, DescribeTaskListResponse,
    DescribeTaskResponse, ReportError, RestartLivePullToPushRequest, RetResponse, Row,
    StopLivePullToPushRequest, StreamReport, Task, TaskEvent, TaskIdResponse, TaskLimits,
    TaskStore, UpdateLivePullToPushRequest,
};
use crate::throttle::{Counters, Throttle};
use crate::timers::{Timer, Timers};

/// Which accounts may use a service.
///
/// ```
/// use live_lifecycle::Access;
/// let only = Access::Only(["1001".try_into().unwrap()].into());
/// assert!(only.allows(&"1001".try_into().unwrap()));
/// assert!(!only.allows(&"1002".try_into().unwrap()));
/// assert!(Access::Everyone.allows(&"1002".try_into().unwrap()));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Access {
    /// Every account.
    #[default]
    Everyone,
    /// Only these accounts; the others get `Forbidden`.
    Only(BTreeSet<AccountId>),
}

impl Access {
    /// Whether `account` may use the service.
    ///
    /// ```
    /// # use live_lifecycle::Access;
    /// assert!(!Access::Only(Default::default()).allows(&"1".try_into().unwrap()));
    /// ```
    pub fn allows(&self, account: &AccountId) -> bool {
        self.allows_text(account.as_str())
    }

    /// [`Access::allows`] for an account id's text.
    fn allows_text(&self, account: &str) -> bool {
        match self {
            Self::Everyone => true,
            Self::Only(accounts) => accounts.contains(account),
        }
    }
}

/// Everything an engine is built with.
///
/// ```
/// use live_lifecycle::Config;
/// let config = Config::default();
/// assert_eq!(config.host_id, "live.aliyuncs.com");
/// assert_eq!(config.edge_limits.max_jobs, 500);
/// assert_eq!(config.task_limits.max_tasks, 100);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// The edge transcoding templates (read-only through the API).
    pub templates: TemplateCatalogue,
    /// Per-account job quotas of the edge family.
    pub edge_limits: EdgeLimits,
    /// Who is entitled to edge transcoding (others get `Forbidden`, 403).
    pub edge_access: Access,
    /// Per-account limits and clocks of the pull-to-push family.
    pub task_limits: TaskLimits,
    /// Which accounts have activated ApsaraVideo Live (others get `LiveServiceNotFound`, 400,
    /// on every pull-to-push call).
    pub live_service: Access,
    /// Which accounts have a live domain name (others get `CodeInvalidAliUid`, 400, on every
    /// pull-to-push call).
    pub live_domains: Access,
    /// The rate limits of the RPC wire ([`Engine::handle_rpc`]).
    pub throttle: Throttle,
    /// The `HostId` of error bodies.
    pub host_id: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            templates: TemplateCatalogue::default(),
            edge_limits: EdgeLimits::default(),
            edge_access: Access::Everyone,
            task_limits: TaskLimits::default(),
            live_service: Access::Everyone,
            live_domains: Access::Everyone,
            throttle: Throttle::default(),
            host_id: "live.aliyuncs.com".to_owned(),
        }
    }
}

/// One account's resources, with the account's own id (which events share): a call finds
/// the account and its id in one lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct AccountState {
    #[serde(skip)]
    id: AccountId,
    edge: EdgeStore,
    tasks: TaskStore,
}

/// The stored form of an [`AccountState`]: its id is the key it is stored under.
#[derive(Deserialize)]
struct AccountData {
    edge: EdgeStore,
    tasks: TaskStore,
}

impl AccountState {
    fn new(id: AccountId) -> Self {
        Self {
            id,
            edge: EdgeStore::default(),
            tasks: TaskStore::default(),
        }
    }
}

/// All resources of all accounts: what a snapshot holds and what equality compares.
///
/// ```
/// use live_lifecycle::{Config, Engine};
/// let engine = Engine::new(Config::default());
/// assert_eq!(engine.state(), &live_lifecycle::State::default());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "StateData")]
pub struct State {
    accounts: Map<AccountId, AccountState>,
    /// How many job ids have been drawn: the next job id is the generator's `seq`-th.
    jobs_created: u64,
    /// How many task ids have been drawn.
    tasks_created: u64,
    /// One entry per task: when it next changes on its own. Derived from the tasks and the
    /// configured retention; kept in snapshots so a state reads back equal, and rebuilt on
    /// restore so it follows the configuration the engine is restored with.
    timers: Timers,
}

/// A [`State`] as a snapshot holds it: the timers without the tasks' creation numbers,
/// which are read back from the tasks.
#[derive(Deserialize)]
struct StateData {
    accounts: Map<AccountId, AccountData>,
    jobs_created: u64,
    #[serde(default)]
    tasks_created: u64,
    #[serde(default)]
    timers: Vec<(DateTime<Utc>, AccountId, TaskId)>,
}

impl From<StateData> for State {
    fn from(data: StateData) -> Self {
        let accounts: Map<AccountId, AccountState> = data
            .accounts
            .into_iter()
            .map(|(id, a)| {
                let state = AccountState {
                    id: id.clone(),
                    edge: a.edge,
                    tasks: a.tasks,
                };
                (id, state)
            })
            .collect();
        let timers = data
            .timers
            .into_iter()
            .map(|(at, account, id)| {
                // A timer of no task (a tampered snapshot) keeps its place at the end of its
                // second, where `invariants_hold` finds it.
                let (seq, row) = accounts
                    .get(&account)
                    .and_then(|a| a.tasks.placed(&id))
                    .unwrap_or((u64::MAX, Row::NONE));
                Timer::new(at, seq, account, row)
            })
            .collect();
        Self {
            accounts,
            jobs_created: data.jobs_created,
            tasks_created: data.tasks_created,
            timers,
        }
    }
}

/// A state is written with its timers as `[deadline, account, task id]` triples, the
/// snapshot shape from before timers held only the task's creation number and row: each
/// task's id is read from the task the timer points at. A timer that points at no task
/// (only a tampered snapshot's, which fails `invariants_hold`) is not written.
impl Serialize for State {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = s.serialize_struct("State", 4)?;
        out.serialize_field("accounts", &self.accounts)?;
        out.serialize_field("jobs_created", &self.jobs_created)?;
        out.serialize_field("tasks_created", &self.tasks_created)?;
        out.serialize_field("timers", &TimerTriples(self))?;
        out.end()
    }
}

/// The state's timers, as a snapshot writes them.
struct TimerTriples<'a>(&'a State);

impl Serialize for TimerTriples<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.timers.iter().filter_map(|timer| {
            let task = self.0.timer_task(timer)?;
            Some((&timer.at, &timer.account, task.id()))
        }))
    }
}

impl State {
    /// Whether the state's internal counts agree with what it stores. Always true for a state
    /// built by an engine; the property tests assert it after every step.
    ///
    /// ```
    /// assert!(live_lifecycle::State::default().invariants_hold());
    /// ```
    pub fn invariants_hold(&self) -> bool {
        let tasks: usize = self.accounts.values().map(|a| a.tasks.len()).sum();
        self.accounts
            .iter()
            .all(|(id, a)| &a.id == id && a.edge.counts_hold() && a.tasks.counts_hold())
            && self.timers.len() == tasks
            && self
                .timers
                .iter()
                .all(|timer| self.timer_task(timer).is_some())
    }

    /// The task `timer` is for: in its row, with its creation number.
    fn timer_task(&self, timer: &Timer) -> Option<&Task> {
        let tasks = &self.accounts.get(&timer.account)?.tasks;
        tasks.timed(timer.row, timer.seq)
    }

    /// Applies one event, all or nothing, and returns the callback it calls for, if any.
    /// `row` is where a task event's task is stored, if the caller knows (a timer does).
    fn apply(
        &mut self,
        event: &Event,
        limits: &TaskLimits,
        row: Option<Row>,
    ) -> Result<Option<Callback>, ApiError> {
        match &event.change {
            Change::Edge(change) => {
                self.in_account(&event.account, |a| a.edge.apply(change, event.at))?;
                if let EdgeEvent::JobCreated { job, .. } = change {
                    self.jobs_created = self.jobs_created.max(job.seq.saturating_add(1));
                }
                Ok(None)
            }
            Change::PullToPush(change) => {
                self.apply_task(&event.account, change, event.at, limits, row)
            }
        }
    }

    /// Runs `apply` on the account's state, or on a new one that is kept only if `apply`
    /// succeeds: an empty store refuses every event but a creation, and a refused event
    /// leaves no empty account behind.
    fn in_account<T>(
        &mut self,
        account: &AccountId,
        apply: impl FnOnce(&mut AccountState) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        if let Some(a) = self.accounts.get_mut(account) {
            return apply(a);
        }
        let mut a = AccountState::new(account.clone());
        let applied = apply(&mut a)?;
        self.accounts.insert(account.clone(), a);
        Ok(applied)
    }

    /// Applies one task event; `row` is where the task is stored, if the caller knows.
    fn apply_task(
        &mut self,
        account: &AccountId,
        change: &TaskEvent,
        at: DateTime<Utc>,
        limits: &TaskLimits,
        row: Option<Row>,
    ) -> Result<Option<Callback>, ApiError> {
        let retention = limits.retention();
        let applied = self.in_account(account, |a| a.tasks.apply(change, at, retention, row))?;
        let timer = |at| Timer::new(at, applied.seq, account.clone(), applied.row);
        if let Some(before) = applied.before {
            self.timers.remove(&timer(before));
        }
        if let Some(after) = applied.after {
            self.timers.insert(timer(after));
        }
        if let TaskEvent::Created { task } = change {
            self.tasks_created = self.tasks_created.max(task.seq.saturating_add(1));
        }
        let Some(state) = applied.entered else {
            return Ok(None);
        };
        let task = self
            .accounts
            .get(account)
            .and_then(|a| a.tasks.task_at(applied.row));
        Ok(task.and_then(|task| Callback::for_task(account, task, state, at)))
    }

    /// Points every job at the catalogue's shared template choices (after a restore or a
    /// replay, each job holds a copy of its own).
    fn share_templates(&mut self, catalogue: &TemplateCatalogue) {
        self.accounts
            .values_mut()
            .for_each(|a| a.edge.share_templates(catalogue));
    }

    /// Rebuilds the timer queue from the tasks (after a restore).
    fn rebuild_timers(&mut self, limits: &TaskLimits) {
        let retention = limits.retention();
        self.timers = self
            .accounts
            .iter()
            .flat_map(|(account, a)| {
                a.tasks
                    .deadlines(retention)
                    .map(move |(task, row, at)| Timer::new(at, task.seq(), account.clone(), row))
            })
            .collect();
    }

    /// The first timer due at or before `now`, with the event it fires.
    fn next_due(
        &self,
        now: DateTime<Utc>,
        limits: &TaskLimits,
    ) -> Option<(Timer, Option<TaskEvent>)> {
        let timer = self.timers.first().filter(|t| t.at <= now)?;
        let event = self.accounts.get(&timer.account).and_then(|a| {
            a.tasks
                .due(timer.row, timer.seq, timer.at, limits.retention())
        });
        Some((timer.clone(), event))
    }
}

/// A change the engine made, with who made it and when: the unit of the event log.
///
/// ```
/// use live_lifecycle::{Change, Event, edge::EdgeEvent};
/// let e = Event {
///     account: "1001".try_into().unwrap(),
///     at: "2024-01-01T00:00:00Z".parse().unwrap(),
///     change: Change::Edge(EdgeEvent::JobStopped {
///         cluster_id: "c1".try_into().unwrap(),
///         job_id: "j1".try_into().unwrap(),
///     }),
/// };
/// let back: Event = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
/// assert_eq!(back, e);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The account whose resources changed.
    pub account: AccountId,
    /// The `now` of the call.
    pub at: DateTime<Utc>,
    /// What changed.
    pub change: Change,
}

/// What changed, by family.
///
/// ```
/// use live_lifecycle::{Change, edge::EdgeEvent};
/// let c = Change::Edge(EdgeEvent::JobDeleted {
///     cluster_id: "c1".try_into().unwrap(), job_id: "j1".try_into().unwrap() });
/// assert!(matches!(c, Change::Edge(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Change {
    /// An edge transcoding job changed.
    Edge(EdgeEvent),
    /// A pull-to-push task changed: by a call, by time, or by a stream report.
    PullToPush(TaskEvent),
}

/// Everything needed to rebuild an engine: its state and how many request ids it has issued.
///
/// ```
/// use live_lifecycle::{Config, Engine, Snapshot};
/// let engine = Engine::new(Config::default());
/// let json = serde_json::to_string(&engine.snapshot()).unwrap();
/// let back: Snapshot = serde_json::from_str(&json).unwrap();
/// let restored = Engine::restore(Config::default(), back);
/// assert_eq!(restored.state(), engine.state());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// All resources.
    pub state: State,
    /// How many request ids have been issued.
    pub requests_answered: u64,
}

/// An event of a log could not be applied: the log does not belong to this engine's history.
///
/// ```
/// use live_lifecycle::{Change, Config, Engine, Event, edge::EdgeEvent};
/// let stray = Event {
///     account: "1001".try_into().unwrap(),
///     at: "2024-01-01T00:00:00Z".parse().unwrap(),
///     change: Change::Edge(EdgeEvent::JobStarted {
///         cluster_id: "c1".try_into().unwrap(), job_id: "nope".try_into().unwrap() }),
/// };
/// let err = Engine::replay(Config::default(), [&stray]).unwrap_err();
/// assert_eq!(err.index, 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event {index} of the log cannot be applied: {error}")]
pub struct ReplayError {
    /// Position of the event in the log.
    pub index: usize,
    /// Why it could not be applied.
    pub error: ApiError,
}

/// The most room [`Engine::drain_events`] and [`Engine::drain_callbacks`] leave behind, in
/// entries: a server's tick's worth (320 KB of events), without holding on to a burst's.
const DRAIN_ROOM: usize = 4096;

/// Everything in `buffer`, which is left empty with room for as many, up to [`DRAIN_ROOM`].
fn drained<T>(buffer: &mut Vec<T>) -> Vec<T> {
    let room = buffer.len().min(DRAIN_ROOM);
    std::mem::replace(buffer, Vec::with_capacity(room))
}

/// The sans-IO core: all state, every operation, no I/O, no clock, no randomness.
///
/// Every call takes the caller's account and `now`; ids come from the engine's
/// [`IdGenerator`] (deterministic by default). Each successful change is recorded as an
/// [`Event`], to be taken with [`Engine::drain_events`].
///
/// ```
/// use live_lifecycle::{Config, Engine, edge::*};
///
/// let mut engine = Engine::new(Config::default());
/// let account = "1001".try_into().unwrap();
/// let now = "2024-01-01T00:00:00Z".parse().unwrap();
/// let created = engine
///     .create_edge_transcode_job(&account, &CreateEdgeTranscodeJobRequest {
///         cluster_id: Some("cluster-1".into()),
///         name: Some("my_job".into()),
///         template_id: Some("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01".into()),
///         stream_input: Some("rtmp://mydomain/app/stream1".into()),
///         stream_output: Some("rtmp://testdomain/app/stream2".into()),
///     }, now)
///     .unwrap();
/// let start = StartEdgeTranscodeJobRequest {
///     cluster_id: Some("cluster-1".into()),
///     job_id: Some(created.job_id.to_string()),
/// };
/// engine.start_edge_transcode_job(&account, &start, now).unwrap();
/// let again = engine.start_edge_transcode_job(&account, &start, now).unwrap_err();
/// assert_eq!((again.code(), again.http_status()), ("OperationDenied", 403));
/// assert_eq!(engine.drain_events().len(), 2);
/// ```
#[derive(Debug)]
pub struct Engine {
    pub(crate) config: Config,
    ids: Ids,
    state: State,
    requests_answered: u64,
    pub(crate) events: Vec<Event>,
    pub(crate) callbacks: Vec<Callback>,
    /// The wire's rate counters: transient, so neither compared nor snapshotted.
    pub(crate) throttle: Counters,
    /// Where the wire draws request ids, reused from call to call.
    request_id: String,
}

impl Engine {
    /// An empty engine with the default, seeded id generator.
    ///
    /// ```
    /// let engine = live_lifecycle::Engine::new(live_lifecycle::Config::default());
    /// assert!(engine.state().invariants_hold());
    /// ```
    pub fn new(config: Config) -> Self {
        Self::with_ids(config, Ids::Seeded(SeededIds::default()))
    }

    /// An empty engine that takes its ids from `ids`.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, ids::SeededIds};
    /// let engine = Engine::with_id_generator(Config::default(), Box::new(SeededIds::new(42)));
    /// # drop(engine);
    /// ```
    pub fn with_id_generator(config: Config, ids: Box<dyn IdGenerator>) -> Self {
        Self::with_ids(config, Ids::Custom(ids))
    }

    fn with_ids(config: Config, ids: Ids) -> Self {
        Self {
            config,
            ids,
            state: State::default(),
            requests_answered: 0,
            events: Vec::new(),
            callbacks: Vec::new(),
            throttle: Counters::default(),
            request_id: String::with_capacity(64),
        }
    }

    /// The configuration the engine was built with.
    ///
    /// ```
    /// let engine = live_lifecycle::Engine::new(live_lifecycle::Config::default());
    /// assert_eq!(engine.config().host_id, "live.aliyuncs.com");
    /// ```
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// All resources, for comparison and inspection.
    ///
    /// ```
    /// let engine = live_lifecycle::Engine::new(live_lifecycle::Config::default());
    /// let before = engine.state().clone();
    /// assert_eq!(engine.state(), &before);
    /// ```
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Takes the events recorded since the last call, oldest first. The log starts again
    /// with room for as many, up to 4,096, so calls that come at a steady rate
    /// between drains record their events without growing it: an emptied log grew by
    /// doubling again, each step a copy into memory not yet touched (a fifth of a typed
    /// Start + Stop with a million jobs stored, drained every 1,024). A larger burst keeps
    /// no more room than that.
    ///
    /// ```
    /// let mut engine = live_lifecycle::Engine::new(live_lifecycle::Config::default());
    /// assert!(engine.drain_events().is_empty());
    /// ```
    pub fn drain_events(&mut self) -> Vec<Event> {
        drained(&mut self.events)
    }

    /// [`Engine::drain_events`] into a buffer of the caller's, appended to it. Both buffers
    /// keep their room, so a server that drains every tick stops allocating once they have
    /// grown to a tick's worth: with a million tasks stored, growing a fresh buffer of a
    /// thousand events cost more than applying them.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, edge::CreateEdgeTranscodeJobRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = CreateEdgeTranscodeJobRequest {
    ///     cluster_id: Some("cluster-1".into()),
    ///     name: Some("my_job".into()),
    ///     template_id: Some("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01".into()),
    ///     stream_input: Some("rtmp://mydomain/app/stream1".into()),
    ///     stream_output: Some("rtmp://testdomain/app/stream2".into()),
    /// };
    /// let (account, now) = ("1001".try_into().unwrap(), "2030-01-01T00:00:00Z".parse().unwrap());
    /// let mut log = Vec::new();
    /// for _ in 0..2 {
    ///     engine.create_edge_transcode_job(&account, &req, now).unwrap();
    ///     engine.drain_events_into(&mut log);
    /// }
    /// assert_eq!(log.len(), 2);
    /// assert!(engine.drain_events().is_empty());
    /// ```
    pub fn drain_events_into(&mut self, out: &mut Vec<Event>) {
        out.append(&mut self.events);
    }

    /// A copy of everything needed to rebuild this engine.
    ///
    /// ```
    /// let engine = live_lifecycle::Engine::new(live_lifecycle::Config::default());
    /// assert_eq!(engine.snapshot().requests_answered, 0);
    /// ```
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            state: self.state.clone(),
            requests_answered: self.requests_answered,
        }
    }

    /// An engine rebuilt from a snapshot, with the default id generator.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine};
    /// let a = Engine::new(Config::default());
    /// let b = Engine::restore(Config::default(), a.snapshot());
    /// assert_eq!(a.state(), b.state());
    /// ```
    pub fn restore(config: Config, snapshot: Snapshot) -> Self {
        Self::restore_with_ids(config, Ids::Seeded(SeededIds::default()), snapshot)
    }

    /// An engine rebuilt from a snapshot, taking its ids from `ids`.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, ids::SeededIds};
    /// let a = Engine::new(Config::default());
    /// let b = Engine::restore_with_id_generator(Config::default(), Box::new(SeededIds::new(1)), a.snapshot());
    /// assert_eq!(a.state(), b.state());
    /// ```
    pub fn restore_with_id_generator(
        config: Config,
        ids: Box<dyn IdGenerator>,
        snapshot: Snapshot,
    ) -> Self {
        Self::restore_with_ids(config, Ids::Custom(ids), snapshot)
    }

    fn restore_with_ids(config: Config, ids: Ids, snapshot: Snapshot) -> Self {
        let mut state = snapshot.state;
        state.rebuild_timers(&config.task_limits);
        state.share_templates(&config.templates);
        Self {
            config,
            ids,
            state,
            requests_answered: snapshot.requests_answered,
            events: Vec::new(),
            callbacks: Vec::new(),
            throttle: Counters::default(),
            request_id: String::with_capacity(64),
        }
    }

    /// An engine rebuilt by applying an event log to an empty one.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine};
    /// let engine = Engine::replay(Config::default(), []).unwrap();
    /// assert_eq!(engine.state(), &Default::default());
    /// ```
    pub fn replay<'a>(
        config: Config,
        events: impl IntoIterator<Item = &'a Event>,
    ) -> Result<Self, ReplayError> {
        let mut engine = Self::new(config);
        for (index, event) in events.into_iter().enumerate() {
            engine
                .state
                .apply(event, &engine.config.task_limits, None)
                .map_err(|error| ReplayError { index, error })?;
        }
        engine.state.share_templates(&engine.config.templates);
        Ok(engine)
    }

    /// Draws the next request id from the engine's generator, for a reply the engine does not
    /// make itself: an embedder that refuses a call before it reaches the engine (a bad
    /// signature, say) still answers with an id from the same sequence.
    ///
    /// ```
    /// let mut engine = live_lifecycle::Engine::new(live_lifecycle::Config::default());
    /// let id = engine.next_request_id();
    /// assert_eq!(id.len(), 36);
    /// assert_eq!(engine.snapshot().requests_answered, 1);
    /// ```
    pub fn next_request_id(&mut self) -> String {
        // Room for a GUID up front: grown from empty, the string's reserve-and-grow path took
        // a third of the id's cost (an id of the embedder's generator grows as it needs).
        let mut id = String::with_capacity(36);
        draw_request_id(&mut self.ids, &mut self.requests_answered, &mut id);
        id
    }

    /// The next request id for a typed reply (or a refusal), counted like the wire's.
    fn reply_id(&mut self) -> RequestId {
        let seq = count_request(&mut self.requests_answered);
        self.ids.request_id(seq)
    }

    /// A refusal: the error with a fresh request id and the configured host id.
    pub(crate) fn refuse(&mut self, error: ApiError) -> Rejection {
        Rejection {
            request_id: self.reply_id(),
            host_id: self.config.host_id.clone(),
            error,
        }
    }

    /// Runs one call and answers it with a fresh request id, success or refusal. Whatever
    /// falls due up to `now` happens first, and whatever the call makes due at once (a task
    /// created or updated with a StartTime already past) happens right after it.
    fn call<T, R>(
        &mut self,
        now: DateTime<Utc>,
        run: impl FnOnce(&mut Self) -> Result<T, ApiError>,
        ok: impl FnOnce(T, RequestId) -> R,
    ) -> Result<R, Rejection> {
        self.edge_call(
            now,
            |engine| {
                let outcome = run(engine);
                engine.advance(now);
                outcome
            },
            ok,
        )
    }

    /// [`Engine::call`] without the advance after the call, for an edge call, which sets
    /// no timer: nothing can fall due after it that was not due before.
    fn edge_call<T, R>(
        &mut self,
        now: DateTime<Utc>,
        run: impl FnOnce(&mut Self) -> Result<T, ApiError>,
        ok: impl FnOnce(T, RequestId) -> R,
    ) -> Result<R, Rejection> {
        self.advance(now);
        match run(self) {
            Ok(value) => {
                let request_id = self.reply_id();
                Ok(ok(value, request_id))
            }
            Err(error) => Err(self.refuse(error)),
        }
    }

    /// Applies a planned change and records it.
    fn commit(
        &mut self,
        account: &AccountId,
        change: Change,
        at: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        self.commit_in_row(account, change, at, None)
    }

    /// [`Engine::commit`] of a change to the task stored in `row`, if the caller knows where
    /// (a timer does): the task is reached without a lookup by id.
    fn commit_in_row(
        &mut self,
        account: &AccountId,
        change: Change,
        at: DateTime<Utc>,
        row: Option<Row>,
    ) -> Result<(), ApiError> {
        let event = Event {
            account: account.clone(),
            at,
            change,
        };
        let callback = self.state.apply(&event, &self.config.task_limits, row)?;
        self.events.push(event);
        self.callbacks.extend(callback);
        Ok(())
    }

    /// Plans a change against the account's edge store (an empty one if it has none yet).
    fn plan_edge<T>(
        &self,
        account: &AccountId,
        plan: impl FnOnce(&EdgeStore, &Config) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        edge_access(&self.config, account.as_str())?;
        self.plan_in(account, |a| &a.edge, plan)
    }

    /// Runs `plan` against one family's store of the account (an empty one if the account
    /// has none yet: to a plan, an unknown account is one without resources).
    fn plan_in<S: Default, T>(
        &self,
        account: &AccountId,
        family: impl FnOnce(&AccountState) -> &S,
        plan: impl FnOnce(&S, &Config) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        match self.state.accounts.get(account) {
            Some(a) => plan(family(a), &self.config),
            None => plan(&S::default(), &self.config),
        }
    }

    /// Runs a state-changing edge call on the job `key` names: `change` finds the job, checks
    /// it and changes it in place, all checks before the write; the event it returns is
    /// recorded, and what `answer` takes from it returned (the typed replies own a copy of
    /// the job id; the wire's body reads the id from the key, and takes nothing).
    fn change_edge_job<R>(
        &mut self,
        account: &str,
        key: JobKey<'_>,
        now: DateTime<Utc>,
        change: impl FnOnce(&mut EdgeStore, &Config) -> Result<EdgeEvent, ApiError>,
        answer: impl FnOnce(&EdgeEvent) -> R,
    ) -> Result<R, ApiError> {
        edge_access(&self.config, account)?;
        // An account without resources has no job to find.
        let Some(a) = self.state.accounts.get_mut(account) else {
            return Err(key.not_found());
        };
        let event = change(&mut a.edge, &self.config)?;
        let answered = answer(&event);
        self.events.push(Event {
            account: a.id.clone(),
            at: now,
            change: Change::Edge(event),
        });
        Ok(answered)
    }

    /// GetEdgeTranscodeJob for the wire: the body is written straight from the stored job,
    /// the request id straight into the body, so the call allocates nothing but the body.
    pub(crate) fn get_edge_transcode_job_body(
        &mut self,
        account: &str,
        key: Result<JobKey<'_>, ApiError>,
    ) -> Result<String, Rejection> {
        let (state, config) = (&self.state, &self.config);
        let found = key.and_then(|key| {
            edge_access(config, account)?;
            match state.accounts.get(account) {
                Some(a) => a.edge.job(key),
                None => Err(key.not_found()),
            }
        });
        let written = match found {
            Ok((id, job)) => {
                let request_id = draw_request_id(
                    &mut self.ids,
                    &mut self.requests_answered,
                    &mut self.request_id,
                );
                let body = GetJobBody {
                    job: job.body(id),
                    request_id,
                };
                write_body(&body, body.len_unescaped())
            }
            Err(error) => Err(error),
        };
        written.map_err(|error| self.refuse(error))
    }

    /// Start, Stop or Delete of an edge job for the wire: the typed operation, answered with
    /// a body written in place.
    pub(crate) fn change_edge_transcode_job_body(
        &mut self,
        change: KeyChange,
        account: &str,
        key: Result<JobKey<'_>, ApiError>,
        now: DateTime<Utc>,
    ) -> Result<String, Rejection> {
        let outcome = key.and_then(|key| {
            self.change_edge_job(
                account,
                key,
                now,
                |store, config| change.run(store, config, key, now),
                |_| key,
            )
        });
        // No `advance` after the change, as the typed calls make: an edge change sets no
        // timer, and the wire advanced to `now` before the call.
        let written = outcome.and_then(|key| {
            let request_id = draw_request_id(
                &mut self.ids,
                &mut self.requests_answered,
                &mut self.request_id,
            );
            match change {
                KeyChange::Delete => {
                    let body = DeleteBody { request_id };
                    write_body(&body, body.len())
                }
                KeyChange::Start | KeyChange::Stop => {
                    // The key's id is the stored one, byte for byte: it found the job.
                    let body = JobIdBody {
                        job_id: key.job_id,
                        request_id,
                    };
                    Ok(body.to_json())
                }
            }
        });
        written.map_err(|error| self.refuse(error))
    }

    /// CreateEdgeTranscodeJob: a new job, not started.
    ///
    /// Errors: MissingParameter, InvalidParameter, Forbidden, TemplateNotFound,
    /// UserQuotaExceed, InternalError (the id generator made a bad or repeated id).
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, edge::CreateEdgeTranscodeJobRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = CreateEdgeTranscodeJobRequest {
    ///     cluster_id: Some("cluster-1".into()),
    ///     name: Some("my_job".into()),
    ///     template_id: Some("no-such-template".into()),
    ///     stream_input: Some("rtmp://mydomain/app/stream1".into()),
    ///     stream_output: Some("rtmp://testdomain/app/stream2".into()),
    /// };
    /// let err = engine
    ///     .create_edge_transcode_job(&"1001".try_into().unwrap(), &req, "2024-01-01T00:00:00Z".parse().unwrap())
    ///     .unwrap_err();
    /// assert_eq!((err.code(), err.http_status()), ("TemplateNotFound", 404));
    /// ```
    pub fn create_edge_transcode_job(
        &mut self,
        account: &AccountId,
        req: &CreateEdgeTranscodeJobRequest,
        now: DateTime<Utc>,
    ) -> Result<JobIdResponse, Rejection> {
        self.edge_call(
            now,
            |engine| {
                let valid = req.validate()?;
                edge_access(&engine.config, account.as_str())?;
                let empty = EdgeStore::default();
                let store = engine
                    .state
                    .accounts
                    .get(account)
                    .map_or(&empty, |a| &a.edge);
                let seq = engine.state.jobs_created;
                let ids = &mut engine.ids;
                let config = &engine.config;
                let event =
                    store.plan_create(valid, &config.templates, config.edge_limits, || {
                        let text = ids.generate(IdKind::Job, seq);
                        let id = JobId::try_from(text).map_err(|why| ApiError::InternalError {
                            detail: format!("the id generator made an invalid job id ({why})")
                                .into(),
                        })?;
                        Ok((id, seq))
                    })?;
                let EdgeEvent::JobCreated { job, .. } = &event else {
                    return Err(ApiError::InternalError {
                        detail: "a creation planned another change".into(),
                    });
                };
                let job_id = job.id.clone();
                engine.commit(account, Change::Edge(event), now)?;
                Ok(job_id)
            },
            |job_id, request_id| JobIdResponse { job_id, request_id },
        )
    }

    /// GetEdgeTranscodeJob: one job of the account in that cluster.
    ///
    /// Errors: MissingParameter, InvalidParameter, Forbidden, JobNotFound.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, edge::GetEdgeTranscodeJobRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = GetEdgeTranscodeJobRequest { cluster_id: Some("c1".into()), job_id: Some("nope".into()) };
    /// let err = engine.get_edge_transcode_job(&"1001".try_into().unwrap(), &req,
    ///     "2024-01-01T00:00:00Z".parse().unwrap()).unwrap_err();
    /// assert_eq!(err.code(), "JobNotFound");
    /// ```
    pub fn get_edge_transcode_job(
        &mut self,
        account: &AccountId,
        req: &GetEdgeTranscodeJobRequest,
        now: DateTime<Utc>,
    ) -> Result<GetJobResponse, Rejection> {
        self.edge_call(
            now,
            |engine| {
                let key = req.key()?;
                engine.plan_edge(account, |store, _| {
                    store.job(key).map(|(id, job)| job.view(id))
                })
            },
            |job, request_id| GetJobResponse { job, request_id },
        )
    }

    /// ListEdgeTranscodeJob: the account's jobs in one cluster, filtered, sorted by creation
    /// time and paged; only jobs created or operated within the last 180 days.
    ///
    /// Errors: MissingParameter, InvalidParameter, Forbidden.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, edge::ListEdgeTranscodeJobRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = ListEdgeTranscodeJobRequest { cluster_id: Some("c1".into()), ..Default::default() };
    /// let list = engine.list_edge_transcode_job(&"1001".try_into().unwrap(), &req,
    ///     "2024-01-01T00:00:00Z".parse().unwrap()).unwrap();
    /// assert_eq!(list.total_count, 0);
    /// ```
    pub fn list_edge_transcode_job(
        &mut self,
        account: &AccountId,
        req: &ListEdgeTranscodeJobRequest,
        now: DateTime<Utc>,
    ) -> Result<ListJobsResponse, Rejection> {
        self.edge_call(
            now,
            |engine| {
                let q = req.validate()?;
                engine.plan_edge(account, |store, _| Ok(store.list(&q, now)))
            },
            |(total_count, job), request_id| ListJobsResponse {
                job_list: JobList { job },
                request_id,
                total_count,
            },
        )
    }

    /// UpdateEdgeTranscodeJob: changes the given fields of a job that is not running.
    ///
    /// Errors: MissingParameter, InvalidParameter, Forbidden, JobNotFound, OperationDenied
    /// (running), TemplateNotFound.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, edge::UpdateEdgeTranscodeJobRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = UpdateEdgeTranscodeJobRequest {
    ///     cluster_id: Some("c1".into()), job_id: Some("j1".into()), name: Some("new name".into()),
    ///     ..Default::default()
    /// };
    /// let err = engine.update_edge_transcode_job(&"1001".try_into().unwrap(), &req,
    ///     "2024-01-01T00:00:00Z".parse().unwrap()).unwrap_err();
    /// assert_eq!(err.code(), "InvalidParameter"); // a space is not allowed in a name
    /// ```
    pub fn update_edge_transcode_job(
        &mut self,
        account: &AccountId,
        req: &UpdateEdgeTranscodeJobRequest,
        now: DateTime<Utc>,
    ) -> Result<JobIdResponse, Rejection> {
        self.edge_call(
            now,
            |engine| {
                let u = req.validate()?;
                let job = u.job.clone();
                engine.change_edge_job(
                    account.as_str(),
                    job.key(),
                    now,
                    |store, config| store.update(u, &config.templates, now),
                    |event| event.job_id().clone(),
                )
            },
            |job_id, request_id| JobIdResponse { job_id, request_id },
        )
    }

    /// StartEdgeTranscodeJob: a job that is not running starts.
    ///
    /// Errors: MissingParameter, InvalidParameter, Forbidden, JobNotFound, OperationDenied
    /// (already running), UserTaskExceed.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, edge::StartEdgeTranscodeJobRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = StartEdgeTranscodeJobRequest { cluster_id: Some("c1".into()), job_id: None };
    /// let err = engine.start_edge_transcode_job(&"1001".try_into().unwrap(), &req,
    ///     "2024-01-01T00:00:00Z".parse().unwrap()).unwrap_err();
    /// assert_eq!(err.code(), "MissingParameter");
    /// ```
    pub fn start_edge_transcode_job(
        &mut self,
        account: &AccountId,
        req: &StartEdgeTranscodeJobRequest,
        now: DateTime<Utc>,
    ) -> Result<JobIdResponse, Rejection> {
        self.edge_call(
            now,
            |engine| {
                let key = req.key()?;
                engine.change_edge_job(
                    account.as_str(),
                    key,
                    now,
                    |store, config| KeyChange::Start.run(store, config, key, now),
                    |event| event.job_id().clone(),
                )
            },
            |job_id, request_id| JobIdResponse { job_id, request_id },
        )
    }

    /// StopEdgeTranscodeJob: a running job stops (back to not started).
    ///
    /// Errors: MissingParameter, InvalidParameter, Forbidden, JobNotFound, OperationDenied
    /// (not running).
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, edge::StopEdgeTranscodeJobRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = StopEdgeTranscodeJobRequest { cluster_id: Some("c1".into()), job_id: Some("j1".into()) };
    /// let err = engine.stop_edge_transcode_job(&"1001".try_into().unwrap(), &req,
    ///     "2024-01-01T00:00:00Z".parse().unwrap()).unwrap_err();
    /// assert_eq!(err.http_status(), 404);
    /// ```
    pub fn stop_edge_transcode_job(
        &mut self,
        account: &AccountId,
        req: &StopEdgeTranscodeJobRequest,
        now: DateTime<Utc>,
    ) -> Result<JobIdResponse, Rejection> {
        self.edge_call(
            now,
            |engine| {
                let key = req.key()?;
                engine.change_edge_job(
                    account.as_str(),
                    key,
                    now,
                    |store, config| KeyChange::Stop.run(store, config, key, now),
                    |event| event.job_id().clone(),
                )
            },
            |job_id, request_id| JobIdResponse { job_id, request_id },
        )
    }

    /// DeleteEdgeTranscodeJob: removes a job that is not running.
    ///
    /// Errors: MissingParameter, InvalidParameter, Forbidden, JobNotFound, OperationDenied
    /// (running: stop it first).
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, edge::DeleteEdgeTranscodeJobRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = DeleteEdgeTranscodeJobRequest { cluster_id: Some("c1".into()), job_id: Some("j1".into()) };
    /// let err = engine.delete_edge_transcode_job(&"1001".try_into().unwrap(), &req,
    ///     "2024-01-01T00:00:00Z".parse().unwrap()).unwrap_err();
    /// assert_eq!(err.code(), "JobNotFound");
    /// ```
    pub fn delete_edge_transcode_job(
        &mut self,
        account: &AccountId,
        req: &DeleteEdgeTranscodeJobRequest,
        now: DateTime<Utc>,
    ) -> Result<DeleteResponse, Rejection> {
        self.edge_call(
            now,
            |engine| {
                let key = req.key()?;
                engine.change_edge_job(
                    account.as_str(),
                    key,
                    now,
                    |store, config| KeyChange::Delete.run(store, config, key, now),
                    |_| (),
                )
            },
            |_, request_id| DeleteResponse { request_id },
        )
    }

    /// GetEdgeTranscodeTemplate: one template of the catalogue.
    ///
    /// Errors: MissingParameter, InvalidParameter, Forbidden, TemplateNotFound.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, edge::GetEdgeTranscodeTemplateRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = GetEdgeTranscodeTemplateRequest {
    ///     cluster_id: Some("c1".into()),
    ///     template_id: Some("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c08".into()),
    /// };
    /// let t = engine.get_edge_transcode_template(&"1001".try_into().unwrap(), &req,
    ///     "2024-01-01T00:00:00Z".parse().unwrap()).unwrap();
    /// assert_eq!(t.template.resolution, "3840*2160");
    /// ```
    pub fn get_edge_transcode_template(
        &mut self,
        account: &AccountId,
        req: &GetEdgeTranscodeTemplateRequest,
        now: DateTime<Utc>,
    ) -> Result<GetTemplateResponse, Rejection> {
        self.edge_call(
            now,
            |engine| {
                let r = req.validate()?;
                engine.plan_edge(account, |_, config| {
                    config
                        .templates
                        .get(r.template_id.as_str())
                        .cloned()
                        .ok_or_else(|| ApiError::TemplateNotFound {
                            template_id: r.template_id.to_string(),
                        })
                })
            },
            |template, request_id| GetTemplateResponse {
                request_id,
                template,
            },
        )
    }

    /// ListEdgeTranscodeTemplate: the catalogue, filtered, sorted by creation time and paged.
    ///
    /// Errors: MissingParameter, InvalidParameter, Forbidden.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, edge::ListEdgeTranscodeTemplateRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = ListEdgeTranscodeTemplateRequest {
    ///     cluster_id: Some("c1".into()), video_codec: Some("H.265".into()), ..Default::default()
    /// };
    /// let list = engine.list_edge_transcode_template(&"1001".try_into().unwrap(), &req,
    ///     "2024-01-01T00:00:00Z".parse().unwrap()).unwrap();
    /// assert!(list.template_list.template.iter().all(|t| t.codec.as_str() == "H.265"));
    /// ```
    pub fn list_edge_transcode_template(
        &mut self,
        account: &AccountId,
        req: &ListEdgeTranscodeTemplateRequest,
        now: DateTime<Utc>,
    ) -> Result<ListTemplatesResponse, Rejection> {
        self.edge_call(
            now,
            |engine| {
                let q = req.validate()?;
                engine.plan_edge(account, |_, config| Ok(config.templates.list(&q)))
            },
            |(total_count, template), request_id| ListTemplatesResponse {
                request_id,
                template_list: TemplateList { template },
                total_count,
            },
        )
    }

    // ---- time, streams and callbacks ---------------------------------------------------

    /// Applies everything that falls due up to `now`, in time order, each dated at its own
    /// deadline: tasks reaching StartTime start, tasks reaching EndTime exit, retrying tasks
    /// whose retries ran out stop, exited tasks past their retention disappear. Returns how
    /// many transitions it applied. Each reads its task from the row its timer holds and
    /// moves the timer in the queue: the cost follows what is due, not the number of tasks
    /// (a logarithm of it, for the queue). Every call runs this first.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, pull_to_push::*};
    /// let mut engine = Engine::new(Config::default());
    /// let account = "1001".try_into().unwrap();
    /// let req = CreateLivePullToPushRequest {
    ///     region: Some("cn-shanghai".into()),
    ///     start_time: Some("2030-01-01T10:00:00Z".into()),
    ///     end_time: Some("2030-01-01T12:00:00Z".into()),
    ///     source_type: Some("live".into()),
    ///     source_protocol: Some("rtmp".into()),
    ///     source_urls: Some(vec!["rtmp://src.example.com/live/a".into()]),
    ///     dst_url: Some("rtmp://push.example.com/live/a".into()),
    ///     ..Default::default()
    /// };
    /// engine.create_live_pull_to_push(&account, &req, "2030-01-01T09:00:00Z".parse().unwrap()).unwrap();
    /// assert_eq!(engine.next_deadline(), Some("2030-01-01T10:00:00Z".parse().unwrap()));
    /// // Two hours later: the start and the end have both passed, in that order.
    /// assert_eq!(engine.advance("2030-01-01T12:00:00Z".parse().unwrap()), 2);
    /// ```
    pub fn advance(&mut self, now: DateTime<Utc>) -> usize {
        let mut applied = 0;
        while let Some((timer, event)) = self.state.next_due(now, &self.config.task_limits) {
            let committed = match event {
                Some(event) => self.commit_in_row(
                    &timer.account,
                    Change::PullToPush(event),
                    timer.at,
                    Some(timer.row),
                ),
                None => Err(ApiError::InternalError {
                    detail: "a timer without a due change".into(),
                }),
            };
            match committed {
                Ok(()) => applied += 1,
                // Unreachable while the invariants hold; dropping the timer keeps the loop
                // finite and the failure visible to `State::invariants_hold`.
                Err(_) => self.state.timers.remove(&timer),
            }
        }
        applied
    }

    /// When something next happens on its own (the earliest task deadline), if anything
    /// will: the embedder calls [`Engine::advance`] then, or just passes that time to its next
    /// call.
    ///
    /// ```
    /// let engine = live_lifecycle::Engine::new(live_lifecycle::Config::default());
    /// assert_eq!(engine.next_deadline(), None);
    /// ```
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        self.state.timers.first().map(|t| t.at)
    }

    /// Takes the callbacks to deliver that were produced since the last call, in the order
    /// the tasks entered their states.
    ///
    /// ```
    /// let mut engine = live_lifecycle::Engine::new(live_lifecycle::Config::default());
    /// assert!(engine.drain_callbacks().is_empty());
    /// ```
    pub fn drain_callbacks(&mut self) -> Vec<Callback> {
        drained(&mut self.callbacks)
    }

    /// [`Engine::drain_callbacks`] into a buffer of the caller's, appended to it. Both
    /// buffers keep their room, so a server that drains every tick stops allocating once
    /// they have grown to a tick's worth.
    ///
    /// ```
    /// let mut engine = live_lifecycle::Engine::new(live_lifecycle::Config::default());
    /// let mut out = Vec::new();
    /// engine.drain_callbacks_into(&mut out);
    /// assert!(out.is_empty());
    /// ```
    pub fn drain_callbacks_into(&mut self, out: &mut Vec<Callback>) {
        out.append(&mut self.callbacks);
    }

    /// Takes a report from the part of the embedder that really pulls and pushes: a stream
    /// failed, recovered, or a playlist progressed. Whatever fell due up to `now` happens
    /// first. A report that does not apply is refused and changes nothing.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, pull_to_push::*};
    /// let mut engine = Engine::new(Config::default());
    /// let account = "1001".try_into().unwrap();
    /// let err = engine.report_stream(&account, &"nope".try_into().unwrap(),
    ///     StreamReport::PullFailed, "2030-01-01T00:00:00Z".parse().unwrap()).unwrap_err();
    /// assert_eq!(err, ReportError::UnknownTask);
    /// ```
    pub fn report_stream(
        &mut self,
        account: &AccountId,
        task_id: &TaskId,
        report: StreamReport,
        now: DateTime<Utc>,
    ) -> Result<(), ReportError> {
        self.advance(now);
        let store = self
            .state
            .accounts
            .get(account)
            .map(|a| &a.tasks)
            .ok_or(ReportError::UnknownTask)?;
        if let Some(event) = store.plan_report(task_id, report)? {
            // The plan was checked against the same state, so applying it cannot fail.
            self.commit(account, Change::PullToPush(event), now)
                .map_err(|_| ReportError::UnknownTask)?;
        }
        self.advance(now);
        Ok(())
    }

    // ---- pull-to-push operations -------------------------------------------------------

    fn check_live_access(&self, account: &AccountId) -> Result<(), ApiError> {
        if !self.config.live_service.allows(account) {
            return Err(ApiError::LiveServiceNotFound);
        }
        if !self.config.live_domains.allows(account) {
            return Err(ApiError::InvalidAliUid);
        }
        Ok(())
    }

    /// Plans against the account's tasks (none if it has none yet), after the entitlement
    /// checks.
    fn plan_tasks<T>(
        &self,
        account: &AccountId,
        plan: impl FnOnce(&TaskStore, &Config) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.check_live_access(account)?;
        self.plan_in(account, |a| &a.tasks, plan)
    }

    /// Plans and applies a change to one task; `None` from the plan is a documented no-op.
    fn change_task(
        &mut self,
        account: &AccountId,
        now: DateTime<Utc>,
        plan: impl FnOnce(&TaskStore, &Config) -> Result<Option<TaskEvent>, ApiError>,
    ) -> Result<(), ApiError> {
        if let Some(event) = self.plan_tasks(account, plan)? {
            self.commit(account, Change::PullToPush(event), now)?;
        }
        Ok(())
    }

    /// CreateLivePullToPush: a new task, not started until its StartTime.
    ///
    /// Errors: MissingParameter, InvalidParameter, InvalidParam.CodeIllegalDuration,
    /// LiveServiceNotFound, CodeInvalidAliUid, CodeTaskLimitExceeded, CodeDstUrlOccupied,
    /// InternalError (the id generator made a bad or repeated id).
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, pull_to_push::CreateLivePullToPushRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = CreateLivePullToPushRequest {
    ///     region: Some("cn-shanghai".into()),
    ///     start_time: Some("2030-01-01T12:00:00Z".into()),
    ///     end_time: Some("2030-01-01T10:00:00Z".into()),
    ///     source_type: Some("url".into()),
    ///     source_urls: Some(vec!["https://cdn.example.com/a.mp4".into()]),
    ///     dst_url: Some("rtmp://push.example.com/live/a".into()),
    ///     ..Default::default()
    /// };
    /// let err = engine
    ///     .create_live_pull_to_push(&"1001".try_into().unwrap(), &req, "2030-01-01T00:00:00Z".parse().unwrap())
    ///     .unwrap_err();
    /// assert_eq!((err.code(), err.http_status()), ("InvalidParam.CodeIllegalDuration", 400));
    /// ```
    pub fn create_live_pull_to_push(
        &mut self,
        account: &AccountId,
        req: &CreateLivePullToPushRequest,
        now: DateTime<Utc>,
    ) -> Result<CreateTaskResponse, Rejection> {
        self.call(
            now,
            |engine| {
                let spec = req.validate(now)?;
                engine
                    .config
                    .task_limits
                    .window_check(spec.start, spec.end)?;
                engine.check_live_access(account)?;
                let empty = TaskStore::default();
                let store = engine
                    .state
                    .accounts
                    .get(account)
                    .map_or(&empty, |a| &a.tasks);
                let seq = engine.state.tasks_created;
                let ids = &mut engine.ids;
                let event = store.plan_create(spec, &engine.config.task_limits, || {
                    let text = ids.generate(IdKind::Task, seq);
                    let id = TaskId::try_from(text).map_err(|why| ApiError::InternalError {
                        detail: format!("the id generator made an invalid task id ({why})").into(),
                    })?;
                    Ok((id, seq))
                })?;
                let task_id = event.task_id().clone();
                engine.commit(account, Change::PullToPush(event), now)?;
                Ok(task_id)
            },
            |task_id, request_id| CreateTaskResponse::ok(request_id, task_id),
        )
    }

    /// UpdateLivePullToPush: changes the given fields, as far as the task's state allows
    /// (before the start: all, Region too; running or retrying: CallbackUrl and
    /// RepeatNumber; stopped: all but Region).
    ///
    /// Errors: MissingParameter, InvalidParameter, InvalidParam.CodeIllegalDuration,
    /// LiveServiceNotFound, CodeInvalidAliUid, CodeTaskNotExist, CodeTaskHasStarted.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, pull_to_push::UpdateLivePullToPushRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = UpdateLivePullToPushRequest {
    ///     task_id: Some("nope".into()), region: Some("cn-beijing".into()), ..Default::default()
    /// };
    /// let err = engine
    ///     .update_live_pull_to_push(&"1001".try_into().unwrap(), &req, "2030-01-01T00:00:00Z".parse().unwrap())
    ///     .unwrap_err();
    /// assert_eq!((err.code(), err.http_status()), ("CodeTaskNotExist", 400));
    /// ```
    pub fn update_live_pull_to_push(
        &mut self,
        account: &AccountId,
        req: &UpdateLivePullToPushRequest,
        now: DateTime<Utc>,
    ) -> Result<RetResponse, Rejection> {
        self.call(
            now,
            |engine| {
                let u = req.validate(now)?;
                engine.change_task(account, now, |store, config| {
                    store.plan_update(u, &config.task_limits, now).map(Some)
                })
            },
            |(), request_id| RetResponse::ok(request_id),
        )
    }

    /// DeleteLivePullToPush: the task exits at once (TriggerByUser) and can never run again;
    /// it stays describable for the configured retention.
    ///
    /// Errors: MissingParameter, InvalidParameter, LiveServiceNotFound, CodeInvalidAliUid,
    /// CodeTaskNotExist.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, pull_to_push::DeleteLivePullToPushRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = DeleteLivePullToPushRequest { task_id: Some("t1".into()), region: None };
    /// let err = engine
    ///     .delete_live_pull_to_push(&"1001".try_into().unwrap(), &req, "2030-01-01T00:00:00Z".parse().unwrap())
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "MissingParameter");
    /// ```
    pub fn delete_live_pull_to_push(
        &mut self,
        account: &AccountId,
        req: &DeleteLivePullToPushRequest,
        now: DateTime<Utc>,
    ) -> Result<RetResponse, Rejection> {
        self.call(
            now,
            |engine| {
                let r = req.validate()?;
                engine.change_task(account, now, |store, _| store.plan_delete(r).map(Some))
            },
            |(), request_id| RetResponse::ok(request_id),
        )
    }

    /// DescribeLivePullToPush: one task, its state and its configuration.
    ///
    /// Errors: MissingParameter, InvalidParameter, LiveServiceNotFound, CodeInvalidAliUid,
    /// CodeTaskNotExist.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, pull_to_push::DescribeLivePullToPushRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = DescribeLivePullToPushRequest {
    ///     task_id: Some("t1".into()), region: Some("cn-beijing".into()),
    /// };
    /// let err = engine
    ///     .describe_live_pull_to_push(&"1001".try_into().unwrap(), &req, "2030-01-01T00:00:00Z".parse().unwrap())
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "CodeTaskNotExist");
    /// ```
    pub fn describe_live_pull_to_push(
        &mut self,
        account: &AccountId,
        req: &DescribeLivePullToPushRequest,
        now: DateTime<Utc>,
    ) -> Result<DescribeTaskResponse, Rejection> {
        self.call(
            now,
            |engine| {
                let r = req.validate()?;
                engine.plan_tasks(account, |store, _| store.describe(&r))
            },
            |task, request_id| DescribeTaskResponse {
                request_id,
                ret_code: 0,
                description: "OK".to_owned(),
                task,
            },
        )
    }

    /// DescribeLivePullToPushList: the account's tasks in one region, newest first, filtered
    /// by parts of the task id, task name or destination URL, and paged.
    ///
    /// Errors: MissingParameter, InvalidParameter, LiveServiceNotFound, CodeInvalidAliUid.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, pull_to_push::DescribeLivePullToPushListRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = DescribeLivePullToPushListRequest { region: Some("cn-beijing".into()), ..Default::default() };
    /// let list = engine
    ///     .describe_live_pull_to_push_list(&"1001".try_into().unwrap(), &req, "2030-01-01T00:00:00Z".parse().unwrap())
    ///     .unwrap();
    /// assert_eq!((list.total, list.page_number, list.page_size), (0, 1, 10));
    /// ```
    pub fn describe_live_pull_to_push_list(
        &mut self,
        account: &AccountId,
        req: &DescribeLivePullToPushListRequest,
        now: DateTime<Utc>,
    ) -> Result<DescribeTaskListResponse, Rejection> {
        self.call(
            now,
            |engine| {
                let q = req.validate()?;
                let (total, task_list) =
                    engine.plan_tasks(account, |store, _| Ok(store.list(&q)))?;
                Ok((q.page, total, task_list))
            },
            |(page, total, task_list), request_id| DescribeTaskListResponse {
                request_id,
                total,
                page_number: page.number(),
                page_size: page.size(),
                task_list,
            },
        )
    }

    /// StopLivePullToPush: a running or retrying task stops (Offline). On a task that has
    /// not started it succeeds and changes nothing (documented "no effect").
    ///
    /// Errors: MissingParameter, InvalidParameter, LiveServiceNotFound, CodeInvalidAliUid,
    /// CodeTaskNotExist, CodeTaskHasStopped.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, pull_to_push::StopLivePullToPushRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = StopLivePullToPushRequest { task_id: Some("t1".into()), region: Some("preregion".into()) };
    /// let err = engine
    ///     .stop_live_pull_to_push(&"1001".try_into().unwrap(), &req, "2030-01-01T00:00:00Z".parse().unwrap())
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "InvalidParameter"); // not a region
    /// ```
    pub fn stop_live_pull_to_push(
        &mut self,
        account: &AccountId,
        req: &StopLivePullToPushRequest,
        now: DateTime<Utc>,
    ) -> Result<TaskIdResponse, Rejection> {
        self.call(
            now,
            |engine| {
                let r = req.validate()?;
                let task_id = r.task_id.clone();
                engine.change_task(account, now, |store, _| store.plan_stop(r))?;
                Ok(task_id)
            },
            |task_id, request_id| TaskIdResponse {
                request_id,
                task_id,
            },
        )
    }

    /// RestartLivePullToPush: a running, retrying or stopped task runs again with its latest
    /// configuration, from the configured start of its playlist. Before StartTime it
    /// succeeds and changes nothing (documented "no effect").
    ///
    /// Errors: MissingParameter, InvalidParameter, LiveServiceNotFound, CodeInvalidAliUid,
    /// CodeTaskNotExist.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, pull_to_push::RestartLivePullToPushRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let req = RestartLivePullToPushRequest { task_id: Some("t1".into()), region: Some("cn-beijing".into()) };
    /// let err = engine
    ///     .restart_live_pull_to_push(&"1001".try_into().unwrap(), &req, "2030-01-01T00:00:00Z".parse().unwrap())
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "CodeTaskNotExist");
    /// ```
    pub fn restart_live_pull_to_push(
        &mut self,
        account: &AccountId,
        req: &RestartLivePullToPushRequest,
        now: DateTime<Utc>,
    ) -> Result<TaskIdResponse, Rejection> {
        self.call(
            now,
            |engine| {
                let r = req.validate()?;
                let task_id = r.task_id.clone();
                engine.change_task(account, now, |store, _| store.plan_restart(r))?;
                Ok(task_id)
            },
            |task_id, request_id| TaskIdResponse {
                request_id,
                task_id,
            },
        )
    }
}

/// The three edge calls that name a job and change it, and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyChange {
    Start,
    Stop,
    Delete,
}

impl KeyChange {
    fn run(
        self,
        store: &mut EdgeStore,
        config: &Config,
        key: JobKey<'_>,
        now: DateTime<Utc>,
    ) -> Result<EdgeEvent, ApiError> {
        match self {
            Self::Start => store.start(key, config.edge_limits.max_running_jobs, now),
            Self::Stop => store.stop(key, now),
            Self::Delete => store.delete(key),
        }
    }
}

/// Where an engine takes its ids: the default generator held by value, so that its calls are
/// direct and a typed reply's request id is built in place (through a pointer, each id came
/// back through memory and was copied again), or the embedder's generator.
#[derive(Debug)]
enum Ids {
    Seeded(SeededIds),
    Custom(Box<dyn IdGenerator>),
}

impl Ids {
    #[inline]
    fn generate(&mut self, kind: IdKind, seq: u64) -> String {
        match self {
            Self::Seeded(ids) => ids.generate(kind, seq),
            Self::Custom(ids) => ids.generate(kind, seq),
        }
    }

    #[inline]
    fn generate_into(&mut self, kind: IdKind, seq: u64, out: &mut String) {
        match self {
            Self::Seeded(ids) => ids.generate_into(kind, seq, out),
            Self::Custom(ids) => ids.generate_into(kind, seq, out),
        }
    }

    #[inline]
    fn request_id(&mut self, seq: u64) -> RequestId {
        match self {
            Self::Seeded(ids) => ids.request_id(seq),
            Self::Custom(ids) => ids.request_id(seq),
        }
    }
}

/// Counts one more request answered and returns its sequence number, the one its id is
/// drawn for.
fn count_request(answered: &mut u64) -> u64 {
    let seq = *answered;
    *answered = seq.wrapping_add(1);
    seq
}

/// Draws the next request id into `into` (emptied first) and counts it. Takes the engine's
/// fields apart, so the wire can draw one while it still borrows the stored job it answers
/// with.
fn draw_request_id<'a>(ids: &mut Ids, answered: &mut u64, into: &'a mut String) -> &'a str {
    let seq = count_request(answered);
    into.clear();
    ids.generate_into(IdKind::Request, seq, into);
    into
}

fn edge_access(config: &Config, account: &str) -> Result<(), ApiError> {
    if config.edge_access.allows_text(account) {
        Ok(())
    } else {
        Err(ApiError::Forbidden {
            service: "edge transcoding",
        })
    }
}

/// A reply body, written once into a buffer of about the right size.
fn write_body<T: Serialize>(body: &T, capacity: usize) -> Result<String, ApiError> {
    let mut out = Vec::with_capacity(capacity);
    serde_json::to_writer(&mut out, body).map_err(|e| ApiError::InternalError {
        detail: format!("the reply could not be written: {e}").into(),
    })?;
    // serde_json writes UTF-8 only.
    String::from_utf8(out).map_err(|e| ApiError::InternalError {
        detail: format!("the reply is not UTF-8: {e}").into(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{Config, DRAIN_ROOM, Engine};
    use crate::edge::{CreateEdgeTranscodeJobRequest, EdgeLimits};

    fn created(engine: &mut Engine, n: usize) {
        let account = "1001".try_into().unwrap();
        for i in 0..n {
            let req = CreateEdgeTranscodeJobRequest {
                cluster_id: Some("c1".into()),
                name: Some(format!("job_{i}")),
                template_id: Some("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01".into()),
                stream_input: Some("rtmp://in.example.com/live/a".into()),
                stream_output: Some("rtmp://out.example.com/live/a".into()),
            };
            let now = "2030-01-01T00:00:00Z".parse().unwrap();
            engine
                .create_edge_transcode_job(&account, &req, now)
                .unwrap();
        }
    }

    /// A drain leaves the log room for as many events as it took, so the next ones are
    /// recorded without growing it, but no more than `DRAIN_ROOM` after a burst.
    #[test]
    fn a_drain_leaves_room_for_as_many_events_up_to_a_bound() {
        let mut engine = Engine::new(Config {
            edge_limits: EdgeLimits {
                max_jobs: 10_000,
                max_running_jobs: 10,
            },
            ..Config::default()
        });
        created(&mut engine, 100);
        assert_eq!(engine.drain_events().len(), 100);
        assert!(engine.events.is_empty() && engine.events.capacity() >= 100);
        created(&mut engine, DRAIN_ROOM + 1000);
        assert_eq!(engine.drain_events().len(), DRAIN_ROOM + 1000);
        assert_eq!(engine.events.capacity(), DRAIN_ROOM);
    }
}
