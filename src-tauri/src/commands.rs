use crate::ipc::{AppInfo, IpcError};

#[tauri::command]
pub fn app_info(app: tauri::AppHandle) -> Result<AppInfo, IpcError> {
    // The UI asks for this as it first renders, so this is close to the first paint.
    static LOGGED: std::sync::Once = std::sync::Once::new();
    LOGGED.call_once(|| {
        if let Some(started) = crate::STARTED.get() {
            tracing::info!(
                "first IPC call from the window {} ms after start",
                started.elapsed().as_millis()
            );
        }
    });
    Ok(AppInfo {
        name: app.package_info().name.clone(),
        version: app.package_info().version.to_string(),
        os: std::env::consts::OS.to_owned(),
        arch: std::env::consts::ARCH.to_owned(),
    })
}

use tauri::State;

use crate::confirm::Confirmations;
use crate::ipc::{
    AddEcrRegistry, AddOciRegistry, AwsProfile, ConnectionStatus, RegistryList, RegistryView,
};
use crate::local::LocalSources;
use crate::registries::{self, AppState};

#[tauri::command]
pub async fn list_registries(state: State<'_, AppState>) -> Result<RegistryList, IpcError> {
    registries::list(&state).await
}

#[tauri::command]
pub async fn add_oci_registry(
    state: State<'_, AppState>,
    request: AddOciRegistry,
) -> Result<RegistryView, IpcError> {
    registries::add_oci(&state, request).await
}

#[tauri::command]
pub async fn add_ecr_registry(
    state: State<'_, AppState>,
    request: AddEcrRegistry,
) -> Result<RegistryView, IpcError> {
    registries::add_ecr(&state, request).await
}

/// Issues a one-time token for a destructive action the user just confirmed in a dialog.
#[tauri::command]
pub fn confirm_destructive(
    confirmations: State<'_, Confirmations>,
    action: String,
    target: String,
) -> Result<String, IpcError> {
    confirmations.issue(&action, &target)
}

/// Forgetting the saved password deletes a secret, so it needs a confirmation token.
#[tauri::command]
pub async fn remove_registry(
    state: State<'_, AppState>,
    confirmations: State<'_, Confirmations>,
    id: String,
    forget_credentials: bool,
    confirmation: Option<String>,
) -> Result<(), IpcError> {
    if forget_credentials {
        confirmations.redeem(confirmation.as_deref(), "forget_credentials", &id)?;
    }
    registries::remove(&state, &id, forget_credentials).await
}

#[tauri::command]
pub async fn check_registry(
    state: State<'_, AppState>,
    id: String,
) -> Result<ConnectionStatus, IpcError> {
    registries::check(&state, &id).await
}

#[tauri::command]
pub fn aws_profiles() -> Vec<AwsProfile> {
    registries::aws_profiles()
}

#[tauri::command]
pub async fn aws_sso_login(profile: String) -> Result<(), IpcError> {
    registries::aws_sso_login(&profile).await
}

#[tauri::command]
pub async fn sign_out(
    state: State<'_, AppState>,
    confirmations: State<'_, Confirmations>,
    id: String,
    confirmation: Option<String>,
) -> Result<(), IpcError> {
    confirmations.redeem(confirmation.as_deref(), "sign_out", &id)?;
    registries::sign_out(&state, &id).await
}

#[tauri::command]
pub async fn list_repositories(
    state: State<'_, AppState>,
    id: String,
) -> Result<Vec<crate::ipc::RepositoryView>, IpcError> {
    registries::repositories(&state, &id).await
}

#[tauri::command]
pub async fn list_tags(
    state: State<'_, AppState>,
    id: String,
    repository: String,
) -> Result<Vec<String>, IpcError> {
    registries::tags(&state, &id, &repository).await
}

/// Streams a repository's images to `on_event` (tags first, then rows in batches, then `done`),
/// from the last listing unless `refresh`.
#[tauri::command]
pub async fn stream_images(
    state: State<'_, AppState>,
    id: String,
    repository: String,
    refresh: bool,
    on_event: tauri::ipc::Channel<crate::ipc::ImageListEvent>,
) -> Result<(), IpcError> {
    // A closed window cannot receive; the listing still completes into the cache.
    let emit = |event| drop(on_event.send(event));
    registries::stream_images(&state, &id, &repository, refresh, &emit).await?;
    Ok(())
}

