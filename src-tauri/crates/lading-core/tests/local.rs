//! Image archives and OCI layouts opened in the app: browsed from disk, no network.

use lading_core::local::LocalSources;
use lading_core::view::ImageFilesEvent;
use lading_testkit::images::{
    layer_tar, write_docker_archive, write_multi_platform_layout, DockerArchiveImage, TestFile,
};

/// A read no one stops.
fn never() -> lading_oci::layer_files::Stop {
    std::sync::Arc::new(|| false)
}

fn files_of(
    local: &LocalSources,
    id: &str,
    image: u32,
    digest: Option<&str>,
) -> Vec<ImageFilesEvent> {
    let events = std::sync::Mutex::new(Vec::new());
    local
        .files(
            id,
            image,
            digest,
            &|e| events.lock().unwrap().push(e),
            never(),
        )
        .unwrap();
    events.into_inner().unwrap()
}

#[test]
fn a_docker_archive_and_an_oci_layout_are_browsed_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("app.tar");
    write_docker_archive(
        &archive,
        &[DockerArchiveImage {
            repo_tags: vec!["team/app:1.0".into(), "team/app:latest".into()],
            layers: vec![
                layer_tar(&[
                    TestFile {
                        path: "etc/motd",
                        content: b"hello\n",
                    },
                    TestFile {
                        path: "tmp/big.bin",
                        content: &[7u8; 5000],
                    },
                ]),
                layer_tar(&[TestFile {
                    path: "tmp/.wh.big.bin",
                    content: b"",
                }]),
            ],
            architecture: "arm64".into(),
        }],
    );
    let local = LocalSources::default();
    let opened = local.open(archive.to_str().unwrap()).unwrap();
    assert_eq!(
        (opened.name.as_str(), opened.kind.as_str()),
        ("app.tar", "docker-archive")
    );
    assert_eq!(opened.images.len(), 1);
    let image = &opened.images[0];
    assert_eq!(image.names, ["team/app:1.0", "team/app:latest"]);
    // The push sheet's defaults come from the backend.
    assert_eq!(image.target_repository, "team/app");
    assert_eq!(image.target_tags, ["1.0", "latest"]);
    assert_eq!((image.layers, image.platform.as_str()), (2, "linux/arm64"));
    assert_eq!(local.list(), std::slice::from_ref(&opened));

    let detail = local.detail(&opened.id, 0, None).unwrap();
    assert_eq!(detail.digest, image.digest);
    assert_eq!(detail.architecture.as_deref(), Some("arm64"));
    assert_eq!(detail.layers.len(), 2);
    assert_eq!(detail.layers[0].media_type, "tar");

    // The second layer's whiteout makes the first layer's 5,000 bytes wasted.
    let events = files_of(&local, &opened.id, 0, None);
    assert_eq!(events[0], ImageFilesEvent::Started { layers: 2 });
    let Some(ImageFilesEvent::Done {
        wasted_bytes,
        wasted,
    }) = events.last()
    else {
        panic!("{:?}", events.last());
    };
    assert_eq!(*wasted_bytes, 5000);
    assert_eq!(wasted[0].path, "tmp/big.bin");

    // A read the window left stops at its next read: no layer is sent, and it says why.
    let sent = std::sync::Mutex::new(0);
    let stopped = local
        .files(
            &opened.id,
            0,
            None,
            &|e| {
                if matches!(e, ImageFilesEvent::Layer { .. }) {
                    *sent.lock().unwrap() += 1;
                }
            },
            std::sync::Arc::new(|| true),
        )
        .unwrap_err();
    assert!(
        stopped.message.contains("no longer shown"),
        "{}",
        stopped.message
    );
    assert_eq!(*sent.lock().unwrap(), 0);

    // An OCI layout holding an index: its platforms, each opened by digest, with its files.
    let layout = dir.path().join("layout");
    let (index, children) =
        write_multi_platform_layout(&layout, "multi", &[("linux", "amd64"), ("linux", "arm64")]);
    let multi = local.open(layout.to_str().unwrap()).unwrap();
    assert_eq!(multi.kind, "oci-layout");
    assert_eq!(multi.images[0].kind, "index");
    assert_eq!(multi.images[0].digest, index);
    let top = local.detail(&multi.id, 0, None).unwrap();
    assert_eq!(top.kind, "index");
    let platforms: Vec<&str> = top.platforms.iter().map(|p| p.platform.as_str()).collect();
    assert_eq!(platforms, ["linux/amd64", "linux/arm64"]);
    let arm = local.detail(&multi.id, 0, Some(&children[1])).unwrap();
    assert_eq!(arm.architecture.as_deref(), Some("arm64"));
    let events = files_of(&local, &multi.id, 0, Some(&children[1]));
    let Some(ImageFilesEvent::Layer { files, .. }) = events.get(1) else {
        panic!("{events:?}");
    };
    assert_eq!(files[0].path, "platform.txt");
    let index_files = local
        .files(&multi.id, 0, None, &|_| {}, never())
        .unwrap_err();
    assert_eq!(index_files.code, "not_an_image");

    // Remembered across a restart (in the config dir), and forgotten when closed.
    let config = dir.path().join("config");
    let scratch = dir.path().join("scratch");
    let first = LocalSources::remembered(&config, &scratch);
    first.open(archive.to_str().unwrap()).unwrap();
    let kept = first.open(layout.to_str().unwrap()).unwrap();
    let again = LocalSources::remembered(&config, &scratch);
    let names: Vec<String> = again.list().into_iter().map(|l| l.name).collect();
    assert_eq!(names, ["app.tar", "layout"]);
    first.close(&kept.id).unwrap();
    std::fs::remove_file(&archive).unwrap();
    // The archive is gone and the layout was closed: the archive is still listed (the user
    // sees what became of it), and opening it says why it cannot be read.
    let after = LocalSources::remembered(&config, &scratch);
    let listed = after.list();
    assert_eq!(listed.len(), 1);
    assert!(!listed[0].opened);
    let gone = after.open(&listed[0].path).unwrap_err();
    assert_eq!(gone.code, "invalid_source");
    assert!(gone.message.contains("no such file"), "{}", gone.message);
    after.close(&listed[0].id).unwrap();
    assert!(LocalSources::remembered(&config, &scratch)
        .list()
        .is_empty());

    // Bad input says what is wrong; closing forgets the source.
    let missing = local.open("/nonexistent/image.tar").unwrap_err();
    assert_eq!(missing.code, "invalid_source", "{}", missing.message);
    assert_eq!(local.open("  ").unwrap_err().code, "invalid_source");
    local.close(&opened.id).unwrap();
    assert_eq!(local.list().len(), 1);
    assert_eq!(
        local.detail(&opened.id, 0, None).unwrap_err().code,
        "unknown_source"
    );
}

