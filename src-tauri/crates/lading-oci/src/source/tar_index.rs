//! Random access into a tar file: one pass over the headers records where each member's bytes
//! are, so layers can later be read (in parallel) straight from the archive without extracting.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Component, Path, PathBuf};

use crate::error::OciError;

/// A byte range of a file: a member of a tar, or a whole file of an OCI layout directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRange {
    pub path: PathBuf,
    pub offset: u64,
    pub len: u64,
}

#[derive(Debug)]
pub struct TarIndex {
    archive: PathBuf,
    members: HashMap<String, (u64, u64)>,
}

impl TarIndex {
    pub fn build(archive: &Path) -> Result<Self, OciError> {
        let invalid = |reason: String| OciError::InvalidSource {
            path: archive.display().to_string(),
            reason,
        };
        let file = File::open(archive).map_err(|e| invalid(e.to_string()))?;
        let file_len = file.metadata().map_err(|e| invalid(e.to_string()))?.len();
        let mut tar = tar::Archive::new(file);
        let mut members = HashMap::new();
        let entries = tar
            .entries_with_seek()
            .map_err(|e| invalid(format!("not a tar archive: {e}")))?;
        for entry in entries {
            let entry = entry.map_err(|e| {
                // The tar crate quotes the bytes it choked on: keep its words, not the bytes.
                let e = crate::error::printable(&e.to_string());
                if members.is_empty() {
                    invalid(format!(
                        "not an image archive: it is not a tar file ({e}); expected a docker save archive, an OCI archive or an OCI layout directory"
                    ))
                } else {
                    invalid(format!("the archive is damaged or truncated: {e}"))
                }
            })?;
            let kind = entry.header().entry_type();
            let raw_path = entry
                .path()
                .map_err(|e| invalid(format!("a member has an unreadable name: {e}")))?
                .into_owned();
            let name = normalise(&raw_path).ok_or_else(|| {
                invalid(format!(
                    "member {:?} points outside the archive (absolute path or '..'); refusing it",
                    raw_path.display()
                ))
            })?;
            if !(kind.is_file() || kind.is_contiguous()) {
                continue;
            }
            let offset = entry.raw_file_position();
            let len = entry.size();
            if offset.checked_add(len).is_none_or(|end| end > file_len) {
                return Err(invalid(format!(
                    "member {name} runs past the end of the file: the archive is truncated"
                )));
            }
            members.insert(name, (offset, len));
        }
        if members.is_empty() {
            return Err(invalid("not a tar archive, or an empty one".to_owned()));
        }
        Ok(Self {
            archive: archive.to_owned(),
            members,
        })
    }

    pub fn get(&self, name: &str) -> Option<FileRange> {
        let name = normalise(Path::new(name))?;
        self.members.get(&name).map(|&(offset, len)| FileRange {
            path: self.archive.clone(),
            offset,
            len,
        })
    }

    pub fn archive(&self) -> &Path {
        &self.archive
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn read(&self, name: &str) -> Result<Vec<u8>, OciError> {
        let range = self.get(name).ok_or_else(|| OciError::InvalidSource {
            path: self.archive.display().to_string(),
            reason: format!("{name} is missing from the archive"),
        })?;
        read_range(&range, 64 << 20)
    }
}

/// `./a/b` → `a/b`; `None` for absolute paths or any `..`.
fn normalise(path: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(p) => parts.push(p.to_str()?.to_owned()),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.join("/"))
}

/// Reads a small range fully (manifests, configs), refusing anything over `limit` bytes.
pub fn read_range(range: &FileRange, limit: u64) -> Result<Vec<u8>, OciError> {
    use std::io::{Read, Seek, SeekFrom};
    if range.len > limit {
        return Err(OciError::InvalidSource {
            path: range.path.display().to_string(),
            reason: format!(
                "a metadata file of {} bytes is implausibly large",
                range.len
            ),
        });
    }
    let mut file = File::open(&range.path)
        .map_err(|e| OciError::Io(format!("{}: {e}", range.path.display())))?;
    file.seek(SeekFrom::Start(range.offset))
        .map_err(|e| OciError::Io(e.to_string()))?;
    let mut out = vec![0; range.len as usize];
    file.read_exact(&mut out)
        .map_err(|e| OciError::Io(format!("{}: {e}", range.path.display())))?;
    Ok(out)
}
