//! Pulling images into an OCI layout directory or a `docker save`-compatible archive.
//!
//! Blobs download in parallel, each hashed as it streams to a temporary file and renamed into
//! place only once its digest is verified; a mismatch aborts and leaves no partial file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::future::try_join_all;
use serde::Serialize;
use tokio::io::AsyncWriteExt;
use tokio::sync::Semaphore;

use crate::client::RegistryClient;
use crate::digest::Digest;
use crate::error::OciError;
use crate::manifest::{Manifest, PlatformSpec, RawManifest};
use crate::push::{BlobState, ProgressEvent, ProgressFn};

#[derive(Clone, Default)]
pub struct PullOptions {
    pub jobs: usize,
    /// For an index: pull only this platform (and record it, not the index).
    pub platform: Option<PlatformSpec>,
    pub progress: Option<ProgressFn>,
    /// Into an OCI layout: keep the registry's manifests byte for byte, Docker media types and
    /// all. Off, Docker manifests are rewritten with OCI media types (as skopeo does), so that
    /// every OCI tool reads the layout; their digests then change.
    pub preserve_digests: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PullReport {
    pub manifest_digest: String,
    pub media_type: String,
    pub platforms: Vec<String>,
    pub blobs: usize,
    pub bytes_downloaded: u64,
    /// The registry's digest, when the layout holds a converted manifest under
    /// `manifest_digest` instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry_digest: Option<String>,
}

/// What a reference resolves to: the manifest to record and every image manifest below it.
pub(crate) struct Resolved {
    pub root: RawManifest,
    pub images: Vec<(RawManifest, Option<String>)>,
}

/// Fetches `reference` and, for an index, its platform manifests (all, or the one asked for).
pub(crate) async fn resolve(
    client: &RegistryClient,
    repository: &str,
    reference: &str,
    platform: Option<&PlatformSpec>,
) -> Result<Resolved, OciError> {
    let root = client.get_manifest(repository, reference).await?;
    let Manifest::Index(index) = root.parse()? else {
        return Ok(Resolved {
            images: vec![(root.clone(), None)],
            root,
        });
    };
    let mut images = Vec::new();
    let mut available = Vec::new();
    for child in index.manifests() {
        let child_platform = child.platform().as_ref();
        let label = child_platform.map(crate::manifest::platform_label);
        if let Some(l) = &label {
            available.push(l.clone());
        }
        let wanted = match (platform, child_platform) {
            (None, _) => true,
            (Some(spec), Some(p)) => spec.matches(p),
            (Some(_), None) => false,
        };
        if wanted {
            let digest = child.digest().to_string();
            images.push((client.get_manifest(repository, &digest).await?, label));
            if platform.is_some() {
                break;
            }
        }
    }
    match (platform, images.first()) {
        (Some(spec), None) => Err(OciError::NotFound {
            registry: client.registry().to_owned(),
            what: format!(
                "platform {spec} in {repository}:{reference} (it has: {})",
                available.join(", ")
            ),
            hint: String::new(),
        }),
        (Some(_), Some((child, _))) => Ok(Resolved {
            root: child.clone(),
            images,
        }),
        (None, _) => Ok(Resolved { root, images }),
    }
}

/// Every blob (config and layers) of the images, without duplicates, with sizes.
pub(crate) fn blobs_of(
    images: &[(RawManifest, Option<String>)],
) -> Result<Vec<(Digest, u64)>, OciError> {
    let mut blobs: Vec<(Digest, u64)> = Vec::new();
    for (manifest, _) in images {
        let Manifest::Image(m) = manifest.parse()? else {
            return Err(OciError::InvalidManifest(
                "an index inside an index is not supported".into(),
            ));
        };
        for d in std::iter::once(m.config()).chain(m.layers().iter()) {
            let digest: Digest = d.digest().to_string().parse()?;
            if !blobs.iter().any(|(b, _)| *b == digest) {
                blobs.push((digest, d.size()));
            }
        }
    }
    Ok(blobs)
}

/// Pulls `repository:reference` into the OCI layout at `dir` (created if needed; an existing
/// layout keeps its other images), naming it `ref_name` in `index.json`. A folder holding
/// anything else is refused; a pull that fails or is dropped leaves the folder as it was.
pub async fn pull_to_oci_layout(
    client: &RegistryClient,
    repository: &str,
    reference: &str,
    dir: &Path,
    ref_name: Option<&str>,
    options: &PullOptions,
) -> Result<PullReport, OciError> {
    crate::layout_target::check(dir)?;
    let added = crate::layout_target::AddedFiles::start(dir);
    let resolved = resolve(client, repository, reference, options.platform.as_ref()).await?;
    let blobs = blobs_of(&resolved.images)?;
    let blob_dir = dir.join("blobs/sha256");
    tokio::fs::create_dir_all(&blob_dir)
        .await
        .map_err(|e| io_err(&blob_dir, e))?;
    let downloaded = download_all(client, repository, &blobs, &blob_dir, options).await?;
    let registry_digest = resolved.root.digest.clone();
    let resolved = if options.preserve_digests {
        resolved
    } else {
        crate::convert::to_oci(&resolved)?
    };
    for (manifest, _) in &resolved.images {
        write_blob(&blob_dir, &manifest.digest, &manifest.bytes).await?;
    }
    write_blob(&blob_dir, &resolved.root.digest, &resolved.root.bytes).await?;
    update_index(dir, &resolved.root, ref_name).await?;
    added.keep();
    Ok(PullReport {
        manifest_digest: resolved.root.digest.to_string(),
        media_type: resolved.root.media_type.clone(),
        platforms: resolved
            .images
            .iter()
            .filter_map(|(_, p)| p.clone())
            .collect(),
        blobs: blobs.len(),
        bytes_downloaded: downloaded,
        registry_digest: (resolved.root.digest != registry_digest)
            .then(|| registry_digest.to_string()),
    })
}

async fn download_all(
    client: &RegistryClient,
    repository: &str,
    blobs: &[(Digest, u64)],
    blob_dir: &Path,
    options: &PullOptions,
) -> Result<u64, OciError> {
    let permits = Arc::new(Semaphore::new(options.jobs.max(1)));
    let downloads = blobs.iter().enumerate().map(|(i, (digest, size))| {
        let permits = permits.clone();
        async move {
            let _permit = permits.acquire().await.map_err(|_| OciError::Cancelled)?;
            download_blob(
                client,
                repository,
                digest,
                *size,
                blob_dir,
                i,
                options.progress.as_ref(),
            )
            .await
        }
    });
    Ok(try_join_all(downloads).await?.into_iter().sum())
}

/// Downloads one blob into `blob_dir/<hex>` unless it is already there; returns bytes fetched.
async fn download_blob(
    client: &RegistryClient,
    repository: &str,
    digest: &Digest,
    size: u64,
    blob_dir: &Path,
    index: usize,
    progress: Option<&ProgressFn>,
) -> Result<u64, OciError> {
    let emit = |state, done| {
        if let Some(p) = progress {
            p(ProgressEvent {
                blob: index,
                state,
                done,
                total: size,
            });
        }
    };
    let target = blob_dir.join(digest.hex());
    if tokio::fs::metadata(&target)
        .await
        .is_ok_and(|m| m.len() == size)
    {
        emit(BlobState::Exists, size);
        return Ok(0);
    }
    emit(BlobState::Checking, 0);
    let partial = blob_dir.join(format!(".{}.partial", digest.hex()));
    let result = async {
        let mut download = client
            .get_blob(repository, digest)
            .await?
            .expect_size(size)?;
        let file = tokio::fs::File::create(&partial)
            .await
            .map_err(|e| io_err(&partial, e))?;
        let mut out = tokio::io::BufWriter::with_capacity(1 << 20, file);
        while let Some(chunk) = download.chunk().await? {
            out.write_all(&chunk)
                .await
                .map_err(|e| io_err(&partial, e))?;
            emit(BlobState::Downloading, download.bytes_read());
        }
        out.flush().await.map_err(|e| io_err(&partial, e))?;
        let read = download.bytes_read();
        tokio::fs::rename(&partial, &target)
            .await
            .map_err(|e| io_err(&target, e))?;
        Ok(read)
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&partial).await;
    }
    emit(BlobState::Done, size);
    result
}

