//! A repository's images: listing, detail, layer files, deletes.

use lading_core::view::{
    DeleteResult, ImageDetail, ImageFilesEvent, ImageListEvent, ReferrerView, RowDetail,
    RowDetailRequest,
};
use lading_core::{attached, deletes, detail, files, listing, row_details, AppState, Result};
use tauri::ipc::Channel;
use tauri::State;

#[tauri::command]
pub async fn list_tags(
    state: State<'_, AppState>,
    id: String,
    repository: String,
) -> Result<Vec<String>> {
    listing::tags(&state, &id, &repository).await
}

/// Streams a repository's images to `on_event` (tags first, then rows in batches, then `done`),
/// from the last listing unless `refresh`.
#[tauri::command]
pub async fn stream_images(
    state: State<'_, AppState>,
    id: String,
    repository: String,
    refresh: bool,
    read: Option<String>,
    on_event: Channel<ImageListEvent>,
) -> Result<()> {
    let emit = |event| drop(on_event.send(event));
    let listing = listing::stream_images(&state, &id, &repository, refresh, &emit);
    state.reads.run(read.as_deref(), listing).await?;
    Ok(())
}

/// The rows the window shows now: their manifests are read before the others'.
#[tauri::command]
pub fn prioritize_images(
    state: State<'_, AppState>,
    id: String,
    repository: String,
    tags: Vec<String>,
) -> bool {
    listing::prioritize_images(&state, &id, &repository, &tags)
}

/// Every manifest of the listing under way, on a registry that meters pulls too.
#[tauri::command]
pub fn read_all_images(state: State<'_, AppState>, id: String, repository: String) -> bool {
    listing::read_all_images(&state, &id, &repository)
}

/// Created times and per-platform sizes of the rows in view.
#[tauri::command]
pub async fn row_details(
    state: State<'_, AppState>,
    id: String,
    repository: String,
    rows: Vec<RowDetailRequest>,
    read: Option<String>,
) -> Result<Vec<RowDetail>> {
    let details = row_details::row_details(&state, &id, &repository, &rows);
    state.reads.run(read.as_deref(), details).await
}

/// What is attached to an image: signatures, SBOMs, attestations.
#[tauri::command]
pub async fn image_referrers(
    state: State<'_, AppState>,
    id: String,
    repository: String,
    digest: String,
    read: Option<String>,
) -> Result<Vec<ReferrerView>> {
    let found = attached::image_referrers(&state, &id, &repository, &digest);
    state.reads.run(read.as_deref(), found).await
}

#[tauri::command]
pub async fn image_detail(
    state: State<'_, AppState>,
    id: String,
    repository: String,
    digest: String,
    read: Option<String>,
) -> Result<ImageDetail> {
    let detail = detail::image_detail(&state, &id, &repository, &digest);
    state.reads.run(read.as_deref(), detail).await
}

/// Streams the files of each layer of an image, then the wasted bytes.
#[tauri::command]
pub async fn image_files(
    state: State<'_, AppState>,
    id: String,
    repository: String,
    digest: String,
    read: Option<String>,
    on_event: Channel<ImageFilesEvent>,
) -> Result<()> {
    let emit = |event| drop(on_event.send(event));
    let files = files::image_files(&state, &id, &repository, &digest, &emit);
    state.reads.run(read.as_deref(), files).await
}

/// Stops a read the window no longer shows (it left the repository or the image).
#[tauri::command]
pub fn cancel_read(state: State<'_, AppState>, read: String) {
    state.reads.cancel(&read);
}

/// Deletes images by digest, after the native yes the core asks for (naming each image and tag).
#[tauri::command]
pub async fn delete_images(
    state: State<'_, AppState>,
    id: String,
    repository: String,
    digests: Vec<String>,
    with_attached: Option<bool>,
) -> Result<DeleteResult> {
    let with_attached = with_attached.unwrap_or(false);
    deletes::delete(&state, &id, &repository, &digests, with_attached).await
}

/// Removes tags, after the native yes the core asks for (on ECR naming the images that go too).
#[tauri::command]
pub async fn untag_images(
    state: State<'_, AppState>,
    id: String,
    repository: String,
    tags: Vec<String>,
) -> Result<DeleteResult> {
    deletes::untag(&state, &id, &repository, &tags).await
}
