//! The engine: owns the state, runs each call through one path, and keeps the outbox (the
//! events and callbacks that came of the calls, for the embedder to take).
//!
//! Every call, typed or off the wire, runs [`Engine::run`]: whatever fell due up to `now`
//! happens first; then the call's own checks in one fixed order (validate the request:
//! missing → malformed → cross-field; the account's entitlement; the resource (not found);
//! its state (wrong state); quotas), which plan the change as an [`Event`] without writing
//! anything; then the change is committed through [`State`]'s one apply path, and whatever it
//! made due at once happens. A refused call leaves the state as it was.
//!
//! Each family's operations are in `edge.rs` and `pull_to_push.rs`, the passing of time in
//! `scheduler.rs`.

mod edge;
mod pull_to_push;
mod scheduler;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::error::{ApiError, Rejection};
use crate::event::{Change, Event};
use crate::ids::{AccountId, IdGenerator, IdKind, RequestId, SeededIds};
use crate::pull_to_push::{Callback, Row};
use crate::state::{Snapshot, State};
use crate::throttle::Counters;

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
    ids: Box<dyn IdGenerator>,
    pub(crate) state: State,
    requests_answered: u64,
    pub(crate) events: Vec<Event>,
    pub(crate) callbacks: Vec<Callback>,
    /// The wire's rate counters: transient, so neither compared nor snapshotted.
    pub(crate) throttle: Counters,
}

impl Engine {
    /// An empty engine with the default, seeded id generator.
    ///
    /// ```
    /// let engine = live_lifecycle::Engine::new(live_lifecycle::Config::default());
    /// assert!(engine.state().invariants_hold());
    /// ```
    pub fn new(config: Config) -> Self {
        Self::with_id_generator(config, Box::new(SeededIds::default()))
    }

    /// An empty engine that takes its ids from `ids`.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine, ids::SeededIds};
    /// let engine = Engine::with_id_generator(Config::default(), Box::new(SeededIds::new(42)));
    /// # drop(engine);
    /// ```
    pub fn with_id_generator(config: Config, ids: Box<dyn IdGenerator>) -> Self {
        Self::restore_with_id_generator(
            config,
            ids,
            Snapshot {
                state: State::default(),
                requests_answered: 0,
            },
        )
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

    /// Takes the events recorded since the last call, oldest first. The log keeps room for
    /// as many events as it gave, so a server that drains at a steady rate records events
    /// without growing it; a burst's room goes at the next drain.
    ///
    /// ```
    /// let mut engine = live_lifecycle::Engine::new(live_lifecycle::Config::default());
    /// assert!(engine.drain_events().is_empty());
    /// ```
    pub fn drain_events(&mut self) -> Vec<Event> {
        let room = Vec::with_capacity(self.events.len());
        std::mem::replace(&mut self.events, room)
    }

    /// [`Engine::drain_events`] appended to a buffer of the caller's.
    ///
    /// ```
    /// let mut engine = live_lifecycle::Engine::new(live_lifecycle::Config::default());
    /// let mut log = Vec::new();
    /// engine.drain_events_into(&mut log);
    /// assert!(log.is_empty());
    /// ```
    pub fn drain_events_into(&mut self, out: &mut Vec<Event>) {
        out.append(&mut self.events);
    }

    /// Takes the callbacks to deliver that were produced since the last call, in the order
    /// the tasks entered their states. The outbox keeps room as the event log does.
    ///
    /// ```
    /// let mut engine = live_lifecycle::Engine::new(live_lifecycle::Config::default());
    /// assert!(engine.drain_callbacks().is_empty());
    /// ```
    pub fn drain_callbacks(&mut self) -> Vec<Callback> {
        let room = Vec::with_capacity(self.callbacks.len());
        std::mem::replace(&mut self.callbacks, room)
    }

    /// [`Engine::drain_callbacks`] appended to a buffer of the caller's.
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

    /// Forgets everything of one account, as an emulator's reset does: its jobs, tasks and
    /// their deadlines, and its rate-limit windows. Other accounts are untouched; ids already
    /// handed out are never handed out again. Whether the account held any job or task.
    ///
    /// ```
    /// use live_lifecycle::{Config, Engine};
    /// use live_lifecycle::edge::{CreateEdgeTranscodeJobRequest, ListEdgeTranscodeJobRequest};
    /// let mut engine = Engine::new(Config::default());
    /// let account = "1001".try_into().unwrap();
    /// let now = "2030-01-01T00:00:00Z".parse().unwrap();
    /// engine.create_edge_transcode_job(&account, &CreateEdgeTranscodeJobRequest {
    ///     cluster_id: Some("c1".into()), name: Some("news".into()),
    ///     template_id: Some("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01".into()),
    ///     stream_input: Some("rtmp://in.example.com/live/a".into()),
    ///     stream_output: Some("rtmp://out.example.com/live/a".into()),
    /// }, now).unwrap();
    /// assert!(engine.reset_account(&account));
    /// let list = ListEdgeTranscodeJobRequest { cluster_id: Some("c1".into()), ..Default::default() };
    /// assert_eq!(engine.list_edge_transcode_job(&account, &list, now).unwrap().total_count, 0);
    /// assert!(!engine.reset_account(&account));
    /// ```
    pub fn reset_account(&mut self, account: &AccountId) -> bool {
        self.throttle.forget(account.as_str());
        self.state.remove_account(account)
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
        Self::restore_with_id_generator(config, Box::new(SeededIds::default()), snapshot)
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
        }
    }

