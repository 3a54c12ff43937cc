//! An ECR registry's own settings in the window: the registry policy (checked and linted like a
//! repository's), replication, pull-through cache rules and repository creation templates. What
//! reaches other accounts or regions, or removes a rule others rely on, is done only after the
//! user's native yes; everything is checked against ECR's rules before it is asked or sent.

use lading_ecr::pull_through::PullThroughRule;
use lading_ecr::templates::CreationTemplate;
use lading_ecr::{Destination, Replication, ReplicationRule};

use crate::confirm::{listed, registry_place, Question};
use crate::error::{Code, Error, Result};
use crate::view::{
    CreationTemplateView, PullThroughRuleView, ReplicationRuleView, ReplicationTarget,
    ReplicationView, ResourceTag,
};
use crate::AppState;

const REGISTRY_SETTINGS_ARE_ECR: &str = "registry settings are an ECR feature";

pub async fn registry_policy(state: &AppState, id: &str) -> Result<Option<String>> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(REGISTRY_SETTINGS_ARE_ECR).await?;
    Ok(ecr.registry_policy().await?)
}

/// Stores the registry policy: refused when ECR would refuse it; when the linter flags anything,
/// only after the user's native yes to a question listing every risk.
pub async fn save_registry_policy(state: &AppState, id: &str, text: &str) -> Result<()> {
    let risks = crate::repo_policy::risks_before_saving(state, id, text).await?;
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(REGISTRY_SETTINGS_ARE_ECR).await?;
    if !risks.is_empty() {
        state
            .confirm(Question {
                title: "Save a risky registry policy?".into(),
                detail: format!(
                    "In {}, for the whole registry, the new policy:\n{}",
                    registry_place(registry.entry()),
                    listed(risks, 12)
                ),
                yes: "Save policy".into(),
            })
            .await?;
    }
    Ok(ecr.set_registry_policy(text).await?)
}

pub async fn delete_registry_policy(state: &AppState, id: &str) -> Result<()> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(REGISTRY_SETTINGS_ARE_ECR).await?;
    state
        .confirm(Question {
            title: "Delete the registry policy?".into(),
            detail: format!(
                "In {}: the registry policy is deleted, and what it lets other accounts do here — replicate into it, create repositories, pull through its cache — ends now. The policy text is not kept.",
                registry_place(registry.entry())
            ),
            yes: "Delete policy".into(),
        })
        .await?;
    Ok(ecr.delete_registry_policy().await?)
}

fn replication_view(r: Replication) -> ReplicationView {
    ReplicationView {
        rules: r
            .rules
            .into_iter()
            .map(|rule| ReplicationRuleView {
                destinations: rule
                    .destinations
                    .into_iter()
                    .map(|d| ReplicationTarget {
                        region: d.region,
                        registry_id: d.registry_id,
                    })
                    .collect(),
                filters: rule.filters,
            })
            .collect(),
    }
}

pub async fn replication(state: &AppState, id: &str) -> Result<ReplicationView> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(REGISTRY_SETTINGS_ARE_ECR).await?;
    Ok(replication_view(ecr.replication().await?))
}

fn rule_words(rule: &ReplicationRuleView, own: Option<&str>) -> String {
    let to: Vec<String> = rule
        .destinations
        .iter()
        .map(|d| {
            if Some(d.registry_id.as_str()) == own {
                d.region.clone()
            } else {
                format!("{} in account {}", d.region, d.registry_id)
            }
        })
        .collect();
    let which = if rule.filters.is_empty() {
        "every repository".to_owned()
    } else {
        format!("repositories starting {}", rule.filters.join(", "))
    };
    format!("{which} → {}", to.join(", "))
}

/// Replaces the replication configuration after the user's native yes (images pushed from then
/// on are copied, and billed, in each destination); answers it as ECR reads it back.
pub async fn set_replication(
    state: &AppState,
    id: &str,
    wanted: ReplicationView,
) -> Result<ReplicationView> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(REGISTRY_SETTINGS_ARE_ECR).await?;
    // A destination with no account is this one's (another region of the same registry); the
    // account is asked of ECR only when such a destination needs it and it is not known yet.
    let unnamed = wanted
        .rules
        .iter()
        .flat_map(|r| &r.destinations)
        .any(|d| d.registry_id.trim().is_empty());
    let own = match registry.account() {
        Some(account) => account.to_owned(),
        None if unnamed => ecr.registry().await?.account,
        None => String::new(),
    };
    let config = Replication {
        rules: wanted
            .rules
            .iter()
            .map(|r| ReplicationRule {
                destinations: r
                    .destinations
                    .iter()
                    .map(|d| Destination {
                        region: d.region.trim().to_owned(),
                        registry_id: match d.registry_id.trim() {
                            "" => own.clone(),
                            id => id.to_owned(),
                        },
                    })
                    .collect(),
                filters: r.filters.iter().map(|f| f.trim().to_owned()).collect(),
            })
            .collect(),
    };
    lading_ecr::checks::refuse_if_any(config.problems())?;
    let before = replication_view(ecr.replication().await?);
    let after = replication_view(config.clone());
    if before == after {
        return Ok(before);
    }
    let own = Some(own.as_str()).filter(|a| !a.is_empty());
    let words = |v: &ReplicationView| {
        if v.rules.is_empty() {
            "  (no replication)".to_owned()
        } else {
            listed(v.rules.iter().map(|r| rule_words(r, own)), 10)
        }
    };
    state
        .confirm(Question {
            title: "Change the registry's replication?".into(),
            detail: format!(
                "In {}, now:\n{}\n\nbecomes:\n{}\n\nImages pushed from then on are copied to each destination, where they are stored and billed; images already here are not copied. Another account must allow it in its registry policy.",
                registry_place(registry.entry()),
                words(&before),
                words(&after),
            ),
            yes: "Change replication".into(),
        })
        .await?;
    Ok(replication_view(ecr.set_replication(&config).await?))
}

