//! Request authentication as the Alibaba Cloud POP gateway does it (feature `auth`): both
//! signature schemes the SDKs use, as one pure function.
//!
//! [`verify`] takes the request as the server received it ([`Request`]), a lookup of
//! AccessKeys ([`KeyStore`]), `now`, and the caller's memory of used nonces
//! ([`NonceMemory`]); it returns who signed ([`Verified`]) or the gateway's error
//! ([`AuthError`], which renders the error body). No clock, no I/O, no globals.
//! [`sign_v3`] is the client's side of V3, built on the same canonical request.
//!
//! - **V3, `ACS3-HMAC-SHA256`** (gateway.md §1), chosen when the request has an
//!   `Authorization` header: HMAC-SHA256 over the canonical request (method, path, sorted
//!   query, the signed headers, the SHA-256 of the body), keyed by the bare secret.
//! - **V1, RPC `HMAC-SHA1`** (gateway.md §2), otherwise: HMAC-SHA1 over the method and the
//!   sorted query and form parameters, keyed by the secret and `&`, sent in `Signature`.
//!
//! The checks run in the order of gateway.md §3.3, and the first failing one answers:
//!
//! 1. missing pieces: `Missing<Param>`, then `IncompleteSignature` (no or malformed
//!    `Authorization`/`Signature`, unsupported algorithm, headers left unsigned);
//! 2. the timestamp: `InvalidTimeStamp.Format`, then `InvalidTimeStamp.Expired` (more than
//!    [`WINDOW`] before or after `now`);
//! 3. the AccessKey: `InvalidAccessKeyId.NotFound` (404), `InvalidAccessKeyId.Inactive`;
//! 4. the signature: `SignatureDoesNotMatch`, compared in constant time;
//! 5. the nonce: `SignatureNonceUsed`. It is recorded only once the signature holds, so a
//!    forged request cannot burn a real client's nonce.
//!
//! The action and version checks the gateway makes before all of this (`InvalidAction.NotFound`
//! even with a bad signature) and the rate limit after it belong to the wire layer
//! ([`crate::Engine::handle_rpc`]); STS security tokens are signed but not checked.
//!
//! ```
//! use live_lifecycle::auth::{verify, Credential, NonceMemory, Request, Scheme};
//!
//! // The V1 example of the ECS documentation ("Request signatures", example 1).
//! let request = Request::new("GET", "/").with_raw_query(concat!(
//!     "Timestamp=2016-02-23T12%3A46%3A24Z&Format=XML&AccessKeyId=testid",
//!     "&Action=DescribeRegions&SignatureMethod=HMAC-SHA1",
//!     "&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&Version=2014-05-26",
//!     "&SignatureVersion=1.0&Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D",
//! ));
//! let keys = |id: &str| (id == "testid").then(|| Credential::new("testsecret", "1001".try_into().unwrap()));
//! let now = "2016-02-23T12:50:00Z".parse().unwrap();
//! let mut nonces = NonceMemory::new();
//!
//! let verified = verify(&request, &keys, now, &mut nonces).unwrap();
//! assert_eq!(verified.scheme, Scheme::V1);
//! assert_eq!(verified.account.as_str(), "1001");
//!
//! // The same request again is a replay.
//! let err = verify(&request, &keys, now, &mut nonces).unwrap_err();
//! assert_eq!(err.code(), "SignatureNonceUsed");
//! ```

mod encode;
mod error;
mod keys;
mod nonce;
mod request;
mod v1;
mod v3;

use chrono::{DateTime, TimeDelta, Utc};

pub use self::encode::percent_encode;
pub use self::error::AuthError;
pub use self::keys::{Credential, KeyStore};
pub use self::nonce::NonceMemory;
pub use self::request::Request;
use crate::ids::AccountId;
use crate::time::parse_utc;

/// How far a request's timestamp may lie from `now`, before or after: 15 minutes.
///
/// ```
/// assert_eq!(live_lifecycle::auth::WINDOW.num_minutes(), 15);
/// ```
pub const WINDOW: TimeDelta = TimeDelta::minutes(15);

/// The signature scheme a request used.
///
/// ```
/// use live_lifecycle::auth::Scheme;
/// assert_eq!(Scheme::V3.algorithm(), "ACS3-HMAC-SHA256");
/// assert_eq!(Scheme::V1.algorithm(), "HMAC-SHA1");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `ACS3-HMAC-SHA256` in the `Authorization` header.
    V3,
    /// `SignatureMethod=HMAC-SHA1` with `Signature` among the parameters (RPC).
    V1,
}

