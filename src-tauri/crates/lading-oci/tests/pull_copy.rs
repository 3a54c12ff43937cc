//! Pull, copy, multi-platform indexes and faults, against real registries; skopeo as referee.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use lading_oci::cache::BlobCache;
use lading_oci::copy::copy_image;
use lading_oci::pull::{pull_to_docker_archive, pull_to_oci_layout, PullOptions};
use lading_oci::push::{push_image, BlobState, PushOptions};
use lading_oci::source::Source;
use lading_oci::{ClientOptions, Digest, PlatformSpec, RegistryClient};
use lading_testkit::images::{
    layer_tar, noise, write_docker_archive, write_multi_platform_layout, write_oci_layout,
    DockerArchiveImage, TestFile,
};
use lading_testkit::{skopeo, Registry};

fn client(registry: &Registry) -> RegistryClient {
    RegistryClient::new(&registry.host(), ClientOptions::default()).unwrap()
}

fn pull_options() -> PullOptions {
    PullOptions {
        jobs: 4,
        ..Default::default()
    }
}

fn push_options() -> PushOptions {
    PushOptions {
        cache: Arc::new(BlobCache::in_memory()),
        ..Default::default()
    }
}

fn archive_with_layers(dir: &std::path::Path, sizes: &[usize]) -> std::path::PathBuf {
    let layers = sizes
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            layer_tar(&[TestFile {
                path: "blob.bin",
                content: &noise(n, i as u64 + 100),
            }])
        })
        .collect();
    let path = dir.join("image.tar");
    write_docker_archive(
        &path,
        &[DockerArchiveImage {
            repo_tags: vec!["rt/app:1".into()],
            layers,
            architecture: "amd64".into(),
        }],
    );
    path
}

#[tokio::test]
async fn push_pull_push_round_trips_keep_the_manifest_digest() {
    let registry = Registry::start();
    let c = client(&registry);
    let dir = tempfile::tempdir().unwrap();
    let source = Source::open(
        &archive_with_layers(dir.path(), &[1 << 20, 3 << 20]),
        dir.path(),
    )
    .unwrap();
    let first = push_image(
        &c,
        "rt/app",
        &["1".into()],
        &source.images[0],
        &push_options(),
    )
    .await
    .unwrap();

    // Registry → OCI layout (its exact bytes) → another repository: same digest.
    let exact = PullOptions {
        preserve_digests: true,
        ..pull_options()
    };
    let layout = dir.path().join("layout");
    let pulled = pull_to_oci_layout(&c, "rt/app", "1", &layout, Some("1"), &exact)
        .await
        .unwrap();
    assert_eq!(pulled.manifest_digest, first.manifest_digest);
    let from_layout = Source::open(&layout, dir.path()).unwrap();
    let second = push_image(
        &c,
        "rt/again",
        &["1".into()],
        &from_layout.images[0],
        &push_options(),
    )
    .await
    .unwrap();
    assert_eq!(second.manifest_digest, first.manifest_digest);

    // Registry → docker archive → skopeo reads it → push it back: same digest again.
    let tar = dir.path().join("pulled.tar");
    pull_to_docker_archive(&c, "rt/app", "1", &tar, Some("rt/app:1"), &pull_options())
        .await
        .unwrap();
    let seen = skopeo(&["inspect", &format!("docker-archive:{}", tar.display())]);
    let seen: serde_json::Value = serde_json::from_str(&seen).unwrap();
    assert_eq!(seen["Layers"].as_array().unwrap().len(), 2);
    let from_tar = Source::open(&tar, dir.path()).unwrap();
    let third = push_image(
        &c,
        "rt/third",
        &["1".into()],
        &from_tar.images[0],
        &push_options(),
    )
    .await
    .unwrap();
    assert_eq!(third.manifest_digest, first.manifest_digest);

    // Pulling into the same layout again fetches nothing.
    let again = pull_to_oci_layout(&c, "rt/app", "1", &layout, Some("1"), &exact)
        .await
        .unwrap();
    assert_eq!(again.bytes_downloaded, 0);
}

