//! The per-account, per-operation rate limits of the RPC wire: a pure model fed the instant
//! each call arrived.
//!
//! Every operation's page sets its own limit ("You can call this operation up to 10 times per
//! second per account"; edge: "6,000 calls per minute per user"), so each account has one
//! counter per operation, at its family's rate, in fixed windows aligned on the Unix epoch (a
//! one-minute window runs from second 0 to second 59 of each minute). A call is counted in
//! the window its arrival instant falls in; once a window holds `calls` calls, the next call
//! of that operation in it is refused with `Throttling.User` and is not counted. The instant
//! is the real time the call arrived ([`RpcCall::arrived_at`](crate::RpcCall::arrived_at)),
//! which an embedder running the lifecycle on a manual clock keeps apart from `now`. Fixed
//! windows are what "N calls per second/minute" says, and make the limit exact to test.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Map;
use crate::operation::Action;

/// How many calls one account may make per window.
///
/// ```
/// use live_lifecycle::Rate;
/// let r = Rate { calls: 10, per_secs: 1 };
/// assert_eq!(r, live_lifecycle::Throttle::default().pull_to_push.unwrap());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    /// Calls allowed in one window.
    pub calls: u32,
    /// The window, in seconds (0 is read as 1).
    pub per_secs: u32,
}

/// The rate limit of each operation of a family (each operation counts on its own); `None`
/// switches a family's limits off.
///
/// ```
/// use live_lifecycle::{Rate, Throttle};
/// let t = Throttle::default();
/// assert_eq!(t.edge, Some(Rate { calls: 6000, per_secs: 60 }));
/// assert_eq!(Throttle::off().edge, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Throttle {
    /// Each edge transcoding operation: 6,000 calls a minute per account, as documented.
    pub edge: Option<Rate>,
    /// Each pull-to-push operation: 10 calls a second per account, as documented.
    pub pull_to_push: Option<Rate>,
}

impl Default for Throttle {
    fn default() -> Self {
        Self {
            edge: Some(Rate {
                calls: 6000,
                per_secs: 60,
            }),
            pull_to_push: Some(Rate {
                calls: 10,
                per_secs: 1,
            }),
        }
    }
}

impl Throttle {
    /// No limits at all.
    ///
    /// ```
    /// assert_eq!(live_lifecycle::Throttle::off().pull_to_push, None);
    /// ```
    pub fn off() -> Self {
        Self {
            edge: None,
            pull_to_push: None,
        }
    }
}

/// The two API families, each with its own rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Family {
    Edge,
    PullToPush,
}

/// The counters: per account and operation, the current window and the calls counted in it.
/// Keyed by account first, so a known caller is found by the text of its id, without
/// building one.
#[derive(Debug, Clone, Default)]
pub(crate) struct Counters {
    windows: Map<Box<str>, Map<Action, Window>>,
}

/// A window (its index since the epoch) and the calls counted in it.
#[derive(Debug, Clone, Copy)]
struct Window {
    index: i64,
    calls: u32,
}

impl Counters {
    /// Forgets an account's windows.
    pub(crate) fn forget(&mut self, account: &str) {
        self.windows.remove(account);
    }

    /// Counts a call, or refuses it (`false`, nothing counted) when its window is full.
    pub(crate) fn admit(
        &mut self,
        limits: &Throttle,
        account: &str,
        action: Action,
        arrived: DateTime<Utc>,
    ) -> bool {
        let rate = match action.family() {
            Family::Edge => limits.edge,
            Family::PullToPush => limits.pull_to_push,
        };
        let Some(rate) = rate else {
            return true;
        };
        let index = arrived
            .timestamp()
            .div_euclid(i64::from(rate.per_secs.max(1)));
        let windows = match self.windows.get_mut(account) {
            Some(windows) => windows,
            None => self.windows.entry(account.into()).or_default(),
        };
        let window = windows.entry(action).or_insert(Window { index, calls: 0 });
        // Only a later window starts a new count: a call stamped earlier (a clock that went
        // back) counts in the current window rather than reopening it.
        if index > window.index {
            *window = Window { index, calls: 0 };
        }
        if window.calls >= rate.calls {
            return false;
        }
        window.calls += 1;
        true
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(s, 0).unwrap()
    }

    #[test]
    fn a_full_window_refuses_until_the_next_one() {
        let limits = Throttle {
            edge: None,
            pull_to_push: Some(Rate {
                calls: 2,
                per_secs: 10,
            }),
        };
        let mut c = Counters::default();
        let (a, op) = ("1", Action::DescribeLivePullToPush);
        assert!(c.admit(&limits, a, op, at(100)));
        assert!(c.admit(&limits, a, op, at(105)));
        assert!(!c.admit(&limits, a, op, at(109)));
        assert!(
            c.admit(&limits, a, Action::GetEdgeTranscodeJob, at(109)),
            "edge is off"
        );
        assert!(c.admit(&limits, a, op, at(110)));
    }

    #[test]
    fn each_operation_and_each_account_counts_on_its_own() {
        let limits = Throttle::default();
        let mut c = Counters::default();
        let pull_to_push = [
            Action::CreateLivePullToPush,
            Action::UpdateLivePullToPush,
            Action::DeleteLivePullToPush,
            Action::DescribeLivePullToPush,
            Action::DescribeLivePullToPushList,
            Action::StopLivePullToPush,
            Action::RestartLivePullToPush,
        ];
        // Ten calls of each of the seven in one second: 70 calls, all admitted.
        for op in pull_to_push {
            for _ in 0..10 {
                assert!(c.admit(&limits, "1", op, at(7)), "{op:?}");
            }
        }
        assert!(!c.admit(&limits, "1", Action::StopLivePullToPush, at(7)));
        assert!(c.admit(&limits, "2", Action::StopLivePullToPush, at(7)));
    }
}
