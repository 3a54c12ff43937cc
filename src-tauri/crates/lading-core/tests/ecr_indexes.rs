//! An index in ECR (moto): its row gets its platforms and children from the index manifest
//! (BatchGetImage), since DescribeImages says neither.

mod common;

use lading_config::ConfigStore;
use lading_core::{listing, AppState};
use lading_testkit::Moto;

fn image_manifest(n: u32) -> String {
    let hex = |c: u32| format!("{c:064x}");
    serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 100 + n, "digest": format!("sha256:{}", hex(n))},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "size": 1000 * n, "digest": format!("sha256:{}", hex(1000 + n))}]
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_index_row_lists_its_platforms_and_children() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    common::use_moto_profile(dir.path(), &moto);
    let app = AppState::new(ConfigStore::load(&dir.path().join("config")).unwrap(), None);
    let id = common::add_moto_ecr(&app, "us-east-1").await;
    let ecr = common::moto_client("us-east-1").await;
    ecr.create_repository("team/multi").await.unwrap();
    let (amd64, arm64) = (image_manifest(1), image_manifest(2));
    let amd64_digest = ecr
        .put_manifest("team/multi", None, &amd64, None)
        .await
        .unwrap();
    let arm64_digest = ecr
        .put_manifest("team/multi", None, &arm64, None)
        .await
        .unwrap();
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": amd64.len(), "digest": amd64_digest, "platform": {"os": "linux", "architecture": "amd64"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": arm64.len(), "digest": arm64_digest, "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}}
        ]
    })
    .to_string();
    let index_digest = ecr
        .put_manifest("team/multi", Some("2.0"), &index, None)
        .await
        .unwrap();

    let rows = listing::images(&app, &id, "team/multi").await.unwrap();
    let index_row = rows.iter().find(|r| r.digest == index_digest).unwrap();
    assert_eq!(index_row.kind, "index");
    assert_eq!(index_row.tags, ["2.0"]);
    assert_eq!(index_row.platforms, ["linux/amd64", "linux/arm64/v8"]);
    assert_eq!(
        index_row.children,
        [amd64_digest.clone(), arm64_digest.clone()]
    );
    assert_eq!(index_row.child_labels, ["linux/amd64", "linux/arm64/v8"]);
    // The children are listed too (DescribeImages lists every manifest), untagged.
    for child in [&amd64_digest, &arm64_digest] {
        assert!(
            rows.iter().any(|r| &r.digest == child && r.tags.is_empty()),
            "{child}"
        );
    }
}
