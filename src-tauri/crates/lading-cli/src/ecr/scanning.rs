//! `lading ecr scan|findings|scanning-config|archive|restore`: per-image actions.

use std::path::PathBuf;

use lading_ecr::{EcrClient, ImageRef, ScanningConfiguration};

use super::{print_json, read_file};
use crate::Failure;

/// `REPO:TAG` or `REPO@DIGEST`.
fn split_image(image: &str) -> Result<(&str, ImageRef), Failure> {
    let (repository, reference) = image
        .split_once('@')
        .or_else(|| image.rsplit_once(':').filter(|(_, tag)| !tag.contains('/')))
        .ok_or_else(|| {
            Failure::usage(format!(
                "{image:?}: expected REPOSITORY:TAG or REPOSITORY@DIGEST"
            ))
        })?;
    Ok((repository, ImageRef::parse(reference)))
}

pub(super) async fn scan(client: &EcrClient, image: &str, json: bool) -> Result<(), Failure> {
    let (repository, reference) = split_image(image)?;
    let status = client.start_image_scan(repository, &reference).await?;
    if json {
        print_json(&serde_json::json!({ "status": status }));
    } else {
        println!(
            "scan of {image}: {}",
            status.to_lowercase().replace('_', " ")
        );
    }
    Ok(())
}

const SEVERITY_ORDER: [&str; 7] = [
    "CRITICAL",
    "HIGH",
    "MEDIUM",
    "LOW",
    "INFORMATIONAL",
    "UNDEFINED",
    "UNTRIAGED",
];

fn rank(severity: &str) -> usize {
    SEVERITY_ORDER
        .iter()
        .position(|s| *s == severity)
        .unwrap_or(SEVERITY_ORDER.len())
}

pub(super) async fn findings(client: &EcrClient, image: &str, json: bool) -> Result<(), Failure> {
    let (repository, reference) = split_image(image)?;
    let mut found = client.scan_findings(repository, &reference).await?;
    found.findings.sort_by(|a, b| {
        rank(&a.severity)
            .cmp(&rank(&b.severity))
            .then(a.id.cmp(&b.id))
    });
    if json {
        print_json(&found);
        return Ok(());
    }
    let Some(status) = &found.status else {
        println!("{image} has not been scanned (lading ecr scan {image})");
        return Ok(());
    };
    let counts: Vec<String> = SEVERITY_ORDER
        .iter()
        .filter_map(|s| {
            found
                .counts
                .get(*s)
                .map(|n| format!("{n} {}", s.to_lowercase()))
        })
        .collect();
    println!(
        "{} scan: {}{}{}",
        if found.enhanced { "enhanced" } else { "basic" },
        status.to_lowercase().replace('_', " "),
        found
            .status_description
            .as_deref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default(),
        if counts.is_empty() {
            String::new()
        } else {
            format!(": {}", counts.join(", "))
        }
    );
    for f in &found.findings {
        println!(
            "{:<14} {:<20} {:>4} {:<24} {:<20} {}",
            f.severity,
            f.id,
            f.score.map(|s| format!("{s:.1}")).unwrap_or_default(),
            format!(
                "{} {}",
                f.package.as_deref().unwrap_or("-"),
                f.installed_version.as_deref().unwrap_or("")
            )
            .trim_end(),
            f.fixed_in
                .as_deref()
                .map(|v| format!("fixed in {v}"))
                .unwrap_or_default(),
            f.url.as_deref().unwrap_or_default()
        );
    }
    Ok(())
}

pub(super) async fn config_get(client: &EcrClient, json: bool) -> Result<(), Failure> {
    let config = client.scanning_configuration().await?;
    if json {
        print_json(&config);
    } else {
        println!("{} scanning", config.scan_type.to_lowercase());
        for rule in &config.rules {
            println!("  {:<16} {}", rule.frequency, rule.filters.join(", "));
        }
        if config.rules.is_empty() {
            println!("  no rule: images are scanned only when asked");
        }
    }
    Ok(())
}

/// FILE is the JSON `scanning-config get --json` prints.
pub(super) async fn config_set(
    client: &EcrClient,
    file: &PathBuf,
    json: bool,
) -> Result<(), Failure> {
    let text = read_file(file)?;
    let wanted: ScanningConfiguration = serde_json::from_str(&text)
        .map_err(|e| Failure::usage(format!("{}: {e}", file.display())))?;
    let stored = client.set_scanning_configuration(&wanted).await?;
    if json {
        print_json(&stored);
    } else {
        println!(
            "stored: {} scanning, {} rule(s)",
            stored.scan_type.to_lowercase(),
            stored.rules.len()
        );
    }
    Ok(())
}

/// `archive` / `restore`: moves the image between storage classes.
pub(super) async fn storage_class(
    client: &EcrClient,
    image: &str,
    archive: bool,
    json: bool,
) -> Result<(), Failure> {
    let (repository, reference) = split_image(image)?;
    let status = client
        .set_image_storage_class(repository, &reference, archive)
        .await?;
    if json {
        print_json(&serde_json::json!({ "status": status }));
    } else {
        println!("{image}: {}", status.to_lowercase());
    }
    Ok(())
}
