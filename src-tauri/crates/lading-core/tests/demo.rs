//! The demo content, streamed into the app's image list: the same seeding `lading-demo` uses.

mod common;

use std::sync::Mutex;

use lading_config::ConfigStore;
use lading_core::view::{ImageFilesEvent, ImageListEvent};
use lading_core::{deletes, detail, files, listing, registries, settings, AppState};
use lading_oci::sink::RegistrySink;
use lading_oci::{ClientOptions, RegistryClient, UploadMode};
use lading_testkit::Registry;

/// Lists `repository`, returning every event in the order the UI would get them.
async fn stream(app: &AppState, id: &str, repository: &str, refresh: bool) -> Vec<ImageListEvent> {
    let events = Mutex::new(Vec::new());
    listing::stream_images(app, id, repository, refresh, &|e| {
        events.lock().unwrap().push(e)
    })
    .await
    .unwrap();
    events.into_inner().unwrap()
}

#[tokio::test]
async fn demo_content_streams_tags_first_then_rows_and_is_kept_until_refresh() {
    const TAGS: usize = 1_200;
    let mut registry = Registry::start();
    let client = RegistryClient::new(&registry.host(), ClientOptions::default()).unwrap();
    lading_demo::seed_registry(
        |repository| RegistrySink {
            client: &client,
            repository,
            upload_mode: UploadMode::default(),
        },
        TAGS,
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = AppState::new(ConfigStore::load(dir.path()).unwrap(), None);
    let id = common::add_anonymous(&app, registry.host()).await;

    let mut expected: Vec<&str> = lading_demo::registry_contents(0)
        .iter()
        .map(|(name, _)| *name)
        .collect();
    expected.sort();
    let names: Vec<String> = listing::repositories(&app, &id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, expected);

    // Every tag first, then the rows in several batches, then `done`.
    let events = stream(&app, &id, lading_demo::MANY_TAGS_REPOSITORY, false).await;
    let ImageListEvent::Tags { tags } = &events[0] else {
        panic!("first event: {:?}", events[0]);
    };
    assert_eq!(tags, &lading_demo::many_tag_names(TAGS));
    let batches: Vec<&Vec<_>> = events
        .iter()
        .filter_map(|e| match e {
            ImageListEvent::Rows { rows } => Some(rows),
            _ => None,
        })
        .collect();
    assert!(batches.len() >= 3, "{} batches", batches.len());
    let mut streamed: Vec<String> = batches
        .iter()
        .flat_map(|rows| rows.iter().map(|r| r.tags[0].clone()))
        .collect();
    // Read in tag order, 16 at a time, each sent as it comes: the first rows are among the first
    // tags, and every tag has its row.
    let first: Vec<&String> = tags.iter().take(32).collect();
    assert!(
        streamed.iter().take(16).all(|t| first.contains(&t)),
        "{:?}",
        &streamed[..16]
    );
    streamed.sort();
    let mut sorted = tags.clone();
    sorted.sort();
    assert_eq!(streamed, sorted);
    let Some(ImageListEvent::Done {
        images,
        failed: 0,
        cached: false,
        ..
    }) = events.last()
    else {
        panic!("last event: {:?}", events.last());
    };
    assert_eq!(*images as usize, TAGS);

    // Multi-tag rows fold into one; the index lists its platforms; 40 layers add up.
    let web = listing::images(&app, &id, "team-a/web-app").await.unwrap();
    let tag_sets: Vec<Vec<String>> = web.iter().map(|r| r.tags.clone()).collect();
    assert!(tag_sets.contains(&vec!["1.1.0".to_owned(), "latest".to_owned()]));
    assert_eq!(web.len(), 3);
    let base = listing::images(&app, &id, "platform/base").await.unwrap();
    assert_eq!(base.len(), 1);
    assert_eq!(base[0].kind, "index");
    assert_eq!(base[0].platforms, ["linux/amd64", "linux/arm64"]);
    let layered = listing::images(&app, &id, "demo/many-layers")
        .await
        .unwrap();
    let detail = detail::image_detail(&app, &id, "demo/many-layers", &layered[0].digest)
        .await
        .unwrap();
    assert_eq!(detail.layers.len(), 40);
    let layer_bytes: u64 = detail.layers.iter().map(|l| l.size).sum();
    // The row's size is the layers plus the (small) config.
    let config_bytes = layered[0].size.unwrap() - layer_bytes;
    assert!((1_000..16_384).contains(&config_bytes), "{config_bytes}");

    // Layer contents, streamed from the registry: the image whose later layers delete and
    // overwrite files shows exactly those bytes as wasted.
    let api = listing::images(&app, &id, "team-a/api").await.unwrap();
    let events = Mutex::new(Vec::new());
    files::image_files(&app, &id, "team-a/api", &api[0].digest, &|e| {
        events.lock().unwrap().push(e)
    })
    .await
    .unwrap();
    let events = events.into_inner().unwrap();
    assert_eq!(events[0], ImageFilesEvent::Started { layers: 4 });
    let layer_files: Vec<&Vec<lading_core::view::FileView>> = events
        .iter()
        .filter_map(|e| match e {
            ImageFilesEvent::Layer { files, .. } => Some(files),
            _ => None,
        })
        .collect();
    assert_eq!(layer_files.len(), 4);
    let last: Vec<(&str, &str)> = layer_files[3]
        .iter()
        .map(|f| (f.path.as_str(), f.kind.as_str()))
        .collect();
    assert_eq!(
        last,
        [
            (
                "var/lib/apt/lists/deb.debian.org_dists_bookworm_main",
                "whiteout"
            ),
            ("tmp/build-cache.bin", "whiteout"),
            ("app/api", "file")
        ]
    );
    let Some(ImageFilesEvent::Done {
        wasted_bytes,
        wasted,
    }) = events.last()
    else {
        panic!("{:?}", events.last());
    };
    let hidden: Vec<(&str, u64, u32, u32, bool)> = wasted
        .iter()
        .map(|w| (w.path.as_str(), w.size, w.layer, w.hidden_by, w.deleted))
        .collect();
    assert_eq!(
        hidden,
        [
            (
                "var/lib/apt/lists/deb.debian.org_dists_bookworm_main",
                300 * 1024,
                1,
                3,
                true
            ),
            ("tmp/build-cache.bin", 200 * 1024, 2, 3, true),
            ("app/api", 150 * 1024, 2, 3, false),
        ]
    );
    assert_eq!(*wasted_bytes, 650 * 1024);
    let index = files::image_files(&app, &id, "platform/base", &base[0].digest, &|_| {})
        .await
        .unwrap_err();
    assert_eq!(index.code, "not_an_image");

    let settings = settings::repository_settings(&app, &id, "team-a/api")
        .await
        .unwrap_err();
    assert_eq!(settings.code, "not_supported");

    // Opened again: the kept listing, without asking the registry (it is down now).
    registry.stop();
    let again = stream(&app, &id, lading_demo::MANY_TAGS_REPOSITORY, false).await;
    assert!(matches!(
        again.last(),
        Some(ImageListEvent::Done { cached: true, images, .. }) if *images as usize == TAGS
    ));
    assert!(!again
        .iter()
        .any(|e| matches!(e, ImageListEvent::Tags { .. })));
    let refreshed =
        listing::stream_images(&app, &id, lading_demo::MANY_TAGS_REPOSITORY, true, &|_| {})
            .await
            .unwrap_err();
    assert_eq!(refreshed.code, "unreachable", "{}", refreshed.message);

    // A deletion forgets the kept listing: the next one asks the registry and sees it gone.
    registry.restart();
    // This registry cannot remove a tag on its own: said per tag, nothing lost.
    let untag = deletes::delete_images(&app, &id, "team-a/web-app", &["dev".to_owned()])
        .await
        .unwrap();
    assert!(untag.deleted.is_empty());
    assert_eq!(untag.failures[0].reference, "dev");
    // The window stops offering Untag on this code.
    assert_eq!(untag.failures[0].code, "untag_unsupported");
    assert!(
        untag.failures[0]
            .reason
            .contains("cannot remove a tag on its own"),
        "{}",
        untag.failures[0].reason
    );
    assert_eq!(
        listing::images(&app, &id, "team-a/web-app")
            .await
            .unwrap()
            .len(),
        3
    );

    let gone = first_build_digest(&app, &id).await;
    let result = deletes::delete_images(
        &app,
        &id,
        lading_demo::MANY_TAGS_REPOSITORY,
        std::slice::from_ref(&gone),
    )
    .await
    .unwrap();
    assert_eq!(result.deleted, [gone]);
    let after = stream(&app, &id, lading_demo::MANY_TAGS_REPOSITORY, false).await;
    assert!(matches!(
        after.last(),
        Some(ImageListEvent::Done { cached: false, images, .. }) if *images as usize == TAGS - 1
    ));
}

/// The digest behind `build-00001`.
async fn first_build_digest(app: &AppState, id: &str) -> String {
    let rows = listing::images(app, id, lading_demo::MANY_TAGS_REPOSITORY)
        .await
        .unwrap();
    rows.iter()
        .find(|r| r.tags == ["build-00001"])
        .unwrap()
        .digest
        .clone()
}

#[tokio::test]
async fn demo_content_in_ecr_and_untag_keeps_the_image() {
    // moto takes any credentials; static ones keep a developer's real AWS identity out of it.
    let moto = lading_testkit::Moto::start();
    std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    std::env::set_var("AWS_CONFIG_FILE", "/dev/null");
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    std::env::set_var("AWS_ENDPOINT_URL_ECR", moto.endpoint_url());
    let ecr = lading_ecr::EcrClient::connect(&lading_ecr::EcrTarget {
        profile: None,
        region: Some("us-east-1".into()),
        endpoint_url: None,
    })
    .await
    .unwrap();
    lading_demo::seed_ecr(&ecr, 5).await.unwrap();
    assert!(ecr
        .get_repository_policy("team-a/web-app")
        .await
        .unwrap()
        .is_some());
    assert!(ecr
        .get_lifecycle_policy(lading_demo::MANY_TAGS_REPOSITORY)
        .await
        .unwrap()
        .is_some());

    let dir = tempfile::tempdir().unwrap();
    let (app, answers) = common::Answers::on(
        AppState::new(ConfigStore::load(dir.path()).unwrap(), None),
        true,
    );
    let id = registries::add_ecr(
        &app,
        lading_core::view::AddEcrRegistry {
            profile: None,
            region: "us-east-1".into(),
            registry_id: None,
        },
    )
    .await
    .unwrap()
    .id;
    let tags_of = |rows: &[lading_core::view::ImageRow]| {
        let mut tags: Vec<Vec<String>> = rows.iter().map(|r| r.tags.clone()).collect();
        tags.sort();
        tags
    };
    let rows = listing::images(&app, &id, "team-a/web-app").await.unwrap();
    assert_eq!(
        tags_of(&rows),
        [vec!["1.0.0"], vec!["1.1.0", "latest"], vec!["dev"]]
    );
    let many = listing::images(&app, &id, lading_demo::MANY_TAGS_REPOSITORY)
        .await
        .unwrap();
    // moto makes up image digests from the layers alone, so the five variants are one image there
    // (ECR itself hashes the manifest: five images).
    assert_eq!(many.iter().map(|r| r.tags.len()).sum::<usize>(), 5);

    // An image's detail comes through ECR's API: the manifest's layers; the config needs the
    // registry endpoint, which moto does not serve, so the detail says why and shows the rest.
    let one = &rows.iter().find(|r| r.tags == ["1.0.0"]).unwrap().digest;
    let detail = detail::image_detail(&app, &id, "team-a/web-app", one)
        .await
        .unwrap();
    assert_eq!(&detail.digest, one);
    assert_eq!(detail.layers.len(), 3);
    assert!(detail.manifest_json.contains("schemaVersion"));
    assert!(detail.config_json.is_none());
    assert!(detail.config_error.is_some());
    // No scan of this one: said as "not scanned", not as an error.
    let scan = detail.scan.unwrap();
    assert_eq!(
        (scan.status, scan.error, scan.findings.len()),
        (None, None, 0)
    );
    let scanned = &rows
        .iter()
        .find(|r| r.tags.contains(&"1.1.0".to_owned()))
        .unwrap()
        .digest;
    let scan = detail::image_detail(&app, &id, "team-a/web-app", scanned)
        .await
        .unwrap()
        .scan
        .unwrap();
    assert_eq!(scan.error, None);
    assert!(!scan.findings.is_empty());
    assert!(scan
        .findings
        .iter()
        .all(|f| !f.id.is_empty() && !f.severity.is_empty()));

    // Settings: as seeded, then changed from the app and read back from ECR.
    let base = settings::repository_settings(&app, &id, "platform/base")
        .await
        .unwrap();
    assert_eq!(
        (base.tag_mutability.as_str(), base.scan_on_push),
        ("IMMUTABLE", false)
    );
    // Mutability changes only after the native yes; "no" leaves every setting as it was.
    let exclusions = vec!["latest".to_owned(), "dev-*".to_owned()];
    let change = |scan| {
        settings::update_repository_settings(
            &app,
            &id,
            "platform/base",
            "IMMUTABLE_WITH_EXCLUSION",
            exclusions.clone(),
            scan,
        )
    };
    answers.next(false);
    assert_eq!(change(true).await.unwrap_err().code, "declined");
    let asked = answers.asked();
    assert_eq!(asked[0].title, "Change tag mutability of platform/base?");
    assert!(
        asked[0]
            .detail
            .contains("goes from IMMUTABLE to IMMUTABLE_WITH_EXCLUSION (except latest, dev-*)"),
        "{}",
        asked[0].detail
    );
    let unchanged = settings::repository_settings(&app, &id, "platform/base")
        .await
        .unwrap();
    assert_eq!(
        (unchanged.tag_mutability.as_str(), unchanged.scan_on_push),
        ("IMMUTABLE", false)
    );
    let changed = change(true).await.unwrap();
    // Scan on push alone is no question.
    change(false).await.unwrap();
    assert_eq!(answers.asked().len(), 1);
    assert_eq!(changed.tag_mutability, "IMMUTABLE_WITH_EXCLUSION");
    assert_eq!(changed.mutability_exclusions, ["latest", "dev-*"]);
    assert!(changed.scan_on_push);
    change(true).await.unwrap();
    let bad =
        settings::update_repository_settings(&app, &id, "platform/base", "SOMETIMES", vec![], true)
            .await
            .unwrap_err();
    assert!(bad.message.contains("SOMETIMES"), "{}", bad.message);

    // Untag: `latest` goes, its image stays with 1.1.0. ECR deletes an image with its last tag
    // (BatchDeleteImage), so `dev`'s image goes: the native question names exactly that image.
    let dev_digest = rows
        .iter()
        .find(|r| r.tags == ["dev"])
        .unwrap()
        .digest
        .clone();
    let both = ["latest".to_owned(), "dev".to_owned()];
    let untag = || deletes::untag(&app, &id, "team-a/web-app", &both);
    listing::images(&app, &id, "team-a/web-app").await.unwrap();
    answers.next(false);
    assert_eq!(untag().await.unwrap_err().code, "declined");
    let asked = answers.asked();
    assert_eq!(asked[0].title, "Remove 2 tags from team-a/web-app?");
    let short_dev = &dev_digest[..7 + 12];
    assert!(
        asked[0].detail.contains("  latest\n  dev")
            && asked[0].detail.contains("this image is deleted too:")
            && asked[0].detail.contains(short_dev),
        "{}",
        asked[0].detail
    );
    assert_eq!(
        tags_of(&listing::images(&app, &id, "team-a/web-app").await.unwrap()),
        [vec!["1.0.0"], vec!["1.1.0", "latest"], vec!["dev"]],
        "declined: nothing removed"
    );
    let result = untag().await.unwrap();
    let mut removed = result.deleted.clone();
    removed.sort();
    assert_eq!(removed, ["dev", "latest"], "{:?}", result.failures);
    let after = listing::images(&app, &id, "team-a/web-app").await.unwrap();
    assert_eq!(tags_of(&after), [vec!["1.0.0"], vec!["1.1.0"]]);
    assert!(after.iter().all(|r| r.digest != dev_digest));
    let latest_digest = &rows
        .iter()
        .find(|r| r.tags.contains(&"latest".to_owned()))
        .unwrap()
        .digest;
    assert!(after.iter().any(|r| &r.digest == latest_digest));
}
