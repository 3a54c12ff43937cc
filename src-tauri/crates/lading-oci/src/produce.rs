//! Turning a byte range on disk into an upload stream: read, hash, optionally compress, and hand
//! 1 MiB chunks to the HTTP body. Runs on a blocking thread; the digest comes out at the end.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use tokio::sync::mpsc;

use crate::digest::{Digest, Sha256Hasher};
use crate::error::OciError;
use crate::source::FileRange;

const CHUNK: usize = 1 << 20;
pub(crate) const ZSTD_LEVEL: i32 = 3;

#[derive(Clone)]
pub(crate) enum ProduceMode {
    /// Send the bytes as they are; verify them against `expected` if given.
    Raw { expected: Option<Digest> },
    /// Gzip the (uncompressed) bytes; verify they hash to `diff_id`.
    Gzip { diff_id: Digest },
    /// Zstd the (uncompressed) bytes; verify they hash to `diff_id`.
    Zstd { diff_id: Digest },
}

pub(crate) struct Produced {
    pub digest: Digest,
    pub size: u64,
}

pub(crate) type BodySender = mpsc::Sender<io::Result<Bytes>>;

/// Writes compressed output into the body channel in CHUNK-sized pieces, hashing it on the way.
/// Before each chunk goes, how much of the source it covers goes to `offsets` (same order), so
/// the consumer can report progress when it takes the chunk, not when the source was read.
struct ChannelWriter {
    tx: BodySender,
    buf: BytesMut,
    hasher: Sha256Hasher,
    source_read: Arc<AtomicU64>,
    offsets: std::sync::mpsc::Sender<u64>,
}

impl ChannelWriter {
    fn send_buffered(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = self.buf.split().freeze();
        self.hasher.update(&chunk);
        let _ = self.offsets.send(self.source_read.load(Ordering::Relaxed));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "upload cancelled"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send_buffered()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send_buffered()
    }
}

/// Streams `range` through `mode` into `tx`. Each chunk's source coverage (bytes of the range
/// consumed when it was made) goes to `offsets` just before the chunk. On any failure the body
/// receives an error item, so the upload fails rather than completing with truncated data.
pub(crate) fn produce(
    range: &FileRange,
    mode: ProduceMode,
    tx: BodySender,
    offsets: std::sync::mpsc::Sender<u64>,
) -> Result<Produced, OciError> {
    let err_tx = tx.clone();
    let result = produce_inner(range, mode, tx, offsets);
    if let Err(e) = &result {
        let _ = err_tx.blocking_send(Err(io::Error::other(e.to_string())));
    }
    result
}

fn produce_inner(
    range: &FileRange,
    mode: ProduceMode,
    tx: BodySender,
    offsets: std::sync::mpsc::Sender<u64>,
) -> Result<Produced, OciError> {
    let io_err = |e: io::Error| {
        if e.kind() == io::ErrorKind::BrokenPipe {
            OciError::Cancelled
        } else {
            OciError::Io(format!("{}: {e}", range.path.display()))
        }
    };
    let mut file = File::open(&range.path).map_err(io_err)?;
    file.seek(SeekFrom::Start(range.offset)).map_err(io_err)?;
    let mut reader = file.take(range.len);
    let source_read = Arc::new(AtomicU64::new(0));
    let mut writer = ChannelWriter {
        tx,
        buf: BytesMut::with_capacity(CHUNK * 2),
        hasher: Sha256Hasher::new(),
        source_read: source_read.clone(),
        offsets,
    };
    let mut source_hasher = Sha256Hasher::new();
    let mut buf = vec![0u8; CHUNK];

    enum Sink {
        Raw(ChannelWriter),
        Gzip(crate::gzip::AdaptiveGzip<ChannelWriter>),
        Zstd(zstd::stream::write::Encoder<'static, ChannelWriter>),
    }
    let (mut sink, expected_source) = match mode {
        ProduceMode::Raw { expected } => (Sink::Raw(writer), expected),
        ProduceMode::Gzip { diff_id } => (
            Sink::Gzip(crate::gzip::AdaptiveGzip::new(writer).map_err(io_err)?),
            Some(diff_id),
        ),
        ProduceMode::Zstd { diff_id } => {
            let encoder = zstd::stream::write::Encoder::new(writer, ZSTD_LEVEL).map_err(io_err)?;
            (Sink::Zstd(encoder), Some(diff_id))
        }
    };
    loop {
        let n = reader.read(&mut buf).map_err(io_err)?;
        if n == 0 {
            break;
        }
        source_hasher.update(&buf[..n]);
        source_read.store(source_hasher.len(), Ordering::Relaxed);
        match &mut sink {
            Sink::Raw(w) => w.write_all(&buf[..n]),
            Sink::Gzip(w) => w.write_all(&buf[..n]),
            Sink::Zstd(w) => w.write_all(&buf[..n]),
        }
        .map_err(io_err)?;
    }
    if source_hasher.len() != range.len {
        return Err(OciError::InvalidSource {
            path: range.path.display().to_string(),
            reason: format!(
                "expected {} bytes at offset {} but the file ended after {}: it is truncated",
                range.len,
                range.offset,
                source_hasher.len()
            ),
        });
    }
    let source_digest = source_hasher.finish();
    if let Some(expected) = expected_source {
        if source_digest != expected {
            return Err(OciError::DigestMismatch {
                what: format!(
                    "layer at offset {} of {}",
                    range.offset,
                    range.path.display()
                ),
                expected: expected.to_string(),
                actual: source_digest.to_string(),
            });
        }
    }
    writer = match sink {
        Sink::Raw(w) => w,
        Sink::Gzip(w) => w.finish().map_err(io_err)?,
        Sink::Zstd(w) => w.finish().map_err(io_err)?,
    };
    writer.flush().map_err(io_err)?;
    let size = writer.hasher.len();
    Ok(Produced {
        digest: writer.hasher.finish(),
        size,
    })
}
