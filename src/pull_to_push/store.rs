//! One account's pull-to-push tasks, and the changes (events) that move them.
//!
//! As for edge jobs, every change is planned as a [`TaskEvent`] without touching anything and
//! then applied through [`TaskStore::apply`], the one place that writes; replays apply the
//! same events.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::report::{ReportError, StreamReport};
use super::request::{
    CreateTask, ListTasks, TaskRef, UpdateTask, file_index_problem, playlist_only, window_problem,
};
use super::response::TaskView;
use super::table::{Row, TaskTable};
use super::task::{Due, NewTask, Task, TaskChanges};
use super::types::{CallbackState, InvalidReason, TaskStatus};
use crate::Map;
use crate::edge::contains_ignoring_case;
use crate::error::ApiError;
use crate::ids::TaskId;
use crate::stream_url::StreamUrl;

/// The per-account limits and clocks of the pull-to-push family.
///
/// ```
/// let limits = live_lifecycle::pull_to_push::TaskLimits::default();
/// assert_eq!(limits.max_tasks, 100);
/// assert_eq!(limits.max_window_secs, Some(7 * 24 * 3600));
/// assert_eq!(limits.exited_retention_secs, 7 * 24 * 3600);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskLimits {
    /// Tasks an account may hold that have not exited; one more Create →
    /// `CodeTaskLimitExceeded` (400).
    pub max_tasks: u32,
    /// The longest StartTime–EndTime window, in seconds (`None`: no limit); longer →
    /// `InvalidParam.CodeIllegalDuration`. The older docs state seven days.
    pub max_window_secs: Option<u32>,
    /// How long an exited task stays describable, in seconds.
    pub exited_retention_secs: u32,
}

impl Default for TaskLimits {
    fn default() -> Self {
        Self {
            max_tasks: 100,
            max_window_secs: Some(7 * 24 * 3600),
            exited_retention_secs: 7 * 24 * 3600,
        }
    }
}

impl TaskLimits {
    pub(crate) fn retention(&self) -> Duration {
        Duration::seconds(i64::from(self.exited_retention_secs))
    }

    /// The configured longest window; checked with the request's other cross-field rules.
    pub(crate) fn window_check(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        match self.max_window_secs {
            Some(max) if end - start > Duration::seconds(i64::from(max)) => {
                Err(ApiError::IllegalDuration {
                    reason: format!(
                        "the time between StartTime and EndTime must not exceed {max} seconds"
                    )
                    .into(),
                })
            }
            _ => Ok(()),
        }
    }
}

/// A change to one account's tasks, as recorded in the event log.
///
/// ```
/// use live_lifecycle::pull_to_push::TaskEvent;
/// let e = TaskEvent::Started { task_id: "t1".try_into().unwrap() };
/// let json = serde_json::to_string(&e).unwrap();
/// assert_eq!(serde_json::from_str::<TaskEvent>(&json).unwrap(), e);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "Kind")]
pub enum TaskEvent {
    /// CreateLivePullToPush succeeded.
    Created {
        /// The new task (boxed, as the update's changes are: the largest variants).
        task: Box<NewTask>,
    },
    /// UpdateLivePullToPush succeeded.
    Updated {
        /// The task.
        task_id: TaskId,
        /// What changed.
        changes: Box<TaskChanges>,
    },
    /// StopLivePullToPush stopped a running or retrying task.
    Stopped {
        /// The task.
        task_id: TaskId,
    },
    /// RestartLivePullToPush (re)started a task.
    Restarted {
        /// The task.
        task_id: TaskId,
    },
    /// DeleteLivePullToPush: the task exited (TriggerByUser).
    Deleted {
        /// The task.
        task_id: TaskId,
    },
    /// StartTime reached.
    Started {
        /// The task.
        task_id: TaskId,
    },
    /// EndTime reached: the task exited (OverEndTime).
    Ended {
        /// The task.
        task_id: TaskId,
    },
    /// A stream fault was reported.
    Faulted {
        /// The task.
        task_id: TaskId,
        /// What failed.
        reason: InvalidReason,
    },
    /// The streams recovered.
    Recovered {
        /// The task.
        task_id: TaskId,
    },
    /// The retries ran out: the task stopped.
    GaveUp {
        /// The task.
        task_id: TaskId,
    },
    /// Playback progressed.
    Progressed {
        /// The task.
        task_id: TaskId,
        /// The file.
        file_index: u32,
        /// Seconds into it.
        offset: u32,
    },
    /// The current file ended.
    FileEnded {
        /// The task.
        task_id: TaskId,
    },
    /// The retention of an exited task ran out: it is gone.
    Removed {
        /// The task.
        task_id: TaskId,
    },
}

