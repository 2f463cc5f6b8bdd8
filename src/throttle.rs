//! The per-account rate limits of the RPC wire: a pure model fed by `now`.
//!
//! Each account has one counter per API family and fixed windows aligned on the Unix epoch
//! (a one-minute window runs from second 0 to second 59 of each minute). A call is counted
//! in the window its `now` falls in; once a window holds `calls` calls, the next call in it
//! is refused with `Throttling.User` and is not counted. Fixed windows are what the docs'
//! "N calls per second/minute" says, cost one map entry per account and family, and make the
//! limit exact to test.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Map;

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

/// The rate limits of each family; `None` switches a family's limit off.
///
/// ```
/// use live_lifecycle::{Rate, Throttle};
/// let t = Throttle::default();
/// assert_eq!(t.edge, Some(Rate { calls: 6000, per_secs: 60 }));
/// assert_eq!(Throttle::off().edge, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Throttle {
    /// The edge transcoding family: 6,000 calls a minute per account, as documented.
    pub edge: Option<Rate>,
    /// The pull-to-push family: 10 calls a second per account, as documented.
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

/// The two API families, each with its own limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Family {
    Edge,
    PullToPush,
}

/// The counters: per account and family, the current window and the calls counted in it.
/// Keyed by account alone, so a known caller is found by the text of its id, without
/// building one.
#[derive(Debug, Clone, Default)]
pub(crate) struct Counters {
    windows: Map<Box<str>, [(i64, u32); 2]>,
}

impl Counters {
    /// Counts a call, or refuses it (`false`, nothing counted) when its window is full.
    pub(crate) fn admit(
        &mut self,
        limits: &Throttle,
        account: &str,
        family: Family,
        now: DateTime<Utc>,
    ) -> bool {
        let rate = match family {
            Family::Edge => limits.edge,
            Family::PullToPush => limits.pull_to_push,
        };
        let Some(rate) = rate else {
            return true;
        };
        let window = now.timestamp().div_euclid(i64::from(rate.per_secs.max(1)));
        let windows = match self.windows.get_mut(account) {
            Some(windows) => windows,
            None => self
                .windows
                .entry(account.into())
                // No window yet for either family (their windows differ in length).
                .or_insert([(i64::MIN, 0); 2]),
        };
        let [edge, pull_to_push] = windows;
        let entry = match family {
            Family::Edge => edge,
            Family::PullToPush => pull_to_push,
        };
        // Only a later window starts a new count: a call stamped earlier (a clock that went
        // back) counts in the current window rather than reopening it.
        if window > entry.0 {
            *entry = (window, 0);
        }
        if entry.1 >= rate.calls {
            return false;
        }
        entry.1 += 1;
        true
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

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
        let a = "1";
        let t = |s: i64| DateTime::from_timestamp(s, 0).unwrap();
        assert!(c.admit(&limits, a, Family::PullToPush, t(100)));
        assert!(c.admit(&limits, a, Family::PullToPush, t(105)));
        assert!(!c.admit(&limits, a, Family::PullToPush, t(109)));
        assert!(c.admit(&limits, a, Family::Edge, t(109)), "edge is off");
        assert!(c.admit(&limits, a, Family::PullToPush, t(110)));
    }
}
