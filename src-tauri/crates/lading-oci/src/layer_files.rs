//! What is inside an image's layers, read from the registry as each blob streams in (nothing is
//! written to disk, and no layer is held in memory: only the tar headers are kept), and which
//! bytes are wasted — files a later layer overwrites or deletes, dive-style.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::client::RegistryClient;
use crate::digest::Digest;
use crate::error::OciError;
use crate::source::{Compression, FileRange};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    Hardlink,
    /// A `.wh.<name>` marker: `path` (without the prefix) is deleted from the layers below.
    Whiteout,
    /// A `.wh..wh..opq` marker: everything below `path` from the layers below is hidden.
    Opaque,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Relative, without a leading `./` or `/`; for whiteouts, the path they delete.
    pub path: String,
    pub size: u64,
    pub mode: u32,
    pub kind: EntryKind,
    /// Where a symlink or hardlink points.
    pub target: Option<String>,
}

/// A file (or a whole deleted tree's file) whose bytes are still shipped but never seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WastedFile {
    pub path: String,
    pub size: u64,
    /// The layer that holds the hidden copy.
    pub layer: usize,
    /// The later layer that overwrites or deletes it.
    pub hidden_by: usize,
    /// Deleted (whiteout) rather than overwritten.
    pub deleted: bool,
}

/// Chunks between the download and the tar reader; a few keep both sides busy.
const PIPE_CHUNKS: usize = 8;

/// Reads the tar entries of a layer blob of the `size` its descriptor gives. `media_type` picks the decompression (gzip, zstd, or a
/// plain tar). The blob's digest is checked over every byte, including any after the tar's end.
pub async fn read_layer(
    client: &RegistryClient,
    repository: &str,
    digest: &Digest,
    size: u64,
    media_type: &str,
) -> Result<Vec<FileEntry>, OciError> {
    let mut download = client
        .get_blob(repository, digest)
        .await?
        .expect_size(size)?;
    let (tx, rx) = mpsc::channel::<Bytes>(PIPE_CHUNKS);
    let compression = compression_of(media_type);
    let what = format!("layer {digest}");
    let reader =
        tokio::task::spawn_blocking(move || entries_of(ChunkReader::new(rx), compression, &what));
    let mut reader_gone = false;
    while let Some(chunk) = download.chunk().await? {
        // Once the tar has ended the reader may stop listening; the rest is still hashed.
        if !reader_gone && tx.send(chunk).await.is_err() {
            reader_gone = true;
        }
    }
    drop(tx);
    reader
        .await
        .map_err(|e| OciError::Io(format!("reading layer {digest}: {e}")))?
}

/// How a layer is compressed, from its media type (registries say; no sniffing needed).
fn compression_of(media_type: &str) -> Compression {
    if media_type.ends_with("zstd") {
        Compression::Zstd
    } else if media_type.ends_with("gzip") || media_type.ends_with(".gz") {
        Compression::Gzip
    } else {
        Compression::None
    }
}

/// The tar entries of a layer stored in a local file (an archive member or an OCI layout blob),
/// its compression sniffed from its first bytes.
pub fn read_local_layer(range: &FileRange) -> Result<Vec<FileEntry>, OciError> {
    read_local_layer_until(range, Arc::new(|| false))
}

/// Says when a blocking read is to stop (the window no longer shows it).
pub type Stop = Arc<dyn Fn() -> bool + Send + Sync>;

/// [`read_local_layer`], ending with an error at the next read once `stop` says so: a layer of
/// gigabytes is not read to its end for a view that went away.
pub fn read_local_layer_until(range: &FileRange, stop: Stop) -> Result<Vec<FileEntry>, OciError> {
    use std::io::{Seek, SeekFrom};
    let compression = Compression::of_range(range)?;
    let fail = |e: std::io::Error| OciError::InvalidSource {
        path: range.path.display().to_string(),
        reason: e.to_string(),
    };
    let mut file = std::fs::File::open(&range.path).map_err(fail)?;
    file.seek(SeekFrom::Start(range.offset)).map_err(fail)?;
    let what = format!("layer at {} in {}", range.offset, range.path.display());
    entries_of(
        Stoppable {
            inner: std::io::BufReader::new(file.take(range.len)),
            stop,
        },
        compression,
        &what,
    )
}

struct Stoppable<R> {
    inner: R,
    stop: Stop,
}

impl<R: Read> Read for Stoppable<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if (self.stop)() {
            // Not `Interrupted`: readers retry that.
            return Err(std::io::Error::other("stopped: no longer shown"));
        }
        self.inner.read(buf)
    }
}

