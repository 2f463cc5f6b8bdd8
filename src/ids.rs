//! Identifiers: validated newtypes for the ids callers send, and the replaceable generator of
//! the ids the engine hands out.
//!
//! The default generator is a pure function of a seed and a sequence number, so two engines
//! built alike hand out the same ids, and a restored snapshot (which carries the sequence
//! number) goes on where it left off.

use std::fmt;
use std::sync::Arc;

use serde::Deserialize;

/// The longest id accepted, in bytes. Alibaba's ids are 32–36 characters; the bound keeps
/// room for embedders' own schemes while refusing megabyte-long "ids".
pub const MAX_ID_LEN: usize = 128;

/// Checks the shape every id shares: 1 to [`MAX_ID_LEN`] visible ASCII characters.
pub(crate) fn check_id(text: &str) -> Result<(), &'static str> {
    if text.is_empty() {
        Err("must not be empty")
    } else if text.len() > MAX_ID_LEN {
        Err("must be at most 128 characters")
    } else if !all_graphic(text) {
        Err("must be printable ASCII without spaces")
    } else {
        Ok(())
    }
}

/// Whether every byte is visible ASCII. A fold without an early exit, so that the compiler
/// checks many bytes at a time: the ids of every call are checked, and a bad one is rare.
fn all_graphic(text: &str) -> bool {
    text.bytes()
        .fold(true, |graphic, b| graphic & b.is_ascii_graphic())
}

/// The longest id text held inline: a GUID's 36 characters (task, template and request ids;
/// job ids are 32). Longer ids, up to [`MAX_ID_LEN`], are shared on the heap.
const INLINE_ID: usize = 36;

/// An id's text: inline when it is short (almost always), so that a clone for an event, a
/// reply or a timer copies 48 bytes where an `Arc` clone and its drop are two atomic
/// operations (a typed Start made four such clones, and a quarter of its samples sat on two
/// of them), and a map keyed by ids finds the text in the entry instead of behind a pointer.
#[derive(Clone)]
enum IdText {
    Inline(arrayvec::ArrayString<INLINE_ID>),
    Shared(Arc<str>),
}

impl IdText {
    fn new(text: &str) -> Self {
        match arrayvec::ArrayString::from(text) {
            Ok(inline) => Self::Inline(inline),
            Err(_) => Self::Shared(Arc::from(text)),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Self::Inline(text) => text.as_str(),
            Self::Shared(text) => text,
        }
    }

    /// Whether both are one shared text (then they are equal without reading it).
    fn same(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Shared(a), Self::Shared(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $example:literal) => {
        $(#[$doc])*
        ///
        /// Holds 1 to 128 visible ASCII characters; built only through `TryFrom`. Up to 36
        /// characters are held inline, so a clone (for an event, a reply, an index) copies
        /// them and touches no shared counter; a longer id's text is shared.
        ///
        /// ```
        #[doc = concat!("use live_lifecycle::ids::", stringify!($name), ";")]
        #[doc = concat!("let id = ", stringify!($name), "::try_from(\"", $example, "\").unwrap();")]
        #[doc = concat!("assert_eq!(id.as_str(), \"", $example, "\");")]
        #[doc = concat!("assert!(", stringify!($name), "::try_from(\"has space\").is_err());")]
        /// ```
        #[derive(Clone, Deserialize)]
        #[serde(try_from = "String")]
        pub struct $name(IdText);

        serialize_as_str!($name);

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.as_str()).finish()
            }
        }

