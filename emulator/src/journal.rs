//! The recent API requests, for tests that check what their code sent: a bounded ring.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use live_lifecycle::time::format_utc;
use serde_json::{Value, json};

/// One API request as `GET /_emulator/requests` lists it.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) time: DateTime<Utc>,
    /// The AccessKeyId's account; empty when the call was refused before its signature held.
    pub(crate) account: String,
    pub(crate) action: String,
    pub(crate) status: u16,
    /// The error code; empty for a success.
    pub(crate) code: String,
    pub(crate) latency_ms: f64,
}

/// The newest `capacity` entries, oldest first.
#[derive(Debug)]
pub(crate) struct Journal {
    entries: VecDeque<Entry>,
    capacity: usize,
}

impl Journal {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            entries: VecDeque::with_capacity(capacity.min(1024)),
            capacity,
        }
    }

    /// Records an entry, dropping the oldest when full (a capacity of 0 keeps nothing).
    pub(crate) fn record(&mut self, entry: Entry) {
        if self.capacity == 0 {
            return;
        }
        if self.entries.len() >= self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// Forgets every entry, or those of one account.
    pub(crate) fn clear(&mut self, account: Option<&str>) {
        match account {
            Some(account) => self.entries.retain(|e| e.account != account),
            None => self.entries.clear(),
        }
    }

    /// The newest `limit` entries of `account` (of every account when `None`), oldest first,
    /// as JSON.
    pub(crate) fn recent(&self, account: Option<&str>, limit: usize) -> Vec<Value> {
        let mut picked: Vec<&Entry> = self
            .entries
            .iter()
            .rev()
            .filter(|e| account.is_none_or(|a| e.account == a))
            .take(limit)
            .collect();
        picked.reverse();
        picked
            .into_iter()
            .map(|e| {
                json!({
                    "Time": format_utc(&e.time),
                    "AccessKeyId": e.account,
                    "Action": e.action,
                    "Status": e.status,
                    "Code": e.code,
                    "LatencyMs": e.latency_ms,
                })
            })
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn entry(account: &str, action: &str) -> Entry {
        Entry {
            time: "2030-01-01T00:00:00Z".parse().unwrap(),
            account: account.into(),
            action: action.into(),
            status: 200,
            code: String::new(),
            latency_ms: 1.0,
        }
    }

    #[test]
    fn the_ring_keeps_the_newest_and_filters_by_account() {
        let mut journal = Journal::new(3);
        for (account, action) in [("a", "1"), ("b", "2"), ("a", "3"), ("a", "4"), ("b", "5")] {
            journal.record(entry(account, action));
        }
        let actions = |list: Vec<Value>| -> Vec<String> {
            list.iter()
                .map(|e| e["Action"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(actions(journal.recent(None, 10)), ["3", "4", "5"]);
        assert_eq!(actions(journal.recent(Some("a"), 10)), ["3", "4"]);
        assert_eq!(actions(journal.recent(None, 1)), ["5"]);
        journal.clear(Some("a"));
        assert_eq!(actions(journal.recent(None, 10)), ["5"]);
        let mut none = Journal::new(0);
        none.record(entry("a", "1"));
        assert!(none.recent(None, 10).is_empty());
    }
}
