//! One pull-to-push task and its lifecycle.
//!
//! ```text
//!                 CreateLivePullToPush
//!                          │
//!                          ▼
//!                  NotStarted (0) ── Stop, Restart: no effect
//!                          │ StartTime
//!                          ▼
//!   Restart ──▶ ┌──── Running (1) ◀──────── recovered ───┐
//!               │          │ pull/push fault             │
//!               │          ▼                             │
//!               │   Retrying (2) ────────────────────────┘
//!               │          │ RetryCount × RetryInterval without recovery
//!               │          ▼
//!               └──── Stopped (3) ◀── Stop (from 1 or 2), finite playlist ended
//!                          │ Restart ──▶ Running
//!
//!   any of 0, 1, 2, 3 ── Delete (TriggerByUser) or EndTime (OverEndTime) ──▶ Exited (-1)
//!   Exited ── retention over ──▶ removed
//! ```
//!
//! The state enum is private: only the methods below move it, each named after what
//! triggers it (an API call, a deadline, or a stream report), each checking where it may come
//! from. A method that refuses leaves the task untouched.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::report::ReportError;
use super::request::{CreateTask, RetryPolicy};
use super::response::{TaskInfo, TaskView};
use super::source::Source;
use super::types::{
    CallbackState, ExitReason, InvalidReason, Region, Repeat, SourceType, TaskName, TaskStatus,
};
use crate::error::ApiError;
use crate::ids::TaskId;
use crate::stream_url::StreamUrl;
use crate::time::saturating_add;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum TaskState {
    NotStarted,
    Running,
    Retrying {
        since: DateTime<Utc>,
        reason: InvalidReason,
    },
    Stopped {
        reason: Option<InvalidReason>,
    },
    Exited {
        at: DateTime<Utc>,
        reason: ExitReason,
    },
}

/// Where playback of a vod/url playlist stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Position {
    file_index: u32,
    offset: u32,
    /// Completed passes over the whole list.
    passes_done: u32,
}

/// A new task as recorded in the event log: the validated request plus its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTask {
    /// The id the engine gave it.
    pub id: TaskId,
    /// Creation order within the engine.
    pub seq: u64,
    /// Everything the request set.
    pub spec: CreateTask,
}

/// The fields an update changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskChanges {
    /// A new region (only before the start).
    pub region: Option<Region>,
    /// A new start.
    pub start: Option<DateTime<Utc>>,
    /// A new end.
    pub end: Option<DateTime<Utc>>,
    /// A new list.
    pub source: Option<Source>,
    /// A new repeat rule.
    pub repeat: Option<Repeat>,
    /// A new offset.
    pub offset: Option<u32>,
    /// A new callback URL (`Some(None)`: none).
    pub callback_url: Option<Option<StreamUrl>>,
    /// A new first file.
    pub file_index: Option<u32>,
}

impl TaskChanges {
    /// Whether the update touches a field that may change only before the start (or while
    /// stopped): everything but CallbackUrl and RepeatNumber.
    pub(crate) fn touches_more_than_callback_and_repeat(&self) -> bool {
        self.region.is_some()
            || self.start.is_some()
            || self.end.is_some()
            || self.source.is_some()
            || self.offset.is_some()
            || self.file_index.is_some()
    }
}

/// A stored task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Task {
    state: TaskState,
    /// The time of the last change: no transition of this task is dated before it.
    changed_at: DateTime<Utc>,
    position: Position,
    seq: u64,
    id: TaskId,
    spec: CreateTask,
    created_at: DateTime<Utc>,
}

fn exited() -> ApiError {
    // An exited task was deleted, by the user or at its EndTime: it stays describable for a
    // while so its exit can be read, but every call that would change it finds no task.
    ApiError::TaskNotExist
}

/// Where playback starts: the configured FileIndex and Offset of a playlist. A live source
/// has no playlist: a default engine takes and echoes FileIndex and Offset on one, and they
/// do nothing (docs/fidelity.md).
fn start_of(spec: &CreateTask) -> Position {
    match spec.source.kind() {
        SourceType::Live => Position::default(),
        SourceType::Vod | SourceType::Url => Position {
            file_index: spec.file_index,
            offset: spec.offset,
            passes_done: 0,
        },
    }
}

impl Task {
    pub(crate) fn create(new: NewTask, at: DateTime<Utc>) -> Self {
        let position = start_of(&new.spec);
        Self {
            id: new.id,
            seq: new.seq,
            spec: new.spec,
            created_at: at,
            changed_at: at,
            position,
            state: TaskState::NotStarted,
        }
    }

    pub(crate) fn id(&self) -> &TaskId {
        &self.id
    }

