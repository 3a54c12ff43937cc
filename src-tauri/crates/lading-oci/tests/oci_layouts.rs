//! OCI layouts other tools read: a Docker-typed image exported to a layout gets OCI media types
//! (new manifest digests, same blobs) and skopeo and umoci read it; `preserve_digests` keeps
//! the registry's bytes. The inputs are buildah's archives, which no one here wrote.

use std::sync::Arc;

use lading_oci::cache::BlobCache;
use lading_oci::manifest::media_types as mt;
use lading_oci::pull::{pull_to_oci_layout, PullOptions, PullReport};
use lading_oci::push::{push_image, PushOptions, PushReport};
use lading_oci::source::Source;
use lading_oci::{ClientOptions, RawManifest, RegistryClient};
use lading_testkit::tools::{buildah_archives, umoci, umoci_result};
use lading_testkit::{skopeo, skopeo_result, Registry};

fn client(registry: &Registry) -> RegistryClient {
    RegistryClient::new(&registry.host(), ClientOptions::default()).unwrap()
}

fn push_options() -> PushOptions {
    PushOptions {
        cache: Arc::new(BlobCache::in_memory()),
        ..Default::default()
    }
}

/// Pushes the archive or layout at `path` to `repository` under `tags`.
async fn push(
    c: &RegistryClient,
    path: &std::path::Path,
    repository: &str,
    tags: &[&str],
    scratch: &std::path::Path,
) -> PushReport {
    let source = Source::open(path, scratch).unwrap();
    let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
    push_image(c, repository, &tags, &source.images[0], &push_options())
        .await
        .unwrap()
}

/// Pulls `repository:reference` into the layout at `layout`, named after `reference`.
async fn pull(
    c: &RegistryClient,
    repository: &str,
    reference: &str,
    layout: &std::path::Path,
    preserve_digests: bool,
) -> PullReport {
    let options = PullOptions {
        preserve_digests,
        ..Default::default()
    };
    pull_to_oci_layout(c, repository, reference, layout, Some(reference), &options)
        .await
        .unwrap()
}

fn json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn blob(layout: &std::path::Path, digest: &str) -> serde_json::Value {
    json(
        &layout
            .join("blobs/sha256")
            .join(digest.trim_start_matches("sha256:")),
    )
}

#[tokio::test]
async fn a_docker_typed_image_exports_to_a_layout_skopeo_and_umoci_read() {
    let registry = Registry::start();
    let c = client(&registry);
    let dir = tempfile::tempdir().unwrap();
    let archives = buildah_archives(dir.path(), "made/app:1", "hello from buildah\n");
    let pushed = push(&c, &archives.docker, "made/app", &["1"], dir.path()).await;
    let stored = c.get_manifest("made/app", "1").await.unwrap();
    assert_eq!(stored.media_type, mt::DOCKER_MANIFEST);
    let stored_json: serde_json::Value = serde_json::from_slice(&stored.bytes).unwrap();

    // By default: OCI media types, a new manifest digest, and the registry's digest said.
    let layout = dir.path().join("layout");
    let report = pull(&c, "made/app", "1", &layout, false).await;
    assert_eq!(
        report.registry_digest.as_deref(),
        Some(pushed.manifest_digest.as_str())
    );
    assert_ne!(report.manifest_digest, pushed.manifest_digest);
    assert_eq!(report.media_type, mt::OCI_MANIFEST);
    let index = json(&layout.join("index.json"));
    assert_eq!(index["manifests"][0]["mediaType"], mt::OCI_MANIFEST);
    assert_eq!(
        index["manifests"][0]["digest"],
        report.manifest_digest.as_str()
    );
    let manifest = blob(&layout, &report.manifest_digest);
    assert_eq!(manifest["config"]["mediaType"], mt::OCI_CONFIG);
    assert_eq!(manifest["layers"][0]["mediaType"], mt::OCI_LAYER_GZIP);
    // The blobs are the registry's: the config digest (the image ID) and layers stay.
    assert_eq!(
        manifest["config"]["digest"],
        stored_json["config"]["digest"]
    );
    assert_eq!(
        manifest["layers"][0]["digest"],
        stored_json["layers"][0]["digest"]
    );

    // skopeo reads it and finds our digest.
    let inspect: serde_json::Value = serde_json::from_str(&skopeo(&[
        "inspect",
        &format!("oci:{}:1", layout.display()),
    ]))
    .unwrap();
    assert_eq!(inspect["Digest"], report.manifest_digest.as_str());
    // umoci unpacks it: the file buildah put in is there, byte for byte.
    let bundle = dir.path().join("bundle");
    umoci(&[
        "unpack",
        "--rootless",
        "--image",
        &format!("{}:1", layout.display()),
        bundle.to_str().unwrap(),
    ]);
    assert_eq!(
        std::fs::read_to_string(bundle.join("rootfs/hello.txt")).unwrap(),
        "hello from buildah\n"
    );

    // Our own reader takes the converted layout, and pushing it gives its digest back.
    let again = push(&c, &layout, "made/converted", &["1"], dir.path()).await;
    assert_eq!(again.manifest_digest, report.manifest_digest);

    // preserve_digests: the registry's bytes exactly, which neither umoci nor skopeo reads.
    let exact = dir.path().join("exact");
    let preserved = pull(&c, "made/app", "1", &exact, true).await;
    assert_eq!(preserved.manifest_digest, pushed.manifest_digest);
    assert_eq!(preserved.registry_digest, None);
    let bytes = std::fs::read(
        exact
            .join("blobs/sha256")
            .join(pushed.manifest_digest.trim_start_matches("sha256:")),
    )
    .unwrap();
    assert_eq!(bytes, stored.bytes);
    let refused = umoci_result(&[
        "unpack",
        "--rootless",
        "--image",
        &format!("{}:1", exact.display()),
        dir.path().join("bundle2").to_str().unwrap(),
    ])
    .unwrap_err();
    assert!(refused.contains(mt::DOCKER_MANIFEST), "{refused}");
    // skopeo 1.9 looks only for OCI-typed entries, so it does not find the image at all.
    let unseen = skopeo_result(&["inspect", &format!("oci:{}:1", exact.display())]).unwrap_err();
    assert!(unseen.contains("no descriptor found"), "{unseen}");
}

