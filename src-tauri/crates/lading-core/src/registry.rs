//! One handle per configured registry — the only place that knows whether it is an OCI registry
//! or Amazon ECR. Made on first use and kept in [`AppState`](crate::AppState): its distribution
//! client keeps the connection pool and the bearer tokens per scope; an ECR handle also keeps the
//! SDK client and the 12-hour authorization token. Changing, signing out of or removing the
//! registry drops the handle, so the next use starts afresh.

use std::sync::Arc;

use lading_config::{OciAuth, RegistryEntry, RegistryKind};
use lading_oci::credentials::{CredentialProvider, DockerConfig, KeychainLogins};
use lading_oci::{ClientOptions, OciError, RegistryClient};
use tokio::sync::OnceCell;

use crate::error::{Code, Error, Result};
use crate::manifest_reads::{read_tagged, ImageSink, TagQueue};
use crate::rows::ecr_row;
use crate::view::{ConnectionStatus, DeleteFailure, DeleteResult, RegistryView, RepositoryView};

pub struct Registry {
    entry: RegistryEntry,
    docker: Option<DockerConfig>,
    /// Developer endpoints, when the user turned them on.
    endpoints: Option<lading_oci::EndpointMap>,
    client: OnceCell<Arc<RegistryClient>>,
    ecr: Option<EcrSession>,
}

/// What an ECR registry keeps between calls.
struct EcrSession {
    profile: Option<String>,
    region: String,
    account: Option<String>,
    /// Another account's registry, named in every call.
    registry_id: Option<String>,
    api: OnceCell<lading_ecr::EcrClient>,
    /// The registry's 12-hour authorization token, fetched when first needed and kept.
    tokens: OnceCell<Arc<lading_ecr::EcrCredentialProvider>>,
}

/// `host[:port]` of a stored OCI address (credentials and docker logins are keyed by it).
pub(crate) fn host_of(address: &str) -> &str {
    address.strip_prefix("https://").unwrap_or(address)
}

/// A registry as the sidebar shows it; needs no handle (and so no connection).
pub(crate) fn view(entry: &RegistryEntry) -> RegistryView {
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
            ..
        } => RegistryView {
            kind: "ecr".into(),
            address: account.as_ref().map(|a| ecr_host(a, region)),
            auth: "aws".into(),
            profile: profile.clone(),
            region: Some(region.clone()),
            account: account.clone(),
            ..base
        },
    }
}

pub(crate) fn ecr_host(account: &str, region: &str) -> String {
    lading_ecr::profiles::registry_url(account, region)
        .trim_start_matches("https://")
        .to_owned()
}

/// A distribution client for an OCI registry entry, with its sign-in.
pub(crate) fn oci_client(
    address: &str,
    auth: &OciAuth,
    insecure: bool,
    ca_pem: Option<&str>,
    docker: Option<&DockerConfig>,
    endpoints: Option<&lading_oci::EndpointMap>,
) -> Result<RegistryClient> {
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
            endpoint_map: endpoints.cloned(),
            ..Default::default()
        },
    )?)
}

pub(crate) fn ecr_target(profile: Option<String>, region: String) -> lading_ecr::EcrTarget {
    lading_ecr::EcrTarget {
        profile,
        region: Some(region),
        endpoint_url: None,
    }
}

fn connection_status(result: std::result::Result<(), OciError>) -> ConnectionStatus {
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
        token_expires_at: None,
    }
}

impl Registry {
    pub(crate) fn new(
        entry: RegistryEntry,
        docker: Option<DockerConfig>,
        endpoints: Option<lading_oci::EndpointMap>,
    ) -> Self {
        let ecr = match &entry.kind {
            RegistryKind::Ecr {
                profile,
                region,
                account,
                registry_id,
            } => Some(EcrSession {
                profile: profile.clone(),
                region: region.clone(),
                account: account.clone(),
                registry_id: registry_id.clone(),
                tokens: OnceCell::new(),
                api: OnceCell::new(),
            }),
            RegistryKind::Oci { .. } => None,
        };
        Self {
            entry,
            docker,
            endpoints,
            client: OnceCell::new(),
            ecr,
        }
    }

