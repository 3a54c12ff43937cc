//! Exports never harm what was there: over an existing archive or layout, an export that is
//! cancelled or fails (the registry goes away mid-download) leaves every old byte as it was; one
//! that completes replaces the archive, or adds its image to the layout. A folder holding other
//! files is refused.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use lading_config::ConfigStore;
use lading_core::local::LocalSources;
use lading_core::transfers::Transfers;
use lading_core::view::{ExportRequest, PushRequest};
use lading_core::AppState;
use lading_testkit::images::{
    layer_tar, noise, write_docker_archive, write_oci_layout, DockerArchiveImage, TestFile,
};
use lading_testkit::{FaultyProxy, Registry};

/// Every file under `dir` (or the file itself) with its bytes.
fn snapshot(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut all = BTreeMap::new();
    if path.is_file() {
        all.insert(String::new(), std::fs::read(path).unwrap());
        return all;
    }
    let mut stack = vec![path.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(path).unwrap().display().to_string();
                all.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    all
}

fn export_request(registry_id: &str, format: &str, path: &Path) -> ExportRequest {
    ExportRequest {
        registry_id: registry_id.into(),
        repository: "team/app".into(),
        reference: "1".into(),
        format: format.into(),
        path: path.display().to_string(),
        platform: None,
        preserve_digests: false,
        referrers: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_over_existing_files_keep_them_until_complete() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("app.tar");
    write_docker_archive(
        &archive,
        &[DockerArchiveImage {
            repo_tags: vec!["team/app:1".into()],
            layers: vec![layer_tar(&[TestFile {
                path: "big.bin",
                content: &noise(24 << 20, 5),
            }])],
            architecture: "amd64".into(),
        }],
    );
    let (app, answers) = common::Answers::on(
        AppState::new(ConfigStore::load(&dir.path().join("config")).unwrap(), None),
        true,
    );
    let target = common::add_anonymous(&app, registry.host()).await;
    let local = LocalSources::default();
    let source = local.open(archive.to_str().unwrap()).unwrap().id;
    let transfers = Arc::new(Transfers::default());
    transfers
        .push_local(
            &app,
            &local,
            PushRequest {
                source_id: source,
                image: 0,
                registry_id: target.clone(),
                repository: "team/app".into(),
                tags: vec!["1".into()],
                compression: "zstd".into(),
                create_repository: false,
            },
            Arc::new(|_| {}),
        )
        .await
        .unwrap();

    // Exports read through a slow link (8 MiB/s: the 24 MiB layer takes ~3 s), so the test acts
    // while the download is under way, however fast the machine.
    let slow = FaultyProxy::slow(&registry.host(), 8 << 20);
    let target = common::add_anonymous(&app, slow.host()).await;

    // The user's files: an archive and a layout holding another image.
    let old_archive = dir.path().join("out/old.tar");
    std::fs::create_dir_all(old_archive.parent().unwrap()).unwrap();
    std::fs::write(&old_archive, b"the user's precious archive").unwrap();
    let old_layout = dir.path().join("out/layout");
    write_oci_layout(&old_layout, "other", "another image\n");
    let (archive_before, layout_before) = (snapshot(&old_archive), snapshot(&old_layout));
    let out_before: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();

    // Replacing the archive needs the native yes; no leaves it (a relative path is refused).
    answers.next(false);
    let declined = transfers
        .export(
            &app,
            export_request(&target, "docker-archive", &old_archive),
            Arc::new(|_| {}),
        )
        .await
        .unwrap_err();
    assert_eq!(declined.code, "declined");
    let asked = answers.asked();
    assert_eq!(asked[0].title, "Replace old.tar?");
    assert!(asked[0].detail.contains(&old_archive.display().to_string()));
    assert_eq!(snapshot(&old_archive), archive_before);
    // A relative path is under the home folder, never where the app runs; a folder that is not
    // there is said before anything is read.
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    // This file's only test: nothing else reads HOME meanwhile.
    std::env::set_var("HOME", &home);
    transfers
        .export(
            &app,
            export_request(&target, "docker-archive", std::path::Path::new("out.tar")),
            Arc::new(|_| {}),
        )
        .await
        .unwrap();
    assert!(home.join("out.tar").is_file());
    let missing = transfers
        .export(
            &app,
            export_request(&target, "docker-archive", &dir.path().join("gone/out.tar")),
            Arc::new(|_| {}),
        )
        .await
        .unwrap_err();
    assert_eq!(missing.code, "invalid_path", "{}", missing.message);
    assert!(
        missing.message.contains("does not exist"),
        "{}",
        missing.message
    );

    // Cancelled once bytes move: both exactly as they were, nothing beside them.
    for (format, path) in [
        ("docker-archive", &old_archive),
        ("oci-layout", &old_layout),
    ] {
        let canceller = transfers.clone();
        let err = transfers
            .export(
                &app,
                export_request(&target, format, path),
                common::when_bytes_move(move |id| canceller.cancel(&id).unwrap()),
            )
            .await
            .unwrap_err();
        assert_eq!(err.code, "cancelled", "{format}: {}", err.message);
        assert!(
            err.message.contains("what was there is as it was"),
            "{}",
            err.message
        );
        assert_eq!(snapshot(&old_archive), archive_before, "{format}");
        assert_eq!(snapshot(&old_layout), layout_before, "{format}");
        let out: Vec<_> = std::fs::read_dir(dir.path().join("out"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(out, out_before, "{format}: nothing left beside");
    }

    // A layout export into a folder of other files is refused, the folder untouched.
    let photos = dir.path().join("out/photos");
    std::fs::create_dir_all(&photos).unwrap();
    std::fs::write(photos.join("cat.jpg"), b"meow").unwrap();
    let refused = transfers
        .export(
            &app,
            export_request(&target, "oci-layout", &photos),
            Arc::new(|_| {}),
        )
        .await
        .unwrap_err();
    assert!(
        refused.message.contains("is not an OCI layout"),
        "{}",
        refused.message
    );
    assert_eq!(snapshot(&photos).len(), 1);

    // Completed: the archive replaced by the export, the layout holding both images.
    for (format, path) in [
        ("docker-archive", &old_archive),
        ("oci-layout", &old_layout),
    ] {
        transfers
            .export(
                &app,
                export_request(&target, format, path),
                Arc::new(|_| {}),
            )
            .await
            .unwrap_or_else(|e| panic!("{format}: {}", e.message));
    }
    let reopened = local.open(old_archive.to_str().unwrap()).unwrap();
    assert_eq!(reopened.images[0].names, ["team/app:1"]);
    let layout = local.open(old_layout.to_str().unwrap()).unwrap();
    let mut names: Vec<_> = layout.images.iter().flat_map(|i| i.names.clone()).collect();
    names.sort();
    assert_eq!(names, ["1", "other"]);
    for (file, bytes) in &layout_before {
        if file != "index.json" {
            assert_eq!(
                &std::fs::read(old_layout.join(file)).unwrap(),
                bytes,
                "{file} untouched"
            );
        }
    }

    // The registry goes away mid-download: the export fails and the files are as they were.
    let archive_now = snapshot(&old_archive);
    std::fs::remove_dir_all(&old_layout).unwrap();
    write_oci_layout(&old_layout, "other", "another image\n");
    let layout_now = snapshot(&old_layout);
    let registry = Mutex::new(Some(registry));
    let gone = Arc::new(registry);
    for (format, path) in [
        ("docker-archive", &old_archive),
        ("oci-layout", &old_layout),
    ] {
        let stop = gone.clone();
        let result = transfers
            .export(
                &app,
                export_request(&target, format, path),
                common::when_bytes_move(move |_| drop(stop.lock().unwrap().take())),
            )
            .await;
        // The second export finds the registry already gone: it fails sooner, the same way.
        let err = result.expect_err("the registry went away");
        assert_ne!(err.code, "cancelled", "{format}: {}", err.message);
        assert_eq!(snapshot(&old_archive), archive_now, "{format}");
        assert_eq!(snapshot(&old_layout), layout_now, "{format}");
    }
}
