//! Pull-through cache rules: a repository prefix in this registry that mirrors an upstream
//! registry (Docker Hub, ECR Public, Quay, GHCR, …). Checked against ECR's documented rules —
//! the prefix, the upstream URL and whether it needs a Secrets Manager credential — before any
//! call.

use serde::{Deserialize, Serialize};

use crate::{EcrClient, EcrError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullThroughRule {
    /// The repository prefix in this registry (`docker-hub` → `docker-hub/library/nginx`).
    pub prefix: String,
    pub upstream_url: String,
    /// A Secrets Manager secret (`ecr-pullthroughcache/…`) for upstreams that need a sign-in.
    #[serde(default)]
    pub credential_arn: Option<String>,
    /// ECR's name for the upstream (`docker-hub`, `ecr-public`, …), as it reports it.
    #[serde(default)]
    pub upstream: Option<String>,
    /// Unix seconds.
    #[serde(default)]
    pub created_at: Option<i64>,
}

/// The upstreams ECR supports: host, ECR's name for it, and whether it needs a credential.
const UPSTREAMS: &[(&str, &str, bool)] = &[
    ("public.ecr.aws", "ecr-public", false),
    ("registry.k8s.io", "k8s", false),
    ("quay.io", "quay", false),
    ("registry-1.docker.io", "docker-hub", true),
    ("ghcr.io", "github-container-registry", true),
    ("registry.gitlab.com", "gitlab-container-registry", true),
    ("cgr.dev", "chainguard", true),
];

/// The host of an upstream URL, which ECR takes with or without `https://`.
fn upstream_host(url: &str) -> &str {
    url.trim_start_matches("https://").trim_end_matches('/')
}

/// ECR's name for the upstream and whether it needs a credential; `None`: not one ECR supports.
fn upstream_of(url: &str) -> Option<(&'static str, bool)> {
    let host = upstream_host(url);
    if let Some((_, name, needs)) = UPSTREAMS.iter().find(|(h, _, _)| *h == host) {
        return Some((name, *needs));
    }
    if host.ends_with(".azurecr.io") && host.len() > ".azurecr.io".len() {
        return Some(("azure-container-registry", true));
    }
    // Another private ECR registry: ACCOUNT.dkr.ecr.REGION.amazonaws.com (IAM, no secret).
    crate::parse_ecr_host(host).map(|_| ("ecr", false))
}

impl PullThroughRule {
    /// Every problem, named at its field, before anything is sent.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let prefix = &self.prefix;
        let word = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
        let prefix_ok = prefix == "ROOT"
            || ((2..=30).contains(&prefix.len())
                && prefix.chars().all(|c| word(c) || "._-/".contains(c))
                && prefix.starts_with(word)
                && prefix.trim_end_matches('/').ends_with(word));
        if !prefix_ok {
            problems.push(format!(
                "prefix \"{prefix}\": 2 to 30 lowercase letters, digits and . _ - /, starting and ending with a letter or digit (or ROOT)"
            ));
        }
        match upstream_of(&self.upstream_url) {
            None => problems.push(format!(
                "upstream \"{}\" is not a registry ECR can cache: {}, *.azurecr.io or another ECR registry",
                self.upstream_url,
                UPSTREAMS.iter().map(|(h, _, _)| *h).collect::<Vec<_>>().join(", ")
            )),
            Some((name, needs)) => match (&self.credential_arn, needs) {
                (None, true) => problems.push(format!(
                    "upstream {}: {name} needs a Secrets Manager credential (a secret named ecr-pullthroughcache/…)",
                    upstream_host(&self.upstream_url)
                )),
                (Some(arn), true) => {
                    if let Some(problem) = secret_arn_problem(arn) {
                        problems.push(problem);
                    }
                }
                (Some(_), false) => problems.push(format!(
                    "upstream {}: {name} takes no credential",
                    upstream_host(&self.upstream_url)
                )),
                (None, false) => {}
            },
        }
        problems
    }
}