/// A blocking `Read` over chunks arriving from the async download.
struct ChunkReader {
    rx: mpsc::Receiver<Bytes>,
    current: Bytes,
}

impl ChunkReader {
    fn new(rx: mpsc::Receiver<Bytes>) -> Self {
        Self {
            rx,
            current: Bytes::new(),
        }
    }
}

impl Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.blocking_recv() {
                Some(chunk) => self.current = chunk,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

fn entries_of(
    input: impl Read + 'static,
    compression: Compression,
    what: &str,
) -> Result<Vec<FileEntry>, OciError> {
    let fail = |e: std::io::Error| OciError::Io(format!("{what} is not a readable tar: {e}"));
    let too_big = |reason: String| OciError::Io(format!("{what} is too big to list: {reason}"));
    let reader: Box<dyn Read> = match compression {
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(input)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(input).map_err(fail)?),
        Compression::None => Box::new(input),
    };
    let mut archive = tar::Archive::new(reader);
    let mut out = Vec::new();
    // Raw entries: long names and PAX records are read here, each within a bound, instead of
    // whole by the tar crate (a hostile layer could name a file with gigabytes).
    let mut pending = LongNames::default();
    let mut name_bytes = 0usize;
    for entry in archive.entries().map_err(fail)?.raw(true) {
        let mut entry = entry.map_err(fail)?;
        if pending.take_record(&mut entry).map_err(fail)? {
            continue;
        }
        if out.len() >= MAX_ENTRIES {
            return Err(too_big(format!("it has more than {MAX_ENTRIES} entries")));
        }
        let raw_path = pending
            .name
            .take()
            .unwrap_or_else(|| entry.path_bytes().into_owned());
        let raw_link = pending
            .link
            .take()
            .or_else(|| entry.link_name_bytes().map(|l| l.into_owned()));
        name_bytes += raw_path.len() + raw_link.as_ref().map_or(0, Vec::len);
        if name_bytes > MAX_NAME_BYTES {
            return Err(too_big(format!(
                "its file names come to more than {} MiB",
                MAX_NAME_BYTES >> 20
            )));
        }
        let header = entry.header();
        let raw = String::from_utf8_lossy(&raw_path).into_owned();
        let path = raw
            .trim_start_matches("./")
            .trim_start_matches('/')
            .trim_end_matches('/')
            .to_owned();
        if path.is_empty() || path == "." {
            continue;
        }
        let (parent, name) = match path.rsplit_once('/') {
            Some((parent, name)) => (Some(parent), name),
            None => (None, path.as_str()),
        };
        let join = |name: &str| parent.map_or(name.to_owned(), |p| format!("{p}/{name}"));
        let (path, kind) = if name == ".wh..wh..opq" {
            (parent.unwrap_or_default().to_owned(), EntryKind::Opaque)
        } else if let Some(deleted) = name.strip_prefix(".wh.") {
            (join(deleted), EntryKind::Whiteout)
        } else {
            let kind = match header.entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous => EntryKind::File,
                tar::EntryType::Directory => EntryKind::Dir,
                tar::EntryType::Symlink => EntryKind::Symlink,
                tar::EntryType::Link => EntryKind::Hardlink,
                _ => EntryKind::Other,
            };
            (path.clone(), kind)
        };
        let target = match kind {
            EntryKind::Symlink | EntryKind::Hardlink => {
                raw_link.map(|t| String::from_utf8_lossy(&t).into_owned())
            }
            _ => None,
        };
        out.push(FileEntry {
            path,
            size: if kind == EntryKind::File {
                header.size().unwrap_or(0)
            } else {
                0
            },
            mode: header.mode().unwrap_or(0),
            kind,
            target,
        });
    }
    Ok(out)
}

/// The largest long-name or PAX record read; real ones are a path or a few attributes.
const MAX_RECORD: u64 = 64 << 10;
/// The most entries listed of one layer (each kept costs ~80 bytes and its name); the largest
/// real layers hold a few hundred thousand.
const MAX_ENTRIES: usize = 500_000;
/// The most bytes of names (paths and link targets) kept for one layer.
const MAX_NAME_BYTES: usize = 48 << 20;

/// A long name or link (GNU `L`/`K` records, PAX `path`/`linkpath`) waiting for its entry.
#[derive(Default)]
struct LongNames {
    name: Option<Vec<u8>>,
    link: Option<Vec<u8>>,
}

