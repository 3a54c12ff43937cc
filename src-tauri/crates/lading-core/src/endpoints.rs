//! Developer endpoints: `LADING_REGISTRY_MAP` sends a registry host's traffic elsewhere (an
//! emulator, a mirror). Since that redirects credentials too, the app honours it only once the
//! user has turned it on, with a native yes naming the redirects; the window's title says so.

use lading_oci::EndpointMap;

use crate::confirm::{listed, Question};
use crate::error::Result;
use crate::view::DeveloperEndpoints;
use crate::AppState;

fn redirects() -> Vec<String> {
    EndpointMap::from_env()
        .map(|map| map.describe())
        .unwrap_or_default()
}

pub async fn get(state: &AppState) -> DeveloperEndpoints {
    DeveloperEndpoints {
        on: state.config.lock().await.developer_endpoints(),
        redirects: redirects(),
    }
}

/// Turns developer endpoints on (after a native yes) or off; every registry reconnects.
pub async fn set(state: &AppState, on: bool) -> Result<DeveloperEndpoints> {
    if on && !state.config.lock().await.developer_endpoints() {
        let redirects = redirects();
        let what = if redirects.is_empty() {
            format!(
                "{} is not set now, so nothing is redirected until Lading starts with it.",
                EndpointMap::VARIABLE
            )
        } else {
            format!(
                "{} now sends these registries' traffic, sign-ins included, elsewhere:\n{}",
                EndpointMap::VARIABLE,
                listed(redirects, 10)
            )
        };
        state
            .confirm(Question {
                title: "Turn on developer endpoints?".into(),
                detail: format!(
                    "{what}\n\nMeant for emulators and test mirrors: a variable set in your environment by something else could send your passwords and tokens to another server. The window's title says while this is on."
                ),
                yes: "Turn on".into(),
            })
            .await?;
    }
    state.config.lock().await.set_developer_endpoints(on)?;
    state.drop_handles();
    Ok(get(state).await)
}
