//! Push, pull and copy through a proxy that breaks a quarter of the connections to a real
//! registry (refused, 503, 429, answers or requests cut mid-way), seeded so a failure replays.
//! Every run must end digest-correct.

use std::sync::Arc;

use lading_oci::cache::BlobCache;
use lading_oci::copy::copy_image;
use lading_oci::pull::{pull_to_docker_archive, pull_to_oci_layout, PullOptions};
use lading_oci::push::{push_image, PushOptions};
use lading_oci::source::Source;
use lading_oci::{ClientOptions, RegistryClient};
use lading_testkit::images::{
    layer_tar, noise, write_docker_archive, DockerArchiveImage, TestFile,
};
use lading_testkit::{Fault, FaultyProxy, Registry};

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

fn through(proxy: &FaultyProxy) -> RegistryClient {
    RegistryClient::new(&proxy.host(), ClientOptions::default()).unwrap()
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
            &PullOptions::default(),
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
        assert!(client.tags(&repository).await.is_ok(), "seed {seed}: tags");
        faults_seen.extend(proxy.faults());
    }
    let broken = faults_seen.iter().filter(|f| **f != Fault::None).count();
    eprintln!("{} connections, {broken} broken", faults_seen.len());
    assert!(
        broken * 8 >= faults_seen.len(),
        "faults hit at least an eighth of connections: {broken}/{}",
        faults_seen.len()
    );
}
