//! The lifecycle policy editor's backend: the stored policy, a local dry run of the edited text
//! on the repository's current images (the ECR crate's evaluator, the same one the CLI's
//! `lifecycle preview` uses), ECR's own preview where the endpoint has one, and a save that is
//! refused unless the dry run of exactly that text was shown.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use lading_ecr::lifecycle::{
    server_disagreements, wildcard_match, EvalImage, LifecyclePolicy, Outcome,
};
use lading_ecr::ImageRef;

use crate::confirm::{check_repository, count, registry_place, size, Question};
use crate::error::{Code, Error, Result};
use crate::view::{LifecycleDryRun, LifecycleVerdict, ServerPreview};
use crate::AppState;

/// Images read for a dry run are reused while the user edits, up to this age.
const SNAPSHOT_LIFETIME: Duration = Duration::from_secs(300);
const NOT_ECR: &str = "lifecycle policies are an ECR feature";

type Key = (String, String);

/// The repository's images as last read, and their index children.
struct Snapshot {
    images: Vec<EvalImage>,
    /// Index digest → the digests of the images it lists.
    children: HashMap<String, Vec<String>>,
    read: Instant,
    read_at: i64,
}

#[derive(Default)]
pub struct LifecycleSessions {
    snapshots: Mutex<HashMap<Key, std::sync::Arc<Snapshot>>>,
    /// Policy texts whose dry run was returned to the window, per repository.
    shown: Mutex<HashMap<Key, HashSet<String>>>,
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The repository's lifecycle policy text, if it has one.
pub async fn stored(state: &AppState, id: &str, repository: &str) -> Result<Option<String>> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(NOT_ECR).await?;
    Ok(ecr.get_lifecycle_policy(repository).await?)
}

