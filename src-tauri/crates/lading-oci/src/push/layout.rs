//! Pushing an image (or index) of an OCI layout: blobs as stored, manifests as they are.

use super::*;

pub(super) async fn push_layout<S: BlobSink>(
    ctx: &Ctx<'_, S>,
    image: &LayoutImage,
) -> Result<(RawManifest, Vec<PushedBlob>), OciError> {
    let mut images = Vec::new();
    match image.root.parse()? {
        Manifest::Image(_) => images.push(image.root.clone()),
        Manifest::Index(index) => {
            for child in index.manifests() {
                let digest: Digest = child.digest().to_string().parse()?;
                let bytes =
                    image
                        .blobs
                        .read_small(&digest)
                        .map_err(|_| OciError::InvalidSource {
                            path: "OCI layout".to_owned(),
                            reason: format!(
                                "the index lists {digest} ({}) but the layout does not hold it",
                                child
                                    .platform()
                                    .as_ref()
                                    .map(crate::manifest::platform_label)
                                    .unwrap_or_else(|| "no platform".to_owned())
                            ),
                        })?;
                held_to_size(&digest, bytes.len() as u64, child.size())?;
                images.push(RawManifest::new(bytes, Some(child.media_type().as_ref()))?);
            }
        }
    }

    // Every blob of every image manifest, de-duplicated, pushed in parallel.
    let mut wanted: Vec<(Digest, String)> = Vec::new();
    for manifest in &images {
        let Manifest::Image(m) = manifest.parse()? else {
            return Err(OciError::InvalidManifest(
                "nested indexes are not supported yet".to_owned(),
            ));
        };
        for d in std::iter::once(m.config()).chain(m.layers().iter()) {
            let digest: Digest = d.digest().to_string().parse()?;
            if let Some(range) = image.blobs.locate(&digest) {
                held_to_size(&digest, range.len, d.size())?;
            }
            if !wanted.iter().any(|(w, _)| *w == digest) {
                wanted.push((digest, d.media_type().to_string()));
            }
        }
    }
    let pushes = wanted
        .iter()
        .enumerate()
        .map(|(i, (digest, media_type))| push_stored_blob(ctx, i, image, digest, media_type));
    let blobs = try_join_all(pushes).await?;

    // Child manifests by digest before the index that names them.
    if images.len() > 1 || image.root.is_index() {
        for manifest in &images {
            ctx.sink
                .put_manifest(manifest.digest.as_str(), manifest)
                .await?;
        }
    }
    Ok((image.root.clone(), blobs))
}

/// A blob whose size is not the one its descriptor gives is refused before anything is sent:
/// the registry would store (or refuse) a manifest that lies about its content.
pub(super) fn held_to_size(digest: &Digest, held: u64, declared: u64) -> Result<(), OciError> {
    if held == declared {
        return Ok(());
    }
    Err(OciError::InvalidSource {
        path: "OCI layout".to_owned(),
        reason: format!("blob {digest} is {held} bytes but its descriptor says {declared}"),
    })
}

pub(super) async fn push_stored_blob<S: BlobSink>(
    ctx: &Ctx<'_, S>,
    index: usize,
    image: &LayoutImage,
    digest: &Digest,
    media_type: &str,
) -> Result<PushedBlob, OciError> {
    let range = image
        .blobs
        .locate(digest)
        .ok_or_else(|| OciError::InvalidSource {
            path: "OCI layout".to_owned(),
            reason: format!("blob {digest} is missing"),
        })?;
    if range.len <= SMALL_BLOB {
        let data = image.blobs.read_small(digest)?;
        let pushed = push_small_blob(ctx, index, digest, data).await?;
        return Ok(PushedBlob {
            media_type: media_type.to_owned(),
            ..pushed
        });
    }
    let _permit = ctx
        .permits
        .acquire()
        .await
        .map_err(|_| OciError::Cancelled)?;
    ctx.emit(index, BlobState::Checking, 0, range.len);
    if ctx.sink.blob_exists(digest).await? {
        ctx.emit(index, BlobState::Exists, range.len, range.len);
        return Ok(PushedBlob {
            digest: digest.to_string(),
            size: range.len,
            media_type: media_type.to_owned(),
            outcome: BlobOutcome::Existed,
        });
    }
    let (uploaded, size) = ctx
        .upload_stream(
            index,
            &range,
            ProduceMode::Raw {
                expected: Some(digest.clone()),
            },
        )
        .await?;
    ctx.emit(index, BlobState::Done, range.len, range.len);
    Ok(PushedBlob {
        digest: uploaded.to_string(),
        size,
        media_type: media_type.to_owned(),
        outcome: BlobOutcome::Uploaded,
    })
}
