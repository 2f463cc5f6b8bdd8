//! The queue of task deadlines across all accounts: one entry per task, for when it next
//! changes on its own, the earliest first; entries of one deadline in creation order.
//!
//! An entry holds its task's creation number (unique in an engine, and checked against the
//! task before use) and its row in its account's table, so the due task is read without a
//! lookup by id. The row takes no part in the order or in equality: it is where the task
//! happens to be stored, not which task it is.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::ids::AccountId;
use crate::pull_to_push::Row;

/// One task's next deadline.
#[derive(Debug, Clone)]
pub(crate) struct Timer {
    pub(crate) at: DateTime<Utc>,
    /// The task's creation number.
    pub(crate) seq: u64,
    pub(crate) account: AccountId,
    /// Where the task is stored, checked against the creation number before use.
    pub(crate) row: Row,
}

impl Timer {
    pub(crate) fn new(at: DateTime<Utc>, seq: u64, account: AccountId, row: Row) -> Self {
        Self {
            at,
            seq,
            account,
            row,
        }
    }

    /// What orders and identifies the entry.
    fn key(&self) -> (&DateTime<Utc>, u64, &AccountId) {
        (&self.at, self.seq, &self.account)
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::{Timer, Timers};
    use crate::pull_to_push::Row;

    /// Earliest first, then by creation number, then by account; the row plays no part.
    #[test]
    fn timers_order_by_deadline_number_and_account_not_row() {
        let at = |s| DateTime::<Utc>::from_timestamp(s, 0).unwrap();
        let timer = |s, seq, account: &str, row| {
            Timer::new(at(s), seq, account.try_into().unwrap(), Row::at(row))
        };
        let queue: Timers = [
            timer(20, 0, "1001", 0),
            timer(10, 5, "1002", 1),
            timer(10, 5, "1001", 2),
            timer(10, 1, "1003", 3),
        ]
        .into_iter()
        .collect();
        let order: Vec<(i64, u64, &str)> = queue
            .iter()
            .map(|t| (t.at.timestamp(), t.seq, t.account.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                (10, 1, "1003"),
                (10, 5, "1001"),
                (10, 5, "1002"),
                (20, 0, "1001")
            ]
        );
        assert_eq!(timer(10, 5, "1001", 2), timer(10, 5, "1001", 7));
        assert_ne!(timer(10, 5, "1001", 2), timer(10, 6, "1001", 2));
    }
}
