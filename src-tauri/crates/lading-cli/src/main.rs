//! `lading`: the same engine as the desktop app, for scripts and terminals.

mod ecr_cmd;
mod progress;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use humansize::{format_size, BINARY};
use lading_oci::cache::BlobCache;
use lading_oci::credentials::{ChainProvider, CredentialProvider, DockerConfig, KeychainLogins};
use lading_oci::push::{push_image, BlobOutcome, LayerCompression, PushOptions};
use lading_oci::source::{Source, SourceImage};
use lading_oci::{ClientOptions, Credentials, Reference, RegistryClient};
use lading_secrets::Secret;

#[derive(Parser)]
#[command(
    name = "lading",
    version,
    about = "Browse and manage container registries"
)]
struct Cli {
    /// Print machine-readable JSON instead of text (errors too, on stderr).
    #[arg(long, global = true)]
    json: bool,
    /// Print only results: no progress display.
    #[arg(long, short = 'q', global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Push an image from a docker save archive (.tar, .tar.gz), an OCI archive or an OCI layout
    /// directory to host/repository[:tag].
    Push(PushArgs),
    /// Pull an image into an OCI layout (oci:DIR or oci:DIR:NAME) or a docker save archive
    /// (a path ending in .tar, loadable with `docker load`).
    Pull {
        /// host[:port]/repository[:tag|@digest]
        src: String,
        dest: String,
        #[command(flatten)]
        platform: PlatformArg,
        #[command(flatten)]
        transfer: Transfer,
        #[command(flatten)]
        conn: Connection,
    },
    /// Copy an image between repositories or registries (blobs are mounted within one registry).
    Copy {
        src: String,
        /// host[:port]/repository[:tag]; without a tag, the source's tag.
        dest: String,
        #[command(flatten)]
        platform: PlatformArg,
        #[command(flatten)]
        transfer: Transfer,
        #[command(flatten)]
        conn: Connection,
    },
    /// Show an image: its digest, media type, platforms or layers; or the raw manifest or config.
    Inspect {
        reference: String,
        /// Print the image config (for an index: of --platform, default this machine's).
        #[arg(long, conflicts_with = "raw")]
        config: bool,
        /// Print the manifest exactly as the registry stores it.
        #[arg(long)]
        raw: bool,
        #[command(flatten)]
        platform: PlatformArg,
        #[command(flatten)]
        conn: Connection,
    },
    /// Delete a manifest (by digest, or the one a tag points to: every tag on it goes too).
    Rm {
        reference: String,
        #[command(flatten)]
        conn: Connection,
    },
    /// Check credentials against a registry and keep them in the OS keychain.
    Login {
        /// host[:port]
        registry: String,
        #[arg(long, short = 'u')]
        username: String,
        /// Read the password from standard input (else from LADING_PASSWORD).
        #[arg(long)]
        password_stdin: bool,
        /// Use plain HTTP for a non-loopback registry.
        #[arg(long)]
        insecure: bool,
    },
    /// Remove a registry's login from the OS keychain.
    Logout { registry: String },
    /// List the repositories of a registry (`/v2/_catalog`, every page).
    Repos {
        /// host[:port]
        registry: String,
        #[command(flatten)]
        conn: Connection,
    },
    /// List the tags of a repository (every page).
    Tags {
        /// host[:port]/repository
        repository: String,
        #[command(flatten)]
        conn: Connection,
    },
    /// Amazon ECR: repositories, images, policies, lifecycle dry runs, login.
    Ecr(ecr_cmd::EcrArgs),
}

#[derive(Args)]
struct PushArgs {
    source: PathBuf,
    /// host[:port]/repository[:tag]; without a tag, the archive's own tags are used.
    dest: String,
    /// Which image of a multi-image archive: one of its tags (repo:tag) or its 1-based position.
    #[arg(long)]
    image: Option<String>,
    /// Compression for uncompressed layers; already compressed layers are sent as they are.
    #[arg(long, value_enum, default_value_t = CompressionArg::Gzip)]
    compression: CompressionArg,
    #[command(flatten)]
    transfer: Transfer,
    #[command(flatten)]
    conn: Connection,
}

#[derive(Clone, Copy, ValueEnum)]
enum CompressionArg {
    Gzip,
    Zstd,
}

#[derive(Args)]
struct PlatformArg {
    /// os/arch[/variant], e.g. linux/arm64: for an index, only this platform.
    #[arg(long)]
    platform: Option<String>,
}

