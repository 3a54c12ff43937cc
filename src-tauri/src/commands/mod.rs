//! Every command the window may call, one thin wrapper each: deserialize, call the core, return
//! its `{code, message}` error. [`app_commands!`] is the one list of them: it registers the
//! handlers, and a test checks that `build.rs` (which makes Tauri ACL-check them) and the
//! capability granting them name exactly these.

pub mod archive;
pub mod images;
pub mod links;
pub mod local;
pub mod policies;
pub mod registries;
pub mod registry_settings;
pub mod scanning;
pub mod transfers;
pub mod window;

/// Calls `$then!` with every command, as `module::command` paths.
macro_rules! app_commands {
    ($then:ident) => {
        $then![
            window::app_info,
            window::answer_close,
            window::developer_endpoints,
            window::set_developer_endpoints,
            window::pick_path,
            links::open_link,
            registries::list_registries,
            registries::add_oci_registry,
            registries::add_ecr_registry,
            registries::remove_registry,
            registries::check_registry,
            registries::sign_in_help,
            registries::aws_profiles,
            registries::aws_sso_login,
            registries::sign_out,
            registries::list_repositories,
            registries::open_repository,
            registries::locate_reference,
            registries::create_repository,
            registries::delete_repository,
            registries::repository_settings,
            registries::update_repository_settings,
            registries::repository_tags,
            registries::set_repository_tags,
            images::list_tags,
            images::stream_images,
            images::prioritize_images,
            images::row_details,
            images::read_all_images,
            images::image_detail,
            images::image_referrers,
            images::image_files,
            images::cancel_read,
            images::delete_images,
            images::untag_images,
            local::open_local,
            local::list_local,
            local::close_local,
            local::local_image_detail,
            local::local_image_files,
            transfers::push_local,
            transfers::export_image,
            transfers::check_destination,
            transfers::copy_image,
            transfers::cancel_transfer,
            policies::lifecycle_policy,
            policies::lifecycle_dry_run,
            policies::lifecycle_server_preview,
            policies::save_lifecycle_policy,
            policies::delete_lifecycle_policy,
            policies::repository_policy,
            policies::check_repository_policy,
            policies::save_repository_policy,
            policies::delete_repository_policy,
            scanning::image_scan,
            scanning::start_scan,
            scanning::scanning_configuration,
            scanning::set_scanning_configuration,
            archive::archived_images,
            archive::set_storage_class,
            registry_settings::registry_policy,
            registry_settings::save_registry_policy,
            registry_settings::delete_registry_policy,
            registry_settings::replication,
            registry_settings::set_replication,
            registry_settings::pull_through_rules,
            registry_settings::create_pull_through_rule,
            registry_settings::delete_pull_through_rule,
            registry_settings::creation_templates,
            registry_settings::create_creation_template,
            registry_settings::delete_creation_template,
        ]
    };
}

#[cfg(test)]
macro_rules! command_names {
    ($($module:ident :: $command:ident),* $(,)?) => {
        &[$(stringify!($command)),*]
    };
}

/// The command names, as the page invokes them.
#[cfg(test)]
const NAMES: &[&str] = app_commands!(command_names);

macro_rules! handler {
    ($($module:ident :: $command:ident),* $(,)?) => {
        tauri::generate_handler![$($module::$command),*]
    };
}

/// The invoke handler for every command.
pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
    app_commands!(handler)
}

#[cfg(test)]
mod tests {
    /// What build.rs declares to tauri-build (the app manifest).
    const MANIFEST: &[&str] = &include!("../../commands.in");

    #[test]
    fn one_list_of_commands_for_handler_manifest_and_capability() {
        let mut names = super::NAMES.to_vec();
        names.sort();
        let mut declared = MANIFEST.to_vec();
        declared.sort();
        assert_eq!(names, declared, "build.rs declares other commands");

        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../../capabilities/default.json")).unwrap();
        let mut granted: Vec<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
            .map(|p| p.replace('-', "_"))
            .collect();
        granted.sort();
        assert_eq!(
            names, granted,
            "capabilities/default.json grants other commands"
        );
    }
}