impl Scheme {
    /// The scheme a request is signed with: V3 when it has an `Authorization` header, V1
    /// otherwise. Only a V3 signature covers the `x-acs-action` and `x-acs-version` headers,
    /// so only a V3 request may name its action or version there.
    ///
    /// ```
    /// use live_lifecycle::auth::{Request, Scheme};
    /// let v1 = Request::new("GET", "/").with_raw_query("Action=GetEdgeTranscodeJob&Signature=x");
    /// assert_eq!(Scheme::of(&v1), Scheme::V1);
    /// let v3 = Request::new("POST", "/").with_header("Authorization", "ACS3-HMAC-SHA256 …");
    /// assert_eq!(Scheme::of(&v3), Scheme::V3);
    /// ```
    pub fn of(request: &Request) -> Self {
        if request.header("authorization").is_some() {
            Self::V3
        } else {
            Self::V1
        }
    }

    /// The algorithm's name as the request spells it.
    ///
    /// ```
    /// # use live_lifecycle::auth::Scheme;
    /// assert_eq!(Scheme::V1.algorithm(), "HMAC-SHA1");
    /// ```
    pub fn algorithm(self) -> &'static str {
        match self {
            Self::V3 => "ACS3-HMAC-SHA256",
            Self::V1 => "HMAC-SHA1",
        }
    }
}

/// Who signed an accepted request.
///
/// ```
/// # use live_lifecycle::auth::{verify, Credential, NonceMemory, Request, Scheme};
/// # let request = Request::new("GET", "/").with_raw_query(concat!(
/// #     "Timestamp=2016-02-23T12%3A46%3A24Z&Format=XML&AccessKeyId=testid",
/// #     "&Action=DescribeRegions&SignatureMethod=HMAC-SHA1",
/// #     "&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&Version=2014-05-26",
/// #     "&SignatureVersion=1.0&Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D",
/// # ));
/// # let keys = |_: &str| Some(Credential::new("testsecret", "1001".try_into().unwrap()));
/// let verified = verify(&request, &keys, "2016-02-23T12:46:24Z".parse().unwrap(),
///     &mut NonceMemory::new()).unwrap();
/// assert_eq!(verified.access_key_id, "testid");
/// assert_eq!(verified.account.as_str(), "1001"); // what Engine::handle_rpc takes
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The account the AccessKey belongs to.
    pub account: AccountId,
    /// The AccessKeyId that signed.
    pub access_key_id: String,
    /// The scheme it signed with.
    pub scheme: Scheme,
}

/// What a scheme read from the request before any secret is involved.
struct Claim {
    scheme: Scheme,
    access_key_id: String,
    timestamp: String,
    nonce: String,
    proof: Proof,
}

/// What the signature check of each scheme needs.
enum Proof {
    V3 {
        signed_headers: Vec<String>,
        signature: String,
    },
    V1 {
        params: Vec<(String, String)>,
        signature: String,
    },
}