    /// An engine rebuilt by applying an event log to an empty one, through the same apply
    /// path the calls commit by.
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

    /// Runs one call and answers it with a fresh request id, success or refusal. Whatever
    /// falls due up to `now` happens first, and whatever the call makes due at once (a task
    /// created or updated with a StartTime already past) happens right after it.
    fn run<T, R>(
        &mut self,
        now: DateTime<Utc>,
        call: impl FnOnce(&mut Self) -> Result<T, ApiError>,
        reply: impl FnOnce(T, RequestId) -> R,
    ) -> Result<R, Rejection> {
        self.advance(now);
        let outcome = call(self);
        self.advance(now);
        match outcome {
            Ok(value) => Ok(reply(value, self.next_request_id())),
            Err(error) => Err(self.refuse(error)),
        }
    }

    /// The next request id, counted: every answer, success or refusal, takes one.
    fn next_request_id(&mut self) -> RequestId {
        let seq = self.requests_answered;
        self.requests_answered = seq.wrapping_add(1);
        RequestId::from(self.ids.generate(IdKind::Request, seq))
    }

    /// A refusal: the error with a fresh request id and the configured host id.
    pub(crate) fn refuse(&mut self, error: ApiError) -> Rejection {
        Rejection {
            request_id: self.next_request_id(),
            host_id: self.config.host_id.clone(),
            error,
        }
    }

    /// Applies a planned change through the state's one apply path and records it, with the
    /// callback it calls for. A change that does not apply (only a broken plan's) is an
    /// `InternalError`, and changes nothing.
    pub(crate) fn commit(
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
        let callback = self
            .state
            .apply(&event, &self.config.task_limits, row)
            .map_err(|error| ApiError::InternalError {
                detail: format!("a planned change did not apply ({error})").into(),
            })?;
        self.events.push(event);
        self.callbacks.extend(callback);
        Ok(())
    }

