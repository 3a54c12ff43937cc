//! The Tauri shell: window, command registration and the IPC boundary. Commands stay thin —
//! deserialize, call an engine crate, map the error — so the engine is testable without Tauri.

mod commands;
pub mod confirm;
pub mod ipc;
pub mod lifecycle;
pub mod local;
pub mod registries;
pub mod repo_policy;
pub mod transfers;

use tauri::{Emitter, Manager};
use tracing_subscriber::EnvFilter;

/// When `run` began: the first IPC call is logged against it (cold start, see bench/browse.mjs).
pub(crate) static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Cancels every transfer, waits for their clean-up (at most 10 s), then exits.
pub(crate) fn quit(app: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        let transfers = app.state::<transfers::Transfers>();
        transfers.stop_all(std::time::Duration::from_secs(10)).await;
        app.exit(0);
    });
}

pub fn run() {
    STARTED.get_or_init(std::time::Instant::now);
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("LADING_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    if let Err(e) = lading_secrets::use_os_store() {
        tracing::warn!("no OS keychain: {e}; registry passwords cannot be kept");
    }
    let config = match lading_config::ConfigStore::load(&lading_config::config_dir()) {
        Ok(config) => config,
        Err(e) => {
            // A settings file from a newer Lading is never overwritten: work from a scratch copy.
            tracing::error!("{e}");
            let scratch =
                std::env::temp_dir().join(format!("lading-settings-{}", std::process::id()));
            lading_config::ConfigStore::load(&scratch).expect("an empty scratch settings dir loads")
        }
    };
    let state = registries::AppState::new(
        config,
        lading_oci::credentials::DockerConfig::default_location(),
    );

    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .manage(confirm::Confirmations::default())
        .manage(local::LocalSources::remembered(&lading_config::config_dir()))
        .manage(transfers::Transfers::default())
        .manage(lifecycle::LifecycleSessions::default())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::list_registries,
            commands::add_oci_registry,
            commands::add_ecr_registry,
            commands::remove_registry,
            commands::check_registry,
            commands::aws_profiles,
            commands::aws_sso_login,
            commands::sign_out,
            commands::confirm_destructive,
            commands::list_repositories,
            commands::list_tags,
            commands::stream_images,
            commands::image_detail,
            commands::image_files,
            commands::delete_images,
            commands::untag_images,
            commands::create_repository,
            commands::delete_repository,
            commands::repository_settings,
            commands::update_repository_settings,
            commands::open_local,
            commands::list_local,
            commands::close_local,
            commands::local_image_detail,
            commands::local_image_files,
            commands::push_local,
            commands::export_image,
            commands::copy_image,
            commands::cancel_transfer,
            commands::answer_close,
            commands::pick_path,
            commands::lifecycle_policy,
            commands::lifecycle_dry_run,
            commands::lifecycle_server_preview,
            commands::save_lifecycle_policy,
            commands::delete_lifecycle_policy,
            commands::repository_policy,
            commands::check_repository_policy,
            commands::save_repository_policy,
            commands::delete_repository_policy,
        ])
        .on_window_event(|window, event| {
            // Closing the window would stop running transfers: ask first (the UI answers with
            // `answer_close`); quitting cancels them and lets each clean up.
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                let transfers = window.state::<transfers::Transfers>();
                let running = transfers.active();
                if running == 0 {
                    return;
                }
                api.prevent_close();
                if transfers.ask_before_close() {
                    if let Err(e) = window.emit("close-requested", running) {
                        tracing::warn!("cannot ask the window about closing: {e}");
                        quit(window.app_handle().clone());
                    }
                } else {
                    quit(window.app_handle().clone());
                }
            }
        })
        .run(tauri::generate_context!())
        .expect("error while running the Lading window");
}
