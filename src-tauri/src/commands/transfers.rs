//! Pushes, exports and copies: progress on a channel (≤ 20 messages/s each), cancel by id.

use std::sync::Arc;

use lading_core::local::LocalSources;
use lading_core::transfers::Transfers;
use lading_core::view::{CopyRequest, DestinationView, ExportRequest, PushRequest, TransferEvent};
use lading_core::{AppState, Result};
use tauri::ipc::Channel;
use tauri::State;

fn emitter(channel: Channel<TransferEvent>) -> lading_core::transfers::Emit {
    Arc::new(move |event| drop(channel.send(event)))
}

/// Pushes an image of an opened local source.
#[tauri::command]
pub async fn push_local(
    state: State<'_, AppState>,
    local: State<'_, LocalSources>,
    transfers: State<'_, Transfers>,
    request: PushRequest,
    on_event: Channel<TransferEvent>,
) -> Result<()> {
    transfers
        .push_local(&state, &local, request, emitter(on_event))
        .await
}

/// Exports an image to a docker archive or an OCI layout folder.
#[tauri::command]
pub async fn export_image(
    state: State<'_, AppState>,
    transfers: State<'_, Transfers>,
    request: ExportRequest,
    on_event: Channel<TransferEvent>,
) -> Result<()> {
    transfers.export(&state, request, emitter(on_event)).await
}

/// Copies an image to another repository or registry.
#[tauri::command]
pub async fn copy_image(
    state: State<'_, AppState>,
    transfers: State<'_, Transfers>,
    request: CopyRequest,
    on_event: Channel<TransferEvent>,
) -> Result<()> {
    transfers.copy(&state, request, emitter(on_event)).await
}

#[tauri::command]
pub fn cancel_transfer(transfers: State<'_, Transfers>, transfer_id: String) -> Result<()> {
    transfers.cancel(&transfer_id)
}

/// Where an export to `path` would write, and what stops it, before it is queued.
#[tauri::command]
pub fn check_destination(path: String, format: String) -> Result<DestinationView> {
    lading_core::destination::check(&path, &format)
}