/// A small blob (a manifest) into the layout: one already there (same digest, same size) is
/// left alone; a new one is written beside and renamed, so no blob is ever half-written.
async fn write_blob(blob_dir: &Path, digest: &Digest, bytes: &[u8]) -> Result<(), OciError> {
    let path = blob_dir.join(digest.hex());
    if tokio::fs::metadata(&path)
        .await
        .is_ok_and(|m| m.len() == bytes.len() as u64)
    {
        return Ok(());
    }
    let partial = blob_dir.join(format!(".{}.partial", digest.hex()));
    tokio::fs::write(&partial, bytes)
        .await
        .map_err(|e| io_err(&partial, e))?;
    tokio::fs::rename(&partial, &path)
        .await
        .map_err(|e| io_err(&path, e))
}

/// One index.json read-modify-write at a time in this process: two exports into one layout
/// would otherwise each read the old index and the last rename would drop the other's entry
/// (and they would share the temporary file).
static INDEX_UPDATES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Adds (or replaces, by ref name) the entry for `root` in `dir/index.json`, atomically.
async fn update_index(
    dir: &Path,
    root: &RawManifest,
    ref_name: Option<&str>,
) -> Result<(), OciError> {
    let _one_at_a_time = INDEX_UPDATES.lock().await;
    let index_path = dir.join("index.json");
    let mut index: serde_json::Value = match tokio::fs::read(&index_path).await {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| OciError::InvalidSource {
            path: index_path.display().to_string(),
            reason: format!("existing index.json is not valid: {e}"),
        })?,
        Err(_) => {
            serde_json::json!({ "schemaVersion": 2, "mediaType": crate::manifest::media_types::OCI_INDEX, "manifests": [] })
        }
    };
    let mut entry = serde_json::json!({
        "mediaType": root.media_type,
        "digest": root.digest.as_str(),
        "size": root.bytes.len(),
    });
    if let Some(name) = ref_name {
        entry["annotations"] = serde_json::json!({ "org.opencontainers.image.ref.name": name });
    }
    let manifests = index["manifests"]
        .as_array_mut()
        .ok_or_else(|| OciError::InvalidSource {
            path: index_path.display().to_string(),
            reason: "index.json has no manifests array".to_owned(),
        })?;
    manifests.retain(|m| {
        let same_name = ref_name.is_some()
            && m["annotations"]["org.opencontainers.image.ref.name"].as_str() == ref_name;
        let same_unnamed = ref_name.is_none() && m["digest"].as_str() == Some(root.digest.as_str());
        !(same_name || same_unnamed)
    });
    manifests.push(entry);
    let layout = dir.join("oci-layout");
    if !layout.is_file() {
        tokio::fs::write(&layout, br#"{"imageLayoutVersion":"1.0.0"}"#)
            .await
            .map_err(|e| io_err(&layout, e))?;
    }
    // The last step, and the one that makes the image part of the layout: one rename.
    let tmp = dir.join(".index.json.tmp");
    let bytes = serde_json::to_vec(&index).expect("index serialises");
    tokio::fs::write(&tmp, bytes)
        .await
        .map_err(|e| io_err(&tmp, e))?;
    tokio::fs::rename(&tmp, &index_path)
        .await
        .map_err(|e| io_err(&index_path, e))
}

