//! One `Registry` handle per registry keeps its sign-in: counted where the requests arrive — at
//! the registry's token service, and in moto's own request log for ECR — not in our code. And an
//! unchanged archive re-pushed from the app (after a restart) sends no blob.

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use lading_config::ConfigStore;
use lading_core::local::LocalSources;
use lading_core::transfers::Transfers;
use lading_core::view::{AddEcrRegistry, AddOciRegistry, OciAuthInput, PushRequest};
use lading_core::{detail, endpoints, files, listing, registries, settings, AppState};
use lading_testkit::images::{
    layer_tar, noise, write_docker_archive, DockerArchiveImage, TestFile,
};
use lading_testkit::{Moto, Registry};

fn archive(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("app.tar");
    write_docker_archive(
        &path,
        &[DockerArchiveImage {
            repo_tags: vec!["app:1".into()],
            layers: vec![
                layer_tar(&[TestFile {
                    path: "data.bin",
                    content: &noise(3 << 20, 7),
                }]),
                layer_tar(&[TestFile {
                    path: "etc/motd",
                    content: b"hello\n",
                }]),
            ],
            architecture: "amd64".into(),
        }],
    );
    path
}

async fn push(
    app: &AppState,
    local: &LocalSources,
    source: &str,
    registry_id: &str,
    repository: &str,
) -> Result<(), lading_core::Error> {
    Transfers::default()
        .push_local(
            app,
            local,
            PushRequest {
                source_id: source.into(),
                image: 0,
                registry_id: registry_id.into(),
                repository: repository.into(),
                tags: vec!["1".into()],
                compression: "gzip".into(),
                create_repository: true,
            },
            Arc::new(|_| {}),
        )
        .await
}