/// Authenticates `request` at `now`: the signer's account, or the gateway's error.
///
/// V3 when an `Authorization` header is present, V1 otherwise. The checks and their order
/// are those of the [module documentation](self); `nonces` forgets what has expired, and
/// remembers this request's nonce only when every check passed.
///
/// ```
/// use live_lifecycle::auth::{verify, Credential, NonceMemory, Request, Scheme};
///
/// // The V3 example of the signature documentation (secret `YourAccessKeySecret`).
/// let request = Request::new("POST", "/")
///     .with_raw_query("ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai")
///     .with_header("host", "ecs.cn-shanghai.aliyuncs.com")
///     .with_header("x-acs-action", "RunInstances")
///     .with_header("x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
///     .with_header("x-acs-date", "2023-10-26T09:01:01Z")
///     .with_header("x-acs-signature-nonce", "d410180a5abf7fe235dd9b74aca91fc0")
///     .with_header("x-acs-version", "2014-05-26")
///     .with_header("Authorization", concat!(
///         "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,",
///         "SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,",
///         "Signature=e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804",
///     ));
/// let account = "1001".try_into().unwrap();
/// let keys = std::collections::HashMap::from([
///     ("YourAccessKeyId".to_owned(), Credential::new("YourAccessKeySecret", account)),
/// ]);
/// let mut nonces = NonceMemory::new();
///
/// let now = "2023-10-26T09:05:00Z".parse().unwrap();
/// let verified = verify(&request, &keys, now, &mut nonces).unwrap();
/// assert_eq!(verified.scheme, Scheme::V3);
///
/// // Twenty minutes later the same request is too old, whatever the nonce.
/// let later = "2023-10-26T09:21:02Z".parse().unwrap();
/// let err = verify(&request, &keys, later, &mut nonces).unwrap_err();
/// assert_eq!(err.code(), "InvalidTimeStamp.Expired");
/// assert_eq!(err.http_status(), 400);
/// ```
pub fn verify<K: KeyStore + ?Sized>(
    request: &Request,
    keys: &K,
    now: DateTime<Utc>,
    nonces: &mut NonceMemory,
) -> Result<Verified, AuthError> {
    nonces.expire(now);
    let claim = match Scheme::of(request) {
        Scheme::V3 => v3::claim(request)?,
        Scheme::V1 => v1::claim(request)?,
    };
    let signed_at = parse_utc(&claim.timestamp).map_err(|_| AuthError::InvalidTimeStampFormat)?;
    if now.signed_duration_since(signed_at).abs() > WINDOW {
        return Err(AuthError::InvalidTimeStampExpired);
    }
    let credential = keys
        .credential(&claim.access_key_id)
        .ok_or(AuthError::InvalidAccessKeyIdNotFound)?;
    if !credential.enabled {
        return Err(AuthError::InvalidAccessKeyIdInactive);
    }
    match &claim.proof {
        Proof::V3 {
            signed_headers,
            signature,
        } => v3::check(request, signed_headers, signature, &credential.secret)?,
        Proof::V1 { params, signature } => {
            v1::check(&request.method, params, signature, &credential.secret)?;
        }
    }
    nonces.remember(&claim.access_key_id, &claim.nonce, signed_at, now)?;
    Ok(Verified {
        account: credential.account,
        access_key_id: claim.access_key_id,
        scheme: claim.scheme,
    })
}

/// The `Authorization` header value that signs `request` under V3 (`ACS3-HMAC-SHA256`, gateway.md
/// §1): `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`, the signature over the
/// same canonical request [`verify`] rebuilds, so a client signing with this and the server
/// verifying cannot disagree.
///
/// `request` is the request as it will be sent, without `Authorization`: its query decoded,
/// its body exact, and every header named in `signed_headers` already set. The gateway wants
/// `host`, `content-type` when sent and every `x-acs-*` signed, and needs `x-acs-date` and
/// `x-acs-signature-nonce`; `x-acs-content-sha256`, if sent, must be [`content_sha256`] of the
/// body. The names are taken in any case and order, as the verifier reads them. Sans-IO like
/// the rest: the caller sets the date and picks the nonce.
///
/// ```
/// use live_lifecycle::auth::{content_sha256, sign_v3, Request};
///
/// // The V3 example of the signature documentation (secret `YourAccessKeySecret`).
/// let request = Request::new("POST", "/")
///     .with_raw_query("ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai")
///     .with_header("host", "ecs.cn-shanghai.aliyuncs.com")
///     .with_header("x-acs-action", "RunInstances")
///     .with_header("x-acs-content-sha256", content_sha256(b""))
///     .with_header("x-acs-date", "2023-10-26T09:01:01Z")
///     .with_header("x-acs-signature-nonce", "d410180a5abf7fe235dd9b74aca91fc0")
///     .with_header("x-acs-version", "2014-05-26");
/// let signed_headers = ["host", "x-acs-action", "x-acs-content-sha256", "x-acs-date",
///     "x-acs-signature-nonce", "x-acs-version"];
/// let authorization = sign_v3(&request, "YourAccessKeyId", "YourAccessKeySecret", &signed_headers);
/// assert_eq!(authorization, concat!(
///     "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,",
///     "SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,",
///     "Signature=e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804",
/// ));
/// ```
pub fn sign_v3(
    request: &Request,
    access_key_id: &str,
    secret: &str,
    signed_headers: &[&str],
) -> String {
    let names = v3::header_names(signed_headers.iter().copied());
    v3::authorization(request, access_key_id, secret, &names)
}

