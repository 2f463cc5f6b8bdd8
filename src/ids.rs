//! Identifiers: validated newtypes for the ids callers send, and the replaceable generator of
//! the ids the engine hands out.
//!
//! The default generator is a pure function of a seed and a sequence number, so two engines
//! built alike hand out the same ids, and a restored snapshot (which carries the sequence
//! number) goes on where it left off.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::Detail;

/// The longest id a strict engine accepts, and the longest the engine hands out, in bytes.
/// Alibaba's ids are 32–36 characters; the bound keeps room for embedders' own schemes.
pub const MAX_ID_LEN: usize = 128;

/// Checks what makes any text an id: at least one character, and no whitespace or control
/// character (an id is one token; a space or a tab in one is a pasting mistake).
pub(crate) fn check_token(text: &str) -> Result<(), &'static str> {
    if text.is_empty() {
        Err("must not be empty")
    } else if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err("must not contain spaces or control characters")
    } else {
        Ok(())
    }
}

/// Checks the shape of the ids the engine hands out and accounts have, which a strict
/// engine also demands of the ids callers send: 1 to [`MAX_ID_LEN`] visible ASCII
/// characters.
pub(crate) fn check_id(text: &str) -> Result<(), &'static str> {
    if text.is_empty() {
        Err("must not be empty")
    } else if text.len() > MAX_ID_LEN {
        Err("must be at most 128 characters")
    } else if !text.bytes().all(|b| b.is_ascii_graphic()) {
        Err("must be printable ASCII without spaces")
    } else {
        Ok(())
    }
}

