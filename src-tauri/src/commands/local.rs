//! Image archives and OCI layout folders opened in the window. Reading them (and decompressing)
//! blocks, so it runs off the async workers.

use lading_core::local::LocalSources;
use lading_core::view::{ImageDetail, ImageFilesEvent, LocalView};
use lading_core::{AppState, Result};
use tauri::ipc::Channel;
use tauri::State;

#[tauri::command]
pub async fn open_local(local: State<'_, LocalSources>, path: String) -> Result<LocalView> {
    tokio::task::block_in_place(|| local.open(&path))
}

#[tauri::command]
pub fn list_local(local: State<'_, LocalSources>) -> Vec<LocalView> {
    local.list()
}

#[tauri::command]
pub fn close_local(local: State<'_, LocalSources>, id: String) -> Result<()> {
    local.close(&id)
}

#[tauri::command]
pub async fn local_image_detail(
    local: State<'_, LocalSources>,
    id: String,
    image: u32,
    digest: Option<String>,
) -> Result<ImageDetail> {
    tokio::task::block_in_place(|| local.detail(&id, image, digest.as_deref()))
}

#[tauri::command]
pub async fn local_image_files(
    state: State<'_, AppState>,
    local: State<'_, LocalSources>,
    id: String,
    image: u32,
    digest: Option<String>,
    read: Option<String>,
    on_event: Channel<ImageFilesEvent>,
) -> Result<()> {
    let emit = |event| drop(on_event.send(event));
    // Blocking file reads, stopped by `cancel_read` like a registry's.
    tokio::task::block_in_place(|| {
        state.reads.run_blocking(read.as_deref(), |stop| {
            local.files(&id, image, digest.as_deref(), &emit, stop)
        })
    })
}