#[tauri::command]
pub async fn image_detail(
    state: State<'_, AppState>,
    id: String,
    repository: String,
    digest: String,
) -> Result<crate::ipc::ImageDetail, IpcError> {
    registries::image_detail(&state, &id, &repository, &digest).await
}

/// Streams the files of each layer of an image, then the wasted bytes.
#[tauri::command]
pub async fn image_files(
    state: State<'_, AppState>,
    id: String,
    repository: String,
    digest: String,
    on_event: tauri::ipc::Channel<crate::ipc::ImageFilesEvent>,
) -> Result<(), IpcError> {
    let emit = |event| drop(on_event.send(event));
    registries::image_files(&state, &id, &repository, &digest, &emit).await
}

/// Deleting images needs a confirmation token issued for exactly these digests.
#[tauri::command]
pub async fn delete_images(
    state: State<'_, AppState>,
    confirmations: State<'_, Confirmations>,
    id: String,
    repository: String,
    digests: Vec<String>,
    confirmation: Option<String>,
) -> Result<crate::ipc::DeleteResult, IpcError> {
    if let Some(tag) = digests.iter().find(|d| !d.starts_with("sha256:")) {
        return Err(IpcError::new(
            "invalid_reference",
            format!("{tag} is not a digest; removing a tag is untag_images"),
        ));
    }
    let target = registries::delete_target(&id, &repository, &digests);
    confirmations.redeem(confirmation.as_deref(), "delete_images", &target)?;
    registries::delete_images(&state, &id, &repository, &digests).await
}

/// Removing tags (the images stay) needs a confirmation token issued for exactly these tags.
#[tauri::command]
pub async fn untag_images(
    state: State<'_, AppState>,
    confirmations: State<'_, Confirmations>,
    id: String,
    repository: String,
    tags: Vec<String>,
    confirmation: Option<String>,
) -> Result<crate::ipc::DeleteResult, IpcError> {
    if let Some(digest) = tags.iter().find(|t| t.starts_with("sha256:")) {
        return Err(IpcError::new(
            "invalid_reference",
            format!("{digest} is a digest, not a tag"),
        ));
    }
    let target = registries::delete_target(&id, &repository, &tags);
    confirmations.redeem(confirmation.as_deref(), "untag_images", &target)?;
    registries::delete_images(&state, &id, &repository, &tags).await
}

#[tauri::command]
pub async fn create_repository(
    state: State<'_, AppState>,
    id: String,
    name: String,
    mutability: String,
    scan_on_push: bool,
) -> Result<crate::ipc::RepositoryView, IpcError> {
    registries::create_repository(&state, &id, &name, &mutability, scan_on_push).await
}

/// Deleting a repository needs a confirmation token for exactly that repository.
#[tauri::command]
pub async fn delete_repository(
    state: State<'_, AppState>,
    confirmations: State<'_, Confirmations>,
    id: String,
    name: String,
    force: bool,
    confirmation: Option<String>,
) -> Result<(), IpcError> {
    confirmations.redeem(
        confirmation.as_deref(),
        "delete_repository",
        &format!("{id}/{name}"),
    )?;
    registries::delete_repository(&state, &id, &name, force).await
}

#[tauri::command]
pub async fn repository_settings(
    state: State<'_, AppState>,
    id: String,
    name: String,
) -> Result<crate::ipc::RepositorySettings, IpcError> {
    registries::repository_settings(&state, &id, &name).await
}

#[tauri::command]
pub async fn update_repository_settings(
    state: State<'_, AppState>,
    id: String,
    name: String,
    mutability: String,
    exclusions: Vec<String>,
    scan_on_push: bool,
) -> Result<crate::ipc::RepositorySettings, IpcError> {
    registries::update_repository_settings(
        &state,
        &id,
        &name,
        &mutability,
        exclusions,
        scan_on_push,
    )
    .await
}

/// Opens an image archive or OCI layout folder (reading its index on a blocking thread).
#[tauri::command]
pub async fn open_local(
    local: State<'_, LocalSources>,
    path: String,
) -> Result<crate::ipc::LocalView, IpcError> {
    // Opening reads (and may decompress) the archive: keep it off the async workers.
    tokio::task::block_in_place(|| local.open(&path))
}

