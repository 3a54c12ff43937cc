//! Adding a registry that is already listed updates it, and only after a native yes to what
//! changes: the transport, the way of signing in, the saved password. A no keeps it all.

mod common;

use lading_config::ConfigStore;
use lading_core::view::{AddOciRegistry, OciAuthInput};
use lading_core::{registries, AppState};
use lading_oci::credentials::{DockerConfig, KeychainLogins};
use lading_oci::Credentials;
use lading_testkit::Registry;

fn request(
    address: &str,
    mode: &str,
    login: Option<(&str, &str)>,
    insecure: bool,
) -> AddOciRegistry {
    AddOciRegistry {
        address: address.to_owned(),
        auth: OciAuthInput {
            mode: mode.into(),
            username: login.map(|(user, _)| user.into()),
            password: login.map(|(_, password)| password.into()),
        },
        insecure,
        ca_file: None,
    }
}

fn saved_password(host: &str) -> Option<String> {
    KeychainLogins
        .lookup(host)
        .unwrap()
        .map(|c| c.password.expose().to_owned())
}

#[tokio::test]
async fn adding_a_listed_registry_again_asks_what_changes() {
    keyring_core::set_default_store(keyring_core::mock::Store::new().unwrap());
    let open = Registry::start();
    let private = Registry::start_with_htpasswd("dev", "right-pw-7");
    let dir = tempfile::tempdir().unwrap();
    // A docker login for the private registry: base64("dev:right-pw-7").
    std::fs::write(
        dir.path().join("docker.json"),
        format!(
            r#"{{"auths":{{"{}":{{"auth":"ZGV2OnJpZ2h0LXB3LTc="}}}}}}"#,
            private.host()
        ),
    )
    .unwrap();
    let (app, answers) = common::Answers::on(
        AppState::new(
            ConfigStore::load(&dir.path().join("config")).unwrap(),
            Some(DockerConfig::at(&dir.path().join("docker.json"))),
        ),
        true,
    );
    let settings = || std::fs::read_to_string(dir.path().join("config/settings.json")).unwrap();

    // New: added without a question. The same again: nothing changes, nothing is asked.
    let added = registries::add_oci(&app, request(&open.host(), "anonymous", None, false))
        .await
        .unwrap();
    let again = registries::add_oci(&app, request(&open.host(), "anonymous", None, false))
        .await
        .unwrap();
    assert_eq!(again.id, added.id);
    assert!(answers.asked().is_empty());

    // Plain HTTP for everyone: the question names the change and what it exposes; no keeps it.
    answers.next(false);
    let before = settings();
    let declined = registries::add_oci(&app, request(&open.host(), "anonymous", None, true))
        .await
        .unwrap_err();
    assert_eq!(declined.code, "declined");
    let asked = answers.asked();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].title, format!("Update {}?", open.host()));
    assert!(
        asked[0]
            .detail
            .contains("Connection: plain HTTP on this machine → plain HTTP, unencrypted"),
        "{}",
        asked[0].detail
    );
    assert!(asked[0].detail.contains("anyone on the network"));
    assert_eq!(settings(), before);
    assert!(!registries::list(&app).await.unwrap().registries[0].insecure);
    // Yes: updated in place (one entry, its name kept).
    let updated = registries::add_oci(&app, request(&open.host(), "anonymous", None, true))
        .await
        .unwrap();
    assert!(updated.insecure);
    assert_eq!(answers.asked().len(), 1);
    assert_eq!(registries::list(&app).await.unwrap().registries.len(), 1);

    // Signing in again over a saved password: a no leaves the keychain as it was.
    let login = Some(("dev", "right-pw-7"));
    registries::add_oci(&app, request(&private.host(), "password", login, false))
        .await
        .unwrap();
    assert!(
        answers.asked().is_empty(),
        "a new registry is not a question"
    );
    KeychainLogins
        .store(
            &private.host(),
            &Credentials {
                username: "dev".into(),
                password: "kept-by-the-user".into(),
            },
        )
        .unwrap();
    answers.next(false);
    let declined = registries::add_oci(&app, request(&private.host(), "password", login, false))
        .await
        .unwrap_err();
    assert_eq!(declined.code, "declined");
    assert!(
        answers.asked()[0]
            .detail
            .contains("The saved password for dev is replaced"),
        "the question says the password is replaced"
    );
    assert_eq!(
        saved_password(&private.host()).as_deref(),
        Some("kept-by-the-user")
    );
    registries::add_oci(&app, request(&private.host(), "password", login, false))
        .await
        .unwrap();
    assert_eq!(
        saved_password(&private.host()).as_deref(),
        Some("right-pw-7")
    );

    // Switching to the docker login: the saved password goes, as the question says.
    answers.asked();
    let via_docker =
        registries::add_oci(&app, request(&private.host(), "docker_login", None, false))
            .await
            .unwrap();
    assert_eq!(via_docker.auth, "docker_login");
    let detail = &answers.asked()[0].detail;
    assert!(
        detail.contains("Sign-in: password as dev → docker login"),
        "{detail}"
    );
    assert!(
        detail.contains("The saved password for dev is deleted from the keychain"),
        "{detail}"
    );
    assert_eq!(saved_password(&private.host()), None);
    assert_eq!(
        registries::check(&app, &via_docker.id).await.unwrap().state,
        "connected"
    );
    assert_eq!(registries::list(&app).await.unwrap().registries.len(), 2);
}
