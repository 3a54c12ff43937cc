//! ECR registry-level settings in the window: replication, pull-through cache rules and
//! repository creation templates (the registry policy is text, like a repository's).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ResourceTag;

/// Where a replication rule copies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReplicationTarget {
    pub region: String,
    /// The destination account (12 digits): this registry's own for another region.
    pub registry_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReplicationRuleView {
    pub destinations: Vec<ReplicationTarget>,
    /// Repository name prefixes; none: every repository.
    pub filters: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReplicationView {
    pub rules: Vec<ReplicationRuleView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PullThroughRuleView {
    /// The repository prefix here (`docker-hub` → `docker-hub/library/nginx`).
    pub prefix: String,
    pub upstream_url: String,
    /// A Secrets Manager secret (`ecr-pullthroughcache/…`) for upstreams that need a sign-in.
    pub credential_arn: Option<String>,
    /// ECR's name for the upstream (`docker-hub`, …); `None` on a rule not made yet.
    pub upstream: Option<String>,
    /// Unix seconds.
    #[ts(type = "number | null")]
    pub created_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CreationTemplateView {
    /// A repository-name prefix (`team-a/`), or `ROOT` for every repository no other matches.
    pub prefix: String,
    pub description: Option<String>,
    /// `CREATE_ON_PUSH`, `PULL_THROUGH_CACHE`, `REPLICATION`.
    pub applied_for: Vec<String>,
    /// `MUTABLE` or `IMMUTABLE`; `None`: ECR's default.
    pub mutability: Option<String>,
    pub tags: Vec<ResourceTag>,
    /// The lifecycle policy and repository policy (JSON) it gives the repositories it makes.
    pub lifecycle_policy: Option<String>,
    pub repository_policy: Option<String>,
}
