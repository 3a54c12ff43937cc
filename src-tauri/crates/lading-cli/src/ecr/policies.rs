//! `lading ecr policy …` and `lading ecr lifecycle …`, with the lifecycle dry run.

use std::path::PathBuf;

use lading_ecr::lifecycle::{EvalImage, LifecyclePolicy, Outcome};
use lading_ecr::EcrClient;

use super::{print_json, read_file, DocCommand, LifecycleCommand};
use crate::Failure;

pub(super) async fn repository_policy(
    client: &EcrClient,
    command: DocCommand,
) -> Result<(), Failure> {
    match command {
        DocCommand::Get { repository } => match client.get_repository_policy(&repository).await? {
            Some(text) => println!("{text}"),
            None => {
                return Err(Failure {
                    code: "no_policy",
                    message: format!("{repository} has no repository policy"),
                })
            }
        },
        DocCommand::Set { repository, file } => {
            client
                .set_repository_policy(&repository, &read_file(&file)?)
                .await?
        }
        DocCommand::Delete { repository } => client.delete_repository_policy(&repository).await?,
    }
    Ok(())
}

pub(super) async fn lifecycle(
    client: &EcrClient,
    command: LifecycleCommand,
    json: bool,
) -> Result<(), Failure> {
    match command {
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
        } => preview(Some(client), repository, policy, images, now, json).await?,
    }
    Ok(())
}

pub(super) async fn preview(
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
            .describe_all_images(&repository)
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
