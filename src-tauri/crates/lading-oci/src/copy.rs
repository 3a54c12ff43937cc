//! Registry-to-registry copies. Within one registry blobs are mounted across repositories (no
//! data moves); between registries each blob streams from GET into an upload, verified on the way.

use std::sync::Arc;

use futures_util::future::try_join_all;
use serde::Serialize;
use tokio::sync::{mpsc, oneshot, Semaphore};

use crate::client::{MountOutcome, RegistryClient, UploadMode};
use crate::digest::Digest;
use crate::error::OciError;
use crate::pull::{blobs_of, resolve, PullOptions};
use crate::push::{BlobOutcome, BlobState, ProgressEvent};
use crate::referrers::{add_to_tag_schema, referrers, Found, Referrer};

#[derive(Debug, Clone, Serialize)]
pub struct CopyReport {
    pub manifest_digest: String,
    pub media_type: String,
    pub tags: Vec<String>,
    pub mounted: usize,
    pub existed: usize,
    pub transferred: usize,
    pub bytes_transferred: u64,
}

/// Copies `src_repository:src_reference` to `dst_repository` under `tags` (by digest if none).
/// `options.platform` narrows an index to one platform.
pub async fn copy_image(
    src: &RegistryClient,
    src_repository: &str,
    src_reference: &str,
    dst: &RegistryClient,
    dst_repository: &str,
    tags: &[String],
    options: &PullOptions,
) -> Result<CopyReport, OciError> {
    let resolved = resolve(
        src,
        src_repository,
        src_reference,
        options.platform.as_ref(),
    )
    .await?;
    let blobs = blobs_of(&resolved.images)?;
    let same_registry = src.registry() == dst.registry();
    let permits = Arc::new(Semaphore::new(options.jobs.max(1)));
    let copies = blobs.iter().enumerate().map(|(index, (digest, size))| {
        let permits = permits.clone();
        async move {
            let _permit = permits.acquire().await.map_err(|_| OciError::Cancelled)?;
            let emit = |state, done| {
                if let Some(p) = &options.progress {
                    p(ProgressEvent {
                        blob: index,
                        state,
                        done,
                        total: *size,
                    });
                }
            };
            emit(BlobState::Checking, 0);
            let mountable = same_registry && src_repository != dst_repository;
            if mountable
                && dst
                    .mount_blob(dst_repository, digest, src_repository)
                    .await?
                    == MountOutcome::Mounted
            {
                emit(BlobState::Mounted, *size);
                return Ok((BlobOutcome::Mounted, 0));
            }
            if dst.blob_exists(dst_repository, digest).await?.is_some() {
                emit(BlobState::Exists, *size);
                return Ok((BlobOutcome::Existed, 0));
            }
            let sent =
                transfer_blob(src, src_repository, dst, dst_repository, digest, *size).await?;
            emit(BlobState::Done, *size);
            Ok::<_, OciError>((BlobOutcome::Uploaded, sent))
        }
    });
    let outcomes = try_join_all(copies).await?;

    if resolved.root.is_index() {
        for (manifest, _) in &resolved.images {
            dst.put_manifest(dst_repository, manifest.digest.as_str(), manifest)
                .await?;
        }
    }
    if tags.is_empty() {
        dst.put_manifest(
            dst_repository,
            resolved.root.digest.as_str(),
            &resolved.root,
        )
        .await?;
    }
    for tag in tags {
        dst.put_manifest(dst_repository, tag, &resolved.root)
            .await?;
    }
    let count = |o: BlobOutcome| outcomes.iter().filter(|(x, _)| *x == o).count();
    Ok(CopyReport {
        manifest_digest: resolved.root.digest.to_string(),
        media_type: resolved.root.media_type.clone(),
        tags: tags.to_vec(),
        mounted: count(BlobOutcome::Mounted),
        existed: count(BlobOutcome::Existed),
        transferred: count(BlobOutcome::Uploaded),
        bytes_transferred: outcomes.iter().map(|(_, n)| n).sum(),
    })
}

/// Streams one blob from `src` into an upload on `dst`; the digest is released to the upload
/// only after the downloaded bytes matched it.
async fn transfer_blob(
    src: &RegistryClient,
    src_repository: &str,
    dst: &RegistryClient,
    dst_repository: &str,
    digest: &Digest,
    size: u64,
) -> Result<u64, OciError> {
    let mut download = src
        .get_blob(src_repository, digest)
        .await?
        .expect_size(size)?;
    let (body_tx, body_rx) = mpsc::channel::<std::io::Result<bytes::Bytes>>(8);
    let (digest_tx, digest_rx) = oneshot::channel();
    let expected = digest.clone();
    let pump = async move {
        loop {
            match download.chunk().await {
                Ok(Some(chunk)) => {
                    if body_tx.send(Ok(chunk)).await.is_err() {
                        let _ = digest_tx.send(Err(OciError::Cancelled));
                        return 0;
                    }
                }
                Ok(None) => {
                    let _ = digest_tx.send(Ok(expected));
                    return download.bytes_read();
                }
                Err(e) => {
                    let _ = body_tx
                        .send(Err(std::io::Error::other(e.to_string())))
                        .await;
                    let _ = digest_tx.send(Err(e));
                    return 0;
                }
            }
        }
    };
    let upload = dst.push_blob_stream(dst_repository, body_rx, digest_rx, UploadMode::Stream);
    let (sent, uploaded) = tokio::join!(pump, upload);
    uploaded?;
    Ok(sent)
}

/// Copies what is attached to `subject` in `src_repository` — referrers found through the API
/// or the tag schema, and cosign's tags — to `dst_repository`. Where the destination has no
/// referrers API, each is also added to its tag-schema index so other clients find it.
/// Returns what was copied.
pub async fn copy_referrers(
    src: &RegistryClient,
    src_repository: &str,
    subject: &Digest,
    dst: &RegistryClient,
    dst_repository: &str,
    options: &PullOptions,
) -> Result<Vec<Referrer>, OciError> {
    let found = referrers(src, src_repository, subject, None).await?;
    if found.is_empty() {
        return Ok(found);
    }
    let indexed_by_registry = dst
        .referrers_index(dst_repository, subject)
        .await?
        .is_some();
    // Each referrer whole (an index keeps its platforms); the image's progress is not theirs.
    let options = PullOptions {
        platform: None,
        progress: None,
        ..options.clone()
    };
    for referrer in &found {
        let tags = match &referrer.found {
            Found::CosignTag(tag) => vec![tag.clone()],
            Found::Api | Found::TagSchema => Vec::new(),
        };
        copy_image(
            src,
            src_repository,
            &referrer.digest,
            dst,
            dst_repository,
            &tags,
            &options,
        )
        .await?;
        if !indexed_by_registry && tags.is_empty() {
            let manifest = src.get_manifest(src_repository, &referrer.digest).await?;
            add_to_tag_schema(dst, dst_repository, subject, &manifest).await?;
        }
    }
    Ok(found)
}
