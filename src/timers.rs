//! The queue of task deadlines across all accounts: one entry per task, for when it next
//! changes on its own, the earliest first.
//!
//! Entries are ordered by deadline and then by the task's creation number (`seq`), both held
//! inline, so placing or finding an entry compares numbers only. Ordering by the ids instead
//! (as before) read each compared id's text, a cache miss apiece in a queue of a million,
//! whose entries share their deadline second by the thousand when tasks start together.
//! The account comes last. An entry holds no task id: creation numbers are unique in an
//! engine, and the task is checked by its number before use. Two tasks of one account
//! sharing a number and a deadline (only a tampered snapshot's can) share one entry, and
//! `State::invariants_hold` then counts one timer too few.
//!
//! The deadline and number are also packed into one integer, compared first: the queue's
//! B-tree searches each node's keys in turn, so placing a timer compares it with dozens of
//! entries, and comparing a `DateTime` and then the number took a fifth of `advance`'s
//! instructions with a million tasks queued (callgrind).
//!
//! Each entry also carries the task's row in its account's table, so the due task is read
//! without a lookup by id; the row takes no part in the order or in equality. Without the
//! id (48 bytes) an entry is 88 bytes, not 136, and the queue's B-tree moves that much less
//! when it shifts a leaf's entries, as every removal of the first one does.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::ids::AccountId;
use crate::pull_to_push::Row;

/// One task's next deadline.
#[derive(Debug, Clone)]
pub(crate) struct Timer {
    /// `at` and `seq` packed, in their order (see [`packed`]).
    order: [u64; 2],
    pub(crate) at: DateTime<Utc>,
    /// The task's creation number.
    pub(crate) seq: u64,
    pub(crate) account: AccountId,
    /// Where the task is stored, checked against the creation number before use.
    pub(crate) row: Row,
}

/// The most of a creation number [`packed`] holds: larger ones all pack as this.
const SEQ_CAP: u64 = (1 << 52) - 1;

/// `at` and `seq` in one integer that orders as `(at, seq)` does, or ties: the second since
/// 1970 (within ±2^43 for any chrono time, offset to be positive) in the top 45 bits, the
/// nanoseconds (below 2^31, leap seconds included) in the next 31, and the creation number
/// in the last 52. A number from 2^52 − 1 up packs as 2^52 − 1, so two such timers at one
/// instant tie, and the account decides; below that, numbers pack exactly. Creation numbers
/// count the tasks an engine created, so only a snapshot written by hand reaches the cap.
/// As two words, not a `u128`, so that a timer keeps the alignment of 8 its ids have.
fn packed(at: DateTime<Utc>, seq: u64) -> [u64; 2] {
    // Never negative, nor 2^45 or more, for a time chrono can hold.
    let second = at.timestamp().saturating_add(1 << 44).unsigned_abs();
    let nanos = u64::from(at.timestamp_subsec_nanos());
    [
        (second << 19) | (nanos >> 12),
        ((nanos & 0xfff) << 52) | seq.min(SEQ_CAP),
    ]
}

impl Timer {
    pub(crate) fn new(at: DateTime<Utc>, seq: u64, account: AccountId, row: Row) -> Self {
        Self {
            order: packed(at, seq),
            at,
            seq,
            account,
            row,
        }
    }

    /// What orders and identifies the entry: the row is left out, being where the task
    /// happens to be stored rather than which task it is.
    fn key(&self) -> (&DateTime<Utc>, u64, &AccountId) {
        (&self.at, self.seq, &self.account)
    }
}

impl PartialEq for Timer {
    fn eq(&self, other: &Self) -> bool {
        self.order == other.order && self.key() == other.key()
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
        // Arrays of words compare in order, as the packed integer would.
        self.order
            .cmp(&other.order)
            .then_with(|| self.key().cmp(&other.key()))
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
    use chrono::{DateTime, TimeDelta, Utc};
    use proptest::prelude::*;

    use super::{SEQ_CAP, Timer, packed};
    use crate::pull_to_push::Row;
    use crate::time::tests::any_time;

    /// Creation numbers small and around the cap.
    fn any_seq() -> impl Strategy<Value = u64> {
        prop_oneof![0u64..5, SEQ_CAP - 3..=SEQ_CAP + 3, any::<u64>()]
    }

    proptest! {
        /// Packed keys order as `(at, seq)` does, and tie only for one instant and one
        /// number, or two numbers at or over the cap.
        #[test]
        fn packed_orders_as_deadline_then_number(
            a in any_time(),
            b in any_time(),
            near in prop::option::of(prop_oneof![
                -3_000i64..3_000,
                -1_000_000_000_000_000i64..1_000_000_000_000_000,
            ]),
            sa in any_seq(),
            sb in any_seq(),
        ) {
            // Often a few microseconds from `a`, where only the low bits of the nanoseconds
            // tell them apart, or within some weeks.
            let b = near
                .and_then(|n| a.checked_add_signed(TimeDelta::nanoseconds(n)))
                .unwrap_or(b);
            let (pa, pb) = (packed(a, sa), packed(b, sb));
            if pa == pb {
                prop_assert!(a == b && (sa == sb || (sa >= SEQ_CAP && sb >= SEQ_CAP)));
            } else {
                prop_assert_eq!(pa.cmp(&pb), (a, sa).cmp(&(b, sb)));
            }
        }
    }

    /// Two tasks' timers at one instant with numbers past the cap pack alike; the full key
    /// still tells them apart, for equality and for order.
    #[test]
    fn timers_tied_at_the_cap_differ_by_their_full_key() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let timer = |seq| Timer::new(at, seq, "1001".try_into().unwrap(), Row::NONE);
        let (first, second) = (timer(SEQ_CAP), timer(SEQ_CAP + 1));
        assert_eq!(first.order, second.order);
        assert_ne!(first, second);
        assert!(first < second);
        assert_eq!(first, first.clone());
    }

    /// The ends of chrono's range, and a leap second's fraction, keep their order.
    #[test]
    fn packed_at_the_edges() {
        let (first, last) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
        assert!(packed(first, u64::MAX) < packed(last, 0));
        assert!(packed(first, 0) < packed(first, 1));
        let leap = DateTime::from_timestamp(59, 1_500_000_000);
        let next = DateTime::from_timestamp(60, 0);
        assert!(matches!((leap, next), (Some(l), Some(n)) if packed(l, 9) < packed(n, 0)));
    }
}
