//! The app's registry list: checked before saved, passwords only in the keychain, surviving a
//! restart; docker logins offered; ECR from an AWS profile (moto).

mod common;

use lading_config::ConfigStore;
use lading_core::view::{AddEcrRegistry, AddOciRegistry, OciAuthInput};
use lading_core::{listing, registries, settings, AppState};
use lading_oci::credentials::{DockerConfig, KeychainLogins};
use lading_testkit::{Moto, Registry};

/// The app's state in `dir`, answering its native questions as `answers` says (then yes).
fn state_answering(dir: &std::path::Path) -> (AppState, common::Answers) {
    common::Answers::on(
        AppState::new(
            ConfigStore::load(&dir.join("config")).unwrap(),
            Some(DockerConfig::at(&dir.join("docker.json"))),
        ),
        true,
    )
}

fn password(address: &str, user: &str, pw: &str) -> AddOciRegistry {
    AddOciRegistry {
        address: address.to_owned(),
        auth: OciAuthInput {
            mode: "password".into(),
            username: Some(user.into()),
            password: Some(pw.into()),
        },
        insecure: false,
        ca_file: None,
    }
}

#[tokio::test]
async fn registries_are_checked_kept_without_secrets_and_survive_a_restart() {
    keyring_core::set_default_store(keyring_core::mock::Store::new().unwrap());
    let private = Registry::start_with_htpasswd("dev", "s3cret-pw-42");
    let open = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    // A docker login: base64("docker-user:docker-pw") for a second protected registry.
    let docker_registry = Registry::start_with_htpasswd("docker-user", "docker-pw");
    std::fs::write(
        dir.path().join("docker.json"),
        format!(
            r#"{{"auths":{{"ghcr.example.com":{{"auth":"dTpw"}},"{}":{{"auth":"ZG9ja2VyLXVzZXI6ZG9ja2VyLXB3"}}}}}}"#,
            docker_registry.host()
        ),
    )
    .unwrap();
    let (app, _answers) = state_answering(dir.path());

    // A wrong password is reported and nothing is kept.
    let err = registries::add_oci(&app, password(&private.host(), "dev", "nope"))
        .await
        .unwrap_err();
    assert_eq!(err.code, "unauthorized", "{}", err.message);
    assert!(registries::list(&app).await.unwrap().registries.is_empty());
    assert!(KeychainLogins.lookup(&private.host()).unwrap().is_none());

    // The right one: listed, password in the keychain only.
    let view = registries::add_oci(
        &app,
        password(
            &format!("http://{}/", private.host()),
            "dev",
            "s3cret-pw-42",
        ),
    )
    .await
    .unwrap();
    assert_eq!(
        (view.auth.as_str(), view.username.as_deref()),
        ("keychain", Some("dev"))
    );
    assert_eq!(view.address.as_deref(), Some(private.host().as_str()));
    let settings = std::fs::read_to_string(dir.path().join("config/settings.json")).unwrap();
    assert!(!settings.contains("s3cret-pw-42"), "{settings}");
    let serialized = serde_json::to_string(&registries::list(&app).await.unwrap()).unwrap();
    assert!(
        !serialized.contains("s3cret-pw-42"),
        "no IPC payload carries the password"
    );

    let anonymous = AddOciRegistry {
        address: open.host(),
        auth: OciAuthInput {
            mode: "anonymous".into(),
            username: None,
            password: None,
        },
        insecure: false,
        ca_file: None,
    };
    registries::add_oci(&app, anonymous).await.unwrap();
    let bad = AddOciRegistry {
        address: "not a host/with path".into(),
        auth: OciAuthInput {
            mode: "anonymous".into(),
            username: None,
            password: None,
        },
        insecure: false,
        ca_file: None,
    };
    assert_eq!(
        registries::add_oci(&app, bad.clone())
            .await
            .unwrap_err()
            .code,
        "invalid_registry"
    );
    // Credentials in the address are refused, and never stored.
    let with_password = registries::add_oci(
        &app,
        AddOciRegistry {
            address: format!("dev:s3cret@{}", private.host()),
            ..bad
        },
    )
    .await
    .unwrap_err();
    assert_eq!(with_password.code, "invalid_registry");
    assert!(
        with_password.message.contains("sign in below instead"),
        "{}",
        with_password.message
    );
    assert!(!with_password.message.contains("s3cret"));

    // "Use my Docker login": the credentials come from the docker config, nothing is stored.
    let via_docker = AddOciRegistry {
        address: docker_registry.host(),
        auth: OciAuthInput {
            mode: "docker_login".into(),
            username: None,
            password: None,
        },
        insecure: false,
        ca_file: None,
    };
    let added = registries::add_oci(&app, via_docker).await.unwrap();
    assert_eq!(added.auth, "docker_login");
    assert!(KeychainLogins
        .lookup(&docker_registry.host())
        .unwrap()
        .is_none());
    assert_eq!(
        registries::check(&app, &added.id).await.unwrap().state,
        "connected"
    );
    registries::remove(&app, &added.id, false).await.unwrap();

    // A registry with its own CA: refused without it, added with it (the PEM is kept, so the
    // file may go away), and it connects after a restart too.
    let tls = Registry::start_tls();
    let tls_request = |ca_file: Option<String>| AddOciRegistry {
        address: format!("https://{}", tls.host()),
        auth: OciAuthInput {
            mode: "anonymous".into(),
            username: None,
            password: None,
        },
        insecure: false,
        ca_file,
    };
    let refused = registries::add_oci(&app, tls_request(None))
        .await
        .unwrap_err();
    assert_eq!(refused.code, "certificate", "{}", refused.message);
    let ca_file = dir.path().join("company-ca.pem");
    std::fs::write(&ca_file, tls.ca_pem().unwrap()).unwrap();
    let added = registries::add_oci(&app, tls_request(Some(ca_file.display().to_string())))
        .await
        .unwrap();
    assert!(added.custom_ca);
    std::fs::remove_file(&ca_file).unwrap();
    let missing = registries::add_oci(&app, tls_request(Some("/no/such/ca.pem".into())))
        .await
        .unwrap_err();
    assert_eq!(missing.code, "invalid_ca");
    drop(app);

    // "Restart": a fresh state from the same directory.
    let (app, answers) = state_answering(dir.path());
    let list = registries::list(&app).await.unwrap();
    assert_eq!(list.registries.len(), 3);
    let tls_id = list
        .registries
        .iter()
        .find(|r| r.custom_ca)
        .unwrap()
        .id
        .clone();
    assert_eq!(
        registries::check(&app, &tls_id).await.unwrap().state,
        "connected"
    );
    registries::remove(&app, &tls_id, false).await.unwrap();
    assert_eq!(
        list.docker_logins,
        [docker_registry.host(), "ghcr.example.com".to_owned()],
        "docker logins not in the list (any more) are offered"
    );
    let id = format!("oci:{}", private.host());
    assert_eq!(
        registries::check(&app, &id).await.unwrap().state,
        "connected"
    );

    // Signed out of the keychain behind the app's back: the status says so.
    KeychainLogins.forget(&private.host()).unwrap();
    let status = registries::check(&app, &id).await.unwrap();
    assert_eq!(status.state, "auth_needed", "{status:?}");
    KeychainLogins
        .store(
            &private.host(),
            &lading_oci::Credentials {
                username: "dev".into(),
                password: "s3cret-pw-42".into(),
            },
        )
        .unwrap();

    // Sign out: only after a native yes (no: the login stays); the login goes, the registry
    // stays and needs signing in again; a second sign-out finds nothing and says so.
    answers.asked();
    answers.next(false);
    assert_eq!(
        registries::sign_out(&app, &id).await.unwrap_err().code,
        "declined"
    );
    assert!(KeychainLogins.lookup(&private.host()).unwrap().is_some());
    assert_eq!(
        answers.asked()[0].title,
        format!("Sign out of {}?", private.host())
    );
    registries::sign_out(&app, &id).await.unwrap();
    assert!(KeychainLogins.lookup(&private.host()).unwrap().is_none());
    let again = registries::sign_out(&app, &id).await.unwrap_err();
    assert_eq!(again.code, "not_signed_in", "{}", again.message);
    assert_eq!(
        registries::check(&app, &id).await.unwrap().state,
        "auth_needed"
    );
    assert_eq!(registries::list(&app).await.unwrap().registries.len(), 2);
    KeychainLogins
        .store(
            &private.host(),
            &lading_oci::Credentials {
                username: "dev".into(),
                password: "s3cret-pw-42".into(),
            },
        )
        .unwrap();

    // Removing with "forget credentials" clears the keychain entry too, after a native yes
    // that says so; no leaves the entry and the login.
    answers.asked();
    answers.next(false);
    assert_eq!(
        registries::remove(&app, &id, true).await.unwrap_err().code,
        "declined"
    );
    assert!(KeychainLogins.lookup(&private.host()).unwrap().is_some());
    assert_eq!(registries::list(&app).await.unwrap().registries.len(), 2);
    let asked = answers.asked();
    assert!(
        asked[0]
            .detail
            .contains("saved password is deleted from the keychain"),
        "{}",
        asked[0].detail
    );
    assert_eq!(asked[0].yes, "Remove and forget password");
    registries::remove(&app, &id, true).await.unwrap();
    assert!(KeychainLogins.lookup(&private.host()).unwrap().is_none());
    assert_eq!(registries::list(&app).await.unwrap().registries.len(), 1);

    // A stopped registry is "unreachable", with the reason.
    drop(open);
    let open_id = registries::list(&app).await.unwrap().registries[0]
        .id
        .clone();
    let status = registries::check(&app, &open_id).await.unwrap();
    assert_eq!(status.state, "unreachable");
    assert!(status.reason.unwrap().contains("cannot reach"));

    // ECR from an AWS profile in a temp credentials file, against moto.
    let moto = Moto::start();
    common::use_moto_profile(dir.path(), &moto);
    assert!(registries::aws_profiles()
        .iter()
        .any(|p| p.name == "dev" && p.kind == "static"));
    let ecr = registries::add_ecr(
        &app,
        AddEcrRegistry {
            profile: Some("dev".into()),
            region: "eu-central-1".into(),
            registry_id: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(ecr.kind, "ecr");
    let account = ecr.account.clone().unwrap();
    assert_eq!(
        ecr.address,
        Some(format!("{account}.dkr.ecr.eu-central-1.amazonaws.com"))
    );
    assert_eq!(
        registries::check(&app, &ecr.id).await.unwrap().state,
        "connected"
    );

    // Browsing it: a repository and an image put through the ECR API show up as rows.
    let ecr_client = lading_ecr::EcrClient::connect(&lading_ecr::EcrTarget {
        profile: Some("dev".into()),
        region: Some("eu-central-1".into()),
        endpoint_url: None,
    })
    .await
    .unwrap();
    ecr_client.create_repository("team/svc").await.unwrap();
    let manifest = r#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7,"digest":"sha256:0000000000000000000000000000000000000000000000000000000000000001"},"layers":[]}"#;
    ecr_client
        .put_manifest("team/svc", Some("v7"), manifest, None)
        .await
        .unwrap();
    let repos = listing::repositories(&app, &ecr.id).await.unwrap();
    assert_eq!(repos[0].name, "team/svc");
    assert!(repos[0].uri.as_deref().unwrap().ends_with("/team/svc"));
    let rows = listing::images(&app, &ecr.id, "team/svc").await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].tags.clone(), rows[0].kind.as_str()),
        (vec!["v7".to_owned()], "image")
    );
    assert!(rows[0].pushed_at.is_some());

    // "Copy to…" the same ECR repository retags through PutImage: no data moves, and it works
    // where the registry endpoint is out of reach (moto has none).
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = events.clone();
    lading_core::transfers::Transfers::default()
        .copy(
            &app,
            lading_core::view::CopyRequest {
                registry_id: ecr.id.clone(),
                repository: "team/svc".into(),
                reference: rows[0].digest.clone(),
                target_registry_id: ecr.id.clone(),
                target_repository: "team/svc".into(),
                tags: vec!["stable".into(), "prod".into()],
                create_repository: false,
                referrers: false,
            },
            std::sync::Arc::new(move |e| seen.lock().unwrap().push(e)),
        )
        .await
        .unwrap();
    let finished = events.lock().unwrap().pop().unwrap();
    let lading_core::view::TransferEvent::Finished {
        manifest_digest,
        bytes,
        ..
    } = finished
    else {
        panic!("the retag did not finish: {finished:?}");
    };
    assert_eq!(
        (manifest_digest.as_str(), bytes),
        (rows[0].digest.as_str(), 0)
    );
    let mut tags = listing::images(&app, &ecr.id, "team/svc").await.unwrap()[0]
        .tags
        .clone();
    tags.sort();
    assert_eq!(tags, ["prod", "stable", "v7"]);

    // Another image onto stable would move it: the native question says where it points now;
    // no keeps it, yes moves it (and the new tag canary with it).
    // (With a layer: moto's digest of a manifest is that of its layer digests.)
    let v8 = ecr_client
        .put_manifest("team/svc", Some("v8"), &common::docker_manifest(8), None)
        .await
        .unwrap();
    let retag = |tags: &[&str]| lading_core::view::CopyRequest {
        registry_id: ecr.id.clone(),
        repository: "team/svc".into(),
        reference: "v8".into(),
        target_registry_id: ecr.id.clone(),
        target_repository: "team/svc".into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        create_repository: false,
        referrers: false,
    };
    answers.asked();
    answers.next(false);
    let declined = lading_core::transfers::Transfers::default()
        .copy(
            &app,
            retag(&["stable", "canary"]),
            std::sync::Arc::new(|_| {}),
        )
        .await
        .unwrap_err();
    assert_eq!(declined.code, "declined");
    let asked = answers.asked();
    assert_eq!(asked[0].title, "Move 1 tag in team/svc?");
    let v7 = &rows[0].digest;
    assert!(
        asked[0]
            .detail
            .contains(&format!("stable — now sha256:{}", &v7[7..19])),
        "{}",
        asked[0].detail
    );
    let tags_of = |rows: &[lading_core::view::ImageRow], digest: &str| {
        let mut tags = rows
            .iter()
            .find(|r| r.digest == digest)
            .unwrap()
            .tags
            .clone();
        tags.sort();
        tags
    };
    let now = listing::images(&app, &ecr.id, "team/svc").await.unwrap();
    assert_eq!(tags_of(&now, v7), ["prod", "stable", "v7"]);
    lading_core::transfers::Transfers::default()
        .copy(
            &app,
            retag(&["stable", "canary"]),
            std::sync::Arc::new(|_| {}),
        )
        .await
        .unwrap();
    let now = listing::images(&app, &ecr.id, "team/svc").await.unwrap();
    assert_eq!(tags_of(&now, v7), ["prod", "v7"]);
    assert_eq!(tags_of(&now, &v8), ["canary", "stable", "v8"]);

    // Repositories from the app: created with settings, a non-empty one refused unless forced.
    let made = settings::create_repository(&app, &ecr.id, new_repository("team/new", "IMMUTABLE"))
        .await
        .unwrap();
    assert!(made.uri.unwrap().ends_with("/team/new"));
    let refused = settings::delete_repository(&app, &ecr.id, "team/svc", false)
        .await
        .unwrap_err();
    assert_eq!(refused.code, "repository_not_empty", "{}", refused.message);
    // Forced: the native question says the images go too; no keeps it all.
    answers.asked();
    answers.next(false);
    let declined = settings::delete_repository(&app, &ecr.id, "team/svc", true)
        .await
        .unwrap_err();
    assert_eq!(declined.code, "declined");
    let asked = answers.asked();
    assert_eq!(asked[0].title, "Delete repository team/svc?");
    assert!(
        asked[0].detail.contains("every image in it"),
        "{}",
        asked[0].detail
    );
    assert_eq!(asked[0].yes, "Delete repository and images");
    assert_eq!(listing::repositories(&app, &ecr.id).await.unwrap().len(), 2);
    settings::delete_repository(&app, &ecr.id, "team/svc", true)
        .await
        .unwrap();
    settings::delete_repository(&app, &ecr.id, "team/new", false)
        .await
        .unwrap();
    assert!(listing::repositories(&app, &ecr.id)
        .await
        .unwrap()
        .is_empty());
    let oci_id = registries::list(&app)
        .await
        .unwrap()
        .registries
        .iter()
        .find(|r| r.kind == "oci")
        .unwrap()
        .id
        .clone();
    assert_eq!(
        settings::create_repository(&app, &oci_id, new_repository("x/y", "MUTABLE"))
            .await
            .unwrap_err()
            .code,
        "not_supported"
    );

    // An SSO profile without a session: "sign-in needed", with the sign-in offered.
    let sso_config = dir.path().join("aws-sso-config");
    std::fs::write(
        &sso_config,
        "[profile corp]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\nregion = eu-west-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n",
    )
    .unwrap();
    std::env::set_var("AWS_CONFIG_FILE", &sso_config);
    std::env::set_var("HOME", dir.path());
    let kind = lading_config::RegistryKind::Ecr {
        profile: Some("corp".into()),
        region: "eu-west-1".into(),
        account: None,
        registry_id: None,
    };
    let entry = lading_config::RegistryEntry {
        id: lading_config::RegistryEntry::id_for(&kind),
        name: "corp".into(),
        kind,
    };
    app.config
        .lock()
        .await
        .upsert(entry.clone(), false)
        .unwrap();
    let status = registries::check(&app, &entry.id).await.unwrap();
    assert_eq!(status.state, "auth_needed", "{status:?}");
    assert_eq!(status.action.as_deref(), Some("sso_login"));
    assert!(status
        .reason
        .unwrap()
        .contains("aws sso login --profile corp"));
    assert_eq!(
        registries::aws_sso_login(&app, "--evil")
            .await
            .unwrap_err()
            .code,
        "invalid_profile"
    );
}

fn new_repository(name: &str, mutability: &str) -> lading_core::view::NewRepositoryRequest {
    lading_core::view::NewRepositoryRequest {
        name: name.into(),
        mutability: mutability.into(),
        exclusions: Vec::new(),
        scan_on_push: true,
        encryption: "AES256".into(),
        kms_key: None,
        tags: Vec::new(),
    }
}
