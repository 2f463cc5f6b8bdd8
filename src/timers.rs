//! The queue of task deadlines across all accounts: one entry per task, for when it next
//! changes on its own, the earliest first.
//!
//! Entries are ordered by deadline and then by the task's creation number (`seq`), both held
//! inline, so placing or finding an entry compares numbers only. Ordering by the ids instead
//! (as before) read each compared id's text, a cache miss apiece in a queue of a million,
//! whose entries share their deadline second by the thousand when tasks start together.
//! The ids come last, so a state whose numbers collide (only a tampered snapshot's can)
//! still keeps one entry per task.
//!
//! Each entry also carries the task's row in its account's table, so the due task is read
//! without a lookup by id; the row takes no part in the order or in equality.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};

use crate::ids::{AccountId, TaskId};
use crate::pull_to_push::Row;

/// One task's next deadline.
#[derive(Debug, Clone)]
pub(crate) struct Timer {
    pub(crate) at: DateTime<Utc>,
    /// The task's creation number.
    pub(crate) seq: u64,
    pub(crate) account: AccountId,
    pub(crate) id: TaskId,
    /// Where the task is stored: a shortcut, checked against the id before use.
    pub(crate) row: Row,
}

impl Timer {
    /// What orders and identifies the entry: the row is left out, being where the task
    /// happens to be stored rather than which task it is.
    fn key(&self) -> (&DateTime<Utc>, u64, &AccountId, &TaskId) {
        (&self.at, self.seq, &self.account, &self.id)
    }
}

impl PartialEq for Timer {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Timer {}

impl PartialOrd for Timer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timer {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// Every task's next deadline, earliest first; ties in creation order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Timers(BTreeSet<Timer>);

impl Timers {
    pub(crate) fn insert(&mut self, timer: Timer) {
        self.0.insert(timer);
    }

    pub(crate) fn remove(&mut self, timer: &Timer) {
        self.0.remove(timer);
    }

    /// The earliest deadline.
    pub(crate) fn first(&self) -> Option<&Timer> {
        self.0.first()
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Timer> {
        self.0.iter()
    }
}

impl FromIterator<Timer> for Timers {
    fn from_iter<I: IntoIterator<Item = Timer>>(timers: I) -> Self {
        Self(timers.into_iter().collect())
    }
}

/// Written as `[deadline, account, task id]` triples, the snapshot shape from before the
/// creation number joined the order: the number is the task's own, read back from it.
impl Serialize for Timers {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|t| (&t.at, &t.account, &t.id)))
    }
}
