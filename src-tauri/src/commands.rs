use crate::ipc::{AppInfo, IpcError};

#[tauri::command]
pub fn app_info(app: tauri::AppHandle) -> Result<AppInfo, IpcError> {
    Ok(AppInfo {
        name: app.package_info().name.clone(),
        version: app.package_info().version.to_string(),
        os: std::env::consts::OS.to_owned(),
        arch: std::env::consts::ARCH.to_owned(),
    })
}
