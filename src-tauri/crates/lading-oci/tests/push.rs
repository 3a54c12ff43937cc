//! Pushing archives with the engine, against a real registry, with skopeo as the referee.

use std::sync::{Arc, Mutex};

use lading_oci::cache::BlobCache;
use lading_oci::push::{push_image, BlobOutcome, BlobState, LayerCompression, PushOptions};
use lading_oci::source::{Source, SourceKind};
use lading_oci::{ClientOptions, Credentials, Digest, RegistryClient};
use lading_secrets::Secret;
use lading_testkit::images::{
    layer_tar, noise, write_docker_archive, DockerArchiveImage, TestFile,
};
use lading_testkit::{skopeo, Registry};

fn client(registry: &Registry) -> RegistryClient {
    RegistryClient::new(
        &registry.host(),
        ClientOptions {
            credentials: registry.credentials().map(|(u, p)| Credentials {
                username: u.to_owned(),
                password: Secret::new(p),
            }),
            ..Default::default()
        },
    )
    .unwrap()
}

/// Two layers: one mostly random (2 MiB, so it takes the streamed path), one small text file.
fn sample_layers(seed: u64) -> Vec<Vec<u8>> {
    let big = noise(2 << 20, seed);
    let text = b"hello from lading\n".repeat(1000);
    vec![
        layer_tar(&[TestFile {
            path: "bin/tool",
            content: &big,
        }]),
        layer_tar(&[TestFile {
            path: "etc/motd",
            content: &text,
        }]),
    ]
}

fn archive(
    dir: &std::path::Path,
    name: &str,
    images: Vec<DockerArchiveImage>,
) -> std::path::PathBuf {
    let path = dir.join(name);
    write_docker_archive(&path, &images);
    path
}

fn options(cache: Arc<BlobCache>) -> PushOptions {
    PushOptions {
        jobs: 4,
        compression: LayerCompression::Gzip,
        cache,
        progress: None,
        upload_mode: lading_oci::UploadMode::Stream,
    }
}

#[tokio::test]
async fn pushed_archive_is_a_valid_image_for_skopeo_and_repushes_for_free() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    let layers = sample_layers(1);
    let path = archive(
        dir.path(),
        "app.tar",
        vec![DockerArchiveImage {
            repo_tags: vec!["example/app:1.0".into()],
            layers: layers.clone(),
            architecture: "amd64".into(),
        }],
    );
    let source = Source::open(&path, dir.path()).unwrap();
    assert_eq!(source.kind, SourceKind::DockerArchive);
    assert_eq!(source.images.len(), 1);

    let c = client(&registry);
    let cache = Arc::new(BlobCache::load(&dir.path().join("data")));
    let events = Arc::new(Mutex::new(Vec::new()));
    let mut opts = options(cache.clone());
    let sink = events.clone();
    opts.progress = Some(Arc::new(move |e| sink.lock().unwrap().push(e)));
    let report = push_image(
        &c,
        "team/app",
        &["1.0".into(), "latest".into()],
        &source.images[0],
        &opts,
    )
    .await
    .unwrap();
    assert_eq!(report.blobs.len(), 3);
    assert!(report
        .blobs
        .iter()
        .all(|b| b.outcome == BlobOutcome::Uploaded));
    let events = std::mem::take(&mut *events.lock().unwrap());
    assert!(events
        .iter()
        .any(|e| e.state == BlobState::Uploading && e.done > 0));
    assert!(events.iter().filter(|e| e.state == BlobState::Done).count() >= 3);

    // skopeo agrees on the digest and can copy the image out, layer bytes and all.
    let inspect = skopeo(&[
        "inspect",
        "--tls-verify=false",
        &format!("docker://{}/team/app:1.0", registry.host()),
    ]);
    let inspect: serde_json::Value = serde_json::from_str(&inspect).unwrap();
    assert_eq!(inspect["Digest"], report.manifest_digest);
    let mut tags: Vec<_> = inspect["RepoTags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect();
    tags.sort();
    assert_eq!(tags, ["1.0", "latest"]);
    let out = dir.path().join("copied");
    skopeo(&[
        "copy",
        "--quiet",
        "--src-tls-verify=false",
        &format!("docker://{}/team/app:latest", registry.host()),
        &format!("dir:{}", out.display()),
    ]);
    // Decompressed, each copied layer equals the archive's layer tar byte for byte.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    for (layer, original) in manifest["layers"].as_array().unwrap().iter().zip(&layers) {
        let digest = layer["digest"].as_str().unwrap();
        let compressed = std::fs::read(out.join(digest.trim_start_matches("sha256:"))).unwrap();
        assert_eq!(Digest::sha256_of(&compressed).as_str(), digest);
        let mut plain = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(&compressed[..]),
            &mut plain,
        )
        .unwrap();
        assert!(
            plain == *original,
            "layer {digest} does not decompress to the archive's bytes"
        );
    }

    // Second push of the same archive: nothing is uploaded, the digest is identical.
    let again = push_image(
        &c,
        "team/app",
        &["1.0".into()],
        &source.images[0],
        &options(cache.clone()),
    )
    .await
    .unwrap();
    assert_eq!(again.manifest_digest, report.manifest_digest);
    assert!(
        again
            .blobs
            .iter()
            .all(|b| b.outcome == BlobOutcome::Existed),
        "{:?}",
        again.blobs
    );

    // A new repository of the same registry gets the layers by cross-repository mount.
    let mounted = push_image(
        &c,
        "other/app",
        &["x".into()],
        &source.images[0],
        &options(cache),
    )
    .await
    .unwrap();
    assert_eq!(mounted.manifest_digest, report.manifest_digest);
    let layer_outcomes: Vec<_> = mounted.blobs[..2].iter().map(|b| b.outcome).collect();
    assert_eq!(layer_outcomes, [BlobOutcome::Mounted, BlobOutcome::Mounted]);
}