/// `arn:aws:secretsmanager:REGION:ACCOUNT:secret:ecr-pullthroughcache/NAME`.
fn secret_arn_problem(arn: &str) -> Option<String> {
    let ok = crate::checks::parse_arn(arn).is_some_and(|a| {
        a.partition.starts_with("aws")
            && a.service == "secretsmanager"
            && !a.region.is_empty()
            && crate::checks::is_account_id(a.account)
            && a.resource
                .strip_prefix("secret:ecr-pullthroughcache/")
                .is_some_and(|name| !name.is_empty())
    });
    (!ok).then(|| {
        format!(
            "credential \"{arn}\" is not a Secrets Manager secret ARN named ecr-pullthroughcache/… (arn:aws:secretsmanager:REGION:ACCOUNT:secret:ecr-pullthroughcache/NAME)"
        )
    })
}

impl EcrClient {
    pub async fn pull_through_rules(&self) -> Result<Vec<PullThroughRule>, EcrError> {
        let mut pages = self
            .sdk
            .describe_pull_through_cache_rules()
            .set_registry_id(self.registry_id.clone())
            .into_paginator()
            .send();
        let mut rules = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(EcrError::from_sdk)?;
            for r in page.pull_through_cache_rules.unwrap_or_default() {
                rules.push(PullThroughRule {
                    prefix: r.ecr_repository_prefix.unwrap_or_default(),
                    upstream_url: r.upstream_registry_url.unwrap_or_default(),
                    credential_arn: r.credential_arn,
                    upstream: r.upstream_registry.map(|u| u.as_str().to_owned()),
                    created_at: r.created_at.map(|t| t.secs()),
                });
            }
        }
        Ok(rules)
    }

    /// Creates the rule (checked first); answers it as ECR made it.
    pub async fn create_pull_through_rule(
        &self,
        rule: &PullThroughRule,
    ) -> Result<PullThroughRule, EcrError> {
        crate::checks::refuse_if_any(rule.problems())?;
        let out = self
            .sdk
            .create_pull_through_cache_rule()
            .set_registry_id(self.registry_id.clone())
            .ecr_repository_prefix(&rule.prefix)
            .upstream_registry_url(upstream_host(&rule.upstream_url))
            .set_credential_arn(rule.credential_arn.clone())
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        Ok(PullThroughRule {
            prefix: out.ecr_repository_prefix.unwrap_or_default(),
            upstream_url: out.upstream_registry_url.unwrap_or_default(),
            credential_arn: out.credential_arn,
            upstream: out.upstream_registry.map(|u| u.as_str().to_owned()),
            created_at: out.created_at.map(|t| t.secs()),
        })
    }

    pub async fn delete_pull_through_rule(&self, prefix: &str) -> Result<(), EcrError> {
        self.sdk
            .delete_pull_through_cache_rule()
            .set_registry_id(self.registry_id.clone())
            .ecr_repository_prefix(prefix)
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(prefix: &str, url: &str, credential: Option<&str>) -> PullThroughRule {
        PullThroughRule {
            prefix: prefix.into(),
            upstream_url: url.into(),
            credential_arn: credential.map(str::to_owned),
            upstream: None,
            created_at: None,
        }
    }

    #[test]
    fn upstreams_prefixes_and_credentials_follow_ecr_rules() {
        let secret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:ecr-pullthroughcache/docker-hub-AbCdEf";
        assert!(rule("ecr-public", "public.ecr.aws", None)
            .problems()
            .is_empty());
        assert!(rule("docker-hub", "registry-1.docker.io", Some(secret))
            .problems()
            .is_empty());
        assert!(rule("acr", "https://myacr.azurecr.io", Some(secret))
            .problems()
            .is_empty());
        assert!(
            rule("ROOT", "111122223333.dkr.ecr.eu-west-1.amazonaws.com", None)
                .problems()
                .is_empty()
        );
        assert_eq!(
            rule("docker-hub", "registry-1.docker.io", None).problems(),
            ["upstream registry-1.docker.io: docker-hub needs a Secrets Manager credential (a secret named ecr-pullthroughcache/…)"]
        );
        assert_eq!(
            rule("quay", "quay.io", Some(secret)).problems(),
            ["upstream quay.io: quay takes no credential"]
        );
        let bad = rule("Docker_Hub!", "hub.docker.com", None).problems();
        assert!(bad[0].starts_with("prefix \"Docker_Hub!\""), "{bad:?}");
        assert!(
            bad[1].starts_with("upstream \"hub.docker.com\" is not a registry ECR can cache"),
            "{bad:?}"
        );
        assert!(rule(
            "gh",
            "ghcr.io",
            Some("arn:aws:secretsmanager:us-east-1:111122223333:secret:github")
        )
        .problems()[0]
            .starts_with("credential"));
    }
}
