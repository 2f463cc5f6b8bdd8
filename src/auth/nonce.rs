//! The memory of used nonces: a value the caller owns and passes to every
//! [`verify`](super::verify), so replay protection needs no globals and no clock.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::{AuthError, WINDOW};
use crate::Map;
use crate::time::saturating_add;

/// The nonces each AccessKey has used, each remembered while a request carrying it could
/// still pass the timestamp check, then forgotten, so memory stays bounded by the traffic of
/// one window.
///
/// A nonce is kept until its request's signed time plus [`WINDOW`] (a replay after that
/// fails as `InvalidTimeStamp.Expired` anyway), and at least [`WINDOW`] after it was seen.
/// [`verify`](super::verify) forgets what has expired at each call; a host with idle periods
/// may call [`NonceMemory::expire`] itself, at [`NonceMemory::next_expiry`].
///
/// ```
/// use live_lifecycle::auth::NonceMemory;
///
/// let mut nonces = NonceMemory::new();
/// assert!(nonces.is_empty());
/// nonces.expire("2025-01-15T08:30:00Z".parse().unwrap());
/// assert_eq!(nonces.next_expiry(), None);
/// ```
#[derive(Debug, Clone, Default)]
pub struct NonceMemory {
    /// AccessKeyId → nonce → when it may be forgotten.
    by_key: Map<String, Map<String, DateTime<Utc>>>,
    /// The same entries ordered by when they may be forgotten, so expiring is a walk from
    /// the front rather than a scan of everything.
    by_expiry: BTreeSet<(DateTime<Utc>, String, String)>,
}

impl NonceMemory {
    /// An empty memory.
    ///
    /// ```
    /// # use live_lifecycle::auth::NonceMemory;
    /// assert_eq!(NonceMemory::new().len(), 0);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// How many nonces are remembered, over all keys.
    ///
    /// ```
    /// # use live_lifecycle::auth::NonceMemory;
    /// assert_eq!(NonceMemory::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.by_expiry.len()
    }

    /// Whether no nonce is remembered.
    ///
    /// ```
    /// # use live_lifecycle::auth::NonceMemory;
    /// assert!(NonceMemory::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.by_expiry.is_empty()
    }

    /// Forgets every nonce whose time has passed at `now`.
    ///
    /// ```
    /// # use live_lifecycle::auth::NonceMemory;
    /// let mut nonces = NonceMemory::new();
    /// nonces.expire("2025-01-15T08:30:00Z".parse().unwrap());
    /// assert!(nonces.is_empty());
    /// ```
    pub fn expire(&mut self, now: DateTime<Utc>) {
        while let Some(first) = self.by_expiry.first()
            && first.0 < now
        {
            let Some((_, key, nonce)) = self.by_expiry.pop_first() else {
                break;
            };
            if let Some(used) = self.by_key.get_mut(&key) {
                used.remove(&nonce);
                if used.is_empty() {
                    self.by_key.remove(&key);
                }
            }
        }
    }

    /// When the oldest remembered nonce may be forgotten, if any: the host's next reason to
    /// call [`NonceMemory::expire`].
    ///
    /// ```
    /// # use live_lifecycle::auth::NonceMemory;
    /// assert!(NonceMemory::new().next_expiry().is_none());
    /// ```
    pub fn next_expiry(&self) -> Option<DateTime<Utc>> {
        self.by_expiry.first().map(|(at, _, _)| *at)
    }

    /// Records `nonce` for `access_key_id`, or refuses it if it is remembered already.
    pub(crate) fn remember(
        &mut self,
        access_key_id: &str,
        nonce: &str,
        signed_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), AuthError> {
        let used = self.by_key.entry(access_key_id.to_owned()).or_default();
        if used.get(nonce).is_some_and(|until| *until >= now) {
            return Err(AuthError::SignatureNonceUsed);
        }
        let until = saturating_add(signed_at.max(now), WINDOW);
        if let Some(previous) = used.insert(nonce.to_owned(), until) {
            // Only an entry past its time that `expire` has not reached yet can be here.
            self.by_expiry
                .remove(&(previous, access_key_id.to_owned(), nonce.to_owned()));
        }
        self.by_expiry
            .insert((until, access_key_id.to_owned(), nonce.to_owned()));
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        crate::time::parse_utc(text).unwrap()
    }

    #[test]
    fn a_nonce_is_refused_within_the_window_and_per_key() {
        let mut nonces = NonceMemory::new();
        let t = at("2025-01-15T08:30:00Z");
        assert_eq!(nonces.remember("K1", "n", t, t), Ok(()));
        assert_eq!(
            nonces.remember("K1", "n", t, at("2025-01-15T08:44:59Z")),
            Err(AuthError::SignatureNonceUsed)
        );
        // Another key may use the same nonce.
        assert_eq!(nonces.remember("K2", "n", t, t), Ok(()));
        assert_eq!(nonces.len(), 2);
    }

    #[test]
    fn expiry_bounds_memory() {
        let mut nonces = NonceMemory::new();
        let t = at("2025-01-15T08:30:00Z");
        for i in 0..100 {
            nonces.remember("K1", &format!("n{i}"), t, t).unwrap();
        }
        assert_eq!(nonces.next_expiry(), Some(at("2025-01-15T08:45:00Z")));
        nonces.expire(at("2025-01-15T08:45:00Z"));
        assert_eq!(
            nonces.len(),
            100,
            "kept through the last second of the window"
        );
        nonces.expire(at("2025-01-15T08:45:01Z"));
        assert!(nonces.is_empty());
        assert!(
            nonces.by_key.is_empty(),
            "no empty per-key maps left behind"
        );
    }

    #[test]
    fn a_future_signed_time_is_remembered_until_it_leaves_the_window() {
        let mut nonces = NonceMemory::new();
        let now = at("2025-01-15T08:30:00Z");
        let signed = at("2025-01-15T08:40:00Z");
        nonces.remember("K1", "n", signed, now).unwrap();
        assert_eq!(nonces.next_expiry(), Some(at("2025-01-15T08:55:00Z")));
    }

    #[test]
    fn an_entry_past_its_time_is_replaced_before_expire_runs() {
        let mut nonces = NonceMemory::new();
        let t = at("2025-01-15T08:30:00Z");
        nonces.remember("K1", "n", t, t).unwrap();
        let later = at("2025-01-15T09:00:00Z");
        nonces.remember("K1", "n", later, later).unwrap();
        assert_eq!(nonces.len(), 1);
        assert_eq!(nonces.next_expiry(), Some(at("2025-01-15T09:15:00Z")));
    }
}