/// The 19 browsing operations after the push: three rounds of list, tags, images, detail, files,
/// settings (ECR) or repositories (OCI), and one more detail.
async fn browse(app: &AppState, id: &str, repository: &str, ecr: bool) {
    for _ in 0..3 {
        listing::repositories(app, id).await.unwrap();
        assert_eq!(listing::tags(app, id, repository).await.unwrap(), ["1"]);
        let rows = listing::stream_images(app, id, repository, true, &|_| {})
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        let shown = detail::image_detail(app, id, repository, "1")
            .await
            .unwrap();
        assert_eq!(shown.layers.len(), 2);
        assert!(shown.config_json.is_some(), "{:?}", shown.config_error);
        files::image_files(app, id, repository, "1", &|_| {})
            .await
            .unwrap();
        if ecr {
            settings::repository_settings(app, id, repository)
                .await
                .unwrap();
        } else {
            listing::repositories(app, id).await.unwrap();
        }
    }
    detail::image_detail(app, id, repository, "1")
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bearer_registry_is_asked_for_a_token_once_per_scope() {
    keyring_core::set_default_store(keyring_core::mock::Store::new().unwrap());
    let registry = Registry::start_with_token_auth("dev", "s3cret", Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let app = AppState::new(ConfigStore::load(&dir.path().join("config")).unwrap(), None);
    let id = registries::add_oci(
        &app,
        AddOciRegistry {
            address: registry.host(),
            auth: OciAuthInput {
                mode: "password".into(),
                username: Some("dev".into()),
                password: Some("s3cret".into()),
            },
            insecure: false,
            ca_file: None,
        },
    )
    .await
    .unwrap()
    .id;
    let local = LocalSources::default();
    let source = local
        .open(archive(dir.path()).to_str().unwrap())
        .unwrap()
        .id;
    let before = registry.token_scopes().len();

    push(&app, &local, &source, &id, "team/app").await.unwrap();
    browse(&app, &id, "team/app", false).await;

    let mut asked: HashMap<String, usize> = HashMap::new();
    for scope in &registry.token_scopes()[before..] {
        *asked.entry(scope.clone()).or_default() += 1;
    }
    for scope in [
        "repository:team/app:pull,push",
        "repository:team/app:pull",
        "registry:catalog:*",
    ] {
        assert!(asked.contains_key(scope), "{scope} never asked: {asked:?}");
    }
    assert!(
        asked.values().all(|&n| n == 1),
        "a scope was asked for more than once in 20 operations: {asked:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ecr_registry_asks_for_its_authorization_token_once() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    common::use_moto_profile(dir.path(), &moto);
    // moto's token is `AWS:<account>-auth-token`; its registry endpoint is not served, so the
    // registry host moto names goes to a real registry that takes exactly that password.
    let account = "123456789012";
    let backing = Registry::start_with_htpasswd("AWS", &format!("{account}-auth-token"));
    let host = format!("{account}.dkr.ecr.us-east-1.amazonaws.com");
    std::env::set_var("LADING_REGISTRY_MAP", format!("{host}={}", backing.url()));

    // The variable alone redirects nothing: the user turns developer endpoints on, with a yes.
    let config = dir.path().join("config");
    let nobody = AppState::new(ConfigStore::load(&config).unwrap(), None);
    let off = endpoints::get(&nobody).await;
    assert!(!off.on);
    assert_eq!(
        off.redirects,
        [format!("{host} → {}", backing.url().trim_end_matches('/'))]
    );
    assert!(nobody.endpoint_map().await.is_none());
    let unasked = endpoints::set(&nobody, true).await.unwrap_err();
    assert_eq!(unasked.code, "declined", "no one said yes");
    assert!(!endpoints::get(&nobody).await.on);
    let (app, answers) = common::Answers::on(
        AppState::new(ConfigStore::load(&config).unwrap(), None),
        true,
    );
    assert!(endpoints::set(&app, true).await.unwrap().on);
    let asked = answers.asked();
    assert_eq!(asked[0].title, "Turn on developer endpoints?");
    assert!(asked[0].detail.contains(&host), "{}", asked[0].detail);
    assert!(app.endpoint_map().await.is_some());
    assert!(
        std::fs::read_to_string(config.join("settings.json"))
            .unwrap()
            .contains("\"developer_endpoints\": true"),
        "kept in the settings"
    );
    let id = registries::add_ecr(
        &app,
        AddEcrRegistry {
            profile: Some("dev".into()),
            region: "us-east-1".into(),
            registry_id: None,
        },
    )
    .await
    .unwrap()
    .id;
    let local = LocalSources::default();
    let opened = archive(dir.path());
    let source = local.open(opened.to_str().unwrap()).unwrap().id;

    // moto holds no image a push to the registry endpoint sent; seed it through ECR's layer
    // API, as the demo does, before counting.
    {
        let ecr = lading_ecr::EcrClient::connect(&lading_ecr::EcrTarget {
            profile: Some("dev".into()),
            region: Some("us-east-1".into()),
            endpoint_url: None,
        })
        .await
        .unwrap();
        ecr.create_repository("team/app").await.unwrap();
        let image = lading_oci::source::Source::open(&opened, dir.path()).unwrap();
        let sink = lading_ecr::EcrApiSink::new(&ecr, &host, "team/app");
        lading_oci::push::push_image_to(
            &sink,
            &["1".into()],
            &image.images[0],
            &Default::default(),
        )
        .await
        .unwrap();
    }
    moto.start_recording();

    push(&app, &local, &source, &id, "team/app").await.unwrap();
    browse(&app, &id, "team/app", true).await;

    let operations = moto.recorded_operations();
    let tokens = operations
        .iter()
        .filter(|o| *o == "GetAuthorizationToken")
        .count();
    assert_eq!(tokens, 1, "{operations:?}");
    assert!(
        operations.iter().any(|o| o == "DescribeImages")
            && operations.iter().any(|o| o == "BatchGetImage")
            && operations.iter().any(|o| o == "DescribeRepositories"),
        "the sequence reached ECR's API: {operations:?}"
    );
    // The pushes and reads through the registry endpoint all signed in with that one token.
    let seen = backing.requests_seen();
    assert!(
        seen.iter()
            .any(|(method, path)| method == "PUT" && path.contains("/manifests/1")),
        "{seen:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_archive_re_pushed_from_the_app_sends_no_blob() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = dir.path().join("config");
    let opened = archive(dir.path());

    let first = AppState::new(ConfigStore::load(&config).unwrap(), None).with_blob_cache(&data);
    let id = common::add_anonymous(&first, registry.host()).await;
    let local = LocalSources::default();
    let source = local.open(opened.to_str().unwrap()).unwrap().id;
    push(&first, &local, &source, &id, "team/app")
        .await
        .unwrap();
    let uploads = |seen: &[(String, String)]| {
        seen.iter()
            .filter(|(_, path)| path.contains("/blobs/uploads"))
            .count()
    };
    let after_first = registry.requests_seen();
    assert!(
        uploads(&after_first) >= 3,
        "the first push uploads two layers and the config: {after_first:?}"
    );
    drop(first);

    // The app again (a restart: the cache comes from disk), the same archive, a new tag.
    let again = AppState::new(ConfigStore::load(&config).unwrap(), None).with_blob_cache(&data);
    let local = LocalSources::default();
    let source = local.open(opened.to_str().unwrap()).unwrap().id;
    push(&again, &local, &source, &id, "team/app")
        .await
        .unwrap();
    let seen = registry.requests_seen();
    let second = &seen[after_first.len()..];
    assert_eq!(uploads(second), 0, "blobs were sent again: {second:?}");
    assert!(
        second
            .iter()
            .any(|(method, path)| method == "PUT" && path.contains("/manifests/")),
        "{second:?}"
    );
}
