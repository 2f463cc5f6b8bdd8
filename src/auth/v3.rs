//! Signature V3, `ACS3-HMAC-SHA256`, the Python SDK's default (gateway.md §1): the signature
//! rides in the `Authorization` header and covers method, path, query, the headers it names
//! and the SHA-256 of the body.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::encode::{hex, percent_encode, unhex};
use super::{AuthError, Claim, Proof, Request, Scheme};

/// The algorithm name that opens the `Authorization` header and the string-to-sign.
const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// The pieces of a V3 request that later checks need, or the first missing or malformed one
/// (step 2 of gateway.md §3.3): the date and nonce headers first (`Missing…`), then the
/// shape of `Authorization` and of its header list (`IncompleteSignature`).
pub(super) fn claim(request: &Request) -> Result<Claim, AuthError> {
    let dates: Vec<&str> = request.headers_named("x-acs-date").collect();
    let nonces: Vec<&str> = request.headers_named("x-acs-signature-nonce").collect();
    let date = present(&dates).ok_or(AuthError::MissingTimestamp)?;
    let nonce = present(&nonces).ok_or(AuthError::MissingSignatureNonce)?;
    let incomplete = |reason| AuthError::IncompleteSignature { reason };
    let authorizations: Vec<&str> = request.headers_named("authorization").collect();
    if dates.len() > 1 || nonces.len() > 1 || authorizations.len() > 1 {
        return Err(incomplete(
            "Authorization, x-acs-date and x-acs-signature-nonce may each be sent only once",
        ));
    }
    let authorization = authorizations.first().copied().unwrap_or_default();
    let (access_key_id, signed_headers, signature) =
        parse_authorization(authorization).map_err(incomplete)?;
    check_coverage(request, &signed_headers).map_err(incomplete)?;
    Ok(Claim {
        scheme: Scheme::V3,
        access_key_id,
        timestamp: date.to_owned(),
        nonce: nonce.to_owned(),
        proof: Proof::V3 {
            signed_headers,
            signature,
        },
    })
}

/// The first value, trimmed, if it is not empty: an empty header counts as not sent.
fn present<'a>(values: &[&'a str]) -> Option<&'a str> {
    values
        .first()
        .map(|value| value.trim())
        .filter(|value| !value.is_empty())
}

/// `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…` into its AccessKeyId, its
/// header names (lower-cased, sorted, without repeats) and its signature.
///
/// Whitespace around the items is tolerated although the SDK sends none: it cannot change
/// what was signed, and refusing it would only make hand-written clients fail for no reason.
fn parse_authorization(value: &str) -> Result<(String, Vec<String>, String), &'static str> {
    let rest = value
        .trim()
        .strip_prefix(ALGORITHM)
        .filter(|rest| rest.starts_with([' ', '\t']))
        .ok_or("Authorization must start with ACS3-HMAC-SHA256 and a space")?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for item in rest.split(',') {
        let (name, text) = item
            .split_once('=')
            .ok_or("every Authorization item must be name=value")?;
        let slot = match name.trim() {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => return Err("Authorization items are Credential, SignedHeaders and Signature"),
        };
        if slot.replace(text.trim()).is_some() {
            return Err("an Authorization item is repeated");
        }
    }
    fn nonempty(slot: Option<&str>) -> Option<&str> {
        slot.filter(|text| !text.is_empty())
    }
    let credential = nonempty(credential).ok_or("Authorization has no Credential")?;
    let signed_headers = nonempty(signed_headers).ok_or("Authorization has no SignedHeaders")?;
    let signature = nonempty(signature).ok_or("Authorization has no Signature")?;
    if signed_headers.split(';').any(|name| name.trim().is_empty()) {
        return Err("SignedHeaders has an empty name");
    }
    let names = header_names(signed_headers.split(';'));
    Ok((credential.to_owned(), names, signature.to_owned()))
}

/// Header names as the canonical request lists them: trimmed, lower-cased, sorted, without
/// repeats (and without empty names).
pub(super) fn header_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut names: Vec<String> = names
        .into_iter()
        .map(|name| name.trim().to_ascii_lowercase())
        .filter(|name| !name.is_empty())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The headers that must be signed are (V3 doc): `host`, `content-type` when sent, and every
/// `x-acs-*` sent. Leaving `x-acs-date` or `x-acs-signature-nonce` unsigned would let anyone
/// replay the request with a fresh date and nonce, and an unsigned `x-acs-action` would let
/// them change the operation; so this is enforced, not just advised. A signed header must
/// also be there to sign.
fn check_coverage(request: &Request, signed: &[String]) -> Result<(), &'static str> {
    let is_signed = |name: &str| signed.iter().any(|s| s.eq_ignore_ascii_case(name));
    if !is_signed("host") {
        return Err("SignedHeaders must include host");
    }
    for (name, _) in &request.headers {
        let lower = name.to_ascii_lowercase();
        if (lower == "content-type" || lower.starts_with("x-acs-")) && !is_signed(&lower) {
            return Err("SignedHeaders must include content-type and every x-acs-* header sent");
        }
    }
    if signed
        .iter()
        .any(|name| request.headers_named(name).next().is_none())
    {
        return Err("SignedHeaders names a header the request does not carry");
    }
    Ok(())
}

