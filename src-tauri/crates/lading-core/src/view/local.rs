//! Image archives and layout folders opened in the window.

use serde::Serialize;
use ts_rs::TS;

/// An image archive or OCI layout folder opened in the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LocalView {
    pub id: String,
    pub path: String,
    /// The file or folder name.
    pub name: String,
    /// `docker-archive`, `oci-archive` or `oci-layout`; empty until opened.
    pub kind: String,
    pub images: Vec<LocalImageView>,
    /// False for a source remembered from the last run and not read yet: opening it (the same
    /// path again) reads it.
    pub opened: bool,
    /// Compressed as a whole: opening decompresses it into the data folder first.
    pub compressed: bool,
}

/// One image of a local source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LocalImageView {
    pub index: u32,
    /// RepoTags of a docker archive, the ref name in an OCI layout.
    pub names: Vec<String>,
    /// `image` or `index`.
    pub kind: String,
    /// `os/arch` where the archive says.
    pub platform: String,
    pub layers: u32,
    /// Bytes as stored (an index: 0, see its platforms).
    #[ts(type = "number")]
    pub size: u64,
    /// The config digest (docker archives have no manifest yet) or the manifest digest.
    pub digest: String,
    /// Where its names say it goes: the push sheet's default repository (no registry host) and tags.
    pub target_repository: String,
    pub target_tags: Vec<String>,
}
