//! Push, pull, copy, tags, an image's detail and its layers' files through a proxy that breaks
//! a quarter of the connections to a real registry (refused, 503, 429, answers or requests cut
//! mid-way, answers stalled), seeded so a failure replays. Every run must end digest-correct,
//! and skopeo must read what was pushed.

use std::sync::Arc;

use lading_oci::cache::BlobCache;
use lading_oci::client::Timeouts;
use lading_oci::copy::copy_image;
use lading_oci::layer_files::read_layer;
use lading_oci::manifest::Manifest;
use lading_oci::pull::{pull_to_docker_archive, pull_to_oci_layout, PullOptions};
use lading_oci::push::{push_image, PushOptions};
use lading_oci::source::Source;
use lading_oci::{ClientOptions, RegistryClient};
use lading_testkit::images::{
    layer_tar, noise, write_docker_archive, DockerArchiveImage, TestFile,
};
use lading_testkit::{skopeo, Fault, FaultyProxy, Registry};

fn archive(dir: &std::path::Path) -> std::path::PathBuf {
    let layers = (0..4)
        .map(|i| {
            layer_tar(&[TestFile {
                path: "blob.bin",
                content: &noise((1 << 20) + i * 300_000, i as u64 + 40),
            }])
        })
        .collect();
    let path = dir.join("image.tar");
    write_docker_archive(
        &path,
        &[DockerArchiveImage {
            repo_tags: vec!["faults/app:1".into()],
            layers,
            architecture: "amd64".into(),
        }],
    );
    path
}

/// Short timeouts so the proxy's stalls cost seconds, not minutes.
fn through(proxy: &FaultyProxy) -> RegistryClient {
    RegistryClient::new(
        &proxy.host(),
        ClientOptions {
            timeouts: Timeouts {
                idle: std::time::Duration::from_secs(2),
                small: std::time::Duration::from_secs(10),
            },
            ..Default::default()
        },
    )
    .unwrap()
}

/// The image's config and each layer's file list, as the app's detail and Files tab read them.
async fn detail_and_files(
    client: &RegistryClient,
    repository: &str,
) -> Result<(Vec<u8>, Vec<Vec<String>>), lading_oci::OciError> {
    let manifest = client.get_manifest(repository, "1").await?;
    let Manifest::Image(image) = manifest.parse()? else {
        panic!("pushed an image, not an index");
    };
    let config = client
        .get_blob_bytes(repository, &image.config().digest().to_string().parse()?)
        .await?;
    let mut files = Vec::new();
    for layer in image.layers() {
        let entries = read_layer(
            client,
            repository,
            &layer.digest().to_string().parse()?,
            layer.size(),
            layer.media_type().as_ref(),
        )
        .await?;
        files.push(entries.into_iter().map(|e| e.path).collect());
    }
    Ok((config.to_vec(), files))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_pull_and_copy_survive_a_quarter_of_connections_failing() {
    let registry = Registry::start();
    let direct = RegistryClient::new(&registry.host(), ClientOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let source = Source::open(&archive(dir.path()), dir.path()).unwrap();
    let mut faults_seen = Vec::new();
    for seed in 1..=8u64 {
        let proxy = FaultyProxy::start(&registry.host(), seed, 25);
        let client = through(&proxy);
        let repository = format!("faults/app{seed}");
        let pushed = push_image(
            &client,
            &repository,
            &["1".into()],
            &source.images[0],
            &PushOptions {
                cache: Arc::new(BlobCache::in_memory()),
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("seed {seed}: push: {e}"));
        // What the registry holds, read directly, is what was pushed.
        let stored = direct.get_manifest(&repository, "1").await.unwrap();
        assert_eq!(
            stored.digest.to_string(),
            pushed.manifest_digest,
            "seed {seed}"
        );

        let layout = dir.path().join(format!("layout{seed}"));
        let pulled = pull_to_oci_layout(
            &client,
            &repository,
            "1",
            &layout,
            Some("1"),
            &PullOptions {
                preserve_digests: true,
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("seed {seed}: pull to a layout: {e}"));
        assert_eq!(
            pulled.manifest_digest, pushed.manifest_digest,
            "seed {seed}"
        );
        let tar = dir.path().join(format!("pulled{seed}.tar"));
        pull_to_docker_archive(
            &client,
            &repository,
            "1",
            &tar,
            None,
            &PullOptions::default(),
        )
        .await
        .unwrap_or_else(|e| panic!("seed {seed}: pull to an archive: {e}"));
        let copied = copy_image(
            &client,
            &repository,
            "1",
            &client,
            &format!("{repository}-copy"),
            &["1".into()],
            &PullOptions::default(),
        )
        .await
        .unwrap_or_else(|e| panic!("seed {seed}: copy: {e}"));
        assert_eq!(
            copied.manifest_digest, pushed.manifest_digest,
            "seed {seed}"
        );
        assert_eq!(
            client
                .tags(&repository)
                .await
                .unwrap_or_else(|e| panic!("seed {seed}: tags: {e}")),
            ["1"],
            "seed {seed}"
        );
        let read = detail_and_files(&client, &repository)
            .await
            .unwrap_or_else(|e| panic!("seed {seed}: detail and files: {e}"));
        assert_eq!(
            read,
            detail_and_files(&direct, &repository).await.unwrap(),
            "seed {seed}: the same config and files as read directly"
        );
        // skopeo, reading straight from the registry, verifies every blob of what we pushed.
        skopeo(&[
            "copy",
            "--quiet",
            "--src-tls-verify=false",
            &format!("docker://{}/{repository}:1", registry.host()),
            &format!("dir:{}", dir.path().join(format!("skopeo{seed}")).display()),
        ]);
        faults_seen.extend(proxy.faults());
    }
    let broken = faults_seen.iter().filter(|f| **f != Fault::None).count();
    let stalled = faults_seen
        .iter()
        .filter(|f| matches!(f, Fault::StallAnswer(_)))
        .count();
    eprintln!(
        "{} connections, {broken} broken ({stalled} stalled)",
        faults_seen.len()
    );
    assert!(
        broken * 8 >= faults_seen.len(),
        "faults hit at least an eighth of connections: {broken}/{}",
        faults_seen.len()
    );
}
