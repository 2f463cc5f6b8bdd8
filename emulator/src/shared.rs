//! What every request shares: the engine, the clock and the keys, behind one lock.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use live_lifecycle::auth::{Credential, NonceMemory};
use live_lifecycle::ids::{IdGenerator, IdKind, SeededIds};
use live_lifecycle::pull_to_push::Callback;
use live_lifecycle::{Config, Engine};
use tokio::sync::mpsc;

use crate::chaos::Chaos;
use crate::journal::Journal;

/// The seed of the request ids of calls refused at the gateway (a bad signature, say).
const GATEWAY_SEED: u64 = 0x6761_7465;

/// Where time comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Clock {
    Real,
    Manual(DateTime<Utc>),
}

/// Everything the requests share, behind one lock (the engine is fast; no await while held).
pub(crate) struct Inner {
    pub(crate) engine: Engine,
    pub(crate) clock: Clock,
    pub(crate) keys: HashMap<String, Credential>,
    pub(crate) nonces: NonceMemory,
    /// How many calls the gateway refused before the engine saw them: their request ids
    /// come from a generator of their own.
    pub(crate) refused: u64,
    /// The engine's configuration, for a reset to start afresh with.
    pub(crate) config: Config,
    /// The recent API requests.
    pub(crate) journal: Journal,
    /// The injected errors and latencies.
    pub(crate) chaos: Chaos,
}

impl Inner {
    /// A request id for a call refused at the gateway.
    pub(crate) fn refusal_id(&mut self) -> String {
        self.refused += 1;
        SeededIds::new(GATEWAY_SEED).generate(IdKind::Request, self.refused)
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        match self.clock {
            Clock::Real => Utc::now(),
            Clock::Manual(t) => t,
        }
    }
}

pub(crate) struct Shared {
    pub(crate) emulator: Mutex<Inner>,
    pub(crate) callbacks: mpsc::UnboundedSender<Callback>,
    /// The bearer token every control call must carry, when set.
    pub(crate) control_token: Option<String>,
}

impl Shared {
    /// The lock, also after a panic elsewhere: the engine never panics, and a poisoned lock
    /// should not take the whole emulator down.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.emulator.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Hands the engine's pending callbacks to the delivery worker.
    pub(crate) fn ship_callbacks(&self, emulator: &mut Inner) {
        for callback in emulator.engine.drain_callbacks() {
            // The worker lives as long as the server; if it is gone we are shutting down.
            let _ = self.callbacks.send(callback);
        }
    }
}