#[test]
fn remembered_sources_are_listed_at_once_and_decompressed_only_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("app.tar");
    write_docker_archive(
        &plain,
        &[DockerArchiveImage {
            repo_tags: vec!["team/app:1".into()],
            layers: vec![layer_tar(&[TestFile {
                path: "a.txt",
                content: b"a",
            }])],
            architecture: "amd64".into(),
        }],
    );
    let gzip = std::process::Command::new("gzip")
        .arg(&plain)
        .status()
        .expect("run gzip");
    assert!(gzip.success());
    let archive = dir.path().join("app.tar.gz");
    let config = dir.path().join("config");
    let scratch = dir.path().join("scratch");
    let count = |d: &std::path::Path| std::fs::read_dir(d).map(|d| d.count()).unwrap_or(0);

    let first = LocalSources::remembered(&config, &scratch);
    let opened = first.open(archive.to_str().unwrap()).unwrap();
    assert!(opened.opened && opened.compressed);
    assert_eq!(count(&scratch), 1, "decompressed into the folder given");
    drop(first);
    assert_eq!(count(&scratch), 0, "and removed with it");

    // The next start lists it without reading it.
    let next = LocalSources::remembered(&config, &scratch);
    let listed = next.list();
    assert_eq!(listed.len(), 1);
    let waiting = &listed[0];
    assert!(!waiting.opened && waiting.compressed && waiting.images.is_empty());
    assert_eq!(waiting.name, "app.tar.gz");
    assert_eq!(count(&scratch), 0, "nothing decompressed at start");
    let early = next.detail(&waiting.id, 0, None).unwrap_err();
    assert!(early.message.contains("not open yet"), "{}", early.message);
    // Opening it reads it under the same id; opening it again does not read it twice.
    let read = next.open(&waiting.path).unwrap();
    assert_eq!(read.id, waiting.id);
    assert_eq!(read.images.len(), 1);
    assert_eq!(next.open(&waiting.path).unwrap().id, waiting.id);
    assert_eq!(next.list().len(), 1);
    assert_eq!(count(&scratch), 1);
    assert!(next.detail(&waiting.id, 0, None).is_ok());
}

#[test]
fn broken_inputs_open_with_one_line_or_say_so_when_read() {
    let dir = tempfile::tempdir().unwrap();
    let local = LocalSources::default();
    for case in lading_testkit::corpus::write(dir.path()) {
        let message = match local.open(case.path.to_str().unwrap()) {
            Err(e) => e.message,
            // Broken only where the push reads it (a blob's size, a missing layer): the detail
            // and files still answer, with an error or the content there is.
            Ok(view) => {
                let detail = local.detail(&view.id, 0, None);
                let files = local.files(&view.id, 0, None, &|_| {}, never());
                match (detail, files) {
                    (Err(e), _) | (_, Err(e)) => e.message,
                    (Ok(_), Ok(())) => continue,
                }
            }
        };
        assert!(
            !message.contains('\n') && message.len() < 500,
            "{}: {message}",
            case.name
        );
    }
}
