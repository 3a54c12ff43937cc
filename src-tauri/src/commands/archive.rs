//! ECR's archive storage class: archived images, archive and restore.

use lading_core::archive;
use lading_core::view::{ArchivedImage, StorageClassResult};
use lading_core::{AppState, Result};
use tauri::State;

#[tauri::command]
pub async fn archived_images(
    state: State<'_, AppState>,
    id: String,
    repository: String,
) -> Result<Vec<ArchivedImage>> {
    archive::archived_images(&state, &id, &repository).await
}

/// Asks the user natively before anything moves.
#[tauri::command]
pub async fn set_storage_class(
    state: State<'_, AppState>,
    id: String,
    repository: String,
    digests: Vec<String>,
    archive: bool,
) -> Result<StorageClassResult> {
    archive::set_storage_class(&state, &id, &repository, &digests, archive).await
}
