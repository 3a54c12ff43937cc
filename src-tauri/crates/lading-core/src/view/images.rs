//! Images of a repository: listing rows, detail, layer files, deletes.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One image (digest) of a repository, with every tag that points to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImageRow {
    pub digest: String,
    pub tags: Vec<String>,
    /// `image`, `index` or `artifact`.
    pub kind: String,
    pub media_type: String,
    /// Compressed size: config and layers (an index: unknown until opened).
    #[ts(type = "number | null")]
    pub size: Option<u64>,
    /// `os/arch` of an index's images.
    pub platforms: Vec<String>,
    /// For an index: the digests of its images (deleting one of them breaks the index).
    pub children: Vec<String>,
    /// Each child's platform ("linux/arm64/v8", "attestation of linux/amd64"), in `children`'s order.
    pub child_labels: Vec<String>,
    /// Seconds since the epoch, where the registry says (ECR).
    #[ts(type = "number | null")]
    pub pushed_at: Option<i64>,
    #[ts(type = "number | null")]
    pub last_pulled_at: Option<i64>,
    pub scan_status: Option<String>,
    /// ECR: findings per severity from the last scan (empty elsewhere, or none found).
    pub scan_counts: std::collections::BTreeMap<String, i32>,
    /// An artifact attached to an image (a signature, an SBOM…): the image's digest.
    pub subject: Option<String>,
    /// An image's config digest (what `docker images` calls the image ID); for reading its
    /// created time without asking for the manifest again (`row_details`).
    pub config: Option<String>,
}

/// What a row asks for beyond its manifest (`row_details`): its digest, and for an image the
/// config digest its row carries.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct RowDetailRequest {
    pub digest: String,
    pub config: Option<String>,
}

/// What a row shows beyond its manifest, read for the rows in view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RowDetail {
    pub digest: String,
    /// Seconds since the epoch, from the image config's `created` (an index: its newest
    /// platform's); none where the config says nothing or could not be read.
    #[ts(type = "number | null")]
    pub created: Option<i64>,
    /// An index: each platform's size (config and layers, compressed), attestations left out.
    /// Empty for an image, and for an index where reading its images would count as pulls.
    pub platform_sizes: Vec<PlatformSize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PlatformSize {
    pub platform: String,
    #[ts(type = "number | null")]
    pub size: Option<u64>,
}

/// One message of an image listing streamed to the UI (`stream_images`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ImageListEvent {
    /// Every tag of the repository, before their manifests are read (registries that only list
    /// tags): each shows as a row at once and is filled in as `rows` arrive.
    Tags { tags: Vec<String> },
    /// Images read: each replaces the waiting rows of its tags and merges with any row of the
    /// same digest (tags added).
    Rows { rows: Vec<ImageRow> },
    /// A tag whose manifest could not be read (deleted meanwhile, or not a manifest we know).
    TagFailed { tag: String, message: String },
    /// Every row in view is read; the other `unread` tags wait for the user to scroll to them
    /// or ask for all (`read_all_images`): the registry counts each manifest read as a pull.
    Paused { unread: u32 },
    /// The registry's pull limit, as it last reported it.
    RateLimit {
        #[ts(type = "number")]
        limit: u64,
        #[ts(type = "number")]
        remaining: u64,
        #[ts(type = "number | null")]
        window_seconds: Option<u64>,
    },
    /// The listing is complete.
    Done {
        images: u32,
        failed: u32,
        /// Served from the listing kept since the last refresh, without asking the registry.
        cached: bool,
        elapsed_ms: u32,
    },
}

/// A manifest attached to an image: a signature, an SBOM, an attestation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReferrerView {
    pub digest: String,
    pub media_type: String,
    /// What it is (an SPDX or in-toto type…; for a cosign tag, cosign's name for it).
    pub artifact_type: Option<String>,
    #[ts(type = "number")]
    pub size: u64,
    pub annotations: std::collections::BTreeMap<String, String>,
    /// Where it was found: `referrers API`, `referrers tag schema`, or `tag <name>` (cosign).
    pub found: String,
}

impl From<lading_oci::referrers::Referrer> for ReferrerView {
    fn from(r: lading_oci::referrers::Referrer) -> Self {
        use lading_oci::referrers::Found;
        Self {
            found: match &r.found {
                Found::Api => "referrers API".to_owned(),
                Found::TagSchema => "referrers tag schema".to_owned(),
                Found::CosignTag(tag) => format!("tag {tag}"),
            },
            digest: r.digest,
            media_type: r.media_type,
            artifact_type: r.artifact_type,
            size: r.size,
            annotations: r.annotations,
        }
    }
}

