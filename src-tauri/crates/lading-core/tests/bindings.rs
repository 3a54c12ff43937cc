//! The committed TypeScript IPC types must match what the Rust types generate.
//! Regenerate with `./dev bindings` (LADING_UPDATE_BINDINGS=1 cargo test --test bindings).

#[test]
fn typescript_bindings_are_current() {
    let path = lading_testkit::workspace_root().join("ui/src/ipc/bindings.ts");
    let generated = lading_core::view::typescript_bindings();
    if std::env::var_os("LADING_UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: run `./dev bindings` and commit the result.\n--- generated ---\n{generated}",
        path.display()
    );
}
