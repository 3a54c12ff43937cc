//! Pushing an image from a [`Source`](crate::source::Source) to a registry repository.
//!
//! Layers go up in parallel (`jobs` at a time), each compressed on a blocking thread while it
//! streams into the registry; blobs already present are skipped after a HEAD, blobs the cache
//! says another repository of the same registry has are mounted. The manifest is written last,
//! only after every blob is confirmed present, so a failed or cancelled push leaves no tag.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::future::try_join_all;
use serde::Serialize;
use tokio::sync::{mpsc, oneshot, Semaphore};

use crate::cache::{BlobCache, CachedBlob};
use crate::client::{manifest_from_bytes, RegistryClient, UploadMode};
use crate::digest::Digest;
use crate::error::OciError;
use crate::manifest::{media_types, Manifest, RawManifest};
use crate::produce::{produce, ProduceMode};
use crate::sink::{BlobSink, RegistrySink};
use crate::source::{ArchiveImage, ArchiveLayer, Compression, FileRange, LayoutImage, SourceImage};

mod archive;
mod layout;

use archive::*;
use layout::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlobState {
    Checking,
    Exists,
    Mounted,
    Uploading,
    Downloading,
    Done,
}

/// Progress of one blob. `blob` indexes the image's blobs (layers first, then the config).
#[derive(Debug, Clone, Serialize)]
pub struct ProgressEvent {
    pub blob: usize,
    pub state: BlobState,
    /// Source bytes processed so far and in all.
    pub done: u64,
    pub total: u64,
}

pub type ProgressFn = Arc<dyn Fn(ProgressEvent) + Send + Sync>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerCompression {
    Gzip,
    Zstd,
}

impl LayerCompression {
    fn cache_key(self) -> &'static str {
        match self {
            LayerCompression::Gzip => "gzip-1",
            LayerCompression::Zstd => "zstd-3",
        }
    }
}

#[derive(Clone)]
pub struct PushOptions {
    pub jobs: usize,
    pub compression: LayerCompression,
    pub cache: Arc<BlobCache>,
    pub progress: Option<ProgressFn>,
    pub upload_mode: UploadMode,
}

impl Default for PushOptions {
    fn default() -> Self {
        Self {
            jobs: default_jobs(),
            compression: LayerCompression::Gzip,
            cache: Arc::new(BlobCache::in_memory()),
            progress: None,
            upload_mode: UploadMode::Stream,
        }
    }
}

/// Parallel blob transfers: enough to keep every core compressing and the link busy.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map_or(4, |n| n.get())
        .clamp(2, 8)
        * 2
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlobOutcome {
    Uploaded,
    Existed,
    Mounted,
}

#[derive(Debug, Clone, Serialize)]
pub struct PushedBlob {
    pub digest: String,
    pub size: u64,
    pub media_type: String,
    pub outcome: BlobOutcome,
}

#[derive(Debug, Clone, Serialize)]
pub struct PushReport {
    pub repository: String,
    pub tags: Vec<String>,
    pub manifest_digest: String,
    pub media_type: String,
    pub blobs: Vec<PushedBlob>,
}

impl PushReport {
    pub fn bytes_uploaded(&self) -> u64 {
        self.blobs
            .iter()
            .filter(|b| b.outcome == BlobOutcome::Uploaded)
            .map(|b| b.size)
            .sum()
    }
}

/// Pushes `image` to `repository` of the registry `client` talks to, tagging it with every tag in
/// `tags` (by digest only if none).
pub async fn push_image(
    client: &RegistryClient,
    repository: &str,
    tags: &[String],
    image: &SourceImage,
    options: &PushOptions,
) -> Result<PushReport, OciError> {
    let sink = RegistrySink {
        client,
        repository,
        upload_mode: options.upload_mode,
    };
    push_image_to(&sink, tags, image, options).await
}

/// Pushes `image` into any [`BlobSink`].
pub async fn push_image_to<S: BlobSink>(
    sink: &S,
    tags: &[String],
    image: &SourceImage,
    options: &PushOptions,
) -> Result<PushReport, OciError> {
    let repository = sink.repository();
    for tag in tags {
        crate::reference::validate_tag(tag).map_err(|reason| OciError::InvalidReference {
            input: tag.clone(),
            reason,
        })?;
    }
    let ctx = Ctx {
        sink,
        options,
        permits: Arc::new(Semaphore::new(options.jobs.max(1))),
    };
    let (manifest, blobs) = match image {
        SourceImage::Archive(archive) => push_archive(&ctx, archive).await?,
        SourceImage::Layout(layout) => push_layout(&ctx, layout).await?,
    };
    if tags.is_empty() {
        sink.put_manifest(manifest.digest.as_str(), &manifest)
            .await?;
    }
    for tag in tags {
        sink.put_manifest(tag, &manifest).await?;
    }
    if let Err(e) = options.cache.save() {
        tracing::warn!("could not save the blob cache: {e}");
    }
    Ok(PushReport {
        repository: repository.to_owned(),
        tags: tags.to_vec(),
        manifest_digest: manifest.digest.to_string(),
        media_type: manifest.media_type,
        blobs,
    })
}

struct Ctx<'a, S: BlobSink> {
    sink: &'a S,
    options: &'a PushOptions,
    permits: Arc<Semaphore>,
}

