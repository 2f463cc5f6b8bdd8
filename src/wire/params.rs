//! Raw parameters in: bounded, one value per name, integers read strictly.

use crate::error::{ApiError, Detail};

/// The most parameters one call may carry. The largest action reads 14, and a signed
/// request adds about a dozen common ones; anything near this is not a real client.
pub const MAX_PARAMS: usize = 200;
/// The longest parameter name, in bytes.
pub const MAX_NAME_BYTES: usize = 128;
/// The longest parameter value, in bytes: room for 30 URLs of 2000 characters each in the
/// JSON form of `SourceUrls`, even if every character takes four bytes.
pub const MAX_VALUE_BYTES: usize = 256 * 1024;

/// The version of the API this crate speaks.
pub const API_VERSION: &str = "2016-11-01";

/// Whether a parameter list is within [`MAX_PARAMS`], [`MAX_NAME_BYTES`] and
/// [`MAX_VALUE_BYTES`]: a server checks it before a signature, whose cost grows with the list,
/// and lets [`Engine::handle`](crate::Engine::handle) answer a list beyond them.
///
/// ```
/// use live_lifecycle::within_bounds;
/// assert!(within_bounds(&[("Action", "ListEdgeTranscodeJob")]));
/// let many = vec![("P", "1"); 201];
/// assert!(!within_bounds(&many));
/// ```
pub fn within_bounds(params: &[(&str, &str)]) -> bool {
    check_bounds(params).is_ok()
}

/// Refuses a parameter list far beyond any documented size before anything reads it.
pub(crate) fn check_bounds(params: &[(&str, &str)]) -> Result<(), ApiError> {
    if params.len() > MAX_PARAMS {
        return Err(ApiError::InvalidParameter {
            field: Detail::Borrowed("Parameters"),
            reason: format!(
                "{} parameters were sent; at most {MAX_PARAMS} are accepted",
                params.len()
            )
            .into(),
        });
    }
    for (name, value) in params {
        if name.len() > MAX_NAME_BYTES {
            return Err(ApiError::InvalidParameter {
                field: Detail::Borrowed("Parameters"),
                reason: format!("a parameter name is longer than {MAX_NAME_BYTES} bytes").into(),
            });
        }
        if value.len() > MAX_VALUE_BYTES {
            return Err(ApiError::InvalidParameter {
                field: Detail::Owned((*name).to_owned()),
                reason: format!("must be at most {MAX_VALUE_BYTES} bytes").into(),
            });
        }
    }
    Ok(())
}

/// The one value of `name`: `Ok(None)` when absent, an error when sent more than once (a
/// repeated parameter is ambiguous, and the crate will not guess which one was meant).
pub(crate) fn single<'a>(
    params: &[(&str, &'a str)],
    name: &'static str,
) -> Result<Option<&'a str>, ApiError> {
    let mut values = params.iter().filter(|(n, _)| *n == name).map(|(_, v)| *v);
    let first = values.next();
    if values.next().is_some() {
        return Err(ApiError::invalid(name, "must be sent only once"));
    }
    Ok(first)
}

/// A decimal integer: an optional sign, then one or more ASCII digits, within 64 bits.
pub(crate) fn int(text: &str) -> Result<i64, &'static str> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("must be an integer");
    }
    text.parse().map_err(|_| "is out of range")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_strict() {
        assert_eq!(int("42"), Ok(42));
        assert_eq!(int("-1"), Ok(-1));
        assert_eq!(int("+7"), Ok(7));
        assert_eq!(int("007"), Ok(7));
        for bad in ["", "-", "1.5", "0x10", " 1", "1 ", "1e3", "١"] {
            assert_eq!(int(bad), Err("must be an integer"), "{bad:?}");
        }
        assert_eq!(int("9223372036854775808"), Err("is out of range"));
    }
}