impl TaskEvent {
    /// The task the event is about.
    ///
    /// ```
    /// # use live_lifecycle::pull_to_push::TaskEvent;
    /// let e = TaskEvent::Recovered { task_id: "t1".try_into().unwrap() };
    /// assert_eq!(e.task_id().as_str(), "t1");
    /// ```
    pub fn task_id(&self) -> &TaskId {
        match self {
            Self::Created { task } => &task.id,
            Self::Updated { task_id, .. }
            | Self::Stopped { task_id }
            | Self::Restarted { task_id }
            | Self::Deleted { task_id }
            | Self::Started { task_id }
            | Self::Ended { task_id }
            | Self::Faulted { task_id, .. }
            | Self::Recovered { task_id }
            | Self::GaveUp { task_id }
            | Self::Progressed { task_id, .. }
            | Self::FileEnded { task_id }
            | Self::Removed { task_id } => task_id,
        }
    }
}

/// What applying one event did to its task, for the timers and the callbacks.
#[derive(Debug)]
pub(crate) struct Applied {
    /// The task's creation number, which orders its timer among those of the same deadline.
    pub(crate) seq: u64,
    /// The task's row, which its timer carries (the row it had, for a removed task).
    pub(crate) row: Row,
    /// The task's deadline before and after (`None`: no task).
    pub(crate) before: Option<DateTime<Utc>>,
    pub(crate) after: Option<DateTime<Utc>>,
    /// The state the task entered, if the event made it enter one that callbacks report.
    pub(crate) entered: Option<CallbackState>,
}

/// One account's tasks, with the destinations their live tasks hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredTasks")]
pub(crate) struct TaskStore {
    tasks: TaskTable,
    /// DstUrl → the tasks that push there, for every task that has not exited; written
    /// sorted, so a snapshot's text does not depend on the map's order.
    #[serde(serialize_with = "sorted")]
    destinations: Map<StreamUrl, Holders>,
    /// How many tasks have not exited (the holders above, counted): those that count
    /// against the limit. Not written: a restore counts them again.
    #[serde(skip)]
    live: usize,
}

/// A task store as a snapshot holds it.
#[derive(Deserialize)]
struct StoredTasks {
    tasks: TaskTable,
    destinations: Map<StreamUrl, Holders>,
}

impl From<StoredTasks> for TaskStore {
    fn from(stored: StoredTasks) -> Self {
        let live = stored.destinations.values().map(Holders::len).sum();
        Self {
            tasks: stored.tasks,
            destinations: stored.destinations,
            live,
        }
    }
}

/// The tasks that push to one DstUrl, oldest first. One, unless a default engine took
/// another task for a destination in use, which the docs do not refuse (a strict engine
/// refuses it, `CodeDstUrlOccupied`). Written as the one id, as snapshots always wrote it,
/// or as the list of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
enum Holders {
    One(TaskId),
    Many(Vec<TaskId>),
}

impl Holders {
    /// The task that has pushed there longest.
    fn first(&self) -> Option<&TaskId> {
        match self {
            Self::One(id) => Some(id),
            Self::Many(ids) => ids.first(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::One(_) => 1,
            Self::Many(ids) => ids.len(),
        }
    }

    fn contains(&self, id: &TaskId) -> bool {
        match self {
            Self::One(held) => held == id,
            Self::Many(ids) => ids.contains(id),
        }
    }

    /// One more task pushes there.
    fn add(&mut self, id: TaskId) {
        match self {
            Self::One(first) => *self = Self::Many(vec![first.clone(), id]),
            Self::Many(ids) => ids.push(id),
        }
    }

    /// The holders without `id`: `None` when none is left.
    fn without(self, id: &TaskId) -> Option<Self> {
        match self {
            Self::One(held) => (held != *id).then_some(Self::One(held)),
            Self::Many(mut ids) => {
                ids.retain(|held| held != id);
                match ids.len() {
                    0 => None,
                    1 => ids.pop().map(Self::One),
                    _ => Some(Self::Many(ids)),
                }
            }
        }
    }
}

fn sorted<S: serde::Serializer>(map: &Map<StreamUrl, Holders>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(map.iter().collect::<std::collections::BTreeMap<_, _>>())
}

fn replay_error(e: ReportError) -> ApiError {
    ApiError::InternalError {
        detail: format!("a recorded stream report no longer applies: {e}").into(),
    }
}

/// The event of a fault report, `None` for a second fault while retrying.
fn fault(
    task: &Task,
    task_id: TaskId,
    reason: InvalidReason,
) -> Result<Option<TaskEvent>, ReportError> {
    Ok(task
        .check_fault()?
        .then_some(TaskEvent::Faulted { task_id, reason }))
}

impl TaskStore {
    /// The task by id and region: a region that is not the task's finds nothing.
    fn find(&self, r: &TaskRef) -> Result<&Task, ApiError> {
        self.tasks
            .get(&r.task_id)
            .filter(|t| t.region() == r.region)
            .ok_or(ApiError::TaskNotExist)
    }