impl PlatformArg {
    fn parse(&self) -> Result<Option<lading_oci::PlatformSpec>, Failure> {
        self.platform
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(Failure::from)
    }
}

#[derive(Args)]
struct Transfer {
    /// Blobs transferred in parallel.
    #[arg(long, default_value_t = lading_oci::push::default_jobs())]
    jobs: usize,
    /// Upload in resumable chunks of this many MiB (at least the registry's minimum) instead of
    /// one streamed request per blob.
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u32).range(1..=4096))]
    chunk_size: Option<u32>,
}

impl Transfer {
    fn upload_mode(&self) -> lading_oci::UploadMode {
        match self.chunk_size {
            Some(mib) => lading_oci::UploadMode::Chunked {
                chunk_size: mib as usize * 1024 * 1024,
            },
            None => lading_oci::UploadMode::Stream,
        }
    }
}

#[derive(Args)]
struct Connection {
    /// Use plain HTTP for a non-loopback registry.
    #[arg(long)]
    insecure: bool,
    /// Username for basic/token auth; the password comes from LADING_PASSWORD.
    #[arg(long, short = 'u')]
    username: Option<String>,
    /// Trust this CA certificate (PEM) for the registry, on top of the system's roots.
    #[arg(long, value_name = "PEM")]
    ca_file: Option<PathBuf>,
}

impl Connection {
    /// A client for `registry`. Credentials: `--username` with LADING_PASSWORD; otherwise, asked
    /// for only when the registry demands them, an ECR token for ECR hosts (AWS_PROFILE and the
    /// usual AWS configuration), then the user's docker login.
    async fn client(&self, registry: &str) -> Result<RegistryClient, Failure> {
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
                page_size: None,
                ca_pem,
            },
        )?)
    }
}

pub(crate) struct Failure {
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn usage(message: String) -> Self {
        Failure {
            code: "usage",
            message,
        }
    }
}

