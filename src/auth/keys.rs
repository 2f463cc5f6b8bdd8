//! Where the verifier learns a key's secret and owner: a lookup the embedder provides.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use crate::ids::AccountId;

/// What the server knows about one AccessKey: its secret, the account it belongs to, and
/// whether it is enabled.
///
/// ```
/// use live_lifecycle::auth::Credential;
///
/// let credential = Credential::new("TestAccessKeySecret0123456789abc", "1001".try_into().unwrap());
/// assert!(credential.enabled);
/// assert!(!credential.disabled().enabled);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    /// The AccessKeySecret, the HMAC key (V1 appends `&`).
    pub secret: String,
    /// The account the key acts for.
    pub account: AccountId,
    /// A disabled key is refused with `InvalidAccessKeyId.Inactive`.
    pub enabled: bool,
}

impl Credential {
    /// An enabled key with this secret, acting for `account`.
    ///
    /// ```
    /// # use live_lifecycle::auth::Credential;
    /// let credential = Credential::new("s3cret", "1001".try_into().unwrap());
    /// assert_eq!(credential.account.as_str(), "1001");
    /// ```
    pub fn new(secret: impl Into<String>, account: AccountId) -> Self {
        Self {
            secret: secret.into(),
            account,
            enabled: true,
        }
    }

    /// The same key, disabled.
    ///
    /// ```
    /// # use live_lifecycle::auth::Credential;
    /// let credential = Credential::new("s3cret", "1001".try_into().unwrap()).disabled();
    /// assert!(!credential.enabled);
    /// ```
    pub fn disabled(self) -> Self {
        Self {
            enabled: false,
            ..self
        }
    }
}

/// Hand-written so the secret never reaches a log through `{:?}`.
impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("secret", &"<redacted>")
            .field("account", &self.account)
            .field("enabled", &self.enabled)
            .finish()
    }
}

/// The lookup from AccessKeyId to [`Credential`]: a map, or any closure.
///
/// ```
/// use std::collections::HashMap;
/// use live_lifecycle::auth::{Credential, KeyStore};
///
/// let account = live_lifecycle::ids::AccountId::try_from("1001").unwrap();
/// let mut map = HashMap::new();
/// map.insert("LTAI5tKEY".to_owned(), Credential::new("secret", account.clone()));
/// assert!(map.credential("LTAI5tKEY").is_some());
/// assert!(map.credential("other").is_none());
///
/// let closure = |id: &str| (id == "LTAI5tKEY").then(|| Credential::new("secret", account.clone()));
/// assert!(closure.credential("LTAI5tKEY").is_some());
/// ```
pub trait KeyStore {
    /// The credential of `access_key_id`, or `None` if the key is unknown.
    fn credential(&self, access_key_id: &str) -> Option<Credential>;
}

impl<F> KeyStore for F
where
    F: Fn(&str) -> Option<Credential>,
{
    fn credential(&self, access_key_id: &str) -> Option<Credential> {
        self(access_key_id)
    }
}

impl<S: BuildHasher> KeyStore for HashMap<String, Credential, S> {
    fn credential(&self, access_key_id: &str) -> Option<Credential> {
        self.get(access_key_id).cloned()
    }
}

impl KeyStore for BTreeMap<String, Credential> {
    fn credential(&self, access_key_id: &str) -> Option<Credential> {
        self.get(access_key_id).cloned()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let account = AccountId::try_from("1001").unwrap();
        let text = format!("{:?}", Credential::new("TopSecretValue", account));
        assert!(!text.contains("TopSecretValue"));
        assert!(text.contains("1001"));
    }
}
