//! `lading`: the same engine as the desktop app, for scripts and terminals.

mod args;
mod browse_cmd;
mod ecr;
mod failure;
mod progress;
mod pull_cmd;
mod push_cmd;
mod referrers_cmd;

use args::*;
use browse_cmd::*;
use failure::*;
use pull_cmd::*;
use push_cmd::*;
use referrers_cmd::*;

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
    Pull(PullArgs),
    /// Copy an image between repositories or registries (blobs are mounted within one registry),
    /// with what is attached to it (signatures, SBOMs, attestations) unless --no-referrers.
    Copy(CopyArgs),
    /// List what is attached to an image: OCI referrers (through the registry's API or the
    /// referrers tag schema) and cosign's .sig/.att/.sbom tags.
    Referrers {
        /// host[:port]/repository[:tag|@digest]
        reference: String,
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
    Ecr(ecr::EcrArgs),
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let show_progress = !cli.quiet && !cli.json && std::io::stderr().is_terminal();
    match cli.command {
        Command::Push(args) => push(cli.json, show_progress, args).await?,
        Command::Pull(args) => pull(cli.json, show_progress, args).await?,
        Command::Copy(args) => copy(cli.json, show_progress, args).await?,
        Command::Referrers { reference, conn } => list_referrers(cli.json, reference, conn).await?,
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
                    endpoint_map: lading_oci::EndpointMap::from_env(),
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
            let existed = KeychainLogins.forget(&registry).map_err(|e| Failure {
                code: e.code(),
                message: e.to_string(),
            })?;
            if !existed {
                return Err(Failure {
                    code: "not_signed_in",
                    message: format!("no saved login for {registry} in the keychain"),
                });
            }
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
        Command::Ecr(args) => ecr::run(args, cli.json).await?,
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
