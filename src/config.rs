//! What an engine is built with: who may use each service, the quotas, the templates, the
//! rate limits.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::edge::{EdgeLimits, TemplateCatalogue};
use crate::ids::AccountId;
use crate::pull_to_push::TaskLimits;
use crate::throttle::Throttle;

/// Which accounts may use a service.
///
/// ```
/// use live_lifecycle::Access;
/// let only = Access::Only(["1001".try_into().unwrap()].into());
/// assert!(only.allows(&"1001".try_into().unwrap()));
/// assert!(!only.allows(&"1002".try_into().unwrap()));
/// assert!(Access::Everyone.allows(&"1002".try_into().unwrap()));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Access {
    /// Every account.
    #[default]
    Everyone,
    /// Only these accounts; the others get `Forbidden`.
    Only(BTreeSet<AccountId>),
}

impl Access {
    /// Whether `account` may use the service.
    ///
    /// ```
    /// # use live_lifecycle::Access;
    /// assert!(!Access::Only(Default::default()).allows(&"1".try_into().unwrap()));
    /// ```
    pub fn allows(&self, account: &AccountId) -> bool {
        match self {
            Self::Everyone => true,
            Self::Only(accounts) => accounts.contains(account),
        }
    }
}

/// Everything an engine is built with.
///
/// ```
/// use live_lifecycle::Config;
/// let config = Config::default();
/// assert_eq!(config.host_id, "live.aliyuncs.com");
/// assert_eq!(config.edge_limits.max_jobs, 500);
/// assert_eq!(config.task_limits.max_tasks, 100);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// The edge transcoding templates (read-only through the API).
    pub templates: TemplateCatalogue,
    /// Per-account job quotas of the edge family.
    pub edge_limits: EdgeLimits,
    /// Who is entitled to edge transcoding (others get `Forbidden`, 403).
    pub edge_access: Access,
    /// Per-account limits and clocks of the pull-to-push family.
    pub task_limits: TaskLimits,
    /// Which accounts have activated ApsaraVideo Live (others get `LiveServiceNotFound`, 400,
    /// on every pull-to-push call).
    pub live_service: Access,
    /// Which accounts have a live domain name (others get `CodeInvalidAliUid`, 400, on every
    /// pull-to-push call).
    pub live_domains: Access,
    /// The rate limits of the RPC wire ([`Engine::handle_rpc`](crate::Engine::handle_rpc)).
    pub throttle: Throttle,
    /// The `HostId` of error bodies.
    pub host_id: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            templates: TemplateCatalogue::default(),
            edge_limits: EdgeLimits::default(),
            edge_access: Access::Everyone,
            task_limits: TaskLimits::default(),
            live_service: Access::Everyone,
            live_domains: Access::Everyone,
            throttle: Throttle::default(),
            host_id: "live.aliyuncs.com".to_owned(),
        }
    }
}