#[tokio::test]
async fn zstd_push_writes_an_oci_manifest() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    let path = archive(
        dir.path(),
        "app.tar",
        vec![DockerArchiveImage {
            repo_tags: vec![],
            layers: sample_layers(2),
            architecture: "arm64".into(),
        }],
    );
    let source = Source::open(&path, dir.path()).unwrap();
    let mut opts = options(Arc::new(BlobCache::in_memory()));
    opts.compression = LayerCompression::Zstd;
    let report = push_image(
        &client(&registry),
        "z/app",
        &["v1".into()],
        &source.images[0],
        &opts,
    )
    .await
    .unwrap();
    assert_eq!(
        report.media_type,
        "application/vnd.oci.image.manifest.v1+json"
    );
    let raw = skopeo(&[
        "inspect",
        "--raw",
        "--tls-verify=false",
        &format!("docker://{}/z/app:v1", registry.host()),
    ]);
    let raw: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(
        raw["layers"][0]["mediaType"],
        "application/vnd.oci.image.layer.v1.tar+zstd"
    );
    assert_eq!(
        Digest::sha256_of(raw.to_string().as_bytes()).as_str().len(),
        71
    );
}

#[tokio::test]
async fn gzipped_multi_image_archive_over_basic_auth() {
    let registry = Registry::start_with_htpasswd("ci", "pw");
    let dir = tempfile::tempdir().unwrap();
    let plain = archive(
        dir.path(),
        "two.tar",
        vec![
            DockerArchiveImage {
                repo_tags: vec!["a:1".into()],
                layers: sample_layers(3),
                architecture: "amd64".into(),
            },
            DockerArchiveImage {
                repo_tags: vec!["b:2".into()],
                layers: sample_layers(4),
                architecture: "amd64".into(),
            },
        ],
    );
    // The same archive gzipped as a whole, as `docker save | gzip` writes it.
    let gz = dir.path().join("two.tar.gz");
    let mut encoder = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    std::io::copy(&mut std::fs::File::open(&plain).unwrap(), &mut encoder).unwrap();
    encoder.finish().unwrap();

    let source = Source::open(&gz, dir.path()).unwrap();
    assert_eq!(source.images.len(), 2);
    assert_eq!(source.images[1].names(), ["b:2"]);
    let c = client(&registry);
    let report = push_image(
        &c,
        "b",
        &["2".into()],
        &source.images[1],
        &options(Arc::new(BlobCache::in_memory())),
    )
    .await
    .unwrap();
    assert_eq!(c.tags("b").await.unwrap(), ["2"]);
    assert_eq!(
        c.get_manifest("b", "2").await.unwrap().digest.as_str(),
        report.manifest_digest
    );
}