/// An id a caller sent: any text [`check_token`] takes; under `strict`, also the shape of
/// [`check_id`] (docs/fidelity.md: the docs give ids no shape, so only a strict engine asks
/// for one).
pub(crate) fn sent<'a, I>(text: &'a str, strict: bool) -> Result<I, Detail>
where
    I: TryFrom<&'a str, Error = &'static str>,
{
    if strict {
        check_id(text).map_err(Detail::Borrowed)?;
    }
    I::try_from(text).map_err(Detail::Borrowed)
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $example:literal, $check:ident, $shape:literal) => {
        $(#[$doc])*
        ///
        #[doc = concat!("Holds ", $shape, "; built only through `TryFrom`. The text is")]
        /// shared, so a clone (for an event, a reply, an index) copies a pointer.
        ///
        /// ```
        #[doc = concat!("use live_lifecycle::ids::", stringify!($name), ";")]
        #[doc = concat!("let id = ", stringify!($name), "::try_from(\"", $example, "\").unwrap();")]
        #[doc = concat!("assert_eq!(id.as_str(), \"", $example, "\");")]
        #[doc = concat!("assert!(", stringify!($name), "::try_from(\"has space\").is_err());")]
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(Arc<str>);

        impl $name {
            /// The id as text.
            ///
            /// ```
            #[doc = concat!("# use live_lifecycle::ids::", stringify!($name), ";")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::try_from(\"", $example, "\").unwrap().as_str(), \"", $example, "\");")]
            /// ```
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = &'static str;
            fn try_from(text: String) -> Result<Self, Self::Error> {
                Self::try_from(text.as_str())
            }
        }

        impl TryFrom<&str> for $name {
            type Error = &'static str;
            fn try_from(text: &str) -> Result<Self, Self::Error> {
                $check(text)?;
                Ok(Self(Arc::from(text)))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.as_str().to_owned()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }
    };
}

id_type!(
    /// The caller's account (Alibaba's "aliuid"), as authenticated by the embedder.
    AccountId,
    "1234567890123456",
    check_id,
    "1 to 128 visible ASCII characters"
);
id_type!(
    /// An edge data centre (`ClusterId`).
    ClusterId,
    "cluster-1",
    check_token,
    "any text without whitespace or control characters (a strict engine asks for 1 to 128 visible ASCII characters of the ids callers send)"
);
id_type!(
    /// An edge transcoding job (`JobId`).
    JobId,
    "0e4ea20b48fb04483915d4f2cd8ac2a1",
    check_token,
    "any text without whitespace or control characters (a strict engine asks for 1 to 128 visible ASCII characters of the ids callers send)"
);
id_type!(
    /// An edge transcoding template (`TemplateId`).
    TemplateId,
    "tpl-common-h264-720p",
    check_token,
    "any text without whitespace or control characters (a strict engine asks for 1 to 128 visible ASCII characters of the ids callers send)"
);
id_type!(
    /// A pull-to-push task (`TaskId`).
    TaskId,
    "fd245384-4067-4f91-9d75-9666a6bc0a1e",
    check_token,
    "any text without whitespace or control characters (a strict engine asks for 1 to 128 visible ASCII characters of the ids callers send)"
);

/// A reply's `RequestId`: any text (an embedder's generator may make ids of any shape).
/// Compares, hashes, prints and serializes as its text.
///
/// ```
/// use live_lifecycle::ids::RequestId;
/// let id = RequestId::from("5C1E43DC-8F6A-4B2E-9F0A-1B2C3D4E5F60");
/// assert_eq!(id, "5C1E43DC-8F6A-4B2E-9F0A-1B2C3D4E5F60");
/// assert_eq!(id.len(), 36);
/// assert_eq!(serde_json::to_string(&id).unwrap(), "\"5C1E43DC-8F6A-4B2E-9F0A-1B2C3D4E5F60\"");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RequestId(String);

impl RequestId {
    /// The id as text.
    ///
    /// ```
    /// # use live_lifecycle::ids::RequestId;
    /// assert_eq!(RequestId::from("REQ-1").as_str(), "REQ-1");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for RequestId {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl From<String> for RequestId {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<RequestId> for String {
    fn from(id: RequestId) -> String {
        id.0
    }
}

impl std::ops::Deref for RequestId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for RequestId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for RequestId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for RequestId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for RequestId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for RequestId {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

/// Printed as its text in quotes, as a `&str` is.
impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which kind of id the engine needs next.
///
/// ```
/// use live_lifecycle::ids::IdKind;
/// assert_ne!(IdKind::Job, IdKind::Request);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdKind {
    /// An edge transcoding job id.
    Job,
    /// A pull-to-push task id.
    Task,
    /// A `RequestId` for a reply.
    Request,
}

/// The source of every id the engine hands out. Replace it to get ids of your own shape.
///
/// `seq` counts the ids of that kind drawn so far (starting at 0) and is kept in the engine's
/// state, so a generator that is a pure function of `seq` makes replays and restored
/// snapshots hand out exactly the ids the original engine would have. An id that is not a
/// valid id (see [`MAX_ID_LEN`]) or that repeats a live one makes the call fail with
/// `InternalError` rather than corrupt the state.
///
/// ```
/// use live_lifecycle::ids::{IdGenerator, IdKind};
///
/// #[derive(Debug)]
/// struct Plain;
/// impl IdGenerator for Plain {
///     fn generate(&mut self, kind: IdKind, seq: u64) -> String {
///         format!("{kind:?}-{seq}").to_lowercase()
///     }
/// }
/// let mut engine = live_lifecycle::Engine::with_id_generator(
///     live_lifecycle::Config::default(),
///     Box::new(Plain),
/// );
/// # let _ = &mut engine;
/// ```
pub trait IdGenerator: fmt::Debug + Send {
    /// The `seq`-th id of `kind`.
    fn generate(&mut self, kind: IdKind, seq: u64) -> String;
}

/// The default generator: ids that look like Alibaba's, derived from a seed and the sequence
/// number by a fixed mixing function (no randomness).
///
/// ```
/// use live_lifecycle::ids::{IdGenerator, IdKind, SeededIds};
///
/// let mut a = SeededIds::new(7);
/// let mut b = SeededIds::new(7);
/// assert_eq!(a.generate(IdKind::Job, 0), b.generate(IdKind::Job, 0));
/// assert_eq!(a.generate(IdKind::Job, 0).len(), 32);
/// assert_eq!(a.generate(IdKind::Request, 0).len(), 36);
/// assert_eq!(a.generate(IdKind::Task, 0).len(), 36);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SeededIds {
    seed: u64,
}

impl SeededIds {
    /// A generator for `seed`; equal seeds give equal ids.
    ///
    /// ```
    /// # use live_lifecycle::ids::{IdGenerator, IdKind, SeededIds};
    /// assert_ne!(SeededIds::new(1).generate(IdKind::Job, 0), SeededIds::new(2).generate(IdKind::Job, 0));
    /// ```
    pub fn new(seed: u64) -> Self {
        Self { seed }
    }

