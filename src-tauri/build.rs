fn main() {
    // The app package is the repository root, so point tauri-build at our capabilities folder.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    // Declaring the app's commands makes Tauri ACL-check them: a command not granted by a capability
    // in src-tauri/capabilities/ is refused even if the page calls it.
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(&[
                "app_info",
                "list_registries",
                "add_oci_registry",
                "add_ecr_registry",
                "remove_registry",
                "check_registry",
                "aws_profiles",
                "aws_sso_login",
                "sign_out",
                "confirm_destructive",
                "list_repositories",
                "list_tags",
                "stream_images",
                "image_detail",
                "image_files",
                "delete_images",
                "untag_images",
                "create_repository",
                "delete_repository",
                "repository_settings",
                "update_repository_settings",
                "open_local",
                "list_local",
                "close_local",
                "local_image_detail",
                "local_image_files",
                "push_local",
                "export_image",
                "copy_image",
                "cancel_transfer",
                "answer_close",
                "pick_path",
                "lifecycle_policy",
                "lifecycle_dry_run",
                "lifecycle_server_preview",
                "save_lifecycle_policy",
                "delete_lifecycle_policy",
                "repository_policy",
                "check_repository_policy",
                "save_repository_policy",
                "delete_repository_policy",
            ])),
    )
    .expect("tauri-build failed");
}