    /// The `seq`-th id of `kind` from the generator, checked to be an id.
    fn new_id<I: TryFrom<String, Error = &'static str>>(
        ids: &mut dyn IdGenerator,
        kind: IdKind,
        seq: u64,
    ) -> Result<I, ApiError> {
        let noun = match kind {
            IdKind::Job => "job",
            IdKind::Task => "task",
            IdKind::Request => "request",
        };
        // The engine hands out ids of the shape a strict engine asks of callers' ids,
        // whatever the id types take from callers.
        let id = ids.generate(kind, seq);
        crate::ids::check_id(&id)
            .and_then(|()| I::try_from(id))
            .map_err(|why| ApiError::InternalError {
                detail: format!("the id generator made an invalid {noun} id ({why})").into(),
            })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::Engine;
    use crate::config::Config;
    use crate::edge::{CreateEdgeTranscodeJobRequest, EdgeLimits};

    /// Resetting an account forgets its tasks and their deadlines, and nothing of another
    /// account: time then passes over the other's task only.
    #[test]
    fn a_reset_account_leaves_no_task_and_no_deadline_behind() {
        use crate::pull_to_push::CreateLivePullToPushRequest;
        let mut engine = Engine::new(Config::default());
        let now = "2030-01-01T09:00:00Z".parse().unwrap();
        let task = |dst: &str| CreateLivePullToPushRequest {
            region: Some("cn-shanghai".into()),
            start_time: Some("2030-01-01T10:00:00Z".into()),
            end_time: Some("2030-01-01T11:00:00Z".into()),
            source_type: Some("url".into()),
            source_urls: Some(vec!["https://cdn.example.com/a.mp4".into()]),
            dst_url: Some(dst.into()),
            ..Default::default()
        };
        let (a, b) = ("1001".try_into().unwrap(), "1002".try_into().unwrap());
        engine
            .create_live_pull_to_push(&a, &task("rtmp://p.example.com/live/a"), now)
            .unwrap();
        engine
            .create_live_pull_to_push(&b, &task("rtmp://p.example.com/live/b"), now)
            .unwrap();
        engine.drain_events();
        assert!(engine.reset_account(&a));
        assert!(engine.state().invariants_hold());
        assert_eq!(engine.advance("2030-01-01T10:00:00Z".parse().unwrap()), 1);
        let started = engine.drain_events();
        assert_eq!(started.len(), 1);
        assert!(started.iter().all(|event| event.account == b));
        assert!(!engine.reset_account(&a));
    }

    /// A drain leaves the log room for as many events as it gave; a drain of nothing
    /// releases it.
    #[test]
    fn the_log_keeps_room_for_as_many_events_as_it_gave() {
        let mut engine = Engine::new(Config {
            edge_limits: EdgeLimits {
                max_jobs: 1_000,
                max_running_jobs: 10,
            },
            ..Config::default()
        });
        let account = "1001".try_into().unwrap();
        let now = "2030-01-01T00:00:00Z".parse().unwrap();
        for i in 0..100 {
            let req = CreateEdgeTranscodeJobRequest {
                cluster_id: Some("c1".into()),
                name: Some(format!("job_{i}")),
                template_id: Some("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01".into()),
                stream_input: Some("rtmp://in.example.com/live/a".into()),
                stream_output: Some("rtmp://out.example.com/live/a".into()),
            };
            engine
                .create_edge_transcode_job(&account, &req, now)
                .unwrap();
        }
        assert_eq!(engine.drain_events().len(), 100);
        assert!(engine.events.is_empty() && engine.events.capacity() >= 100);
        assert!(engine.drain_events().is_empty());
        assert_eq!(engine.events.capacity(), 0);
    }

    /// A replayed change names its job by cluster too: a job of another cluster is not it.
    #[test]
    fn a_replayed_change_to_a_job_in_another_cluster_does_not_apply() {
        use crate::edge::EdgeEvent;
        use crate::event::Change;
        let mut engine = Engine::new(Config::default());
        let account = "1001".try_into().unwrap();
        let now = "2030-01-01T00:00:00Z".parse().unwrap();
        let req = CreateEdgeTranscodeJobRequest {
            cluster_id: Some("c1".into()),
            name: Some("job".into()),
            template_id: Some("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01".into()),
            stream_input: Some("rtmp://in.example.com/live/a".into()),
            stream_output: Some("rtmp://out.example.com/live/a".into()),
        };
        let job_id = engine
            .create_edge_transcode_job(&account, &req, now)
            .unwrap()
            .job_id;
        let mut log = engine.drain_events();
        let mut start = log.first().unwrap().clone();
        start.change = Change::Edge(EdgeEvent::JobStarted {
            cluster_id: "c2".try_into().unwrap(),
            job_id,
        });
        log.push(start);
        let refused = Engine::replay(Config::default(), &log).unwrap_err();
        assert_eq!((refused.index, refused.error.code()), (1, "JobNotFound"));
    }
}
