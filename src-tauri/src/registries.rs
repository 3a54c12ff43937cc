//! The registries the user works with: adding (checked before saved; passwords straight into the
//! keychain), listing with docker logins on offer, checking connections, removing. Plain async
//! functions over [`AppState`], so they are tested without a window; the Tauri commands only
//! forward to them.

use std::sync::Arc;

use lading_config::{ConfigStore, OciAuth, RegistryEntry, RegistryKind};
use lading_oci::credentials::{CredentialProvider, DockerConfig, KeychainLogins};
use lading_oci::{ClientOptions, Credentials, OciError, RegistryClient};
use lading_secrets::Secret;
use tokio::sync::Mutex;

use crate::ipc::{
    AddEcrRegistry, AddOciRegistry, AwsProfile, ConnectionStatus, ImageListEvent, ImageRow,
    IpcError, RegistryList, RegistryView,
};

pub struct AppState {
    pub config: Mutex<ConfigStore>,
    pub docker: Option<DockerConfig>,
    pub listings: ListingCache,
    notice: std::sync::Mutex<Option<String>>,
}

impl AppState {
    pub fn new(config: ConfigStore, docker: Option<DockerConfig>) -> Self {
        let notice = config.recovered_from.as_ref().map(|p| {
            format!(
                "Your settings file could not be read and was moved aside to {}; the registry list starts empty.",
                p.display()
            )
        });
        Self {
            config: Mutex::new(config),
            docker,
            listings: ListingCache::default(),
            notice: std::sync::Mutex::new(notice),
        }
    }
}

fn view(entry: &RegistryEntry) -> RegistryView {
    let base = RegistryView {
        id: entry.id.clone(),
        name: entry.name.clone(),
        kind: String::new(),
        address: None,
        auth: String::new(),
        username: None,
        insecure: false,
        custom_ca: false,
        profile: None,
        region: None,
        account: None,
    };
    match &entry.kind {
        RegistryKind::Oci {
            address,
            auth,
            insecure,
            ca_pem,
        } => RegistryView {
            kind: "oci".into(),
            address: Some(host_of(address).to_owned()),
            auth: match auth {
                OciAuth::Anonymous => "anonymous",
                OciAuth::Keychain { .. } => "keychain",
                OciAuth::DockerLogin => "docker_login",
            }
            .into(),
            username: match auth {
                OciAuth::Keychain { username } => Some(username.clone()),
                _ => None,
            },
            insecure: *insecure,
            custom_ca: ca_pem.is_some(),
            ..base
        },
        RegistryKind::Ecr {
            profile,
            region,
            account,
        } => RegistryView {
            kind: "ecr".into(),
            address: account.as_ref().map(|a| {
                lading_ecr::profiles::registry_url(a, region)
                    .trim_start_matches("https://")
                    .to_owned()
            }),
            auth: "aws".into(),
            profile: profile.clone(),
            region: Some(region.clone()),
            account: account.clone(),
            ..base
        },
    }
}

pub async fn list(state: &AppState) -> Result<RegistryList, IpcError> {
    let config = state.config.lock().await;
    let registries: Vec<RegistryView> = config.registries().iter().map(view).collect();
    let added: Vec<&str> = registries
        .iter()
        .filter_map(|r| r.address.as_deref())
        .collect();
    let docker_logins = match &state.docker {
        Some(docker) => docker
            .registries()
            .unwrap_or_default()
            .into_iter()
            .filter(|h| !added.contains(&h.as_str()))
            .collect(),
        None => Vec::new(),
    };
    Ok(RegistryList {
        registries,
        docker_logins,
        notice: state.notice.lock().expect("notice lock").take(),
    })
}

/// Normalises what people paste: `host[:port]`, keeping an explicit `https://` (which must win
/// over the plain-HTTP default for loopback hosts); `http://` is the "insecure" checkbox's job.
fn normalise_address(input: &str) -> Result<String, IpcError> {
    let trimmed = input.trim().trim_end_matches('/');
    let (scheme, rest) = match trimmed.split_once("://") {
        Some(("https", rest)) => ("https://", rest),
        Some(("http", rest)) => ("", rest),
        Some(_) => ("?", trimmed),
        None => ("", trimmed),
    };
    if scheme == "?" || rest.is_empty() || rest.contains('/') || rest.contains(char::is_whitespace)
    {
        return Err(IpcError::new(
            "invalid_registry",
            format!("{input:?} is not a registry address; expected host or host:port, e.g. registry.example.com"),
        ));
    }
    Ok(format!("{scheme}{rest}"))
}

/// `host[:port]` of a stored address (credentials and docker logins are keyed by it).
fn host_of(address: &str) -> &str {
    address.strip_prefix("https://").unwrap_or(address)
}

fn connection_status(result: Result<(), OciError>) -> ConnectionStatus {
    let (state, reason) = match result {
        Ok(()) => ("connected", None),
        Err(
            e @ (OciError::AuthRequired { .. }
            | OciError::Unauthorized { .. }
            | OciError::Denied { .. }),
        ) => ("auth_needed", Some(e.to_string())),
        Err(e @ OciError::Unreachable { .. }) => ("unreachable", Some(e.to_string())),
        Err(e) => ("error", Some(e.to_string())),
    };
    ConnectionStatus {
        state: state.into(),
        reason,
        action: None,
    }
}

