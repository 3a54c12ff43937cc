//! Browsing from the app: repositories and tags of a registry in the list.

use lading_app::ipc::{AddOciRegistry, OciAuthInput};
use lading_app::registries::{self, AppState};
use lading_config::ConfigStore;
use lading_testkit::{images, skopeo, Registry};

#[tokio::test]
async fn repositories_and_tags_of_a_listed_registry() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    for (repo, tag) in [
        ("team-b/api", "1"),
        ("team-a/web", "2.0"),
        ("team-a/web", "1.9"),
        ("tools", "latest"),
    ] {
        let layout = dir.path().join(format!("{}-{tag}", repo.replace('/', "_")));
        images::write_oci_layout(&layout, tag, &format!("{repo}:{tag}\n"));
        skopeo(&[
            "copy",
            "--quiet",
            "--dest-tls-verify=false",
            &format!("oci:{}:{tag}", layout.display()),
            &format!("docker://{}/{repo}:{tag}", registry.host()),
        ]);
    }
    let app = AppState::new(ConfigStore::load(&dir.path().join("config")).unwrap(), None);
    let added = registries::add_oci(
        &app,
        AddOciRegistry {
            address: registry.host(),
            auth: OciAuthInput {
                mode: "anonymous".into(),
                username: None,
                password: None,
            },
            insecure: false,
            ca_file: None,
        },
    )
    .await
    .unwrap();
    let names: Vec<String> = registries::repositories(&app, &added.id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, ["team-a/web", "team-b/api", "tools"]);
    assert_eq!(
        registries::tags(&app, &added.id, "team-a/web")
            .await
            .unwrap(),
        ["1.9", "2.0"]
    );
    let missing = registries::tags(&app, &added.id, "nope/nope")
        .await
        .unwrap_err();
    assert_eq!(missing.code, "not_found");
    assert_eq!(
        registries::repositories(&app, "oci:nowhere")
            .await
            .unwrap_err()
            .code,
        "unknown_registry"
    );
}