#[tauri::command]
pub fn list_local(local: State<'_, LocalSources>) -> Vec<crate::ipc::LocalView> {
    local.list()
}

#[tauri::command]
pub fn close_local(local: State<'_, LocalSources>, id: String) -> Result<(), IpcError> {
    local.close(&id)
}

#[tauri::command]
pub async fn local_image_detail(
    local: State<'_, LocalSources>,
    id: String,
    image: u32,
    digest: Option<String>,
) -> Result<crate::ipc::ImageDetail, IpcError> {
    tokio::task::block_in_place(|| local.detail(&id, image, digest.as_deref()))
}

#[tauri::command]
pub async fn local_image_files(
    local: State<'_, LocalSources>,
    id: String,
    image: u32,
    digest: Option<String>,
    on_event: tauri::ipc::Channel<crate::ipc::ImageFilesEvent>,
) -> Result<(), IpcError> {
    let emit = |event| drop(on_event.send(event));
    tokio::task::block_in_place(|| local.files(&id, image, digest.as_deref(), &emit))
}

/// Pushes an image of an opened local source; progress on `on_event` (≤ 20 messages/s).
#[tauri::command]
pub async fn push_local(
    state: State<'_, AppState>,
    local: State<'_, LocalSources>,
    transfers: State<'_, crate::transfers::Transfers>,
    request: crate::ipc::PushRequest,
    on_event: tauri::ipc::Channel<crate::ipc::TransferEvent>,
) -> Result<(), IpcError> {
    let emit = std::sync::Arc::new(move |event| drop(on_event.send(event)));
    transfers.push_local(&state, &local, request, emit).await
}

/// Exports an image to a docker archive or an OCI layout folder.
#[tauri::command]
pub async fn export_image(
    state: State<'_, AppState>,
    transfers: State<'_, crate::transfers::Transfers>,
    request: crate::ipc::ExportRequest,
    on_event: tauri::ipc::Channel<crate::ipc::TransferEvent>,
) -> Result<(), IpcError> {
    let emit = std::sync::Arc::new(move |event| drop(on_event.send(event)));
    transfers.export(&state, request, emit).await
}

/// Copies an image to another repository or registry.
#[tauri::command]
pub async fn copy_image(
    state: State<'_, AppState>,
    transfers: State<'_, crate::transfers::Transfers>,
    request: crate::ipc::CopyRequest,
    on_event: tauri::ipc::Channel<crate::ipc::TransferEvent>,
) -> Result<(), IpcError> {
    let emit = std::sync::Arc::new(move |event| drop(on_event.send(event)));
    transfers.copy(&state, request, emit).await
}

#[tauri::command]
pub fn cancel_transfer(
    transfers: State<'_, crate::transfers::Transfers>,
    transfer_id: String,
) -> Result<(), IpcError> {
    transfers.cancel(&transfer_id)
}

/// The user's answer to "quit while transfers run?": quit (cancel them and exit) or keep working.
#[tauri::command]
pub fn answer_close(
    app: tauri::AppHandle,
    transfers: State<'_, crate::transfers::Transfers>,
    quit: bool,
) {
    if quit {
        crate::quit(app);
    } else {
        transfers.keep_open();
    }
}

