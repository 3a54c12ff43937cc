//! Push, export and copy: what the window asks for and the progress it is sent.

use serde::Serialize;
use ts_rs::TS;

/// What to push: an image of an opened local source, to a registry's repository.
#[derive(Debug, Clone, serde::Deserialize, TS)]
pub struct PushRequest {
    pub source_id: String,
    pub image: u32,
    pub registry_id: String,
    pub repository: String,
    /// Tags to apply; none pushes by digest only.
    pub tags: Vec<String>,
    /// `gzip` (default elsewhere) or `zstd`, for layers that are not compressed yet.
    pub compression: String,
    /// ECR: create the repository first if it does not exist.
    pub create_repository: bool,
}

/// One blob's latest progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BlobProgress {
    /// Layers first, then the config.
    pub blob: u32,
    /// `checking`, `exists`, `mounted`, `uploading`, `downloading` or `done`.
    pub state: String,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

impl From<lading_oci::push::ProgressEvent> for BlobProgress {
    fn from(e: lading_oci::push::ProgressEvent) -> Self {
        use lading_oci::push::BlobState;
        Self {
            blob: e.blob as u32,
            state: match e.state {
                BlobState::Checking => "checking",
                BlobState::Exists => "exists",
                BlobState::Mounted => "mounted",
                BlobState::Uploading => "uploading",
                BlobState::Downloading => "downloading",
                BlobState::Done => "done",
            }
            .into(),
            done: e.done,
            total: e.total,
        }
    }
}

/// One message of a transfer (push, export, copy): its id, throttled progress (≤ 20/s), the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TransferEvent {
    /// The id `cancel_transfer` takes.
    Started {
        transfer_id: String,
    },
    Progress {
        blobs: Vec<BlobProgress>,
    },
    Finished {
        manifest_digest: String,
        tags: Vec<String>,
        /// Bytes sent (push, copy) or received (export).
        #[ts(type = "number")]
        bytes: u64,
        /// An export whose manifests were given OCI media types: the registry's digest, for
        /// `manifest_digest` is then the layout's.
        registry_digest: Option<String>,
        /// Attached manifests (signatures, SBOMs, attestations) carried along.
        referrers: u32,
    },
}

/// Export an image (or one platform of an index) to a file or folder.
#[derive(Debug, Clone, serde::Deserialize, TS)]
pub struct ExportRequest {
    pub registry_id: String,
    pub repository: String,
    /// A tag or digest.
    pub reference: String,
    /// `docker-archive` (a `docker load`-able .tar; one platform) or `oci-layout` (a folder).
    pub format: String,
    pub path: String,
    /// `os/arch[/variant]` for an index; a docker archive defaults to this machine's.
    pub platform: Option<String>,
    /// An OCI layout keeps the registry's manifests byte for byte (Docker media types too);
    /// otherwise Docker manifests are given OCI media types and new digests.
    #[serde(default)]
    pub preserve_digests: bool,
    /// An OCI layout also gets what is attached to the image (signatures, SBOMs, attestations).
    #[serde(default)]
    pub referrers: bool,
}

/// Where an export would go (`check_destination`), for the sheet to show before it is queued.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, TS)]
pub struct DestinationView {
    /// The full path it would write (a relative one is under the home folder).
    pub path: String,
    /// A file is there, and would be replaced (after the native yes).
    pub replaces: bool,
    /// Why it cannot go there, in words for the field.
    pub problem: Option<String>,
}

/// Copy an image to another repository, registry, region or account.
#[derive(Debug, Clone, serde::Deserialize, TS)]
pub struct CopyRequest {
    pub registry_id: String,
    pub repository: String,
    pub reference: String,
    pub target_registry_id: String,
    pub target_repository: String,
    pub tags: Vec<String>,
    /// ECR target: create the repository first if it does not exist.
    pub create_repository: bool,
    /// Take what is attached to the image along: signatures, SBOMs, attestations.
    pub referrers: bool,
}
