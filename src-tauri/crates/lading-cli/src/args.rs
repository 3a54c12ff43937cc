//! Arguments shared by several verbs: push options, platform, transfer tuning, connection.

use super::*;

#[derive(Args)]
pub(crate) struct PullArgs {
    /// host[:port]/repository[:tag|@digest]
    pub(crate) src: String,
    pub(crate) dest: String,
    /// Into an OCI layout: keep the registry's manifests byte for byte (Docker media types
    /// too, which some OCI tools refuse). Without it, Docker manifests get OCI media types and
    /// new digests, as `skopeo copy` gives them.
    #[arg(long)]
    pub(crate) preserve_digests: bool,
    #[command(flatten)]
    pub(crate) platform: PlatformArg,
    #[command(flatten)]
    pub(crate) transfer: Transfer,
    #[command(flatten)]
    pub(crate) conn: Connection,
}

#[derive(Args)]
pub(crate) struct CopyArgs {
    pub(crate) src: String,
    /// host[:port]/repository[:tag]; without a tag, the source's tag.
    pub(crate) dest: String,
    /// Copy the image only, not the signatures, SBOMs and attestations attached to it.
    #[arg(long)]
    pub(crate) no_referrers: bool,
    #[command(flatten)]
    pub(crate) platform: PlatformArg,
    #[command(flatten)]
    pub(crate) transfer: Transfer,
    #[command(flatten)]
    pub(crate) conn: Connection,
}

#[derive(Args)]
pub(crate) struct PushArgs {
    pub(crate) source: PathBuf,
    /// host[:port]/repository[:tag]; without a tag, the archive's own tags are used.
    pub(crate) dest: String,
    /// Which image of a multi-image archive: one of its tags (repo:tag) or its 1-based position.
    #[arg(long)]
    pub(crate) image: Option<String>,
    /// Compression for uncompressed layers; already compressed layers are sent as they are.
    #[arg(long, value_enum, default_value_t = CompressionArg::Gzip)]
    pub(crate) compression: CompressionArg,
    #[command(flatten)]
    pub(crate) transfer: Transfer,
    #[command(flatten)]
    pub(crate) conn: Connection,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum CompressionArg {
    Gzip,
    Zstd,
}

#[derive(Args)]
pub(crate) struct PlatformArg {
    /// os/arch[/variant], e.g. linux/arm64: for an index, only this platform.
    #[arg(long)]
    pub(crate) platform: Option<String>,
}

impl PlatformArg {
    pub(crate) fn parse(&self) -> Result<Option<lading_oci::PlatformSpec>, Failure> {
        self.platform
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(Failure::from)
    }
}

#[derive(Args)]
pub(crate) struct Transfer {
    /// Blobs transferred in parallel.
    #[arg(long, default_value_t = lading_oci::push::default_jobs())]
    pub(crate) jobs: usize,
    /// Upload in resumable chunks of this many MiB (at least the registry's minimum) instead of
    /// one streamed request per blob.
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub(crate) chunk_size: Option<u32>,
}

impl Transfer {
    pub(crate) fn upload_mode(&self) -> lading_oci::UploadMode {
        match self.chunk_size {
            Some(mib) => lading_oci::UploadMode::Chunked {
                chunk_size: mib as usize * 1024 * 1024,
            },
            None => lading_oci::UploadMode::Stream,
        }
    }
}

#[derive(Args)]
pub(crate) struct Connection {
    /// Use plain HTTP for a non-loopback registry.
    #[arg(long)]
    pub(crate) insecure: bool,
    /// Username for basic/token auth; the password comes from LADING_PASSWORD.
    #[arg(long, short = 'u')]
    pub(crate) username: Option<String>,
    /// Trust this CA certificate (PEM) for the registry, on top of the system's roots.
    #[arg(long, value_name = "PEM")]
    pub(crate) ca_file: Option<PathBuf>,
}

impl Connection {
    /// A client for `registry`. Credentials: `--username` with LADING_PASSWORD; otherwise, asked
    /// for only when the registry demands them, an ECR token for ECR hosts (AWS_PROFILE and the
    /// usual AWS configuration), then the user's docker login.
    pub(crate) async fn client(&self, registry: &str) -> Result<RegistryClient, Failure> {
        let credentials = match &self.username {
            Some(username) => {
                let password = std::env::var("LADING_PASSWORD").map_err(|_| Failure {
                    code: "missing_password",
                    message:
                        "--username needs the password in the LADING_PASSWORD environment variable"
                            .into(),
                })?;
                Some(Credentials {
                    username: username.clone(),
                    password: Secret::from(password),
                })
            }
            None => None,
        };
        let mut providers: Vec<Arc<dyn CredentialProvider>> = Vec::new();
        if credentials.is_none() {
            providers.push(Arc::new(KeychainLogins));
            if let Some((_, region)) = lading_ecr::parse_ecr_host(registry) {
                let ecr = lading_ecr::EcrClient::connect(&lading_ecr::EcrTarget {
                    profile: std::env::var("AWS_PROFILE").ok(),
                    region: Some(region),
                    endpoint_url: None,
                })
                .await?;
                providers.push(Arc::new(lading_ecr::EcrCredentialProvider::new(ecr)));
            }
            if let Some(docker) = DockerConfig::default_location() {
                providers.push(Arc::new(docker));
            }
        }
        let ca_pem = match &self.ca_file {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .map_err(|e| Failure::usage(format!("--ca-file {}: {e}", path.display())))?,
            ),
            None => None,
        };
        Ok(RegistryClient::new(
            registry,
            ClientOptions {
                credentials,
                provider: Some(Arc::new(ChainProvider(providers))),
                insecure: self.insecure,
                ca_pem,
                // A CLI user sets LADING_REGISTRY_MAP on purpose, for that one command.
                endpoint_map: lading_oci::EndpointMap::from_env(),
                ..Default::default()
            },
        )?)
    }
}
