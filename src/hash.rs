//! The hasher of every map: fixed, so iteration order (and every output) is the same on every
//! run, and cheap, since every call hashes an account, and a cluster, job or task id.
//!
//! `std`'s `DefaultHasher` with its fixed key (what the maps used before) is SipHash-1-3, a
//! keyed hash whose protection against chosen collisions needs a secret key; with a fixed
//! one it protects nothing and costs a fifth of a Start or Stop. This one takes sixteen
//! bytes at a time into one folded multiply (the 128-bit product's halves xored, as
//! foldhash and wyhash do), so a 36-byte GUID costs three multiplies and a finish, where
//! a multiply per eight bytes in one chain and MurmurHash3's finalizer (what it replaced)
//! cost seven and the hashing was a third of a typed Start or Stop.

use std::hash::{BuildHasherDefault, Hasher};

/// The map of every keyed collection.
pub(crate) type Map<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FoldHasher>>;

/// Odd constants with well-spread bits (the first is the golden ratio's, as in Fibonacci
/// hashing; the others are the fractional digits of pi, as foldhash's seeds are). Each has
/// bytes above 0x7f, so no ASCII word can xor one of them to zero (a zero operand would
/// erase the other from the product).
const K: [u64; 4] = [
    0x9e37_79b9_7f4a_7c15,
    0x243f_6a88_85a3_08d3,
    0x1319_8a2e_0370_7344,
    0xa409_3822_299f_31d0,
];

/// The 128-bit product of two words, its halves xored: every bit of each input reaches the
/// middle bits of the product, and the xor brings the high half's mixing down to the low
/// bits, which hashbrown indexes by.
fn fold(x: u64, y: u64) -> u64 {
    let full = u128::from(x) * u128::from(y);
    (full as u64) ^ ((full >> 64) as u64)
}

/// The little-endian word at the start and the one at the end of a chunk of 8 bytes or more
/// (overlapping when it is shorter than 16).
fn ends(bytes: &[u8]) -> (u64, u64) {
    let first = bytes.first_chunk::<8>().copied().unwrap_or_default();
    let last = bytes.last_chunk::<8>().copied().unwrap_or_default();
    (u64::from_le_bytes(first), u64::from_le_bytes(last))
}

/// A short tail (under 8 bytes) as two words that together hold every byte: the first and
/// last four bytes of 4 to 7, or the bytes themselves below 4.
fn short(bytes: &[u8]) -> (u64, u64) {
    match (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        (Some(first), Some(last)) => (
            u64::from(u32::from_le_bytes(*first)),
            u64::from(u32::from_le_bytes(*last)),
        ),
        _ => {
            let byte = |i: usize| u64::from(bytes.get(i).copied().unwrap_or(0));
            (byte(0) | byte(1) << 8, byte(2))
        }
    }
}

/// A folded-multiply hasher. Deterministic; not resistant to chosen collisions (no
/// fixed-key hasher is).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FoldHasher {
    state: u64,
}

impl Hasher for FoldHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        // The length goes in with the first product: "ab" and "ab\0" read the same words.
        let mut acc = self.state ^ (bytes.len() as u64).wrapping_mul(K[0]);
        let mut chunks = bytes.chunks_exact(16);
        for chunk in &mut chunks {
            let (a, b) = ends(chunk);
            acc = fold(a ^ acc ^ K[1], b ^ K[2]);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // A tail of a longer text is read as the text's last 16 bytes, overlapping the
            // chunk before it; a text under 16 bytes is read whole.
            let (a, b) = match bytes.last_chunk::<16>() {
                Some(last) => ends(last),
                None if rest.len() >= 8 => ends(rest),
                None => short(rest),
            };
            acc = fold(a ^ acc ^ K[3], b ^ K[2]);
        }
        self.state = acc;
    }

    #[inline]
    fn write_u8(&mut self, byte: u8) {
        // `str`'s hash ends with a 0xff byte (a prefix-free end); a multiply for it would be
        // a quarter of a GUID's cost, and `finish` mixes it in anyway.
        self.state = self.state.rotate_left(8) ^ u64::from(byte);
    }

    #[inline]
    fn finish(&self) -> u64 {
        fold(self.state ^ K[1], K[0])
    }
}

#[cfg(test)]
mod tests {
    use std::hash::{BuildHasher, BuildHasherDefault};

    use super::FoldHasher;

    fn hash(text: &str) -> u64 {
        BuildHasherDefault::<FoldHasher>::default().hash_one(text)
    }

    /// The hash is part of every output's order (a map's iteration order shows in a
    /// snapshot's text), so it is pinned: a change to it is a change of those bytes.
    #[test]
    fn known_answers() {
        // One text for each way through `write`: under 4 bytes, 4 to 7, 8 to 15, whole
        // 16-byte chunks only, and chunks with a tail.
        for (text, want) in [
            ("", 0xd7d4_ed74_7c0f_2138_u64),
            ("ab", 0x5bb4_e2f9_3007_a606),
            ("1001", 0xefdd_5b7e_4b8e_2d40),
            ("cluster-1", 0x2802_36f6_9c1d_068f),
            ("6baaaff026aa5399bdf259a0044ab887", 0xa731_d245_b5e8_e54f),
            (
                "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01",
                0x6516_f58b_3e87_4264,
            ),
        ] {
            assert_eq!(hash(text), want, "{text:?}");
        }
    }

    /// Every byte counts, at every length `write` reads differently (the short reads, the
    /// overlapping ends, whole chunks, a tail read overlapping the chunk before it).
    #[test]
    fn every_byte_and_the_length_count() {
        const TEXT: &str = "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01-0123456789";
        for len in 1..=TEXT.len() {
            let text = TEXT.get(..len).unwrap_or_default();
            let base = hash(text);
            for i in 0..len {
                let mut changed = text.as_bytes().to_vec();
                if let Some(b) = changed.get_mut(i) {
                    *b ^= 1;
                }
                let changed = String::from_utf8(changed).unwrap_or_default();
                assert_ne!(hash(&changed), base, "length {len}, byte {i}");
            }
        }
        assert_ne!(hash("ab"), hash("ab\0"));
        assert_ne!(hash(""), hash("\0"));
        assert_eq!(hash("job"), hash("job"));
    }

    /// Ids that differ only in their last characters still spread over a table's low bits
    /// (the bits hashbrown indexes by): 4,096 sequential ids reach over 2,400 of the 4,096
    /// 12-bit indexes, near the 2,589 a random hash reaches on average.
    #[test]
    fn sequential_ids_spread_over_the_low_bits() {
        let mut seen = vec![false; 4096];
        for n in 0..4096u32 {
            let bucket = (hash(&format!("job{n:029}")) & 4095) as usize;
            if let Some(slot) = seen.get_mut(bucket) {
                *slot = true;
            }
        }
        let filled = seen.iter().filter(|s| **s).count();
        assert!(filled > 2400, "{filled} of 4096");
    }
}
