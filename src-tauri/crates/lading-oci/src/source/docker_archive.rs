//! `docker save` archives: `manifest.json` lists each image's config and layer files.

use std::path::Path;

use bytes::Bytes;
use serde::Deserialize;

use super::{ArchiveImage, ArchiveLayer, Compression, SourceImage, TarIndex};
use crate::digest::Digest;
use crate::error::OciError;

#[derive(Deserialize)]
struct ManifestEntry {
    #[serde(rename = "Config")]
    config: String,
    #[serde(rename = "RepoTags", default)]
    repo_tags: Option<Vec<String>>,
    #[serde(rename = "Layers")]
    layers: Vec<String>,
}

#[derive(Deserialize)]
struct ConfigProbe {
    #[serde(default)]
    os: Option<String>,
    #[serde(default)]
    architecture: Option<String>,
    #[serde(default)]
    variant: Option<String>,
    rootfs: RootFs,
}

#[derive(Deserialize)]
struct RootFs {
    diff_ids: Vec<String>,
}

pub(super) fn read(index: &TarIndex, path: &Path) -> Result<Vec<SourceImage>, OciError> {
    let invalid = |reason: String| OciError::InvalidSource {
        path: path.display().to_string(),
        reason,
    };
    let manifest = index.read("manifest.json")?;
    let entries: Vec<ManifestEntry> = serde_json::from_slice(&manifest)
        .map_err(|e| invalid(format!("manifest.json is not valid: {e}")))?;
    if entries.is_empty() {
        return Err(invalid("manifest.json lists no images".to_owned()));
    }
    let mut images = Vec::with_capacity(entries.len());
    for entry in entries {
        let config = index.read(&entry.config)?;
        let probe: ConfigProbe = serde_json::from_slice(&config)
            .map_err(|e| invalid(format!("image config {} is not valid: {e}", entry.config)))?;
        if probe.rootfs.diff_ids.len() != entry.layers.len() {
            return Err(invalid(format!(
                "image config {} declares {} layers but manifest.json lists {}",
                entry.config,
                probe.rootfs.diff_ids.len(),
                entry.layers.len()
            )));
        }
        let mut layers = Vec::with_capacity(entry.layers.len());
        for (file, diff_id) in entry.layers.iter().zip(&probe.rootfs.diff_ids) {
            let range = index
                .get(file)
                .ok_or_else(|| invalid(format!("layer {file} is missing from the archive")))?;
            let diff_id: Digest = diff_id
                .parse()
                .map_err(|_| invalid(format!("diff_id {diff_id:?} is not a digest")))?;
            layers.push(ArchiveLayer {
                compression: Compression::of_range(&range)?,
                range,
                diff_id,
            });
        }
        let mut platform = format!(
            "{}/{}",
            probe.os.as_deref().unwrap_or("linux"),
            probe.architecture.as_deref().unwrap_or("amd64")
        );
        if let Some(variant) = probe.variant {
            platform = format!("{platform}/{variant}");
        }
        images.push(SourceImage::Archive(ArchiveImage {
            repo_tags: entry.repo_tags.unwrap_or_default(),
            config: Bytes::from(config),
            layers,
            platform,
        }));
    }
    Ok(images)
}
