//! A registry that never grants its catalog, as Docker Hub and GHCR (and Harbor or Quay for
//! non-admins): the real CNCF registry behind a token service that refuses `registry:catalog:*`.
//! The pane's list says why it is empty; repositories opened by name are checked, remembered across
//! a restart, listed and browsed.

mod common;

use lading_config::ConfigStore;
use lading_core::view::{AddOciRegistry, OciAuthInput};
use lading_core::{listing, registries, AppState};
use lading_testkit::images::write_oci_layout;
use lading_testkit::skopeo;
use lading_testkit::Registry;

/// Pushes a one-layer image to `registry` as `repository:tag` with skopeo (with `creds` where the
/// registry takes pushes only from its user).
fn seed(
    registry: &Registry,
    creds: Option<&str>,
    repository: &str,
    tag: &str,
    dir: &std::path::Path,
) {
    let layout = dir.join("layout");
    write_oci_layout(&layout, tag, &format!("{repository}:{tag}"));
    let (source, dest) = (
        format!("oci:{}:{tag}", layout.display()),
        format!("docker://{}/{repository}:{tag}", registry.host()),
    );
    let mut args = vec!["copy", "--quiet", "--dest-tls-verify=false"];
    if let Some(creds) = creds {
        args.extend(["--dest-creds", creds]);
    }
    args.extend([source.as_str(), dest.as_str()]);
    skopeo(&args);
}

fn request(address: &str, login: Option<(&str, &str)>) -> AddOciRegistry {
    AddOciRegistry {
        address: address.to_owned(),
        auth: OciAuthInput {
            mode: if login.is_some() {
                "password"
            } else {
                "anonymous"
            }
            .into(),
            username: login.map(|(user, _)| user.into()),
            password: login.map(|(_, password)| password.into()),
        },
        insecure: false,
        ca_file: None,
    }
}

#[tokio::test]
async fn a_registry_without_a_catalog_is_browsed_by_name() {
    keyring_core::set_default_store(keyring_core::mock::Store::new().unwrap());
    let registry = Registry::start_without_catalog("hub-user", "hub-pw");
    let dir = tempfile::tempdir().unwrap();
    seed(
        &registry,
        Some("hub-user:hub-pw"),
        "library/nginx",
        "1.27",
        dir.path(),
    );
    let config = dir.path().join("config");
    let (app, _answers) = common::Answers::on(
        AppState::new(ConfigStore::load(&config).unwrap(), None),
        true,
    );
    let id = registries::add_oci(
        &app,
        request(&registry.host(), Some(("hub-user", "hub-pw"))),
    )
    .await
    .unwrap()
    .id;

    // The catalog itself is refused; the pane's list is no error but says why it is empty.
    assert_eq!(
        listing::repositories(&app, &id).await.unwrap_err().code,
        "unauthorized"
    );
    let list = listing::repository_list(&app, &id).await.unwrap();
    assert!(list.repositories.is_empty());
    assert_eq!(
        list.catalog_unreadable.as_deref(),
        Some("its catalog is not open to this sign-in")
    );

    // Opened by name: a wrong name or one that is not there is refused and not remembered.
    let bad = listing::open_repository(&app, &id, "Library/Nginx")
        .await
        .unwrap_err();
    assert_eq!(bad.code, "invalid_reference", "{}", bad.message);
    let missing = listing::open_repository(&app, &id, "library/ngnix")
        .await
        .unwrap_err();
    assert_eq!(missing.code, "repository_not_found", "{}", missing.message);
    assert!(
        missing.message.contains("library/ngnix"),
        "{}",
        missing.message
    );
    let opened = listing::open_repository(&app, &id, " library/nginx/ ")
        .await
        .unwrap();
    assert_eq!(opened.name, "library/nginx");
    let names = |list: &lading_core::view::RepositoryList| -> Vec<String> {
        list.repositories.iter().map(|r| r.name.clone()).collect()
    };
    assert_eq!(
        names(&listing::repository_list(&app, &id).await.unwrap()),
        ["library/nginx"]
    );
    let rows = listing::stream_images(&app, &id, "library/nginx", true, &|_| {})
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].tags, ["1.27"]);

    // Remembered across a restart; forgotten with the registry.
    drop(app);
    let (app, _answers) = common::Answers::on(
        AppState::new(ConfigStore::load(&config).unwrap(), None),
        true,
    );
    let list = listing::repository_list(&app, &id).await.unwrap();
    assert_eq!(names(&list), ["library/nginx"]);
    assert!(list.catalog_unreadable.is_some());
    registries::remove(&app, &id, true).await.unwrap();
    let settings = std::fs::read_to_string(config.join("settings.json")).unwrap();
    assert!(!settings.contains("library/nginx"), "{settings}");
}

#[tokio::test]
async fn a_readable_catalog_lists_the_opened_repositories_with_its_own() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    seed(&registry, None, "team/listed", "v1", dir.path());
    let app = AppState::new(ConfigStore::load(&dir.path().join("config")).unwrap(), None);
    let id = common::add_anonymous(&app, registry.host()).await;
    let list = listing::repository_list(&app, &id).await.unwrap();
    assert_eq!(list.catalog_unreadable, None);
    assert_eq!(list.repositories.len(), 1);
    listing::open_repository(&app, &id, "team/listed")
        .await
        .unwrap();
    let list = listing::repository_list(&app, &id).await.unwrap();
    assert_eq!(
        list.repositories.len(),
        1,
        "no duplicate of a listed repository"
    );
}

#[tokio::test]
async fn docker_hub_by_any_name_and_its_library_images_by_their_short_name() {
    // Docker Hub stands here as a no-catalog registry the developer endpoints send its host to.
    let hub = Registry::start_without_catalog("hub-user", "hub-pw");
    let dir = tempfile::tempdir().unwrap();
    seed(
        &hub,
        Some("hub-user:hub-pw"),
        "library/nginx",
        "1.27",
        dir.path(),
    );
    std::env::set_var(
        "LADING_REGISTRY_MAP",
        format!("{}={}", lading_oci::DOCKER_HUB_REGISTRY, hub.url()),
    );
    let (app, _answers) = common::Answers::on(
        AppState::new(ConfigStore::load(&dir.path().join("config")).unwrap(), None),
        true,
    );
    lading_core::endpoints::set(&app, true).await.unwrap();
    let added = registries::add_oci(&app, request("https://hub.docker.com/", None))
        .await
        .unwrap();
    assert_eq!(added.name, "Docker Hub");
    assert_eq!(added.id, "oci:registry-1.docker.io");
    // `docker.io` again is the same registry, with nothing to change.
    let again = registries::add_oci(&app, request("docker.io", None))
        .await
        .unwrap();
    assert_eq!(again.id, added.id);
    assert_eq!(registries::list(&app).await.unwrap().registries.len(), 1);

    let opened = listing::open_repository(&app, &added.id, "nginx")
        .await
        .unwrap();
    assert_eq!(opened.name, "library/nginx");
    assert_eq!(
        listing::tags(&app, &added.id, "library/nginx")
            .await
            .unwrap(),
        ["1.27"]
    );
}