/// Whether `signature` (hex) is the HMAC-SHA256, keyed by `secret`, of the request's
/// string-to-sign, and the `x-acs-content-sha256` header, if sent, the hash of the body.
pub(super) fn check(
    request: &Request,
    signed_headers: &[String],
    signature: &str,
    secret: &str,
) -> Result<(), AuthError> {
    let mismatch = || AuthError::SignatureDoesNotMatch {
        server_string_to_sign: None,
    };
    let payload = hashed_payload(&request.body);
    // The SDK sends the hash it signed; a different one means the body changed on the way.
    if let Some(claimed) = request.header("x-acs-content-sha256")
        && !claimed.trim().eq_ignore_ascii_case(&payload)
    {
        return Err(mismatch());
    }
    let string_to_sign = string_to_sign(&canonical_request(request, signed_headers, &payload));
    let claimed = unhex(signature).ok_or_else(mismatch)?;
    let mac = keyed_mac(secret, &string_to_sign).ok_or_else(mismatch)?;
    // Constant-time: how much of a guess matched must not show in the response time.
    mac.verify_slice(&claimed).map_err(|_| mismatch())
}

/// The `Authorization` value that signs `request` with `secret`, covering `signed_headers`
/// (already normalised by [`header_names`]): the same canonical request and string-to-sign
/// that [`check`] computes, so signing and verifying cannot drift apart.
pub(super) fn authorization(
    request: &Request,
    access_key_id: &str,
    secret: &str,
    signed_headers: &[String],
) -> String {
    let payload = hashed_payload(&request.body);
    let string_to_sign = string_to_sign(&canonical_request(request, signed_headers, &payload));
    // HMAC takes a key of any length, so there is always a MAC; an empty signature (refused
    // as incomplete) would only stand for the impossible.
    let signature = keyed_mac(secret, &string_to_sign)
        .map(|mac| hex(&mac.finalize().into_bytes()))
        .unwrap_or_default();
    format!(
        "{ALGORITHM} Credential={access_key_id},SignedHeaders={},Signature={signature}",
        signed_headers.join(";")
    )
}

/// HMAC-SHA256 keyed by the bare secret (no `&`), over the string-to-sign.
fn keyed_mac(secret: &str, string_to_sign: &str) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(string_to_sign.as_bytes());
    Some(mac)
}

/// Lower-case hex SHA-256 of the exact body bytes.
pub(crate) fn hashed_payload(body: &[u8]) -> String {
    hex(&Sha256::digest(body))
}

/// The canonical request of gateway.md §1.2:
/// `Method\nURI\nQuery\nHeaders\nSignedHeaders\nHashedPayload`, the header block ending in
/// its own newline.
pub(crate) fn canonical_request(
    request: &Request,
    signed_headers: &[String],
    hashed_payload: &str,
) -> String {
    let method = request.method.to_ascii_uppercase();
    let uri = if request.path.is_empty() {
        "/"
    } else {
        request.path.as_str()
    };
    let mut query: Vec<&(String, String)> = request.query.iter().collect();
    // Byte order of the raw name, then of the value for a repeated name.
    query.sort();
    let query: Vec<String> = query
        .into_iter()
        .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
        .collect();
    let mut headers = String::new();
    for name in signed_headers {
        let mut values: Vec<&str> = request.headers_named(name).map(str::trim).collect();
        values.sort_unstable();
        headers.push_str(name);
        headers.push(':');
        headers.push_str(&values.join(","));
        headers.push('\n');
    }
    format!(
        "{method}\n{uri}\n{}\n{headers}\n{}\n{hashed_payload}",
        query.join("&"),
        signed_headers.join(";")
    )
}

/// `ACS3-HMAC-SHA256\n` and the hex SHA-256 of the canonical request.
pub(crate) fn string_to_sign(canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn authorization_parses_and_normalises_the_header_list() {
        let (id, names, signature) = parse_authorization(
            "ACS3-HMAC-SHA256 Credential=K1, SignedHeaders=x-acs-date;Host;host,Signature=ab",
        )
        .unwrap();
        assert_eq!(id, "K1");
        assert_eq!(names, ["host", "x-acs-date"]);
        assert_eq!(signature, "ab");
    }

    #[test]
    fn malformed_authorizations_are_refused() {
        for bad in [
            "",
            "ACS3-HMAC-SHA256",
            "ACS3-HMAC-SHA256Credential=K,SignedHeaders=host,Signature=ab",
            "ACS3-HMAC-SM3 Credential=K,SignedHeaders=host,Signature=ab",
            "Bearer abc",
            "ACS3-HMAC-SHA256 Credential=K,SignedHeaders=host",
            "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=ab",
            "ACS3-HMAC-SHA256 Credential=K,SignedHeaders=host;;x,Signature=ab",
            "ACS3-HMAC-SHA256 Credential=K,Credential=K,SignedHeaders=host,Signature=ab",
            "ACS3-HMAC-SHA256 Credential=K,SignedHeaders=host,Signature=ab,Extra=1",
            "ACS3-HMAC-SHA256 Credential=K,SignedHeaders=host,Signature",
        ] {
            assert!(parse_authorization(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn repeated_headers_are_trimmed_sorted_and_joined() {
        let request = Request::new("post", "")
            .with_header("X-Acs-Tag", " b ")
            .with_header("x-acs-tag", "a");
        let canonical = canonical_request(&request, &["x-acs-tag".to_owned()], "h");
        assert_eq!(canonical, "POST\n/\n\nx-acs-tag:a,b\n\nx-acs-tag\nh");
    }
}
