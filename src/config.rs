//! What an engine is built with: who may use each service, the quotas, the templates, the
//! rate limits, and how strictly requests are checked.

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
/// assert!(!config.strict);
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
    /// Whether to refuse, besides what the documentation refuses, what it only calls
    /// ineffective and what the crate infers is a mistake (docs/fidelity.md, "Refusals:
    /// strict or lenient"). Off by default: a default engine refuses only what the
    /// documentation refuses or what is plainly malformed, and accepts and ignores the
    /// rest, as the real service would. A configuration written without the field reads
    /// as `false`.
    ///
    /// ```
    /// use live_lifecycle::pull_to_push::CreateLivePullToPushRequest;
    /// use live_lifecycle::{Config, Engine};
    ///
    /// // A live source with RepeatNumber, which the docs call effective only for vod and
    /// // url sources.
    /// let req = CreateLivePullToPushRequest {
    ///     region: Some("cn-shanghai".into()),
    ///     start_time: Some("2030-01-01T10:00:00Z".into()),
    ///     end_time: Some("2030-01-01T12:00:00Z".into()),
    ///     source_type: Some("live".into()),
    ///     source_protocol: Some("rtmp".into()),
    ///     source_urls: Some(vec!["rtmp://pull.example.com/live/s1".into()]),
    ///     dst_url: Some("rtmp://push.example.com/live/s1".into()),
    ///     repeat_number: Some(2),
    ///     ..Default::default()
    /// };
    /// let (account, now) = ("1001".try_into().unwrap(), "2030-01-01T09:00:00Z".parse().unwrap());
    ///
    /// let mut lenient = Engine::new(Config::default());
    /// assert!(lenient.create_live_pull_to_push(&account, &req, now).is_ok()); // accepted, ignored
    ///
    /// let mut strict = Engine::new(Config { strict: true, ..Config::default() });
    /// let refused = strict.create_live_pull_to_push(&account, &req, now).unwrap_err();
    /// assert_eq!(refused.code(), "InvalidParameter");
    ///
    /// // Configurations written before the field existed still load, lenient.
    /// let mut old = serde_json::to_value(Config::default()).unwrap();
    /// old.as_object_mut().unwrap().remove("strict");
    /// assert!(!serde_json::from_value::<Config>(old).unwrap().strict);
    /// ```
    #[serde(default)]
    pub strict: bool,
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
            strict: false,
        }
    }
}