fn client_for(
    address: &str,
    auth: &OciAuth,
    insecure: bool,
    ca_pem: Option<&str>,
    docker: Option<&DockerConfig>,
) -> Result<RegistryClient, IpcError> {
    let provider: Option<Arc<dyn CredentialProvider>> = match auth {
        OciAuth::Anonymous => None,
        OciAuth::Keychain { .. } => Some(Arc::new(KeychainLogins)),
        OciAuth::DockerLogin => docker.map(|d| Arc::new(d.clone()) as Arc<dyn CredentialProvider>),
    };
    Ok(RegistryClient::new(
        address,
        ClientOptions {
            provider,
            insecure,
            ca_pem: ca_pem.map(str::to_owned),
            ..Default::default()
        },
    )?)
}

/// Adds an OCI registry after checking it answers with these credentials; a password goes into
/// the keychain, never into the settings file.
pub async fn add_oci(state: &AppState, request: AddOciRegistry) -> Result<RegistryView, IpcError> {
    let address = normalise_address(&request.address)?;
    let ca_pem = match request
        .ca_file
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(path) => Some(std::fs::read_to_string(path).map_err(|e| {
            IpcError::new(
                "invalid_ca",
                format!("cannot read the CA certificate {path}: {e}"),
            )
        })?),
        None => None,
    };
    let password = request.auth.password.map(Secret::from);
    let auth = match request.auth.mode.as_str() {
        "anonymous" => OciAuth::Anonymous,
        "docker_login" => OciAuth::DockerLogin,
        "password" => {
            let username = request
                .auth
                .username
                .filter(|u| !u.trim().is_empty())
                .ok_or_else(|| {
                    IpcError::new(
                        "missing_username",
                        "a username is needed to sign in with a password",
                    )
                })?;
            OciAuth::Keychain { username }
        }
        other => {
            return Err(IpcError::new(
                "invalid_auth",
                format!("unknown sign-in mode {other:?}"),
            ))
        }
    };
    // Check first: only a registry that answers (with these credentials) is added.
    let probe = match (&auth, &password) {
        (OciAuth::Keychain { username }, Some(password)) => RegistryClient::new(
            &address,
            ClientOptions {
                credentials: Some(Credentials {
                    username: username.clone(),
                    password: password.clone(),
                }),
                insecure: request.insecure,
                ca_pem: ca_pem.clone(),
                ..Default::default()
            },
        )?,
        (OciAuth::Keychain { .. }, None) => {
            return Err(IpcError::new(
                "missing_password",
                "a password (or token) is needed",
            ))
        }
        _ => client_for(
            &address,
            &auth,
            request.insecure,
            ca_pem.as_deref(),
            state.docker.as_ref(),
        )?,
    };
    probe.ping().await?;
    if let (OciAuth::Keychain { username }, Some(password)) = (&auth, password) {
        let credentials = Credentials {
            username: username.clone(),
            password,
        };
        let registry = probe.registry().to_owned();
        tokio::task::spawn_blocking(move || KeychainLogins.store(&registry, &credentials))
            .await
            .map_err(|e| IpcError::new("keychain_error", e.to_string()))??;
    }
    let kind = RegistryKind::Oci {
        address: address.clone(),
        auth,
        insecure: request.insecure,
        ca_pem,
    };
    let entry = RegistryEntry {
        id: RegistryEntry::id_for(&kind),
        name: host_of(&address).to_owned(),
        kind,
    };
    let mut config = state.config.lock().await;
    // Signing in again to a registry already listed updates it.
    config.upsert(entry.clone(), true)?;
    Ok(view(&entry))
}

pub async fn add_ecr(state: &AppState, request: AddEcrRegistry) -> Result<RegistryView, IpcError> {
    let profile = request
        .profile
        .filter(|p| !p.is_empty() && p != lading_ecr::profiles::ENVIRONMENT);
    let client = lading_ecr::EcrClient::connect(&lading_ecr::EcrTarget {
        profile: profile.clone(),
        region: Some(request.region.clone()),
        endpoint_url: None,
    })
    .await?;
    let registry = client.registry().await?;
    let kind = RegistryKind::Ecr {
        profile: profile.clone(),
        region: request.region.clone(),
        account: Some(registry.account.clone()),
    };
    let entry = RegistryEntry {
        id: RegistryEntry::id_for(&kind),
        name: format!(
            "{} · {}",
            profile.as_deref().unwrap_or("default"),
            request.region
        ),
        kind,
    };
    state.config.lock().await.upsert(entry.clone(), true)?;
    Ok(view(&entry))
}

/// Removes a registry from the list; with `forget_credentials`, its keychain login too.
pub async fn remove(state: &AppState, id: &str, forget_credentials: bool) -> Result<(), IpcError> {
    let removed = state.config.lock().await.remove(id)?;
    state.listings.forget(id, None);
    if let (
        true,
        RegistryKind::Oci {
            address,
            auth: OciAuth::Keychain { .. },
            ..
        },
    ) = (forget_credentials, &removed.kind)
    {
        let registry = host_of(address).to_owned();
        tokio::task::spawn_blocking(move || KeychainLogins.forget(&registry))
            .await
            .map_err(|e| IpcError::new("keychain_error", e.to_string()))??;
    }
    Ok(())
}

