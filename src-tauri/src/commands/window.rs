//! The window's own commands: what app this is, developer endpoints (said in the title), the
//! answer to "quit while transfers run?", and native file dialogs.

use lading_core::transfers::Transfers;
use lading_core::view::{AppInfo, DeveloperEndpoints};
use lading_core::{AppState, Code, Error, Result};
use tauri::State;

#[tauri::command]
pub fn app_info(app: tauri::AppHandle) -> Result<AppInfo> {
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

#[tauri::command]
pub async fn developer_endpoints(state: State<'_, AppState>) -> Result<DeveloperEndpoints> {
    Ok(lading_core::endpoints::get(&state).await)
}

/// Turns developer endpoints on (the core asks natively) or off; the title says which.
#[tauri::command]
pub async fn set_developer_endpoints(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    on: bool,
) -> Result<DeveloperEndpoints> {
    let now = lading_core::endpoints::set(&state, on).await?;
    show_in_title(&app, &now);
    Ok(now)
}

/// The window's title says while developer endpoints are on (they redirect sign-ins too).
pub fn show_in_title(app: &tauri::AppHandle, endpoints: &DeveloperEndpoints) {
    use tauri::Manager;
    let title = if endpoints.on {
        "Lading — developer endpoints on"
    } else {
        "Lading"
    };
    if let Some(window) = app.get_webview_window("main") {
        if let Err(e) = window.set_title(title) {
            tracing::warn!("cannot set the window title: {e}");
        }
    }
}

/// The user's answer to "quit while transfers run?": quit (cancel them and exit) or keep working.
#[tauri::command]
pub fn answer_close(app: tauri::AppHandle, transfers: State<'_, Transfers>, quit: bool) {
    if quit {
        crate::quit(app);
    } else {
        transfers.keep_open();
    }
}

fn dialog_failed(e: impl std::fmt::Display) -> Error {
    Error::new(Code::DialogFailed, e.to_string())
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
) -> Result<Vec<String>> {
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
        other => Err(Error::new(
            Code::InvalidKind,
            format!("{other:?} is not archives, folder or save_archive"),
        )),
    })
    .await
    .map_err(dialog_failed)??;
    picked
        .into_iter()
        .map(|path| {
            path.into_path()
                .map(|p| p.display().to_string())
                .map_err(dialog_failed)
        })
        .collect()
}
