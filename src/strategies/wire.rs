//! Raw calls as the RPC wire receives them: an action and string parameters, for
//! [`Engine::handle_rpc`](crate::Engine::handle_rpc).

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use proptest::sample::select;

use super::valid_request;
use crate::operation::Action;
use crate::{ACTIONS, API_VERSION};

/// Parameters of a signed request that no action reads, and that the wire ignores.
const COMMON: &[(&str, &str)] = &[
    ("Format", "JSON"),
    ("AccessKeyId", "LTAIexampleKey"),
    ("SignatureMethod", "HMAC-SHA1"),
    ("SignatureVersion", "1.0"),
    ("SignatureNonce", "3f1c0d2e-9a4b-4c5d-8e6f-0a1b2c3d4e5f"),
    ("Signature", "c2lnbmF0dXJl"),
    ("Timestamp", "2030-01-01T00:00:00Z"),
    ("RegionId", "cn-shanghai"),
    ("OwnerId", "1234567890123456"),
];

/// Values that mean something to some parameter, for arbitrary calls to get past the first
/// checks now and then.
const PLAUSIBLE: &[&str] = &[
    "",
    "0",
    "1",
    "-1",
    "100",
    "101",
    "2147483648",
    "1.5",
    "asc",
    "desc",
    "common",
    "H.264",
    "cluster-1",
    "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01",
    "cn-shanghai",
    "live",
    "vod",
    "url",
    "rtmp",
    "hls",
    "rtmp://push.example.com/live/s",
    "srt://in.example.com:9000",
    "https://cdn.example.com/a.mp4",
    "https://hooks.example.com/cb",
    "[\"rtmp://pull.example.com/live/s\"]",
    "[\"a1b2c3\",\"d4e5f6\"]",
    "[]",
    "[1]",
    "2030-01-01T00:00:00Z",
    "2030-01-02T00:00:00Z",
    API_VERSION,
];

/// The pairs as [`Engine::handle_rpc`](crate::Engine::handle_rpc) takes them.
///
/// ```
/// use live_lifecycle::strategies::pairs;
/// let params = vec![("ClusterId".to_owned(), "c1".to_owned())];
/// assert_eq!(pairs(&params), [("ClusterId", "c1")]);
/// ```
pub fn pairs(params: &[(String, String)]) -> Vec<(&str, &str)> {
    params
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect()
}

/// Valid calls as the wire receives them at `now`: a [`valid_request`] rendered by
/// [`Request::params`](super::Request::params), its action either as the `action` argument
/// (the `x-acs-action` header; the first of the pair) or as an `Action` parameter (then the
/// first of the pair is empty), sometimes with `Version`, with a few of the common
/// parameters of a signed request, in any order. Through `handle_rpc` each one answers as
/// its typed request does.
///
/// ```
/// use live_lifecycle::strategies::{pairs, valid_wire};
/// use live_lifecycle::{Config, Engine};
/// use proptest::strategy::{Strategy, ValueTree};
///
/// let now = "2030-01-01T00:00:00Z".parse().unwrap();
/// let mut runner = proptest::test_runner::TestRunner::deterministic();
/// let (action, params) = valid_wire(now).new_tree(&mut runner).unwrap().current();
/// let reply = Engine::new(Config::default()).handle_rpc("1001", &action, &pairs(&params), now);
/// assert!([200, 400, 404].contains(&reply.status()));
/// ```
pub fn valid_wire(now: DateTime<Utc>) -> BoxedStrategy<(String, Vec<(String, String)>)> {
    (
        valid_request(now),
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec(select(COMMON), 0..4),
    )
        .prop_flat_map(|(request, in_header, version, common)| {
            let mut params = request.params();
            let action = if in_header {
                request.action().to_owned()
            } else {
                params.push(("Action".to_owned(), request.action().to_owned()));
                String::new()
            };
            if version {
                params.push(("Version".to_owned(), API_VERSION.to_owned()));
            }
            params.extend(
                common
                    .into_iter()
                    .map(|(name, value)| (name.to_owned(), value.to_owned())),
            );
            (Just(action), Just(params).prop_shuffle())
        })
        .boxed()
}