    pub fn entry(&self) -> &RegistryEntry {
        &self.entry
    }

    /// The AWS account of an ECR registry, when known (it is once the registry was checked).
    pub fn account(&self) -> Option<&str> {
        self.ecr.as_ref().and_then(|e| e.account.as_deref())
    }

    /// The ECR API client, for an ECR registry (connected on first use, then kept).
    pub async fn ecr(&self) -> Result<Option<&lading_ecr::EcrClient>> {
        let Some(session) = &self.ecr else {
            return Ok(None);
        };
        let api = session
            .api
            .get_or_try_init(|| async {
                lading_ecr::EcrClient::connect(&ecr_target(
                    session.profile.clone(),
                    session.region.clone(),
                ))
                .await?
                .for_registry(session.registry_id.as_deref())
            })
            .await?;
        Ok(Some(api))
    }

    /// ECR: the keeper of the registry's authorization token (shared by every `/v2/` request).
    pub(crate) async fn ecr_tokens(
        &self,
    ) -> Result<Option<Arc<lading_ecr::EcrCredentialProvider>>> {
        let Some(session) = &self.ecr else {
            return Ok(None);
        };
        let api = self.ecr_or("").await?.clone();
        Ok(Some(
            session
                .tokens
                .get_or_init(|| async { Arc::new(lading_ecr::EcrCredentialProvider::new(api)) })
                .await
                .clone(),
        ))
    }

    /// ECR: when the kept token expires (Unix seconds); `None` before one was fetched.
    pub(crate) fn token_expires_at(&self) -> Option<i64> {
        let at = self.ecr.as_ref()?.tokens.get()?.expires_at()?;
        at.duration_since(std::time::UNIX_EPOCH)
            .ok()
            .map(|d| d.as_secs() as i64)
    }

    /// The ECR profile and region, for the sign-in command.
    pub(crate) fn ecr_profile_region(&self) -> Option<(Option<&str>, &str)> {
        self.ecr
            .as_ref()
            .map(|s| (s.profile.as_deref(), s.region.as_str()))
    }

    /// The ECR API client, refusing other registries with `why`.
    pub async fn ecr_or(&self, why: &str) -> Result<&lading_ecr::EcrClient> {
        self.ecr()
            .await?
            .ok_or_else(|| Error::new(Code::NotSupported, why))
    }

    /// The distribution-API client (`/v2/`): ECR's signs in with the handle's ECR token.
    pub async fn client(&self) -> Result<Arc<RegistryClient>> {
        self.client
            .get_or_try_init(|| async {
                let client = match &self.entry.kind {
                    RegistryKind::Oci { .. } => self.fresh_oci_client()?,
                    RegistryKind::Ecr {
                        region, account, ..
                    } => {
                        let account = account.as_deref().ok_or_else(|| {
                            Error::new(Code::UnknownAccount, "the ECR account is not known yet")
                        })?;
                        let tokens = self.ecr_tokens().await?.ok_or_else(|| {
                            Error::new(Code::Unexpected, "an ECR registry without a session")
                        })?;
                        RegistryClient::new(
                            &ecr_host(account, region),
                            ClientOptions {
                                provider: Some(tokens),
                                endpoint_map: self.endpoints.clone(),
                                ..Default::default()
                            },
                        )?
                    }
                };
                Ok::<_, Error>(Arc::new(client))
            })
            .await
            .cloned()
    }

    fn fresh_oci_client(&self) -> Result<RegistryClient> {
        match &self.entry.kind {
            RegistryKind::Oci {
                address,
                auth,
                insecure,
                ca_pem,
            } => oci_client(
                address,
                auth,
                *insecure,
                ca_pem.as_deref(),
                self.docker.as_ref(),
                self.endpoints.as_ref(),
            ),
            RegistryKind::Ecr { .. } => Err(Error::new(Code::NotSupported, "not an OCI entry")),
        }
    }

