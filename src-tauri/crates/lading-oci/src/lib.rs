//! The OCI distribution client Lading's app and CLI share.
//!
//! It speaks the distribution spec over `reqwest` and keeps no Tauri types, so the same code drives
//! the desktop app, the `lading` CLI and the tests against a real registry.

mod auth;
pub mod cache;
pub mod client;
mod convert;
pub mod copy;
pub mod credentials;
pub mod digest;
pub mod error;
pub mod gzip;
pub mod layer_files;
mod layout_target;
/// Whether a folder can take an OCI layout (absent, empty, or a layout already).
pub use layout_target::check as check_layout_folder;
pub mod manifest;
pub mod paths;
mod produce;
pub mod pull;
pub mod push;
pub mod reference;
pub mod referrers;
pub mod sink;
pub mod source;

pub use client::{
    ClientOptions, Credentials, EndpointMap, MountOutcome, RegistryClient, UploadMode,
};
pub use digest::Digest;
pub use error::OciError;
pub use manifest::{Manifest, ManifestKind, PlatformSpec, RawManifest};
pub use reference::{Reference, DOCKER_HUB_REGISTRY};
