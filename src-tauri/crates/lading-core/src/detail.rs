//! What the detail pane shows for one manifest: an index's platforms, or an image's layers and
//! its config read out (leniently: real configs omit fields freely).

use lading_oci::manifest::{index_entries, ManifestKind};
use lading_oci::{Digest, Manifest, RawManifest};

use crate::error::Result;
use crate::view::{HistoryEntry, ImageDetail, LayerEntry, PlatformEntry};
use crate::AppState;

/// JSON pretty-printed for reading (the stored bytes are untouched); other bytes as text.
pub(crate) fn pretty(bytes: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned())
}

/// What a manifest says, before its config is read: an index's platforms, or an image's layers
/// and the digest of the config to read (none for an artifact). `known_digest` overrides the
/// manifest's own (ECR's digest for an image; moto invents its own).
pub(crate) fn detail_from_manifest(
    manifest: &RawManifest,
    known_digest: Option<&str>,
) -> Result<(ImageDetail, Option<Digest>)> {
    let mut detail = ImageDetail::new(
        known_digest.map_or_else(|| manifest.digest.to_string(), str::to_owned),
        manifest.media_type.clone(),
        pretty(&manifest.bytes),
    );
    let parsed = manifest.parse()?;
    let kind = parsed.kind();
    detail.kind = kind.as_str().into();
    match parsed {
        Manifest::Index(index) => {
            detail.platforms = index_entries(&index, &manifest.bytes)
                .into_iter()
                .zip(index.manifests())
                .map(|(entry, m)| PlatformEntry {
                    platform: entry.label,
                    digest: m.digest().to_string(),
                    manifest_size: m.size(),
                    size: None,
                })
                .collect();
            Ok((detail, None))
        }
        Manifest::Image(image) => {
            detail.layers = image
                .layers()
                .iter()
                .map(|l| LayerEntry {
                    digest: l.digest().to_string(),
                    size: l.size(),
                    media_type: l.media_type().to_string(),
                })
                .collect();
            if kind == ManifestKind::Artifact {
                return Ok((detail, None));
            }
            Ok((detail, Some(image.config().digest().to_string().parse()?)))
        }
    }
}

/// The manifest `digest` of `repository` with its config read out (and ECR's scan findings).
pub async fn image_detail(
    state: &AppState,
    id: &str,
    repository: &str,
    digest: &str,
) -> Result<ImageDetail> {
    let registry = state.registry(id).await?;
    let manifest = registry.manifest(repository, digest).await?;
    let known = registry.trusts_asked_digest().then_some(digest);
    let (mut detail, config_digest) = detail_from_manifest(&manifest, known)?;
    detail.scan = crate::scanning::scan_of(&registry, repository, digest).await?;
    if detail.kind == "index" {
        platform_sizes(&registry, repository, &mut detail.platforms).await;
    }
    let Some(config_digest) = config_digest else {
        return Ok(detail);
    };
    let config = match registry.client().await {
        Ok(client) => client
            .get_blob_bytes(repository, &config_digest)
            .await
            .map_err(crate::Error::from),
        Err(e) => Err(e),
    };
    match config {
        Ok(config) => {
            detail.config_json = Some(pretty(&config));
            fill_config(&mut detail, &config);
        }
        // Say why the config is missing and show the rest.
        Err(e) if registry.blobs_may_be_unreachable() => detail.config_error = Some(e.message),
        Err(e) => return Err(e),
    }
    Ok(detail)
}

/// Each platform's size, from its manifest (a few at a time); one that cannot be read stays
/// unknown rather than failing the detail.
async fn platform_sizes(
    registry: &crate::registry::Registry,
    repository: &str,
    platforms: &mut [PlatformEntry],
) {
    for chunk in platforms.chunks_mut(4) {
        let reads = chunk
            .iter()
            .map(|p| registry.manifest(repository, &p.digest));
        let manifests = futures_util::future::join_all(reads).await;
        for (platform, manifest) in chunk.iter_mut().zip(manifests) {
            platform.size = match manifest.ok().and_then(|m| m.parse().ok()) {
                Some(Manifest::Image(image)) => Some(
                    image.config().size() + image.layers().iter().map(|l| l.size()).sum::<u64>(),
                ),
                _ => None,
            };
        }
    }
}

/// Reads the image config leniently into the detail.
pub(crate) fn fill_config(detail: &mut ImageDetail, bytes: &[u8]) {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return;
    };
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let text = |v: &serde_json::Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_owned);
    detail.os = text(&v["os"]);
    detail.architecture = text(&v["architecture"]);
    detail.created = text(&v["created"]);
    let c = &v["config"];
    detail.entrypoint = strings(&c["Entrypoint"]);
    detail.cmd = strings(&c["Cmd"]);
    detail.env = strings(&c["Env"]);
    detail.working_dir = text(&c["WorkingDir"]);
    detail.user = text(&c["User"]);
    detail.labels = c["Labels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    detail.exposed_ports = c["ExposedPorts"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    detail.history = v["history"]
        .as_array()
        .map(|h| {
            h.iter()
                .map(|e| HistoryEntry {
                    created_by: e["created_by"].as_str().unwrap_or_default().to_owned(),
                    created: text(&e["created"]),
                    empty_layer: e["empty_layer"].as_bool().unwrap_or(false),
                })
                .collect()
        })
        .unwrap_or_default();
}
