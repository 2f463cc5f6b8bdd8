//! The byte-level encodings both schemes share: RFC 3986 percent-encoding for the canonical
//! strings, form decoding for what arrives on the wire, and lower-case hex.

use std::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Percent-encodes `text` as both schemes canonicalise it (gateway.md §1.2, §2.3): the
/// unreserved `A-Z a-z 0-9 - _ . ~` stay, every other byte of the UTF-8 becomes `%XX` in
/// upper-case hex, so a space is `%20` (never `+`), `*` is `%2A` and `/` is `%2F`.
///
/// This is not the wire encoding: the SDK sends spaces as `+`, which is why the server decodes
/// first ([`super::Request::with_raw_query`]) and re-encodes here.
///
/// ```
/// use live_lifecycle::auth::percent_encode;
///
/// assert_eq!(percent_encode("job*name~x/y (1)+z=&'!"), "job%2Aname~x%2Fy%20%281%29%2Bz%3D%26%27%21");
/// assert_eq!(percent_encode("tpl-ü"), "tpl-%C3%BC");
/// ```
pub fn percent_encode(text: &str) -> String {
    utf8_percent_encode(text, ENCODED).to_string()
}

/// Every byte but the RFC 3986 unreserved ones; bytes outside ASCII are always encoded.
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Decodes `application/x-www-form-urlencoded` pairs (`+` is a space, then `%XX`), as the
/// SDK's `urlencode` wrote them. Bytes that are not UTF-8 after decoding become U+FFFD; such a
/// request then fails its signature rather than being guessed at.
pub(crate) fn decode_form(raw: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw)
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

/// Lower-case hex, as V3 prints hashes and signatures.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        // Writing to a String cannot fail.
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// The bytes of a hex string, either case; `None` if it is not whole hex bytes.
pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| match pair {
            [high, low] => Some(nibble(*high)? << 4 | nibble(*low)?),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_leaves_only_unreserved_bytes() {
        for byte in 0u8..=127 {
            let text = char::from(byte).to_string();
            let encoded = percent_encode(&text);
            let unreserved = byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte);
            if unreserved {
                assert_eq!(encoded, text);
            } else {
                assert_eq!(encoded, format!("%{byte:02X}"));
            }
        }
        assert_eq!(percent_encode("直"), "%E7%9B%B4");
    }

    #[test]
    fn percent_encoding_of_non_ascii_is_every_utf8_byte_in_upper_case_hex() {
        for c in ('\u{80}'..='\u{7ff}').chain(['\u{ffff}', '\u{10000}', '\u{10ffff}']) {
            let text = format!("a{c} ");
            let expected: String = std::iter::once("a".to_owned())
                .chain(c.to_string().bytes().map(|byte| format!("%{byte:02X}")))
                .chain(std::iter::once("%20".to_owned()))
                .collect();
            assert_eq!(percent_encode(&text), expected);
        }
    }

    #[test]
    fn form_decoding_reads_plus_as_space() {
        assert_eq!(
            decode_form(b"TaskName=my+task+1&Empty=&X=%2B%2A"),
            [
                ("TaskName".to_owned(), "my task 1".to_owned()),
                ("Empty".to_owned(), String::new()),
                ("X".to_owned(), "+*".to_owned()),
            ]
        );
        assert!(decode_form(b"").is_empty());
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
        assert_eq!(unhex("00abFF"), Some(vec![0x00, 0xab, 0xff]));
        assert_eq!(unhex("abc"), None);
        assert_eq!(unhex("zz"), None);
        assert_eq!(unhex(""), Some(vec![]));
    }
}
