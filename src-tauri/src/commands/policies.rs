//! The lifecycle and repository policy editors (ECR).

use lading_core::lifecycle::{self, LifecycleSessions};
use lading_core::repo_policy;
use lading_core::view::{LifecycleDryRun, PolicyCheck, ServerPreview};
use lading_core::{AppState, Result};
use tauri::State;

#[tauri::command]
pub async fn lifecycle_policy(
    state: State<'_, AppState>,
    id: String,
    repository: String,
) -> Result<Option<String>> {
    lifecycle::stored(&state, &id, &repository).await
}

#[tauri::command]
pub async fn lifecycle_dry_run(
    state: State<'_, AppState>,
    sessions: State<'_, LifecycleSessions>,
    id: String,
    repository: String,
    text: String,
    protected: Vec<String>,
    refresh: bool,
) -> Result<LifecycleDryRun> {
    sessions
        .dry_run(&state, &id, &repository, &text, &protected, refresh)
        .await
}

#[tauri::command]
pub async fn lifecycle_server_preview(
    state: State<'_, AppState>,
    sessions: State<'_, LifecycleSessions>,
    id: String,
    repository: String,
    text: String,
) -> Result<ServerPreview> {
    sessions
        .server_preview(&state, &id, &repository, &text)
        .await
}

#[tauri::command]
pub async fn save_lifecycle_policy(
    state: State<'_, AppState>,
    sessions: State<'_, LifecycleSessions>,
    id: String,
    repository: String,
    text: String,
) -> Result<()> {
    sessions.save(&state, &id, &repository, &text).await
}

#[tauri::command]
pub async fn delete_lifecycle_policy(
    state: State<'_, AppState>,
    id: String,
    repository: String,
) -> Result<()> {
    lifecycle::delete(&state, &id, &repository).await
}

#[tauri::command]
pub async fn repository_policy(
    state: State<'_, AppState>,
    id: String,
    repository: String,
) -> Result<Option<String>> {
    repo_policy::stored(&state, &id, &repository).await
}

#[tauri::command]
pub async fn check_repository_policy(
    state: State<'_, AppState>,
    id: String,
    text: String,
) -> Result<PolicyCheck> {
    repo_policy::check(&state, &id, &text).await
}

#[tauri::command]
pub async fn save_repository_policy(
    state: State<'_, AppState>,
    id: String,
    repository: String,
    text: String,
) -> Result<()> {
    repo_policy::save(&state, &id, &repository, &text).await
}

#[tauri::command]
pub async fn delete_repository_policy(
    state: State<'_, AppState>,
    id: String,
    repository: String,
) -> Result<()> {
    repo_policy::delete(&state, &id, &repository).await
}