/// Pulls one image into a `docker save`-compatible archive at `path` (`docker load` and
/// `skopeo copy docker-archive:` read it). Layers stay compressed as the registry has them; both
/// loaders decompress them. The archive appears only when complete.
pub async fn pull_to_docker_archive(
    client: &RegistryClient,
    repository: &str,
    reference: &str,
    path: &Path,
    repo_tag: Option<&str>,
    options: &PullOptions,
) -> Result<PullReport, OciError> {
    let platform = options.platform.clone().or_else(|| Some(host_platform()));
    let resolved = resolve(client, repository, reference, platform.as_ref()).await?;
    let blobs = blobs_of(&resolved.images)?;
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let scratch = tempfile::Builder::new()
        .prefix(".lading-pull-")
        .tempdir_in(parent)
        .map_err(|e| io_err(parent, e))?;
    let blob_dir = scratch.path().join("blobs");
    tokio::fs::create_dir_all(&blob_dir)
        .await
        .map_err(|e| io_err(&blob_dir, e))?;
    let downloaded = download_all(client, repository, &blobs, &blob_dir, options).await?;

    let Manifest::Image(manifest) = resolved.root.parse()? else {
        return Err(OciError::InvalidManifest(
            "expected an image manifest".into(),
        ));
    };
    let config_digest: Digest = manifest.config().digest().to_string().parse()?;
    let layer_digests = manifest
        .layers()
        .iter()
        .map(|l| l.digest().to_string().parse::<Digest>())
        .collect::<Result<Vec<_>, _>>()?;
    let partial: PathBuf = scratch.path().join("archive.tar");
    let repo_tags: Vec<String> = repo_tag.map(str::to_owned).into_iter().collect();
    let (partial_for_thread, blob_dir_for_thread) = (partial.clone(), blob_dir.clone());
    tokio::task::spawn_blocking(move || {
        write_docker_tar(
            &partial_for_thread,
            &blob_dir_for_thread,
            &config_digest,
            &layer_digests,
            &repo_tags,
        )
    })
    .await
    .map_err(|e| OciError::Io(e.to_string()))??;
    tokio::fs::rename(&partial, path)
        .await
        .map_err(|e| io_err(path, e))?;
    Ok(PullReport {
        manifest_digest: resolved.root.digest.to_string(),
        media_type: resolved.root.media_type.clone(),
        platforms: resolved
            .images
            .iter()
            .filter_map(|(_, p)| p.clone())
            .collect(),
        blobs: blobs.len(),
        bytes_downloaded: downloaded,
        registry_digest: None,
    })
}