    /// The creation number: tasks created earlier have smaller ones.
    pub(crate) fn seq(&self) -> u64 {
        self.seq
    }

    pub(crate) fn spec(&self) -> &CreateTask {
        &self.spec
    }

    pub(crate) fn region(&self) -> Region {
        self.spec.region
    }

    /// Where the task sorts in a list: by creation time to the second, then creation
    /// order.
    pub(crate) fn order_key(&self) -> (i64, u64) {
        (self.created_at.timestamp(), self.seq)
    }

    pub(crate) fn status(&self) -> TaskStatus {
        match self.state {
            TaskState::NotStarted => TaskStatus::NotStarted,
            TaskState::Running => TaskStatus::Running,
            TaskState::Retrying { .. } => TaskStatus::Retrying,
            TaskState::Stopped { .. } => TaskStatus::Stopped,
            TaskState::Exited { .. } => TaskStatus::Exited,
        }
    }

    /// The reason a callback carries for entering the current state.
    pub(crate) fn reason(&self) -> Option<&'static str> {
        match self.state {
            TaskState::Retrying { reason, .. }
            | TaskState::Stopped {
                reason: Some(reason),
            } => Some(reason.as_str()),
            TaskState::Exited { reason, .. } => Some(reason.as_str()),
            _ => None,
        }
    }

    fn touch(&mut self, at: DateTime<Utc>) {
        self.changed_at = self.changed_at.max(at);
    }

    /// Back to the configured start of the playlist.
    fn rewind(&mut self) {
        self.position = start_of(&self.spec);
    }

    // ---- API calls ------------------------------------------------------------------------

    /// Whether StopLivePullToPush changes anything: `Ok(false)` before the start (documented
    /// "no effect on a task that is not running").
    pub(crate) fn check_stop(&self) -> Result<bool, ApiError> {
        match self.state {
            TaskState::NotStarted => Ok(false),
            TaskState::Running | TaskState::Retrying { .. } => Ok(true),
            TaskState::Stopped { .. } => Err(ApiError::TaskHasStopped),
            TaskState::Exited { .. } => Err(exited()),
        }
    }

    pub(crate) fn stop(&mut self, at: DateTime<Utc>) -> Result<Option<CallbackState>, ApiError> {
        if !self.check_stop()? {
            return Ok(None);
        }
        self.state = TaskState::Stopped { reason: None };
        self.touch(at);
        Ok(Some(CallbackState::Offline))
    }

    /// Whether RestartLivePullToPush changes anything: `Ok(false)` before the start
    /// (documented: no effect if StartTime has not been reached).
    pub(crate) fn check_restart(&self) -> Result<bool, ApiError> {
        match self.state {
            TaskState::NotStarted => Ok(false),
            TaskState::Running | TaskState::Retrying { .. } | TaskState::Stopped { .. } => Ok(true),
            TaskState::Exited { .. } => Err(exited()),
        }
    }

    /// Runs again with the latest configuration, from the configured start of the playlist.
    pub(crate) fn restart(&mut self, at: DateTime<Utc>) -> Result<Option<CallbackState>, ApiError> {
        if !self.check_restart()? {
            return Ok(None);
        }
        self.state = TaskState::Running;
        self.rewind();
        self.touch(at);
        Ok(Some(CallbackState::Running))
    }

    pub(crate) fn check_delete(&self) -> Result<(), ApiError> {
        match self.state {
            TaskState::Exited { .. } => Err(exited()),
            _ => Ok(()),
        }
    }

    pub(crate) fn delete(&mut self, at: DateTime<Utc>) -> Result<Option<CallbackState>, ApiError> {
        self.check_delete()?;
        self.exit(at, ExitReason::TriggerByUser);
        Ok(Some(CallbackState::Exit))
    }

    fn exit(&mut self, at: DateTime<Utc>, reason: ExitReason) {
        self.touch(at);
        self.state = TaskState::Exited {
            at: self.changed_at,
            reason,
        };
    }

    /// Which fields UpdateLivePullToPush may change in the current state (seed 004):
    /// everything before the start; only CallbackUrl and RepeatNumber while running or
    /// retrying; everything but Region while stopped; nothing once exited.
    pub(crate) fn check_update(&self, changes: &TaskChanges) -> Result<(), ApiError> {
        match self.state {
            TaskState::NotStarted => Ok(()),
            TaskState::Running | TaskState::Retrying { .. } => {
                if changes.touches_more_than_callback_and_repeat() {
                    Err(ApiError::TaskHasStarted)
                } else {
                    Ok(())
                }
            }
            TaskState::Stopped { .. } => {
                if changes.region.is_some() {
                    Err(ApiError::TaskHasStarted)
                } else {
                    Ok(())
                }
            }
            TaskState::Exited { .. } => Err(exited()),
        }
    }

    /// Applies an update. Before the start the playback position follows the new settings;
    /// once started, FileIndex, Offset and SourceUrls take effect at the next Restart.
    pub(crate) fn update(
        &mut self,
        changes: &TaskChanges,
        at: DateTime<Utc>,
    ) -> Result<Option<CallbackState>, ApiError> {
        self.check_update(changes)?;
        let spec = &mut self.spec;
        let TaskChanges {
            region,
            start,
            end,
            source,
            repeat,
            offset,
            callback_url,
            file_index,
        } = changes.clone();
        if let Some(v) = region {
            spec.region = v;
        }
        if let Some(v) = start {
            spec.start = v;
        }
        if let Some(v) = end {
            spec.end = v;
        }
        if let Some(v) = source {
            spec.source = v;
        }
        if let Some(v) = repeat {
            spec.repeat = v;
        }
        if let Some(v) = offset {
            spec.offset = v;
        }
        if let Some(v) = callback_url {
            spec.callback_url = v;
        }
        if let Some(v) = file_index {
            spec.file_index = v;
        }
        if self.state == TaskState::NotStarted {
            self.rewind();
        }
        self.touch(at);
        Ok(None)
    }

    // ---- deadlines ------------------------------------------------------------------------

    /// The next time something happens to this task on its own, never before its last
    /// change (so a task whose StartTime is already past starts at once, dated now).
    pub(crate) fn deadline(&self, retention: Duration) -> DateTime<Utc> {
        let raw = match self.state {
            TaskState::NotStarted => self.spec.start,
            TaskState::Running | TaskState::Stopped { .. } => self.spec.end,
            TaskState::Retrying { since, .. } => self.give_up_at(since).min(self.spec.end),
            TaskState::Exited { at, .. } => saturating_add(at, retention),
        };
        raw.max(self.changed_at)
    }

    fn give_up_at(&self, since: DateTime<Utc>) -> DateTime<Utc> {
        saturating_add(
            since,
            Duration::seconds(
                i64::from(self.spec.retry.count) * i64::from(self.spec.retry.interval_secs),
            ),
        )
    }

    /// What falls due at `at`, if anything.
    pub(crate) fn due(&self, at: DateTime<Utc>, retention: Duration) -> Option<Due> {
        if at < self.deadline(retention) {
            return None;
        }
        Some(match self.state {
            TaskState::NotStarted => Due::Start,
            TaskState::Running | TaskState::Stopped { .. } => Due::End,
            TaskState::Retrying { since, .. } => {
                if self.spec.end <= self.give_up_at(since) {
                    Due::End
                } else {
                    Due::GiveUp
                }
            }
            TaskState::Exited { .. } => Due::Remove,
        })
    }

    /// StartTime reached.
    pub(crate) fn begin(&mut self, at: DateTime<Utc>) -> Result<Option<CallbackState>, ApiError> {
        match self.state {
            TaskState::NotStarted => {
                self.state = TaskState::Running;
                self.rewind();
                self.touch(at);
                Ok(Some(CallbackState::Running))
            }
            _ => Err(ApiError::InternalError {
                detail: "only a task that has not started can begin".into(),
            }),
        }
    }

    /// EndTime reached.
    pub(crate) fn end(&mut self, at: DateTime<Utc>) -> Result<Option<CallbackState>, ApiError> {
        self.check_delete()?;
        self.exit(at, ExitReason::OverEndTime);
        Ok(Some(CallbackState::Exit))
    }

    /// RetryCount retries spaced RetryInterval apart passed without recovery.
    pub(crate) fn give_up(&mut self, at: DateTime<Utc>) -> Result<Option<CallbackState>, ApiError> {
        match self.state {
            TaskState::Retrying { reason, .. } => {
                self.state = TaskState::Stopped {
                    reason: Some(reason),
                };
                self.touch(at);
                Ok(Some(CallbackState::Offline))
            }
            _ => Err(ApiError::InternalError {
                detail: "only a retrying task can give up".into(),
            }),
        }
    }

    /// The exit time, for retention.
    pub(crate) fn is_exited(&self) -> bool {
        matches!(self.state, TaskState::Exited { .. })
    }

    // ---- stream reports -------------------------------------------------------------------

    /// A pull or push failed: a running task starts retrying (or stops at once when it may
    /// not retry); a retrying task keeps its schedule.
    pub(crate) fn check_fault(&self) -> Result<bool, ReportError> {
        match self.state {
            TaskState::Running => Ok(true),
            TaskState::Retrying { .. } => Ok(false),
            _ => Err(ReportError::NotRunning {
                status: self.status(),
            }),
        }
    }

    pub(crate) fn fault(
        &mut self,
        reason: InvalidReason,
        at: DateTime<Utc>,
    ) -> Result<Option<CallbackState>, ReportError> {
        if !self.check_fault()? {
            return Ok(None);
        }
        self.touch(at);
        if self.spec.retry.count == 0 {
            self.state = TaskState::Stopped {
                reason: Some(reason),
            };
            return Ok(Some(CallbackState::Offline));
        }
        self.state = TaskState::Retrying {
            since: self.changed_at,
            reason,
        };
        Ok(Some(CallbackState::Recovering))
    }

    pub(crate) fn check_recover(&self) -> Result<(), ReportError> {
        match self.state {
            TaskState::Retrying { .. } => Ok(()),
            _ => Err(ReportError::NotRetrying {
                status: self.status(),
            }),
        }
    }

    pub(crate) fn recover(
        &mut self,
        at: DateTime<Utc>,
    ) -> Result<Option<CallbackState>, ReportError> {
        self.check_recover()?;
        self.state = TaskState::Running;
        self.touch(at);
        Ok(Some(CallbackState::Running))
    }

    fn check_playlist(&self) -> Result<(), ReportError> {
        if self.spec.source.kind() == SourceType::Live {
            return Err(ReportError::NotAPlaylist);
        }
        match self.state {
            TaskState::Running => Ok(()),
            _ => Err(ReportError::NotRunning {
                status: self.status(),
            }),
        }
    }

    pub(crate) fn check_progress(&self, file_index: u32) -> Result<(), ReportError> {
        self.check_playlist()?;
        if self.spec.source.has_index(file_index) {
            Ok(())
        } else {
            Err(ReportError::NoSuchFile {
                file_index,
                files: self.spec.source.len(),
            })
        }
    }

    /// Playback reached `offset` seconds into file `file_index`.
    pub(crate) fn progress(
        &mut self,
        file_index: u32,
        offset: u32,
        at: DateTime<Utc>,
    ) -> Result<Option<CallbackState>, ReportError> {
        self.check_progress(file_index)?;
        self.position.file_index = file_index;
        self.position.offset = offset;
        self.touch(at);
        Ok(None)
    }

    pub(crate) fn check_file_ended(&self) -> Result<(), ReportError> {
        self.check_playlist()
    }

    /// The current file played to its end: on to the next file; after the last one, another
    /// pass from the first file if RepeatNumber allows it, else the task stops (Offline).
    pub(crate) fn file_ended(
        &mut self,
        at: DateTime<Utc>,
    ) -> Result<Option<CallbackState>, ReportError> {
        self.check_file_ended()?;
        self.touch(at);
        let next = self.position.file_index.saturating_add(1);
        if self.spec.source.has_index(next) {
            self.position.file_index = next;
            self.position.offset = 0;
            return Ok(None);
        }
        let passes_done = self.position.passes_done.saturating_add(1);
        if self.spec.repeat.allows_pass_after(passes_done) {
            self.position = Position {
                file_index: 0,
                offset: 0,
                passes_done,
            };
            Ok(None)
        } else {
            self.position.passes_done = passes_done;
            self.state = TaskState::Stopped { reason: None };
            Ok(Some(CallbackState::Offline))
        }
    }

    // ---- views ----------------------------------------------------------------------------

    pub(crate) fn view(&self) -> TaskView {
        let spec = &self.spec;
        let (exit_time, exit_reason) = match self.state {
            TaskState::Exited { at, reason } => (Some(at.timestamp()), Some(reason)),
            _ => (None, None),
        };
        let invalid_reason = match self.state {
            TaskState::Stopped { reason } => reason,
            _ => None,
        };
        let RetryPolicy {
            count,
            interval_secs,
        } = spec.retry;
        TaskView {
            task_id: self.id.clone(),
            task_status: self.status(),
            task_invalid_reason: invalid_reason,
            task_exit_time: exit_time,
            task_exit_reason: exit_reason,
            current_offset: self.position.offset,
            current_file_index: self.position.file_index,
            task_info: TaskInfo {
                task_id: self.id.clone(),
                task_name: spec.name.clone(),
                start_time: spec.start,
                end_time: spec.end,
                source_type: spec.source.kind(),
                source_protocol: spec.source.protocol(),
                source_urls: spec.source.urls().to_vec(),
                dst_url: spec.dst_url.clone(),
                callback_url: spec.callback_url.clone(),
                repeat_number: spec.repeat.wire(),
                offset: spec.offset,
                file_index: spec.file_index,
                retry_count: count,
                retry_interval: interval_secs,
            },
        }
    }

    pub(crate) fn name(&self) -> &TaskName {
        &self.spec.name
    }
}

/// A transition that falls due with time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Due {
    Start,
    End,
    GiveUp,
    Remove,
}