impl LongNames {
    /// If `entry` is a record about the next entry, reads it (within [`MAX_RECORD`]) and says so.
    fn take_record<R: Read>(&mut self, entry: &mut tar::Entry<'_, R>) -> std::io::Result<bool> {
        let kind = entry.header().entry_type();
        let record = kind.is_gnu_longname()
            || kind.is_gnu_longlink()
            || kind.is_pax_local_extensions()
            || kind.is_pax_global_extensions();
        if !record {
            return Ok(false);
        }
        let size = entry.header().size()?;
        if size > MAX_RECORD {
            return Err(std::io::Error::other(format!(
                "a tar header record of {size} bytes (more than {} KiB)",
                MAX_RECORD >> 10
            )));
        }
        let trimmed = |mut bytes: Vec<u8>| {
            while bytes.last() == Some(&0) {
                bytes.pop();
            }
            bytes
        };
        if kind.is_gnu_longname() || kind.is_gnu_longlink() {
            let mut bytes = Vec::with_capacity(size as usize);
            entry.read_to_end(&mut bytes)?;
            let slot = if kind.is_gnu_longname() {
                &mut self.name
            } else {
                &mut self.link
            };
            *slot = Some(trimmed(bytes));
        } else if kind.is_pax_local_extensions() {
            if let Some(extensions) = entry.pax_extensions()? {
                for extension in extensions {
                    let extension = extension?;
                    match extension.key() {
                        Ok("path") => self.name = Some(extension.value_bytes().to_vec()),
                        Ok("linkpath") => self.link = Some(extension.value_bytes().to_vec()),
                        _ => {}
                    }
                }
            }
        }
        Ok(true)
    }
}

/// Every file whose bytes a later layer hides (overwrites, deletes with a whiteout, or hides under
/// an opaque directory), largest first.
pub fn wasted_files(layers: &[Vec<FileEntry>]) -> Vec<WastedFile> {
    // Path → (layer, size) of the copy currently visible.
    let mut visible: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    let mut wasted = Vec::new();
    for (index, entries) in layers.iter().enumerate() {
        for entry in entries {
            match entry.kind {
                EntryKind::Whiteout => {
                    hide(&mut visible, &mut wasted, &entry.path, true, index, true)
                }
                EntryKind::Opaque => {
                    hide(&mut visible, &mut wasted, &entry.path, false, index, true)
                }
                EntryKind::Dir => {}
                _ => {
                    if let Some((layer, size)) =
                        visible.insert(entry.path.clone(), (index, entry.size))
                    {
                        if layer < index {
                            wasted.push(WastedFile {
                                path: entry.path.clone(),
                                size,
                                layer,
                                hidden_by: index,
                                deleted: false,
                            });
                        }
                    }
                }
            }
        }
    }
    wasted.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.path.cmp(&b.path)));
    wasted
}

