//! Every type that crosses the IPC boundary. The TypeScript in `ui/src/ipc/bindings.ts` is
//! generated from these (ts-rs) and a test fails when the committed file is stale.

use serde::Serialize;
use ts_rs::TS;

/// Every command error reaches the UI as `{code, message}`: a stable code to branch on and a
/// sentence for people. Engine errors are mapped here, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct IpcError {
    pub code: String,
    pub message: String,
}

impl IpcError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
}

impl From<lading_oci::OciError> for IpcError {
    fn from(e: lading_oci::OciError) -> Self {
        Self::new(e.code(), e.to_string())
    }
}

impl From<lading_ecr::EcrError> for IpcError {
    fn from(e: lading_ecr::EcrError) -> Self {
        Self::new(e.code(), e.to_string())
    }
}

impl From<lading_secrets::SecretsError> for IpcError {
    fn from(e: lading_secrets::SecretsError) -> Self {
        Self::new(e.code(), e.to_string())
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub os: String,
    pub arch: String,
}

/// The TypeScript declarations for every IPC type, in a stable order.
pub fn typescript_bindings() -> String {
    let cfg = ts_rs::Config::default();
    let decls = [
        IpcError::decl(&cfg),
        AppInfo::decl(&cfg),
        RegistryView::decl(&cfg),
        RegistryList::decl(&cfg),
        ConnectionStatus::decl(&cfg),
        OciAuthInput::decl(&cfg),
        AddOciRegistry::decl(&cfg),
        AddEcrRegistry::decl(&cfg),
        AwsProfile::decl(&cfg),
        RepositoryView::decl(&cfg),
        RepositorySettings::decl(&cfg),
        LocalView::decl(&cfg),
        LocalImageView::decl(&cfg),
        PushRequest::decl(&cfg),
        BlobProgress::decl(&cfg),
        TransferEvent::decl(&cfg),
        ExportRequest::decl(&cfg),
        CopyRequest::decl(&cfg),
        ImageRow::decl(&cfg),
        ImageListEvent::decl(&cfg),
        FileView::decl(&cfg),
        WastedView::decl(&cfg),
        ImageFilesEvent::decl(&cfg),
        PlatformEntry::decl(&cfg),
        LayerEntry::decl(&cfg),
        HistoryEntry::decl(&cfg),
        ScanView::decl(&cfg),
        FindingView::decl(&cfg),
        ImageDetail::decl(&cfg),
        DeleteFailure::decl(&cfg),
        DeleteResult::decl(&cfg),
        PolicyIssueView::decl(&cfg),
        LifecycleVerdict::decl(&cfg),
        LifecycleDryRun::decl(&cfg),
        ServerPreview::decl(&cfg),
        PolicyLint::decl(&cfg),
        PolicyCheck::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from src-tauri/src/ipc.rs by `./dev bindings`. Do not edit by hand.\n",
    );
    for decl in decls {
        out.push('\n');
        out.push_str("export ");
        out.push_str(&decl);
        out.push('\n');
    }
    out
}

/// A registry as the sidebar shows it. Never carries a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RegistryView {
    pub id: String,
    pub name: String,
    /// `oci` or `ecr`.
    pub kind: String,
    /// `host[:port]` for OCI registries, the registry host for ECR once known.
    pub address: Option<String>,
    /// `anonymous`, `keychain`, `docker_login` (OCI) or `aws` (ECR).
    pub auth: String,
    pub username: Option<String>,
    pub insecure: bool,
    /// Whether a custom CA is trusted for this registry.
    pub custom_ca: bool,
    pub profile: Option<String>,
    pub region: Option<String>,
    pub account: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RegistryList {
    pub registries: Vec<RegistryView>,
    /// Hosts with a docker login that are not in the list yet (offered as one-click adds).
    pub docker_logins: Vec<String>,
    /// Said once, e.g. when an unreadable settings file was moved aside.
    pub notice: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ConnectionStatus {
    /// `connected`, `auth_needed`, `unreachable` or `error`.
    pub state: String,
    pub reason: Option<String>,
    /// What the UI can offer to fix it: `sso_login` (run `aws sso login` for the profile).
    pub action: Option<String>,
}

/// How to sign in to an OCI registry being added. The password travels UI → backend once and
/// goes straight into the keychain.
#[derive(Debug, Clone, serde::Deserialize, TS)]
pub struct OciAuthInput {
    /// `anonymous`, `password` or `docker_login`.
    pub mode: String,
    pub username: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Clone, serde::Deserialize, TS)]
pub struct AddOciRegistry {
    pub address: String,
    pub auth: OciAuthInput,
    pub insecure: bool,
    /// Path of a PEM file with the registry's own CA (read by the backend, never by the page).
    pub ca_file: Option<String>,
}

#[derive(Debug, Clone, serde::Deserialize, TS)]
pub struct AddEcrRegistry {
    pub profile: Option<String>,
    pub region: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AwsProfile {
    pub name: String,
    pub kind: String,
    pub region: Option<String>,
}

impl From<lading_config::ConfigError> for IpcError {
    fn from(e: lading_config::ConfigError) -> Self {
        Self::new(e.code(), e.to_string())
    }
}

/// One repository of a registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RepositoryView {
    /// Full path, e.g. `team-a/web-app`.
    pub name: String,
    /// Where the registry says (ECR): `<account>.dkr.ecr.<region>.amazonaws.com/<name>`.
    pub uri: Option<String>,
}

/// An ECR repository's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RepositorySettings {
    pub name: String,
    pub uri: String,
    #[ts(type = "number | null")]
    pub created_at: Option<i64>,
    /// `MUTABLE`, `IMMUTABLE`, `MUTABLE_WITH_EXCLUSION` or `IMMUTABLE_WITH_EXCLUSION`.
    pub tag_mutability: String,
    /// Tag filters exempt from the mutability setting (`latest`, `dev-*`).
    pub mutability_exclusions: Vec<String>,
    pub scan_on_push: bool,
    /// `AES256` or `KMS` (fixed at creation).
    pub encryption: String,
    pub kms_key: Option<String>,
}

