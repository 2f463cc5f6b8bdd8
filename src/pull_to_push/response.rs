//! The pull-to-push family's success bodies, serialized exactly as the official SDK models
//! read them (flat `TaskList`, `CallbackURL` with a capital URL, `TaskStatus` an integer).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::types::{ExitReason, InvalidReason, SourceProtocol, SourceType, TaskName, TaskStatus};
use crate::ids::{RequestId, TaskId};
use crate::stream_url::StreamUrl;

/// The task's configuration as Describe shows it (`TaskInfo`).
///
/// ```
/// # use live_lifecycle::pull_to_push::TaskInfo;
/// let json = r#"{"TaskId":"t1","TaskName":"","StartTime":"2030-01-01T10:00:00Z",
///   "EndTime":"2030-01-01T12:00:00Z","SourceType":"live","SourceProtocol":"rtmp",
///   "SourceUrls":["rtmp://a/b/c"],"DstUrl":"rtmp://d/e/f","RepeatNumber":0,"Offset":0,
///   "FileIndex":0,"RetryCount":3,"RetryInterval":60}"#;
/// let info: TaskInfo = serde_json::from_str(json).unwrap();
/// assert!(info.callback_url.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct TaskInfo {
    /// The task id.
    pub task_id: TaskId,
    /// The task name.
    pub task_name: TaskName,
    /// When it starts.
    #[serde(with = "crate::time::wire")]
    pub start_time: DateTime<Utc>,
    /// When it ends.
    #[serde(with = "crate::time::wire")]
    pub end_time: DateTime<Utc>,
    /// What it pulls.
    pub source_type: SourceType,
    /// How (live only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_protocol: Option<SourceProtocol>,
    /// The URLs or media ids.
    pub source_urls: Vec<String>,
    /// Where it pushes.
    pub dst_url: StreamUrl,
    /// Where callbacks go (absent when none).
    #[serde(
        rename = "CallbackURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub callback_url: Option<StreamUrl>,
    /// -1 forever, N more passes.
    pub repeat_number: i64,
    /// Seconds into the first file.
    pub offset: u32,
    /// The first file.
    pub file_index: u32,
    /// Retries after a fault.
    pub retry_count: u32,
    /// Seconds between retries.
    pub retry_interval: u32,
}

/// A task's state and configuration: the body of Describe (with the Ret fields) and one
/// entry of DescribeList. `TaskInvalidReason` appears only when a stopped task stopped on
/// its own; `TaskExitTime` (Unix seconds) and `TaskExitReason` only once it exited.
///
/// ```
/// # use live_lifecycle::pull_to_push::TaskView;
/// # let json = r#"{"TaskId":"t1","TaskStatus":-1,"TaskExitTime":1893492000,"TaskExitReason":"OverEndTime",
/// #   "CurrentOffset":0,"CurrentFileIndex":0,"TaskInfo":{"TaskId":"t1","TaskName":"","StartTime":"2030-01-01T10:00:00Z",
/// #   "EndTime":"2030-01-01T12:00:00Z","SourceType":"live","SourceProtocol":"rtmp",
/// #   "SourceUrls":["rtmp://a/b/c"],"DstUrl":"rtmp://d/e/f","RepeatNumber":0,"Offset":0,
/// #   "FileIndex":0,"RetryCount":3,"RetryInterval":60}}"#;
/// let view: TaskView = serde_json::from_str(json).unwrap();
/// assert_eq!(view.task_status.code(), -1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct TaskView {
    /// The task id.
    pub task_id: TaskId,
    /// 0, 1, 2, 3 or -1.
    pub task_status: TaskStatus,
    /// Why it stopped on its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_invalid_reason: Option<InvalidReason>,
    /// When it exited, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_exit_time: Option<i64>,
    /// Why it exited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_exit_reason: Option<ExitReason>,
    /// Seconds into the current file.
    pub current_offset: u32,
    /// The current file.
    pub current_file_index: u32,
    /// The configuration.
    pub task_info: TaskInfo,
}

/// The reply of Create: `{"RequestId","RetCode":0,"Description":"OK","TaskId"}`.
///
/// ```
/// # use live_lifecycle::pull_to_push::CreateTaskResponse;
/// let r = CreateTaskResponse::ok("R1".into(), "t1".try_into().unwrap());
/// assert_eq!(serde_json::to_string(&r).unwrap(),
///     r#"{"RequestId":"R1","RetCode":0,"Description":"OK","TaskId":"t1"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct CreateTaskResponse {
    /// The request id.
    pub request_id: RequestId,
    /// 0: normal.
    pub ret_code: i32,
    /// `OK`.
    pub description: String,
    /// The new task.
    pub task_id: TaskId,
}