    /// Whether the registry answers, and if not, why and what the user can do.
    pub async fn status(&self) -> ConnectionStatus {
        let Some(session) = &self.ecr else {
            // With a client of its own: a check reads the sign-in afresh (a login changed or
            // forgotten behind the app's back shows), and leaves the kept session alone.
            return match self.fresh_oci_client() {
                Ok(client) => connection_status(client.ping().await),
                Err(e) => ConnectionStatus {
                    state: "error".into(),
                    reason: Some(e.message),
                    action: None,
                    token_expires_at: None,
                },
            };
        };
        let status = |state: &str, reason: Option<String>, action: Option<&str>| ConnectionStatus {
            state: state.into(),
            reason,
            action: action.map(str::to_owned),
            token_expires_at: self.token_expires_at(),
        };
        let result = match self.ecr().await {
            Ok(Some(api)) => api.registry().await.map_err(Error::from),
            Ok(None) => unreachable!("an ECR session has an ECR client"),
            Err(e) => Err(e),
        };
        match result {
            Ok(_) => status("connected", None, None),
            // An SSO profile without a live session: say so, and offer to sign in.
            Err(e) if e.code == Code::AwsCredentials => {
                match lading_ecr::profiles::sso_login_advice(session.profile.as_deref()) {
                    Some(advice) => status("auth_needed", Some(advice), Some("sso_login")),
                    None => status("auth_needed", Some(e.message), None),
                }
            }
            Err(e) if e.code == Code::AccessDenied => status("auth_needed", Some(e.message), None),
            Err(e) if e.code == Code::Unreachable => status("unreachable", Some(e.message), None),
            Err(e) => status("error", Some(e.message), None),
        }
    }

    /// Every repository, sorted by name: the catalog, or ECR's repository list.
    pub async fn repositories(&self) -> Result<Vec<RepositoryView>> {
        let mut repositories: Vec<RepositoryView> = match self.ecr().await? {
            Some(api) => api
                .list_repositories()
                .await?
                .into_iter()
                .map(|r| RepositoryView {
                    name: r.name,
                    uri: Some(r.uri),
                })
                .collect(),
            None => self
                .client()
                .await?
                .catalog()
                .await?
                .into_iter()
                .map(|name| RepositoryView { name, uri: None })
                .collect(),
        };
        repositories.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(repositories)
    }

    /// The tags of one repository, sorted.
    pub async fn tags(&self, repository: &str) -> Result<Vec<String>> {
        let mut tags = match self.ecr().await? {
            Some(api) => api
                .describe_images(repository)
                .await?
                .into_iter()
                .flat_map(|image| image.tags)
                .collect(),
            None => self.client().await?.tags(repository).await?,
        };
        tags.sort();
        Ok(tags)
    }

    /// Reads the images of `repository` into `sink`: ECR describes them page by page; other
    /// registries list tags, then read each tag's manifest (in tag order, so the rows at the top
    /// of the default sort fill in first). Returns how many tags could not be read.
    pub(crate) async fn read_images(
        &self,
        repository: &str,
        queue: &TagQueue,
        sink: &mut dyn ImageSink,
    ) -> Result<u32> {
        if let Some(api) = self.ecr().await? {
            let mut indexes = Vec::new();
            api.describe_images_paged(repository, |page| {
                for d in page {
                    let row = ecr_row(d);
                    if row.kind == "index" {
                        indexes.push(row.clone());
                    }
                    sink.row(row);
                }
                sink.flush();
            })
            .await?;
            crate::rows::fill_ecr_indexes(api, repository, indexes, sink).await;
            return Ok(0);
        }
        read_tagged(&*self.client().await?, repository, queue, sink).await
    }