/// One entry of a layer's tar, as the Files tab shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FileView {
    /// For `whiteout` and `opaque`: the path deleted or hidden from the layers below.
    pub path: String,
    #[ts(type = "number")]
    pub size: u64,
    pub mode: u32,
    /// `file`, `dir`, `symlink`, `hardlink`, `whiteout`, `opaque` or `other`.
    pub kind: String,
    pub target: Option<String>,
}

impl From<&lading_oci::layer_files::FileEntry> for FileView {
    fn from(e: &lading_oci::layer_files::FileEntry) -> Self {
        use lading_oci::layer_files::EntryKind;
        Self {
            path: e.path.clone(),
            size: e.size,
            mode: e.mode,
            kind: match e.kind {
                EntryKind::File => "file",
                EntryKind::Dir => "dir",
                EntryKind::Symlink => "symlink",
                EntryKind::Hardlink => "hardlink",
                EntryKind::Whiteout => "whiteout",
                EntryKind::Opaque => "opaque",
                EntryKind::Other => "other",
            }
            .into(),
            target: e.target.clone(),
        }
    }
}

impl From<lading_oci::layer_files::WastedFile> for WastedView {
    fn from(w: lading_oci::layer_files::WastedFile) -> Self {
        Self {
            path: w.path,
            size: w.size,
            layer: w.layer as u32,
            hidden_by: w.hidden_by as u32,
            deleted: w.deleted,
        }
    }
}

/// A file whose bytes ship in a layer but are hidden by a later one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct WastedView {
    pub path: String,
    #[ts(type = "number")]
    pub size: u64,
    pub layer: u32,
    pub hidden_by: u32,
    pub deleted: bool,
}

/// One message of `image_files`, streamed as each layer is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ImageFilesEvent {
    /// How many layers there are, before the first is read.
    Started { layers: u32 },
    /// A layer's entries, in tar order.
    Layer {
        index: u32,
        digest: String,
        files: Vec<FileView>,
    },
    /// Every layer read: what later layers hide, largest first.
    Done {
        #[ts(type = "number")]
        wasted_bytes: u64,
        wasted: Vec<WastedView>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PlatformEntry {
    pub platform: String,
    pub digest: String,
    #[ts(type = "number")]
    pub manifest_size: u64,
    /// What this platform's image takes: its config and layers, compressed (unknown where its
    /// manifest could not be read).
    #[ts(type = "number | null")]
    pub size: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LayerEntry {
    pub digest: String,
    #[ts(type = "number")]
    pub size: u64,
    pub media_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct HistoryEntry {
    pub created_by: String,
    pub created: Option<String>,
    /// A step that changed no files (ENV, CMD, …): it has no layer.
    pub empty_layer: bool,
}

/// What the detail pane shows for one manifest.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ImageDetail {
    pub digest: String,
    pub media_type: String,
    /// `image`, `index` or `artifact`.
    pub kind: String,
    /// For an index: its images.
    pub platforms: Vec<PlatformEntry>,
    pub layers: Vec<LayerEntry>,
    pub history: Vec<HistoryEntry>,
    pub os: Option<String>,
    pub architecture: Option<String>,
    pub created: Option<String>,
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    pub env: Vec<String>,
    pub labels: Vec<(String, String)>,
    pub working_dir: Option<String>,
    pub user: Option<String>,
    pub exposed_ports: Vec<String>,
    /// The manifest and config, pretty-printed for reading (the stored bytes are untouched).
    pub manifest_json: String,
    pub config_json: Option<String>,
    /// Why the config could not be read (ECR's registry endpoint unreachable); the rest stands.
    pub config_error: Option<String>,
    /// ECR: the findings of the image's last scan.
    pub scan: Option<super::ScanView>,
}

impl ImageDetail {
    /// Only what is known before the manifest is read.
    pub fn new(digest: String, media_type: String, manifest_json: String) -> Self {
        Self {
            digest,
            media_type,
            kind: "image".into(),
            platforms: Vec::new(),
            layers: Vec::new(),
            history: Vec::new(),
            os: None,
            architecture: None,
            created: None,
            entrypoint: Vec::new(),
            cmd: Vec::new(),
            env: Vec::new(),
            labels: Vec::new(),
            working_dir: None,
            user: None,
            exposed_ports: Vec::new(),
            manifest_json,
            config_json: None,
            config_error: None,
            scan: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DeleteFailure {
    /// The digest or tag that stayed.
    pub reference: String,
    pub reason: String,
    /// Why, as an error code (`untag_unsupported`: the registry cannot remove a tag on its own;
    /// `ecr_error` for what ECR refused).
    pub code: crate::error::Code,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DeleteResult {
    /// The digests (images deleted) or tags (removed, images kept) that went.
    pub deleted: Vec<String>,
    pub failures: Vec<DeleteFailure>,
}
