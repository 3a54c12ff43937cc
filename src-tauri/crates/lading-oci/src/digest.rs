//! Content digests (`sha256:<hex>`), computed from exact bytes.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest as _, Sha256};

use crate::error::OciError;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(String);

impl Digest {
    pub fn sha256_of(bytes: &[u8]) -> Self {
        let mut hasher = Sha256Hasher::new();
        hasher.update(bytes);
        hasher.finish()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn algorithm(&self) -> &str {
        self.0.split_once(':').map_or("", |(a, _)| a)
    }

    pub fn hex(&self) -> &str {
        self.0.split_once(':').map_or("", |(_, h)| h)
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Digest {
    type Err = OciError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::reference::validate_digest(s).map_err(|reason| OciError::InvalidReference {
            input: s.to_owned(),
            reason,
        })?;
        Ok(Self(s.to_owned()))
    }
}

impl AsRef<str> for Digest {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// An incremental SHA-256 that yields a [`Digest`] and counts bytes.
#[derive(Clone, Default)]
pub struct Sha256Hasher {
    inner: Sha256,
    len: u64,
}

impl Sha256Hasher {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.inner.update(bytes);
        self.len += bytes.len() as u64;
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn finish(self) -> Digest {
        let out = self.inner.finalize();
        let mut hex = String::with_capacity(71);
        hex.push_str("sha256:");
        for b in out {
            hex.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
            hex.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
        }
        Digest(hex)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_inputs() {
        assert_eq!(
            Digest::sha256_of(b"").as_str(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let mut h = Sha256Hasher::new();
        h.update(b"hello ");
        h.update(b"world");
        assert_eq!(h.len(), 11);
        let d = h.finish();
        assert_eq!(
            d.hex(),
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        assert_eq!(d.algorithm(), "sha256");
        assert_eq!(d.to_string().parse::<Digest>().unwrap(), d);
        assert!("sha256:xyz".parse::<Digest>().is_err());
    }
}