impl From<lading_oci::OciError> for Failure {
    fn from(e: lading_oci::OciError) -> Self {
        Failure {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl From<lading_ecr::EcrError> for Failure {
    fn from(e: lading_ecr::EcrError) -> Self {
        Failure {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

fn print_list(items: &[String], json: bool) {
    if json {
        println!("{}", serde_json::Value::from(items.to_vec()));
    } else {
        for item in items {
            println!("{item}");
        }
    }
}

/// `host/repo[:tag]` → the reference and whether a tag was written out.
fn parse_dest(dest: &str) -> Result<(Reference, bool), Failure> {
    let reference: Reference = dest.parse()?;
    if reference.digest.is_some() {
        return Err(Failure::usage(format!(
            "{dest}: push to a tag, not a digest (the digest follows from the content)"
        )));
    }
    let last = dest.rsplit('/').next().unwrap_or(dest);
    Ok((reference, last.contains(':')))
}

/// Picks the image to push from a source that may hold several.
pub(crate) fn select_image<'a>(
    source: &'a Source,
    selector: Option<&str>,
) -> Result<&'a SourceImage, Failure> {
    let images = &source.images;
    match selector {
        None if images.len() == 1 => Ok(&images[0]),
        None => Err(Failure::usage(format!(
            "{} holds {} images; pick one with --image ({})",
            source.path.display(),
            images.len(),
            describe_images(images)
        ))),
        Some(sel) => {
            if let Ok(n) = sel.parse::<usize>() {
                if (1..=images.len()).contains(&n) {
                    return Ok(&images[n - 1]);
                }
            }
            images
                .iter()
                .find(|i| i.names().iter().any(|name| name == sel))
                .ok_or_else(|| {
                    Failure::usage(format!(
                        "no image {sel:?} in {}; it holds: {}",
                        source.path.display(),
                        describe_images(images)
                    ))
                })
        }
    }
}

fn describe_images(images: &[SourceImage]) -> String {
    images
        .iter()
        .enumerate()
        .map(|(i, image)| {
            let names = image.names();
            if names.is_empty() {
                format!("{} (untagged)", i + 1)
            } else {
                format!("{} ({})", i + 1, names.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

async fn push(cli_json: bool, show_progress: bool, args: PushArgs) -> Result<(), Failure> {
    let PushArgs {
        source: source_path,
        dest,
        image,
        compression,
        transfer,
        conn,
    } = args;
    let (reference, explicit_tag) = parse_dest(&dest)?;
    let data_dir = lading_oci::paths::data_dir();
    let scratch = std::env::temp_dir();
    let source = tokio::task::spawn_blocking(move || Source::open(&source_path, &scratch))
        .await
        .map_err(|e| Failure::usage(e.to_string()))??;
    let selected = select_image(&source, image.as_deref())?;
    let tags = if explicit_tag {
        reference.tag.iter().cloned().collect()
    } else {
        let mut tags = selected.tags();
        if tags.is_empty() {
            tags.push("latest".to_owned());
        }
        tags
    };
    let client = conn.client(&reference.registry).await?;
    let progress = show_progress.then(|| Arc::new(progress::Progress::new()));
    let options = PushOptions {
        jobs: transfer.jobs.max(1),
        compression: match compression {
            CompressionArg::Gzip => LayerCompression::Gzip,
            CompressionArg::Zstd => LayerCompression::Zstd,
        },
        cache: Arc::new(BlobCache::load(&data_dir)),
        progress: progress_fn(&progress),
        upload_mode: transfer.upload_mode(),
    };
    let started = Instant::now();
    let report = push_image(&client, &reference.repository, &tags, selected, &options).await?;
    if let Some(p) = &progress {
        p.finish();
    }
    if cli_json {
        println!(
            "{}",
            serde_json::to_string(&report).expect("report serialises")
        );
        return Ok(());
    }
    let count = |o: BlobOutcome| report.blobs.iter().filter(|b| b.outcome == o).count();
    for tag in &report.tags {
        println!("{}/{}:{tag}", reference.registry, report.repository);
    }
    println!(
        "{}/{}@{}",
        reference.registry, report.repository, report.manifest_digest
    );
    eprintln!(
        "{} blobs: {} uploaded ({}), {} already there, {} mounted — {:.2} s",
        report.blobs.len(),
        count(BlobOutcome::Uploaded),
        format_size(report.bytes_uploaded(), BINARY),
        count(BlobOutcome::Existed),
        count(BlobOutcome::Mounted),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn progress_fn(progress: &Option<Arc<progress::Progress>>) -> Option<lading_oci::push::ProgressFn> {
    progress.clone().map(|p| {
        let f: lading_oci::push::ProgressFn = Arc::new(move |e| p.update(e));
        f
    })
}

/// `oci:DIR` or `oci:DIR:NAME` → (dir, name).
fn parse_oci_dest(dest: &str) -> Option<(PathBuf, Option<String>)> {
    let rest = dest.strip_prefix("oci:")?;
    match rest.rsplit_once(':') {
        Some((dir, name)) if !name.contains('/') && !dir.is_empty() => {
            Some((PathBuf::from(dir), Some(name.to_owned())))
        }
        _ => Some((PathBuf::from(rest), None)),
    }
}

async fn pull(
    json: bool,
    show_progress: bool,
    src: String,
    dest: String,
    platform: PlatformArg,
    transfer: Transfer,
    conn: Connection,
) -> Result<(), Failure> {
    let reference: Reference = src.parse()?;
    let client = conn.client(&reference.registry).await?;
    let progress = show_progress.then(|| Arc::new(progress::Progress::new()));
    let options = lading_oci::pull::PullOptions {
        jobs: transfer.jobs.max(1),
        platform: platform.parse()?,
        progress: progress_fn(&progress),
    };
    let started = Instant::now();
    let report = if let Some((dir, name)) = parse_oci_dest(&dest) {
        let name = name.or_else(|| reference.tag.clone());
        lading_oci::pull::pull_to_oci_layout(
            &client,
            &reference.repository,
            reference.manifest_reference(),
            &dir,
            name.as_deref(),
            &options,
        )
        .await?
    } else if dest.ends_with(".tar") {
        let repo_tag = reference
            .tag
            .as_ref()
            .map(|t| format!("{}/{}:{t}", reference.registry, reference.repository));
        lading_oci::pull::pull_to_docker_archive(
            &client,
            &reference.repository,
            reference.manifest_reference(),
            std::path::Path::new(&dest),
            repo_tag.as_deref(),
            &options,
        )
        .await?
    } else {
        return Err(Failure::usage(format!(
            "{dest}: the destination is oci:DIR[:NAME] or a path ending in .tar"
        )));
    };
    if let Some(p) = &progress {
        p.finish();
    }
    if json {
        println!(
            "{}",
            serde_json::to_string(&report).expect("report serialises")
        );
    } else {
        println!("{}@{}", dest, report.manifest_digest);
        eprintln!(
            "{} blobs, {} downloaded — {:.2} s",
            report.blobs,
            format_size(report.bytes_downloaded, BINARY),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

async fn copy(
    json: bool,
    show_progress: bool,
    src: String,
    dest: String,
    platform: PlatformArg,
    transfer: Transfer,
    conn: Connection,
) -> Result<(), Failure> {
    let from: Reference = src.parse()?;
    let (to, explicit_tag) = parse_dest(&dest)?;
    let tags: Vec<String> = if explicit_tag {
        to.tag.iter().cloned().collect()
    } else {
        from.tag.iter().cloned().collect()
    };
    let src_client = conn.client(&from.registry).await?;
    let dst_client = conn.client(&to.registry).await?;
    let progress = show_progress.then(|| Arc::new(progress::Progress::new()));
    let options = lading_oci::pull::PullOptions {
        jobs: transfer.jobs.max(1),
        platform: platform.parse()?,
        progress: progress_fn(&progress),
    };
    let started = Instant::now();
    let report = lading_oci::copy::copy_image(
        &src_client,
        &from.repository,
        from.manifest_reference(),
        &dst_client,
        &to.repository,
        &tags,
        &options,
    )
    .await?;
    if let Some(p) = &progress {
        p.finish();
    }
    if json {
        println!(
            "{}",
            serde_json::to_string(&report).expect("report serialises")
        );
    } else {
        println!(
            "{}/{}@{}",
            to.registry, to.repository, report.manifest_digest
        );
        eprintln!(
            "{} mounted, {} already there, {} transferred ({}) — {:.2} s",
            report.mounted,
            report.existed,
            report.transferred,
            format_size(report.bytes_transferred, BINARY),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

async fn inspect(
    json: bool,
    reference: String,
    want_config: bool,
    raw: bool,
    platform: PlatformArg,
    conn: Connection,
) -> Result<(), Failure> {
    use lading_oci::Manifest;
    let reference: Reference = reference.parse()?;
    let platform = platform.parse()?;
    let client = conn.client(&reference.registry).await?;
    let root = client
        .get_manifest(&reference.repository, reference.manifest_reference())
        .await?;
    if raw {
        use std::io::Write;
        std::io::stdout()
            .write_all(&root.bytes)
            .map_err(|e| Failure::usage(e.to_string()))?;
        return Ok(());
    }
    // For --config (or --platform) on an index, descend to one platform's image.
    let image = match (root.parse()?, want_config || platform.is_some()) {
        (Manifest::Index(index), true) => {
            let spec = platform.unwrap_or_else(lading_oci::pull::host_platform);
            let child = index
                .manifests()
                .iter()
                .find(|m| m.platform().as_ref().is_some_and(|p| spec.matches(p)))
                .ok_or_else(|| Failure::usage(format!("{reference} has no {spec} image")))?;
            client
                .get_manifest(&reference.repository, child.digest().as_ref())
                .await?
        }
        _ => root.clone(),
    };
    let parsed = image.parse()?;
    if want_config {
        let Manifest::Image(m) = &parsed else {
            return Err(Failure::usage("not an image".into()));
        };
        let digest: lading_oci::Digest = m.config().digest().to_string().parse()?;
        let config = client
            .get_blob_bytes(&reference.repository, &digest)
            .await?;
        let value: serde_json::Value = serde_json::from_slice(&config)
            .map_err(|e| Failure::usage(format!("config is not JSON: {e}")))?;
        println!("{}", serde_json::to_string_pretty(&value).expect("json"));
        return Ok(());
    }
    let summary = match &parsed {
        Manifest::Index(index) => serde_json::json!({
            "reference": reference.to_string(),
            "digest": image.digest.as_str(),
            "mediaType": image.media_type,
            "platforms": index.manifests().iter().map(|m| serde_json::json!({
                "platform": m.platform().as_ref().map(lading_oci::manifest::platform_label),
                "digest": m.digest().to_string(),
                "size": m.size(),
            })).collect::<Vec<_>>(),
        }),
        Manifest::Image(m) => serde_json::json!({
            "reference": reference.to_string(),
            "digest": image.digest.as_str(),
            "mediaType": image.media_type,
            "config": m.config().digest().to_string(),
            "layers": m.layers().iter().map(|l| serde_json::json!({
                "digest": l.digest().to_string(),
                "size": l.size(),
                "mediaType": l.media_type().to_string(),
            })).collect::<Vec<_>>(),
            "size": m.config().size() + m.layers().iter().map(|l| l.size()).sum::<u64>(),
        }),
    };
    if json {
        println!("{summary}");
    } else {
        println!("{}", serde_json::to_string_pretty(&summary).expect("json"));
    }
    Ok(())
}

async fn rm(json: bool, reference: String, conn: Connection) -> Result<(), Failure> {
    let reference: Reference = reference.parse()?;
    let client = conn.client(&reference.registry).await?;
    let digest = match &reference.digest {
        Some(d) => d.parse()?,
        None => {
            let tag = reference.tag.as_deref().unwrap_or("latest");
            client
                .head_manifest(&reference.repository, tag)
                .await?
                .ok_or_else(|| lading_oci::OciError::NotFound {
                    registry: reference.registry.clone(),
                    what: format!("{}:{tag}", reference.repository),
                })?
                .digest
        }
    };
    client
        .delete_manifest(&reference.repository, &digest)
        .await?;
    if json {
        println!("{}", serde_json::json!({"deleted": digest.as_str()}));
    } else {
        println!(
            "deleted {}/{}@{digest}",
            reference.registry, reference.repository
        );
    }
    Ok(())
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let show_progress = !cli.quiet && !cli.json && std::io::stderr().is_terminal();
    match cli.command {
        Command::Push(args) => push(cli.json, show_progress, args).await?,
        Command::Pull {
            src,
            dest,
            platform,
            transfer,
            conn,
        } => pull(cli.json, show_progress, src, dest, platform, transfer, conn).await?,
        Command::Copy {
            src,
            dest,
            platform,
            transfer,
            conn,
        } => copy(cli.json, show_progress, src, dest, platform, transfer, conn).await?,
        Command::Inspect {
            reference,
            config,
            raw,
            platform,
            conn,
        } => inspect(cli.json, reference, config, raw, platform, conn).await?,
        Command::Rm { reference, conn } => rm(cli.json, reference, conn).await?,
        Command::Login {
            registry,
            username,
            password_stdin,
            insecure,
        } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| Failure::usage(format!("cannot read the password: {e}")))?;
                line.trim_end_matches(['\r', '\n']).to_owned()
            } else {
                std::env::var("LADING_PASSWORD").map_err(|_| {
                    Failure::usage(
                        "give the password on stdin with --password-stdin, or in LADING_PASSWORD"
                            .into(),
                    )
                })?
            };
            let credentials = Credentials {
                username,
                password: Secret::from(password),
            };
            // Only credentials the registry accepts are kept.
            let client = RegistryClient::new(
                &registry,
                ClientOptions {
                    credentials: Some(credentials.clone()),
                    insecure,
                    ..Default::default()
                },
            )?;
            client.ping().await?;
            KeychainLogins
                .store(client.registry(), &credentials)
                .map_err(|e| Failure {
                    code: e.code(),
                    message: e.to_string(),
                })?;
            if !cli.json {
                println!("logged in to {}", client.registry());
            }
        }
        Command::Logout { registry } => {
            KeychainLogins.forget(&registry).map_err(|e| Failure {
                code: e.code(),
                message: e.to_string(),
            })?;
            if !cli.json {
                println!("logged out of {registry}");
            }
        }
        Command::Repos { registry, conn } => {
            let repos = conn.client(&registry).await?.catalog().await?;
            print_list(&repos, cli.json);
        }
        Command::Tags { repository, conn } => {
            let (registry, repo) = repository.split_once('/').ok_or_else(|| Failure {
                code: "invalid_reference",
                message: format!("expected host[:port]/repository, got {repository:?}"),
            })?;
            let tags = conn.client(registry).await?.tags(repo).await?;
            print_list(&tags, cli.json);
        }
        Command::Ecr(args) => ecr_cmd::run(args, cli.json).await?,
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Without a keychain (a headless box) logins are simply not found; everything else works.
    let _ = lading_secrets::use_os_store();
    let json = cli.json;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if json {
                eprintln!(
                    "{}",
                    serde_json::json!({"code": failure.code, "message": failure.message})
                );
            } else {
                eprintln!("lading: {}", failure.message);
            }
            ExitCode::FAILURE
        }
    }
}
