#![cfg(feature = "auth")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
//! `auth::verify` against the known-answer vectors the official Python SDK produced
//! (`tests/fixtures/signature-vectors.json`, a copy of `../shared/spec/signature-vectors.json`):
//! every vector verifies, and every one-byte change to what it signed, to its signature or to
//! the secret is refused; then each gateway error, and the order in which they win. Last,
//! `auth::sign_v3`, the client's side of V3, signs every V3 vector as the SDK did.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use live_lifecycle::auth::{
    AuthError, Credential, NonceMemory, Request, Scheme, WINDOW, content_sha256, sign_v3, verify,
};
use live_lifecycle::ids::AccountId;
use live_lifecycle::time::parse_utc;
use serde_json::Value;

const VECTORS: &str = include_str!("fixtures/signature-vectors.json");
const ACCOUNT: &str = "1234567890123456";

/// One vector, ready to verify.
#[derive(Clone)]
struct Vector {
    name: String,
    scheme: Scheme,
    request: Request,
    access_key_id: String,
    secret: String,
    /// When the SDK signed: `x-acs-date` or `Timestamp`.
    signed_at: DateTime<Utc>,
    sdk_string_to_sign: String,
}

impl Vector {
    fn keys(&self) -> HashMap<String, Credential> {
        self.keys_with_secret(&self.secret)
    }

    fn keys_with_secret(&self, secret: &str) -> HashMap<String, Credential> {
        HashMap::from([(
            self.access_key_id.clone(),
            Credential::new(secret, ACCOUNT.try_into().unwrap()),
        )])
    }

    /// `verify` at the signing time with fresh nonce memory.
    fn verify(&self, request: &Request) -> Result<(), AuthError> {
        verify(
            request,
            &self.keys(),
            self.signed_at,
            &mut NonceMemory::new(),
        )
        .map(|_| ())
    }

    fn timestamp_name(&self) -> &'static str {
        match self.scheme {
            Scheme::V3 => "x-acs-date",
            Scheme::V1 => "Timestamp",
        }
    }

    /// The request with the timestamp replaced, wherever the scheme carries it.
    fn with_timestamp(&self, text: &str) -> Request {
        let mut request = self.request.clone();
        let name = self.timestamp_name();
        match self.scheme {
            Scheme::V3 => set_header(&mut request, name, text),
            Scheme::V1 => set_param(&mut request, name, text),
        }
        request
    }
}

