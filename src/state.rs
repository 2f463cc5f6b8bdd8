//! All resources of all accounts, the one place that applies a change to them, and the
//! snapshot that carries them.
//!
//! Every change, whether a call made it, time made it or a replay reads it back, goes through
//! [`State::apply`]: it checks the whole change before writing any of it, so a change that
//! does not apply leaves the state as it was.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Map;
use crate::edge::{EdgeEvent, EdgeStore, TemplateCatalogue};
use crate::error::ApiError;
use crate::event::{Change, Event};
use crate::ids::{AccountId, TaskId};
use crate::pull_to_push::{Callback, Row, Task, TaskEvent, TaskLimits, TaskStore};
use crate::timers::{Timer, Timers};

/// One account's resources.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AccountState {
    pub(crate) edge: EdgeStore,
    pub(crate) tasks: TaskStore,
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
    /// configured retention; rebuilt on restore, so it follows the configuration the engine
    /// is restored with.
    timers: Timers,
}

/// A [`State`] as a snapshot holds it: the accounts in order of their ids, and the timers as
/// `[deadline, account, task id]` triples.
#[derive(Serialize, Deserialize)]
struct StateData<A = AccountState> {
    accounts: BTreeMap<AccountId, A>,
    jobs_created: u64,
    #[serde(default)]
    tasks_created: u64,
    #[serde(default)]
    timers: Vec<(DateTime<Utc>, AccountId, TaskId)>,
}

impl From<StateData> for State {
    fn from(data: StateData) -> Self {
        let accounts: Map<AccountId, AccountState> = data.accounts.into_iter().collect();
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

/// Written as [`StateData`]: accounts sorted by id, so the text does not depend on the maps'
/// order. A timer that points at no task (only a tampered snapshot's, which fails
/// `invariants_hold`) is not written.
impl Serialize for State {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let timers = self
            .timers
            .iter()
            .filter_map(|timer| {
                let task = self.timer_task(timer)?;
                Some((timer.at, timer.account.clone(), task.id().clone()))
            })
            .collect();
        StateData {
            accounts: self
                .accounts
                .iter()
                .map(|(id, a)| (id.clone(), a))
                .collect(),
            jobs_created: self.jobs_created,
            tasks_created: self.tasks_created,
            timers,
        }
        .serialize(s)
    }
}

impl State {
    /// Whether the state's internal counts agree with what it stores. Always true for a state
    /// built by an engine; for property testers, who assert it after every step, and for
    /// checking a snapshot from elsewhere.
    ///
    /// ```
    /// assert!(live_lifecycle::State::default().invariants_hold());
    /// ```
    pub fn invariants_hold(&self) -> bool {
        let tasks: usize = self.accounts.values().map(|a| a.tasks.len()).sum();
        self.accounts
            .values()
            .all(|a| a.edge.counts_hold() && a.tasks.counts_hold())
            && self.timers.len() == tasks
            && self
                .timers
                .iter()
                .all(|timer| self.timer_task(timer).is_some())
    }

    /// Runs `read` on the account's resources; an account the state has never seen has
    /// none.
    pub(crate) fn read<T>(&self, account: &AccountId, read: impl FnOnce(&AccountState) -> T) -> T {
        match self.accounts.get(account) {
            Some(a) => read(a),
            None => read(&AccountState::default()),
        }
    }

    /// How many job ids have been drawn.
    pub(crate) fn jobs_created(&self) -> u64 {
        self.jobs_created
    }

    /// How many task ids have been drawn.
    pub(crate) fn tasks_created(&self) -> u64 {
        self.tasks_created
    }

    /// The task `timer` is for: in its row, with its creation number.
    fn timer_task(&self, timer: &Timer) -> Option<&Task> {
        let tasks = &self.accounts.get(&timer.account)?.tasks;
        tasks.timed(timer.row, timer.seq)
    }

    /// Applies one event, all or nothing, and returns the callback it calls for, if any.
    /// `row` is where a task event's task is stored, if the caller knows (a timer does).
    pub(crate) fn apply(
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

    /// Forgets one account: its jobs, tasks and their timers. The id counters stay, so an id
    /// is never handed out twice. Whether the account held anything.
    pub(crate) fn remove_account(&mut self, account: &AccountId) -> bool {
        let due: Vec<Timer> = self
            .timers
            .iter()
            .filter(|timer| &timer.account == account)
            .cloned()
            .collect();
        for timer in &due {
            self.timers.remove(timer);
        }
        self.accounts.remove(account).is_some()
    }

    /// Runs `apply` on the account's state, or on a new one that is kept only if `apply`
    /// succeeds: a refused event leaves no empty account behind.
    fn in_account<T>(
        &mut self,
        account: &AccountId,
        apply: impl FnOnce(&mut AccountState) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        if let Some(a) = self.accounts.get_mut(account) {
            return apply(a);
        }
        let mut a = AccountState::default();
        let applied = apply(&mut a)?;
        self.accounts.insert(account.clone(), a);
        Ok(applied)
    }

    /// Applies one task event and moves the task's timer.
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
    pub(crate) fn share_templates(&mut self, catalogue: &TemplateCatalogue) {
        self.accounts
            .values_mut()
            .for_each(|a| a.edge.share_templates(catalogue));
    }

    /// Rebuilds the timer queue from the tasks (after a restore).
    pub(crate) fn rebuild_timers(&mut self, limits: &TaskLimits) {
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

    /// The earliest timer.
    pub(crate) fn first_timer(&self) -> Option<&Timer> {
        self.timers.first()
    }

    /// Drops a timer whose change could not be applied, so that time can go on past it.
    pub(crate) fn drop_timer(&mut self, timer: &Timer) {
        self.timers.remove(timer);
    }

    /// The first timer due at or before `now`, with the event it fires (`None`: the timer
    /// names no task, which only a broken state has).
    pub(crate) fn next_due(
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
