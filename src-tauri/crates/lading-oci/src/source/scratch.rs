//! Decompressing a whole-archive `.tar.gz`/`.tar.zst` so it can be indexed: into a scratch file
//! in the folder the caller gives (the data folder, not `$TMPDIR`, which is often RAM), never
//! filling the disk: it stops, removing what it wrote, when less than a reserve would be left.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use super::{io_error, Compression, FileRange};
use crate::error::OciError;

/// Left free on the scratch folder's disk, at least, while decompressing.
pub const SCRATCH_RESERVE: u64 = 512 << 20;

/// How often (in bytes written) the free space is looked at again.
const CHECK_EVERY: u64 = 64 << 20;

/// Bytes free for us on the file system holding `dir` (unix and Windows); `None` where we cannot
/// tell.
pub fn available_space(dir: &Path) -> Option<u64> {
    fs4::available_space(dir).ok()
}

/// Whether the file at `path` is compressed as a whole (it must be decompressed to be opened).
pub fn is_compressed(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    meta.is_file()
        && Compression::of_range(&FileRange {
            path: path.to_owned(),
            offset: 0,
            len: meta.len(),
        })
        .is_ok_and(|c| c != Compression::None)
}

fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / f64::from(1u32 << 30))
}

/// The decompressed size a gzip file gives in its trailer (modulo 4 GiB, so only a hint).
fn gzip_size_hint(path: &Path) -> Option<u64> {
    use std::io::{Seek, SeekFrom};
    let mut file = File::open(path).ok()?;
    file.seek(SeekFrom::End(-4)).ok()?;
    let mut trailer = [0u8; 4];
    file.read_exact(&mut trailer).ok()?;
    Some(u64::from(u32::from_le_bytes(trailer)))
}

/// A writer that fails once the disk under it has less than `reserve` free.
struct Guarded<'a> {
    file: &'a mut File,
    dir: &'a Path,
    reserve: u64,
    written: u64,
    next_check: u64,
}

impl Write for Guarded<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.written >= self.next_check {
            self.next_check = self.written + CHECK_EVERY;
            if available_space(self.dir).is_some_and(|free| free < self.reserve + CHECK_EVERY) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::StorageFull,
                    "space running out",
                ));
            }
        }
        let n = self.file.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

pub(super) fn decompress(
    path: &Path,
    compression: Compression,
    dir: &Path,
    reserve: u64,
) -> Result<tempfile::NamedTempFile, OciError> {
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    let no_space = |reason: String| OciError::NoSpace {
        path: path.display().to_string(),
        dir: dir.display().to_string(),
        reason,
    };
    let compressed = std::fs::metadata(path)
        .map_err(|e| io_error(path, e))?
        .len();
    // A first look before any byte is written: at least the compressed size (the decompressed
    // tar is rarely smaller), more when gzip's trailer says so.
    let hint = match compression {
        Compression::Gzip => gzip_size_hint(path).unwrap_or(0).max(compressed),
        _ => compressed,
    };
    if let Some(free) = available_space(dir) {
        if free < hint + reserve {
            return Err(no_space(format!(
                "it needs at least {} and {} is free (Lading keeps {} free)",
                gib(hint),
                gib(free),
                gib(reserve)
            )));
        }
    }
    let mut scratch = tempfile::Builder::new()
        .prefix("lading-archive-")
        .suffix(".tar")
        .tempfile_in(dir)
        .map_err(|e| io_error(dir, e))?;
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let reader = std::io::BufReader::with_capacity(1 << 20, file);
    let mut out = Guarded {
        file: scratch.as_file_mut(),
        dir,
        reserve,
        written: 0,
        next_check: 0,
    };
    let result = match compression {
        Compression::Gzip => {
            std::io::copy(&mut flate2::read::MultiGzDecoder::new(reader), &mut out)
        }
        Compression::Zstd => {
            let mut decoder =
                zstd::stream::read::Decoder::new(reader).map_err(|e| io_error(path, e))?;
            std::io::copy(&mut decoder, &mut out)
        }
        Compression::None => unreachable!("only compressed archives are decompressed"),
    };
    // On any failure the scratch file is dropped, and with it what was written.
    match result {
        Ok(_) => Ok(scratch),
        Err(e) if e.kind() == std::io::ErrorKind::StorageFull => Err(no_space(format!(
            "stopped after {} decompressed, with {} left free (Lading keeps {} free)",
            gib(out.written),
            gib(available_space(dir).unwrap_or(0)),
            gib(reserve)
        ))),
        Err(e) => Err(OciError::InvalidSource {
            path: path.display().to_string(),
            reason: format!("cannot decompress the archive: {e}"),
        }),
    }
}

#[cfg(test)]
mod free_space_tests {
    use super::*;

    /// The same number `df` gives for the folder (within what other programs write meanwhile).
    #[test]
    fn free_space_agrees_with_df() {
        let dir = std::env::temp_dir();
        let ours = available_space(&dir).expect("free space of the temp folder");
        let df = std::process::Command::new("df")
            .args(["--output=avail", "-B1"])
            .arg(&dir)
            .output()
            .expect("df runs");
        let text = String::from_utf8_lossy(&df.stdout);
        let theirs: u64 = text.lines().nth(1).unwrap().trim().parse().unwrap();
        assert!(ours.abs_diff(theirs) < 64 << 20, "ours {ours}, df {theirs}");
    }
}