#[tokio::test]
async fn an_oci_typed_image_is_exported_as_the_registry_has_it() {
    let registry = Registry::start();
    let c = client(&registry);
    let dir = tempfile::tempdir().unwrap();
    let archives = buildah_archives(dir.path(), "made/oci:1", "an OCI image\n");
    let pushed = push(&c, &archives.oci, "made/oci", &["1"], dir.path()).await;
    assert_eq!(
        c.get_manifest("made/oci", "1").await.unwrap().media_type,
        mt::OCI_MANIFEST
    );
    let layout = dir.path().join("layout");
    let report = pull(&c, "made/oci", "1", &layout, false).await;
    assert_eq!(report.manifest_digest, pushed.manifest_digest);
    assert_eq!(report.registry_digest, None);
    let listed = umoci(&["ls", "--layout", layout.to_str().unwrap()]);
    assert_eq!(listed.trim(), "1");
}

/// A Docker manifest list of two Docker-typed images, put by hand as `docker manifest push`
/// would: its layout is an OCI index naming the converted children.
#[tokio::test]
async fn a_docker_manifest_list_becomes_an_oci_index_of_converted_images() {
    let registry = Registry::start();
    let c = client(&registry);
    let dir = tempfile::tempdir().unwrap();
    let archives = buildah_archives(dir.path(), "made/list:1", "one of two\n");
    let child = push(&c, &archives.docker, "made/list", &[], dir.path()).await;
    let child_bytes = c
        .get_manifest("made/list", &child.manifest_digest)
        .await
        .unwrap()
        .bytes;
    let entry = |arch: &str, variant: Option<&str>| {
        let mut platform = serde_json::json!({ "os": "linux", "architecture": arch });
        if let Some(v) = variant {
            platform["variant"] = v.into();
        }
        serde_json::json!({
            "mediaType": mt::DOCKER_MANIFEST,
            "digest": child.manifest_digest,
            "size": child_bytes.len(),
            "platform": platform,
        })
    };
    let list = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": mt::DOCKER_MANIFEST_LIST,
        "manifests": [entry("amd64", None), entry("arm", Some("v7"))],
    }))
    .unwrap();
    let list = RawManifest {
        media_type: mt::DOCKER_MANIFEST_LIST.into(),
        digest: lading_oci::Digest::sha256_of(&list),
        bytes: list.into(),
    };
    c.put_manifest("made/list", "multi", &list).await.unwrap();

    let layout = dir.path().join("layout");
    let report = pull(&c, "made/list", "multi", &layout, false).await;
    assert_eq!(
        report.registry_digest.as_deref(),
        Some(list.digest.as_str())
    );
    assert_eq!(report.platforms, ["linux/amd64", "linux/arm/v7"]);
    let index = blob(&layout, &report.manifest_digest);
    assert_eq!(index["mediaType"], mt::OCI_INDEX);
    for (i, entry) in index["manifests"].as_array().unwrap().iter().enumerate() {
        assert_eq!(entry["mediaType"], mt::OCI_MANIFEST, "entry {i}");
        let named = entry["digest"].as_str().unwrap();
        assert_ne!(named, child.manifest_digest, "entry {i}");
        // Each entry names a blob that is there, of the size it says, OCI-typed.
        let path = layout
            .join("blobs/sha256")
            .join(named.trim_start_matches("sha256:"));
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            entry["size"].as_u64().unwrap()
        );
        assert_eq!(blob(&layout, named)["mediaType"], mt::OCI_MANIFEST);
    }
    assert_eq!(index["manifests"][1]["platform"]["variant"], "v7");
    // skopeo copies every image of our index out of the layout, checking each blob.
    let copied = dir.path().join("copied");
    skopeo(&[
        "copy",
        "--quiet",
        "--all",
        &format!("oci:{}:multi", layout.display()),
        &format!("dir:{}", copied.display()),
    ]);
    let raw = std::fs::read(copied.join("manifest.json")).unwrap();
    assert_eq!(
        lading_oci::Digest::sha256_of(&raw).as_str(),
        report.manifest_digest
    );
}
