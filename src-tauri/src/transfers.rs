//! Pushes from local sources into a registry, with throttled progress and cancel. The manifest is
//! written only after every blob is in place, so a cancelled or failed push leaves no tag.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lading_oci::push::{push_image, LayerCompression, ProgressEvent, PushOptions};

use crate::ipc::{BlobProgress, IpcError, PushEvent, PushRequest};
use crate::local::LocalSources;
use crate::registries::{self, AppState};

/// At most this many progress messages per second per push, whatever the speed.
const PROGRESS_PER_SECOND: u32 = 20;

#[derive(Default)]
pub struct Transfers {
    running: Mutex<HashMap<String, tokio::task::AbortHandle>>,
    next: std::sync::atomic::AtomicU64,
}

/// Keeps the latest state of each blob and passes them on at most every 1/20 s.
struct Throttle {
    emit: Arc<dyn Fn(PushEvent) + Send + Sync>,
    pending: Mutex<(Instant, BTreeMap<usize, ProgressEvent>)>,
}

impl Throttle {
    fn note(&self, event: ProgressEvent) {
        let due = {
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            pending.1.insert(event.blob, event);
            pending.0.elapsed() >= Duration::from_secs(1) / PROGRESS_PER_SECOND
        };
        if due {
            self.flush();
        }
    }

    fn flush(&self) {
        let blobs = {
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            pending.0 = Instant::now();
            std::mem::take(&mut pending.1)
        };
        if !blobs.is_empty() {
            (self.emit)(PushEvent::Progress {
                blobs: blobs.into_values().map(BlobProgress::from).collect(),
            });
        }
    }
}

impl Transfers {
    /// Pushes image `request.image` of an opened local source; `emit` gets `started`, throttled
    /// `progress` and `finished`. Cancel with [`Transfers::cancel`] and the id from `started`.
    pub async fn push_local(
        &self,
        state: &AppState,
        local: &LocalSources,
        request: PushRequest,
        emit: Arc<dyn Fn(PushEvent) + Send + Sync>,
    ) -> Result<(), IpcError> {
        let image = local.image(&request.source_id, request.image)?;
        let compression = match request.compression.as_str() {
            "gzip" => LayerCompression::Gzip,
            "zstd" => LayerCompression::Zstd,
            other => {
                return Err(IpcError::new(
                    "invalid_compression",
                    format!("compression {other:?} is not gzip or zstd"),
                ))
            }
        };
        if request.create_repository {
            registries::ensure_repository(state, &request.registry_id, &request.repository).await?;
        }
        let client = registries::registry_client(state, &request.registry_id).await?;
        let id = format!(
            "push-{}",
            self.next.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        );
        let throttle = Arc::new(Throttle {
            emit: emit.clone(),
            pending: Mutex::new((Instant::now(), BTreeMap::new())),
        });
        let progress = throttle.clone();
        let options = PushOptions {
            compression,
            progress: Some(Arc::new(move |e| progress.note(e))),
            ..PushOptions::default()
        };
        let repository = request.repository.clone();
        let tags = request.tags.clone();
        let task =
            tokio::spawn(
                async move { push_image(&client, &repository, &tags, &image, &options).await },
            );
        self.lock().insert(id.clone(), task.abort_handle());
        emit(PushEvent::Started {
            push_id: id.clone(),
        });
        let outcome = task.await;
        self.lock().remove(&id);
        // Whatever happened, the repository's kept listing may be out of date now.
        state
            .listings
            .forget(&request.registry_id, Some(&request.repository));
        throttle.flush();
        match outcome {
            Ok(Ok(report)) => {
                emit(PushEvent::Finished {
                    manifest_digest: report.manifest_digest.clone(),
                    tags: report.tags.clone(),
                    bytes_uploaded: report.bytes_uploaded(),
                });
                Ok(())
            }
            Ok(Err(e)) => Err(e.into()),
            Err(e) if e.is_cancelled() => Err(IpcError::new(
                "cancelled",
                "the push was cancelled; no manifest or tag was written",
            )),
            Err(e) => Err(IpcError::new("push_failed", e.to_string())),
        }
    }

    /// Stops a running push at once. Blobs already uploaded stay (a retry skips them).
    pub fn cancel(&self, push_id: &str) -> Result<(), IpcError> {
        let handle = self
            .lock()
            .remove(push_id)
            .ok_or_else(|| IpcError::new("unknown_push", format!("no running push {push_id}")))?;
        handle.abort();
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, tokio::task::AbortHandle>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }
}
