//! Real servers for tests, on free 127.0.0.1 ports.
//!
//! Each server is a child process owned by a guard: dropping the guard kills it, and on Linux the
//! child also gets `PR_SET_PDEATHSIG` so it dies with the test process even on abort. A missing
//! binary panics with one message that names the install step.

pub mod artifacts;
pub mod corpus;
mod faults;
mod forward_proxy;
mod hostile;
pub mod images;
mod moto;
mod process;
mod registry;
mod token;
pub mod tools;

pub use faults::{Fault, FaultyProxy};
pub use forward_proxy::ForwardProxy;
pub use hostile::{Answer, Hostile, Seen};
pub use moto::Moto;
pub use registry::Registry;
pub use tools::{skopeo, skopeo_result};

/// The repository root (where `Cargo.toml` with `[workspace]` lives).
pub fn workspace_root() -> std::path::PathBuf {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .nth(3)
        .expect("testkit lives at src-tauri/crates/lading-testkit")
        .to_path_buf()
}
