//! The repository policy editor's backend: the stored policy, a check of the edited text
//! (ECR's constraints, then risks in plain words), and save/delete. A policy with a `danger`
//! risk — public access, or a Deny that locks your own account out — is saved only with a
//! confirmation token from the dialog that named the risk.

use lading_ecr::policy::{PolicyDocument, Severity};

use crate::confirm::Confirmations;
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

/// What a risky save's confirmation is bound to.
pub fn risky_target(id: &str, repository: &str) -> String {
    crate::confirm::repository_target(id, repository)
}

/// Stores `text` as the repository policy. Refused when ECR would refuse it, and — when it has
/// a `danger` risk — unless `confirmation` was issued for `risky_repository_policy` on it.
pub async fn save(
    state: &AppState,
    confirmations: &Confirmations,
    id: &str,
    repository: &str,
    text: &str,
    confirmation: Option<&str>,
) -> Result<()> {
    let checked = check(state, id, text).await?;
    if let Some(issue) = checked.issues.first() {
        return Err(Error::new(
            Code::InvalidPolicy,
            format!("{}: {}", issue.path, issue.message),
        ));
    }
    if checked.lints.iter().any(|l| l.severity == "danger") {
        confirmations.redeem(
            confirmation,
            "risky_repository_policy",
            &risky_target(id, repository),
        )?;
    }
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(NOT_ECR).await?;
    ecr.set_repository_policy(repository, text).await?;
    Ok(())
}

pub async fn delete(state: &AppState, id: &str, repository: &str) -> Result<()> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(NOT_ECR).await?;
    Ok(ecr.delete_repository_policy(repository).await?)
}

/// [`delete`] with the token the dialog got for exactly this repository.
pub async fn delete_confirmed(
    state: &AppState,
    confirmations: &crate::confirm::Confirmations,
    id: &str,
    repository: &str,
    confirmation: Option<&str>,
) -> Result<()> {
    let target = crate::confirm::repository_target(id, repository);
    confirmations.redeem(confirmation, "delete_repository_policy", &target)?;
    delete(state, id, repository).await
}
