//! Image archives (`docker save`, OCI archives) and OCI layout folders opened in the window:
//! browsed straight from disk, with no network. Opened sources live until the app closes.

use std::sync::Mutex;

use lading_oci::layer_files::read_local_layer;
use lading_oci::source::{Source, SourceImage, SourceKind};

use crate::detail::{detail_from_manifest, fill_config, pretty};
use crate::error::{Code, Error, Result};
use crate::files::{not_an_image, wasted_event};
use crate::view::{FileView, ImageDetail, ImageFilesEvent, LayerEntry, LocalImageView, LocalView};

#[derive(Default)]
pub struct LocalSources {
    opened: Mutex<Vec<(String, Source)>>,
    next: std::sync::atomic::AtomicU32,
    /// Where the opened paths are remembered across restarts (none in tests that don't ask).
    remember_in: Option<std::path::PathBuf>,
}

/// The file, in Lading's config dir, listing the paths of the opened sources.
const REMEMBERED: &str = "local-sources.json";

fn view(id: &str, source: &Source) -> LocalView {
    LocalView {
        id: id.to_owned(),
        path: source.path.display().to_string(),
        name: source
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| source.path.display().to_string()),
        kind: match source.kind {
            SourceKind::DockerArchive => "docker-archive",
            SourceKind::OciArchive => "oci-archive",
            SourceKind::OciLayout => "oci-layout",
        }
        .into(),
        images: source
            .images
            .iter()
            .enumerate()
            .map(|(index, image)| image_view(index, image))
            .collect(),
    }
}

fn image_view(index: usize, image: &SourceImage) -> LocalImageView {
    // What differs between an archive's image and a layout's: (kind, platform, layers, size, digest).
    let (kind, platform, layers, size, digest) = match image {
        SourceImage::Archive(a) => (
            "image",
            a.platform.clone(),
            a.layers.len() as u32,
            a.total_size(),
            a.config_digest().to_string(),
        ),
        SourceImage::Layout(l) => {
            let (kind, layers, size) = match l.root.parse() {
                Ok(lading_oci::Manifest::Image(m)) => (
                    "image",
                    m.layers().len() as u32,
                    m.config().size() + m.layers().iter().map(|l| l.size()).sum::<u64>(),
                ),
                Ok(lading_oci::Manifest::Index(i)) => ("index", i.manifests().len() as u32, 0),
                Err(_) => ("unknown", 0, 0),
            };
            (kind, String::new(), layers, size, l.root.digest.to_string())
        }
    };
    let target = image.push_target();
    LocalImageView {
        index: index as u32,
        names: image.names(),
        kind: kind.into(),
        platform,
        layers,
        size,
        digest,
        target_repository: target.repository,
        target_tags: target.tags,
    }
}

fn unknown(id: &str) -> Error {
    Error::new(Code::UnknownSource, format!("no opened image source {id}"))
}

impl LocalSources {
    /// Sources remembered in `config_dir`, opened again; one that no longer opens (moved,
    /// deleted) is left out with a warning in the log.
    pub fn remembered(config_dir: &std::path::Path) -> Self {
        let sources = Self {
            remember_in: Some(config_dir.join(REMEMBERED)),
            ..Self::default()
        };
        let paths: Vec<String> = sources
            .remember_in
            .as_ref()
            .and_then(|file| std::fs::read(file).ok())
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        for path in paths {
            if let Err(e) = sources.open_quietly(&path) {
                tracing::warn!("not reopening {path}: {}", e.message);
            }
        }
        sources
    }

    fn save(&self) {
        let Some(file) = &self.remember_in else {
            return;
        };
        let paths: Vec<String> = self
            .lock()
            .iter()
            .map(|(_, s)| s.path.display().to_string())
            .collect();
        let written = serde_json::to_vec_pretty(&paths)
            .map_err(std::io::Error::other)
            .and_then(|json| {
                if let Some(dir) = file.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(file, json)
            });
        if let Err(e) = written {
            tracing::warn!(
                "cannot remember the opened images in {}: {e}",
                file.display()
            );
        }
    }

    /// Opens an archive or layout folder and remembers it for the next start.
    pub fn open(&self, path: &str) -> Result<LocalView> {
        let view = self.open_quietly(path)?;
        self.save();
        Ok(view)
    }

    /// Opens an archive or layout folder (reads its index; no layer is read yet).
    fn open_quietly(&self, path: &str) -> Result<LocalView> {
        let path = path.trim();
        if path.is_empty() {
            return Err(Error::new(
                Code::InvalidSource,
                "give the path of an image archive or OCI layout folder",
            ));
        }
        // Absolute, so it is found again after a restart from another working directory.
        let path = std::fs::canonicalize(path)
            .map_err(|e| Error::new(Code::InvalidSource, format!("{path}: {e}")))?;
        let source = Source::open(&path, &std::env::temp_dir())?;
        if source.images.is_empty() {
            return Err(Error::new(
                Code::InvalidSource,
                format!("{} holds no images", path.display()),
            ));
        }
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let id = format!("local:{n}");
        let shown = view(&id, &source);
        self.lock().push((id, source));
        Ok(shown)
    }

