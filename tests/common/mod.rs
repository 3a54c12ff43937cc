//! Set-up shared by the app's integration tests.

use lading_app::ipc::{AddOciRegistry, OciAuthInput};
use lading_app::registries::{self, AppState};

/// Adds the registry at `host` with anonymous access, as the add dialog would; returns its id.
pub async fn add_anonymous(app: &AppState, host: String) -> String {
    registries::add_oci(
        app,
        AddOciRegistry {
            address: host,
            auth: OciAuthInput {
                mode: "anonymous".into(),
                username: None,
                password: None,
            },
            insecure: false,
            ca_file: None,
        },
    )
    .await
    .unwrap()
    .id
}
