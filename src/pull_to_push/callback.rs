//! Callbacks: what the engine asks the embedder to deliver when a task with a CallbackUrl
//! enters Running, Recovering, Offline or Exit. The library never sends anything itself.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::task::Task;
use super::types::{CallbackState, Region, TaskName};
use crate::ids::{AccountId, TaskId};

/// One callback to deliver: where, and the JSON body to POST.
///
/// ```
/// use live_lifecycle::pull_to_push::{Callback, CallbackBody, CallbackState, Region};
/// let cb = Callback {
///     url: "https://hooks.example.com/p2p".into(),
///     account: "1001".try_into().unwrap(),
///     body: CallbackBody {
///         task_id: "t1".try_into().unwrap(),
///         task_name: Default::default(),
///         region: Region::CnShanghai,
///         state: CallbackState::Running,
///         time: "2030-01-01T10:00:00Z".parse().unwrap(),
///         reason: None,
///     },
/// };
/// assert_eq!(serde_json::to_string(&cb.body).unwrap(),
///     r#"{"TaskId":"t1","TaskName":"","Region":"cn-shanghai","Status":"Running","Time":"2030-01-01T10:00:00Z"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callback {
    /// The task's CallbackUrl at the time of the event.
    pub url: String,
    /// The account that owns the task.
    pub account: AccountId,
    /// What to POST, as JSON.
    pub body: CallbackBody,
}

/// The JSON body of a callback. The docs do not show one, so the shape is chosen here
/// (README, "Behaviour notes").
///
/// ```
/// # use live_lifecycle::pull_to_push::CallbackBody;
/// let json = r#"{"TaskId":"t1","TaskName":"n","Region":"cn-beijing","Status":"Exit","Time":"2030-01-01T12:00:00Z","Reason":"OverEndTime"}"#;
/// let body: CallbackBody = serde_json::from_str(json).unwrap();
/// assert_eq!(body.reason.as_deref(), Some("OverEndTime"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CallbackBody {
    /// The task.
    pub task_id: TaskId,
    /// Its name.
    pub task_name: TaskName,
    /// Its region.
    pub region: Region,
    /// The state it entered.
    #[serde(rename = "Status")]
    pub state: CallbackState,
    /// When it entered it.
    #[serde(with = "crate::time::wire")]
    pub time: DateTime<Utc>,
    /// Why, where there is a reason: the fault while Recovering, the TaskInvalidReason
    /// when Offline after failed retries, the TaskExitReason on Exit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Callback {
    /// The callback for `task` having just entered `state` at `time`, if it has a URL.
    pub(crate) fn for_task(
        account: &AccountId,
        task: &Task,
        state: CallbackState,
        time: DateTime<Utc>,
    ) -> Option<Self> {
        let spec = task.spec();
        let url = spec.callback_url.as_ref()?;
        Some(Self {
            url: url.to_string(),
            account: account.clone(),
            body: CallbackBody {
                task_id: task.id().clone(),
                task_name: spec.name.clone(),
                region: spec.region,
                state,
                time,
                reason: task.reason().map(str::to_owned),
            },
        })
    }
}
