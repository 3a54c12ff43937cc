//! `lading ecr registry|repos|create-repo|images|tags|login-command`.

use lading_ecr::{EcrClient, NewRepository};

use super::print_json;
use crate::Failure;

pub(super) async fn registry(client: &EcrClient, json: bool) -> Result<(), Failure> {
    let registry = client.registry().await?;
    if json {
        print_json(&registry);
    } else {
        println!(
            "account {}  region {}  {}",
            registry.account, registry.region, registry.url
        );
    }
    Ok(())
}

pub(super) async fn list(client: &EcrClient, json: bool) -> Result<(), Failure> {
    let repos = client.list_repositories().await?;
    if json {
        print_json(&repos);
    } else {
        for r in repos {
            println!("{:<40} {:<26} {}", r.name, r.tag_mutability, r.uri);
        }
    }
    Ok(())
}

pub(super) async fn create(
    client: &EcrClient,
    spec: &NewRepository,
    json: bool,
) -> Result<(), Failure> {
    let repo = client.create_repository_with(spec).await?;
    if json {
        print_json(&repo);
    } else {
        println!("{}", repo.uri);
    }
    Ok(())
}

pub(super) async fn images(
    client: &EcrClient,
    repository: &str,
    untagged: bool,
    archived: bool,
    json: bool,
) -> Result<(), Failure> {
    let mut images = if archived {
        let mut all = client.describe_all_images(repository).await?;
        all.retain(|i| i.image_status.as_deref() != Some("ACTIVE"));
        all
    } else {
        client.describe_images(repository).await?
    };
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
            let status = match (i.image_status.as_deref(), i.archived_at) {
                (Some("ARCHIVED"), Some(at)) => format!("archived {}", lading_ecr::rfc3339(at)),
                (Some(s @ ("ARCHIVED" | "ACTIVATING")), _) => s.to_lowercase(),
                _ => i.scan_status.unwrap_or_default(),
            };
            println!("{}  {tags:<30} {size:>10}  {status}", i.digest);
        }
    }
    Ok(())
}

pub(super) async fn login_command(
    client: &EcrClient,
    password: bool,
    json: bool,
) -> Result<(), Failure> {
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
    Ok(())
}

pub(super) async fn tags(client: &EcrClient, repository: &str, json: bool) -> Result<(), Failure> {
    let tags = client.list_tags(repository).await?;
    if json {
        let map: serde_json::Map<String, serde_json::Value> = tags
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect();
        print_json(&map);
    } else {
        for (key, value) in tags {
            println!("{key}={value}");
        }
    }
    Ok(())
}
