//! An ECR registry's own settings: registry policy, replication, pull-through cache rules and
//! repository creation templates. What needs a yes, the core asks natively.

use lading_core::registry_admin as admin;
use lading_core::view::{CreationTemplateView, PullThroughRuleView, ReplicationView};
use lading_core::{AppState, Result};
use tauri::State;

#[tauri::command]
pub async fn registry_policy(state: State<'_, AppState>, id: String) -> Result<Option<String>> {
    admin::registry_policy(&state, &id).await
}

#[tauri::command]
pub async fn save_registry_policy(
    state: State<'_, AppState>,
    id: String,
    text: String,
) -> Result<()> {
    admin::save_registry_policy(&state, &id, &text).await
}

#[tauri::command]
pub async fn delete_registry_policy(state: State<'_, AppState>, id: String) -> Result<()> {
    admin::delete_registry_policy(&state, &id).await
}

#[tauri::command]
pub async fn replication(state: State<'_, AppState>, id: String) -> Result<ReplicationView> {
    admin::replication(&state, &id).await
}

#[tauri::command]
pub async fn set_replication(
    state: State<'_, AppState>,
    id: String,
    replication: ReplicationView,
) -> Result<ReplicationView> {
    admin::set_replication(&state, &id, replication).await
}

#[tauri::command]
pub async fn pull_through_rules(
    state: State<'_, AppState>,
    id: String,
) -> Result<Vec<PullThroughRuleView>> {
    admin::pull_through_rules(&state, &id).await
}

#[tauri::command]
pub async fn create_pull_through_rule(
    state: State<'_, AppState>,
    id: String,
    rule: PullThroughRuleView,
) -> Result<PullThroughRuleView> {
    admin::create_pull_through_rule(&state, &id, rule).await
}

#[tauri::command]
pub async fn delete_pull_through_rule(
    state: State<'_, AppState>,
    id: String,
    prefix: String,
) -> Result<()> {
    admin::delete_pull_through_rule(&state, &id, &prefix).await
}

#[tauri::command]
pub async fn creation_templates(
    state: State<'_, AppState>,
    id: String,
) -> Result<Vec<CreationTemplateView>> {
    admin::creation_templates(&state, &id).await
}

#[tauri::command]
pub async fn create_creation_template(
    state: State<'_, AppState>,
    id: String,
    template: CreationTemplateView,
) -> Result<()> {
    admin::create_creation_template(&state, &id, template).await
}

#[tauri::command]
pub async fn delete_creation_template(
    state: State<'_, AppState>,
    id: String,
    prefix: String,
) -> Result<()> {
    admin::delete_creation_template(&state, &id, &prefix).await
}
