//! Lading's application services, with no Tauri in them: the registry list and one
//! [`Registry`] handle per configured registry, listings and their cache, image detail and layer
//! files, deletes, repository settings, local sources, transfers, the policy editors, confirmation
//! tokens, and the types that cross to the window. The Tauri shell and the tests call these
//! functions the same way.

pub mod archive;
pub mod attached;
pub mod confirm;
pub mod deletes;
pub mod destination;
pub mod detail;
pub mod endpoints;
pub mod error;
pub mod files;
pub mod lifecycle;
pub mod listing;
pub mod local;
pub mod locate;
mod manifest_reads;
pub mod reads;
pub mod registries;
pub mod registry;
pub mod registry_admin;
mod registry_update;
pub mod repo_policy;
pub mod repo_tags;
pub mod row_details;
mod rows;
pub mod scanning;
pub mod settings;
pub mod sign_in;
mod state;
mod tag_moves;
pub mod transfers;
pub mod view;

pub use error::{Code, Error, Result};
pub use registry::Registry;
pub use state::AppState;
