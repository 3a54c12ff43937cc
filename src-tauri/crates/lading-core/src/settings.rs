//! Repository settings (ECR): creating and deleting repositories, tag mutability with its
//! exclusions, scan on push. OCI registries create a repository on the first push and have none.

use crate::error::Result;
use crate::view::{RepositorySettings, RepositoryView};
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

/// Changes tag mutability (with exclusion filters) and scan on push, then reads them back.
pub async fn update_repository_settings(
    state: &AppState,
    id: &str,
    name: &str,
    mutability: &str,
    exclusions: Vec<String>,
    scan_on_push: bool,
) -> Result<RepositorySettings> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(SETTINGS_ARE_ECR).await?;
    let mutability = lading_ecr::TagMutability::parse(mutability, exclusions)?;
    let before = ecr.describe_repository(name).await?;
    ecr.set_tag_mutability(name, &mutability).await?;
    if before.scan_on_push != scan_on_push {
        ecr.set_scan_on_push(name, scan_on_push).await?;
    }
    Ok(settings_view(ecr.describe_repository(name).await?))
}

/// Creates an ECR repository.
pub async fn create_repository(
    state: &AppState,
    id: &str,
    name: &str,
    mutability: &str,
    scan_on_push: bool,
) -> Result<RepositoryView> {
    let registry = state.registry(id).await?;
    let ecr = registry
        .ecr_or("OCI registries create a repository when the first image is pushed to it")
        .await?;
    let spec = lading_ecr::NewRepository {
        mutability: lading_ecr::TagMutability::parse(mutability, Vec::new())?,
        scan_on_push,
        ..lading_ecr::NewRepository::named(name)
    };
    let created = ecr.create_repository_with(&spec).await?;
    Ok(RepositoryView {
        name: created.name,
        uri: Some(created.uri),
    })
}

/// Deletes an ECR repository; one that still holds images only with `force` (which deletes them).
pub async fn delete_repository(state: &AppState, id: &str, name: &str, force: bool) -> Result<()> {
    state.listings.forget(id, Some(name));
    let registry = state.registry(id).await?;
    registry
        .ecr_or("OCI registries have no repository deletion; delete its images instead")
        .await?
        .delete_repository(name, force)
        .await?;
    Ok(())
}

/// [`delete_repository`] with the token the dialog got for exactly this repository.
pub async fn delete_repository_confirmed(
    state: &AppState,
    confirmations: &crate::confirm::Confirmations,
    id: &str,
    name: &str,
    force: bool,
    confirmation: Option<&str>,
) -> Result<()> {
    let target = crate::confirm::repository_target(id, name);
    confirmations.redeem(confirmation, "delete_repository", &target)?;
    delete_repository(state, id, name, force).await
}