/// Moves what `under` covers (itself when `whole`, and everything below it) from layers before
/// `by` out of `visible` into `wasted`.
fn hide(
    visible: &mut BTreeMap<String, (usize, u64)>,
    wasted: &mut Vec<WastedFile>,
    under: &str,
    whole: bool,
    by: usize,
    deleted: bool,
) {
    // `under` itself, then everything under `under/` (a contiguous range in path order;
    // `under-x` sorts between the two, so they are looked up apart).
    let prefix = format!("{under}/");
    let itself = visible
        .get_key_value(under)
        .filter(|_| whole)
        .map(|(p, v)| (p.clone(), *v));
    let hit: Vec<String> = itself
        .into_iter()
        .chain(
            visible
                .range(prefix.clone()..)
                .take_while(|(p, _)| p.starts_with(&prefix))
                .map(|(p, v)| (p.clone(), *v)),
        )
        .filter(|(_, (layer, _))| *layer < by)
        .map(|(p, _)| p)
        .collect();
    for path in hit {
        if let Some((layer, size)) = visible.remove(&path) {
            wasted.push(WastedFile {
                path,
                size,
                layer,
                hidden_by: by,
                deleted,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, size: u64) -> FileEntry {
        FileEntry {
            path: path.into(),
            size,
            mode: 0o644,
            kind: EntryKind::File,
            target: None,
        }
    }

    fn marker(path: &str, kind: EntryKind) -> FileEntry {
        FileEntry {
            kind,
            ..file(path, 0)
        }
    }

    #[test]
    fn overwritten_deleted_and_opaque_files_are_wasted() {
        let layers = vec![
            vec![
                file("etc/passwd", 10),
                file("tmp/cache/a", 100),
                file("tmp/cache/b", 200),
                file("app/bin", 50),
                file("var/lib/x", 7),
            ],
            vec![
                file("app/bin", 60),
                marker("tmp/cache", EntryKind::Whiteout),
                marker("var/lib", EntryKind::Opaque),
                file("var/lib/y", 3),
            ],
            vec![marker("app/bin", EntryKind::Whiteout)],
        ];
        let wasted = wasted_files(&layers);
        let summary: Vec<(&str, u64, usize, usize, bool)> = wasted
            .iter()
            .map(|w| (w.path.as_str(), w.size, w.layer, w.hidden_by, w.deleted))
            .collect();
        assert_eq!(
            summary,
            [
                ("tmp/cache/b", 200, 0, 1, true),
                ("tmp/cache/a", 100, 0, 1, true),
                ("app/bin", 60, 1, 2, true),
                ("app/bin", 50, 0, 1, false),
                ("var/lib/x", 7, 0, 1, true),
            ]
        );
        // Paths that only share a prefix (`tmp/cache2`, `tmp/cache-x/…`, which sorts between
        // `tmp/cache` and `tmp/cache/…`) are not under `tmp/cache`.
        let layers = vec![
            vec![
                file("tmp/cache2", 5),
                file("tmp/cache-x/f", 6),
                file("tmp/cache/z", 9),
            ],
            vec![marker("tmp/cache", EntryKind::Whiteout)],
        ];
        let hidden: Vec<String> = wasted_files(&layers).into_iter().map(|w| w.path).collect();
        assert_eq!(hidden, ["tmp/cache/z"]);
    }

    /// A tar of one record header of `kind` claiming `size` bytes (followed by that many), then
    /// a small file.
    fn tar_with_record(kind: u8, size: usize) -> Vec<u8> {
        let mut header = tar::Header::new_gnu();
        header.set_path("././@LongLink").unwrap();
        header.set_entry_type(tar::EntryType::new(kind));
        header.set_size(size as u64);
        header.set_cksum();
        let mut out = header.as_bytes().to_vec();
        out.resize(out.len() + size.div_ceil(512) * 512, b'a');
        let mut builder = tar::Builder::new(out);
        let mut file = tar::Header::new_gnu();
        file.set_size(2);
        file.set_mode(0o644);
        file.set_cksum();
        builder.append_data(&mut file, "x", &b"hi"[..]).unwrap();
        builder.into_inner().unwrap()
    }

    #[test]
    fn long_names_and_pax_paths_are_read_and_bounded() {
        let long = format!("{}/file.txt", "d".repeat(300));
        let target = format!("{}/target", "t".repeat(200));
        let mut builder = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_gnu();
        header.set_size(3);
        header.set_mode(0o644);
        builder
            .append_data(&mut header, &long, &b"abc"[..])
            .unwrap();
        let mut link = tar::Header::new_gnu();
        link.set_entry_type(tar::EntryType::Symlink);
        link.set_size(0);
        builder
            .append_link(&mut link, "short-link", &target)
            .unwrap();
        builder
            .append_pax_extensions([("path", "pax/named/file".as_bytes())])
            .unwrap();
        let mut pax = tar::Header::new_ustar();
        pax.set_size(1);
        pax.set_mode(0o600);
        builder.append_data(&mut pax, "ignored", &b"z"[..]).unwrap();
        let tar = builder.into_inner().unwrap();
        let entries = entries_of(std::io::Cursor::new(tar), Compression::None, "t").unwrap();
        assert_eq!(entries[0].path, long);
        assert_eq!(entries[0].size, 3);
        assert_eq!(entries[1].target.as_deref(), Some(target.as_str()));
        assert_eq!(entries[2].path, "pax/named/file");

        // A long name of 1 MiB: refused before it is read, named in one line.
        let err = entries_of(
            std::io::Cursor::new(tar_with_record(b'L', 1 << 20)),
            Compression::None,
            "layer x",
        )
        .unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("tar header record of 1048576 bytes"),
            "{message}"
        );
        assert!(!message.contains('\n'));
        // The same for a PAX record.
        assert!(entries_of(
            std::io::Cursor::new(tar_with_record(b'x', 100 << 10)),
            Compression::None,
            "layer x",
        )
        .is_err());
        // A small long name is fine.
        let ok = entries_of(
            std::io::Cursor::new(tar_with_record(b'L', 600)),
            Compression::None,
            "layer x",
        )
        .unwrap();
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].path.len(), 600);
    }
}