    fn bits(&self, kind: IdKind, seq: u64) -> u128 {
        let salt = match kind {
            IdKind::Job => 0x4a4f_4220,
            IdKind::Task => 0x5441_534b,
            IdKind::Request => 0x5245_5120,
        };
        let hi = splitmix64(self.seed ^ salt ^ seq.wrapping_mul(2));
        let lo = splitmix64(self.seed ^ salt ^ seq.wrapping_mul(2).wrapping_add(1));
        (u128::from(hi) << 64) | u128::from(lo)
    }
}

impl IdGenerator for SeededIds {
    fn generate(&mut self, kind: IdKind, seq: u64) -> String {
        let bits = self.bits(kind, seq);
        match kind {
            // Job ids in the docs are 32 lower-case hex digits.
            IdKind::Job => Uuid::from_u128(bits).simple().to_string(),
            // Task ids are lower-case UUIDs (version 4), request ids upper-case GUIDs.
            IdKind::Task => guid(bits).hyphenated().to_string(),
            IdKind::Request => guid(bits)
                .hyphenated()
                .encode_upper(&mut Uuid::encode_buffer())
                .to_owned(),
        }
    }
}

/// The bits as a version-4 UUID: the version and variant bits are set, the rest kept.
fn guid(bits: u128) -> Uuid {
    uuid::Builder::from_random_bytes(bits.to_be_bytes()).into_uuid()
}

/// SplitMix64: a fixed, well-mixed function of its input (Steele, Lea, Flood 2014).
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::{IdGenerator, IdKind, JobId, RequestId, SeededIds, TaskId};

    /// The default generator's ids are pinned: they show in every golden reply.
    #[test]
    fn seeded_ids_have_their_known_shapes() {
        let mut ids = SeededIds::new(0);
        let job = ids.generate(IdKind::Job, 0);
        assert_eq!(job.len(), 32);
        assert!(
            job.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        let task = ids.generate(IdKind::Task, 0);
        assert_eq!(task.get(14..15), Some("4"));
        assert!(matches!(task.get(19..20), Some("8" | "9" | "a" | "b")));
        let request = ids.generate(IdKind::Request, 0);
        assert_eq!(request, request.to_uppercase());
        assert_eq!(request.len(), 36);
    }

    #[test]
    fn replies_and_refusals_cross_threads() {
        // Error wrappers (anyhow, Box<dyn Error + Send + Sync>) need both.
        fn send_sync<T: Send + Sync>() {}
        send_sync::<RequestId>();
        send_sync::<crate::Rejection>();
        send_sync::<crate::edge::JobIdResponse>();
    }

    #[test]
    fn request_ids_read_as_their_text_every_way() {
        let text = SeededIds::new(2).generate(IdKind::Request, 0);
        let id = RequestId::from(text.as_str());
        assert_eq!(format!("{id:?}"), format!("{text:?}"));
        assert_eq!(id.to_string(), text);
        assert_eq!(AsRef::<str>::as_ref(&id), text);
        assert!(id == text.as_str() && id == text && id == *text.as_str());
        let other = String::from("other");
        assert!(id != "other" && id != *"other" && id != other);
        assert_eq!(String::from(id), text);
    }

    #[test]
    fn request_ids_are_found_by_their_text() {
        let ids: std::collections::HashSet<RequestId> =
            ["R-1", "R-2"].into_iter().map(RequestId::from).collect();
        assert!(ids.contains("R-1") && ids.contains("R-2") && !ids.contains("R-3"));
    }

    #[test]
    fn ids_compare_and_order_by_text() {
        let a = JobId::try_from("a".repeat(100)).unwrap_or_else(|_| unreachable!());
        let b = JobId::try_from("b".repeat(100)).unwrap_or_else(|_| unreachable!());
        assert!(a < b && a != b);
        assert_eq!(a, a.clone());
        let short = TaskId::try_from("t1").unwrap_or_else(|_| unreachable!());
        let long = TaskId::try_from("t".repeat(37)).unwrap_or_else(|_| unreachable!());
        assert!(short < long);
        assert_eq!(format!("{short:?}"), r#"TaskId("t1")"#);
    }
}
