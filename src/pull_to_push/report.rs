//! What the embedder, the part that really pulls and pushes, reports about a task's streams.

use serde::{Deserialize, Serialize};

use super::types::TaskStatus;

/// One report about a running task's streams.
///
/// ```
/// use live_lifecycle::pull_to_push::StreamReport;
/// let r: StreamReport = serde_json::from_str(r#"{"Kind":"Position","file_index":2,"offset":30}"#).unwrap();
/// assert_eq!(r, StreamReport::Position { file_index: 2, offset: 30 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "Kind")]
pub enum StreamReport {
    /// Pulling the source failed (→ retrying, reason `PullStreamFailed`).
    PullFailed,
    /// Pushing to the destination failed (→ retrying, reason `PushStreamFailed`).
    PushFailed,
    /// Something else failed (→ retrying, reason `UnknownError`).
    Failed,
    /// The streams work again (retrying → running).
    Recovered,
    /// Playback of a vod/url playlist reached `offset` seconds into file `file_index`.
    Position {
        /// 0-based index into SourceUrls.
        file_index: u32,
        /// Seconds into that file.
        offset: u32,
    },
    /// The current file of a vod/url playlist played to its end.
    FileEnded,
}

/// Why a stream report was not taken. Nothing changes when one is returned.
///
/// ```
/// use live_lifecycle::pull_to_push::{ReportError, TaskStatus};
/// let e = ReportError::NotRunning { status: TaskStatus::Stopped };
/// assert!(e.to_string().contains("not running"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// No task with that id for that account.
    #[error("no such task")]
    UnknownTask,
    /// The task is not running (or retrying), so its streams cannot fail or progress.
    #[error("the task is not running (status {})", status.code())]
    NotRunning {
        /// Its status.
        status: TaskStatus,
    },
    /// Only a retrying task can recover.
    #[error("the task is not retrying (status {})", status.code())]
    NotRetrying {
        /// Its status.
        status: TaskStatus,
    },
    /// Playback reports apply to vod and url sources only.
    #[error("the task pulls a live stream, not a playlist")]
    NotAPlaylist,
    /// The playlist has no such file.
    #[error("the playlist has {files} files, so there is no file {file_index}")]
    NoSuchFile {
        /// The index reported.
        file_index: u32,
        /// The length of the list.
        files: u32,
    },
    /// The report's change did not apply: a bug, reported as the `InternalError` it is.
    #[error("{0}")]
    Internal(crate::ApiError),
}