#[tokio::test]
async fn an_image_pushed_by_skopeo_pulls_with_every_blob_matching_its_digest() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    write_oci_layout(&src, "v1", "made by the test, pushed by skopeo\n");
    skopeo(&[
        "copy",
        "--quiet",
        "--dest-tls-verify=false",
        &format!("oci:{}:v1", src.display()),
        &format!("docker://{}/sk/app:v1", registry.host()),
    ]);
    // skopeo compresses the uncompressed layer on the way in; what matters is that our pull
    // gets exactly the bytes the registry holds, as skopeo's own pull does.
    let out = dir.path().join("out");
    let report = pull_to_oci_layout(
        &client(&registry),
        "sk/app",
        "v1",
        &out,
        Some("v1"),
        &pull_options(),
    )
    .await
    .unwrap();
    let theirs = dir.path().join("skopeo-pulled");
    skopeo(&[
        "copy",
        "--quiet",
        "--src-tls-verify=false",
        &format!("docker://{}/sk/app:v1", registry.host()),
        &format!("dir:{}", theirs.display()),
    ]);
    let manifest = std::fs::read(theirs.join("manifest.json")).unwrap();
    assert_eq!(
        Digest::sha256_of(&manifest).as_str(),
        report.manifest_digest
    );
    let manifest: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    let mut checked = 0;
    for descriptor in
        std::iter::once(&manifest["config"]).chain(manifest["layers"].as_array().unwrap())
    {
        let d: Digest = descriptor["digest"].as_str().unwrap().parse().unwrap();
        let ours = std::fs::read(out.join("blobs/sha256").join(d.hex())).unwrap();
        let skopeos = std::fs::read(theirs.join(d.hex())).unwrap();
        assert!(ours == skopeos, "{d} differs");
        assert_eq!(Digest::sha256_of(&ours), d);
        checked += 1;
    }
    assert_eq!(checked, 2);
    // And skopeo reads the layout we wrote (OCI-typed manifests stay OCI-typed).
    let inspect = skopeo(&["inspect", &format!("oci:{}:v1", out.display())]);
    assert!(inspect.contains(&report.manifest_digest), "{inspect}");
}

#[tokio::test]
async fn a_multi_platform_index_pushes_lists_and_pulls_all_or_one_platform() {
    let registry = Registry::start();
    let c = client(&registry);
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("multi");
    let (index_digest, children) =
        write_multi_platform_layout(&layout, "v2", &[("linux", "amd64"), ("linux", "arm64")]);
    let source = Source::open(&layout, dir.path()).unwrap();
    let report = push_image(
        &c,
        "multi/app",
        &["v2".into()],
        &source.images[0],
        &push_options(),
    )
    .await
    .unwrap();
    assert_eq!(report.manifest_digest, index_digest);
    assert_eq!(c.tags("multi/app").await.unwrap(), ["v2"]);
    let raw = skopeo(&[
        "inspect",
        "--raw",
        "--tls-verify=false",
        &format!("docker://{}/multi/app:v2", registry.host()),
    ]);
    assert_eq!(Digest::sha256_of(raw.as_bytes()).as_str(), index_digest);
    // skopeo resolves the arm64 image from our index.
    let arm = skopeo(&[
        "inspect",
        "--tls-verify=false",
        "--override-arch=arm64",
        &format!("docker://{}/multi/app:v2", registry.host()),
    ]);
    let arm: serde_json::Value = serde_json::from_str(&arm).unwrap();
    assert_eq!(arm["Architecture"], "arm64");

    let all = dir.path().join("all");
    let everything = pull_to_oci_layout(&c, "multi/app", "v2", &all, Some("v2"), &pull_options())
        .await
        .unwrap();
    assert_eq!(everything.manifest_digest, index_digest);
    assert_eq!(everything.platforms, ["linux/amd64", "linux/arm64"]);

    let one = dir.path().join("one");
    let options = PullOptions {
        platform: Some("linux/arm64".parse::<PlatformSpec>().unwrap()),
        ..pull_options()
    };
    let arm64 = pull_to_oci_layout(&c, "multi/app", "v2", &one, Some("v2"), &options)
        .await
        .unwrap();
    assert_eq!(arm64.manifest_digest, children[1]);
    assert_eq!(arm64.blobs, 2);
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(one.join("index.json")).unwrap()).unwrap();
    assert_eq!(index["manifests"][0]["digest"], children[1].as_str());

    let missing = PullOptions {
        platform: Some("linux/s390x".parse().unwrap()),
        ..pull_options()
    };
    let err = pull_to_oci_layout(
        &c,
        "multi/app",
        "v2",
        &dir.path().join("none"),
        None,
        &missing,
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("linux/amd64, linux/arm64"),
        "{err}"
    );
}

