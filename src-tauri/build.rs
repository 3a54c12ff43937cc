/// Every app command (see src-tauri/src/commands/mod.rs, the one list the handler is made from).
const COMMANDS: &[&str] = &include!("commands.in");

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/commands.in");
    // The app package is the repository root, so point tauri-build at our capabilities folder.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    // Declaring the app's commands makes Tauri ACL-check them: a command not granted by a capability
    // in src-tauri/capabilities/ is refused even if the page calls it.
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