pub async fn check(state: &AppState, id: &str) -> Result<ConnectionStatus, IpcError> {
    let entry = state
        .config
        .lock()
        .await
        .get(id)
        .cloned()
        .ok_or_else(|| IpcError::new("unknown_registry", format!("no registry {id}")))?;
    match entry.kind {
        RegistryKind::Oci { .. } => {
            let client = registry_client(state, id).await?;
            Ok(connection_status(client.ping().await))
        }
        RegistryKind::Ecr {
            profile, region, ..
        } => {
            let sso_profile = profile.clone();
            let result = async {
                let client = lading_ecr::EcrClient::connect(&lading_ecr::EcrTarget {
                    profile,
                    region: Some(region),
                    endpoint_url: None,
                })
                .await?;
                client.registry().await
            }
            .await;
            let status =
                |state: &str, reason: Option<String>, action: Option<&str>| ConnectionStatus {
                    state: state.into(),
                    reason,
                    action: action.map(str::to_owned),
                };
            Ok(match result {
                Ok(_) => status("connected", None, None),
                // An SSO profile without a live session: say so, and offer to sign in.
                Err(e @ lading_ecr::EcrError::Credentials(_)) => {
                    match lading_ecr::profiles::sso_login_advice(sso_profile.as_deref()) {
                        Some(advice) => status("auth_needed", Some(advice), Some("sso_login")),
                        None => status("auth_needed", Some(e.to_string()), None),
                    }
                }
                Err(e @ lading_ecr::EcrError::AccessDenied(_)) => {
                    status("auth_needed", Some(e.to_string()), None)
                }
                Err(e @ lading_ecr::EcrError::Unreachable(_)) => {
                    status("unreachable", Some(e.to_string()), None)
                }
                Err(e) => status("error", Some(e.to_string()), None),
            })
        }
    }
}

pub fn aws_profiles() -> Vec<AwsProfile> {
    lading_ecr::profiles::discover_profiles()
        .into_iter()
        .map(|p| AwsProfile {
            name: p.name,
            kind: p.kind,
            region: p.region,
        })
        .collect()
}