    pub fn list(&self) -> Vec<LocalView> {
        self.lock().iter().map(|(id, s)| view(id, s)).collect()
    }

    pub fn close(&self, id: &str) -> Result<()> {
        let mut opened = self.lock();
        let at = opened
            .iter()
            .position(|(i, _)| i == id)
            .ok_or_else(|| unknown(id))?;
        opened.remove(at);
        drop(opened);
        self.save();
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(String, Source)>> {
        self.opened.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn with_image<T>(
        &self,
        id: &str,
        image: u32,
        f: impl FnOnce(&SourceImage) -> Result<T>,
    ) -> Result<T> {
        let opened = self.lock();
        let (_, source) = opened
            .iter()
            .find(|(i, _)| i == id)
            .ok_or_else(|| unknown(id))?;
        let image = source
            .images
            .get(image as usize)
            .ok_or_else(|| Error::new(Code::UnknownImage, format!("{id} has no image {image}")))?;
        f(image)
    }

    /// A copy of an image of an opened source, to push it (the source may be closed meanwhile).
    pub fn image(&self, id: &str, image: u32) -> Result<SourceImage> {
        self.with_image(id, image, |image| Ok(image.clone()))
    }

    /// An image of an opened source; for a layout index, `digest` opens one of its platforms.
    pub fn detail(&self, id: &str, image: u32, digest: Option<&str>) -> Result<ImageDetail> {
        self.with_image(id, image, |image| match image {
            SourceImage::Archive(a) => {
                let mut detail = ImageDetail::new(
                    a.config_digest().to_string(),
                    "docker save archive: the registry manifest is made on push".into(),
                    String::new(),
                );
                detail.layers = a
                    .layers
                    .iter()
                    .map(|l| LayerEntry {
                        digest: l.diff_id.to_string(),
                        size: l.range.len,
                        media_type: match l.compression {
                            lading_oci::source::Compression::None => "tar",
                            lading_oci::source::Compression::Gzip => "tar+gzip",
                            lading_oci::source::Compression::Zstd => "tar+zstd",
                        }
                        .into(),
                    })
                    .collect();
                detail.config_json = Some(pretty(&a.config));
                fill_config(&mut detail, &a.config);
                Ok(detail)
            }
            SourceImage::Layout(l) => {
                let manifest = layout_manifest(l, digest)?;
                let (mut detail, config) = detail_from_manifest(&manifest, None)?;
                if let Some(config) = config {
                    let bytes = l.blobs.read_small(&config)?;
                    detail.config_json = Some(pretty(&bytes));
                    fill_config(&mut detail, &bytes);
                }
                Ok(detail)
            }
        })
    }

    /// The files of each layer of an image, read from disk, then the wasted bytes.
    pub fn files(
        &self,
        id: &str,
        image: u32,
        digest: Option<&str>,
        emit: &(dyn Fn(ImageFilesEvent) + Sync),
    ) -> Result<()> {
        let ranges: Vec<(String, lading_oci::source::FileRange)> =
            self.with_image(id, image, |image| match image {
                SourceImage::Archive(a) => Ok(a
                    .layers
                    .iter()
                    .map(|l| (l.diff_id.to_string(), l.range.clone()))
                    .collect()),
                SourceImage::Layout(l) => {
                    let detail = self.detail_layers(l, digest)?;
                    detail
                        .into_iter()
                        .map(|d| {
                            let parsed: lading_oci::Digest = d.parse()?;
                            let range = l.blobs.locate(&parsed).ok_or_else(|| {
                                Error::new(Code::InvalidSource, format!("layer {d} is missing"))
                            })?;
                            Ok((d, range))
                        })
                        .collect()
                }
            })?;
        emit(ImageFilesEvent::Started {
            layers: ranges.len() as u32,
        });
        let mut layers = Vec::new();
        for (index, (digest, range)) in ranges.iter().enumerate() {
            let entries = read_local_layer(range)?;
            emit(ImageFilesEvent::Layer {
                index: index as u32,
                digest: digest.clone(),
                files: entries.iter().map(FileView::from).collect(),
            });
            layers.push(entries);
        }
        emit(wasted_event(&layers));
        Ok(())
    }

    fn detail_layers(
        &self,
        layout: &lading_oci::source::LayoutImage,
        digest: Option<&str>,
    ) -> Result<Vec<String>> {
        let manifest = layout_manifest(layout, digest)?;
        let (detail, _) = detail_from_manifest(&manifest, None)?;
        if detail.kind == "index" {
            return Err(not_an_image());
        }
        Ok(detail.layers.into_iter().map(|l| l.digest).collect())
    }
}

/// The layout's own manifest, or (for an index) the platform manifest `digest` names.
fn layout_manifest(
    layout: &lading_oci::source::LayoutImage,
    digest: Option<&str>,
) -> Result<lading_oci::RawManifest> {
    Ok(match digest {
        Some(d) if d != layout.root.digest.as_str() => {
            let d: lading_oci::Digest = d.parse()?;
            lading_oci::RawManifest::new(layout.blobs.read_small(&d)?, None)?
        }
        _ => layout.root.clone(),
    })
}
