//! Repository policies (IAM policy documents) and the get/set/delete calls for them and for
//! lifecycle policies. The model keeps every field it does not know (and `Condition` verbatim),
//! so a document survives a round trip unchanged.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::issues::PolicyIssue;
use crate::{EcrClient, EcrError};

/// A string or a list of strings, as IAM allows for Action, Principal values and Resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn values(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Principal {
    /// `"*"`: everyone.
    Everyone(String),
    /// `{"AWS": …, "Service": …, …}`
    Keyed(std::collections::BTreeMap<String, OneOrMany>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    #[serde(rename = "Sid", default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    #[serde(rename = "Effect")]
    pub effect: Effect,
    #[serde(rename = "Principal", default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<Principal>,
    #[serde(rename = "Action", default, skip_serializing_if = "Option::is_none")]
    pub action: Option<OneOrMany>,
    #[serde(rename = "Condition", default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Value>,
    /// NotAction, NotPrincipal, Resource and anything else, kept as they came.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyDocument {
    #[serde(rename = "Version", default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(rename = "Statement")]
    pub statement: Vec<Statement>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// Every IAM action of the `ecr:` service prefix.
pub const ECR_ACTIONS: &[&str] = &[
    "BatchCheckLayerAvailability",
    "BatchDeleteImage",
    "BatchGetImage",
    "BatchGetRepositoryScanningConfiguration",
    "BatchImportUpstreamImage",
    "CompleteLayerUpload",
    "CreatePullThroughCacheRule",
    "CreateRepository",
    "CreateRepositoryCreationTemplate",
    "DeleteLifecyclePolicy",
    "DeletePullThroughCacheRule",
    "DeleteRegistryPolicy",
    "DeleteRepository",
    "DeleteRepositoryCreationTemplate",
    "DeleteRepositoryPolicy",
    "DeleteSigningConfiguration",
    "DescribeImageReplicationStatus",
    "DescribeImageScanFindings",
    "DescribeImageSigningStatus",
    "DescribeImages",
    "DescribePullThroughCacheRules",
    "DescribeRegistry",
    "DescribeRepositories",
    "DescribeRepositoryCreationTemplates",
    "GetAccountSetting",
    "GetAuthorizationToken",
    "GetDownloadUrlForLayer",
    "GetLifecyclePolicy",
    "GetLifecyclePolicyPreview",
    "GetRegistryPolicy",
    "GetRegistryScanningConfiguration",
    "GetRepositoryPolicy",
    "GetSigningConfiguration",
    "InitiateLayerUpload",
    "ListImageReferrers",
    "ListImages",
    "ListTagsForResource",
    "PutAccountSetting",
    "PutImage",
    "PutImageScanningConfiguration",
    "PutImageTagMutability",
    "PutLifecyclePolicy",
    "PutRegistryPolicy",
    "PutRegistryScanningConfiguration",
    "PutReplicationConfiguration",
    "PutSigningConfiguration",
    "ReplicateImage",
    "SetRepositoryPolicy",
    "StartImageScan",
    "StartLifecyclePolicyPreview",
    "TagResource",
    "UntagResource",
    "UpdateImageStorageClass",
    "UpdatePullThroughCacheRule",
    "UpdateRepositoryCreationTemplate",
    "UploadLayerPart",
    "ValidatePullThroughCacheRule",
];

/// The actions a pull needs, and a push on top of it.
pub const PULL_ACTIONS: &[&str] = &[
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchCheckLayerAvailability",
];
pub const PUSH_ACTIONS: &[&str] = &[
    "ecr:PutImage",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
];

impl PolicyDocument {
    pub fn parse(text: &str) -> Result<Self, Vec<PolicyIssue>> {
        let doc: PolicyDocument = serde_json::from_str(text).map_err(|e| {
            vec![PolicyIssue {
                path: format!("line {} column {}", e.line(), e.column()),
                message: e.to_string(),
            }]
        })?;
        let issues = doc.validate();
        if issues.is_empty() {
            Ok(doc)
        } else {
            Err(issues)
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("policy serialises")
    }

    pub fn validate(&self) -> Vec<PolicyIssue> {
        let mut issues = Vec::new();
        if self.statement.is_empty() {
            issues.push(PolicyIssue {
                path: "Statement".into(),
                message: "a policy needs at least one statement".into(),
            });
        }
        let mut sids = std::collections::BTreeSet::new();
        for (i, s) in self.statement.iter().enumerate() {
            let at = |field: &str| format!("Statement[{i}].{field}");
            if let Some(sid) = &s.sid {
                if !sids.insert(sid.clone()) {
                    issues.push(PolicyIssue {
                        path: at("Sid"),
                        message: format!("Sid {sid:?} is used twice"),
                    });
                }
            }
            let actions = s.action.as_ref().map(OneOrMany::values).unwrap_or_default();
            if actions.is_empty() && !s.other.contains_key("NotAction") {
                issues.push(PolicyIssue {
                    path: at("Action"),
                    message: "the statement names no action".into(),
                });
            }
            for (j, action) in actions.iter().enumerate() {
                if let Some(message) = check_action(action) {
                    issues.push(PolicyIssue {
                        path: at(&format!("Action[{j}]")),
                        message,
                    });
                }
            }
            match &s.principal {
                None if !s.other.contains_key("NotPrincipal") => issues.push(PolicyIssue {
                    path: at("Principal"),
                    message: "a repository policy statement needs a Principal".into(),
                }),
                Some(Principal::Everyone(p)) if p != "*" => issues.push(PolicyIssue {
                    path: at("Principal"),
                    message: format!("{p:?} is not a principal; use \"*\" or {{\"AWS\": …}}"),
                }),
                Some(Principal::Keyed(map)) => {
                    for (j, p) in map
                        .get("AWS")
                        .map(OneOrMany::values)
                        .unwrap_or_default()
                        .iter()
                        .enumerate()
                    {
                        if let Some(message) = check_aws_principal(p) {
                            issues.push(PolicyIssue {
                                path: at(&format!("Principal.AWS[{j}]")),
                                message,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        issues
    }

    /// Whether any Allow statement is open to everyone without a condition.
    pub fn is_public(&self) -> bool {
        self.statement.iter().any(|s| {
            s.effect == Effect::Allow
                && s.condition.is_none()
                && match &s.principal {
                    Some(Principal::Everyone(p)) => p == "*",
                    Some(Principal::Keyed(m)) => {
                        m.get("AWS").is_some_and(|v| v.values().contains(&"*"))
                    }
                    None => false,
                }
        })
    }
}

/// A risk in a policy, in plain words. `danger` ones (public access, locking yourself out) need
/// a second confirmation before saving; `warning` ones are worth a look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lint {
    /// The statement concerned (its index), if one.
    pub statement: Option<usize>,
    pub severity: Severity,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Danger,
    Warning,
}

/// The actions needed to read, change or remove a repository policy: a Deny of any of them for
/// yourself leaves the policy stuck as it is.
const POLICY_ACTIONS: &[&str] = &[
    "ecr:SetRepositoryPolicy",
    "ecr:DeleteRepositoryPolicy",
    "ecr:GetRepositoryPolicy",
];

impl Statement {
    fn actions(&self) -> Vec<&str> {
        self.action
            .as_ref()
            .map(OneOrMany::values)
            .unwrap_or_default()
    }

    /// Whether an action pattern of this statement covers `action` (`ecr:*`, `*`, `ecr:Set*`).
    fn covers(&self, action: &str) -> bool {
        self.actions().iter().any(|a| {
            crate::wildcard::wildcard_match(&a.to_ascii_lowercase(), &action.to_ascii_lowercase())
        })
    }

    fn aws_principals(&self) -> Vec<&str> {
        match &self.principal {
            Some(Principal::Everyone(p)) => vec![p.as_str()],
            Some(Principal::Keyed(m)) => m.get("AWS").map(OneOrMany::values).unwrap_or_default(),
            None => Vec::new(),
        }
    }

    fn label(&self, index: usize) -> String {
        match &self.sid {
            Some(sid) => format!("Statement {} ({sid})", index + 1),
            None => format!("Statement {}", index + 1),
        }
    }
}

impl PolicyDocument {
    /// Risks in plain words: public access, a Deny that would lock `account` (the registry's
    /// own account: whoever edits it is in it) out of the policy, wildcard actions.
    pub fn lint(&self, account: Option<&str>) -> Vec<Lint> {
        let mut lints = Vec::new();
        for (i, s) in self.statement.iter().enumerate() {
            let name = s.label(i);
            let principals = s.aws_principals();
            let everyone = principals.contains(&"*");
            match s.effect {
                Effect::Allow if everyone && s.condition.is_none() => lints.push(Lint {
                    statement: Some(i),
                    severity: Severity::Danger,
                    message: format!(
                        "{name} is public: anyone with an AWS account can {} this repository.",
                        what_it_allows(s)
                    ),
                }),
                Effect::Allow if everyone => lints.push(Lint {
                    statement: Some(i),
                    severity: Severity::Warning,
                    message: format!(
                        "{name} allows every principal, narrowed only by its condition: check the condition is what you mean."
                    ),
                }),
                Effect::Deny => {
                    // Principals of the registry's own account: the account itself, or a role or
                    // user in it (which may be the one editing).
                    let own: Vec<&str> = account
                        .map(|acct| {
                            principals
                                .iter()
                                .copied()
                                .filter(|p| *p == acct || p.contains(&format!("::{acct}:")))
                                .collect()
                        })
                        .unwrap_or_default();
                    let whom = if everyone {
                        "everyone".to_owned()
                    } else if own
                        .iter()
                        .any(|p| p.ends_with(":root") || !p.contains(':'))
                    {
                        "your own account".to_owned()
                    } else {
                        format!("{} in your own account (if that is you)", own.join(", "))
                    };
                    let blocked: Vec<&str> = POLICY_ACTIONS
                        .iter()
                        .copied()
                        .filter(|a| s.covers(a))
                        .collect();
                    if (everyone || !own.is_empty()) && !blocked.is_empty() {
                        lints.push(Lint {
                            statement: Some(i),
                            severity: Severity::Danger,
                            message: format!(
                                "{name} denies {} to {whom}{}: once saved, you may be unable to change or remove this policy.",
                                blocked.join(", "),
                                if s.condition.is_some() { " (unless its condition excludes you)" } else { "" }
                            ),
                        });
                    }
                }
                Effect::Allow => {}
            }
            for a in s.actions() {
                if a == "*" || a.eq_ignore_ascii_case("ecr:*") {
                    if s.effect == Effect::Allow {
                        lints.push(Lint {
                            statement: Some(i),
                            severity: Severity::Warning,
                            message: format!(
                                "{name} allows {a}: every ECR action, deleting images and the repository included. Name the actions instead."
                            ),
                        });
                    }
                } else if a.contains('*') && s.effect == Effect::Allow {
                    lints.push(Lint {
                        statement: Some(i),
                        severity: Severity::Warning,
                        message: format!(
                            "{name} allows {a}, which also covers actions ECR adds later."
                        ),
                    });
                }
            }
        }
        lints
    }
}

fn what_it_allows(s: &Statement) -> &'static str {
    let push = PUSH_ACTIONS.iter().any(|a| s.covers(a));
    let delete = s.covers("ecr:BatchDeleteImage") || s.covers("ecr:DeleteRepository");
    let pull = PULL_ACTIONS.iter().any(|a| s.covers(a));
    match (pull, push, delete) {
        (_, _, true) => "delete images in",
        (_, true, _) => "push to",
        (true, _, _) => "pull from",
        _ => "act on",
    }
}

fn check_action(action: &str) -> Option<String> {
    if action == "*" || action == "ecr:*" {
        return None;
    }
    let Some(name) = action.strip_prefix("ecr:") else {
        return Some(format!(
            "{action:?} is not an ecr: action; repository policies only grant ecr: actions"
        ));
    };
    if name.contains('*') {
        let matches = ECR_ACTIONS.iter().any(|a| {
            crate::wildcard::wildcard_match(&name.to_ascii_lowercase(), &a.to_ascii_lowercase())
        });
        return (!matches).then(|| format!("{action:?} matches no ecr: action"));
    }
    if ECR_ACTIONS.iter().any(|a| a.eq_ignore_ascii_case(name)) {
        None
    } else {
        Some(format!("{action:?} is not an ecr: action"))
    }
}

fn check_aws_principal(p: &str) -> Option<String> {
    if p == "*" {
        return None;
    }
    if crate::checks::is_account_id(p) {
        return None;
    }
    if p.starts_with("arn:") {
        let ok = crate::checks::parse_arn(p).is_some_and(|arn| {
            arn.service == "iam"
                && crate::checks::is_account_id(arn.account)
                && !arn.resource.is_empty()
        });
        return (!ok).then(|| {
            format!("{p:?} is not an IAM ARN (arn:aws:iam::<12-digit account>:root|user/…|role/…)")
        });
    }
    Some(format!(
        "{p:?} is neither a 12-digit account ID nor an IAM ARN"
    ))
}

pub mod templates;

impl EcrClient {
    /// The repository policy text, or `None` when the repository has none.
    pub async fn get_repository_policy(
        &self,
        repository: &str,
    ) -> Result<Option<String>, EcrError> {
        match self
            .sdk
            .get_repository_policy()
            .set_registry_id(self.registry_id.clone())
            .repository_name(repository)
            .send()
            .await
        {
            Ok(out) => Ok(out.policy_text),
            Err(e) => match EcrError::from_sdk(e) {
                EcrError::Service { code, .. } if code == "RepositoryPolicyNotFoundException" => {
                    Ok(None)
                }
                other => Err(other),
            },
        }
    }

    /// Validates `text` locally, then stores it.
    pub async fn set_repository_policy(
        &self,
        repository: &str,
        text: &str,
    ) -> Result<(), EcrError> {
        PolicyDocument::parse(text).map_err(EcrError::InvalidPolicy)?;
        self.sdk
            .set_repository_policy()
            .set_registry_id(self.registry_id.clone())
            .repository_name(repository)
            .policy_text(text)
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        Ok(())
    }

    pub async fn delete_repository_policy(&self, repository: &str) -> Result<(), EcrError> {
        self.sdk
            .delete_repository_policy()
            .set_registry_id(self.registry_id.clone())
            .repository_name(repository)
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