impl<S: BlobSink> Ctx<'_, S> {
    fn emit(&self, blob: usize, state: BlobState, done: u64, total: u64) {
        if let Some(progress) = &self.options.progress {
            progress(ProgressEvent {
                blob,
                state,
                done,
                total,
            });
        }
    }

    /// Streams `range` through `mode` into a new upload; returns the blob's digest and size.
    /// A lost connection or upload session starts the blob again (compression is deterministic,
    /// so the digest does not change), up to [`BLOB_ATTEMPTS`] times.
    async fn upload_stream(
        &self,
        blob: usize,
        range: &FileRange,
        mode: ProduceMode,
    ) -> Result<(Digest, u64), OciError> {
        let mut attempt = 1;
        loop {
            match self.upload_stream_once(blob, range, mode.clone()).await {
                Err(e) if attempt < BLOB_ATTEMPTS && is_transient(&e) => {
                    tracing::warn!(
                        blob,
                        attempt,
                        "upload failed ({e}); starting the blob again"
                    );
                    tokio::time::sleep(crate::client::backoff(attempt + 2)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn upload_stream_once(
        &self,
        blob: usize,
        range: &FileRange,
        mode: ProduceMode,
    ) -> Result<(Digest, u64), OciError> {
        // The compressor runs ahead into `made` (8 chunks); `body` holds one chunk for the
        // sink, so a chunk's progress is reported when the one before it was taken by the
        // upload, not when its source was read (on a slow link that is megabytes apart).
        let (made_tx, made_rx) = mpsc::channel(8);
        let (body_tx, body_rx) = mpsc::channel(1);
        let (offsets_tx, offsets_rx) = std::sync::mpsc::channel::<u64>();
        let (digest_tx, digest_rx) = oneshot::channel();
        let total = range.len;
        let range = range.clone();
        let producer =
            tokio::task::spawn_blocking(move || match produce(&range, mode, made_tx, offsets_tx) {
                Ok(p) => {
                    let _ = digest_tx.send(Ok(p.digest));
                    p.size
                }
                Err(e) => {
                    let _ = digest_tx.send(Err(e));
                    0
                }
            });
        let progress = self.options.progress.clone();
        let forward = forward_counting(made_rx, body_tx, offsets_rx, move |done| {
            if let Some(p) = &progress {
                p(ProgressEvent {
                    blob,
                    state: BlobState::Uploading,
                    done,
                    total,
                });
            }
        });
        let (digest, ()) = tokio::join!(self.sink.upload_stream(body_rx, digest_rx), forward);
        let digest = digest?;
        let size = producer
            .await
            .map_err(|e| OciError::Io(format!("compression thread failed: {e}")))?;
        Ok((digest, size))
    }
}

/// Passes chunks from the compressor to the upload and reports, for each, the source bytes it
/// covers once it is queued right behind the chunk being sent (`body` holds one).
async fn forward_counting(
    mut made: mpsc::Receiver<std::io::Result<Bytes>>,
    body: mpsc::Sender<std::io::Result<Bytes>>,
    offsets: std::sync::mpsc::Receiver<u64>,
    report: impl Fn(u64),
) {
    while let Some(item) = made.recv().await {
        let covered = item.is_ok().then(|| offsets.try_recv().ok()).flatten();
        if body.send(item).await.is_err() {
            // The upload ended (failed); the producer stops at its next chunk.
            break;
        }
        if let Some(done) = covered {
            report(done);
        }
    }
}

/// Attempts per blob upload (the first try included).
const BLOB_ATTEMPTS: u32 = 3;

/// Failures worth starting a blob again for: the connection or the upload session went away.
/// Bad input, bad credentials and refusals are final.
fn is_transient(e: &OciError) -> bool {
    match e {
        OciError::Unreachable { .. } => true,
        OciError::NotFound { what, .. } => what.contains("upload"),
        OciError::Registry {
            status, details, ..
        } => {
            *status >= 500
                || details
                    .iter()
                    .any(|d| d.code == "BLOB_UPLOAD_UNKNOWN" || d.code == "BLOB_UPLOAD_INVALID")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[tokio::test]
    async fn progress_follows_what_the_upload_took_not_what_was_read() {
        const MIB: u64 = 1 << 20;
        let (made_tx, made_rx) = mpsc::channel(8);
        let (body_tx, mut body_rx) = mpsc::channel(1);
        let (offsets_tx, offsets_rx) = std::sync::mpsc::channel();
        // The compressor is fast: all ten chunks are made (and their offsets known) at once.
        for k in 1..=10u64 {
            offsets_tx.send(k * MIB).unwrap();
        }
        let producer = tokio::spawn(async move {
            for _ in 0..10 {
                made_tx.send(Ok(Bytes::from(vec![0u8; 16]))).await.unwrap();
            }
        });
        // The upload is slow: a chunk every 5 ms.
        let taken = Arc::new(AtomicU64::new(0));
        let upload = {
            let taken = taken.clone();
            async move {
                while body_rx.recv().await.is_some() {
                    taken.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                }
            }
        };
        let reports = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = reports.clone();
        let report = move |done: u64| {
            seen.lock()
                .unwrap()
                .push((done, taken.load(Ordering::SeqCst)))
        };
        tokio::join!(
            forward_counting(made_rx, body_tx, offsets_rx, report),
            upload
        );
        producer.await.unwrap();
        let reports = reports.lock().unwrap();
        assert_eq!(reports.len(), 10);
        assert_eq!(reports.last().unwrap().0, 10 * MIB);
        // Never more than the chunk taken, the one queued behind it, and the one in hand.
        for &(done, taken) in reports.iter() {
            assert!(
                done <= (taken + 2) * MIB,
                "reported {done} with {taken} chunks taken"
            );
        }
    }
}
