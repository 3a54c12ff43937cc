//! ECR image scanning: findings, Scan now, the registry's scanning configuration.

use lading_core::scanning;
use lading_core::view::{ScanView, ScanningConfigView};
use lading_core::{AppState, Result};
use tauri::State;

#[tauri::command]
pub async fn image_scan(
    state: State<'_, AppState>,
    id: String,
    repository: String,
    digest: String,
) -> Result<ScanView> {
    scanning::image_scan(&state, &id, &repository, &digest).await
}

#[tauri::command]
pub async fn start_scan(
    state: State<'_, AppState>,
    id: String,
    repository: String,
    digest: String,
) -> Result<ScanView> {
    scanning::start_scan(&state, &id, &repository, &digest).await
}

#[tauri::command]
pub async fn scanning_configuration(
    state: State<'_, AppState>,
    id: String,
) -> Result<ScanningConfigView> {
    scanning::scanning_configuration(&state, &id).await
}

/// Asks the user natively before anything changes.
#[tauri::command]
pub async fn set_scanning_configuration(
    state: State<'_, AppState>,
    id: String,
    config: ScanningConfigView,
) -> Result<ScanningConfigView> {
    scanning::set_scanning_configuration(&state, &id, config).await
}
