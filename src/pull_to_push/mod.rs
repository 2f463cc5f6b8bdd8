//! Pull-to-push (拉流转推): tasks that pull a live stream or play a list of VOD media or video
//! files, and push the result to one RTMP destination between StartTime and EndTime.
//!
//! Three kinds of input move a task, all pure: API calls, the passing of time
//! ([`Engine::advance`](crate::Engine::advance)), and stream reports from the embedder
//! ([`Engine::report_stream`](crate::Engine::report_stream)). What must be delivered outside
//! comes out as [`Callback`] values.

mod callback;
mod report;
mod request;
mod response;
mod source;
mod store;
mod table;
mod task;
mod types;

pub use callback::{Callback, CallbackBody};
pub use report::{ReportError, StreamReport};
pub use request::{
    CreateLivePullToPushRequest, CreateTask, DeleteLivePullToPushRequest,
    DescribeLivePullToPushListRequest, DescribeLivePullToPushRequest, ListTasks, MAX_RETRY_COUNT,
    MAX_TASK_ID_FILTER, RETRY_INTERVAL_SECS, RestartLivePullToPushRequest, RetryPolicy,
    StopLivePullToPushRequest, TaskRef, UpdateLivePullToPushRequest, UpdateTask,
};
pub use response::{
    CreateTaskResponse, DescribeTaskListResponse, DescribeTaskResponse, RetResponse,
    TaskIdResponse, TaskInfo, TaskView,
};
pub use source::{MAX_MEDIA_ID_LEN, MAX_SOURCES, Source};
pub(crate) use store::TaskStore;
pub use store::{TaskEvent, TaskLimits};
pub(crate) use table::Row;
pub(crate) use task::Task;
pub use task::{NewTask, TaskChanges};
pub use types::{
    CallbackState, ExitReason, InvalidReason, MAX_TASK_NAME_CHARS, Region, Repeat, SourceProtocol,
    SourceType, TaskName, TaskStatus,
};
