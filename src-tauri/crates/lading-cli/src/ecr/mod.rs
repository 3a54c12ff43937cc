//! `lading ecr …`: the ECR control plane from the command line.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use lading_ecr::{EcrClient, EcrTarget, NewRepository, TagMutability};

use crate::Failure;

mod policies;
mod push;
mod registry;
mod repos;
mod scanning;

#[derive(Args)]
pub struct EcrArgs {
    /// AWS profile (default: the AWS CLI's resolution: AWS_PROFILE, then `default`).
    #[arg(long, env = "AWS_PROFILE", global = true)]
    profile: Option<String>,
    /// AWS region (default: AWS_REGION, then the profile's region).
    #[arg(long, env = "AWS_REGION", global = true)]
    region: Option<String>,
    /// Another ECR API endpoint, e.g. an emulator (aws-config also honours AWS_ENDPOINT_URL_ECR).
    #[arg(long, global = true)]
    endpoint_url: Option<String>,
    /// Another account's registry these credentials may use (its 12-digit ID).
    #[arg(long, global = true)]
    registry_id: Option<String>,
    #[command(subcommand)]
    command: EcrCommand,
}

#[derive(Subcommand)]
enum EcrCommand {
    /// The AWS profiles in ~/.aws/config and ~/.aws/credentials (names and kinds, no secrets).
    Profiles,
    /// The registry the profile and region lead to: account ID and registry URL.
    Registry,
    /// List the repositories of the registry.
    Repos,
    /// Create a repository.
    CreateRepo {
        name: String,
        /// MUTABLE, IMMUTABLE, MUTABLE_WITH_EXCLUSION or IMMUTABLE_WITH_EXCLUSION.
        #[arg(long, default_value = "MUTABLE")]
        mutability: String,
        /// A wildcard tag filter for the …_WITH_EXCLUSION modes (repeatable).
        #[arg(long = "exclude")]
        exclusions: Vec<String>,
        #[arg(long)]
        scan_on_push: bool,
        /// Encrypt with KMS (the AWS managed key unless a key ARN is given).
        #[arg(long, num_args = 0..=1, default_missing_value = "")]
        kms: Option<String>,
        /// A resource tag KEY=VALUE (repeatable).
        #[arg(long = "tag", value_parser = parse_key_value)]
        tags: Vec<(String, String)>,
    },
    /// Delete a repository; one that holds images needs --force (which deletes them too).
    DeleteRepo {
        name: String,
        #[arg(long)]
        force: bool,
    },
    /// The images of a repository with tags, size, push and pull times, scan status.
    Images {
        repository: String,
        #[arg(long)]
        untagged: bool,
        /// The archived images (and those being restored), which ECR lists only when asked.
        #[arg(long)]
        archived: bool,
    },
    /// Move an image to the archive storage class (REPOSITORY:TAG or REPOSITORY@DIGEST).
    Archive { image: String },
    /// Restore an archived image to the standard storage class.
    Restore { image: String },
    /// Repository policy.
    Policy {
        #[command(subcommand)]
        command: DocCommand,
    },
    /// Lifecycle policy, and a local dry run of one.
    Lifecycle {
        #[command(subcommand)]
        command: LifecycleCommand,
    },
    /// Push an image through ECR's API (no registry endpoint needed): SOURCE as for `lading push`,
    /// DEST is REPOSITORY[:TAG].
    Push {
        source: PathBuf,
        dest: String,
        /// Which image of a multi-image archive: one of its tags or its 1-based position.
        #[arg(long)]
        image: Option<String>,
        #[arg(long, default_value_t = lading_oci::push::default_jobs())]
        jobs: usize,
    },
    /// The repository's resource tags (KEY=VALUE per line).
    Tags { repository: String },
    /// Add or change resource tags of a repository.
    Tag {
        repository: String,
        #[arg(required = true, value_parser = parse_key_value)]
        tags: Vec<(String, String)>,
    },
    /// Remove resource tags of a repository, by key.
    Untag {
        repository: String,
        #[arg(required = true)]
        keys: Vec<String>,
    },
    /// The registry policy (who may replicate into or pull through this registry).
    RegistryPolicy {
        #[command(subcommand)]
        command: RegistryDocCommand,
    },
    /// The registry's replication configuration (destinations, repository prefix filters).
    Replication {
        #[command(subcommand)]
        command: ReplicationCommand,
    },
    /// Pull-through cache rules: a repository prefix here that mirrors an upstream registry.
    PullThrough {
        #[command(subcommand)]
        command: PullThroughCommand,
    },
    /// Repository creation templates: what ECR gives the repositories it creates under a prefix.
    Templates {
        #[command(subcommand)]
        command: TemplatesCommand,
    },
    /// Start a basic scan of REPOSITORY:TAG or REPOSITORY@DIGEST (ECR allows one a day).
    Scan { image: String },
    /// Every finding of the image's last scan, basic or enhanced, most severe first.
    Findings { image: String },
    /// The registry's scanning configuration (basic/enhanced, scan on push, continuous rules).
    ScanningConfig {
        #[command(subcommand)]
        command: ScanningConfigCommand,
    },
    /// Print the `docker login` line for this registry (the password only with --password).
    LoginCommand {
        /// Print the password itself (to pipe into `docker login --password-stdin`).
        #[arg(long)]
        password: bool,
    },
}

