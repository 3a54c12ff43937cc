//! The Tauri shell: window, command registration and the IPC boundary. Commands stay thin —
//! deserialize, call an engine crate, map the error — so the engine is testable without Tauri.

mod commands;
pub mod ipc;

use tracing_subscriber::EnvFilter;

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("LADING_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![commands::app_info])
        .run(tauri::generate_context!())
        .expect("error while running the Lading window");
}
