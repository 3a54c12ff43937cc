//! Every type that crosses the IPC boundary. The TypeScript in `ui/src/ipc/bindings.ts` is
//! generated from these (ts-rs) and a test fails when the committed file is stale.

use serde::Serialize;
use ts_rs::TS;

/// Every command error reaches the UI as `{code, message}`: a stable code to branch on and a
/// sentence for people. Engine errors are mapped here, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct IpcError {
    pub code: String,
    pub message: String,
}

impl IpcError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
}

impl From<lading_oci::OciError> for IpcError {
    fn from(e: lading_oci::OciError) -> Self {
        Self::new(e.code(), e.to_string())
    }
}

impl From<lading_ecr::EcrError> for IpcError {
    fn from(e: lading_ecr::EcrError) -> Self {
        Self::new(e.code(), e.to_string())
    }
}

impl From<lading_secrets::SecretsError> for IpcError {
    fn from(e: lading_secrets::SecretsError) -> Self {
        Self::new(e.code(), e.to_string())
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub os: String,
    pub arch: String,
}

/// The TypeScript declarations for every IPC type, in a stable order.
pub fn typescript_bindings() -> String {
    let cfg = ts_rs::Config::default();
    let decls = [IpcError::decl(&cfg), AppInfo::decl(&cfg)];
    let mut out = String::from(
        "// Generated from src-tauri/src/ipc.rs by `./dev bindings`. Do not edit by hand.\n",
    );
    for decl in decls {
        out.push('\n');
        out.push_str("export ");
        out.push_str(&decl);
        out.push('\n');
    }
    out
}