    /// The task in `row`.
    pub(crate) fn task_at(&self, row: Row) -> Option<&Task> {
        self.tasks.at(row)
    }

    /// The task in `row`, if it is the `seq`-th created: where a timer points, checked.
    pub(crate) fn timed(&self, row: Row, seq: u64) -> Option<&Task> {
        self.tasks.at(row).filter(|t| t.seq() == seq)
    }

    /// The creation number and row of the task with this id.
    pub(crate) fn placed(&self, id: &TaskId) -> Option<(u64, Row)> {
        let row = self.tasks.row(None, id)?;
        Some((self.tasks.at(row)?.seq(), row))
    }

    /// All tasks held, exited ones included.
    pub(crate) fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Plans a creation: the task limit, then (for a strict engine) the destination.
    pub(crate) fn plan_create(
        &self,
        spec: CreateTask,
        limits: &TaskLimits,
        strict: bool,
        new_id: impl FnOnce() -> Result<(TaskId, u64), ApiError>,
    ) -> Result<TaskEvent, ApiError> {
        if self.live >= limits.max_tasks as usize {
            return Err(ApiError::TaskLimitExceeded {
                limit: limits.max_tasks,
            });
        }
        // The docs say only that a DstUrl in use makes the ingest fail, so a default engine
        // takes the task (the embedder reports the push failure); a strict one refuses it.
        if strict
            && let Some(holder) = self
                .destinations
                .get(&spec.dst_url)
                .and_then(Holders::first)
        {
            return Err(ApiError::DstUrlOccupied {
                task_id: holder.to_string(),
            });
        }
        let (id, seq) = new_id()?;
        if self.tasks.contains(&id) {
            return Err(ApiError::InternalError {
                detail: format!("the id generator repeated the task id {id}").into(),
            });
        }
        Ok(TaskEvent::Created {
            task: Box::new(NewTask { id, seq, spec }),
        })
    }

    /// Plans an update: lookup, then which fields the state allows, then the rules on the
    /// merged values (window, list against the source type, the playlist fields against the
    /// source type for a strict engine, FileIndex within the list).
    pub(crate) fn plan_update(
        &self,
        u: UpdateTask,
        limits: &TaskLimits,
        strict: bool,
        now: DateTime<Utc>,
    ) -> Result<TaskEvent, ApiError> {
        let task = self
            .tasks
            .get(&u.task.task_id)
            .ok_or(ApiError::TaskNotExist)?;
        let spec = task.spec();
        let status = task.status();
        if status == TaskStatus::Exited {
            return Err(ApiError::TaskNotExist);
        }
        // Region locates the task; a different one asks to move it, which only a task that
        // has not started may do.
        let region = (u.task.region != spec.region).then_some(u.task.region);
        // The state decides which fields may be sent at all, so it is checked first, on which
        // fields are present; only then is a new list checked against the task's source type.
        let mut changes = TaskChanges {
            region,
            start: u.start,
            end: u.end,
            source: u.source_urls.as_ref().map(|_| spec.source.clone()),
            repeat: u.repeat,
            offset: u.offset,
            callback_url: u.callback_url,
            file_index: u.file_index,
        };
        task.check_update(&changes)?;
        if let Some(urls) = &u.source_urls {
            changes.source = Some(
                spec.source
                    .with_urls(urls, strict)
                    .map_err(|reason| ApiError::invalid("SourceUrls", reason))?,
            );
        }
        if changes.start.is_some() || changes.end.is_some() {
            let start = changes.start.unwrap_or(spec.start);
            let end = changes.end.unwrap_or(spec.end);
            if let Some(problem) = window_problem(start, end, now) {
                return Err(problem);
            }
            limits.window_check(start, end)?;
        }
        let sent = [
            ("RepeatNumber", changes.repeat.is_some()),
            ("Offset", changes.offset.is_some()),
            ("FileIndex", changes.file_index.is_some()),
        ];
        if let Some(problem) = playlist_only(spec.source.kind(), sent, strict).next() {
            return Err(problem);
        }
        let list = changes.source.as_ref().unwrap_or(&spec.source);
        if let Some(problem) =
            file_index_problem(list, changes.file_index.unwrap_or(spec.file_index))
        {
            return Err(problem);
        }
        Ok(TaskEvent::Updated {
            task_id: u.task.task_id,
            changes: Box::new(changes),
        })
    }