#[derive(Subcommand)]
enum RegistryDocCommand {
    Get,
    /// Validate FILE locally, then store it.
    Set {
        file: PathBuf,
    },
    Delete,
}

#[derive(Subcommand)]
enum ReplicationCommand {
    Get,
    /// Replace it with FILE: the JSON `replication get --json` prints, checked first.
    Set {
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum PullThroughCommand {
    List,
    /// PREFIX mirrors UPSTREAM (registry-1.docker.io, public.ecr.aws, quay.io, ghcr.io, …).
    Create {
        prefix: String,
        upstream: String,
        /// A Secrets Manager secret named ecr-pullthroughcache/… (Docker Hub, GHCR, GitLab, Azure).
        #[arg(long)]
        credential: Option<String>,
    },
    Delete {
        prefix: String,
    },
}

#[derive(Subcommand)]
enum TemplatesCommand {
    List,
    /// Create one from FILE: the JSON of one entry `templates list --json` prints, checked first.
    Create {
        file: PathBuf,
    },
    Delete {
        prefix: String,
    },
}

#[derive(Subcommand)]
enum ScanningConfigCommand {
    Get,
    /// Replace it with FILE: the JSON `scanning-config get --json` prints, checked first.
    Set {
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum DocCommand {
    Get {
        repository: String,
    },
    /// Validate FILE locally, then store it.
    Set {
        repository: String,
        file: PathBuf,
    },
    Delete {
        repository: String,
    },
}

#[derive(Subcommand)]
enum LifecycleCommand {
    Get {
        repository: String,
    },
    /// Validate FILE against every documented constraint, then store it.
    Put {
        repository: String,
        file: PathBuf,
    },
    Delete {
        repository: String,
    },
    /// Evaluate a policy: offline against `--images` (the JSON of `aws ecr describe-images`),
    /// else against REPOSITORY's images read live.
    Preview {
        repository: Option<String>,
        #[arg(long)]
        policy: PathBuf,
        #[arg(long)]
        images: Option<PathBuf>,
        /// Evaluate as of this time (RFC 3339), default now.
        #[arg(long)]
        now: Option<String>,
    },
}

fn parse_key_value(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("expected KEY=VALUE, got {s:?}"))
}

fn read_file(path: &PathBuf) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure::usage(format!("{}: {e}", path.display())))
}

fn print_json(value: &impl serde::Serialize) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("serialises")
    );
}

pub async fn run(args: EcrArgs, json: bool) -> Result<(), Failure> {
    let profile = args.profile.clone();
    run_command(args, json).await.map_err(|mut failure| {
        // An SSO profile without a live session: say what to run.
        if failure.code == "aws_credentials" {
            if let Some(advice) = lading_ecr::profiles::sso_login_advice(profile.as_deref()) {
                failure.message = format!("{advice} ({})", failure.message);
            }
        }
        failure
    })
}

