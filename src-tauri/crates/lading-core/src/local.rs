//! Image archives (`docker save`, OCI archives) and OCI layout folders opened in the window:
//! browsed straight from disk, with no network. Opened sources live until the app closes.
//! Sources remembered from the last run are listed at once and read only when asked for: a
//! compressed archive is decompressed (into the data folder) when the user opens it, not at
//! every start.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use lading_oci::layer_files::read_local_layer_until;
use lading_oci::source::{Source, SourceImage, SourceKind};

use crate::detail::{detail_from_manifest, fill_config, pretty};
use crate::error::{Code, Error, Result};
use crate::files::{not_an_image, wasted_event};
use crate::view::{FileView, ImageDetail, ImageFilesEvent, LayerEntry, LocalImageView, LocalView};

#[derive(Default)]
pub struct LocalSources {
    listed: Mutex<Vec<Entry>>,
    next: std::sync::atomic::AtomicU32,
    /// Where the opened paths are remembered across restarts (none in tests that don't ask).
    remember_in: Option<PathBuf>,
    /// Where compressed archives are decompressed; the system's temp folder when not given.
    scratch_dir: Option<PathBuf>,
}

/// A listed source: read, or remembered and not read yet.
struct Entry {
    id: String,
    path: PathBuf,
    /// Compressed as a whole (looked at once, when listed).
    compressed: bool,
    /// `None` while remembered from the last run and not read yet.
    source: Option<Source>,
}

/// The file, in Lading's config dir, listing the paths of the opened sources.
const REMEMBERED: &str = "local-sources.json";

impl Entry {
    fn new(id: String, path: PathBuf, source: Option<Source>) -> Self {
        Self {
            compressed: lading_oci::source::is_compressed(&path),
            id,
            path,
            source,
        }
    }

    fn view(&self) -> LocalView {
        let kind = self.source.as_ref().map(|s| match s.kind {
            SourceKind::DockerArchive => "docker-archive",
            SourceKind::OciArchive => "oci-archive",
            SourceKind::OciLayout => "oci-layout",
        });
        LocalView {
            id: self.id.clone(),
            path: self.path.display().to_string(),
            name: self
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| self.path.display().to_string()),
            kind: kind.unwrap_or_default().into(),
            images: self
                .source
                .iter()
                .flat_map(|s| {
                    s.images
                        .iter()
                        .enumerate()
                        .map(|(index, image)| image_view(index, image))
                })
                .collect(),
            opened: self.source.is_some(),
            compressed: self.compressed,
        }
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
    /// Sources remembered in `config_dir`, listed and not read: each is read when opened
    /// ([`Self::open`] with its path). Compressed archives are decompressed into `scratch_dir`.
    pub fn remembered(config_dir: &Path, scratch_dir: &Path) -> Self {
        let sources = Self {
            remember_in: Some(config_dir.join(REMEMBERED)),
            scratch_dir: Some(scratch_dir.to_owned()),
            ..Self::default()
        };
        let paths: Vec<PathBuf> = sources
            .remember_in
            .as_ref()
            .and_then(|file| std::fs::read(file).ok())
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        let entries = paths
            .into_iter()
            .map(|path| Entry::new(sources.next_id(), path, None))
            .collect();
        *sources.lock() = entries;
        sources
    }

    fn next_id(&self) -> String {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        format!("local:{n}")
    }

    /// Writes the listed paths beside the old list, then puts it in place: a crash mid-write
    /// leaves the old list whole.
    fn save(&self) {
        let Some(file) = &self.remember_in else {
            return;
        };
        let paths: Vec<String> = self
            .lock()
            .iter()
            .map(|e| e.path.display().to_string())
            .collect();
        let written = serde_json::to_vec_pretty(&paths)
            .map_err(std::io::Error::other)
            .and_then(|json| {
                let dir = file.parent().unwrap_or(Path::new("."));
                std::fs::create_dir_all(dir)?;
                let mut beside = tempfile::NamedTempFile::new_in(dir)?;
                std::io::Write::write_all(&mut beside, &json)?;
                beside.persist(file).map_err(|e| e.error)?;
                Ok(())
            });
        if let Err(e) = written {
            tracing::warn!(
                "cannot remember the opened images in {}: {e}",
                file.display()
            );
        }
    }

    /// Opens an archive or layout folder (reads its index; no layer is read yet) and remembers
    /// it for the next start. A source already listed is not opened twice: one remembered and
    /// not yet read is read now, under its id.
    pub fn open(&self, path: &str) -> Result<LocalView> {
        let given = path.trim();
        if given.is_empty() {
            return Err(Error::new(
                Code::InvalidSource,
                "give the path of an image archive or OCI layout folder",
            ));
        }
        // Absolute, so it is found again after a restart from another working directory.
        let path = std::fs::canonicalize(given).unwrap_or_else(|_| PathBuf::from(given));
        let listed = self
            .lock()
            .iter()
            .find(|e| e.path == path)
            .map(|e| (e.id.clone(), e.source.is_some().then(|| e.view())));
        if let Some((_, Some(shown))) = listed {
            return Ok(shown);
        }
        if !path.is_absolute() || !path.exists() {
            return Err(Error::new(
                Code::InvalidSource,
                format!("{given}: no such file or folder"),
            ));
        }
        let scratch = self.scratch_dir.clone().unwrap_or_else(std::env::temp_dir);
        let source = Source::open(&path, &scratch)?;
        if source.images.is_empty() {
            return Err(Error::new(
                Code::InvalidSource,
                format!("{} holds no images", path.display()),
            ));
        }
        let mut all = self.lock();
        let shown = match listed {
            Some((id, _)) => {
                let entry = all
                    .iter_mut()
                    .find(|e| e.id == id)
                    .ok_or_else(|| unknown(&id))?;
                entry.source.get_or_insert(source);
                entry.view()
            }
            None => {
                let entry = Entry::new(self.next_id(), path, Some(source));
                let shown = entry.view();
                all.push(entry);
                shown
            }
        };
        drop(all);
        self.save();
        Ok(shown)
    }

    pub fn list(&self) -> Vec<LocalView> {
        self.lock().iter().map(Entry::view).collect()
    }

    pub fn close(&self, id: &str) -> Result<()> {
        let mut listed = self.lock();
        let at = listed
            .iter()
            .position(|e| e.id == id)
            .ok_or_else(|| unknown(id))?;
        listed.remove(at);
        drop(listed);
        self.save();
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Entry>> {
        self.listed.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn with_image<T>(
        &self,
        id: &str,
        image: u32,
        f: impl FnOnce(&SourceImage) -> Result<T>,
    ) -> Result<T> {
        let listed = self.lock();
        let entry = listed
            .iter()
            .find(|e| e.id == id)
            .ok_or_else(|| unknown(id))?;
        let Some(source) = &entry.source else {
            return Err(Error::new(
                Code::InvalidSource,
                format!("{} is not open yet", entry.path.display()),
            ));
        };
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
    /// Reads each layer's files in turn (blocking: the caller keeps it off the async threads),
    /// stopping at the next read once `stop` says so.
    pub fn files(
        &self,
        id: &str,
        image: u32,
        digest: Option<&str>,
        emit: &(dyn Fn(ImageFilesEvent) + Sync),
        stop: lading_oci::layer_files::Stop,
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
            let entries = read_local_layer_until(range, stop.clone())?;
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
