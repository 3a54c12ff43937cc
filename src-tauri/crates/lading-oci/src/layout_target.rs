//! Writing into an OCI layout folder without harming what was there: a folder that holds
//! something else is refused; an existing layout only gains files (blobs are named by their
//! digest, `index.json` is replaced in one rename at the end); an export that does not
//! complete — failed, or cancelled by dropping it — removes exactly the files and folders it
//! added, so the folder is as it was.

use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::OciError;

/// Refuses a folder that is neither absent, empty, nor an OCI layout.
pub fn check(dir: &Path) -> Result<(), OciError> {
    let refuse = |reason: &str| OciError::InvalidSource {
        path: dir.display().to_string(),
        reason: reason.to_owned(),
    };
    match std::fs::metadata(dir) {
        Err(_) => Ok(()),
        Ok(meta) if !meta.is_dir() => Err(refuse(
            "is a file; an OCI layout is a folder (export as a docker archive to write a file)",
        )),
        Ok(_) if dir.join("oci-layout").is_file() => Ok(()),
        Ok(_) => match std::fs::read_dir(dir).map(|mut d| d.next().is_none()) {
            Ok(true) => Ok(()),
            Ok(false) => Err(refuse(
                "holds other files and is not an OCI layout; export into a new or empty folder, or an existing layout",
            )),
            Err(e) => Err(refuse(&e.to_string())),
        },
    }
}

/// Until [`AddedFiles::keep`], dropping it removes what the export added under `dir`.
pub(crate) struct AddedFiles {
    dir: PathBuf,
    blob_dir: PathBuf,
    /// `oci-layout` and `index.json` that were not there before.
    new_files: Vec<PathBuf>,
    /// Blobs already in the layout: never touched.
    before: HashSet<OsString>,
    /// Folders the export made (`dir`, `blobs`, `blobs/sha256`), innermost last.
    made: Vec<PathBuf>,
    kept: bool,
}

impl AddedFiles {
    /// Records what `dir` holds before anything is written.
    pub(crate) fn start(dir: &Path) -> Self {
        let blob_dir = dir.join("blobs/sha256");
        let before = std::fs::read_dir(&blob_dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.file_name())).collect())
            .unwrap_or_default();
        let made = [dir.to_owned(), dir.join("blobs"), blob_dir.clone()]
            .into_iter()
            .filter(|d| !d.exists())
            .collect();
        let new_files = [dir.join("oci-layout"), dir.join("index.json")]
            .into_iter()
            .filter(|f| !f.exists())
            .collect();
        Self {
            dir: dir.to_owned(),
            new_files,
            blob_dir,
            before,
            made,
            kept: false,
        }
    }

    /// The export completed: what it added stays.
    pub(crate) fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for AddedFiles {
    fn drop(&mut self) {
        if self.kept {
            return;
        }
        if let Ok(entries) = std::fs::read_dir(&self.blob_dir) {
            for entry in entries.flatten() {
                if !self.before.contains(&entry.file_name()) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        // index.json's temporary, if the export stopped while writing it.
        let _ = std::fs::remove_file(self.dir.join(".index.json.tmp"));
        for file in &self.new_files {
            let _ = std::fs::remove_file(file);
        }
        // Folders it made, innermost first; `remove_dir` leaves one that is not empty.
        for dir in self.made.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}
