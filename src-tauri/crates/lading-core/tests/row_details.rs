//! What a row shows beyond its manifest, on the real registry: an image's created time from its
//! config (an image buildah built, cross-checked with skopeo), an index's size per platform, and
//! on a registry that meters pulls no manifest read for it.

mod common;

use lading_config::ConfigStore;
use lading_core::view::{ImageRow, RowDetailRequest};
use lading_core::{listing, row_details, AppState};
use lading_oci::{ClientOptions, RegistryClient};
use lading_testkit::tools::buildah_archives;
use lading_testkit::{images, skopeo, Registry};

/// `app:built` (buildah, from scratch) and `app:multi` (an OCI index, linux/amd64 and arm64).
fn seed(registry: &Registry, dir: &std::path::Path) {
    let built = buildah_archives(dir, "localhost/built:1", "built by buildah\n");
    skopeo(&[
        "copy",
        "--quiet",
        "--dest-tls-verify=false",
        &format!("oci-archive:{}:1", built.oci.display()),
        &format!("docker://{}/app:built", registry.host()),
    ]);
    let multi = dir.join("multi");
    images::write_multi_platform_layout(&multi, "multi", &[("linux", "amd64"), ("linux", "arm64")]);
    skopeo(&[
        "copy",
        "--quiet",
        "--all",
        "--dest-tls-verify=false",
        &format!("oci:{}:multi", multi.display()),
        &format!("docker://{}/app:multi", registry.host()),
    ]);
}

fn inspect(registry: &Registry, reference: &str, format: &str) -> String {
    skopeo(&[
        "inspect",
        "--tls-verify=false",
        "--format",
        format,
        &format!("docker://{}/app:{reference}", registry.host()),
    ])
    .trim()
    .to_owned()
}

fn request(row: &ImageRow) -> RowDetailRequest {
    RowDetailRequest {
        digest: row.digest.clone(),
        config: row.config.clone(),
    }
}

async fn rows_of(app: &AppState, id: &str) -> (ImageRow, ImageRow) {
    let rows = listing::images(app, id, "app").await.unwrap();
    let find = |tag: &str| {
        rows.iter()
            .find(|r| r.tags == [tag])
            .unwrap_or_else(|| panic!("{tag} listed: {rows:?}"))
            .clone()
    };
    (find("built"), find("multi"))
}

