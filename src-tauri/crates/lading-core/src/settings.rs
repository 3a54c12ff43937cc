//! Repository settings (ECR): creating and deleting repositories, tag mutability with its
//! exclusions, scan on push. OCI registries create a repository on the first push and have none.

use crate::confirm::{check_repository, registry_place, Question};
use crate::error::Result;
use crate::view::{NewRepositoryRequest, RepositorySettings, RepositoryView};
use crate::AppState;

const SETTINGS_ARE_ECR: &str = "repository settings are an ECR feature; OCI registries have none";

fn settings_view(r: lading_ecr::Repository) -> RepositorySettings {
    RepositorySettings {
        name: r.name,
        uri: r.uri,
        created_at: r.created_at_epoch_seconds,
        tag_mutability: r.tag_mutability,
        mutability_exclusions: r.mutability_exclusions,
        scan_on_push: r.scan_on_push,
        encryption: r.encryption,
        kms_key: r.kms_key,
    }
}

/// An ECR repository's settings as they are now.
pub async fn repository_settings(
    state: &AppState,
    id: &str,
    name: &str,
) -> Result<RepositorySettings> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(SETTINGS_ARE_ECR).await?;
    Ok(settings_view(ecr.describe_repository(name).await?))
}

/// How a question names a mutability setting.
fn mutability_words(mode: &str, exclusions: &[String]) -> String {
    if exclusions.is_empty() {
        mode.to_owned()
    } else {
        format!("{mode} (except {})", exclusions.join(", "))
    }
}

/// Changes tag mutability (with exclusion filters) — after the user's native yes, since it
/// changes what every later push may do — and scan on push, then reads them back.
pub async fn update_repository_settings(
    state: &AppState,
    id: &str,
    name: &str,
    mutability: &str,
    exclusions: Vec<String>,
    scan_on_push: bool,
) -> Result<RepositorySettings> {
    check_repository(name)?;
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(SETTINGS_ARE_ECR).await?;
    let before = ecr.describe_repository(name).await?;
    let changes_mutability =
        before.tag_mutability != mutability || before.mutability_exclusions != exclusions;
    if changes_mutability {
        let wanted = mutability_words(mutability, &exclusions);
        let effect = if mutability.starts_with("IMMUTABLE") {
            "A push that reuses an existing tag will then be refused."
        } else {
            "Any push may then move an existing tag to another image, leaving the image it named untagged."
        };
        let tags = lading_ecr::TagMutability::parse(mutability, exclusions)?;
        state
            .confirm(Question {
                title: format!("Change tag mutability of {name}?"),
                detail: format!(
                    "In {}, repository {name}: tag mutability goes from {} to {wanted}.\n\n{effect}",
                    registry_place(registry.entry()),
                    mutability_words(&before.tag_mutability, &before.mutability_exclusions),
                ),
                yes: format!("Make {}", mutability.to_lowercase().replace('_', " ")),
            })
            .await?;
        ecr.set_tag_mutability(name, &tags).await?;
    }
    if before.scan_on_push != scan_on_push {
        ecr.set_scan_on_push(name, scan_on_push).await?;
    }
    Ok(settings_view(ecr.describe_repository(name).await?))
}

/// Creates an ECR repository with its settings, checked first (each problem named).
pub async fn create_repository(
    state: &AppState,
    id: &str,
    request: NewRepositoryRequest,
) -> Result<RepositoryView> {
    let registry = state.registry(id).await?;
    let ecr = registry
        .ecr_or("OCI registries create a repository when the first image is pushed to it")
        .await?;
    let encryption = match request.encryption.as_str() {
        "" | "AES256" => None,
        "KMS" => Some(lading_ecr::Encryption::Kms {
            key: request
                .kms_key
                .map(|k| k.trim().to_owned())
                .filter(|k| !k.is_empty()),
        }),
        other => {
            return Err(lading_ecr::EcrError::InvalidInput(format!(
                "encryption \"{other}\" is not AES256 or KMS"
            ))
            .into())
        }
    };
    let spec = lading_ecr::NewRepository {
        mutability: lading_ecr::TagMutability::parse(&request.mutability, request.exclusions)?,
        scan_on_push: request.scan_on_push,
        encryption,
        tags: request.tags.into_iter().map(|t| (t.key, t.value)).collect(),
        ..lading_ecr::NewRepository::named(request.name.trim())
    };
    let created = ecr.create_repository_with(&spec).await?;
    Ok(RepositoryView {
        name: created.name,
        uri: Some(created.uri),
    })
}

/// Deletes an ECR repository once the user says yes; one that still holds images only with
/// `force`, which deletes them with it (the question says so).
pub async fn delete_repository(state: &AppState, id: &str, name: &str, force: bool) -> Result<()> {
    check_repository(name)?;
    let registry = state.registry(id).await?;
    let ecr = registry
        .ecr_or("OCI registries have no repository deletion; delete its images instead")
        .await?;
    let what_goes = if force {
        "The repository and every image in it are deleted, with its policies."
    } else {
        "The repository is deleted with its policies; ECR refuses if it still holds images."
    };
    state
        .confirm(Question {
            title: format!("Delete repository {name}?"),
            detail: format!(
                "In {}: {what_goes}\n\nThis cannot be undone.",
                registry_place(registry.entry())
            ),
            yes: if force {
                "Delete repository and images".into()
            } else {
                "Delete repository".into()
            },
        })
        .await?;
    state.listings.forget(id, Some(name));
    ecr.delete_repository(name, force).await?;
    Ok(())
}
