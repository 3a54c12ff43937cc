//! A registry that meters pulls (the real CNCF registry answering with Docker Hub's
//! `RateLimit-*` headers): a listing reads only the rows the window says it shows, HEAD first so
//! a digest already read is not fetched again, reports the limit, and reads the rest only when
//! asked.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lading_config::ConfigStore;
use lading_core::view::ImageListEvent;
use lading_core::{listing, AppState};
use lading_oci::{ClientOptions, RegistryClient};
use lading_testkit::images::write_oci_layout;
use lading_testkit::{skopeo, Registry};

/// Three images, each under ten tags: `a00`…`a09`, `b00`…, `c00`….
async fn seed(registry: &Registry, dir: &std::path::Path) {
    let client = RegistryClient::new(&registry.host(), ClientOptions::default()).unwrap();
    for image in ["a", "b", "c"] {
        let layout = dir.join(image);
        write_oci_layout(&layout, "1", &format!("image {image}\n"));
        skopeo(&[
            "copy",
            "--quiet",
            "--dest-tls-verify=false",
            &format!("oci:{}:1", layout.display()),
            &format!("docker://{}/hub/app:{image}00", registry.host()),
        ]);
        let manifest = client
            .get_manifest("hub/app", &format!("{image}00"))
            .await
            .unwrap();
        for n in 1..10 {
            client
                .put_manifest("hub/app", &format!("{image}{n:02}"), &manifest)
                .await
                .unwrap();
        }
    }
}

/// The app with `registry` added (seeded first), and how many requests the registry had seen.
async fn seeded_app(registry: &Registry, dir: &std::path::Path) -> (AppState, String, usize) {
    seed(registry, dir).await;
    let app = AppState::new(ConfigStore::load(&dir.join("config")).unwrap(), None);
    let id = common::add_anonymous(&app, registry.host()).await;
    let before = registry.requests_seen().len();
    (app, id, before)
}

type Events = Arc<Mutex<Vec<ImageListEvent>>>;

/// Waits until `count` `paused` events have come.
async fn paused(events: &Events, count: usize) -> u32 {
    for _ in 0..500 {
        let seen: Vec<u32> = events
            .lock()
            .unwrap()
            .iter()
            .filter_map(|e| match e {
                ImageListEvent::Paused { unread } => Some(*unread),
                _ => None,
            })
            .collect();
        if seen.len() >= count {
            return seen[count - 1];
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no pause {count}: {:?}", events.lock().unwrap());
}

fn read_tags(events: &Events) -> Vec<String> {
    let mut tags: Vec<String> = events
        .lock()
        .unwrap()
        .iter()
        .flat_map(|e| match e {
            ImageListEvent::Rows { rows } => rows.iter().flat_map(|r| r.tags.clone()).collect(),
            _ => Vec::new(),
        })
        .collect();
    tags.sort();
    tags
}

/// (HEAD, GET) requests for manifests of hub/app since `from` in the registry's log.
fn manifest_requests(registry: &Registry, from: usize) -> (usize, usize) {
    let seen = registry.requests_seen();
    let of = |method: &str| {
        seen[from..]
            .iter()
            .filter(|(m, path)| m == method && path.starts_with("/v2/hub/app/manifests/"))
            .count()
    };
    (of("HEAD"), of("GET"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metered_registry_is_read_only_where_the_user_looks() {
    let registry = Registry::start_metered();
    let dir = tempfile::tempdir().unwrap();
    let (app, id, before) = seeded_app(&registry, dir.path()).await;

    let events: Events = Arc::default();
    let sink = events.clone();
    let emit = move |e: ImageListEvent| sink.lock().unwrap().push(e);
    let listing = listing::stream_images(&app, &id, "hub/app", true, &emit);
    let user = async {
        // The tags are listed and nothing is read before the window says what it shows.
        assert_eq!(paused(&events, 1).await, 30);
        assert!(read_tags(&events).is_empty());
        assert_eq!(manifest_requests(&registry, before), (0, 0));

        // Six rows in view, two images among them: six HEADs, two GETs.
        let view: Vec<String> = ["a03", "a04", "a05", "b00", "b01", "b02"]
            .map(String::from)
            .to_vec();
        assert!(listing::prioritize_images(&app, &id, "hub/app", &view));
        assert_eq!(paused(&events, 2).await, 24);
        assert_eq!(read_tags(&events), view);
        assert_eq!(manifest_requests(&registry, before), (6, 2));

        // "Read all 24": the rest, with one more GET (image c) and a HEAD per tag.
        assert!(listing::read_all_images(&app, &id, "hub/app"));
    };
    let (rows, ()) = tokio::join!(listing, user);
    let rows = rows.unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.tags.len() == 10), "{rows:?}");
    assert_eq!(manifest_requests(&registry, before), (30, 3));
    let events = events.lock().unwrap();
    assert!(
        events.contains(&ImageListEvent::RateLimit {
            limit: 100,
            remaining: 76,
            window_seconds: Some(21600)
        }),
        "{events:?}"
    );
    assert!(matches!(
        events.last(),
        Some(ImageListEvent::Done { images: 3, .. })
    ));
    // Nothing is under way any more for the window to steer.
    drop(events);
    assert!(!listing::prioritize_images(&app, &id, "hub/app", &[]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unmetered_registry_reads_every_row_without_being_asked() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    let (app, id, before) = seeded_app(&registry, dir.path()).await;
    let events: Events = Arc::default();
    let sink = events.clone();
    let rows = listing::stream_images(&app, &id, "hub/app", true, &move |e| {
        sink.lock().unwrap().push(e)
    })
    .await
    .unwrap();
    assert_eq!(rows.len(), 3);
    // One GET per tag, no HEAD, no pause, no limit.
    assert_eq!(manifest_requests(&registry, before), (0, 30));
    let events = events.lock().unwrap();
    assert!(!events.iter().any(|e| matches!(
        e,
        ImageListEvent::Paused { .. } | ImageListEvent::RateLimit { .. }
    )));
}