/// Every parameter name some action reads, `Action`, `Version`, and the common ones.
fn names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = ACTIONS
        .iter()
        .filter_map(|name| Action::from_name(name))
        .flat_map(|action| action.params().iter().copied())
        .chain(["Action", "Version"])
        .chain(COMMON.iter().map(|(name, _)| *name))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// A change to a call: a parameter dropped, sent twice, given another value or name, one
/// added, or the action itself misspelt.
fn mutate(
    (action, mut params): (String, Vec<(String, String)>),
    (kind, at, name, value): (u8, proptest::sample::Index, String, String),
) -> (String, Vec<(String, String)>) {
    let at = (!params.is_empty()).then(|| at.index(params.len()));
    match (kind, at) {
        (0, Some(i)) => {
            params.remove(i);
        }
        (1, Some(i)) => {
            if let Some(pair) = params.get(i).cloned() {
                params.push(pair);
            }
        }
        (2, Some(i)) => {
            if let Some(pair) = params.get_mut(i) {
                pair.1 = value;
            }
        }
        (3, Some(i)) => {
            if let Some(pair) = params.get_mut(i) {
                pair.0 = name;
            }
        }
        (4, _) if !action.is_empty() => return (action.to_lowercase(), params),
        _ => params.push((name, value)),
    }
    (action, params)
}

/// Arbitrary calls as a client, or an attacker, might send them at `now`: half are valid
/// calls of [`valid_wire`] with up to three changes (a parameter dropped, repeated, renamed
/// or given another value, one added, the action misspelt), half are noise (the action one
/// of the 16, a near miss, empty or any text, in the `action` argument or as an `Action`
/// parameter; up to 16 parameters named as the actions name them, or anything else, with
/// plausible or arbitrary values).
///
/// ```
/// use live_lifecycle::strategies::{arbitrary_wire, pairs};
/// use live_lifecycle::{Config, Engine};
/// use proptest::strategy::{Strategy, ValueTree};
///
/// let now = "2030-01-01T00:00:00Z".parse().unwrap();
/// let mut runner = proptest::test_runner::TestRunner::deterministic();
/// let (action, params) = arbitrary_wire(now).new_tree(&mut runner).unwrap().current();
/// let reply = Engine::new(Config::default()).handle_rpc("1001", &action, &pairs(&params), now);
/// assert!(serde_json::from_str::<serde_json::Value>(&reply.body()).is_ok());
/// ```
pub fn arbitrary_wire(now: DateTime<Utc>) -> BoxedStrategy<(String, Vec<(String, String)>)> {
    let action = prop_oneof![
        6 => select(ACTIONS).prop_map(str::to_owned),
        1 => select(ACTIONS).prop_map(str::to_lowercase),
        1 => Just(String::new()),
        1 => "[A-Za-z]{1,24}",
        1 => "\\PC{0,12}",
    ];
    let name = || {
        prop_oneof![
            8 => select(names()).prop_map(str::to_owned),
            1 => "[A-Za-z]{1,12}",
            1 => "\\PC{0,8}",
        ]
    };
    let value = || {
        prop_oneof![
            4 => select(PLAUSIBLE).prop_map(str::to_owned),
            1 => "[-+0-9]{0,21}",
            2 => "\\PC{0,24}",
        ]
    };
    let noise = (
        action,
        any::<bool>(),
        proptest::collection::vec((name(), value()), 0..16),
    )
        .prop_map(|(action, in_header, mut params)| {
            if in_header {
                (action, params)
            } else {
                params.push(("Action".to_owned(), action));
                (String::new(), params)
            }
        });
    let change = (0..6u8, any::<proptest::sample::Index>(), name(), value());
    let changed = (valid_wire(now), proptest::collection::vec(change, 0..=3))
        .prop_map(|(call, changes)| changes.into_iter().fold(call, mutate));
    prop_oneof![changed, noise].boxed()
}
