//! The OCI distribution client Lading's app and CLI share.
//!
//! It speaks the distribution spec over `reqwest` and keeps no Tauri types, so the same code drives
//! the desktop app, the `lading` CLI and the tests against a real registry.

mod auth;
pub mod client;
pub mod error;
pub mod reference;

pub use client::{ClientOptions, Credentials, RegistryClient};
pub use error::OciError;
pub use reference::{Reference, DOCKER_HUB_REGISTRY};
