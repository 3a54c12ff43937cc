//! "Go to": a reference as people paste it (`nginx`, `docker.io/library/nginx:1.27`,
//! `ghcr.io/org/app@sha256:…`, an ECR URI) read into a registry of the list, a repository and a
//! tag or digest. Nothing is contacted here: a registry not in the list is only named, for the
//! user to add first.

use lading_config::RegistryKind;
use lading_oci::reference::canonical_registry;
use lading_oci::Reference;

use crate::error::Result;
use crate::registry::{ecr_host, host_of};
use crate::view::Located;
use crate::AppState;

pub async fn locate(state: &AppState, text: &str) -> Result<Located> {
    let text = text.trim();
    // What a browser copy adds around a reference.
    let text = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .unwrap_or(text);
    let reference: Reference = text.parse()?;
    let registry = reference.registry.to_ascii_lowercase();
    let config = state.config.lock().await;
    let entry = config.registries().iter().find(|entry| match &entry.kind {
        RegistryKind::Oci { address, .. } => {
            canonical_registry(host_of(address)).eq_ignore_ascii_case(&registry)
        }
        RegistryKind::Ecr {
            account: Some(account),
            region,
            ..
        } => ecr_host(account, region) == registry,
        RegistryKind::Ecr { .. } => false,
    });
    Ok(Located {
        registry_id: entry.map(|e| e.id.clone()),
        is_ecr: registry.contains(".dkr.ecr.") && registry.ends_with(".amazonaws.com"),
        registry,
        repository: reference.repository,
        tag: reference.tag,
        digest: reference.digest,
    })
}
