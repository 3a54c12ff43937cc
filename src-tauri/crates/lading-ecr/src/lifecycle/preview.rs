//! ECR's own lifecycle dry run (StartLifecyclePolicyPreview), and where it disagrees with ours.

use serde::Serialize;

use super::{ImageVerdict, Outcome};
use crate::{EcrClient, EcrError};

/// One image as the server-side lifecycle preview judged it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerPreviewResult {
    pub digest: String,
    pub tags: Vec<String>,
    pub rule_priority: Option<i32>,
    pub action: Option<String>,
}

impl EcrClient {
    /// ECR's own dry run (StartLifecyclePolicyPreview, then GetLifecyclePolicyPreview until it
    /// completes, at most `timeout`). Emulators without it answer an error the caller shows.
    pub async fn server_lifecycle_preview(
        &self,
        repository: &str,
        policy_text: &str,
        timeout: std::time::Duration,
    ) -> Result<Vec<ServerPreviewResult>, EcrError> {
        self.sdk
            .start_lifecycle_policy_preview()
            .set_registry_id(self.registry_id.clone())
            .repository_name(repository)
            .lifecycle_policy_text(policy_text)
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let mut pages = self
                .sdk
                .get_lifecycle_policy_preview()
                .set_registry_id(self.registry_id.clone())
                .repository_name(repository)
                .max_results(100)
                .into_paginator()
                .send();
            let mut results = Vec::new();
            let mut status = None;
            while let Some(page) = pages.next().await {
                let page = page.map_err(EcrError::from_sdk)?;
                status = page.status.clone();
                for r in page.preview_results.unwrap_or_default() {
                    results.push(ServerPreviewResult {
                        digest: r.image_digest.unwrap_or_default(),
                        tags: r.image_tags.unwrap_or_default(),
                        rule_priority: r.applied_rule_priority,
                        action: r
                            .action
                            .and_then(|a| a.r#type)
                            .map(|t| t.as_str().to_owned()),
                    });
                }
            }
            match status.as_ref().map(|s| s.as_str()) {
                Some("COMPLETE") => return Ok(results),
                Some("FAILED") | Some("EXPIRED") => {
                    return Err(EcrError::Unexpected(format!(
                        "the lifecycle preview ended {}",
                        status.map(|s| s.as_str().to_owned()).unwrap_or_default()
                    )))
                }
                _ if tokio::time::Instant::now() > deadline => {
                    return Err(EcrError::Unexpected(
                        "the lifecycle preview did not finish in time".into(),
                    ))
                }
                _ => tokio::time::sleep(std::time::Duration::from_secs(2)).await,
            }
        }
    }
}

/// Digests on which ECR's own preview and ours differ about whether the image goes.
pub fn server_disagreements(
    verdicts: &[ImageVerdict],
    server: &[ServerPreviewResult],
) -> Vec<String> {
    verdicts
        .iter()
        .filter(|v| {
            let ours = !matches!(v.outcome, Outcome::Kept { .. });
            let theirs = server
                .iter()
                .any(|r| r.digest == v.digest && r.action.is_some());
            ours != theirs
        })
        .map(|v| v.digest.clone())
        .collect()
}