    /// `Ok(None)` when the call is a documented no-op (before the start).
    pub(crate) fn plan_stop(&self, r: TaskRef) -> Result<Option<TaskEvent>, ApiError> {
        let changes = self.find(&r)?.check_stop()?;
        Ok(changes.then_some(TaskEvent::Stopped { task_id: r.task_id }))
    }

    /// `Ok(None)` when the call is a documented no-op (before the start).
    pub(crate) fn plan_restart(&self, r: TaskRef) -> Result<Option<TaskEvent>, ApiError> {
        let changes = self.find(&r)?.check_restart()?;
        Ok(changes.then_some(TaskEvent::Restarted { task_id: r.task_id }))
    }

    pub(crate) fn plan_delete(&self, r: TaskRef) -> Result<TaskEvent, ApiError> {
        self.find(&r)?.check_delete()?;
        Ok(TaskEvent::Deleted { task_id: r.task_id })
    }

    pub(crate) fn describe(&self, r: &TaskRef) -> Result<TaskView, ApiError> {
        Ok(self.find(r)?.view())
    }

    /// The tasks of one region matching every filter, newest first: how many, and the
    /// requested page.
    pub(crate) fn list(&self, q: &ListTasks) -> (u64, Vec<TaskView>) {
        let contains = |text: &str, part: &Option<String>| {
            part.as_deref()
                .is_none_or(|part| contains_ignoring_case(text, part))
        };
        // Newest first.
        let hits: Vec<_> = self
            .tasks
            .tasks()
            .filter(|t| t.region() == q.region)
            .filter(|t| contains(t.id().as_str(), &q.task_id))
            .filter(|t| contains(t.name().as_str(), &q.task_name))
            .filter(|t| contains(t.spec().dst_url.as_str(), &q.dst_url))
            .map(|t| (std::cmp::Reverse(t.order_key()), t))
            .collect();
        let total = hits.len() as u64;
        let page = q.page.pick(hits);
        (total, page.into_iter().map(Task::view).collect())
    }

    /// The event a stream report makes, `Ok(None)` when it changes nothing (a second fault
    /// while retrying).
    pub(crate) fn plan_report(
        &self,
        task_id: &TaskId,
        report: StreamReport,
    ) -> Result<Option<TaskEvent>, ReportError> {
        let task = self.tasks.get(task_id).ok_or(ReportError::UnknownTask)?;
        let task_id = task_id.clone();
        Ok(match report {
            StreamReport::PullFailed => fault(task, task_id, InvalidReason::PullStreamFailed)?,
            StreamReport::PushFailed => fault(task, task_id, InvalidReason::PushStreamFailed)?,
            StreamReport::Failed => fault(task, task_id, InvalidReason::UnknownError)?,
            StreamReport::Recovered => {
                task.check_recover()?;
                Some(TaskEvent::Recovered { task_id })
            }
            StreamReport::Position { file_index, offset } => {
                task.check_progress(file_index)?;
                Some(TaskEvent::Progressed {
                    task_id,
                    file_index,
                    offset,
                })
            }
            StreamReport::FileEnded => {
                task.check_file_ended()?;
                Some(TaskEvent::FileEnded { task_id })
            }
        })
    }

    /// The event that falls due at `at` for the task in `row` (the row its timer carries),
    /// if that task is the timer's: the `seq`-th created.
    pub(crate) fn due(
        &self,
        row: Row,
        seq: u64,
        at: DateTime<Utc>,
        retention: Duration,
    ) -> Option<TaskEvent> {
        let task = self.timed(row, seq)?;
        let task_id = task.id().clone();
        Some(match task.due(at, retention)? {
            Due::Start => TaskEvent::Started { task_id },
            Due::End => TaskEvent::Ended { task_id },
            Due::GiveUp => TaskEvent::GaveUp { task_id },
            Due::Remove => TaskEvent::Removed { task_id },
        })
    }

