//! Transfers the user starts from the window — push a local image, export an image to disk, copy
//! an image between registries — with throttled progress and cancel. Pushes and copies write the
//! manifest only after every blob is in place, so a cancelled or failed one leaves no tag; an export
//! that does not finish removes what it wrote.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lading_oci::pull::PullOptions;
use lading_oci::push::{push_image, LayerCompression, ProgressEvent, PushOptions};

use crate::error::{Code, Error, Result};
use crate::local::LocalSources;
use crate::view::{BlobProgress, CopyRequest, ExportRequest, PushRequest, TransferEvent};
use crate::AppState;

/// At most this many progress messages per second per transfer, whatever the speed.
const PROGRESS_PER_SECOND: u32 = 20;

pub type Emit = Arc<dyn Fn(TransferEvent) + Send + Sync>;

#[derive(Default)]
pub struct Transfers {
    running: Mutex<HashMap<String, tokio::task::AbortHandle>>,
    next: std::sync::atomic::AtomicU64,
    /// Transfers from their request to the end of their clean-up (a cancelled export removes its
    /// file after the task stopped): what quitting waits for.
    active: AtomicUsize,
    /// The window asked whether to close while transfers run, and has no answer yet.
    close_asked: AtomicBool,
}

/// Counts a transfer as active until dropped.
struct Active<'a>(&'a AtomicUsize);

impl Drop for Active<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Keeps the latest state of each blob and passes them on at most every 1/20 s.
struct Throttle {
    emit: Emit,
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
            (self.emit)(TransferEvent::Progress {
                blobs: blobs.into_values().map(BlobProgress::from).collect(),
            });
        }
    }
}

/// What a finished transfer reports.
#[derive(Default)]
struct Outcome {
    manifest_digest: String,
    tags: Vec<String>,
    bytes: u64,
    registry_digest: Option<String>,
    referrers: u32,
}

fn compression_of(name: &str) -> Result<LayerCompression> {
    match name {
        "gzip" => Ok(LayerCompression::Gzip),
        "zstd" => Ok(LayerCompression::Zstd),
        other => Err(Error::new(
            Code::InvalidCompression,
            format!("compression {other:?} is not gzip or zstd"),
        )),
    }
}

impl Transfers {
    /// Runs `work` (given the progress callback) as a cancellable task: `started`, throttled
    /// `progress`, then `finished` on `emit`.
    async fn run<F, Fut>(&self, emit: Emit, work: F) -> Result<()>
    where
        F: FnOnce(lading_oci::push::ProgressFn) -> Fut,
        Fut: Future<Output = Result<Outcome>> + Send + 'static,
    {
        let id = format!("transfer-{}", self.next.fetch_add(1, Ordering::SeqCst));
        let throttle = Arc::new(Throttle {
            emit: emit.clone(),
            pending: Mutex::new((Instant::now(), BTreeMap::new())),
        });
        let progress = throttle.clone();
        let task = tokio::spawn(work(Arc::new(move |e| progress.note(e))));
        self.lock().insert(id.clone(), task.abort_handle());
        emit(TransferEvent::Started {
            transfer_id: id.clone(),
        });
        let outcome = task.await;
        self.lock().remove(&id);
        throttle.flush();
        match outcome {
            Ok(Ok(done)) => {
                emit(TransferEvent::Finished {
                    manifest_digest: done.manifest_digest,
                    tags: done.tags,
                    bytes: done.bytes,
                    registry_digest: done.registry_digest,
                    referrers: done.referrers,
                });
                Ok(())
            }
            Ok(Err(e)) => Err(e),
            Err(e) if e.is_cancelled() => Err(Error::new(Code::Cancelled, "cancelled")),
            Err(e) => Err(Error::new(Code::TransferFailed, e.to_string())),
        }
    }

    /// Pushes image `request.image` of an opened local source.
    pub async fn push_local(
        &self,
        state: &AppState,
        local: &LocalSources,
        request: PushRequest,
        emit: Emit,
    ) -> Result<()> {
        let _active = self.hold();
        let image = local.image(&request.source_id, request.image)?;
        let compression = compression_of(&request.compression)?;
        let registry = state.registry(&request.registry_id).await?;
        if request.create_repository {
            registry.ensure_repository(&request.repository).await?;
        }
        let client = registry.client().await?;
        let cache = state.blob_cache();
        let (repository, tags) = (request.repository.clone(), request.tags.clone());
        let result = self
            .run(emit, move |progress| async move {
                let options = PushOptions {
                    compression,
                    cache,
                    progress: Some(progress),
                    ..PushOptions::default()
                };
                let report = push_image(&client, &repository, &tags, &image, &options).await?;
                Ok(Outcome {
                    bytes: report.bytes_uploaded(),
                    manifest_digest: report.manifest_digest,
                    tags: report.tags,
                    ..Outcome::default()
                })
            })
            .await;
        state
            .listings
            .forget(&request.registry_id, Some(&request.repository));
        result.map_err(|e| cancelled_says(e, "no manifest or tag was written"))
    }