    /// The manifest `digest`: ECR hands them out through its API (which also works where only
    /// the API endpoint is reachable, and on moto); other registries through `/v2/`.
    pub(crate) async fn manifest(
        &self,
        repository: &str,
        digest: &str,
    ) -> Result<lading_oci::RawManifest> {
        let Some(api) = self.ecr().await? else {
            return Ok(self
                .client()
                .await?
                .get_manifest(repository, digest)
                .await?);
        };
        let (found, failures) = api
            .get_manifests(repository, &[lading_ecr::ImageRef::parse(digest)])
            .await?;
        let Some(found) = found.into_iter().next() else {
            let why = failures
                .first()
                .map(|f| format!("{}: {}", f.code, f.reason))
                .unwrap_or_default();
            return Err(Error::new(
                Code::NotFound,
                format!("{repository}@{digest} is not in ECR ({why})"),
            ));
        };
        Ok(lading_oci::RawManifest::new(
            found.manifest.into_bytes().into(),
            found.media_type.as_deref(),
        )?)
    }

    /// ECR: the digest ECR knows the image by is the one asked for (moto invents its own).
    pub(crate) fn trusts_asked_digest(&self) -> bool {
        self.ecr.is_some()
    }

    /// Whether a blob the registry cannot serve is worth reporting instead of failing: ECR serves
    /// blobs from its registry endpoint only, which may be out of reach where its API is not.
    pub(crate) fn blobs_may_be_unreachable(&self) -> bool {
        self.ecr.is_some()
    }

    /// Deletes images by digest (every tag on them goes too) and removes tags (the image stays,
    /// perhaps untagged). Failures are reported per reference.
    pub(crate) async fn delete(
        &self,
        repository: &str,
        references: &[String],
    ) -> Result<DeleteResult> {
        let mut result = DeleteResult {
            deleted: Vec::new(),
            failures: Vec::new(),
        };
        let Some(api) = self.ecr().await? else {
            let client = self.client().await?;
            for reference in references {
                let outcome = match reference.parse::<lading_oci::Digest>() {
                    Ok(digest) => client.delete_manifest(repository, &digest).await,
                    Err(_) => client.delete_tag(repository, reference).await,
                };
                match outcome {
                    Ok(()) => result.deleted.push(reference.clone()),
                    Err(e) => result.failures.push(DeleteFailure {
                        reference: reference.clone(),
                        reason: e.to_string(),
                        code: Code::from(&e),
                    }),
                }
            }
            return Ok(result);
        };
        let refs: Vec<lading_ecr::ImageRef> = references
            .iter()
            .map(|r| lading_ecr::ImageRef::parse(r))
            .collect();
        let report = api.delete_images(repository, &refs).await?;
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
            .map(|f| DeleteFailure {
                reference: asked(&f.image),
                reason: format!("{}: {}", f.code, f.reason),
                code: Code::EcrError,
            })
            .collect();
        Ok(result)
    }

    /// ECR: creates `repository` unless it exists. Other registries create it on the first push.
    pub(crate) async fn ensure_repository(&self, repository: &str) -> Result<()> {
        let Some(api) = self.ecr().await? else {
            return Ok(());
        };
        match api.describe_repository(repository).await {
            Ok(_) => Ok(()),
            Err(lading_ecr::EcrError::RepositoryNotFound(_)) => {
                api.create_repository(repository).await?;
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Whether new tags for an image in its own repository can be written without moving data
    /// (ECR: PutImage with the manifest it has; no registry endpoint needed).
    pub(crate) fn retags_in_place(&self) -> bool {
        self.ecr.is_some()
    }

    /// Tags the image `reference` of `repository` with each of `tags`, in place; returns its digest.
    pub(crate) async fn retag(
        &self,
        repository: &str,
        reference: &str,
        tags: &[String],
    ) -> Result<String> {
        let api = self.ecr_or("only ECR retags in place").await?;
        let from = lading_ecr::ImageRef::parse(reference);
        let mut digest = String::new();
        for tag in tags {
            digest = api.retag(repository, &from, tag).await?;
        }
        Ok(digest)
    }
}