fn pairs(value: &Value) -> Vec<(String, String)> {
    value
        .as_array()
        .map(|list| {
            list.iter()
                .map(|p| {
                    (
                        p[0].as_str().unwrap().to_owned(),
                        p[1].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn text<'a>(vector: &'a Value, field: &str) -> &'a str {
    vector[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {}", vector["name"]))
}

fn all_vectors() -> Vec<Vector> {
    let all: Value = serde_json::from_str(VECTORS).unwrap();
    let mut out = Vec::new();
    for (group, scheme) in [("v3", Scheme::V3), ("v1", Scheme::V1)] {
        for v in all[group].as_array().unwrap() {
            let mut request =
                Request::new(text(v, "method"), text(v, "path")).with_body(text(v, "body"));
            // The published doc examples were never sent: build them from their decoded
            // query and their signed headers.
            match v["raw_query"].as_str() {
                Some(raw) => request = request.with_raw_query(raw),
                None => request.query = pairs(&v["query"]),
            }
            request.headers = match v.get("all_headers_sent") {
                Some(sent) => pairs(sent),
                None => pairs(&v["signed_headers"]),
            };
            if scheme == Scheme::V3 && request.header("authorization").is_none() {
                request = request.with_header("Authorization", text(v, "authorization"));
            }
            let access_key_id = v["access_key_id"]
                .as_str()
                .unwrap_or_else(|| text(&all, "access_key_id"))
                .to_owned();
            let secret = v["access_key_secret"]
                .as_str()
                .unwrap_or_else(|| text(&all, "access_key_secret"))
                .to_owned();
            let signed_at = match scheme {
                Scheme::V3 => request.header("x-acs-date").unwrap().to_owned(),
                Scheme::V1 => param(&request, "Timestamp").unwrap(),
            };
            out.push(Vector {
                name: text(v, "name").to_owned(),
                scheme,
                request,
                access_key_id,
                secret,
                signed_at: parse_utc(&signed_at).unwrap(),
                sdk_string_to_sign: text(v, "sdk_string_to_sign").to_owned(),
            });
        }
    }
    assert_eq!(out.len(), 16, "10 V3 and 6 V1 vectors");
    out
}

fn param(request: &Request, name: &str) -> Option<String> {
    request
        .params()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
}

fn set_header(request: &mut Request, name: &str, value: &str) {
    let slot = request
        .headers
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .unwrap_or_else(|| panic!("no header {name}"));
    slot.1 = value.to_owned();
}

fn remove_header(request: &mut Request, name: &str) {
    request
        .headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case(name));
}

/// Sets a V1 parameter wherever it travels (all of the vectors' own parameters are in the
/// query).
fn set_param(request: &mut Request, name: &str, value: &str) {
    let slot = request
        .query
        .iter_mut()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no parameter {name}"));
    slot.1 = value.to_owned();
}

/// `text` with one character changed (one byte when it is ASCII): the last, replaced by
/// another of the same kind where that matters, so hex stays hex.
fn one_byte_changed(text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    match chars.last_mut() {
        Some(last) => {
            *last = match *last {
                '0' => '1',
                'a' => 'b',
                c if c.is_ascii_alphanumeric() => 'a',
                _ => 'x',
            }
        }
        None => chars.push('x'),
    }
    chars.into_iter().collect()
}

/// The mismatch of a request whose signed content is the vector's: only the signature or the
/// secret differ, so V1's server string-to-sign is the SDK's.
fn mismatch(vector: &Vector) -> AuthError {
    AuthError::SignatureDoesNotMatch {
        server_string_to_sign: match vector.scheme {
            Scheme::V3 => None,
            Scheme::V1 => Some(vector.sdk_string_to_sign.clone()),
        },
    }
}

/// Asserts a mismatch for a request whose signed content changed: V1's server string-to-sign
/// then differs from the one the SDK signed, and shows the change.
fn assert_changed_content_mismatch(vector: &Vector, request: &Request, what: &str) {
    match vector.verify(request) {
        Err(AuthError::SignatureDoesNotMatch {
            server_string_to_sign,
        }) => match vector.scheme {
            Scheme::V3 => assert_eq!(server_string_to_sign, None, "{}: {what}", vector.name),
            Scheme::V1 => assert_ne!(
                server_string_to_sign.as_deref(),
                Some(vector.sdk_string_to_sign.as_str()),
                "{}: {what}",
                vector.name
            ),
        },
        other => panic!("{}: {what}: {other:?}", vector.name),
    }
}

fn code(result: Result<(), AuthError>) -> &'static str {
    match result {
        Ok(()) => "Ok",
        Err(e) => e.code(),
    }
}

// ---- every vector verifies ---------------------------------------------------------------

#[test]
fn every_vector_verifies() {
    for vector in all_vectors() {
        let mut nonces = NonceMemory::new();
        let verified = verify(
            &vector.request,
            &vector.keys(),
            vector.signed_at,
            &mut nonces,
        )
        .unwrap_or_else(|e| panic!("{}: {e:?}", vector.name));
        assert_eq!(verified.scheme, vector.scheme, "{}", vector.name);
        assert_eq!(verified.access_key_id, vector.access_key_id);
        assert_eq!(verified.account.as_str(), ACCOUNT);
        assert_eq!(nonces.len(), 1, "{}: the nonce is remembered", vector.name);
    }
}

#[test]
fn every_vector_verifies_anywhere_inside_the_window() {
    for vector in all_vectors() {
        for offset in [-WINDOW, -TimeDelta::seconds(1), WINDOW] {
            let now = vector.signed_at + offset;
            let result = verify(
                &vector.request,
                &vector.keys(),
                now,
                &mut NonceMemory::new(),
            );
            assert!(result.is_ok(), "{} at {offset}: {result:?}", vector.name);
        }
    }
}

// ---- one byte changed: SignatureDoesNotMatch ---------------------------------------------

#[test]
fn a_changed_signature_does_not_match() {
    for vector in all_vectors() {
        let mut request = vector.request.clone();
        match vector.scheme {
            Scheme::V3 => {
                let authorization = request.header("authorization").unwrap().to_owned();
                set_header(
                    &mut request,
                    "authorization",
                    &one_byte_changed(&authorization),
                );
            }
            Scheme::V1 => {
                // The first Base64 character: the last one carries padding bits.
                let signature = param(&request, "Signature").unwrap();
                let changed = if signature.starts_with('A') { "B" } else { "A" };
                let changed = format!("{changed}{}", &signature[1..]);
                set_param(&mut request, "Signature", &changed);
            }
        }
        assert_eq!(
            vector.verify(&request),
            Err(mismatch(&vector)),
            "{}",
            vector.name
        );
    }
}

#[test]
fn a_malformed_signature_value_does_not_match() {
    for vector in all_vectors() {
        for bad in ["zz", "abc", "not base64!", "00"] {
            let mut request = vector.request.clone();
            match vector.scheme {
                Scheme::V3 => {
                    let authorization = request.header("authorization").unwrap();
                    let (head, _) = authorization.split_once("Signature=").unwrap();
                    let changed = format!("{head}Signature={bad}");
                    set_header(&mut request, "authorization", &changed);
                }
                Scheme::V1 => set_param(&mut request, "Signature", bad),
            }
            assert_eq!(
                vector.verify(&request),
                Err(mismatch(&vector)),
                "{}",
                vector.name
            );
        }
    }
}

#[test]
fn a_changed_secret_does_not_match() {
    for vector in all_vectors() {
        let keys = vector.keys_with_secret(&one_byte_changed(&vector.secret));
        let result = verify(
            &vector.request,
            &keys,
            vector.signed_at,
            &mut NonceMemory::new(),
        );
        assert_eq!(result, Err(mismatch(&vector)), "{}", vector.name);
    }
}

#[test]
fn a_changed_signed_header_does_not_match() {
    let mut checked = 0;
    for vector in all_vectors().into_iter().filter(|v| v.scheme == Scheme::V3) {
        let authorization = vector.request.header("authorization").unwrap().to_owned();
        let signed = authorization
            .split("SignedHeaders=")
            .nth(1)
            .and_then(|rest| rest.split(',').next())
            .unwrap()
            .to_owned();
        for name in signed.split(';') {
            let mut request = vector.request.clone();
            let value = request.header(name).unwrap().to_owned();
            let changed = if name == "x-acs-date" {
                // One second later: still inside the window, so only the signature can fail.
                let at = vector.signed_at + TimeDelta::seconds(1);
                at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
            } else {
                one_byte_changed(&value)
            };
            assert_ne!(changed, value);
            set_header(&mut request, name, &changed);
            assert_eq!(
                vector.verify(&request),
                Err(mismatch(&vector)),
                "{}: header {name}",
                vector.name
            );
            checked += 1;
        }
    }
    assert!(checked >= 90, "only {checked} headers changed");
}

#[test]
fn a_changed_parameter_does_not_match() {
    // What the schemes read themselves has its own errors; the nonce is signed like any other.
    let own = [
        "AccessKeyId",
        "Timestamp",
        "SignatureMethod",
        "SignatureVersion",
        "Signature",
    ];
    let mut checked = 0;
    for vector in all_vectors() {
        for i in 0..vector.request.query.len() {
            let mut request = vector.request.clone();
            let (name, value) = request.query[i].clone();
            if own.contains(&name.as_str()) {
                continue;
            }
            request.query[i].1 = one_byte_changed(&value);
            assert_changed_content_mismatch(&vector, &request, &format!("parameter {name}"));
            checked += 1;
        }
        // A parameter added, or one taken away, changes what was signed too.
        let added = vector.request.clone().with_query("Extra", "1");
        assert_changed_content_mismatch(&vector, &added, "parameter added");
        if let Some(i) = vector
            .request
            .query
            .iter()
            .position(|(n, _)| !own.contains(&n.as_str()) && n != "SignatureNonce")
        {
            let mut removed = vector.request.clone();
            removed.query.remove(i);
            assert_changed_content_mismatch(&vector, &removed, "parameter removed");
        }
    }
    assert!(checked >= 60, "only {checked} parameters changed");
}

#[test]
fn a_changed_body_does_not_match() {
    let mut checked = 0;
    for vector in all_vectors() {
        if vector.request.body.is_empty() {
            continue;
        }
        let mut request = vector.request.clone();
        let last = request.body.last_mut().unwrap();
        *last = if *last == b'1' { b'2' } else { b'1' };
        assert_changed_content_mismatch(&vector, &request, "body");
        checked += 1;
    }
    // v3-post-form-body-list, v3-post-json-body, v1-post-form-body.
    assert_eq!(checked, 3);
}

#[test]
fn v3_body_and_its_hash_header_changed_together_do_not_match() {
    let vector = all_vectors()
        .into_iter()
        .find(|v| v.name == "v3-post-json-body")
        .unwrap();
    // The body changed and its hash header with it: the header is signed, so the signature
    // no longer holds.
    let mut request = vector.request.clone().with_body(r#"{"Name":"other"}"#);
    let hash = "354a2e67b19b3916fe8fa3bcf9b4b6639f9c8b967b6b92ae2245ab690dcc73fe";
    set_header(&mut request, "x-acs-content-sha256", hash);
    assert_eq!(vector.verify(&request), Err(mismatch(&vector)));
}

#[test]
fn unsigned_headers_may_change() {
    for vector in all_vectors() {
        let mut request = vector.request.clone();
        // V3 signs the headers its Authorization lists; V1 signs none.
        let authorization = request
            .header("authorization")
            .unwrap_or_default()
            .to_owned();
        let signed: Vec<String> = authorization
            .split("SignedHeaders=")
            .nth(1)
            .and_then(|rest| rest.split(',').next())
            .map(|list| list.split(';').map(str::to_owned).collect())
            .unwrap_or_default();
        request.headers.retain(|(name, _)| {
            let name = name.to_ascii_lowercase();
            // Content-Type also says whether a V1 body holds signed form fields.
            name == "authorization" || name == "content-type" || signed.contains(&name)
        });
        request = request
            .with_header("Accept-Encoding", "gzip")
            .with_header("X-Forwarded-For", "10.0.0.1");
        if vector.scheme == Scheme::V1 {
            request = request.with_header("Host", "elsewhere.example.com");
        }
        assert_eq!(vector.verify(&request), Ok(()), "{}", vector.name);
    }
}

#[test]
fn v1_mismatch_message_carries_the_server_string_to_sign() {
    let vector = all_vectors()
        .into_iter()
        .find(|v| v.name == "v1-official-doc-example")
        .unwrap();
    let keys = vector.keys_with_secret("wrongsecret");
    let err = verify(
        &vector.request,
        &keys,
        vector.signed_at,
        &mut NonceMemory::new(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "SignatureDoesNotMatch");
    assert_eq!(err.http_status(), 400);
    assert_eq!(
        err.to_string(),
        format!(
            "Specified signature is not matched with our calculation. server string to sign is:{}",
            vector.sdk_string_to_sign
        )
    );
}

#[test]
fn v3_mismatch_message_is_the_documented_one() {
    let vector = all_vectors().into_iter().next().unwrap();
    let keys = vector.keys_with_secret("wrongsecret");
    let err = verify(
        &vector.request,
        &keys,
        vector.signed_at,
        &mut NonceMemory::new(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Specified signature does not match our calculation."
    );
}

// ---- timestamps ----------------------------------------------------------------------------

#[test]
fn a_timestamp_more_than_fifteen_minutes_off_is_expired() {
    for vector in all_vectors() {
        for offset in [
            WINDOW + TimeDelta::seconds(1),
            -WINDOW - TimeDelta::seconds(1),
        ] {
            let now = vector.signed_at + offset;
            let result = verify(
                &vector.request,
                &vector.keys(),
                now,
                &mut NonceMemory::new(),
            );
            assert_eq!(
                result.map(|_| ()),
                Err(AuthError::InvalidTimeStampExpired),
                "{} at {offset}",
                vector.name
            );
        }
    }
}

#[test]
fn a_malformed_timestamp_is_refused_before_the_signature() {
    let malformed = [
        "2025-01-15 08:30:00",
        "2025-01-15T08:30:00",
        "2025-01-15T08:30:00.000Z",
        "2025-01-15T08:30:00+08:00",
        "2025-01-15T08:30Z",
        "2025-02-30T08:30:00Z",
        "2025-01-15T24:00:00Z",
        "1736929800",
        "Wed, 15 Jan 2025 08:30:00 GMT",
    ];
    for vector in all_vectors() {
        for bad in malformed {
            let request = vector.with_timestamp(bad);
            assert_eq!(
                vector.verify(&request),
                Err(AuthError::InvalidTimeStampFormat),
                "{}: {bad}",
                vector.name
            );
        }
    }
}

// ---- nonces --------------------------------------------------------------------------------

#[test]
fn a_reused_nonce_is_refused() {
    for vector in all_vectors() {
        let keys = vector.keys();
        let mut nonces = NonceMemory::new();
        let now = vector.signed_at;
        assert!(verify(&vector.request, &keys, now, &mut nonces).is_ok());
        let later = now + TimeDelta::minutes(10);
        assert_eq!(
            verify(&vector.request, &keys, later, &mut nonces).map(|_| ()),
            Err(AuthError::SignatureNonceUsed),
            "{}",
            vector.name
        );
    }
}

#[test]
fn a_forged_request_does_not_burn_the_nonce() {
    for vector in all_vectors() {
        let mut nonces = NonceMemory::new();
        let forged = vector.keys_with_secret("attacker-guess");
        let now = vector.signed_at;
        let refused = verify(&vector.request, &forged, now, &mut nonces);
        assert_eq!(refused.map(|_| ()), Err(mismatch(&vector)));
        assert!(nonces.is_empty(), "{}", vector.name);
        assert!(verify(&vector.request, &vector.keys(), now, &mut nonces).is_ok());
    }
}

#[test]
fn nonces_are_per_access_key_and_forgotten_after_the_window() {
    let vector = all_vectors()
        .into_iter()
        .find(|v| v.name == "v1-official-doc-example")
        .unwrap();
    let mut nonces = NonceMemory::new();
    let now = vector.signed_at;
    assert!(verify(&vector.request, &vector.keys(), now, &mut nonces).is_ok());
    assert_eq!(nonces.next_expiry(), Some(now + WINDOW));
    // (Written for the mutant `NonceMemory::is_empty -> true`.)
    assert_eq!((nonces.len(), nonces.is_empty()), (1, false));
    // Any later call forgets what expired, so memory holds one window of traffic.
    let much_later = now + WINDOW + TimeDelta::seconds(1);
    let result = verify(&vector.request, &vector.keys(), much_later, &mut nonces);
    assert_eq!(result.map(|_| ()), Err(AuthError::InvalidTimeStampExpired));
    assert!(nonces.is_empty());
}

// ---- keys ----------------------------------------------------------------------------------

#[test]
fn an_unknown_access_key_is_not_found() {
    for vector in all_vectors() {
        let none: HashMap<String, Credential> = HashMap::new();
        let err = verify(
            &vector.request,
            &none,
            vector.signed_at,
            &mut NonceMemory::new(),
        )
        .unwrap_err();
        assert_eq!(
            err,
            AuthError::InvalidAccessKeyIdNotFound,
            "{}",
            vector.name
        );
        assert_eq!(err.code(), "InvalidAccessKeyId.NotFound");
        assert_eq!(err.http_status(), 404);
    }
}

#[test]
fn a_disabled_access_key_is_inactive() {
    for vector in all_vectors() {
        let account: AccountId = ACCOUNT.try_into().unwrap();
        let keys = |id: &str| {
            (id == vector.access_key_id)
                .then(|| Credential::new(vector.secret.clone(), account.clone()).disabled())
        };
        let err = verify(
            &vector.request,
            &keys,
            vector.signed_at,
            &mut NonceMemory::new(),
        )
        .unwrap_err();
        assert_eq!(
            err,
            AuthError::InvalidAccessKeyIdInactive,
            "{}",
            vector.name
        );
        assert_eq!(err.http_status(), 400);
    }
}

// ---- missing and malformed pieces ----------------------------------------------------------

#[test]
fn v1_missing_parameters_are_named() {
    let cases = [
        ("AccessKeyId", "MissingAccessKeyId"),
        ("Timestamp", "MissingTimestamp"),
        ("SignatureNonce", "MissingSignatureNonce"),
        ("SignatureMethod", "MissingSignatureMethod"),
        ("SignatureVersion", "MissingSignatureVersion"),
        ("Signature", "IncompleteSignature"),
    ];
    for vector in all_vectors().into_iter().filter(|v| v.scheme == Scheme::V1) {
        for (name, expected) in cases {
            let mut absent = vector.request.clone();
            absent.query.retain(|(n, _)| n != name);
            assert_eq!(
                code(vector.verify(&absent)),
                expected,
                "{}: {name}",
                vector.name
            );
            let mut empty = vector.request.clone();
            set_param(&mut empty, name, "");
            assert_eq!(
                code(vector.verify(&empty)),
                expected,
                "{}: {name}=",
                vector.name
            );
        }
    }
}

#[test]
fn v1_missing_messages_are_the_documented_pattern() {
    let vector = all_vectors()
        .into_iter()
        .find(|v| v.name == "v1-official-doc-example")
        .unwrap();
    let mut request = vector.request.clone();
    request.query.retain(|(n, _)| n != "Timestamp");
    let err = vector.verify(&request).unwrap_err();
    assert_eq!(err.code(), "MissingTimestamp");
    assert_eq!(err.to_string(), "Timestamp is mandatory for this action.");
    assert_eq!(err.http_status(), 400);
}

#[test]
fn v1_unsupported_or_repeated_pieces_are_incomplete() {
    for vector in all_vectors().into_iter().filter(|v| v.scheme == Scheme::V1) {
        let mut method = vector.request.clone();
        set_param(&mut method, "SignatureMethod", "HMAC-SHA256");
        let mut version = vector.request.clone();
        set_param(&mut version, "SignatureVersion", "2.0");
        let repeated = vector
            .request
            .clone()
            .with_query("Signature", param(&vector.request, "Signature").unwrap());
        for request in [method, version, repeated] {
            assert_eq!(
                code(vector.verify(&request)),
                "IncompleteSignature",
                "{}",
                vector.name
            );
        }
    }
}

#[test]
fn v3_missing_headers_are_named() {
    for vector in all_vectors().into_iter().filter(|v| v.scheme == Scheme::V3) {
        for (name, expected) in [
            ("x-acs-date", "MissingTimestamp"),
            ("x-acs-signature-nonce", "MissingSignatureNonce"),
        ] {
            let mut absent = vector.request.clone();
            remove_header(&mut absent, name);
            assert_eq!(
                code(vector.verify(&absent)),
                expected,
                "{}: {name}",
                vector.name
            );
            let mut empty = vector.request.clone();
            set_header(&mut empty, name, " ");
            assert_eq!(
                code(vector.verify(&empty)),
                expected,
                "{}: {name}",
                vector.name
            );
        }
    }
}

#[test]
fn v3_malformed_authorizations_are_incomplete() {
    for vector in all_vectors().into_iter().filter(|v| v.scheme == Scheme::V3) {
        let authorization = vector.request.header("authorization").unwrap().to_owned();
        let variants = [
            String::new(),
            authorization.replace("ACS3-HMAC-SHA256", "ACS3-HMAC-SM3"),
            authorization.replace("Credential=", "Cred="),
            authorization.replace(
                &format!("Credential={}", vector.access_key_id),
                "Credential=",
            ),
            authorization
                .split(",Signature=")
                .next()
                .unwrap()
                .to_owned(),
            authorization.replace("SignedHeaders=", "SignedHeaders=;"),
        ];
        for changed in variants {
            let mut request = vector.request.clone();
            set_header(&mut request, "authorization", &changed);
            assert_eq!(
                code(vector.verify(&request)),
                "IncompleteSignature",
                "{}: {changed}",
                vector.name
            );
        }
    }
}

#[test]
fn v3_headers_that_must_be_signed_are_incomplete_when_left_out() {
    for vector in all_vectors().into_iter().filter(|v| v.scheme == Scheme::V3) {
        // An x-acs-* header the signature does not cover.
        let extra = vector.request.clone().with_header("x-acs-extra", "1");
        assert_eq!(
            code(vector.verify(&extra)),
            "IncompleteSignature",
            "{}",
            vector.name
        );
        // A list without host, or naming a header the request lacks.
        let authorization = vector.request.header("authorization").unwrap().to_owned();
        for changed in [
            authorization.replace(";host;", ";").replace("=host;", "="),
            authorization.replace("SignedHeaders=", "SignedHeaders=x-absent;"),
        ] {
            let mut request = vector.request.clone();
            set_header(&mut request, "authorization", &changed);
            assert_eq!(
                code(vector.verify(&request)),
                "IncompleteSignature",
                "{}: {changed}",
                vector.name
            );
        }
        // A second Authorization.
        let twice = vector
            .request
            .clone()
            .with_header("Authorization", authorization.clone());
        assert_eq!(code(vector.verify(&twice)), "IncompleteSignature");
        // A second date or nonce (each check on its own: the `||` mutants of `v3::claim`).
        for header in ["x-acs-date", "x-acs-signature-nonce"] {
            let value = vector.request.header(header).unwrap().to_owned();
            let twice = vector.request.clone().with_header(header, value);
            assert_eq!(
                code(vector.verify(&twice)),
                "IncompleteSignature",
                "{}: {header} twice",
                vector.name
            );
        }
    }
}

#[test]
fn a_request_without_any_signature_is_missing_its_access_key() {
    let request = Request::new("POST", "/").with_query("Action", "DescribeLivePullToPush");
    let none: HashMap<String, Credential> = HashMap::new();
    let now = parse_utc("2025-01-15T08:30:00Z").unwrap();
    let err = verify(&request, &none, now, &mut NonceMemory::new()).unwrap_err();
    assert_eq!(err, AuthError::MissingAccessKeyId);
    assert_eq!(err.to_string(), "AccessKeyId is mandatory for this action.");
}

// ---- the order of the checks (gateway.md §3.3) ---------------------------------------------

#[test]
fn checks_run_in_the_documented_order() {
    for vector in all_vectors() {
        let none: HashMap<String, Credential> = HashMap::new();
        let wrong = vector.keys_with_secret("wrong");
        let at = vector.signed_at;
        let late = at + WINDOW + TimeDelta::minutes(1);
        let run = |request: &Request, keys: &HashMap<String, Credential>, now| {
            code(verify(request, keys, now, &mut NonceMemory::new()).map(|_| ()))
        };

        // Missing beats a malformed timestamp; a malformed beats an expired one...
        let mut missing_nonce = vector.with_timestamp("garbage");
        match vector.scheme {
            Scheme::V3 => remove_header(&mut missing_nonce, "x-acs-signature-nonce"),
            Scheme::V1 => missing_nonce.query.retain(|(n, _)| n != "SignatureNonce"),
        }
        assert_eq!(run(&missing_nonce, &none, late), "MissingSignatureNonce");
        let malformed = vector.with_timestamp("garbage");
        assert_eq!(run(&malformed, &none, late), "InvalidTimeStamp.Format");
        // ...an expired timestamp beats an unknown key, which beats a wrong signature.
        assert_eq!(
            run(&vector.request, &none, late),
            "InvalidTimeStamp.Expired"
        );
        assert_eq!(
            run(&vector.request, &none, at),
            "InvalidAccessKeyId.NotFound"
        );
        assert_eq!(run(&vector.request, &wrong, at), "SignatureDoesNotMatch");

        // A used nonce is reported only for a request whose signature holds.
        let mut nonces = NonceMemory::new();
        assert!(verify(&vector.request, &vector.keys(), at, &mut nonces).is_ok());
        let again = verify(&vector.request, &wrong, at, &mut nonces).map(|_| ());
        assert_eq!(code(again), "SignatureDoesNotMatch", "{}", vector.name);
        let again = verify(&vector.request, &vector.keys(), at, &mut nonces).map(|_| ());
        assert_eq!(code(again), "SignatureNonceUsed", "{}", vector.name);
    }
}

// ---- the error body ------------------------------------------------------------------------

#[test]
fn errors_render_the_gateway_body() {
    let vector = all_vectors().into_iter().next().unwrap();
    let none: HashMap<String, Credential> = HashMap::new();
    let err = verify(
        &vector.request,
        &none,
        vector.signed_at,
        &mut NonceMemory::new(),
    )
    .unwrap_err();
    let body: Value = serde_json::from_str(
        &err.body(
            "5D1F6A2B-0000-4000-8000-000000000001",
            "live.aliyuncs.com",
            live_lifecycle::Format::Json,
        )
        .1,
    )
    .unwrap();
    assert_eq!(body["RequestId"], "5D1F6A2B-0000-4000-8000-000000000001");
    assert_eq!(body["HostId"], "live.aliyuncs.com");
    assert_eq!(body["Code"], "InvalidAccessKeyId.NotFound");
    assert_eq!(body["Message"], "Specified access key is not found.");
    assert!(
        body["Recommend"]
            .as_str()
            .unwrap()
            .contains("q=InvalidAccessKeyId.NotFound")
    );
}

/// Every code the module can answer, with its status and message, as gateway.md §3.2 lists it.
#[test]
fn every_code_has_its_documented_status_and_message() {
    let table = [
        (
            AuthError::MissingAccessKeyId,
            "MissingAccessKeyId",
            400,
            "AccessKeyId is mandatory for this action.",
        ),
        (
            AuthError::MissingTimestamp,
            "MissingTimestamp",
            400,
            "Timestamp is mandatory for this action.",
        ),
        (
            AuthError::MissingSignatureNonce,
            "MissingSignatureNonce",
            400,
            "SignatureNonce is mandatory for this action.",
        ),
        (
            AuthError::MissingSignatureMethod,
            "MissingSignatureMethod",
            400,
            "SignatureMethod is mandatory for this action.",
        ),
        (
            AuthError::MissingSignatureVersion,
            "MissingSignatureVersion",
            400,
            "SignatureVersion is mandatory for this action.",
        ),
        (
            AuthError::IncompleteSignature { reason: "x" },
            "IncompleteSignature",
            400,
            "The request signature does not conform to Aliyun standards.",
        ),
        (
            AuthError::InvalidTimeStampFormat,
            "InvalidTimeStamp.Format",
            400,
            "Specified time stamp or date value is not well formatted.",
        ),
        (
            AuthError::InvalidTimeStampExpired,
            "InvalidTimeStamp.Expired",
            400,
            "Specified time stamp or date value is expired.",
        ),
        (
            AuthError::InvalidAccessKeyIdNotFound,
            "InvalidAccessKeyId.NotFound",
            404,
            "Specified access key is not found.",
        ),
        (
            AuthError::InvalidAccessKeyIdInactive,
            "InvalidAccessKeyId.Inactive",
            400,
            "Specified access key is disabled.",
        ),
        (
            AuthError::SignatureDoesNotMatch {
                server_string_to_sign: None,
            },
            "SignatureDoesNotMatch",
            400,
            "Specified signature does not match our calculation.",
        ),
        (
            AuthError::SignatureNonceUsed,
            "SignatureNonceUsed",
            400,
            "Specified signature nonce was used already.",
        ),
    ];
    for (err, code, status, message) in table {
        assert_eq!(err.code(), code);
        assert_eq!(err.http_status(), status, "{code}");
        assert_eq!(err.to_string(), message, "{code}");
    }
}

// ---- signing: sign_v3 is the SDK's V3 signature ------------------------------------------

/// The `SignedHeaders` list of a V3 vector's `Authorization`.
fn signed_header_names(request: &Request) -> Vec<String> {
    let authorization = request.header("authorization").unwrap();
    let list = authorization
        .split("SignedHeaders=")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .unwrap();
    list.split(';').map(str::to_owned).collect()
}

#[test]
fn sign_v3_reproduces_every_v3_vector() {
    let mut signed = 0;
    for vector in all_vectors().into_iter().filter(|v| v.scheme == Scheme::V3) {
        let expected = vector.request.header("authorization").unwrap().to_owned();
        let names = signed_header_names(&vector.request);
        let mut unsigned = vector.request.clone();
        remove_header(&mut unsigned, "authorization");
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let authorization = sign_v3(&unsigned, &vector.access_key_id, &vector.secret, &names);
        assert_eq!(authorization, expected, "{}", vector.name);

        // The names in any case and order, repeated: the header the verifier reads the same.
        let mut shuffled: Vec<String> = names.iter().rev().map(|n| n.to_uppercase()).collect();
        shuffled.push(names[0].to_owned());
        let shuffled: Vec<&str> = shuffled.iter().map(String::as_str).collect();
        let again = sign_v3(&unsigned, &vector.access_key_id, &vector.secret, &shuffled);
        assert_eq!(again, expected, "{}: names in another order", vector.name);
        signed += 1;
    }
    assert_eq!(signed, 10);
}

#[test]
fn content_sha256_is_the_header_the_sdk_sent() {
    for vector in all_vectors().into_iter().filter(|v| v.scheme == Scheme::V3) {
        assert_eq!(
            Some(content_sha256(&vector.request.body).as_str()),
            vector.request.header("x-acs-content-sha256"),
            "{}",
            vector.name
        );
    }
}

/// A request built as a client builds one: decoded query with characters that encode, the
/// required headers, the body's hash.
fn client_request(body: &str) -> Request {
    Request::new("POST", "/")
        .with_query("Name", "evening news*~/ü")
        .with_query("ClusterId", "c1")
        .with_query("Empty", "")
        .with_header("host", "127.0.0.1:8080")
        .with_header("x-acs-action", "CreateEdgeTranscodeJob")
        .with_header("x-acs-version", "2016-11-01")
        .with_header("x-acs-date", "2025-01-15T08:30:00Z")
        .with_header("x-acs-signature-nonce", "n-1")
        .with_header("x-acs-content-sha256", content_sha256(body.as_bytes()))
        .with_header("content-type", "application/x-www-form-urlencoded")
        .with_body(body)
}

const CLIENT_HEADERS: [&str; 7] = [
    "host",
    "x-acs-action",
    "x-acs-version",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-content-sha256",
    "content-type",
];

#[test]
fn what_sign_v3_signs_verify_accepts_and_a_wrong_secret_does_not() {
    let keys = HashMap::from([(
        "K1".to_owned(),
        Credential::new("s3cret", ACCOUNT.try_into().unwrap()),
    )]);
    let now = parse_utc("2025-01-15T08:31:00Z").unwrap();
    for body in ["", "TemplateId=t+1&StreamInput=rtmp%3A%2F%2Fa"] {
        let request = client_request(body);
        let authorization = sign_v3(&request, "K1", "s3cret", &CLIENT_HEADERS);
        let signed = request.clone().with_header("Authorization", &authorization);
        let verified = verify(&signed, &keys, now, &mut NonceMemory::new()).unwrap();
        assert_eq!(
            (verified.scheme, verified.access_key_id.as_str()),
            (Scheme::V3, "K1")
        );

        let forged = sign_v3(&request, "K1", "s3cret!", &CLIENT_HEADERS);
        let forged = request.clone().with_header("Authorization", forged);
        let refused = verify(&forged, &keys, now, &mut NonceMemory::new()).unwrap_err();
        assert_eq!(refused.code(), "SignatureDoesNotMatch");

        // Leaving a header out of the signature is the verifier's to refuse, not the signer's.
        let partial = sign_v3(&request, "K1", "s3cret", &CLIENT_HEADERS[..6]);
        let partial = request.with_header("Authorization", partial);
        let refused = verify(&partial, &keys, now, &mut NonceMemory::new()).unwrap_err();
        assert_eq!(refused.code(), "IncompleteSignature");
    }
}
