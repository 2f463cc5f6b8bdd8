//! The event log's unit: a change the engine made, with who made it and when.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::edge::EdgeEvent;
use crate::ids::AccountId;
use crate::pull_to_push::TaskEvent;

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
