//! Where Lading keeps its data (the blob cache, decompressed archives): `LADING_DATA_DIR`, else the OS's per-user app
//! data dir (`~/.local/share/lading`, `~/Library/Application Support/lading`, `%APPDATA%\lading`).

use std::path::PathBuf;

pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("LADING_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("lading")
}

/// Where compressed archives are decompressed to be opened: on disk, beside the cache (the
/// temp folder is often RAM-backed, and an image can be many GiB).
pub fn archives_dir() -> PathBuf {
    data_dir().join("archives")
}
