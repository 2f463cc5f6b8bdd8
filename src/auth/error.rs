//! The gateway's authentication errors, one variant per code, and the body they render to.

use serde::Serialize;

use crate::Format;
use crate::wire::error_body;

/// Why the gateway refused to authenticate a request: one variant per documented code, with
/// its HTTP status and exact message (gateway.md §3.2).
///
/// [`verify`](super::verify) reports the first failing check in the order of gateway.md §3.3:
/// missing pieces (`Missing…`, then `IncompleteSignature`), the timestamp, the AccessKey, the
/// signature, and last the nonce.
///
/// ```
/// use live_lifecycle::auth::AuthError;
///
/// let err = AuthError::MissingTimestamp;
/// assert_eq!(err.code(), "MissingTimestamp");
/// assert_eq!(err.http_status(), 400);
/// assert_eq!(err.to_string(), "Timestamp is mandatory for this action.");
/// assert_eq!(AuthError::InvalidAccessKeyIdNotFound.http_status(), 404);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// No `AccessKeyId` parameter (V1) (400, `MissingAccessKeyId`).
    #[error("AccessKeyId is mandatory for this action.")]
    MissingAccessKeyId,
    /// No `Timestamp` parameter (V1) or `x-acs-date` header (V3) (400, `MissingTimestamp`).
    #[error("Timestamp is mandatory for this action.")]
    MissingTimestamp,
    /// No `SignatureNonce` parameter (V1) or `x-acs-signature-nonce` header (V3) (400,
    /// `MissingSignatureNonce`).
    #[error("SignatureNonce is mandatory for this action.")]
    MissingSignatureNonce,
    /// No `SignatureMethod` parameter (V1) (400, `MissingSignatureMethod`).
    #[error("SignatureMethod is mandatory for this action.")]
    MissingSignatureMethod,
    /// No `SignatureVersion` parameter (V1) (400, `MissingSignatureVersion`).
    #[error("SignatureVersion is mandatory for this action.")]
    MissingSignatureVersion,
    /// The signature is absent or the request does not have the shape a scheme requires
    /// (400, `IncompleteSignature`).
    #[error("The request signature does not conform to Aliyun standards.")]
    IncompleteSignature {
        /// What exactly is wrong, for the embedder's logs; the wire message stays the
        /// documented one.
        reason: &'static str,
    },
    /// The timestamp is not `yyyy-MM-ddTHH:mm:ssZ` (400, `InvalidTimeStamp.Format`).
    #[error("Specified time stamp or date value is not well formatted.")]
    InvalidTimeStampFormat,
    /// The timestamp is more than 15 minutes before or after `now` (400,
    /// `InvalidTimeStamp.Expired`).
    #[error("Specified time stamp or date value is expired.")]
    InvalidTimeStampExpired,
    /// The key store knows no such AccessKeyId (404, `InvalidAccessKeyId.NotFound`).
    #[error("Specified access key is not found.")]
    InvalidAccessKeyIdNotFound,
    /// The AccessKey is disabled (400, `InvalidAccessKeyId.Inactive`).
    #[error("Specified access key is disabled.")]
    InvalidAccessKeyIdInactive,
    /// The signature is not the one the server computes (400, `SignatureDoesNotMatch`).
    /// V1 answers with the server's string-to-sign appended, as the real gateway does, so a
    /// client can compare; V3 answers without it.
    #[error("{}", mismatch_message(.server_string_to_sign.as_deref()))]
    SignatureDoesNotMatch {
        /// The server's V1 string-to-sign; `None` for V3.
        server_string_to_sign: Option<String>,
    },
    /// The nonce was already used with this AccessKey inside the window (400,
    /// `SignatureNonceUsed`).
    #[error("Specified signature nonce was used already.")]
    SignatureNonceUsed,
}

/// The two documented texts of `SignatureDoesNotMatch`.
fn mismatch_message(server_string_to_sign: Option<&str>) -> String {
    match server_string_to_sign {
        Some(string_to_sign) => format!(
            "Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}"
        ),
        None => "Specified signature does not match our calculation.".to_owned(),
    }
}

/// The error body's fields, in the order [`crate::Rejection`] writes them.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Body<'a> {
    request_id: &'a str,
    host_id: &'a str,
    code: &'static str,
    message: String,
    recommend: String,
}

