//! Image sources on disk: `docker save` archives (classic and OCI-in-tar, optionally gzipped or
//! zstd-compressed as a whole), OCI archives and OCI layout directories.
//!
//! Opening a source reads only metadata (manifests, configs, tar headers). Layer bytes stay where
//! they are and are streamed from their [`FileRange`] when pushed.

mod docker_archive;
mod names;
mod oci_layout;
mod scratch;
mod tar_index;

pub use names::PushTarget;
pub use scratch::{available_space, is_compressed, SCRATCH_RESERVE};

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;

use crate::digest::Digest;
use crate::error::OciError;
use crate::manifest::RawManifest;
pub use tar_index::{read_range, FileRange, TarIndex};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    /// Looks at the first bytes of a blob.
    pub fn sniff(magic: &[u8]) -> Self {
        if magic.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }

    pub fn of_range(range: &FileRange) -> Result<Self, OciError> {
        use std::io::{Seek, SeekFrom};
        let mut file = File::open(&range.path).map_err(|e| io_error(&range.path, e))?;
        file.seek(SeekFrom::Start(range.offset))
            .map_err(|e| io_error(&range.path, e))?;
        let mut magic = [0u8; 4];
        let n = file
            .take(range.len.min(4))
            .read(&mut magic)
            .map_err(|e| io_error(&range.path, e))?;
        Ok(Self::sniff(&magic[..n]))
    }
}

/// One layer of a `docker save` image, read from the archive as it is.
#[derive(Debug, Clone)]
pub struct ArchiveLayer {
    pub range: FileRange,
    pub compression: Compression,
    /// The uncompressed digest the config declares (`rootfs.diff_ids`).
    pub diff_id: Digest,
}

/// An image from a `docker save` archive: a config and layers; the registry manifest is built
/// when it is pushed (after compression decides the layer digests).
#[derive(Debug, Clone)]
pub struct ArchiveImage {
    pub repo_tags: Vec<String>,
    pub config: Bytes,
    pub layers: Vec<ArchiveLayer>,
    pub platform: String,
}

impl ArchiveImage {
    pub fn config_digest(&self) -> Digest {
        Digest::sha256_of(&self.config)
    }

    pub fn total_size(&self) -> u64 {
        self.layers.iter().map(|l| l.range.len).sum::<u64>() + self.config.len() as u64
    }
}

/// Where the blobs of an OCI layout are: a directory, or members of a tar.
#[derive(Debug, Clone)]
pub enum BlobStore {
    Dir(PathBuf),
    Tar(Arc<TarIndex>),
}

impl BlobStore {
    pub fn locate(&self, digest: &Digest) -> Option<FileRange> {
        let rel = format!("blobs/{}/{}", digest.algorithm(), digest.hex());
        match self {
            BlobStore::Dir(root) => {
                let path = root.join(&rel);
                let len = std::fs::metadata(&path).ok()?.len();
                Some(FileRange {
                    path,
                    offset: 0,
                    len,
                })
            }
            BlobStore::Tar(index) => index.get(&rel),
        }
    }

    pub fn read_small(&self, digest: &Digest) -> Result<Bytes, OciError> {
        let range = self.locate(digest).ok_or_else(|| OciError::InvalidSource {
            path: self.describe(),
            reason: format!("blob {digest} is missing"),
        })?;
        let bytes = read_range(&range, 16 << 20)?;
        let actual = Digest::sha256_of(&bytes);
        if &actual != digest {
            return Err(OciError::DigestMismatch {
                what: format!("blob {digest} in {}", self.describe()),
                expected: digest.to_string(),
                actual: actual.to_string(),
            });
        }
        Ok(Bytes::from(bytes))
    }

    fn describe(&self) -> String {
        match self {
            BlobStore::Dir(p) => p.display().to_string(),
            BlobStore::Tar(index) => index.archive().display().to_string(),
        }
    }
}

/// An image (or index) from an OCI layout: its manifests and blobs are final and are pushed as
/// they are, so digests survive the round trip.
#[derive(Debug, Clone)]
pub struct LayoutImage {
    /// `org.opencontainers.image.ref.name` of the index entry, if any.
    pub ref_name: Option<String>,
    pub root: RawManifest,
    pub blobs: BlobStore,
}

#[derive(Debug, Clone)]
pub enum SourceImage {
    Archive(ArchiveImage),
    Layout(LayoutImage),
}

impl SourceImage {
    /// The names the source gives this image (RepoTags, or the OCI ref name).
    pub fn names(&self) -> Vec<String> {
        match self {
            SourceImage::Archive(a) => a.repo_tags.clone(),
            SourceImage::Layout(l) => l.ref_name.iter().cloned().collect(),
        }
    }
}

/// An opened source: the images it holds. Keeps a decompressed scratch copy alive if the archive
/// was compressed as a whole.
#[derive(Debug)]
pub struct Source {
    pub path: PathBuf,
    pub kind: SourceKind,
    pub images: Vec<SourceImage>,
    _scratch: Option<tempfile::NamedTempFile>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    DockerArchive,
    OciArchive,
    OciLayout,
}

impl Source {
    /// Opens `path`. A whole-archive `.tar.gz`/`.tar.zst` is first decompressed into `scratch_dir`
    /// (a tar cannot be indexed without it), leaving at least [`SCRATCH_RESERVE`] free there.
    pub fn open(path: &Path, scratch_dir: &Path) -> Result<Self, OciError> {
        Self::open_leaving(path, scratch_dir, SCRATCH_RESERVE)
    }

    /// [`Self::open`], leaving at least `reserve` bytes free in `scratch_dir`.
    pub fn open_leaving(path: &Path, scratch_dir: &Path, reserve: u64) -> Result<Self, OciError> {
        let meta = std::fs::metadata(path).map_err(|e| OciError::InvalidSource {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        if meta.is_dir() {
            let images = oci_layout::read(&BlobStore::Dir(path.to_owned()), path)?;
            return Ok(Self {
                path: path.to_owned(),
                kind: SourceKind::OciLayout,
                images,
                _scratch: None,
            });
        }
        let whole = FileRange {
            path: path.to_owned(),
            offset: 0,
            len: meta.len(),
        };
        let (tar_path, scratch) = match Compression::of_range(&whole)? {
            Compression::None => (path.to_owned(), None),
            compression => {
                let scratch = scratch::decompress(path, compression, scratch_dir, reserve)?;
                (scratch.path().to_owned(), Some(scratch))
            }
        };
        let index = Arc::new(TarIndex::build(&tar_path).map_err(|e| match e {
            OciError::InvalidSource { reason, .. } => OciError::InvalidSource {
                path: path.display().to_string(),
                reason,
            },
            other => other,
        })?);
        let (kind, images) = if index.contains("manifest.json") {
            (
                SourceKind::DockerArchive,
                docker_archive::read(&index, path)?,
            )
        } else if index.contains("index.json") {
            (
                SourceKind::OciArchive,
                oci_layout::read(&BlobStore::Tar(index.clone()), path)?,
            )
        } else {
            return Err(OciError::InvalidSource {
                path: path.display().to_string(),
                reason: "neither a docker save archive (no manifest.json) nor an OCI archive (no index.json)".to_owned(),
            });
        };
        Ok(Self {
            path: path.to_owned(),
            kind,
            images,
            _scratch: scratch,
        })
    }
}

pub(crate) fn io_error(path: &Path, e: std::io::Error) -> OciError {
    OciError::Io(format!("{}: {e}", path.display()))
}