#[tokio::test]
async fn created_from_the_config_and_sizes_per_platform() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    seed(&registry, dir.path());
    let app = AppState::new(ConfigStore::load(&dir.path().join("config")).unwrap(), None);
    let id = common::add_anonymous(&app, registry.host()).await;
    let (built, multi) = rows_of(&app, &id).await;

    // The row carries the config digest (docker's image ID), as the manifest skopeo reads says.
    assert_eq!(built.digest, inspect(&registry, "built", "{{.Digest}}"));
    let raw: serde_json::Value = serde_json::from_str(&skopeo(&[
        "inspect",
        "--tls-verify=false",
        "--raw",
        &format!("docker://{}/app:built", registry.host()),
    ]))
    .unwrap();
    assert_eq!(built.config.as_deref(), raw["config"]["digest"].as_str());
    assert_eq!(multi.config, None, "an index has no config of its own");

    let details = row_details::row_details(&app, &id, "app", &[request(&built), request(&multi)])
        .await
        .unwrap();
    assert_eq!(details.len(), 2);
    assert_eq!(details[0].digest, built.digest);
    let created: i64 = inspect(&registry, "built", "{{.Created.Unix}}")
        .parse()
        .unwrap();
    assert_eq!(
        details[0].created,
        Some(created),
        "as skopeo reads the config"
    );
    assert!(details[0].platform_sizes.is_empty());

    // Each platform's size is its config and layers, as its manifest says.
    let platforms: Vec<(String, Option<u64>)> = details[1]
        .platform_sizes
        .iter()
        .map(|p| (p.platform.clone(), p.size))
        .collect();
    let size_of = |arch: &str| -> u64 {
        let manifest: serde_json::Value = serde_json::from_str(&skopeo(&[
            "inspect",
            "--tls-verify=false",
            "--raw",
            "--override-arch",
            arch,
            &format!("docker://{}/app:multi", registry.host()),
        ]))
        .unwrap();
        let index = manifest["manifests"].as_array().expect("the index");
        let child = index
            .iter()
            .find(|m| m["platform"]["architecture"] == arch)
            .unwrap();
        let child: serde_json::Value = serde_json::from_str(&skopeo(&[
            "inspect",
            "--tls-verify=false",
            "--raw",
            &format!(
                "docker://{}/app@{}",
                registry.host(),
                child["digest"].as_str().unwrap()
            ),
        ]))
        .unwrap();
        child["config"]["size"].as_u64().unwrap()
            + child["layers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["size"].as_u64().unwrap())
                .sum::<u64>()
    };
    assert_eq!(
        platforms,
        [
            ("linux/amd64".to_owned(), Some(size_of("amd64"))),
            ("linux/arm64".to_owned(), Some(size_of("arm64")))
        ]
    );
    assert_ne!(
        platforms[0].1, platforms[1].1,
        "the platforms differ in size"
    );
    assert_eq!(details[1].created, None, "its configs record no time");

    // Asked again: kept, nothing read.
    let before = registry.requests_seen().len();
    let again = row_details::row_details(&app, &id, "app", &[request(&built), request(&multi)])
        .await
        .unwrap();
    assert_eq!(again, details);
    assert_eq!(registry.requests_seen().len(), before);

    // A row that is not there: no details, no failure; too many rows at once: refused.
    let gone = RowDetailRequest {
        digest: format!("sha256:{}", "0".repeat(64)),
        config: Some(format!("sha256:{}", "1".repeat(64))),
    };
    let none = row_details::row_details(&app, &id, "app", std::slice::from_ref(&gone))
        .await
        .unwrap();
    assert_eq!((none[0].created, none[0].platform_sizes.len()), (None, 0));
    let flood = vec![gone; row_details::MAX_ROWS_PER_ASK + 1];
    let refused = row_details::row_details(&app, &id, "app", &flood)
        .await
        .unwrap_err();
    assert_eq!(refused.code, "invalid_input");
}

#[tokio::test]
async fn a_metered_registry_reads_no_manifest_for_a_row() {
    let registry = Registry::start_metered();
    let dir = tempfile::tempdir().unwrap();
    seed(&registry, dir.path());
    let app = AppState::new(ConfigStore::load(&dir.path().join("config")).unwrap(), None);
    let id = common::add_anonymous(&app, registry.host()).await;
    // The rows as a listing gives them (read here without the app, which would pause).
    let client = RegistryClient::new(&registry.host(), ClientOptions::default()).unwrap();
    let mut asked = Vec::new();
    for tag in ["built", "multi"] {
        let manifest = client.get_manifest("app", tag).await.unwrap();
        let value: serde_json::Value = serde_json::from_slice(&manifest.bytes).unwrap();
        asked.push(RowDetailRequest {
            digest: manifest.digest.to_string(),
            config: value["config"]["digest"].as_str().map(str::to_owned),
        });
    }
    // The listing comes first in the window: its answers carry the registry's limit.
    listing::tags(&app, &id, "app").await.unwrap();
    let before = registry.requests_seen().len();
    let details = row_details::row_details(&app, &id, "app", &asked)
        .await
        .unwrap();
    let asked: Vec<(String, String)> = registry.requests_seen()[before..].to_vec();
    assert!(
        asked.iter().all(|(_, path)| !path.contains("/manifests/")),
        "a manifest read counts as a pull: {asked:?}"
    );
    assert!(
        asked
            .iter()
            .any(|(method, path)| method == "GET" && path.contains("/blobs/")),
        "the config is read (blobs are not counted): {asked:?}"
    );
    assert!(details[0].created.is_some());
    assert!(
        details[1].platform_sizes.is_empty(),
        "an index's images wait until it is opened"
    );
}