impl AuthError {
    /// The documented error code, as sent in the body's `Code`.
    ///
    /// ```
    /// use live_lifecycle::auth::AuthError;
    /// assert_eq!(AuthError::InvalidTimeStampExpired.code(), "InvalidTimeStamp.Expired");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingAccessKeyId => "MissingAccessKeyId",
            Self::MissingTimestamp => "MissingTimestamp",
            Self::MissingSignatureNonce => "MissingSignatureNonce",
            Self::MissingSignatureMethod => "MissingSignatureMethod",
            Self::MissingSignatureVersion => "MissingSignatureVersion",
            Self::IncompleteSignature { .. } => "IncompleteSignature",
            Self::InvalidTimeStampFormat => "InvalidTimeStamp.Format",
            Self::InvalidTimeStampExpired => "InvalidTimeStamp.Expired",
            Self::InvalidAccessKeyIdNotFound => "InvalidAccessKeyId.NotFound",
            Self::InvalidAccessKeyIdInactive => "InvalidAccessKeyId.Inactive",
            Self::SignatureDoesNotMatch { .. } => "SignatureDoesNotMatch",
            Self::SignatureNonceUsed => "SignatureNonceUsed",
        }
    }

    /// Every code [`AuthError::code`] can answer, in the order of the variants.
    pub const CODES: [&'static str; 12] = [
        "MissingAccessKeyId",
        "MissingTimestamp",
        "MissingSignatureNonce",
        "MissingSignatureMethod",
        "MissingSignatureVersion",
        "IncompleteSignature",
        "InvalidTimeStamp.Format",
        "InvalidTimeStamp.Expired",
        "InvalidAccessKeyId.NotFound",
        "InvalidAccessKeyId.Inactive",
        "SignatureDoesNotMatch",
        "SignatureNonceUsed",
    ];

    /// An error of the documented `code` that no request caused: one a test harness injects
    /// on purpose (the emulator's `/_emulator/chaos`). `SignatureDoesNotMatch` has the V3
    /// message (no string-to-sign). `None` for a code the gateway does not document (see
    /// [`AuthError::CODES`]).
    ///
    /// ```
    /// use live_lifecycle::auth::AuthError;
    /// let error = AuthError::injected("InvalidAccessKeyId.NotFound").unwrap();
    /// assert_eq!(error.http_status(), 404);
    /// assert!(AuthError::injected("Throttling.User").is_none());
    /// ```
    pub fn injected(code: &str) -> Option<Self> {
        Some(match code {
            "MissingAccessKeyId" => Self::MissingAccessKeyId,
            "MissingTimestamp" => Self::MissingTimestamp,
            "MissingSignatureNonce" => Self::MissingSignatureNonce,
            "MissingSignatureMethod" => Self::MissingSignatureMethod,
            "MissingSignatureVersion" => Self::MissingSignatureVersion,
            "IncompleteSignature" => Self::IncompleteSignature {
                reason: "an error injected for testing",
            },
            "InvalidTimeStamp.Format" => Self::InvalidTimeStampFormat,
            "InvalidTimeStamp.Expired" => Self::InvalidTimeStampExpired,
            "InvalidAccessKeyId.NotFound" => Self::InvalidAccessKeyIdNotFound,
            "InvalidAccessKeyId.Inactive" => Self::InvalidAccessKeyIdInactive,
            "SignatureDoesNotMatch" => Self::SignatureDoesNotMatch {
                server_string_to_sign: None,
            },
            "SignatureNonceUsed" => Self::SignatureNonceUsed,
            _ => return None,
        })
    }

    /// The HTTP status the gateway answers with: 404 for an unknown key, 400 for the rest.
    ///
    /// ```
    /// use live_lifecycle::auth::AuthError;
    /// assert_eq!(AuthError::SignatureNonceUsed.http_status(), 400);
    /// assert_eq!(AuthError::InvalidAccessKeyIdNotFound.http_status(), 404);
    /// ```
    pub fn http_status(&self) -> u16 {
        match self {
            Self::InvalidAccessKeyIdNotFound => 404,
            Self::MissingAccessKeyId
            | Self::MissingTimestamp
            | Self::MissingSignatureNonce
            | Self::MissingSignatureMethod
            | Self::MissingSignatureVersion
            | Self::IncompleteSignature { .. }
            | Self::InvalidTimeStampFormat
            | Self::InvalidTimeStampExpired
            | Self::InvalidAccessKeyIdInactive
            | Self::SignatureDoesNotMatch { .. }
            | Self::SignatureNonceUsed => 400,
        }
    }

    /// The diagnosis link for this code and request: the same link as
    /// [`crate::Rejection::recommend`].
    ///
    /// ```
    /// use live_lifecycle::auth::AuthError;
    /// assert_eq!(
    ///     AuthError::SignatureNonceUsed.recommend("R1"),
    ///     "https://api.aliyun.com/troubleshoot?q=SignatureNonceUsed&product=live&requestId=R1"
    /// );
    /// ```
    pub fn recommend(&self, request_id: &str) -> String {
        format!(
            "https://api.aliyun.com/troubleshoot?q={}&product=live&requestId={request_id}",
            self.code()
        )
    }

    /// The exact error body `RequestId`, `HostId`, `Code`, `Message`, `Recommend`, in the
    /// shape and key order of [`crate::Rejection`], in `format` (XML: an `<Error>` element);
    /// send it with [`AuthError::http_status`] and the format's content type. The format is
    /// `format` but in the one case [`Format`] cannot write (then a JSON `InternalError`).
    ///
    /// ```
    /// use live_lifecycle::{Format, auth::AuthError};
    ///
    /// let error = AuthError::InvalidAccessKeyIdNotFound;
    /// let (format, body) = error.body("R1", "live.aliyuncs.com", Format::Json);
    /// assert_eq!(format, Format::Json);
    /// assert_eq!(body, concat!(
    ///     r#"{"RequestId":"R1","HostId":"live.aliyuncs.com","Code":"InvalidAccessKeyId.NotFound","#,
    ///     r#""Message":"Specified access key is not found.","#,
    ///     r#""Recommend":"https://api.aliyun.com/troubleshoot?q=InvalidAccessKeyId.NotFound&product=live&requestId=R1"}"#,
    /// ));
    /// let (_, xml) = error.body("R1", "live.aliyuncs.com", Format::Xml);
    /// assert!(xml.contains("<Error><RequestId>R1</RequestId><HostId>live.aliyuncs.com</HostId>"));
    /// ```
    pub fn body(&self, request_id: &str, host_id: &str, format: Format) -> (Format, String) {
        let body = Body {
            request_id,
            host_id,
            code: self.code(),
            message: self.to_string(),
            recommend: self.recommend(request_id),
        };
        match error_body(format, &body, request_id, host_id) {
            Ok(text) => (format, text),
            Err(internal) => (Format::Json, internal),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::{ApiError, Rejection};

    #[test]
    fn every_documented_code_can_be_injected_and_keeps_its_code() {
        for code in AuthError::CODES {
            assert_eq!(AuthError::injected(code).unwrap().code(), code);
        }
        let distinct: std::collections::BTreeSet<_> = AuthError::CODES.iter().collect();
        assert_eq!(distinct.len(), AuthError::CODES.len());
        assert!(AuthError::injected("MissingParameter").is_none());
    }

    #[test]
    fn the_body_has_the_shape_of_a_rejection() {
        let rejection = Rejection {
            request_id: "R1".into(),
            host_id: "live.aliyuncs.com".into(),
            error: ApiError::InvalidVersion,
        };
        let theirs = serde_json::to_string(&rejection).unwrap();
        let err = AuthError::SignatureNonceUsed;
        let (_, ours) = err.body("R1", "live.aliyuncs.com", Format::Json);
        // The same keys in the same order.
        let order = |body: &str| -> Vec<usize> {
            ["RequestId", "HostId", "Code", "Message", "Recommend"]
                .iter()
                .map(|key| body.find(&format!("\"{key}\":")).unwrap())
                .collect()
        };
        for body in [&theirs, &ours] {
            let at = order(body);
            assert!(at.windows(2).all(|w| w[0] < w[1]), "{body}");
        }
        let ours: serde_json::Value = serde_json::from_str(&ours).unwrap();
        assert_eq!(ours.as_object().unwrap().len(), 5);
        assert_eq!(
            ours["Recommend"].as_str(),
            Some(
                rejection
                    .recommend()
                    .replace("InvalidVersion", err.code())
                    .as_str()
            )
        );
    }

    #[test]
    fn the_two_mismatch_messages() {
        let v3 = AuthError::SignatureDoesNotMatch {
            server_string_to_sign: None,
        };
        assert_eq!(
            v3.to_string(),
            "Specified signature does not match our calculation."
        );
        let v1 = AuthError::SignatureDoesNotMatch {
            server_string_to_sign: Some("GET&%2F&A%3D1".into()),
        };
        assert_eq!(
            v1.to_string(),
            "Specified signature is not matched with our calculation. server string to sign is:GET&%2F&A%3D1"
        );
    }
}
