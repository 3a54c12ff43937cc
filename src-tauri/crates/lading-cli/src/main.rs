//! `lading`: the same engine as the desktop app, for scripts and terminals.

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use lading_oci::{ClientOptions, Credentials, RegistryClient};
use lading_secrets::Secret;

#[derive(Parser)]
#[command(
    name = "lading",
    version,
    about = "Browse and manage container registries"
)]
struct Cli {
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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

async fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
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
