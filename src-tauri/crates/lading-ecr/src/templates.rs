//! Repository creation templates: the settings ECR gives a repository it creates itself — on
//! push, for a pull-through cache or for replication — under a prefix. Checked before any call:
//! the prefix, what it applies to, the resource tags and the policies it carries (the same local
//! checks as a repository's own).

use aws_sdk_ecr::types::{ImageTagMutability, RctAppliedFor};
use serde::{Deserialize, Serialize};

use crate::{EcrClient, EcrError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreationTemplate {
    /// A repository-name prefix (`team-a/`), or `ROOT` for every repository no other matches.
    pub prefix: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `CREATE_ON_PUSH`, `PULL_THROUGH_CACHE`, `REPLICATION`.
    pub applied_for: Vec<String>,
    /// `MUTABLE` or `IMMUTABLE`; `None`: ECR's default.
    #[serde(default)]
    pub mutability: Option<String>,
    #[serde(default)]
    pub tags: Vec<(String, String)>,
    #[serde(default)]
    pub lifecycle_policy: Option<String>,
    #[serde(default)]
    pub repository_policy: Option<String>,
}

const APPLIED_FOR: [&str; 3] = ["CREATE_ON_PUSH", "PULL_THROUGH_CACHE", "REPLICATION"];

impl CreationTemplate {
    /// Every problem, named at its field, before anything is sent.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let p = &self.prefix;
        let ok = p == "ROOT"
            || ((2..=256).contains(&p.len())
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-/".contains(c))
                && p.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()));
        if !ok {
            problems.push(format!(
                "prefix \"{p}\": a repository-name prefix (lowercase letters, digits, . _ - /) or ROOT"
            ));
        }
        if self.applied_for.is_empty() {
            problems.push(
                "applied for: name at least one of CREATE_ON_PUSH, PULL_THROUGH_CACHE, REPLICATION"
                    .into(),
            );
        }
        for a in &self.applied_for {
            if !APPLIED_FOR.contains(&a.as_str()) {
                problems.push(format!(
                    "applied for: \"{a}\" is not CREATE_ON_PUSH, PULL_THROUGH_CACHE or REPLICATION"
                ));
            }
        }
        if let Some(m) = &self.mutability {
            if m != "MUTABLE" && m != "IMMUTABLE" {
                problems.push(format!("mutability \"{m}\" is not MUTABLE or IMMUTABLE"));
            }
        }
        if self.description.as_ref().is_some_and(|d| d.len() > 256) {
            problems.push("description: at most 256 characters".into());
        }
        problems.extend(crate::checks::tag_problems(&self.tags));
        if let Some(text) = &self.lifecycle_policy {
            if let Err(issues) = crate::lifecycle::LifecyclePolicy::parse(text) {
                problems.extend(issues.iter().map(|i| format!("lifecycle policy: {i}")));
            }
        }
        if let Some(text) = &self.repository_policy {
            if let Err(issues) = crate::policy::PolicyDocument::parse(text) {
                problems.extend(issues.iter().map(|i| format!("repository policy: {i}")));
            }
        }
        problems
    }
}

impl EcrClient {
    pub async fn creation_templates(&self) -> Result<Vec<CreationTemplate>, EcrError> {
        let mut pages = self
            .sdk
            .describe_repository_creation_templates()
            .into_paginator()
            .send();
        let mut templates = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(EcrError::from_sdk)?;
            for t in page.repository_creation_templates.unwrap_or_default() {
                templates.push(CreationTemplate {
                    prefix: t.prefix.unwrap_or_default(),
                    description: t.description,
                    applied_for: t
                        .applied_for
                        .unwrap_or_default()
                        .iter()
                        .map(|a| a.as_str().to_owned())
                        .collect(),
                    mutability: t.image_tag_mutability.map(|m| m.as_str().to_owned()),
                    tags: t
                        .resource_tags
                        .unwrap_or_default()
                        .into_iter()
                        .map(|t| (t.key, t.value))
                        .collect(),
                    lifecycle_policy: t.lifecycle_policy,
                    repository_policy: t.repository_policy,
                });
            }
        }
        Ok(templates)
    }

    /// Creates the template (checked first).
    pub async fn create_creation_template(
        &self,
        template: &CreationTemplate,
    ) -> Result<(), EcrError> {
        crate::checks::refuse_if_any(template.problems())?;
        let tags = crate::checks::sdk_tags(&template.tags)?;
        self.sdk
            .create_repository_creation_template()
            .prefix(&template.prefix)
            .set_description(template.description.clone())
            .set_applied_for(Some(
                template
                    .applied_for
                    .iter()
                    .map(|a| RctAppliedFor::from(a.as_str()))
                    .collect(),
            ))
            .set_image_tag_mutability(template.mutability.as_deref().map(ImageTagMutability::from))
            .set_resource_tags((!tags.is_empty()).then_some(tags))
            .set_lifecycle_policy(template.lifecycle_policy.clone())
            .set_repository_policy(template.repository_policy.clone())
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        Ok(())
    }

    pub async fn delete_creation_template(&self, prefix: &str) -> Result<(), EcrError> {
        self.sdk
            .delete_repository_creation_template()
            .prefix(prefix)
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_problem_is_named_at_its_field() {
        let template = CreationTemplate {
            prefix: "Team A".into(),
            description: None,
            applied_for: vec!["ON_PULL".into()],
            mutability: Some("SOMETIMES".into()),
            tags: vec![("aws:x".into(), "y".into())],
            lifecycle_policy: Some("{".into()),
            repository_policy: None,
        };
        let problems = template.problems();
        assert!(problems[0].starts_with("prefix \"Team A\""), "{problems:?}");
        assert!(
            problems[1].contains("\"ON_PULL\" is not CREATE_ON_PUSH"),
            "{problems:?}"
        );
        assert!(
            problems[2].starts_with("mutability \"SOMETIMES\""),
            "{problems:?}"
        );
        assert!(problems[3].contains("reserved for AWS"), "{problems:?}");
        assert!(problems[4].starts_with("lifecycle policy:"), "{problems:?}");
        assert!(CreationTemplate {
            prefix: "ROOT".into(),
            description: Some("everything else".into()),
            applied_for: vec!["CREATE_ON_PUSH".into()],
            mutability: Some("IMMUTABLE".into()),
            tags: vec![],
            lifecycle_policy: None,
            repository_policy: None,
        }
        .problems()
        .is_empty());
    }
}
