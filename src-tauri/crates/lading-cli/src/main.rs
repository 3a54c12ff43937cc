//! `lading`: the same engine as the desktop app, for scripts and terminals.

mod progress;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use humansize::{format_size, BINARY};
use lading_oci::cache::BlobCache;
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
    /// Amazon ECR commands.
    Ecr {
        #[command(subcommand)]
        command: EcrCommand,
    },
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

#[derive(Subcommand)]
enum EcrCommand {
    /// List the repositories of an ECR registry.
    Repos {
        #[command(flatten)]
        target: EcrArgs,
    },
}

#[derive(Args)]
struct EcrArgs {
    /// AWS profile (default: the AWS CLI's default resolution).
    #[arg(long, env = "AWS_PROFILE")]
    profile: Option<String>,
    #[arg(long, env = "AWS_REGION")]
    region: String,
    /// Another ECR API endpoint, e.g. an emulator (aws-config also honours AWS_ENDPOINT_URL_ECR).
    #[arg(long)]
    endpoint_url: Option<String>,
}

#[derive(Args)]
struct Transfer {
    /// Blobs transferred in parallel.
    #[arg(long, default_value_t = lading_oci::push::default_jobs())]
    jobs: usize,
}

#[derive(Args)]
struct Connection {
    /// Use plain HTTP for a non-loopback registry.
    #[arg(long)]
    insecure: bool,
    /// Username for basic/token auth; the password comes from LADING_PASSWORD.
    #[arg(long, short = 'u')]
    username: Option<String>,
}

impl Connection {
    fn client(&self, registry: &str) -> Result<RegistryClient, Failure> {
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
        Ok(RegistryClient::new(
            registry,
            ClientOptions {
                credentials,
                insecure: self.insecure,
                page_size: None,
            },
        )?)
    }
}

struct Failure {
    code: &'static str,
    message: String,
}

impl Failure {
    fn usage(message: String) -> Self {
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
fn select_image<'a>(
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

/// The tags an image carries in its source: `repo:tag` → `tag`.
fn source_tags(image: &SourceImage) -> Vec<String> {
    image
        .names()
        .iter()
        .filter_map(|name| {
            let last = name.rsplit('/').next()?;
            last.split_once(':')
                .map(|(_, tag)| tag.to_owned())
                .or_else(|| {
                    // An OCI ref name may be a bare tag.
                    (!name.contains('/')).then(|| name.clone())
                })
        })
        .collect()
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
        let mut tags = source_tags(selected);
        tags.dedup();
        if tags.is_empty() {
            tags.push("latest".to_owned());
        }
        tags
    };
    let client = conn.client(&reference.registry)?;
    let progress = show_progress.then(|| Arc::new(progress::Progress::new()));
    let options = PushOptions {
        jobs: transfer.jobs.max(1),
        compression: match compression {
            CompressionArg::Gzip => LayerCompression::Gzip,
            CompressionArg::Zstd => LayerCompression::Zstd,
        },
        cache: Arc::new(BlobCache::load(&data_dir)),
        progress: progress.clone().map(|p| {
            let f: lading_oci::push::ProgressFn = Arc::new(move |e| p.update(e));
            f
        }),
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

async fn run(cli: Cli) -> Result<(), Failure> {
    let show_progress = !cli.quiet && !cli.json && std::io::stderr().is_terminal();
    match cli.command {
        Command::Push(args) => push(cli.json, show_progress, args).await?,
        Command::Repos { registry, conn } => {
            let repos = conn.client(&registry)?.catalog().await?;
            print_list(&repos, cli.json);
        }
        Command::Tags { repository, conn } => {
            let (registry, repo) = repository.split_once('/').ok_or_else(|| Failure {
                code: "invalid_reference",
                message: format!("expected host[:port]/repository, got {repository:?}"),
            })?;
            let tags = conn.client(registry)?.tags(repo).await?;
            print_list(&tags, cli.json);
        }
        Command::Ecr {
            command: EcrCommand::Repos { target },
        } => {
            let client = lading_ecr::EcrClient::connect(&lading_ecr::EcrTarget {
                profile: target.profile,
                region: target.region,
                endpoint_url: target.endpoint_url,
            })
            .await?;
            let names: Vec<String> = client
                .list_repositories()
                .await?
                .into_iter()
                .map(|r| r.name)
                .collect();
            print_list(&names, cli.json);
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