    /// Exports an image to a `docker load`-able archive or an OCI layout folder. What was there
    /// stays as it was until the export completes: an archive is written beside and renamed
    /// over the old one at the end; a layout only gains files, and loses them again if the
    /// export does not complete.
    pub async fn export(&self, state: &AppState, request: ExportRequest, emit: Emit) -> Result<()> {
        let _active = self.hold();
        let platform = match &request.platform {
            Some(p) => Some(p.parse::<lading_oci::PlatformSpec>()?),
            None => None,
        };
        // The page sends this path as typed: a relative one goes under the home folder (never
        // where the app happens to run), and what is wrong with it is said now, not in the queue.
        let destination = crate::destination::check(&request.path, &request.format)?;
        if let Some(problem) = destination.problem {
            return Err(Error::new(Code::InvalidPath, problem));
        }
        let path = PathBuf::from(&destination.path);
        let docker = request.format == "docker-archive";
        if docker && path.exists() {
            // Replacing a file of the user's is irreversible: the native yes first.
            state
                .confirm(crate::confirm::Question {
                    title: format!(
                        "Replace {}?",
                        path.file_name().unwrap_or_default().to_string_lossy()
                    ),
                    detail: format!(
                        "{} already exists. The export writes beside it and replaces it only once the new archive is complete; its old content is then gone.",
                        path.display()
                    ),
                    yes: "Replace".into(),
                })
                .await?;
        }
        let client = state.registry(&request.registry_id).await?.client().await?;
        let (repository, reference) = (request.repository.clone(), request.reference.clone());
        let (preserve_digests, with_referrers) = (request.preserve_digests, request.referrers);
        let target = path.clone();
        let result = self
            .run(emit, move |progress| async move {
                let options = PullOptions {
                    platform,
                    progress: Some(progress),
                    preserve_digests,
                    ..PullOptions::default()
                };
                let tag = (!reference.starts_with("sha256:"))
                    .then(|| format!("{repository}:{reference}"));
                let report = if docker {
                    lading_oci::pull::pull_to_docker_archive(
                        &client,
                        &repository,
                        &reference,
                        &target,
                        tag.as_deref(),
                        &options,
                    )
                    .await?
                } else {
                    let name = (!reference.starts_with("sha256:")).then_some(reference.as_str());
                    lading_oci::pull::pull_to_oci_layout(
                        &client,
                        &repository,
                        &reference,
                        &target,
                        name,
                        &options,
                    )
                    .await?
                };
                // Attached to the registry's digest: that is what their `subject` names.
                let attached = if with_referrers && !docker {
                    let subject = report
                        .registry_digest
                        .as_deref()
                        .unwrap_or(&report.manifest_digest);
                    lading_oci::referrers::pull_referrers_to_oci_layout(
                        &client,
                        &repository,
                        &crate::attached::subject_digest(subject)?,
                        &target,
                        &options,
                    )
                    .await?
                    .len()
                } else {
                    0
                };
                Ok(Outcome {
                    manifest_digest: report.manifest_digest,
                    bytes: report.bytes_downloaded,
                    registry_digest: report.registry_digest,
                    referrers: attached as u32,
                    ..Outcome::default()
                })
            })
            .await;
        result.map_err(|e| cancelled_says(e, "what was there is as it was"))
    }

