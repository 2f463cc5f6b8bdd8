//! The hasher of every map: fixed, so iteration order (and every output) is the same on every
//! run, and cheap, since every call hashes an account, and a cluster, job or task id.
//!
//! `std`'s `DefaultHasher` with its fixed key (what the maps used before) is SipHash-1-3, a
//! keyed hash whose protection against chosen collisions needs a secret key; with a fixed
//! one it protects nothing and costs a fifth of a Start or Stop. This one reads eight bytes
//! at a time with one multiplication each and mixes the result once at the end (the
//! finalizer of MurmurHash3), so that the low bits the table indexes by depend on every byte.

use std::hash::{BuildHasherDefault, Hasher};

/// The map of every keyed collection.
pub(crate) type Map<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<WordHasher>>;

/// An odd constant with well-spread bits (the golden ratio's, as in Fibonacci hashing).
const K: u64 = 0x9e37_79b9_7f4a_7c15;

/// A multiply-and-mix hasher over 64-bit words. Deterministic; not resistant to chosen
/// collisions (no fixed-key hasher is).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct WordHasher {
    state: u64,
}

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.state = (self.state.rotate_left(23) ^ word).wrapping_mul(K);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word.iter_mut().zip(rest).for_each(|(w, b)| *w = *b);
            // The length tells "ab" from "ab\0" within one word.
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    fn finish(&self) -> u64 {
        // MurmurHash3's fmix64: every input bit reaches every output bit.
        let mut h = self.state;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

#[cfg(test)]
mod tests {
    use std::hash::{BuildHasher, BuildHasherDefault};

    use super::WordHasher;

    fn hash(text: &str) -> u64 {
        BuildHasherDefault::<WordHasher>::default().hash_one(text)
    }

    /// The hash is part of every output's order (a map's iteration order shows in a
    /// snapshot's text), so it is pinned: a change to it is a change of those bytes.
    #[test]
    fn known_answers() {
        for (text, want) in [
            ("", 0xc80e_00c7_eb62_18cd_u64),
            ("1001", 0xe48b_5247_8e83_a530),
            ("cluster-1", 0xe59b_f08d_0974_487d),
            ("6baaaff026aa5399bdf259a0044ab887", 0xefd1_0d79_14df_8c15),
        ] {
            assert_eq!(hash(text), want, "{text:?}");
        }
    }

    #[test]
    fn every_byte_and_the_length_count() {
        let base = hash("3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01");
        for (i, _) in "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01".char_indices() {
            let mut changed = "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01".as_bytes().to_vec();
            if let Some(b) = changed.get_mut(i) {
                *b ^= 1;
            }
            let changed = String::from_utf8(changed).unwrap_or_default();
            assert_ne!(hash(&changed), base, "byte {i}");
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
