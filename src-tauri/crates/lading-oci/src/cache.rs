//! Remembers, per registry, which compressed blob a given uncompressed layer became, so an
//! unchanged archive re-pushes with a few HEAD requests instead of recompressing everything.
//! Persisted as JSON in the data dir, written atomically; a corrupt file is set aside, not fatal.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::digest::Digest;

const VERSION: u32 = 1;
const FILE_NAME: &str = "blob-cache.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedBlob {
    pub digest: String,
    pub size: u64,
    pub media_type: String,
    /// Repositories of this registry known to hold the blob (mount sources).
    pub repositories: Vec<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    /// registry host → "<diff_id> <compression>" → blob
    registries: BTreeMap<String, BTreeMap<String, CachedBlob>>,
}

#[derive(Debug)]
pub struct BlobCache {
    path: Option<PathBuf>,
    data: Mutex<CacheFile>,
}

impl BlobCache {
    /// An in-memory cache that is never written.
    pub fn in_memory() -> Self {
        Self {
            path: None,
            data: Mutex::new(CacheFile {
                version: VERSION,
                ..Default::default()
            }),
        }
    }

    /// Loads `<data_dir>/blob-cache.json`; a missing file is an empty cache, an unreadable one is
    /// renamed to `.corrupt` and replaced.
    pub fn load(data_dir: &Path) -> Self {
        let path = data_dir.join(FILE_NAME);
        let data = match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice::<CacheFile>(&bytes) {
                Ok(file) if file.version == VERSION => file,
                _ => {
                    tracing::warn!(path = %path.display(), "blob cache unreadable; starting afresh");
                    let _ = std::fs::rename(&path, path.with_extension("json.corrupt"));
                    CacheFile::default()
                }
            },
            Err(_) => CacheFile::default(),
        };
        Self {
            path: Some(path),
            data: Mutex::new(CacheFile {
                version: VERSION,
                ..data
            }),
        }
    }

    fn key(diff_id: &Digest, compression: &str) -> String {
        format!("{diff_id} {compression}")
    }

    pub fn lookup(
        &self,
        registry: &str,
        diff_id: &Digest,
        compression: &str,
    ) -> Option<CachedBlob> {
        let data = self.data.lock().expect("cache lock");
        data.registries
            .get(registry)?
            .get(&Self::key(diff_id, compression))
            .cloned()
    }

    pub fn record(
        &self,
        registry: &str,
        diff_id: &Digest,
        compression: &str,
        blob: &CachedBlob,
        repository: &str,
    ) {
        let mut data = self.data.lock().expect("cache lock");
        let entry = data
            .registries
            .entry(registry.to_owned())
            .or_default()
            .entry(Self::key(diff_id, compression))
            .or_insert_with(|| CachedBlob {
                repositories: Vec::new(),
                ..blob.clone()
            });
        if entry.digest != blob.digest {
            *entry = CachedBlob {
                repositories: Vec::new(),
                ..blob.clone()
            };
        }
        if !entry.repositories.iter().any(|r| r == repository) {
            entry.repositories.push(repository.to_owned());
        }
    }

    /// Writes the cache (temp file + rename, so a crash never leaves half a file).
    pub fn save(&self) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let bytes = {
            let data = self.data.lock().expect("cache lock");
            serde_json::to_vec(&*data).map_err(std::io::Error::other)?
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(tmp, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_persist_and_corrupt_files_are_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let diff = Digest::sha256_of(b"layer");
        let blob = CachedBlob {
            digest: Digest::sha256_of(b"gz").to_string(),
            size: 2,
            media_type: "m".into(),
            repositories: vec![],
        };
        let cache = BlobCache::load(dir.path());
        assert!(cache.lookup("r:5000", &diff, "gzip").is_none());
        cache.record("r:5000", &diff, "gzip", &blob, "a/b");
        cache.record("r:5000", &diff, "gzip", &blob, "c");
        cache.save().unwrap();

        let again = BlobCache::load(dir.path());
        let hit = again.lookup("r:5000", &diff, "gzip").unwrap();
        assert_eq!(hit.repositories, ["a/b", "c"]);
        assert!(again.lookup("other:5000", &diff, "gzip").is_none());
        assert!(again.lookup("r:5000", &diff, "zstd").is_none());

        std::fs::write(dir.path().join(FILE_NAME), b"{not json").unwrap();
        let fresh = BlobCache::load(dir.path());
        assert!(fresh.lookup("r:5000", &diff, "gzip").is_none());
        assert!(dir.path().join("blob-cache.json.corrupt").exists());
    }
}