fn write_docker_tar(
    path: &Path,
    blob_dir: &Path,
    config: &Digest,
    layers: &[Digest],
    repo_tags: &[String],
) -> Result<(), OciError> {
    let file = std::fs::File::create(path).map_err(|e| io_err(path, e))?;
    let mut tar = tar::Builder::new(std::io::BufWriter::with_capacity(1 << 20, file));
    let mut add_file = |name: &str, source: &Path| -> Result<(), OciError> {
        let mut f = std::fs::File::open(source).map_err(|e| io_err(source, e))?;
        let len = f.metadata().map_err(|e| io_err(source, e))?.len();
        let mut header = tar::Header::new_ustar();
        header.set_size(len);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_cksum();
        tar.append_data(&mut header, name, &mut f)
            .map_err(|e| io_err(path, e))
    };
    let config_name = format!("{}.json", config.hex());
    add_file(&config_name, &blob_dir.join(config.hex()))?;
    let mut layer_names = Vec::new();
    for layer in layers {
        let name = format!("{}/layer.tar", layer.hex());
        add_file(&name, &blob_dir.join(layer.hex()))?;
        layer_names.push(name);
    }
    let manifest = serde_json::json!([{
        "Config": config_name,
        "RepoTags": repo_tags,
        "Layers": layer_names,
    }]);
    let manifest = serde_json::to_vec(&manifest).expect("manifest serialises");
    let mut header = tar::Header::new_ustar();
    header.set_size(manifest.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(0);
    header.set_cksum();
    tar.append_data(&mut header, "manifest.json", &manifest[..])
        .map_err(|e| io_err(path, e))?;
    let mut writer = tar.into_inner().map_err(|e| io_err(path, e))?;
    std::io::Write::flush(&mut writer).map_err(|e| io_err(path, e))
}

/// The platform an archive for this machine's docker would want.
pub fn host_platform() -> PlatformSpec {
    let architecture = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    };
    PlatformSpec {
        os: "linux".to_owned(),
        architecture: architecture.to_owned(),
        variant: None,
    }
}

fn io_err(path: &Path, e: std::io::Error) -> OciError {
    OciError::Io(format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(n: u8) -> RawManifest {
        let text = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","size":{n},"digest":"sha256:{}"}},"layers":[]}}"#,
            format!("{n:02x}").repeat(32)
        );
        RawManifest::new(
            text.into_bytes().into(),
            Some("application/vnd.oci.image.manifest.v1+json"),
        )
        .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_exports_into_one_layout_keep_every_entry() {
        let dir = tempfile::tempdir().unwrap();
        let manifests: Vec<RawManifest> = (1..=16).map(manifest).collect();
        let names: Vec<String> = (1..=16).map(|n| format!("v{n}")).collect();
        let writes = manifests
            .iter()
            .zip(&names)
            .map(|(m, name)| update_index(dir.path(), m, Some(name)));
        for result in futures_util::future::join_all(writes).await {
            result.unwrap();
        }
        let index: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("index.json")).unwrap()).unwrap();
        let mut found: Vec<&str> = index["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                m["annotations"]["org.opencontainers.image.ref.name"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        found.sort_by_key(|n| n[1..].parse::<u32>().unwrap());
        assert_eq!(found, names);
        assert!(!dir.path().join(".index.json.tmp").exists());
    }
}
