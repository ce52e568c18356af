//! Digests: what a file, a post or a page was made from, in 16 bytes, so that a build can tell
//! what did not change since the last one without keeping the old bytes.
//!
//! SHA-256 cut to 128 bits: collisions are out of reach for anything a site holds, and the CPU's
//! SHA instructions make it faster than reading the bytes from disk.

use sha2::{Digest as _, Sha256};

/// Which roundup made something: its version and a digest of the sources it was built from
/// (see `build.rs`), so that what one build keeps for the next is never taken by other code.
pub const BUILD: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("ROUNDUP_BUILD_DIGEST"));

/// A digest of some bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Digest(pub [u8; 16]);

impl Digest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        let mut hasher = Hasher::new();
        hasher.bytes(bytes);
        hasher.finish()
    }

    /// As 32 hexadecimal digits.
    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Reads 32 hexadecimal digits back.
    pub fn from_hex(hex: &str) -> Option<Digest> {
        if hex.len() != 32 || !hex.is_ascii() {
            return None;
        }
        let mut out = [0; 16];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Digest(out))
    }
}

/// Builds a digest from many parts. Every part is framed with its length, so that `("ab", "c")`
/// and `("a", "bc")` differ.
#[derive(Debug, Clone, Default)]
pub struct Hasher(Sha256);

impl Hasher {
    /// An empty digest.
    pub fn new() -> Hasher {
        Hasher(Sha256::new())
    }

    /// Adds some bytes.
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// Adds bytes with no length before them, for a stream that frames itself (JSON, ended
    /// by a marker no JSON holds).
    pub fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(bytes);
        self
    }

    /// Adds a string.
    pub fn str(&mut self, text: &str) -> &mut Self {
        self.bytes(text.as_bytes())
    }

    /// Adds a number.
    pub fn u64(&mut self, n: u64) -> &mut Self {
        self.0.update(n.to_le_bytes());
        self
    }

    /// Adds another digest.
    pub fn digest(&mut self, digest: &Digest) -> &mut Self {
        self.0.update(digest.0);
        self
    }

    /// The digest of everything added.
    pub fn finish(&self) -> Digest {
        let full = self.0.clone().finalize();
        let mut out = [0; 16];
        out.copy_from_slice(&full[..16]);
        Digest(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_framed() {
        let ab_c = Hasher::new().str("ab").str("c").finish();
        let a_bc = Hasher::new().str("a").str("bc").finish();
        assert_ne!(ab_c, a_bc);
    }

    #[test]
    fn hex_reads_back() {
        let d = Digest::of(b"roundup");
        assert_eq!(Digest::from_hex(&d.hex()), Some(d));
        assert_eq!(Digest::from_hex("zz"), None);
    }
}
