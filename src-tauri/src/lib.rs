//! The Tauri shell: the window, its events (closing while transfers run), and one thin wrapper
//! per command in `commands/`. Everything else is `lading-core`, which knows nothing of Tauri.

mod ask;
mod commands;

use lading_core::transfers;

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
            // A fresh folder of our own (random name, ours only): another user cannot have
            // prepared it with settings of their choosing.
            let scratch = tempfile::Builder::new()
                .prefix("lading-settings-")
                .tempdir()
                .expect("a scratch settings folder in the temp dir")
                .keep();
            tracing::warn!("working from scratch settings in {}", scratch.display());
            lading_config::ConfigStore::load(&scratch).expect("an empty scratch settings dir loads")
        }
    };
    // The core asks before anything irreversible; the dialog needs the app, known in `setup`.
    let app_for_dialogs = std::sync::Arc::new(std::sync::OnceLock::new());
    let state = lading_core::AppState::new(
        config,
        lading_oci::credentials::DockerConfig::default_location(),
    )
    .with_blob_cache(&lading_oci::paths::data_dir())
    .with_asker(Box::new(ask::NativeDialog {
        app: app_for_dialogs.clone(),
    }));

    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .manage(lading_core::local::LocalSources::remembered(
            &lading_config::config_dir(),
            &lading_oci::paths::archives_dir(),
        ))
        .manage(transfers::Transfers::default())
        .manage(lading_core::lifecycle::LifecycleSessions::default())
        .setup(move |app| {
            let _ = app_for_dialogs.set(app.handle().clone());
            let endpoints = tauri::async_runtime::block_on(lading_core::endpoints::get(
                &app.state::<lading_core::AppState>(),
            ));
            commands::window::show_in_title(app.handle(), &endpoints);
            Ok(())
        })
        .invoke_handler(commands::handler())
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