async fn run_command(args: EcrArgs, json: bool) -> Result<(), Failure> {
    // Offline commands need no AWS client.
    match &args.command {
        EcrCommand::Profiles => {
            let profiles = lading_ecr::profiles::discover_profiles();
            if json {
                print_json(&profiles);
            } else {
                for p in profiles {
                    println!(
                        "{:<24} {:<12} {}",
                        p.name,
                        p.kind,
                        p.region.unwrap_or_default()
                    );
                }
            }
            return Ok(());
        }
        EcrCommand::Lifecycle {
            command: LifecycleCommand::Preview {
                images: Some(_), ..
            },
        } => {
            let EcrCommand::Lifecycle {
                command:
                    LifecycleCommand::Preview {
                        repository,
                        policy,
                        images,
                        now,
                    },
            } = args.command
            else {
                unreachable!()
            };
            return policies::preview(None, repository, policy, images, now, json).await;
        }
        _ => {}
    }
    let client = EcrClient::connect(&EcrTarget {
        profile: args.profile.clone(),
        region: args.region.clone(),
        endpoint_url: args.endpoint_url.clone(),
    })
    .await?
    .for_registry(args.registry_id.as_deref())?;
    match args.command {
        EcrCommand::Profiles => unreachable!("handled above"),
        EcrCommand::Registry => repos::registry(&client, json).await?,
        EcrCommand::Repos => repos::list(&client, json).await?,
        EcrCommand::CreateRepo {
            name,
            mutability,
            exclusions,
            scan_on_push,
            kms,
            tags,
        } => {
            let spec = NewRepository {
                name,
                mutability: TagMutability::parse(&mutability, exclusions)?,
                scan_on_push,
                encryption: kms.map(|key| lading_ecr::Encryption::Kms {
                    key: (!key.is_empty()).then_some(key),
                }),
                tags,
            };
            repos::create(&client, &spec, json).await?
        }
        EcrCommand::DeleteRepo { name, force } => {
            client.delete_repository(&name, force).await?;
            if !json {
                println!("deleted {name}");
            }
        }
        EcrCommand::Images {
            repository,
            untagged,
            archived,
        } => repos::images(&client, &repository, untagged, archived, json).await?,
        EcrCommand::Archive { image } => {
            scanning::storage_class(&client, &image, true, json).await?
        }
        EcrCommand::Restore { image } => {
            scanning::storage_class(&client, &image, false, json).await?
        }
        EcrCommand::Policy { command } => policies::repository_policy(&client, command).await?,
        EcrCommand::Lifecycle { command } => policies::lifecycle(&client, command, json).await?,
        EcrCommand::Push {
            source,
            dest,
            image,
            jobs,
        } => push::push(&client, source, &dest, image.as_deref(), jobs, json).await?,
        EcrCommand::Tags { repository } => repos::tags(&client, &repository, json).await?,
        EcrCommand::Tag { repository, tags } => {
            client.tag_repository(&repository, &tags).await?;
            repos::tags(&client, &repository, json).await?
        }
        EcrCommand::Untag { repository, keys } => {
            client.untag_repository(&repository, &keys).await?;
            repos::tags(&client, &repository, json).await?
        }
        EcrCommand::RegistryPolicy { command } => match command {
            RegistryDocCommand::Get => match client.registry_policy().await? {
                Some(text) => println!("{text}"),
                None if json => println!("null"),
                None => eprintln!("the registry has no registry policy"),
            },
            RegistryDocCommand::Set { file } => {
                client.set_registry_policy(&read_file(&file)?).await?;
                if !json {
                    println!("stored the registry policy");
                }
            }
            RegistryDocCommand::Delete => {
                client.delete_registry_policy().await?;
                if !json {
                    println!("deleted the registry policy");
                }
            }
        },
        EcrCommand::Replication { command } => match command {
            ReplicationCommand::Get => registry::replication(&client.replication().await?, json),
            ReplicationCommand::Set { file } => {
                let text = read_file(&file)?;
                let wanted: lading_ecr::Replication = serde_json::from_str(&text)
                    .map_err(|e| Failure::usage(format!("{}: {e}", file.display())))?;
                registry::replication(&client.set_replication(&wanted).await?, json)
            }
        },
        EcrCommand::PullThrough { command } => match command {
            PullThroughCommand::List => {
                registry::pull_through(&client.pull_through_rules().await?, json)
            }
            PullThroughCommand::Create {
                prefix,
                upstream,
                credential,
            } => {
                let made = client
                    .create_pull_through_rule(&lading_ecr::pull_through::PullThroughRule {
                        prefix,
                        upstream_url: upstream,
                        credential_arn: credential,
                        upstream: None,
                        created_at: None,
                    })
                    .await?;
                registry::pull_through(&[made], json)
            }
            PullThroughCommand::Delete { prefix } => {
                client.delete_pull_through_rule(&prefix).await?;
                if !json {
                    println!("deleted the pull-through cache rule {prefix}");
                }
            }
        },
        EcrCommand::Templates { command } => match command {
            TemplatesCommand::List => {
                registry::templates(&client.creation_templates().await?, json)
            }
            TemplatesCommand::Create { file } => {
                let text = read_file(&file)?;
                let template: lading_ecr::templates::CreationTemplate = serde_json::from_str(&text)
                    .map_err(|e| Failure::usage(format!("{}: {e}", file.display())))?;
                client.create_creation_template(&template).await?;
                if !json {
                    println!("created the template for {}", template.prefix);
                }
            }
            TemplatesCommand::Delete { prefix } => {
                client.delete_creation_template(&prefix).await?;
                if !json {
                    println!("deleted the template for {prefix}");
                }
            }
        },
        EcrCommand::Scan { image } => scanning::scan(&client, &image, json).await?,
        EcrCommand::Findings { image } => scanning::findings(&client, &image, json).await?,
        EcrCommand::ScanningConfig { command } => match command {
            ScanningConfigCommand::Get => scanning::config_get(&client, json).await?,
            ScanningConfigCommand::Set { file } => {
                scanning::config_set(&client, &file, json).await?
            }
        },
        EcrCommand::LoginCommand { password } => {
            repos::login_command(&client, password, json).await?
        }
    }
    Ok(())
}
