//! The registry list and repositories.

use lading_core::view::{
    AddEcrRegistry, AddOciRegistry, AwsProfile, ConnectionStatus, Located, NewRepositoryRequest,
    RegistryList, RegistryView, RepositoryList, RepositorySettings, RepositoryView, ResourceTag,
    SignInHelp,
};
use lading_core::{registries, repo_tags, settings, sign_in, AppState, Result};
use tauri::State;

#[tauri::command]
pub async fn list_registries(state: State<'_, AppState>) -> Result<RegistryList> {
    registries::list(&state).await
}

#[tauri::command]
pub async fn add_oci_registry(
    state: State<'_, AppState>,
    request: AddOciRegistry,
) -> Result<RegistryView> {
    registries::add_oci(&state, request).await
}

#[tauri::command]
pub async fn add_ecr_registry(
    state: State<'_, AppState>,
    request: AddEcrRegistry,
) -> Result<RegistryView> {
    registries::add_ecr(&state, request).await
}

/// Asks natively first (the core does), naming the registry and whether its password goes.
#[tauri::command]
pub async fn remove_registry(
    state: State<'_, AppState>,
    id: String,
    forget_credentials: bool,
) -> Result<()> {
    registries::remove(&state, &id, forget_credentials).await
}

#[tauri::command]
pub async fn check_registry(state: State<'_, AppState>, id: String) -> Result<ConnectionStatus> {
    registries::check(&state, &id).await
}

/// The terminal command that signs docker in to the registry (never the password).
#[tauri::command]
pub async fn sign_in_help(state: State<'_, AppState>, id: String) -> Result<SignInHelp> {
    sign_in::sign_in_help(&state, &id).await
}

#[tauri::command]
pub fn aws_profiles() -> Vec<AwsProfile> {
    registries::aws_profiles()
}

#[tauri::command]
pub async fn aws_sso_login(state: State<'_, AppState>, profile: String) -> Result<()> {
    registries::aws_sso_login(&state, &profile).await
}

#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>, id: String) -> Result<()> {
    registries::sign_out(&state, &id).await
}

#[tauri::command]
pub async fn list_repositories(
    state: State<'_, AppState>,
    id: String,
    read: Option<String>,
) -> Result<RepositoryList> {
    let listing = lading_core::listing::repository_list(&state, &id);
    state.reads.run(read.as_deref(), listing).await
}

/// "Go to": a pasted reference read into a registry of the list, a repository and a tag or digest.
#[tauri::command]
pub async fn locate_reference(state: State<'_, AppState>, text: String) -> Result<Located> {
    lading_core::locate::locate(&state, &text).await
}

#[tauri::command]
pub async fn open_repository(
    state: State<'_, AppState>,
    id: String,
    name: String,
) -> Result<RepositoryView> {
    lading_core::listing::open_repository(&state, &id, &name).await
}

#[tauri::command]
pub async fn create_repository(
    state: State<'_, AppState>,
    id: String,
    request: NewRepositoryRequest,
) -> Result<RepositoryView> {
    settings::create_repository(&state, &id, request).await
}

#[tauri::command]
pub async fn repository_tags(
    state: State<'_, AppState>,
    id: String,
    name: String,
) -> Result<Vec<ResourceTag>> {
    repo_tags::repository_tags(&state, &id, &name).await
}

/// Makes the repository's resource tags exactly these (checked first, never half-applied).
#[tauri::command]
pub async fn set_repository_tags(
    state: State<'_, AppState>,
    id: String,
    name: String,
    tags: Vec<ResourceTag>,
) -> Result<Vec<ResourceTag>> {
    repo_tags::set_repository_tags(&state, &id, &name, tags).await
}

/// Asks natively first (the core does), saying whether its images go too.
#[tauri::command]
pub async fn delete_repository(
    state: State<'_, AppState>,
    id: String,
    name: String,
    force: bool,
) -> Result<()> {
    settings::delete_repository(&state, &id, &name, force).await
}

#[tauri::command]
pub async fn repository_settings(
    state: State<'_, AppState>,
    id: String,
    name: String,
) -> Result<RepositorySettings> {
    settings::repository_settings(&state, &id, &name).await
}

#[tauri::command]
pub async fn update_repository_settings(
    state: State<'_, AppState>,
    id: String,
    name: String,
    mutability: String,
    exclusions: Vec<String>,
    scan_on_push: bool,
) -> Result<RepositorySettings> {
    settings::update_repository_settings(&state, &id, &name, &mutability, exclusions, scan_on_push)
        .await
}