        /// By text. Clones of one long (shared) id are equal without reading their text.
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.0.same(&other.0) || self.as_str() == other.as_str()
            }
        }

        impl Eq for $name {}

        /// As the text hashes, so that a map keyed by ids is searched with `&str`.
        impl std::hash::Hash for $name {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state);
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        /// By text, as for `==`.
        impl Ord for $name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                if self.0.same(&other.0) {
                    std::cmp::Ordering::Equal
                } else {
                    self.as_str().cmp(other.as_str())
                }
            }
        }

        impl $name {
            /// The id as text.
            ///
            /// ```
            #[doc = concat!("# use live_lifecycle::ids::", stringify!($name), ";")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::try_from(\"", $example, "\").unwrap().as_str(), \"", $example, "\");")]
            /// ```
            pub fn as_str(&self) -> &str {
                self.0.as_str()
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
                check_id(text)?;
                Ok(Self(IdText::new(text)))
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
    "1234567890123456"
);
id_type!(
    /// An edge data centre (`ClusterId`).
    ClusterId,
    "cluster-1"
);
id_type!(
    /// An edge transcoding job (`JobId`).
    JobId,
    "0e4ea20b48fb04483915d4f2cd8ac2a1"
);
id_type!(
    /// An edge transcoding template (`TemplateId`).
    TemplateId,
    "tpl-common-h264-720p"
);
id_type!(
    /// A pull-to-push task (`TaskId`).
    TaskId,
    "fd245384-4067-4f91-9d75-9666a6bc0a1e"
);

impl JobId {
    /// A job id from text known to be one: the key of a call that found a stored id equal
    /// to it, byte for byte. Skips the checks `TryFrom` makes.
    pub(crate) fn known(text: &str) -> Self {
        debug_assert!(check_id(text).is_ok());
        Self(IdText::new(text))
    }
}

/// A reply's `RequestId`. The default generator's GUID is kept as its 128 bits and written
/// out the first time it is read, so a typed call whose reply is dropped unread (a fuzz or
/// property loop, most typed callers) neither formats nor allocates it: formatting it was a
/// sixth of a typed Start or Stop's instructions. Any other id is held as its text.
/// Compares, hashes, prints and serializes as its text.
///
/// ```
/// use live_lifecycle::ids::RequestId;
/// let id = RequestId::from("5C1E43DC-8F6A-4B2E-9F0A-1B2C3D4E5F60");
/// assert_eq!(id, "5C1E43DC-8F6A-4B2E-9F0A-1B2C3D4E5F60");
/// assert_eq!(id.len(), 36);
/// assert_eq!(serde_json::to_string(&id).unwrap(), "\"5C1E43DC-8F6A-4B2E-9F0A-1B2C3D4E5F60\"");
/// let long = RequestId::from("a".repeat(100).as_str());
/// assert_eq!(long.as_str(), "a".repeat(100));
/// ```
#[derive(Clone, Deserialize)]
#[serde(from = "String")]
pub struct RequestId {
    /// The GUID's bits, while its text is not yet written (zero for any other id). Two
    /// words, not a `u128`, whose 16-byte alignment would grow every reply and refusal.
    bits: [u64; 2],
    /// The text: set at once for any id but a default GUID, whose text is written when first
    /// read.
    text: std::sync::OnceLock<Box<str>>,
}

impl RequestId {
    /// The id as text.
    ///
    /// ```
    /// # use live_lifecycle::ids::RequestId;
    /// assert_eq!(RequestId::from("REQ-1").as_str(), "REQ-1");
    /// ```
    pub fn as_str(&self) -> &str {
        self.text.get_or_init(|| {
            let [high, low] = self.bits;
            let guid = uuid(u128::from(high) << 64 | u128::from(low), UPPER);
            // Always whole: a GUID is ASCII.
            std::str::from_utf8(&guid).unwrap_or_default().into()
        })
    }

    /// The upper-case GUID of `bits`, written out when first read.
    fn guid(bits: u128) -> Self {
        Self {
            bits: [(bits >> 64) as u64, bits as u64],
            text: std::sync::OnceLock::new(),
        }
    }
}

impl From<&str> for RequestId {
    fn from(text: &str) -> Self {
        Self::from(String::from(text))
    }
}

impl From<String> for RequestId {
    fn from(text: String) -> Self {
        Self {
            bits: [0; 2],
            text: std::sync::OnceLock::from(text.into_boxed_str()),
        }
    }
}

impl From<RequestId> for String {
    fn from(id: RequestId) -> String {
        id.as_str().to_owned()
    }
}

serialize_as_str!(RequestId);

impl std::ops::Deref for RequestId {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for RequestId {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for RequestId {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for RequestId {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for RequestId {}

impl PartialEq<str> for RequestId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for RequestId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for RequestId {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl std::hash::Hash for RequestId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

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

    /// Appends the `seq`-th id of `kind` to `out`. The wire writes request ids straight into
    /// the reply body through this, so a generator that overrides it answers calls without a
    /// heap allocation of its own; the default appends what [`generate`](Self::generate) makes.
    ///
    /// ```
    /// use live_lifecycle::ids::{IdGenerator, IdKind, SeededIds};
    /// let mut ids = SeededIds::new(3);
    /// let mut out = String::from("id=");
    /// ids.generate_into(IdKind::Request, 9, &mut out);
    /// assert_eq!(out, format!("id={}", ids.generate(IdKind::Request, 9)));
    /// ```
    fn generate_into(&mut self, kind: IdKind, seq: u64, out: &mut String) {
        out.push_str(&self.generate(kind, seq));
    }

    /// The `seq`-th request id, as a typed reply holds it. The default keeps what
    /// [`generate`](Self::generate) makes; [`SeededIds`] overrides it to build its GUID in
    /// place, so a typed call's reply neither allocates nor checks text for its id.
    ///
    /// ```
    /// use live_lifecycle::ids::{IdGenerator, IdKind, SeededIds};
    /// let mut ids = SeededIds::new(3);
    /// assert_eq!(ids.request_id(9), ids.generate(IdKind::Request, 9));
    /// ```
    fn request_id(&mut self, seq: u64) -> RequestId {
        RequestId::from(self.generate(IdKind::Request, seq))
    }
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
        let mut out = String::with_capacity(36);
        self.generate_into(kind, seq, &mut out);
        out
    }

    fn generate_into(&mut self, kind: IdKind, seq: u64, out: &mut String) {
        let bits = self.bits(kind, seq);
        match kind {
            // Job ids in the docs are 32 lower-case hex digits.
            IdKind::Job => push_hex(out, bits, LOWER),
            // Task ids are lower-case UUIDs, request ids upper-case GUIDs.
            IdKind::Task => push_uuid(out, bits, LOWER),
            IdKind::Request => push_uuid(out, bits, UPPER),
        }
    }

    #[inline]
    fn request_id(&mut self, seq: u64) -> RequestId {
        RequestId::guid(self.bits(IdKind::Request, seq))
    }
}

/// How far a digit's letter (10 to 15) lies past `'0' + 10`: lower- or upper-case hex.
const LOWER: u64 = (b'a' - b'0' - 10) as u64;
const UPPER: u64 = (b'A' - b'0' - 10) as u64;

/// The 8 hex digits of `word` as eight ASCII bytes in one machine word, the most significant
/// digit in its most significant byte (no loop over digits, no table): a request id is drawn
/// on every call, and a loop of a digit at a time took 50 ns an id.
fn hex8(word: u32, letters: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Spread the eight nibbles over the eight bytes of a word, the first in the top byte.
    let mut x = u64::from(word);
    x = ((x & 0xffff_0000) << 16) | (x & 0xffff);
    x = ((x & 0x0000_ff00_0000_ff00) << 8) | (x & 0x0000_00ff_0000_00ff);
    x = ((x & 0x00f0_00f0_00f0_00f0) << 4) | (x & 0x000f_000f_000f_000f);
    // Each byte is now a digit 0..=15; those above 9 also get the letters' offset.
    let above_nine = ((x + 6 * ONES) >> 4) & ONES;
    x + u64::from(b'0') * ONES + above_nine * letters
}

/// The 32 hex digits of `bits` as four words of [`hex8`], most significant first.
fn hex32(bits: u128, letters: u64) -> [[u8; 8]; 4] {
    [96, 64, 32, 0].map(|shift| hex8((bits >> shift) as u32, letters).to_be_bytes())
}

/// Copies `bytes` into `out` at `at`; with constant places the copy is a plain store.
fn put<const N: usize>(out: &mut [u8], at: usize, bytes: &[u8; N]) {
    if let Some(to) = out.get_mut(at..at + N) {
        to.copy_from_slice(bytes);
    }
}

/// Appends 32 hex digits of `bits`, most significant first.
fn push_hex(out: &mut String, bits: u128, letters: u64) {
    let mut hex = [0u8; 32];
    for (at, word) in (0..).step_by(8).zip(hex32(bits, letters)) {
        put(&mut hex, at, &word);
    }
    out.push_str(std::str::from_utf8(&hex).unwrap_or_default());
}

/// 128 bits as a version-4-shaped UUID (8-4-4-4-12), in ASCII.
fn uuid(bits: u128, letters: u64) -> [u8; 36] {
    // Force the version (4) and variant (10xx) nibbles so the text is a well-formed UUID.
    let bits = (bits & !(0xf << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62);
    let [w0, w1, w2, w3] = hex32(bits, letters);
    let (w1, w2) = (w1.as_chunks::<4>().0, w2.as_chunks::<4>().0);
    let mut text = [b'-'; 36];
    put(&mut text, 0, &w0);
    // The middle three groups are the halves of the middle words; the dashes stay.
    for (at, group) in [9, 14, 19, 24].into_iter().zip(w1.iter().chain(w2)) {
        put(&mut text, at, group);
    }
    put(&mut text, 28, &w3);
    text
}

/// Appends 128 bits as a version-4-shaped UUID.
fn push_uuid(out: &mut String, bits: u128, letters: u64) {
    out.push_str(std::str::from_utf8(&uuid(bits, letters)).unwrap_or_default());
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
    use super::{IdGenerator, IdKind, LOWER, RequestId, SeededIds, UPPER, hex8, uuid};

    #[test]
    fn hex_words_match_formatting() {
        let mut x = 0x0123_4567u32;
        for _ in 0..10_000 {
            x = x.wrapping_mul(0x9e37_79b9).wrapping_add(0x7f4a_7c15);
            assert_eq!(hex8(x, LOWER).to_be_bytes(), *format!("{x:08x}").as_bytes());
            assert_eq!(hex8(x, UPPER).to_be_bytes(), *format!("{x:08X}").as_bytes());
        }
        assert_eq!(hex8(0, LOWER).to_be_bytes(), *b"00000000");
        assert_eq!(hex8(u32::MAX, UPPER).to_be_bytes(), *b"FFFFFFFF");
    }

    #[test]
    fn uuids_are_the_bits_in_groups_with_version_and_variant() {
        let bits = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210u128;
        let text = uuid(bits, LOWER);
        assert_eq!(&text, b"01234567-89ab-4def-bedc-ba9876543210");
        assert_eq!(
            &uuid(u128::MAX, UPPER),
            b"FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF"
        );
        assert_eq!(&uuid(0, UPPER), b"00000000-0000-4000-8000-000000000000");
    }

    #[test]
    fn a_request_id_built_in_place_is_the_generated_text() {
        for seed in [0, 1, 7, u64::MAX] {
            let mut ids = SeededIds::new(seed);
            for seq in (0..2_000).chain([u64::MAX - 1, u64::MAX]) {
                let text = ids.generate(IdKind::Request, seq);
                let id = ids.request_id(seq);
                assert_eq!(id, text);
                assert_eq!(id, RequestId::from(text.as_str()));
                assert_eq!(String::from(id), text);
            }
        }
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
    fn a_guid_read_from_a_clone_is_the_same_text() {
        let mut ids = SeededIds::new(5);
        let id = ids.request_id(3);
        let copy = id.clone();
        assert_eq!(copy.as_str(), ids.generate(IdKind::Request, 3));
        assert_eq!(id.as_str(), copy.as_str());
    }

    #[test]
    fn request_ids_read_as_their_text_every_way() {
        let id = SeededIds::new(2).request_id(0);
        let text = SeededIds::new(2).generate(IdKind::Request, 0);
        assert_eq!(format!("{id:?}"), format!("{text:?}"));
        assert_eq!(id.to_string(), text);
        assert_eq!(AsRef::<str>::as_ref(&id), text);
        assert_eq!(id.len(), 36);
        assert!(id == text.as_str() && id == text && id == *text.as_str());
        let other = String::from("other");
        assert!(id != "other" && id != *"other" && id != other);
        assert_ne!(id, SeededIds::new(2).request_id(1));
    }

    #[test]
    fn long_ids_are_shared_and_still_compare_by_text() {
        use super::{JobId, TaskId};
        let a = JobId::try_from("a".repeat(100)).unwrap_or_else(|_| unreachable!());
        let b = JobId::try_from("b".repeat(100)).unwrap_or_else(|_| unreachable!());
        let a_again = JobId::try_from("a".repeat(100)).unwrap_or_else(|_| unreachable!());
        assert_ne!(a, b);
        assert!(a < b);
        assert_eq!(b.cmp(&a), std::cmp::Ordering::Greater);
        assert_eq!(a, a.clone());
        assert_eq!(a, a_again);
        assert_eq!(a.cmp(&a.clone()), std::cmp::Ordering::Equal);
        assert_eq!(a.as_str(), "a".repeat(100));
        // Inline and shared texts of ids compare alike.
        let short = TaskId::try_from("t1").unwrap_or_else(|_| unreachable!());
        let long = TaskId::try_from("t".repeat(37)).unwrap_or_else(|_| unreachable!());
        assert!(short < long);
        assert_ne!(short, long);
    }

    #[test]
    fn request_ids_of_any_length_keep_their_text() {
        use std::collections::HashSet;
        let texts = [
            "",
            "R",
            &"x".repeat(38),
            &"y".repeat(39),
            &"é".repeat(19),
            &"é".repeat(30),
        ];
        // The lazily written text is a function of the bits: the hash never changes.
        #[allow(clippy::mutable_key_type)]
        let ids: HashSet<RequestId> = texts.iter().map(|t| RequestId::from(*t)).collect();
        for text in texts {
            assert!(ids.contains(text));
            assert_eq!(RequestId::from(text.to_owned()).as_str(), text);
            assert_eq!(format!("{}", RequestId::from(text)), text);
        }
    }
}