#[tokio::test]
async fn copy_mounts_within_a_registry_and_streams_across_registries() {
    let a = Registry::start();
    let b = Registry::start();
    let (ca, cb) = (client(&a), client(&b));
    let dir = tempfile::tempdir().unwrap();
    let source = Source::open(
        &archive_with_layers(dir.path(), &[2 << 20, 1 << 20]),
        dir.path(),
    )
    .unwrap();
    let pushed = push_image(
        &ca,
        "src/app",
        &["1".into()],
        &source.images[0],
        &push_options(),
    )
    .await
    .unwrap();

    let same = copy_image(
        &ca,
        "src/app",
        "1",
        &ca,
        "dst/app",
        &["copy".into()],
        &pull_options(),
    )
    .await
    .unwrap();
    assert_eq!(same.manifest_digest, pushed.manifest_digest);
    assert_eq!(
        (same.mounted, same.transferred, same.bytes_transferred),
        (3, 0, 0)
    );

    let across = copy_image(
        &ca,
        "src/app",
        "1",
        &cb,
        "mirror/app",
        &["1".into()],
        &pull_options(),
    )
    .await
    .unwrap();
    assert_eq!(across.manifest_digest, pushed.manifest_digest);
    assert_eq!(across.transferred, 3);
    assert!(across.bytes_transferred > 3 << 20);
    assert_eq!(
        cb.get_manifest("mirror/app", "1")
            .await
            .unwrap()
            .digest
            .as_str(),
        pushed.manifest_digest
    );

    let again = copy_image(
        &ca,
        "src/app",
        "1",
        &cb,
        "mirror/app",
        &["1".into()],
        &pull_options(),
    )
    .await
    .unwrap();
    assert_eq!((again.existed, again.transferred), (3, 0));
}

#[tokio::test]
async fn a_corrupted_blob_in_the_registry_fails_the_pull_and_leaves_no_partial_file() {
    let registry = Registry::start();
    let c = client(&registry);
    let dir = tempfile::tempdir().unwrap();
    let source = Source::open(&archive_with_layers(dir.path(), &[2 << 20]), dir.path()).unwrap();
    let pushed = push_image(
        &c,
        "c/app",
        &["1".into()],
        &source.images[0],
        &push_options(),
    )
    .await
    .unwrap();
    let layer: Digest = pushed.blobs[0].digest.parse().unwrap();
    // Flip a byte of the stored layer: the registry serves it unchanged under the old digest.
    let stored = registry
        .storage_dir()
        .join("docker/registry/v2/blobs/sha256")
        .join(&layer.hex()[..2])
        .join(layer.hex())
        .join("data");
    let mut bytes = std::fs::read(&stored).unwrap();
    bytes[1000] ^= 0x55;
    std::fs::write(&stored, bytes).unwrap();

    let out = dir.path().join("out");
    let err = pull_to_oci_layout(&c, "c/app", "1", &out, Some("1"), &pull_options())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "digest_mismatch", "{err}");
    // The folder did not exist: a failed pull leaves none (no partial blob, no index entry).
    assert!(!out.exists(), "a failed pull left {}", out.display());

    let tar = dir.path().join("bad.tar");
    let err = pull_to_docker_archive(&c, "c/app", "1", &tar, None, &pull_options())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "digest_mismatch");
    assert!(!tar.exists());
}

