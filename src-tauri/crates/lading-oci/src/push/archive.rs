//! Pushing an image of a `docker save` archive: layers compressed as they stream, manifest made here.

use super::*;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescriptorJson {
    media_type: String,
    size: u64,
    digest: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ManifestJson {
    schema_version: u32,
    media_type: &'static str,
    config: DescriptorJson,
    layers: Vec<DescriptorJson>,
}

pub(super) async fn push_archive<S: BlobSink>(
    ctx: &Ctx<'_, S>,
    image: &ArchiveImage,
) -> Result<(RawManifest, Vec<PushedBlob>), OciError> {
    // A Docker v2.2 manifest where every layer is gzip (what `docker push` writes); OCI otherwise.
    let oci = ctx.options.compression == LayerCompression::Zstd
        || image
            .layers
            .iter()
            .any(|l| l.compression == Compression::Zstd);
    let layer_futures = image
        .layers
        .iter()
        .enumerate()
        .map(|(i, layer)| push_archive_layer(ctx, i, layer, oci));
    let config_index = image.layers.len();
    let config_digest = image.config_digest();
    let config_future = push_small_blob(ctx, config_index, &config_digest, image.config.clone());
    let (layers, config) = tokio::try_join!(try_join_all(layer_futures), config_future)?;

    let (manifest_type, config_type) = if oci {
        (media_types::OCI_MANIFEST, media_types::OCI_CONFIG)
    } else {
        (media_types::DOCKER_MANIFEST, media_types::DOCKER_CONFIG)
    };
    let manifest = ManifestJson {
        schema_version: 2,
        media_type: manifest_type,
        config: DescriptorJson {
            media_type: config_type.to_owned(),
            size: image.config.len() as u64,
            digest: config_digest.to_string(),
        },
        layers: layers
            .iter()
            .map(|l| DescriptorJson {
                media_type: l.media_type.clone(),
                size: l.size,
                digest: l.digest.clone(),
            })
            .collect(),
    };
    let bytes = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| OciError::InvalidManifest(e.to_string()))?;
    let mut blobs = layers;
    blobs.push(PushedBlob {
        media_type: config_type.to_owned(),
        ..config
    });
    Ok((manifest_from_bytes(bytes, manifest_type)?, blobs))
}

pub(super) async fn push_archive_layer<S: BlobSink>(
    ctx: &Ctx<'_, S>,
    index: usize,
    layer: &ArchiveLayer,
    oci: bool,
) -> Result<PushedBlob, OciError> {
    let _permit = ctx
        .permits
        .acquire()
        .await
        .map_err(|_| OciError::Cancelled)?;
    let registry = ctx.sink.registry();
    let total = layer.range.len;
    let (mode, cache_key, media_type) = match layer.compression {
        Compression::None => match ctx.options.compression {
            LayerCompression::Gzip => (
                ProduceMode::Gzip {
                    diff_id: layer.diff_id.clone(),
                },
                LayerCompression::Gzip.cache_key(),
                if oci {
                    media_types::OCI_LAYER_GZIP
                } else {
                    media_types::DOCKER_LAYER_GZIP
                },
            ),
            LayerCompression::Zstd => (
                ProduceMode::Zstd {
                    diff_id: layer.diff_id.clone(),
                },
                LayerCompression::Zstd.cache_key(),
                media_types::OCI_LAYER_ZSTD,
            ),
        },
        // Already compressed in the archive: sent as it is.
        Compression::Gzip => (
            ProduceMode::Raw { expected: None },
            "as-is",
            if oci {
                media_types::OCI_LAYER_GZIP
            } else {
                media_types::DOCKER_LAYER_GZIP
            },
        ),
        Compression::Zstd => (
            ProduceMode::Raw { expected: None },
            "as-is",
            media_types::OCI_LAYER_ZSTD,
        ),
    };

    ctx.emit(index, BlobState::Checking, 0, total);
    if let Some(hit) = ctx
        .options
        .cache
        .lookup(registry, &layer.diff_id, cache_key)
    {
        if let Ok(digest) = hit.digest.parse::<Digest>() {
            if let Some(outcome) = reuse_blob(ctx, &digest, &hit).await? {
                ctx.options.cache.record(
                    registry,
                    &layer.diff_id,
                    cache_key,
                    &hit,
                    ctx.sink.repository(),
                );
                ctx.emit(
                    index,
                    if outcome == BlobOutcome::Mounted {
                        BlobState::Mounted
                    } else {
                        BlobState::Exists
                    },
                    total,
                    total,
                );
                return Ok(PushedBlob {
                    digest: hit.digest,
                    size: hit.size,
                    media_type: media_type.to_owned(),
                    outcome,
                });
            }
        }
    }

    let (digest, size) = ctx.upload_stream(index, &layer.range, mode).await?;
    let cached = CachedBlob {
        digest: digest.to_string(),
        size,
        media_type: media_type.to_owned(),
        repositories: Vec::new(),
    };
    ctx.options.cache.record(
        registry,
        &layer.diff_id,
        cache_key,
        &cached,
        ctx.sink.repository(),
    );
    ctx.emit(index, BlobState::Done, total, total);
    Ok(PushedBlob {
        digest: digest.to_string(),
        size,
        media_type: media_type.to_owned(),
        outcome: BlobOutcome::Uploaded,
    })
}

/// A cached blob is reused if the target repository has it, or if another repository of the
/// registry has it and the registry agrees to mount it.
pub(super) async fn reuse_blob<S: BlobSink>(
    ctx: &Ctx<'_, S>,
    digest: &Digest,
    hit: &CachedBlob,
) -> Result<Option<BlobOutcome>, OciError> {
    if ctx.sink.blob_exists(digest).await? {
        return Ok(Some(BlobOutcome::Existed));
    }
    for from in hit
        .repositories
        .iter()
        .filter(|r| r.as_str() != ctx.sink.repository())
    {
        if ctx.sink.mount(digest, from).await? {
            return Ok(Some(BlobOutcome::Mounted));
        }
    }
    Ok(None)
}

pub(super) async fn push_small_blob<S: BlobSink>(
    ctx: &Ctx<'_, S>,
    index: usize,
    digest: &Digest,
    data: Bytes,
) -> Result<PushedBlob, OciError> {
    let _permit = ctx
        .permits
        .acquire()
        .await
        .map_err(|_| OciError::Cancelled)?;
    let size = data.len() as u64;
    ctx.emit(index, BlobState::Checking, 0, size);
    let outcome = if ctx.sink.blob_exists(digest).await? {
        BlobOutcome::Existed
    } else {
        ctx.sink.upload_bytes(digest, data).await?;
        BlobOutcome::Uploaded
    };
    ctx.emit(index, BlobState::Done, size, size);
    Ok(PushedBlob {
        digest: digest.to_string(),
        size,
        media_type: String::new(),
        outcome,
    })
}

/// Blobs at or under this size are read into memory and sent in one request.
pub(super) const SMALL_BLOB: u64 = 1 << 20;