fn pull_through_view(r: PullThroughRule) -> PullThroughRuleView {
    PullThroughRuleView {
        prefix: r.prefix,
        upstream_url: r.upstream_url,
        credential_arn: r.credential_arn,
        upstream: r.upstream,
        created_at: r.created_at,
    }
}

pub async fn pull_through_rules(state: &AppState, id: &str) -> Result<Vec<PullThroughRuleView>> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(REGISTRY_SETTINGS_ARE_ECR).await?;
    Ok(ecr
        .pull_through_rules()
        .await?
        .into_iter()
        .map(pull_through_view)
        .collect())
}

/// Creates a rule (checked first: the prefix, a supported upstream, its credential); nothing is
/// pulled until someone pulls through it.
pub async fn create_pull_through_rule(
    state: &AppState,
    id: &str,
    rule: PullThroughRuleView,
) -> Result<PullThroughRuleView> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(REGISTRY_SETTINGS_ARE_ECR).await?;
    let rule = PullThroughRule {
        prefix: rule.prefix.trim().to_owned(),
        upstream_url: rule.upstream_url.trim().to_owned(),
        credential_arn: rule
            .credential_arn
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty()),
        upstream: None,
        created_at: None,
    };
    // The engine checks it before the call.
    Ok(pull_through_view(
        ecr.create_pull_through_rule(&rule).await?,
    ))
}

pub async fn delete_pull_through_rule(state: &AppState, id: &str, prefix: &str) -> Result<()> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(REGISTRY_SETTINGS_ARE_ECR).await?;
    let rules = ecr.pull_through_rules().await?;
    let Some(rule) = rules.iter().find(|r| r.prefix == prefix) else {
        return Err(Error::new(
            Code::InvalidInput,
            format!("this registry has no pull-through cache rule for the prefix {prefix:?}"),
        ));
    };
    state
        .confirm(Question {
            title: format!("Delete the pull-through rule {prefix}?"),
            detail: format!(
                "In {}: pulls of {prefix}/… stop fetching from {}. The repositories it already made, and their images, stay.",
                registry_place(registry.entry()),
                rule.upstream_url
            ),
            yes: "Delete rule".into(),
        })
        .await?;
    Ok(ecr.delete_pull_through_rule(prefix).await?)
}

fn template_view(t: CreationTemplate) -> CreationTemplateView {
    CreationTemplateView {
        prefix: t.prefix,
        description: t.description,
        applied_for: t.applied_for,
        mutability: t.mutability,
        tags: t
            .tags
            .into_iter()
            .map(|(key, value)| ResourceTag { key, value })
            .collect(),
        lifecycle_policy: t.lifecycle_policy,
        repository_policy: t.repository_policy,
    }
}

pub async fn creation_templates(state: &AppState, id: &str) -> Result<Vec<CreationTemplateView>> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(REGISTRY_SETTINGS_ARE_ECR).await?;
    Ok(ecr
        .creation_templates()
        .await?
        .into_iter()
        .map(template_view)
        .collect())
}

/// A policy field left blank is no policy.
fn policy_text(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty())
}

/// Creates a template (checked first: its prefix, tags and the policies it carries, with the
/// same checks as a repository's own).
pub async fn create_creation_template(
    state: &AppState,
    id: &str,
    template: CreationTemplateView,
) -> Result<()> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(REGISTRY_SETTINGS_ARE_ECR).await?;
    let template = CreationTemplate {
        prefix: template.prefix.trim().to_owned(),
        description: template
            .description
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty()),
        applied_for: template.applied_for,
        mutability: template.mutability,
        tags: template
            .tags
            .into_iter()
            .map(|t| (t.key.trim().to_owned(), t.value.trim().to_owned()))
            .collect(),
        lifecycle_policy: policy_text(template.lifecycle_policy),
        repository_policy: policy_text(template.repository_policy),
    };
    // The engine checks it before the call.
    Ok(ecr.create_creation_template(&template).await?)
}

pub async fn delete_creation_template(state: &AppState, id: &str, prefix: &str) -> Result<()> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(REGISTRY_SETTINGS_ARE_ECR).await?;
    if !ecr
        .creation_templates()
        .await?
        .iter()
        .any(|t| t.prefix == prefix)
    {
        return Err(Error::new(
            Code::InvalidInput,
            format!("this registry has no repository creation template for the prefix {prefix:?}"),
        ));
    }
    state
        .confirm(Question {
            title: format!("Delete the creation template {prefix}?"),
            detail: format!(
                "In {}: repositories ECR creates under {prefix} from now on get ECR's defaults instead. Repositories it already made keep their settings.",
                registry_place(registry.entry()),
            ),
            yes: "Delete template".into(),
        })
        .await?;
    Ok(ecr.delete_creation_template(prefix).await?)
}