/// Shows a native file dialog and returns what was chosen (nothing if it was cancelled).
/// `kind`: `archives` (one or more image archives to open), `folder` (an OCI layout folder,
/// existing or to export into), `save_archive` (where to write a docker archive).
#[tauri::command]
pub async fn pick_path(
    app: tauri::AppHandle,
    kind: String,
    title: String,
    suggested_name: Option<String>,
) -> Result<Vec<String>, IpcError> {
    use tauri::Manager;
    use tauri_plugin_dialog::DialogExt;
    let mut dialog = app.dialog().file().set_title(title);
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    if let Some(home) = std::env::var_os("HOME") {
        dialog = dialog.set_directory(home);
    }
    // The dialogs block until answered: keep them off the async workers.
    let picked = tauri::async_runtime::spawn_blocking(move || match kind.as_str() {
        "archives" => Ok(dialog
            .add_filter("Image archives", &["tar", "gz", "tgz"])
            .add_filter("All files", &["*"])
            .blocking_pick_files()
            .unwrap_or_default()),
        "folder" => Ok(dialog.blocking_pick_folder().into_iter().collect()),
        "save_archive" => {
            if let Some(name) = suggested_name {
                dialog = dialog.set_file_name(name);
            }
            Ok(dialog
                .add_filter("docker save archive", &["tar"])
                .blocking_save_file()
                .into_iter()
                .collect())
        }
        other => Err(IpcError::new(
            "invalid_kind",
            format!("{other:?} is not archives, folder or save_archive"),
        )),
    })
    .await
    .map_err(|e| IpcError::new("dialog_failed", e.to_string()))??;
    picked
        .into_iter()
        .map(|path| {
            path.into_path()
                .map(|p| p.display().to_string())
                .map_err(|e| IpcError::new("dialog_failed", e.to_string()))
        })
        .collect()
}

#[tauri::command]
pub async fn lifecycle_policy(
    state: State<'_, AppState>,
    id: String,
    repository: String,
) -> Result<Option<String>, IpcError> {
    crate::lifecycle::stored(&state, &id, &repository).await
}

#[tauri::command]
pub async fn lifecycle_dry_run(
    state: State<'_, AppState>,
    sessions: State<'_, crate::lifecycle::LifecycleSessions>,
    id: String,
    repository: String,
    text: String,
    protected: Vec<String>,
    refresh: bool,
) -> Result<crate::ipc::LifecycleDryRun, IpcError> {
    sessions
        .dry_run(&state, &id, &repository, &text, &protected, refresh)
        .await
}

#[tauri::command]
pub async fn lifecycle_server_preview(
    state: State<'_, AppState>,
    sessions: State<'_, crate::lifecycle::LifecycleSessions>,
    id: String,
    repository: String,
    text: String,
) -> Result<crate::ipc::ServerPreview, IpcError> {
    sessions
        .server_preview(&state, &id, &repository, &text)
        .await
}

#[tauri::command]
pub async fn save_lifecycle_policy(
    state: State<'_, AppState>,
    sessions: State<'_, crate::lifecycle::LifecycleSessions>,
    id: String,
    repository: String,
    text: String,
) -> Result<(), IpcError> {
    sessions.save(&state, &id, &repository, &text).await
}

#[tauri::command]
pub async fn delete_lifecycle_policy(
    state: State<'_, AppState>,
    confirmations: State<'_, Confirmations>,
    id: String,
    repository: String,
    confirmation: Option<String>,
) -> Result<(), IpcError> {
    confirmations.redeem(
        confirmation.as_deref(),
        "delete_lifecycle_policy",
        &format!("{id}/{repository}"),
    )?;
    crate::lifecycle::delete(&state, &id, &repository).await
}

#[tauri::command]
pub async fn repository_policy(
    state: State<'_, AppState>,
    id: String,
    repository: String,
) -> Result<Option<String>, IpcError> {
    crate::repo_policy::stored(&state, &id, &repository).await
}

#[tauri::command]
pub async fn check_repository_policy(
    state: State<'_, AppState>,
    id: String,
    text: String,
) -> Result<crate::ipc::PolicyCheck, IpcError> {
    crate::repo_policy::check(&state, &id, &text).await
}

#[tauri::command]
pub async fn save_repository_policy(
    state: State<'_, AppState>,
    confirmations: State<'_, Confirmations>,
    id: String,
    repository: String,
    text: String,
    confirmation: Option<String>,
) -> Result<(), IpcError> {
    crate::repo_policy::save(
        &state,
        &confirmations,
        &id,
        &repository,
        &text,
        confirmation.as_deref(),
    )
    .await
}

#[tauri::command]
pub async fn delete_repository_policy(
    state: State<'_, AppState>,
    confirmations: State<'_, Confirmations>,
    id: String,
    repository: String,
    confirmation: Option<String>,
) -> Result<(), IpcError> {
    confirmations.redeem(
        confirmation.as_deref(),
        "delete_repository_policy",
        &format!("{id}/{repository}"),
    )?;
    crate::repo_policy::delete(&state, &id, &repository).await
}
