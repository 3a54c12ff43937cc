//! Pushing an opened local archive from the app: progress throttled, cancel leaves no tag, retry.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use lading_config::ConfigStore;
use lading_core::local::LocalSources;
use lading_core::transfers::Transfers;
use lading_core::view::{CopyRequest, ExportRequest, PushRequest, TransferEvent};
use lading_core::{listing, AppState};
use lading_testkit::images::{
    layer_tar, noise, write_docker_archive, DockerArchiveImage, TestFile,
};
use lading_testkit::Registry;

fn request(source_id: &str, registry_id: &str, tag: &str) -> PushRequest {
    PushRequest {
        source_id: source_id.into(),
        image: 0,
        registry_id: registry_id.into(),
        repository: "dropped/app".into(),
        tags: vec![tag.into()],
        compression: "gzip".into(),
        create_repository: true,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_archive_pushes_with_throttled_progress_and_a_cancel_leaves_no_tag() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("app.tar");
    let big = noise(24 << 20, 11);
    write_docker_archive(
        &archive,
        &[DockerArchiveImage {
            repo_tags: vec!["app:1".into()],
            layers: vec![
                layer_tar(&[TestFile {
                    path: "a.bin",
                    content: &big,
                }]),
                layer_tar(&[TestFile {
                    path: "b.bin",
                    content: &big[..12 << 20],
                }]),
            ],
            architecture: "amd64".into(),
        }],
    );
    let app = AppState::new(ConfigStore::load(&dir.path().join("config")).unwrap(), None);
    let target = common::add_anonymous(&app, registry.host()).await;
    let local = LocalSources::default();
    let source = local.open(archive.to_str().unwrap()).unwrap().id;
    let transfers = Arc::new(Transfers::default());

    // Cancelled once bytes are moving: an error saying so, and no tag in the registry.
    let canceller = transfers.clone();
    let emit = common::when_bytes_move(move |id| canceller.cancel(&id).unwrap());
    let cancelled = transfers
        .push_local(&app, &local, request(&source, &target, "v1"), emit)
        .await
        .unwrap_err();
    assert_eq!(cancelled.code, "cancelled", "{}", cancelled.message);
    let tags = listing::tags(&app, &target, "dropped/app").await;
    assert!(
        tags.map_or(true, |t| t.is_empty()),
        "a cancelled push left a tag"
    );

    // Again, to the end: progress at most 20 messages a second, then the manifest.
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let began = Instant::now();
    transfers
        .push_local(
            &app,
            &local,
            request(&source, &target, "v1"),
            Arc::new(move |e| sink.lock().unwrap().push(e)),
        )
        .await
        .unwrap();
    let seconds = began.elapsed().as_secs_f64();
    let events = events.lock().unwrap().clone();
    let progress = events
        .iter()
        .filter(|e| matches!(e, TransferEvent::Progress { .. }))
        .count();
    assert!(progress >= 1);
    assert!(
        (progress as f64) <= 20.0 * seconds + 2.0,
        "{progress} progress messages in {seconds:.2} s"
    );
    let Some(TransferEvent::Finished {
        manifest_digest,
        tags,
        ..
    }) = events.last()
    else {
        panic!("{:?}", events.last());
    };
    assert_eq!(tags, &["v1"]);
    // Every blob ended done (or already there from the cancelled attempt).
    let last_states: std::collections::BTreeMap<u32, String> = events
        .iter()
        .filter_map(|e| match e {
            TransferEvent::Progress { blobs } => Some(blobs.clone()),
            _ => None,
        })
        .flatten()
        .map(|b| (b.blob, b.state))
        .collect();
    assert_eq!(last_states.len(), 3, "{last_states:?}");
    assert!(
        last_states.values().all(|s| s == "done" || s == "exists"),
        "{last_states:?}"
    );
    let rows = listing::images(&app, &target, "dropped/app").await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0].digest, manifest_digest);
    assert_eq!(rows[0].tags, ["v1"]);

    let bad = transfers
        .push_local(
            &app,
            &local,
            PushRequest {
                compression: "lz4".into(),
                ..request(&source, &target, "v2")
            },
            Arc::new(|_| {}),
        )
        .await
        .unwrap_err();
    assert_eq!(bad.code, "invalid_compression");
    assert_eq!(
        transfers.cancel("transfer-999").unwrap_err().code,
        "unknown_transfer"
    );

    // Export to a docker archive: it opens as a local source with the tag as its name, and
    // pushes again.
    let exported = dir.path().join("exported.tar");
    transfers
        .export(
            &app,
            ExportRequest {
                registry_id: target.clone(),
                repository: "dropped/app".into(),
                reference: "v1".into(),
                format: "docker-archive".into(),
                path: exported.display().to_string(),
                platform: None,
                preserve_digests: false,
                referrers: false,
            },
            Arc::new(|_| {}),
        )
        .await
        .unwrap();
    let reopened = local.open(exported.to_str().unwrap()).unwrap();
    assert_eq!(reopened.images[0].names, ["dropped/app:v1"]);
    transfers
        .push_local(
            &app,
            &local,
            PushRequest {
                repository: "again/app".into(),
                ..request(&reopened.id, &target, "v1")
            },
            Arc::new(|_| {}),
        )
        .await
        .unwrap();
    assert_eq!(
        listing::tags(&app, &target, "again/app").await.unwrap(),
        ["v1"]
    );

    // An OCI layout export cancelled mid-download leaves no folder behind.
    let layout = dir.path().join("layout-out");
    let canceller = transfers.clone();
    let emit = common::when_bytes_move(move |id| canceller.cancel(&id).unwrap());
    let cancelled = transfers
        .export(
            &app,
            ExportRequest {
                registry_id: target.clone(),
                repository: "dropped/app".into(),
                reference: "v1".into(),
                format: "oci-layout".into(),
                path: layout.display().to_string(),
                platform: None,
                preserve_digests: false,
                referrers: false,
            },
            emit,
        )
        .await
        .unwrap_err();
    assert_eq!(cancelled.code, "cancelled", "{}", cancelled.message);
    assert!(
        !layout.exists(),
        "the cancelled export left {}",
        layout.display()
    );

    // Quitting mid-export (stop_all, what closing the window does once confirmed) returns only
    // after the export removed its unfinished file.
    let quitting = dir.path().join("quitting.tar");
    let (moving_tx, mut moving_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let emit = Arc::new(move |e: TransferEvent| {
        if let TransferEvent::Progress { blobs } = e {
            if blobs.iter().any(|b| b.done > 0) {
                let _ = moving_tx.send(());
            }
        }
    });
    let export = transfers.export(
        &app,
        ExportRequest {
            registry_id: target.clone(),
            repository: "dropped/app".into(),
            reference: "v1".into(),
            format: "docker-archive".into(),
            path: quitting.display().to_string(),
            platform: None,
            preserve_digests: false,
            referrers: false,
        },
        emit,
    );
    let quit = async {
        moving_rx.recv().await.expect("the export moved bytes");
        assert_eq!(transfers.active(), 1);
        let started = Instant::now();
        transfers.stop_all(std::time::Duration::from_secs(10)).await;
        assert_eq!(transfers.active(), 0);
        assert!(
            !quitting.exists(),
            "stop_all returned before the export removed its file"
        );
        started.elapsed()
    };
    let (exported_result, stopped_in) = tokio::join!(export, quit);
    assert_eq!(exported_result.unwrap_err().code, "cancelled");
    assert!(stopped_in.as_secs() < 2, "stopping took {stopped_in:?}");

    transfers
        .copy(
            &app,
            CopyRequest {
                registry_id: target.clone(),
                repository: "dropped/app".into(),
                reference: "v1".into(),
                target_registry_id: target.clone(),
                target_repository: "copied/app".into(),
                tags: vec!["v2".into()],
                create_repository: false,
                referrers: false,
            },
            Arc::new(|_| {}),
        )
        .await
        .unwrap();
    let copied = listing::images(&app, &target, "copied/app").await.unwrap();
    assert_eq!(&copied[0].digest, manifest_digest);
    assert_eq!(copied[0].tags, ["v2"]);

    // The same image onto its own tag again: nothing moves, nothing is asked.
    let copy = |reference: &str, repository: &str| CopyRequest {
        registry_id: target.clone(),
        repository: repository.into(),
        reference: reference.into(),
        target_registry_id: target.clone(),
        target_repository: "copied/app".into(),
        tags: vec!["v2".into()],
        create_repository: false,
        referrers: false,
    };
    transfers
        .copy(&app, copy("v1", "dropped/app"), Arc::new(|_| {}))
        .await
        .unwrap();
    // Another image (zstd layers: another digest) onto v2 would move it: asked first, and with
    // no one to say yes, v2 stays where it was.
    transfers
        .push_local(
            &app,
            &local,
            PushRequest {
                repository: "zstd/app".into(),
                compression: "zstd".into(),
                ..request(&source, &target, "v1")
            },
            Arc::new(|_| {}),
        )
        .await
        .unwrap();
    let other = listing::images(&app, &target, "zstd/app").await.unwrap()[0]
        .digest
        .clone();
    assert_ne!(&other, manifest_digest);
    let declined = transfers
        .copy(&app, copy("v1", "zstd/app"), Arc::new(|_| {}))
        .await
        .unwrap_err();
    assert_eq!(declined.code, "declined", "{}", declined.message);
    assert!(
        declined.message.contains("Move 1 tag in copied/app"),
        "{}",
        declined.message
    );
    let kept = listing::images(&app, &target, "copied/app").await.unwrap();
    assert_eq!((&kept[0].digest, kept.len()), (manifest_digest, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_to_a_registry_that_went_down_fails_clearly_and_a_retry_after_restart_lands() {
    let mut registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("small.tar");
    write_docker_archive(
        &archive,
        &[DockerArchiveImage {
            repo_tags: vec!["small:1".into()],
            layers: vec![layer_tar(&[TestFile {
                path: "hello.txt",
                content: b"hello\n",
            }])],
            architecture: "amd64".into(),
        }],
    );
    let app = AppState::new(ConfigStore::load(&dir.path().join("config")).unwrap(), None);
    let target = common::add_anonymous(&app, registry.host()).await;
    let local = LocalSources::default();
    let source = local.open(archive.to_str().unwrap()).unwrap().id;
    let transfers = Transfers::default();

    registry.stop();
    let down = transfers
        .push_local(
            &app,
            &local,
            request(&source, &target, "1"),
            Arc::new(|_| {}),
        )
        .await
        .unwrap_err();
    assert_eq!(down.code, "unreachable", "{}", down.message);

    registry.restart();
    transfers
        .push_local(
            &app,
            &local,
            request(&source, &target, "1"),
            Arc::new(|_| {}),
        )
        .await
        .unwrap();
    assert_eq!(
        listing::tags(&app, &target, "dropped/app").await.unwrap(),
        ["1"]
    );
}
