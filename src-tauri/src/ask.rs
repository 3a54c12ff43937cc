//! The native "yes": the core's questions before anything irreversible, shown as an OS message
//! dialog over the main window. The page cannot see, word or answer it.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use lading_core::confirm::{Ask, Question};
use tauri::Manager;
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

/// Asks through the app's dialogs once the app is running (`app` is set in `setup`); before
/// that, and if the dialog cannot be shown, the answer is no.
pub struct NativeDialog {
    pub app: Arc<OnceLock<tauri::AppHandle>>,
}

impl Ask for NativeDialog {
    fn ask(&self, question: Question) -> Pin<Box<dyn Future<Output = bool> + Send>> {
        let Some(app) = self.app.get().cloned() else {
            return Box::pin(async { false });
        };
        let (answer, answered) = tokio::sync::oneshot::channel();
        let mut dialog = app
            .dialog()
            .message(question.detail)
            .title(question.title)
            .kind(MessageDialogKind::Warning)
            .buttons(MessageDialogButtons::OkCancelCustom(
                question.yes,
                "Cancel".into(),
            ));
        if let Some(window) = app.get_webview_window("main") {
            dialog = dialog.parent(&window);
        }
        dialog.show(move |yes| {
            let _ = answer.send(yes);
        });
        // A dialog that goes away unanswered (the app quitting) counts as no.
        Box::pin(async move { answered.await.unwrap_or(false) })
    }
}