/// The lower-case hex SHA-256 of `body`: the `x-acs-content-sha256` header of a V3 request,
/// and the last line of its canonical request.
///
/// ```
/// assert_eq!(
///     live_lifecycle::auth::content_sha256(b""),
///     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/// );
/// ```
pub fn content_sha256(body: &[u8]) -> String {
    v3::hashed_payload(body)
}

/// The canonical strings against the SDK's own, vector by vector; `verify` itself is tested
/// through the public API in `tests/auth_vectors.rs`.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use serde_json::Value;

    use super::*;

    /// A copy of the shared `signature-vectors.json`, so the crate tests alone.
    const VECTORS: &str = include_str!("../../tests/fixtures/signature-vectors.json");

    fn vectors(scheme: &str) -> Vec<Value> {
        let all: Value = serde_json::from_str(VECTORS).unwrap();
        all[scheme].as_array().unwrap().clone()
    }

    fn pairs(value: &Value) -> Vec<(String, String)> {
        value
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|pair| {
                        let text = |i: usize| pair[i].as_str().unwrap().to_owned();
                        (text(0), text(1))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The request as the server received it; the published doc examples, which were never
    /// sent, are built from their decoded query and signed headers.
    fn request(vector: &Value) -> Request {
        let mut request = Request::new(
            vector["method"].as_str().unwrap(),
            vector["path"].as_str().unwrap(),
        )
        .with_body(vector["body"].as_str().unwrap());
        match vector["raw_query"].as_str() {
            Some(raw) => request = request.with_raw_query(raw),
            None => request.query = pairs(&vector["query"]),
        }
        request.headers = match vector.get("all_headers_sent") {
            Some(sent) => pairs(sent),
            None => pairs(&vector["signed_headers"]),
        };
        if let Some(authorization) = vector["authorization"].as_str()
            && request.header("authorization").is_none()
        {
            request = request.with_header("Authorization", authorization);
        }
        request
    }

    #[test]
    fn v3_canonical_requests_and_strings_to_sign_are_the_sdks() {
        let all = vectors("v3");
        assert_eq!(all.len(), 10);
        for vector in &all {
            let name = vector["name"].as_str().unwrap();
            let request = request(vector);
            if vector.get("raw_query").is_some() {
                assert_eq!(request.query, pairs(&vector["query"]), "{name}: decoding");
            }
            let claim = v3::claim(&request).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            let Proof::V3 { signed_headers, .. } = &claim.proof else {
                panic!("{name}: not V3");
            };
            assert_eq!(
                signed_headers.join(";"),
                vector["signed_header_names"].as_str().unwrap(),
                "{name}"
            );
            let payload = v3::hashed_payload(&request.body);
            assert_eq!(payload, vector["x_acs_content_sha256"].as_str().unwrap());
            let canonical = v3::canonical_request(&request, signed_headers, &payload);
            assert_eq!(
                canonical,
                vector["sdk_canonical_request"].as_str().unwrap(),
                "{name}"
            );
            assert_eq!(
                v3::string_to_sign(&canonical),
                vector["sdk_string_to_sign"].as_str().unwrap(),
                "{name}"
            );
        }
    }

    #[test]
    fn v1_strings_to_sign_are_the_sdks() {
        let all = vectors("v1");
        assert_eq!(all.len(), 6);
        for vector in &all {
            let name = vector["name"].as_str().unwrap();
            let request = request(vector);
            let mut sent = pairs(&vector["query_params"]);
            sent.extend(pairs(&vector["body_params"]));
            assert_eq!(request.params(), sent, "{name}: decoding");
            let claim = v1::claim(&request).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            let Proof::V1 { params, signature } = &claim.proof else {
                panic!("{name}: not V1");
            };
            assert_eq!(signature, vector["signature"].as_str().unwrap(), "{name}");
            assert_eq!(
                v1::string_to_sign(&request.method, params),
                vector["sdk_string_to_sign"].as_str().unwrap(),
                "{name}"
            );
        }
    }

    #[test]
    fn the_scheme_follows_the_authorization_header() {
        for vector in vectors("v3") {
            let claim = v3::claim(&request(&vector)).unwrap();
            assert_eq!(claim.scheme, Scheme::V3);
        }
        for vector in vectors("v1") {
            let request = request(&vector);
            assert!(request.header("authorization").is_none());
            assert_eq!(v1::claim(&request).unwrap().scheme, Scheme::V1);
        }
    }
}
