//! Broken sources give one clear error each, never a panic, and never a manifest in the registry.

use std::sync::Arc;

use lading_oci::cache::BlobCache;
use lading_oci::push::{push_image, PushOptions};
use lading_oci::source::Source;
use lading_oci::{ClientOptions, RegistryClient};
use lading_testkit::images::{
    layer_tar, noise, write_docker_archive, DockerArchiveImage, TestFile,
};
use lading_testkit::Registry;

fn one_image_archive(path: &std::path::Path) -> Vec<u8> {
    let layer = layer_tar(&[TestFile {
        path: "data.bin",
        content: &noise(3 << 20, 7),
    }]);
    write_docker_archive(
        path,
        &[DockerArchiveImage {
            repo_tags: vec!["x:1".into()],
            layers: vec![layer.clone()],
            architecture: "amd64".into(),
        }],
    );
    layer
}

fn open_err(path: &std::path::Path) -> lading_oci::OciError {
    Source::open(path, path.parent().unwrap()).expect_err("must not open")
}

#[test]
fn a_truncated_archive_is_reported_as_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.tar");
    one_image_archive(&path);
    let bytes = std::fs::read(&path).unwrap();
    // Cut inside the layer's data: the index sees a member that runs past the end.
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let err = open_err(&path);
    assert_eq!(err.code(), "invalid_source", "{err}");
    assert!(
        err.to_string().contains("truncated") || err.to_string().contains("not a readable tar"),
        "{err}"
    );
}

#[test]
fn a_file_that_is_no_image_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "just some text, not an archive\n".repeat(100)).unwrap();
    let err = open_err(&path);
    assert_eq!(err.code(), "invalid_source");
    assert!(err.to_string().contains("not an image archive"), "{err}");

    // A valid tar that is neither docker save nor OCI.
    let tar = dir.path().join("plain.tar");
    std::fs::write(
        &tar,
        layer_tar(&[TestFile {
            path: "readme",
            content: b"hi",
        }]),
    )
    .unwrap();
    let err = open_err(&tar);
    assert!(
        err.to_string().contains("neither a docker save archive"),
        "{err}"
    );

    let missing = open_err(&dir.path().join("nope.tar"));
    assert_eq!(missing.code(), "invalid_source");
    let empty_dir = open_err(dir.path());
    assert!(
        empty_dir.to_string().contains("not an OCI layout"),
        "{empty_dir}"
    );
}

#[test]
fn a_path_traversal_member_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evil.tar");
    // tar::Builder refuses '..' itself, so write the header by hand.
    let mut header = tar::Header::new_gnu();
    header.as_gnu_mut().unwrap().name[..16].copy_from_slice(b"../../etc/passwd");
    header.set_size(4);
    header.set_mode(0o644);
    header.set_cksum();
    let mut bytes = header.as_bytes().to_vec();
    bytes.extend_from_slice(b"root");
    bytes.resize(bytes.len() + 508 + 1024, 0);
    std::fs::write(&path, bytes).unwrap();
    let err = open_err(&path);
    assert_eq!(err.code(), "invalid_source");
    assert!(err.to_string().contains("outside the archive"), "{err}");
}

#[tokio::test]
async fn a_layer_that_does_not_match_its_diff_id_fails_the_push_and_writes_no_manifest() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.tar");
    let layer = one_image_archive(&path);
    // Flip one byte inside the layer's file content, keeping the tar structure intact.
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes
        .windows(layer.len().min(4096))
        .position(|w| w == &layer[..layer.len().min(4096)])
        .unwrap()
        + 2048;
    bytes[at] ^= 0xff;
    std::fs::write(&path, bytes).unwrap();

    let source = Source::open(&path, dir.path()).unwrap();
    let client = RegistryClient::new(&registry.host(), ClientOptions::default()).unwrap();
    let options = PushOptions {
        cache: Arc::new(BlobCache::in_memory()),
        ..Default::default()
    };
    let err = push_image(&client, "x", &["1".into()], &source.images[0], &options)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "digest_mismatch", "{err}");
    assert!(err.to_string().contains("layer"), "{err}");
    assert!(
        client.head_manifest("x", "1").await.unwrap().is_none(),
        "no tag may be written"
    );
}

#[test]
fn files_that_are_not_archives_get_one_printable_line_without_their_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, Vec<u8>); 3] = [
        ("random.bin", noise(3000, 5)),
        ("notes.txt", b"line one\nline two\nprivate words\n".to_vec()),
        ("fake.tar", b"{\"foo\":1}\n".to_vec()),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let message = open_err(&path).to_string();
        assert!(
            !message
                .chars()
                .any(|c| c.is_control() || c == char::REPLACEMENT_CHARACTER),
            "{name}: {message:?}"
        );
        assert!(
            message.contains("expected a docker save archive"),
            "{name}: {message}"
        );
        assert!(
            !message.contains("private words") && message.len() < 400,
            "{name}: {message}"
        );
    }
}