#[tokio::test]
async fn push_and_pull_through_a_bearer_token_registry() {
    let registry =
        Registry::start_with_token_auth("ci", "token-pw", std::time::Duration::from_secs(300));
    let c = client(&registry);
    let dir = tempfile::tempdir().unwrap();
    let path = archive(
        dir.path(),
        "app.tar",
        vec![DockerArchiveImage {
            repo_tags: vec![],
            layers: sample_layers(9),
            architecture: "amd64".into(),
        }],
    );
    let source = Source::open(&path, dir.path()).unwrap();
    let report = push_image(
        &c,
        "tok/app",
        &["v1".into()],
        &source.images[0],
        &options(Arc::new(BlobCache::in_memory())),
    )
    .await
    .unwrap();
    // Mounting into another repository needs a token for both scopes at once.
    let cache = Arc::new(BlobCache::in_memory());
    push_image(
        &c,
        "tok/app",
        &["v1".into()],
        &source.images[0],
        &options(cache.clone()),
    )
    .await
    .unwrap();
    let mounted = push_image(
        &c,
        "tok/other",
        &["v1".into()],
        &source.images[0],
        &options(cache),
    )
    .await
    .unwrap();
    assert!(
        mounted.blobs[..2]
            .iter()
            .all(|b| b.outcome == BlobOutcome::Mounted),
        "{:?}",
        mounted.blobs
    );
    let out = dir.path().join("out");
    let pulled = lading_oci::pull::pull_to_oci_layout(
        &c,
        "tok/other",
        "v1",
        &out,
        Some("v1"),
        &lading_oci::pull::PullOptions {
            preserve_digests: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(pulled.manifest_digest, report.manifest_digest);
}

/// Tars up a directory (as `tar -C dir -cf out .` would), for OCI archives.
fn tar_dir(dir: &std::path::Path, out: &std::path::Path, extra: Option<(&str, Vec<u8>)>) {
    let mut builder = tar::Builder::new(std::fs::File::create(out).unwrap());
    builder.append_dir_all(".", dir).unwrap();
    if let Some((name, data)) = extra {
        let mut header = tar::Header::new_ustar();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, &data[..]).unwrap();
    }
    builder.finish().unwrap();
}

#[tokio::test]
async fn oci_archives_and_docker_25_oci_in_tar_archives_push() {
    use lading_oci::source::SourceKind;
    use lading_testkit::images::write_multi_platform_layout;
    let registry = Registry::start();
    let c = client(&registry);
    let dir = tempfile::tempdir().unwrap();

    // An OCI archive: a tar of a layout holding a two-platform index.
    let layout = dir.path().join("layout");
    let (index_digest, _) =
        write_multi_platform_layout(&layout, "v3", &[("linux", "amd64"), ("linux", "arm64")]);
    let oci_tar = dir.path().join("oci.tar");
    tar_dir(&layout, &oci_tar, None);
    let source = Source::open(&oci_tar, dir.path()).unwrap();
    assert_eq!(source.kind, SourceKind::OciArchive);
    assert_eq!(source.images[0].names(), ["v3"]);
    let report = push_image(
        &c,
        "ociarchive/app",
        &["v3".into()],
        &source.images[0],
        &options(Arc::new(BlobCache::in_memory())),
    )
    .await
    .unwrap();
    assert_eq!(report.manifest_digest, index_digest);

    // docker 25+ `docker save`: an OCI layout plus manifest.json naming blobs/sha256/… paths.
    let single = dir.path().join("single");
    let image = lading_testkit::images::write_oci_layout(&single, "web:1", "docker 25 layer\n");
    let hex = |d: &str| d.trim_start_matches("sha256:").to_owned();
    let manifest_json = serde_json::to_vec(&serde_json::json!([{
        "Config": format!("blobs/sha256/{}", hex(&image.config_digest)),
        "RepoTags": ["web:1"],
        "Layers": [format!("blobs/sha256/{}", hex(&image.layer_digest))],
    }]))
    .unwrap();
    let docker25 = dir.path().join("docker25.tar");
    tar_dir(&single, &docker25, Some(("manifest.json", manifest_json)));
    let source = Source::open(&docker25, dir.path()).unwrap();
    assert_eq!(source.kind, SourceKind::DockerArchive);
    assert_eq!(source.images[0].names(), ["web:1"]);
    push_image(
        &c,
        "docker25/web",
        &["1".into()],
        &source.images[0],
        &options(Arc::new(BlobCache::in_memory())),
    )
    .await
    .unwrap();
    let inspect = skopeo(&[
        "inspect",
        "--tls-verify=false",
        &format!("docker://{}/docker25/web:1", registry.host()),
    ]);
    assert!(inspect.contains("\"Architecture\": \"amd64\""), "{inspect}");
}
