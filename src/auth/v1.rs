//! Signature V1, the RPC `HMAC-SHA1` scheme (gateway.md §2): the signature and its inputs
//! ride as parameters, and it covers the method and every other parameter, query and form.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use super::encode::percent_encode;
use super::{AuthError, Claim, Proof, Request, Scheme};

/// The one `SignatureMethod` and `SignatureVersion` this scheme defines.
const METHOD: &str = "HMAC-SHA1";
const VERSION: &str = "1.0";

/// The parameters the scheme itself reads, each of which must be sent exactly once.
const OWN: [&str; 6] = [
    "AccessKeyId",
    "Timestamp",
    "SignatureNonce",
    "SignatureMethod",
    "SignatureVersion",
    "Signature",
];

/// The pieces of a V1 request that later checks need, or the first missing or malformed one
/// (step 2 of gateway.md §3.3): who (`AccessKeyId`), when (`Timestamp`), once
/// (`SignatureNonce`), how (`SignatureMethod`, `SignatureVersion`), each `Missing…`; then
/// `IncompleteSignature` for no `Signature`, a repeated parameter of the scheme, or a method
/// or version other than `HMAC-SHA1` and `1.0`. An empty value counts as not sent.
pub(super) fn claim(request: &Request) -> Result<Claim, AuthError> {
    let params = request.params();
    let first = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let access_key_id = first("AccessKeyId").ok_or(AuthError::MissingAccessKeyId)?;
    let timestamp = first("Timestamp").ok_or(AuthError::MissingTimestamp)?;
    let nonce = first("SignatureNonce").ok_or(AuthError::MissingSignatureNonce)?;
    let method = first("SignatureMethod").ok_or(AuthError::MissingSignatureMethod)?;
    let version = first("SignatureVersion").ok_or(AuthError::MissingSignatureVersion)?;
    let incomplete = |reason| AuthError::IncompleteSignature { reason };
    let signature = first("Signature").ok_or(incomplete("the request has no Signature"))?;
    let repeated = OWN
        .iter()
        .any(|own| params.iter().filter(|(n, _)| n == own).count() > 1);
    if repeated {
        return Err(incomplete(
            "AccessKeyId, Timestamp, SignatureNonce, SignatureMethod, SignatureVersion and Signature may each be sent only once",
        ));
    }
    if method != METHOD {
        return Err(incomplete("SignatureMethod must be HMAC-SHA1"));
    }
    if version != VERSION {
        return Err(incomplete("SignatureVersion must be 1.0"));
    }
    let (access_key_id, timestamp, nonce, signature) = (
        access_key_id.to_owned(),
        timestamp.to_owned(),
        nonce.to_owned(),
        signature.to_owned(),
    );
    Ok(Claim {
        scheme: Scheme::V1,
        access_key_id,
        timestamp,
        nonce,
        proof: Proof::V1 { params, signature },
    })
}

/// Whether `signature` (Base64) is the HMAC-SHA1, keyed by `secret&`, of the string-to-sign
/// of `method` and `params`. A mismatch carries the server's string-to-sign, as the gateway
/// answers V1 clients.
pub(super) fn check(
    method: &str,
    params: &[(String, String)],
    signature: &str,
    secret: &str,
) -> Result<(), AuthError> {
    let string_to_sign = string_to_sign(method, params);
    let verified = STANDARD.decode(signature).ok().is_some_and(|claimed| {
        let key = format!("{secret}&");
        Hmac::<Sha1>::new_from_slice(key.as_bytes()).is_ok_and(|mut mac| {
            mac.update(string_to_sign.as_bytes());
            // Constant-time: how much of a guess matched must not show in the response time.
            mac.verify_slice(&claimed).is_ok()
        })
    });
    if verified {
        Ok(())
    } else {
        Err(AuthError::SignatureDoesNotMatch {
            server_string_to_sign: Some(string_to_sign),
        })
    }
}

/// Every parameter but `Signature`, sorted by raw name then value (byte order), each name and
/// value percent-encoded, joined `name=value` with `&`.
pub(crate) fn canonicalized_query(params: &[(String, String)]) -> String {
    let mut signed: Vec<&(String, String)> =
        params.iter().filter(|(n, _)| n != "Signature").collect();
    signed.sort();
    signed
        .into_iter()
        .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `METHOD&%2F&` and the percent-encoded canonicalized query: the path is always `/`, as
/// every RPC call is.
pub(crate) fn string_to_sign(method: &str, params: &[(String, String)]) -> String {
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        percent_encode("/"),
        percent_encode(&canonicalized_query(params))
    )
}