    /// Applies one change, all or nothing: each transition checks before it writes. `hint`
    /// is where the task is stored, if the caller knows (a timer does): it saves the lookup.
    pub(crate) fn apply(
        &mut self,
        event: &TaskEvent,
        at: DateTime<Utc>,
        retention: Duration,
        hint: Option<Row>,
    ) -> Result<Applied, ApiError> {
        if let TaskEvent::Created { task } = event {
            if self.tasks.contains(&task.id) {
                return Err(ApiError::InternalError {
                    detail: format!("task {} already exists", task.id).into(),
                });
            }
            let new = Task::create(NewTask::clone(task), at);
            let after = new.deadline(retention);
            let row = self.tasks.insert(new)?;
            match self.destinations.get_mut(&task.spec.dst_url) {
                Some(holders) => holders.add(task.id.clone()),
                None => {
                    self.destinations
                        .insert(task.spec.dst_url.clone(), Holders::One(task.id.clone()));
                }
            }
            self.live = self.live.saturating_add(1);
            return Ok(Applied {
                seq: task.seq,
                row,
                before: None,
                after: Some(after),
                entered: None,
            });
        }
        let id = event.task_id();
        let row = self.tasks.row(hint, id).ok_or(ApiError::TaskNotExist)?;
        let task = self.tasks.at_mut(row).ok_or(ApiError::TaskNotExist)?;
        let before = Some(task.deadline(retention));
        let seq = task.seq();
        let entered = match event {
            TaskEvent::Created { .. } => None,
            TaskEvent::Updated { changes, .. } => task.update(changes, at)?,
            TaskEvent::Stopped { .. } => task.stop(at)?,
            TaskEvent::Restarted { .. } => task.restart(at)?,
            TaskEvent::Deleted { .. } => task.delete(at)?,
            TaskEvent::Started { .. } => task.begin(at)?,
            TaskEvent::Ended { .. } => task.end(at)?,
            TaskEvent::GaveUp { .. } => task.give_up(at)?,
            TaskEvent::Faulted { reason, .. } => task.fault(*reason, at).map_err(replay_error)?,
            TaskEvent::Recovered { .. } => task.recover(at).map_err(replay_error)?,
            TaskEvent::Progressed {
                file_index, offset, ..
            } => task
                .progress(*file_index, *offset, at)
                .map_err(replay_error)?,
            TaskEvent::FileEnded { .. } => task.file_ended(at).map_err(replay_error)?,
            TaskEvent::Removed { .. } => {
                if task.due(at, retention).is_none() || !task.is_exited() {
                    return Err(ApiError::InternalError {
                        detail: "only an exited task past its retention can be removed".into(),
                    });
                }
                self.tasks.remove(row);
                return Ok(Applied {
                    seq,
                    row,
                    before,
                    after: None,
                    entered: None,
                });
            }
        };
        let after = Some(task.deadline(retention));
        if task.is_exited() {
            // An exited task pushes nowhere: its destination is free for another task.
            let dst = task.spec().dst_url.clone();
            if let Some(holders) = self.destinations.remove(&dst) {
                if holders.contains(id) {
                    self.live = self.live.saturating_sub(1);
                }
                if let Some(rest) = holders.without(id) {
                    self.destinations.insert(dst, rest);
                }
            }
        }
        Ok(Applied {
            seq,
            row,
            before,
            after,
            entered,
        })
    }

    /// Whether the destination index agrees with the tasks (used by tests).
    pub(crate) fn counts_hold(&self) -> bool {
        let live: Vec<&Task> = self.tasks.tasks().filter(|t| !t.is_exited()).collect();
        let held: usize = self.destinations.values().map(Holders::len).sum();
        self.tasks.holds()
            && live.len() == self.live
            && held == self.live
            && self.destinations.values().all(|h| match h {
                Holders::One(_) => true,
                Holders::Many(ids) => ids.len() > 1,
            })
            && live.iter().all(|t| {
                self.destinations
                    .get(&t.spec().dst_url)
                    .is_some_and(|h| h.contains(t.id()))
            })
            && self.tasks.tasks().all(|t| t.spec().start < t.spec().end)
    }

    /// Every task with its row and deadline, for rebuilding the timer queue.
    pub(crate) fn deadlines(
        &self,
        retention: Duration,
    ) -> impl Iterator<Item = (&Task, Row, DateTime<Utc>)> {
        self.tasks
            .iter()
            .map(move |(row, t)| (t, row, t.deadline(retention)))
    }
}