    /// Copies an image to another repository or registry (blobs mounted where the registry
    /// allows, else streamed through), then tags it.
    pub async fn copy(&self, state: &AppState, request: CopyRequest, emit: Emit) -> Result<()> {
        let _active = self.hold();
        let same_repository = request.registry_id == request.target_registry_id
            && request.repository == request.target_repository;
        let source = state.registry(&request.registry_id).await?;
        if same_repository && source.retags_in_place() {
            return self.retag_in_place(state, source, request, emit).await;
        }
        let target = state.registry(&request.target_registry_id).await?;
        if request.create_repository {
            target.ensure_repository(&request.target_repository).await?;
        }
        let target_entry = target.entry().clone();
        let (source, target) = (source.client().await?, target.client().await?);
        crate::tag_moves::confirm_copy(
            state,
            &source,
            &request.repository,
            &request.reference,
            &target,
            &target_entry,
            &request.target_repository,
            &request.tags,
        )
        .await?;
        let request_copy = request.clone();
        let result = self
            .run(emit, move |progress| async move {
                let options = PullOptions {
                    progress: Some(progress),
                    ..PullOptions::default()
                };
                let report = lading_oci::copy::copy_image(
                    &source,
                    &request_copy.repository,
                    &request_copy.reference,
                    &target,
                    &request_copy.target_repository,
                    &request_copy.tags,
                    &options,
                )
                .await?;
                let attached = if request_copy.referrers {
                    let subject: lading_oci::Digest = report.manifest_digest.parse()?;
                    lading_oci::copy::copy_referrers(
                        &source,
                        &request_copy.repository,
                        &subject,
                        &target,
                        &request_copy.target_repository,
                        &options,
                    )
                    .await?
                    .len()
                } else {
                    0
                };
                Ok(Outcome {
                    manifest_digest: report.manifest_digest,
                    tags: report.tags,
                    bytes: report.bytes_transferred,
                    referrers: attached as u32,
                    ..Outcome::default()
                })
            })
            .await;
        state.listings.forget(
            &request.target_registry_id,
            Some(&request.target_repository),
        );
        result.map_err(|e| cancelled_says(e, "no manifest or tag was written"))
    }

    /// New tags for an image in its own repository, where the registry writes them without
    /// moving data (ECR: PutImage with the manifest it has; no registry endpoint needed).
    async fn retag_in_place(
        &self,
        state: &AppState,
        registry: std::sync::Arc<crate::Registry>,
        request: CopyRequest,
        emit: Emit,
    ) -> Result<()> {
        if request.tags.is_empty() {
            return Err(Error::new(
                Code::InvalidTags,
                "the image is already in this repository: give a new tag",
            ));
        }
        crate::tag_moves::confirm_retag(
            state,
            &registry,
            &request.repository,
            &request.reference,
            &request.tags,
        )
        .await?;
        let (repository, reference, tags) = (
            request.repository.clone(),
            request.reference.clone(),
            request.tags.clone(),
        );
        let result = self
            .run(emit, move |_progress| async move {
                let manifest_digest = registry.retag(&repository, &reference, &tags).await?;
                Ok(Outcome {
                    manifest_digest,
                    tags,
                    ..Outcome::default()
                })
            })
            .await;
        state
            .listings
            .forget(&request.registry_id, Some(&request.repository));
        result
    }

    /// Stops a running transfer at once. Blobs already uploaded stay (a retry skips them).
    pub fn cancel(&self, transfer_id: &str) -> Result<()> {
        let handle = self.lock().remove(transfer_id).ok_or_else(|| {
            Error::new(
                Code::UnknownTransfer,
                format!("no running transfer {transfer_id}"),
            )
        })?;
        handle.abort();
        Ok(())
    }

    /// How many transfers are under way (including their clean-up).
    pub fn active(&self) -> usize {
        self.active.load(Ordering::SeqCst)
    }

    /// Stops every transfer and waits, up to `limit`, until each has cleaned up after itself —
    /// so quitting leaves no manifest of a half-pushed image and no half-written export.
    pub async fn stop_all(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            // Again each round: a transfer may have reached its task only now.
            for (_, handle) in self.lock().drain() {
                handle.abort();
            }
            if self.active() == 0 || Instant::now() >= deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Whether to ask before the window closes: true the first time; a second close request
    /// while the question is open goes through (the user insists, or the window cannot answer).
    pub fn ask_before_close(&self) -> bool {
        !self.close_asked.swap(true, Ordering::SeqCst)
    }

    /// The user chose to keep the window open: the next close request asks again.
    pub fn keep_open(&self) {
        self.close_asked.store(false, Ordering::SeqCst);
    }

    fn hold(&self) -> Active<'_> {
        self.active.fetch_add(1, Ordering::SeqCst);
        Active(&self.active)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, tokio::task::AbortHandle>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn cancelled_says(e: Error, what_is_left: &str) -> Error {
    if e.code == Code::Cancelled {
        Error::new(Code::Cancelled, format!("cancelled; {what_is_left}"))
    } else {
        e
    }
}
