//! `lading ecr …`: the ECR control plane from the command line.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use lading_ecr::lifecycle::{EvalImage, LifecyclePolicy, Outcome};
use lading_ecr::{EcrClient, EcrTarget, NewRepository, TagMutability};

use crate::Failure;

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
    },
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
    /// Print the `docker login` line for this registry (the password only with --password).
    LoginCommand {
        /// Print the password itself (to pipe into `docker login --password-stdin`).
        #[arg(long)]
        password: bool,
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

async fn preview(
    client: Option<&EcrClient>,
    repository: Option<String>,
    policy: PathBuf,
    images: Option<PathBuf>,
    now: Option<String>,
    json: bool,
) -> Result<(), Failure> {
    let policy = LifecyclePolicy::parse(&read_file(&policy)?).map_err(|issues| Failure {
        code: "invalid_policy",
        message: issues
            .iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join("; "),
    })?;
    let now = match now {
        Some(t) => lading_ecr::lifecycle::parse_time(&serde_json::Value::String(t.clone()))
            .ok_or_else(|| Failure::usage(format!("--now {t:?} is not an RFC 3339 time")))?,
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
    };
    let live_repository = if images.is_none() {
        repository.clone()
    } else {
        None
    };
    let images = match (images, repository, client) {
        (Some(file), _, _) => lading_ecr::lifecycle::images_from_describe_json(&read_file(&file)?)
            .map_err(|e| Failure::usage(format!("--images: {e}")))?,
        (None, Some(repository), Some(client)) => client
            .describe_images(&repository)
            .await?
            .iter()
            .map(EvalImage::from)
            .collect(),
        _ => {
            return Err(Failure::usage(
                "give --images FILE, or a REPOSITORY to read live".into(),
            ))
        }
    };
    let verdicts = policy.evaluate(&images, now);
    // Beside our answer, ECR's own when previewing live: any disagreement is flagged.
    let server = match (client, &live_repository) {
        (Some(client), Some(repository)) => Some(
            client
                .server_lifecycle_preview(
                    repository,
                    &policy.to_json(),
                    std::time::Duration::from_secs(60),
                )
                .await,
        ),
        _ => None,
    };
    let disagreements: Vec<String> = match &server {
        Some(Ok(results)) => lading_ecr::lifecycle::server_disagreements(&verdicts, results),
        _ => Vec::new(),
    };
    match &server {
        Some(Err(e)) => {
            eprintln!("server-side preview unavailable here ({e}); showing the local evaluation")
        }
        Some(Ok(_)) if disagreements.is_empty() => eprintln!("ECR's own preview agrees"),
        Some(Ok(_)) => eprintln!(
            "ECR's own preview DISAGREES on: {}",
            disagreements.join(", ")
        ),
        None => {}
    }
    let action_of = |priority: i64| {
        policy
            .rules
            .iter()
            .find(|r| r.rule_priority == priority)
            .map(|r| format!("{:?}", r.action.kind).to_ascii_lowercase())
            .unwrap_or_default()
    };
    if json {
        let mut expiring = Vec::new();
        let mut kept = Vec::new();
        for v in &verdicts {
            match v.outcome {
                Outcome::Expired { rule_priority } | Outcome::Transitioned { rule_priority } => {
                    expiring.push(serde_json::json!({
                        "imageDigest": v.digest, "imageTags": v.tags,
                        "rulePriority": rule_priority, "action": action_of(rule_priority),
                    }))
                }
                Outcome::Kept { protected_by } => kept.push(serde_json::json!({
                    "imageDigest": v.digest, "imageTags": v.tags, "protectedBy": protected_by,
                })),
            }
        }
        let mut out = serde_json::json!({ "expiring": expiring, "kept": kept });
        match &server {
            Some(Ok(_)) => out["serverDisagreements"] = serde_json::json!(disagreements),
            Some(Err(e)) => {
                out["serverPreview"] = serde_json::json!({ "unavailable": e.to_string() })
            }
            None => {}
        }
        print_json(&out);
        return Ok(());
    }
    println!("{:<20} {:<30} RESULT", "IMAGE", "TAGS");
    for v in &verdicts {
        let result = match v.outcome {
            Outcome::Expired { rule_priority } => format!("expire (rule {rule_priority})"),
            Outcome::Transitioned { rule_priority } => format!("archive (rule {rule_priority})"),
            Outcome::Kept {
                protected_by: Some(p),
            } => format!("keep (protected by rule {p})"),
            Outcome::Kept { protected_by: None } => "keep (no rule selects it)".to_owned(),
        };
        let short = v
            .digest
            .trim_start_matches("sha256:")
            .chars()
            .take(12)
            .collect::<String>();
        let tags = if v.tags.is_empty() {
            "<untagged>".to_owned()
        } else {
            v.tags.join(",")
        };
        println!("{short:<20} {tags:<30} {result}");
    }
    let expiring = verdicts
        .iter()
        .filter(|v| !matches!(v.outcome, Outcome::Kept { .. }))
        .count();
    println!(
        "\n{expiring} of {} images would expire or move",
        verdicts.len()
    );
    Ok(())
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
            return preview(None, repository, policy, images, now, json).await;
        }
        _ => {}
    }
    let client = EcrClient::connect(&EcrTarget {
        profile: args.profile.clone(),
        region: args.region.clone(),
        endpoint_url: args.endpoint_url.clone(),
    })
    .await?;
    match args.command {
        EcrCommand::Profiles => unreachable!("handled above"),
        EcrCommand::Registry => {
            let registry = client.registry().await?;
            if json {
                print_json(&registry);
            } else {
                println!(
                    "account {}  region {}  {}",
                    registry.account, registry.region, registry.url
                );
            }
        }
        EcrCommand::Repos => {
            let repos = client.list_repositories().await?;
            if json {
                print_json(&repos);
            } else {
                for r in repos {
                    println!("{:<40} {:<26} {}", r.name, r.tag_mutability, r.uri);
                }
            }
        }
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
            let repo = client.create_repository_with(&spec).await?;
            if json {
                print_json(&repo);
            } else {
                println!("{}", repo.uri);
            }
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
        } => {
            let mut images = client.describe_images(&repository).await?;
            if untagged {
                images.retain(|i| i.tags.is_empty());
            }
            images.sort_by_key(|i| std::cmp::Reverse(i.pushed_at));
            if json {
                print_json(&images);
            } else {
                for i in images {
                    let tags = if i.tags.is_empty() {
                        "<untagged>".to_owned()
                    } else {
                        i.tags.join(",")
                    };
                    let size = i
                        .size_bytes
                        .map(|s| humansize::format_size(s as u64, humansize::BINARY))
                        .unwrap_or_default();
                    println!(
                        "{}  {tags:<30} {size:>10}  {}",
                        i.digest,
                        i.scan_status.unwrap_or_default()
                    );
                }
            }
        }
        EcrCommand::Policy { command } => match command {
            DocCommand::Get { repository } => {
                match client.get_repository_policy(&repository).await? {
                    Some(text) => println!("{text}"),
                    None => {
                        return Err(Failure {
                            code: "no_policy",
                            message: format!("{repository} has no repository policy"),
                        })
                    }
                }
            }
            DocCommand::Set { repository, file } => {
                client
                    .set_repository_policy(&repository, &read_file(&file)?)
                    .await?
            }
            DocCommand::Delete { repository } => {
                client.delete_repository_policy(&repository).await?
            }
        },
        EcrCommand::Lifecycle { command } => match command {
            LifecycleCommand::Get { repository } => {
                match client.get_lifecycle_policy(&repository).await? {
                    Some(text) => println!("{text}"),
                    None => {
                        return Err(Failure {
                            code: "no_policy",
                            message: format!("{repository} has no lifecycle policy"),
                        })
                    }
                }
            }
            LifecycleCommand::Put { repository, file } => {
                client
                    .put_lifecycle_policy(&repository, &read_file(&file)?)
                    .await?
            }
            LifecycleCommand::Delete { repository } => {
                client.delete_lifecycle_policy(&repository).await?
            }
            LifecycleCommand::Preview {
                repository,
                policy,
                images,
                now,
            } => preview(Some(&client), repository, policy, images, now, json).await?,
        },
        EcrCommand::Push {
            source,
            dest,
            image,
            jobs,
        } => {
            let (repository, tag) = match dest.rsplit_once(':') {
                Some((r, t)) if !t.contains('/') => (r.to_owned(), Some(t.to_owned())),
                _ => (dest.clone(), None),
            };
            let repo = client.describe_repository(&repository).await?;
            let host = repo.uri.split('/').next().unwrap_or_default().to_owned();
            let scratch = std::env::temp_dir();
            let opened = tokio::task::spawn_blocking(move || {
                lading_oci::source::Source::open(&source, &scratch)
            })
            .await
            .map_err(|e| Failure::usage(e.to_string()))??;
            let selected = crate::select_image(&opened, image.as_deref())?;
            let tags = match tag {
                Some(t) => vec![t],
                None => {
                    let mut t = selected.tags();
                    if t.is_empty() {
                        t.push("latest".to_owned());
                    }
                    t
                }
            };
            let options = lading_oci::push::PushOptions {
                jobs: jobs.max(1),
                cache: std::sync::Arc::new(lading_oci::cache::BlobCache::load(
                    &lading_oci::paths::data_dir(),
                )),
                ..Default::default()
            };
            let sink = lading_ecr::EcrApiSink::new(&client, &host, &repository);
            let report = lading_oci::push::push_image_to(&sink, &tags, selected, &options).await?;
            if json {
                print_json(&report);
            } else {
                for tag in &report.tags {
                    println!("{}:{tag}", repo.uri);
                }
                println!("{}@{}", repo.uri, report.manifest_digest);
            }
        }
        EcrCommand::LoginCommand { password } => {
            let token = client.authorization_token().await?;
            if password {
                println!("{}", token.password.expose());
            } else if json {
                print_json(&serde_json::json!({
                    "username": token.username,
                    "proxyEndpoint": token.proxy_endpoint,
                    "command": format!("docker login --username {} --password-stdin {}", token.username, token.proxy_endpoint),
                }));
            } else {
                println!(
                    "docker login --username {} --password-stdin {}",
                    token.username, token.proxy_endpoint
                );
            }
        }
    }
    Ok(())
}