#[tokio::test]
async fn a_registry_that_dies_mid_push_leaves_no_tag_and_the_retry_completes() {
    let mut registry = Registry::start();
    let c = client(&registry);
    let dir = tempfile::tempdir().unwrap();
    let source = Source::open(
        &archive_with_layers(dir.path(), &[24 << 20, 24 << 20]),
        dir.path(),
    )
    .unwrap();

    let pid = registry.pid() as i32;
    let killed = Arc::new(AtomicBool::new(false));
    let flag = killed.clone();
    let options = PushOptions {
        jobs: 2,
        progress: Some(Arc::new(move |e| {
            if e.state == BlobState::Uploading
                && e.done > 4 << 20
                && !flag.swap(true, Ordering::SeqCst)
            {
                // SAFETY: kill(2) on the registry child this test started.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
            }
        })),
        ..push_options()
    };
    let started = std::time::Instant::now();
    let err = push_image(&c, "f/app", &["1".into()], &source.images[0], &options)
        .await
        .unwrap_err();
    assert!(killed.load(Ordering::SeqCst));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "the failure must be prompt"
    );
    assert!(
        matches!(
            err.code(),
            "unreachable" | "registry_error" | "protocol_error"
        ),
        "{}: {err}",
        err.code()
    );

    registry.restart();
    assert!(
        c.head_manifest("f/app", "1").await.unwrap().is_none(),
        "no tag after a failed push"
    );
    let report = push_image(
        &c,
        "f/app",
        &["1".into()],
        &source.images[0],
        &push_options(),
    )
    .await
    .unwrap();
    assert_eq!(
        c.head_manifest("f/app", "1")
            .await
            .unwrap()
            .unwrap()
            .digest
            .as_str(),
        report.manifest_digest
    );
}

#[tokio::test]
async fn chunked_uploads_produce_the_same_image_and_survive_a_registry_restart() {
    use std::sync::Mutex;
    let registry = Arc::new(Mutex::new(Registry::start()));
    let host = registry.lock().unwrap().host();
    let c = RegistryClient::new(&host, ClientOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let source = Source::open(
        &archive_with_layers(dir.path(), &[12 << 20, 3 << 20]),
        dir.path(),
    )
    .unwrap();

    // Streamed and chunked pushes of the same archive give the same manifest digest.
    let streamed = push_image(
        &c,
        "s/app",
        &["1".into()],
        &source.images[0],
        &push_options(),
    )
    .await
    .unwrap();
    let chunked_options = PushOptions {
        upload_mode: lading_oci::UploadMode::Chunked {
            chunk_size: 1 << 20,
        },
        ..push_options()
    };
    let chunked = push_image(
        &c,
        "ch/app",
        &["1".into()],
        &source.images[0],
        &chunked_options,
    )
    .await
    .unwrap();
    assert_eq!(chunked.manifest_digest, streamed.manifest_digest);
    skopeo(&[
        "inspect",
        "--tls-verify=false",
        &format!("docker://{host}/ch/app:1"),
    ]);

    // Kill the registry once 4 MiB of the big layer are in, restart it 400 ms later on the same
    // port and storage: the push resumes the upload session where the registry allows it
    // (distribution cancels a session cut off mid-chunk), else starts that blob again.
    let pid = registry.lock().unwrap().pid() as i32;
    let killed = Arc::new(AtomicBool::new(false));
    let (flag, handle) = (killed.clone(), registry.clone());
    let options = PushOptions {
        jobs: 1,
        progress: Some(Arc::new(move |e| {
            if e.state == BlobState::Uploading
                && e.done > 4 << 20
                && !flag.swap(true, Ordering::SeqCst)
            {
                // SAFETY: kill(2) on the registry child this test started.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
                let handle = handle.clone();
                std::thread::spawn(move || {
                    std::thread::sleep(std::time::Duration::from_millis(400));
                    handle.lock().unwrap().restart();
                });
            }
        })),
        // A cold cache: the layers must really be uploaded, not mounted from ch/app.
        cache: Arc::new(BlobCache::in_memory()),
        ..chunked_options
    };
    let resumed = push_image(&c, "resume/app", &["1".into()], &source.images[0], &options)
        .await
        .unwrap();
    assert!(
        killed.load(Ordering::SeqCst),
        "the registry must have been killed mid-push"
    );
    assert_eq!(resumed.manifest_digest, streamed.manifest_digest);
    // skopeo can pull every byte of it back.
    let out = dir.path().join("resumed");
    skopeo(&[
        "copy",
        "--quiet",
        "--src-tls-verify=false",
        &format!("docker://{host}/resume/app:1"),
        &format!("dir:{}", out.display()),
    ]);
}