impl LifecycleSessions {
    async fn snapshot(
        &self,
        state: &AppState,
        id: &str,
        repository: &str,
        refresh: bool,
    ) -> Result<std::sync::Arc<Snapshot>> {
        let key = (id.to_owned(), repository.to_owned());
        if !refresh {
            let kept = self.snapshots.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(s) = kept
                .get(&key)
                .filter(|s| s.read.elapsed() < SNAPSHOT_LIFETIME)
            {
                return Ok(s.clone());
            }
        }
        let registry = state.registry(id).await?;
        let ecr = registry.ecr_or(NOT_ECR).await?;
        // Archived images too: archive rules select them, and ECR lists them only when asked.
        let details = ecr.describe_all_images(repository).await?;
        let indexes: Vec<ImageRef> = details
            .iter()
            .filter(|d| {
                d.manifest_media_type
                    .as_deref()
                    .is_some_and(|m| m.contains("index") || m.contains("manifest.list"))
            })
            .map(|d| ImageRef::parse(&d.digest))
            .collect();
        let mut children = HashMap::new();
        if !indexes.is_empty() {
            let (manifests, _) = ecr.get_manifests(repository, &indexes).await?;
            for m in manifests {
                let listed: Vec<String> = serde_json::from_str::<serde_json::Value>(&m.manifest)
                    .ok()
                    .and_then(|v| v["manifests"].as_array().cloned())
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|c| c["digest"].as_str().map(str::to_owned))
                    .collect();
                children.insert(m.digest, listed);
            }
        }
        let snapshot = std::sync::Arc::new(Snapshot {
            images: details.iter().map(EvalImage::from).collect(),
            children,
            read: Instant::now(),
            read_at: now_secs(),
        });
        self.snapshots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key, snapshot.clone());
        Ok(snapshot)
    }

    /// Validates `text` and, when valid, judges every current image of the repository.
    /// `protected` are tag patterns (`release-*`) whose images the user wants warned about.
    pub async fn dry_run(
        &self,
        state: &AppState,
        id: &str,
        repository: &str,
        text: &str,
        protected: &[String],
        refresh: bool,
    ) -> Result<LifecycleDryRun> {
        let snapshot = self.snapshot(state, id, repository, refresh).await?;
        let now = now_secs();
        let mut run = LifecycleDryRun {
            issues: Vec::new(),
            verdicts: Vec::new(),
            expiring: 0,
            transitioning: 0,
            kept: 0,
            bytes_reclaimed: 0,
            warnings: Vec::new(),
            images_read_at: snapshot.read_at,
            now,
        };
        let policy = match LifecyclePolicy::parse(text) {
            Ok(policy) => policy,
            Err(issues) => {
                run.issues = issues.into_iter().map(Into::into).collect();
                return Ok(run);
            }
        };
        let verdicts = policy.evaluate(&snapshot.images, now);
        let short = |d: &str| {
            d.trim_start_matches("sha256:")
                .chars()
                .take(12)
                .collect::<String>()
        };
        let mut acting: HashMap<&str, i64> = HashMap::new();
        for (verdict, image) in verdicts.iter().zip(&snapshot.images) {
            let (action, rule_priority) = match verdict.outcome {
                Outcome::Expired { rule_priority } => {
                    run.expiring += 1;
                    run.bytes_reclaimed += image.size.unwrap_or(0);
                    acting.insert(&verdict.digest, rule_priority);
                    ("expire", Some(rule_priority))
                }
                Outcome::Transitioned { rule_priority } => {
                    run.transitioning += 1;
                    ("transition", Some(rule_priority))
                }
                Outcome::Kept { protected_by } => {
                    run.kept += 1;
                    ("keep", protected_by)
                }
            };
            if action == "expire" {
                for tag in &verdict.tags {
                    if let Some(pattern) = protected.iter().find(|p| wildcard_match(p, tag)) {
                        run.warnings.push(format!(
                            "{tag} ({}) matches the protected pattern {pattern} and would expire by rule {}",
                            short(&verdict.digest),
                            rule_priority.unwrap_or_default()
                        ));
                    }
                }
            }
            run.verdicts.push(LifecycleVerdict {
                digest: verdict.digest.clone(),
                tags: verdict.tags.clone(),
                size: image.size,
                pushed_at: (image.pushed_at < i64::MAX / 4).then_some(image.pushed_at),
                last_pulled_at: image.last_pulled_at,
                action: action.into(),
                rule_priority,
                archived: image.storage_class == lading_ecr::lifecycle::StorageClass::Archive,
                archived_at: image.transitioned_at,
            });
        }
        // An image listed by an index that stays would leave the index broken.
        for verdict in &run.verdicts {
            if verdict.action != "keep" {
                continue;
            }
            for child in snapshot.children.get(&verdict.digest).into_iter().flatten() {
                if let Some(rule) = acting.get(child.as_str()) {
                    run.warnings.push(format!(
                        "{} is an image of the index {} ({}), which is kept; rule {rule} would expire it and break the index",
                        short(child),
                        verdict.tags.first().map_or("untagged", String::as_str),
                        short(&verdict.digest),
                    ));
                }
            }
        }
        self.shown
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry((id.to_owned(), repository.to_owned()))
            .or_default()
            .insert(text.to_owned());
        Ok(run)
    }

    /// Saves `text` as the repository's lifecycle policy — only a text whose dry run was shown.
    pub async fn save(
        &self,
        state: &AppState,
        id: &str,
        repository: &str,
        text: &str,
    ) -> Result<()> {
        let shown = self
            .shown
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(id.to_owned(), repository.to_owned()))
            .is_some_and(|texts| texts.contains(text));
        if !shown {
            return Err(Error::new(
                Code::DryRunNeeded,
                "look at the dry run of this exact policy before saving it; nothing was saved",
            ));
        }
        LifecyclePolicy::parse(text).map_err(invalid)?;
        check_repository(repository)?;
        // The count the question gives is ours, from images read now, not the page's.
        let run = self.dry_run(state, id, repository, text, &[], true).await?;
        let registry = state.registry(id).await?;
        let ecr = registry.ecr_or(NOT_ECR).await?;
        if run.expiring + run.transitioning > 0 {
            let mut acts = Vec::new();
            if run.expiring > 0 {
                acts.push(format!(
                    "expires {} ({})",
                    count(run.expiring as usize, "image"),
                    size(run.bytes_reclaimed.max(0) as u64)
                ));
            }
            if run.transitioning > 0 {
                acts.push(format!(
                    "archives {}",
                    count(run.transitioning as usize, "image")
                ));
            }
            let total = run.expiring + run.transitioning + run.kept;
            state
                .confirm(Question {
                    title: format!("Save the lifecycle policy of {repository}?"),
                    detail: format!(
                        "In {}, repository {repository}: on its {} as they are now, this policy {}. ECR applies it within a day, and expired images cannot be brought back.",
                        registry_place(registry.entry()),
                        count(total as usize, "image"),
                        acts.join(" and "),
                    ),
                    yes: "Save policy".into(),
                })
                .await?;
        }
        ecr.put_lifecycle_policy(repository, text).await?;
        Ok(())
    }

    /// ECR's own dry run beside ours; endpoints without one (moto) say so instead of failing.
    pub async fn server_preview(
        &self,
        state: &AppState,
        id: &str,
        repository: &str,
        text: &str,
    ) -> Result<ServerPreview> {
        let policy = LifecyclePolicy::parse(text).map_err(invalid)?;
        let snapshot = self.snapshot(state, id, repository, false).await?;
        let verdicts = policy.evaluate(&snapshot.images, now_secs());
        let registry = state.registry(id).await?;
        let ecr = registry.ecr_or(NOT_ECR).await?;
        Ok(
            match ecr
                .server_lifecycle_preview(repository, text, Duration::from_secs(60))
                .await
            {
                Ok(results) => {
                    let disagreements = server_disagreements(&verdicts, &results);
                    ServerPreview {
                        available: true,
                        message: if disagreements.is_empty() {
                            "ECR's own preview agrees".into()
                        } else {
                            format!(
                                "ECR's own preview disagrees on {} images",
                                disagreements.len()
                            )
                        },
                        acting: results
                            .into_iter()
                            .filter(|r| r.action.is_some())
                            .map(|r| r.digest)
                            .collect(),
                        disagreements,
                    }
                }
                Err(e) => ServerPreview {
                    available: false,
                    message: format!("ECR's own preview is not available here: {e}"),
                    acting: Vec::new(),
                    disagreements: Vec::new(),
                },
            },
        )
    }
}

fn invalid(issues: Vec<lading_ecr::lifecycle::PolicyIssue>) -> Error {
    Error::new(
        Code::InvalidPolicy,
        issues
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; "),
    )
}

/// Removes the repository's lifecycle policy once the user says yes.
pub async fn delete(state: &AppState, id: &str, repository: &str) -> Result<()> {
    check_repository(repository)?;
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(NOT_ECR).await?;
    state
        .confirm(Question {
            title: format!("Delete the lifecycle policy of {repository}?"),
            detail: format!(
                "In {}, repository {repository}: its lifecycle policy is deleted; ECR stops expiring images by it. The policy text is not kept.",
                registry_place(registry.entry())
            ),
            yes: "Delete policy".into(),
        })
        .await?;
    Ok(ecr.delete_lifecycle_policy(repository).await?)
}