impl CreateTaskResponse {
    /// The success reply.
    ///
    /// ```
    /// # use live_lifecycle::pull_to_push::CreateTaskResponse;
    /// assert_eq!(CreateTaskResponse::ok("R".into(), "t".try_into().unwrap()).ret_code, 0);
    /// ```
    pub fn ok(request_id: RequestId, task_id: TaskId) -> Self {
        Self {
            request_id,
            ret_code: 0,
            description: "OK".to_owned(),
            task_id,
        }
    }
}

/// The reply of Update and Delete: `{"RequestId","RetCode":0,"Description":"OK"}`.
///
/// ```
/// # use live_lifecycle::pull_to_push::RetResponse;
/// assert_eq!(serde_json::to_string(&RetResponse::ok("R1".into())).unwrap(),
///     r#"{"RequestId":"R1","RetCode":0,"Description":"OK"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct RetResponse {
    /// The request id.
    pub request_id: RequestId,
    /// 0: normal.
    pub ret_code: i32,
    /// `OK`.
    pub description: String,
}

impl RetResponse {
    /// The success reply.
    ///
    /// ```
    /// # use live_lifecycle::pull_to_push::RetResponse;
    /// assert_eq!(RetResponse::ok("R".into()).description, "OK");
    /// ```
    pub fn ok(request_id: RequestId) -> Self {
        Self {
            request_id,
            ret_code: 0,
            description: "OK".to_owned(),
        }
    }
}

/// The reply of Describe: the Ret fields and the task, flat.
///
/// ```
/// # use live_lifecycle::pull_to_push::DescribeTaskResponse;
/// # let json = r#"{"RequestId":"R","RetCode":0,"Description":"OK","TaskId":"t1","TaskStatus":0,
/// #   "CurrentOffset":0,"CurrentFileIndex":0,"TaskInfo":{"TaskId":"t1","TaskName":"","StartTime":"2030-01-01T10:00:00Z",
/// #   "EndTime":"2030-01-01T12:00:00Z","SourceType":"live","SourceProtocol":"rtmp",
/// #   "SourceUrls":["rtmp://a/b/c"],"DstUrl":"rtmp://d/e/f","RepeatNumber":0,"Offset":0,
/// #   "FileIndex":0,"RetryCount":3,"RetryInterval":60}}"#;
/// let r: DescribeTaskResponse = serde_json::from_str(json).unwrap();
/// assert_eq!(r.task.task_status.code(), 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DescribeTaskResponse {
    /// The request id.
    pub request_id: RequestId,
    /// 0: normal.
    pub ret_code: i32,
    /// `OK`.
    pub description: String,
    /// The task.
    #[serde(flatten)]
    pub task: TaskView,
}

/// The reply of DescribeList: `{"RequestId","Total","PageNumber","PageSize","TaskList":[…]}`.
///
/// ```
/// # use live_lifecycle::pull_to_push::DescribeTaskListResponse;
/// let body = r#"{"RequestId":"R","Total":0,"PageNumber":1,"PageSize":10,"TaskList":[]}"#;
/// let r: DescribeTaskListResponse = serde_json::from_str(body).unwrap();
/// assert_eq!((r.total, r.page_number, r.page_size), (0, 1, 10));
/// assert_eq!(serde_json::to_string(&r).unwrap(), body);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DescribeTaskListResponse {
    /// The request id.
    pub request_id: RequestId,
    /// How many tasks match, over all pages.
    pub total: u64,
    /// The page number asked for.
    pub page_number: u32,
    /// The page size asked for.
    pub page_size: u32,
    /// The page, a plain array.
    pub task_list: Vec<TaskView>,
}

/// The reply of Stop and Restart: `{"RequestId","TaskId"}`.
///
/// ```
/// # use live_lifecycle::pull_to_push::TaskIdResponse;
/// let body = r#"{"RequestId":"R","TaskId":"t1"}"#;
/// let r: TaskIdResponse = serde_json::from_str(body).unwrap();
/// assert_eq!(r.task_id.as_str(), "t1");
/// assert_eq!(serde_json::to_string(&r).unwrap(), body);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct TaskIdResponse {
    /// The request id.
    pub request_id: RequestId,
    /// The task (the same id: a restart keeps it).
    pub task_id: TaskId,
}