/// An image archive or OCI layout folder opened in the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LocalView {
    pub id: String,
    pub path: String,
    /// The file or folder name.
    pub name: String,
    /// `docker-archive`, `oci-archive` or `oci-layout`.
    pub kind: String,
    pub images: Vec<LocalImageView>,
}

/// One image of a local source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LocalImageView {
    pub index: u32,
    /// RepoTags of a docker archive, the ref name in an OCI layout.
    pub names: Vec<String>,
    /// `image` or `index`.
    pub kind: String,
    /// `os/arch` where the archive says.
    pub platform: String,
    pub layers: u32,
    /// Bytes as stored (an index: 0, see its platforms).
    #[ts(type = "number")]
    pub size: u64,
    /// The config digest (docker archives have no manifest yet) or the manifest digest.
    pub digest: String,
}

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
}

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
    /// Seconds since the epoch, where the registry says (ECR).
    #[ts(type = "number | null")]
    pub pushed_at: Option<i64>,
    #[ts(type = "number | null")]
    pub last_pulled_at: Option<i64>,
    pub scan_status: Option<String>,
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
    /// The listing is complete.
    Done {
        images: u32,
        failed: u32,
        /// Served from the listing kept since the last refresh, without asking the registry.
        cached: bool,
        elapsed_ms: u32,
    },
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
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
    pub scan: Option<ScanView>,
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
pub struct ScanView {
    /// Most severe first, as ECR lists them.
    pub findings: Vec<FindingView>,
    /// No scan yet, or it failed: ECR's reason.
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FindingView {
    pub name: String,
    pub severity: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DeleteFailure {
    /// The digest or tag that stayed.
    pub reference: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DeleteResult {
    /// The digests (images deleted) or tags (removed, images kept) that went.
    pub deleted: Vec<String>,
    pub failures: Vec<DeleteFailure>,
}

/// A problem in a policy, at a field (`rules[1].selection.countNumber`) or a JSON position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PolicyIssueView {
    pub path: String,
    pub message: String,
}

impl From<lading_ecr::lifecycle::PolicyIssue> for PolicyIssueView {
    fn from(i: lading_ecr::lifecycle::PolicyIssue) -> Self {
        Self {
            path: i.path,
            message: i.message,
        }
    }
}

/// What a lifecycle policy would do to one image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LifecycleVerdict {
    pub digest: String,
    pub tags: Vec<String>,
    #[ts(type = "number | null")]
    pub size: Option<i64>,
    #[ts(type = "number | null")]
    pub pushed_at: Option<i64>,
    #[ts(type = "number | null")]
    pub last_pulled_at: Option<i64>,
    /// `expire`, `transition` or `keep`.
    pub action: String,
    /// The rule that acts on the image, or (kept) the highest-priority rule that selected it and
    /// so protects it from lower ones; none when no rule selected it.
    #[ts(type = "number | null")]
    pub rule_priority: Option<i64>,
}

/// The local dry run of a lifecycle policy on the repository's current images.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LifecycleDryRun {
    /// Every problem in the text; when there are any, nothing was evaluated.
    pub issues: Vec<PolicyIssueView>,
    pub verdicts: Vec<LifecycleVerdict>,
    pub expiring: u32,
    pub transitioning: u32,
    pub kept: u32,
    /// The sizes of the images that expire, as ECR reports them.
    #[ts(type = "number")]
    pub bytes_reclaimed: i64,
    /// Plain-words warnings: a protected tag that would go, the image of a kept index that would go.
    pub warnings: Vec<String>,
    /// When the images were read from ECR and the moment they were judged at (seconds since the epoch).
    #[ts(type = "number")]
    pub images_read_at: i64,
    #[ts(type = "number")]
    pub now: i64,
}

/// ECR's own preview (StartLifecyclePolicyPreview) next to ours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ServerPreview {
    /// False where the endpoint has no preview (moto); `message` says why.
    pub available: bool,
    pub message: String,
    /// Digests ECR would act on.
    pub acting: Vec<String>,
    /// Digests on which ECR's answer and ours differ.
    pub disagreements: Vec<String>,
}

/// A risk in a repository policy, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PolicyLint {
    /// The statement concerned (its index in the document).
    pub statement: Option<u32>,
    /// `danger` (public access, locking yourself out: saving asks again) or `warning`.
    pub severity: String,
    pub message: String,
}

/// What is wrong with a repository policy text (`issues`: ECR would refuse it) and what is risky.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PolicyCheck {
    pub issues: Vec<PolicyIssueView>,
    pub lints: Vec<PolicyLint>,
}
