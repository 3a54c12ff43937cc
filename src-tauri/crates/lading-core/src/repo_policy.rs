//! The repository policy editor's backend: the stored policy, a check of the edited text
//! (ECR's constraints, then risks in plain words), and save/delete. A policy the linter flags —
//! public access, wildcard actions, a Deny that locks your own account out — is saved only after
//! the user's native yes to a question naming every risk.

use lading_ecr::policy::{PolicyDocument, Severity};

use crate::confirm::{check_repository, listed, registry_place, Question};
use crate::error::{Code, Error, Result};
use crate::view::{PolicyCheck, PolicyLint};
use crate::AppState;

const NOT_ECR: &str = "repository policies are an ECR feature";

/// The repository's policy text, if it has one.
pub async fn stored(state: &AppState, id: &str, repository: &str) -> Result<Option<String>> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(NOT_ECR).await?;
    Ok(ecr.get_repository_policy(repository).await?)
}

/// ECR's constraints first (with the field at fault); when the text passes, the risks.
pub async fn check(state: &AppState, id: &str, text: &str) -> Result<PolicyCheck> {
    let registry = state.registry(id).await?;
    let account = registry.account();
    Ok(match PolicyDocument::parse(text) {
        Err(issues) => PolicyCheck {
            issues: issues.into_iter().map(Into::into).collect(),
            lints: Vec::new(),
        },
        Ok(doc) => PolicyCheck {
            issues: Vec::new(),
            lints: doc
                .lint(account)
                .into_iter()
                .map(|l| PolicyLint {
                    statement: l.statement.map(|i| i as u32),
                    severity: match l.severity {
                        Severity::Danger => "danger".into(),
                        Severity::Warning => "warning".into(),
                    },
                    message: l.message,
                })
                .collect(),
        },
    })
}

/// Stores `text` as the repository policy. Refused when ECR would refuse it; when the linter
/// flags anything (public access, wildcard actions, a lock-out), only after the user's native yes
/// to a question listing every risk.
pub async fn save(state: &AppState, id: &str, repository: &str, text: &str) -> Result<()> {
    check_repository(repository)?;
    let risks = risks_before_saving(state, id, text).await?;
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(NOT_ECR).await?;
    if !risks.is_empty() {
        state
            .confirm(Question {
                title: format!("Save a risky policy on {repository}?"),
                detail: format!(
                    "In {}, repository {repository}, the new policy:\n{}",
                    registry_place(registry.entry()),
                    listed(risks, 12)
                ),
                yes: "Save policy".into(),
            })
            .await?;
    }
    ecr.set_repository_policy(repository, text).await?;
    Ok(())
}

/// A policy about to be saved: refused when ECR would refuse it, else its risks as the native
/// question lists them ("DANGER: …", "warning: …"), none when the linter flags nothing. The
/// registry policy is saved the same way.
pub(crate) async fn risks_before_saving(
    state: &AppState,
    id: &str,
    text: &str,
) -> Result<Vec<String>> {
    let checked = check(state, id, text).await?;
    if let Some(issue) = checked.issues.first() {
        return Err(Error::new(
            Code::InvalidPolicy,
            format!("{}: {}", issue.path, issue.message),
        ));
    }
    Ok(checked
        .lints
        .iter()
        .map(|l| {
            let mark = if l.severity == "danger" {
                "DANGER"
            } else {
                "warning"
            };
            format!("{mark}: {}", l.message)
        })
        .collect())
}

/// Removes the repository policy once the user says yes.
pub async fn delete(state: &AppState, id: &str, repository: &str) -> Result<()> {
    check_repository(repository)?;
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(NOT_ECR).await?;
    state
        .confirm(Question {
            title: format!("Delete the repository policy of {repository}?"),
            detail: format!(
                "In {}, repository {repository}: its policy is deleted, and every access it grants to other accounts or services ends now. The policy text is not kept.",
                registry_place(registry.entry())
            ),
            yes: "Delete policy".into(),
        })
        .await?;
    Ok(ecr.delete_repository_policy(repository).await?)
}