/// Runs `aws sso login --profile <profile>` (it opens the browser) and waits for it to finish.
pub async fn aws_sso_login(profile: &str) -> Result<(), IpcError> {
    if profile.is_empty() || profile.starts_with('-') || profile.contains(char::is_whitespace) {
        return Err(IpcError::new(
            "invalid_profile",
            format!("{profile:?} is not a profile name"),
        ));
    }
    let child = tokio::process::Command::new("aws")
        .args(["sso", "login", "--profile", profile])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| {
            IpcError::new(
                "aws_cli_missing",
                format!("cannot run the AWS CLI ({e}); install it, or run `aws sso login --profile {profile}` yourself"),
            )
        })?;
    let out = tokio::time::timeout(
        std::time::Duration::from_secs(600),
        child.wait_with_output(),
    )
    .await
    .map_err(|_| {
        IpcError::new(
            "sso_login_timeout",
            "the AWS SSO sign-in did not finish within 10 minutes",
        )
    })?
    .map_err(|e| IpcError::new("sso_login_failed", e.to_string()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(IpcError::new(
            "sso_login_failed",
            format!(
                "aws sso login failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        ))
    }
}

/// Forgets a registry's keychain login but keeps it in the list (it then needs signing in again).
pub async fn sign_out(state: &AppState, id: &str) -> Result<(), IpcError> {
    let entry = state
        .config
        .lock()
        .await
        .get(id)
        .cloned()
        .ok_or_else(|| IpcError::new("unknown_registry", format!("no registry {id}")))?;
    let RegistryKind::Oci {
        address,
        auth: OciAuth::Keychain { .. },
        ..
    } = &entry.kind
    else {
        return Err(IpcError::new(
            "not_signed_in",
            format!("{} has no saved login to forget", entry.name),
        ));
    };
    let registry = host_of(address).to_owned();
    tokio::task::spawn_blocking(move || KeychainLogins.forget(&registry))
        .await
        .map_err(|e| IpcError::new("keychain_error", e.to_string()))??;
    Ok(())
}

async fn entry(state: &AppState, id: &str) -> Result<RegistryEntry, IpcError> {
    state
        .config
        .lock()
        .await
        .get(id)
        .cloned()
        .ok_or_else(|| IpcError::new("unknown_registry", format!("no registry {id}")))
}

fn ecr_target(profile: Option<String>, region: String) -> lading_ecr::EcrTarget {
    lading_ecr::EcrTarget {
        profile,
        region: Some(region),
        endpoint_url: None,
    }
}

/// Every repository of a registry, sorted by name.
pub async fn repositories(
    state: &AppState,
    id: &str,
) -> Result<Vec<crate::ipc::RepositoryView>, IpcError> {
    let mut repositories = match entry(state, id).await?.kind {
        RegistryKind::Oci { .. } => registry_client(state, id)
            .await?
            .catalog()
            .await?
            .into_iter()
            .map(|name| crate::ipc::RepositoryView { name, uri: None })
            .collect::<Vec<_>>(),
        RegistryKind::Ecr {
            profile, region, ..
        } => lading_ecr::EcrClient::connect(&ecr_target(profile, region))
            .await?
            .list_repositories()
            .await?
            .into_iter()
            .map(|r| crate::ipc::RepositoryView {
                name: r.name,
                uri: Some(r.uri),
            })
            .collect(),
    };
    repositories.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(repositories)
}

/// The tags of one repository, sorted.
pub async fn tags(state: &AppState, id: &str, repository: &str) -> Result<Vec<String>, IpcError> {
    let mut tags = match entry(state, id).await?.kind {
        RegistryKind::Oci { .. } => registry_client(state, id).await?.tags(repository).await?,
        RegistryKind::Ecr {
            profile, region, ..
        } => lading_ecr::EcrClient::connect(&ecr_target(profile, region))
            .await?
            .describe_images(repository)
            .await?
            .into_iter()
            .flat_map(|image| image.tags)
            .collect(),
    };
    tags.sort();
    Ok(tags)
}

/// How many manifests are fetched at once when a registry only lists tags. (The CNCF registry on
/// this machine serves ~1,300 manifests/s at 32 in flight, ~1,000/s at 8; 16 is close to the top
/// without flooding a remote registry.)
const MANIFEST_FETCHES: usize = 16;
/// A batch of rows goes to the UI when it is this big or this old, whichever comes first.
const BATCH_ROWS: usize = 500;
const BATCH_AGE: std::time::Duration = std::time::Duration::from_millis(100);

/// (registry id, repository) → its rows.
type Listings = std::collections::HashMap<(String, String), Arc<Vec<ImageRow>>>;

/// Rows kept until the next refresh, per registry and repository.
#[derive(Default)]
pub struct ListingCache {
    listings: std::sync::Mutex<Listings>,
    /// Bumped by every listing; an older listing still reading manifests stops when it sees a newer
    /// one (the user moved on, so nobody is waiting for it).
    generation: std::sync::atomic::AtomicU64,
}

impl ListingCache {
    fn get(&self, id: &str, repository: &str) -> Option<Arc<Vec<ImageRow>>> {
        let listings = self.listings.lock().unwrap_or_else(|p| p.into_inner());
        listings
            .get(&(id.to_owned(), repository.to_owned()))
            .cloned()
    }

    fn put(&self, id: &str, repository: &str, rows: Arc<Vec<ImageRow>>) {
        let mut listings = self.listings.lock().unwrap_or_else(|p| p.into_inner());
        listings.insert((id.to_owned(), repository.to_owned()), rows);
    }

    /// Forgets what is known of a repository (after a change), or of a whole registry.
    pub fn forget(&self, id: &str, repository: Option<&str>) {
        let mut listings = self.listings.lock().unwrap_or_else(|p| p.into_inner());
        listings.retain(|(i, r), _| i != id || repository.is_some_and(|repo| repo != r));
    }
}

/// Collects rows and hands them on in batches, merged by digest for the cache.
struct RowBatcher<'a> {
    emit: &'a (dyn Fn(ImageListEvent) + Sync),
    pending: Vec<ImageRow>,
    since: std::time::Instant,
    merged: Vec<ImageRow>,
    by_digest: std::collections::HashMap<String, usize>,
}

impl<'a> RowBatcher<'a> {
    fn new(emit: &'a (dyn Fn(ImageListEvent) + Sync)) -> Self {
        Self {
            emit,
            pending: Vec::new(),
            since: std::time::Instant::now(),
            merged: Vec::new(),
            by_digest: std::collections::HashMap::new(),
        }
    }

    fn push(&mut self, row: ImageRow) {
        match self.by_digest.get(&row.digest) {
            Some(&at) => self.merged[at].tags.extend(row.tags.iter().cloned()),
            None => {
                self.by_digest.insert(row.digest.clone(), self.merged.len());
                self.merged.push(row.clone());
            }
        }
        if self.pending.is_empty() {
            self.since = std::time::Instant::now();
        }
        self.pending.push(row);
        if self.pending.len() >= BATCH_ROWS || self.since.elapsed() >= BATCH_AGE {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.pending.is_empty() {
            (self.emit)(ImageListEvent::Rows {
                rows: std::mem::take(&mut self.pending),
            });
        }
    }

    fn finish(mut self) -> Vec<ImageRow> {
        self.flush();
        for row in &mut self.merged {
            row.tags.sort();
            row.tags.dedup();
        }
        self.merged
    }
}

/// The images of a repository, one row per digest, streamed to `emit` as they are read: the tag
/// list first where the registry only lists tags, then rows in batches, then `done`. Served from
/// the last listing unless `refresh`. Returns the complete rows (as kept for next time).
pub async fn stream_images(
    state: &AppState,
    id: &str,
    repository: &str,
    refresh: bool,
    emit: &(dyn Fn(ImageListEvent) + Sync),
) -> Result<Arc<Vec<ImageRow>>, IpcError> {
    use futures_util::stream::{self, StreamExt};
    use std::sync::atomic::Ordering;
    let started = std::time::Instant::now();
    let elapsed_ms = || started.elapsed().as_millis().min(u32::MAX as u128) as u32;
    let generation = state.listings.generation.fetch_add(1, Ordering::SeqCst) + 1;
    if !refresh {
        if let Some(rows) = state.listings.get(id, repository) {
            for chunk in rows.chunks(BATCH_ROWS * 4) {
                emit(ImageListEvent::Rows {
                    rows: chunk.to_vec(),
                });
            }
            emit(ImageListEvent::Done {
                images: rows.len() as u32,
                failed: 0,
                cached: true,
                elapsed_ms: elapsed_ms(),
            });
            return Ok(rows);
        }
    }
    let mut batcher = RowBatcher::new(emit);
    let mut failed = 0u32;
    match entry(state, id).await?.kind {
        RegistryKind::Oci { .. } => {
            let client = registry_client(state, id).await?;
            // The CNCF registry lists tags in no particular order.
            let mut tags = client.tags(repository).await?;
            tags.sort();
            emit(ImageListEvent::Tags { tags: tags.clone() });
            // In tag order, so the rows at the top of the default sort fill in first.
            let mut manifests = stream::iter(tags)
                .map(|tag| {
                    let client = &client;
                    async move {
                        let manifest = client.get_manifest(repository, &tag).await;
                        (tag, manifest)
                    }
                })
                .buffered(MANIFEST_FETCHES);
            while let Some((tag, manifest)) = manifests.next().await {
                if state.listings.generation.load(Ordering::SeqCst) != generation {
                    return Err(IpcError::new(
                        "listing_superseded",
                        "a newer listing replaced this one",
                    ));
                }
                let row = manifest.map_err(IpcError::from).and_then(|m| image_row(&m));
                match row {
                    Ok(mut row) => {
                        row.tags.push(tag);
                        batcher.push(row);
                    }
                    // Gone between the tag list and the manifest read: say so, keep listing.
                    Err(e) if e.code == "not_found" || e.code == "invalid_manifest" => {
                        failed += 1;
                        emit(ImageListEvent::TagFailed {
                            tag,
                            message: e.message,
                        });
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        RegistryKind::Ecr {
            profile, region, ..
        } => {
            let ecr = lading_ecr::EcrClient::connect(&ecr_target(profile, region)).await?;
            ecr.describe_images_paged(repository, |page| {
                for d in page {
                    batcher.push(ecr_row(d));
                }
                batcher.flush();
            })
            .await?;
        }
    }
    let mut rows = batcher.finish();
    rows.sort_by(|a, b| {
        b.pushed_at
            .cmp(&a.pushed_at)
            .then_with(|| a.tags.first().cmp(&b.tags.first()))
    });
    let rows = Arc::new(rows);
    state.listings.put(id, repository, rows.clone());
    emit(ImageListEvent::Done {
        images: rows.len() as u32,
        failed,
        cached: false,
        elapsed_ms: elapsed_ms(),
    });
    Ok(rows)
}

/// The images of a repository, read afresh (no streaming): for callers that want the whole list.
pub async fn images(
    state: &AppState,
    id: &str,
    repository: &str,
) -> Result<Vec<ImageRow>, IpcError> {
    let rows = stream_images(state, id, repository, true, &|_| {}).await?;
    Ok(rows.as_ref().clone())
}

fn ecr_row(d: lading_ecr::ImageDetail) -> ImageRow {
    let media_type = d.manifest_media_type.clone().unwrap_or_default();
    let kind = if lading_oci::manifest::is_index_media_type(&media_type) {
        "index"
    } else if d
        .artifact_media_type
        .as_deref()
        .is_some_and(|a| !is_image_config(a))
    {
        "artifact"
    } else {
        "image"
    };
    let mut tags = d.tags;
    tags.sort();
    ImageRow {
        digest: d.digest,
        tags,
        kind: kind.into(),
        media_type,
        size: d.size_bytes.map(|s| s as u64),
        platforms: Vec::new(),
        children: Vec::new(),
        pushed_at: d.pushed_at,
        last_pulled_at: d.last_pulled_at,
        scan_status: d.scan_status,
    }
}

pub(crate) fn is_image_config(media_type: &str) -> bool {
    media_type == lading_oci::manifest::media_types::OCI_CONFIG
        || media_type == lading_oci::manifest::media_types::DOCKER_CONFIG
}

fn image_row(manifest: &lading_oci::RawManifest) -> Result<ImageRow, IpcError> {
    let base = ImageRow {
        digest: manifest.digest.to_string(),
        tags: Vec::new(),
        kind: "image".into(),
        media_type: manifest.media_type.clone(),
        size: None,
        platforms: Vec::new(),
        children: Vec::new(),
        pushed_at: None,
        last_pulled_at: None,
        scan_status: None,
    };
    Ok(match manifest.parse()? {
        lading_oci::Manifest::Index(index) => ImageRow {
            kind: "index".into(),
            platforms: index
                .manifests()
                .iter()
                .filter_map(|m| {
                    m.platform()
                        .as_ref()
                        .map(|p| format!("{}/{}", p.os(), p.architecture()))
                })
                .collect(),
            children: index
                .manifests()
                .iter()
                .map(|m| m.digest().to_string())
                .collect(),
            ..base
        },
        lading_oci::Manifest::Image(image) => {
            let config_type = image.config().media_type().to_string();
            let artifact = image.artifact_type().is_some() || !is_image_config(&config_type);
            ImageRow {
                kind: if artifact { "artifact" } else { "image" }.into(),
                size: Some(
                    image.config().size() + image.layers().iter().map(|l| l.size()).sum::<u64>(),
                ),
                ..base
            }
        }
    })
}

pub(crate) fn pretty(bytes: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned())
}

/// A distribution-API client for any registry: ECR's through its token.
pub(crate) async fn registry_client(
    state: &AppState,
    id: &str,
) -> Result<RegistryClient, IpcError> {
    Ok(match entry(state, id).await?.kind {
        RegistryKind::Oci {
            address,
            auth,
            insecure,
            ca_pem,
        } => client_for(
            &address,
            &auth,
            insecure,
            ca_pem.as_deref(),
            state.docker.as_ref(),
        )?,
        RegistryKind::Ecr {
            profile,
            region,
            account,
        } => {
            let account = account.ok_or_else(|| {
                IpcError::new("unknown_account", "the ECR account is not known yet")
            })?;
            let ecr = lading_ecr::EcrClient::connect(&ecr_target(profile, region.clone())).await?;
            let host = lading_ecr::profiles::registry_url(&account, &region)
                .trim_start_matches("https://")
                .to_owned();
            RegistryClient::new(
                &host,
                ClientOptions {
                    provider: Some(Arc::new(lading_ecr::EcrCredentialProvider::new(ecr))),
                    ..Default::default()
                },
            )?
        }
    })
}

/// The files in every layer of the image `digest`, each layer streamed from the registry and sent
/// to `emit` once read, then what later layers hide (wasted bytes).
pub async fn image_files(
    state: &AppState,
    id: &str,
    repository: &str,
    digest: &str,
    emit: &(dyn Fn(crate::ipc::ImageFilesEvent) + Sync),
) -> Result<(), IpcError> {
    use crate::ipc::{FileView, ImageFilesEvent, WastedView};
    use lading_oci::layer_files::{read_layer, wasted_files};
    let client = registry_client(state, id).await?;
    let manifest = client.get_manifest(repository, digest).await?;
    let lading_oci::Manifest::Image(image) = manifest.parse()? else {
        return Err(IpcError::new(
            "not_an_image",
            "an index has no layers of its own: open one of its platforms",
        ));
    };
    emit(ImageFilesEvent::Started {
        layers: image.layers().len() as u32,
    });
    let mut layers = Vec::new();
    for (index, layer) in image.layers().iter().enumerate() {
        let layer_digest: lading_oci::Digest = layer.digest().to_string().parse()?;
        let entries = read_layer(
            &client,
            repository,
            &layer_digest,
            layer.media_type().as_ref(),
        )
        .await?;
        emit(ImageFilesEvent::Layer {
            index: index as u32,
            digest: layer_digest.to_string(),
            files: entries.iter().map(FileView::from).collect(),
        });
        layers.push(entries);
    }
    let wasted = wasted_files(&layers);
    emit(ImageFilesEvent::Done {
        wasted_bytes: wasted.iter().map(|w| w.size).sum(),
        wasted: wasted.into_iter().map(WastedView::from).collect(),
    });
    Ok(())
}

/// The manifest `digest` of `repository` with its config read out. OCI registries are asked
/// directly; ECR through its registry endpoint with the ECR token.
/// What a manifest says, before its config is read: an index's platforms, or an image's layers
/// and the digest of the config to read (none for an artifact). `known_digest` overrides the
/// manifest's own (ECR's digest for an image; moto invents its own).
pub(crate) fn detail_from_manifest(
    manifest: &lading_oci::RawManifest,
    known_digest: Option<&str>,
) -> Result<(crate::ipc::ImageDetail, Option<lading_oci::Digest>), IpcError> {
    let mut detail = crate::ipc::ImageDetail::new(
        known_digest.map_or_else(|| manifest.digest.to_string(), str::to_owned),
        manifest.media_type.clone(),
        pretty(&manifest.bytes),
    );
    match manifest.parse()? {
        lading_oci::Manifest::Index(index) => {
            detail.kind = "index".into();
            detail.platforms = index
                .manifests()
                .iter()
                .map(|m| crate::ipc::PlatformEntry {
                    platform: m
                        .platform()
                        .as_ref()
                        .map(|p| format!("{}/{}", p.os(), p.architecture()))
                        .unwrap_or_else(|| "unknown".into()),
                    digest: m.digest().to_string(),
                    manifest_size: m.size(),
                })
                .collect();
            Ok((detail, None))
        }
        lading_oci::Manifest::Image(image) => {
            detail.layers = image
                .layers()
                .iter()
                .map(|l| crate::ipc::LayerEntry {
                    digest: l.digest().to_string(),
                    size: l.size(),
                    media_type: l.media_type().to_string(),
                })
                .collect();
            if !is_image_config(image.config().media_type().as_ref()) {
                detail.kind = "artifact".into();
                return Ok((detail, None));
            }
            Ok((detail, Some(image.config().digest().to_string().parse()?)))
        }
    }
}

pub async fn image_detail(
    state: &AppState,
    id: &str,
    repository: &str,
    digest: &str,
) -> Result<crate::ipc::ImageDetail, IpcError> {
    // ECR hands out manifests through its API (which also works where only the API endpoint is
    // reachable, and on moto); other registries through /v2/.
    let (manifest, ecr) = match entry(state, id).await?.kind {
        RegistryKind::Ecr {
            profile, region, ..
        } => {
            let ecr = lading_ecr::EcrClient::connect(&ecr_target(profile, region)).await?;
            let (found, failures) = ecr
                .get_manifests(repository, &[lading_ecr::ImageRef::parse(digest)])
                .await?;
            let Some(found) = found.into_iter().next() else {
                let why = failures
                    .first()
                    .map(|f| format!("{}: {}", f.code, f.reason))
                    .unwrap_or_default();
                return Err(IpcError::new(
                    "not_found",
                    format!("{repository}@{digest} is not in ECR ({why})"),
                ));
            };
            let raw = lading_oci::RawManifest::new(
                found.manifest.into_bytes().into(),
                found.media_type.as_deref(),
            )?;
            (raw, Some(ecr))
        }
        RegistryKind::Oci { .. } => (
            registry_client(state, id)
                .await?
                .get_manifest(repository, digest)
                .await?,
            None,
        ),
    };
    let (mut detail, config_digest) =
        detail_from_manifest(&manifest, if ecr.is_some() { Some(digest) } else { None })?;
    if let Some(ecr) = &ecr {
        detail.scan = Some(
            match ecr
                .scan_findings(repository, &lading_ecr::ImageRef::parse(digest))
                .await
            {
                Ok(findings) => crate::ipc::ScanView {
                    findings: findings
                        .into_iter()
                        .map(|(name, severity)| crate::ipc::FindingView { name, severity })
                        .collect(),
                    error: None,
                },
                Err(e) => crate::ipc::ScanView {
                    findings: Vec::new(),
                    error: Some(e.to_string()),
                },
            },
        );
    }
    let Some(config_digest) = config_digest else {
        return Ok(detail);
    };
    let config = match registry_client(state, id).await {
        Ok(client) => client
            .get_blob_bytes(repository, &config_digest)
            .await
            .map_err(IpcError::from),
        Err(e) => Err(e),
    };
    match config {
        Ok(config) => {
            detail.config_json = Some(pretty(&config));
            fill_config(&mut detail, &config);
        }
        // ECR serves blobs from its registry endpoint only: say why, show the rest.
        Err(e) if ecr.is_some() => detail.config_error = Some(e.message),
        Err(e) => return Err(e),
    }
    Ok(detail)
}

/// Reads the image config leniently (real configs omit fields freely).
pub(crate) fn fill_config(detail: &mut crate::ipc::ImageDetail, bytes: &[u8]) {
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
                .map(|e| crate::ipc::HistoryEntry {
                    created_by: e["created_by"].as_str().unwrap_or_default().to_owned(),
                    created: text(&e["created"]),
                    empty_layer: e["empty_layer"].as_bool().unwrap_or(false),
                })
                .collect()
        })
        .unwrap_or_default();
}

/// Deletes images by digest (every tag on them goes too) and removes tags (`untag`: the image
/// stays, perhaps untagged). Failures are reported per reference.
pub async fn delete_images(
    state: &AppState,
    id: &str,
    repository: &str,
    references: &[String],
) -> Result<crate::ipc::DeleteResult, IpcError> {
    let mut result = crate::ipc::DeleteResult {
        deleted: Vec::new(),
        failures: Vec::new(),
    };
    // Whatever happens next, the kept listing may no longer be true.
    state.listings.forget(id, Some(repository));
    match entry(state, id).await?.kind {
        RegistryKind::Oci { .. } => {
            let client = registry_client(state, id).await?;
            for reference in references {
                let outcome = match reference.parse::<lading_oci::Digest>() {
                    Ok(digest) => client.delete_manifest(repository, &digest).await,
                    Err(_) => client.delete_tag(repository, reference).await,
                };
                match outcome {
                    Ok(()) => result.deleted.push(reference.clone()),
                    Err(e) => result.failures.push(crate::ipc::DeleteFailure {
                        reference: reference.clone(),
                        reason: e.to_string(),
                    }),
                }
            }
        }
        RegistryKind::Ecr {
            profile, region, ..
        } => {
            let refs: Vec<lading_ecr::ImageRef> = references
                .iter()
                .map(|r| lading_ecr::ImageRef::parse(r))
                .collect();
            let report = lading_ecr::EcrClient::connect(&ecr_target(profile, region))
                .await?
                .delete_images(repository, &refs)
                .await?;
            // Report what was asked for: the tag when a tag was removed, else the digest.
            let asked = |r: &lading_ecr::ImageRef| {
                r.tag
                    .clone()
                    .filter(|t| references.contains(t))
                    .or_else(|| r.digest.clone())
                    .unwrap_or_default()
            };
            result.deleted = report.deleted.iter().map(asked).collect();
            result.failures = report
                .failures
                .iter()
                .map(|f| crate::ipc::DeleteFailure {
                    reference: asked(&f.image),
                    reason: format!("{}: {}", f.code, f.reason),
                })
                .collect();
        }
    }
    Ok(result)
}

/// What a confirmation token for deleting exactly these images is bound to.
pub fn delete_target(id: &str, repository: &str, digests: &[String]) -> String {
    let mut sorted = digests.to_vec();
    sorted.sort();
    format!("{id}/{repository}@{}", sorted.join(","))
}

/// Creates an ECR repository (OCI registries create repositories on the first push).
/// An ECR repository's client, refusing other registries with `why`.
pub(crate) async fn ecr_of(
    state: &AppState,
    id: &str,
    why: &str,
) -> Result<lading_ecr::EcrClient, IpcError> {
    ecr_client(state, id)
        .await?
        .ok_or_else(|| IpcError::new("not_supported", why))
}

/// The AWS account of an ECR registry, when known (it is once the registry was checked).
pub(crate) async fn ecr_account(state: &AppState, id: &str) -> Result<Option<String>, IpcError> {
    Ok(match entry(state, id).await?.kind {
        RegistryKind::Ecr { account, .. } => account,
        _ => None,
    })
}

/// The ECR API client of a registry, if it is an ECR one.
pub(crate) async fn ecr_client(
    state: &AppState,
    id: &str,
) -> Result<Option<lading_ecr::EcrClient>, IpcError> {
    let RegistryKind::Ecr {
        profile, region, ..
    } = entry(state, id).await?.kind
    else {
        return Ok(None);
    };
    Ok(Some(
        lading_ecr::EcrClient::connect(&ecr_target(profile, region)).await?,
    ))
}

const SETTINGS_ARE_ECR: &str = "repository settings are an ECR feature; OCI registries have none";

fn settings_view(r: lading_ecr::Repository) -> crate::ipc::RepositorySettings {
    crate::ipc::RepositorySettings {
        name: r.name,
        uri: r.uri,
        created_at: r.created_at_epoch_seconds,
        tag_mutability: r.tag_mutability,
        mutability_exclusions: r.mutability_exclusions,
        scan_on_push: r.scan_on_push,
        encryption: r.encryption,
        kms_key: r.kms_key,
    }
}

/// An ECR repository's settings as they are now.
pub async fn repository_settings(
    state: &AppState,
    id: &str,
    name: &str,
) -> Result<crate::ipc::RepositorySettings, IpcError> {
    let ecr = ecr_of(state, id, SETTINGS_ARE_ECR).await?;
    Ok(settings_view(ecr.describe_repository(name).await?))
}

/// Changes tag mutability (with exclusion filters) and scan on push, then reads them back.
pub async fn update_repository_settings(
    state: &AppState,
    id: &str,
    name: &str,
    mutability: &str,
    exclusions: Vec<String>,
    scan_on_push: bool,
) -> Result<crate::ipc::RepositorySettings, IpcError> {
    let ecr = ecr_of(state, id, SETTINGS_ARE_ECR).await?;
    let mutability = lading_ecr::TagMutability::parse(mutability, exclusions)?;
    let before = ecr.describe_repository(name).await?;
    ecr.set_tag_mutability(name, &mutability).await?;
    if before.scan_on_push != scan_on_push {
        ecr.set_scan_on_push(name, scan_on_push).await?;
    }
    Ok(settings_view(ecr.describe_repository(name).await?))
}

/// ECR: creates `repository` unless it exists. Other registries create it on the first push.
pub async fn ensure_repository(
    state: &AppState,
    id: &str,
    repository: &str,
) -> Result<(), IpcError> {
    if !matches!(entry(state, id).await?.kind, RegistryKind::Ecr { .. }) {
        return Ok(());
    }
    let ecr = ecr_of(state, id, "").await?;
    match ecr.describe_repository(repository).await {
        Ok(_) => Ok(()),
        Err(lading_ecr::EcrError::RepositoryNotFound(_)) => {
            ecr.create_repository(repository).await?;
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create_repository(
    state: &AppState,
    id: &str,
    name: &str,
    mutability: &str,
    scan_on_push: bool,
) -> Result<crate::ipc::RepositoryView, IpcError> {
    let ecr = ecr_of(
        state,
        id,
        "OCI registries create a repository when the first image is pushed to it",
    )
    .await?;
    let spec = lading_ecr::NewRepository {
        mutability: lading_ecr::TagMutability::parse(mutability, Vec::new())?,
        scan_on_push,
        ..lading_ecr::NewRepository::named(name)
    };
    let created = ecr.create_repository_with(&spec).await?;
    Ok(crate::ipc::RepositoryView {
        name: created.name,
        uri: Some(created.uri),
    })
}

/// Deletes an ECR repository; one that still holds images only with `force` (which deletes them).
pub async fn delete_repository(
    state: &AppState,
    id: &str,
    name: &str,
    force: bool,
) -> Result<(), IpcError> {
    state.listings.forget(id, Some(name));
    ecr_of(
        state,
        id,
        "OCI registries have no repository deletion; delete its images instead",
    )
    .await?
    .delete_repository(name, force)
    .await?;
    Ok(())
}
