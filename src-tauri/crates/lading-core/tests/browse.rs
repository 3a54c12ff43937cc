//! Browsing from the app: repositories and tags of a registry in the list.

mod common;

use lading_config::ConfigStore;
use lading_core::{deletes, detail, listing, AppState};
use lading_testkit::{images, skopeo, Registry};

#[tokio::test]
async fn repositories_and_tags_of_a_listed_registry() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    for (repo, tag) in [
        ("team-b/api", "1"),
        ("team-a/web", "2.0"),
        ("team-a/web", "1.9"),
        ("tools", "latest"),
    ] {
        let layout = dir.path().join(format!("{}-{tag}", repo.replace('/', "_")));
        images::write_oci_layout(&layout, tag, &format!("{repo}:{tag}\n"));
        skopeo(&[
            "copy",
            "--quiet",
            "--dest-tls-verify=false",
            &format!("oci:{}:{tag}", layout.display()),
            &format!("docker://{}/{repo}:{tag}", registry.host()),
        ]);
    }
    let (app, answers) = common::Answers::on(
        AppState::new(ConfigStore::load(&dir.path().join("config")).unwrap(), None),
        false,
    );
    let id = common::add_anonymous(&app, registry.host()).await;
    let names: Vec<String> = listing::repositories(&app, &id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, ["team-a/web", "team-b/api", "tools"]);
    assert_eq!(
        listing::tags(&app, &id, "team-a/web").await.unwrap(),
        ["1.9", "2.0"]
    );
    let missing = listing::tags(&app, &id, "nope/nope").await.unwrap_err();
    assert_eq!(missing.code, "not_found");
    assert_eq!(
        listing::repositories(&app, "oci:nowhere")
            .await
            .unwrap_err()
            .code,
        "unknown_registry"
    );

    // Images: "1.9" and "2.0" are different images; "stable" joins 2.0's row; an index shows its
    // platforms.
    skopeo(&[
        "copy",
        "--quiet",
        "--src-tls-verify=false",
        "--dest-tls-verify=false",
        &format!("docker://{}/team-a/web:2.0", registry.host()),
        &format!("docker://{}/team-a/web:stable", registry.host()),
    ]);
    let multi = dir.path().join("multi");
    images::write_multi_platform_layout(&multi, "multi", &[("linux", "amd64"), ("linux", "arm64")]);
    skopeo(&[
        "copy",
        "--quiet",
        "--all",
        "--dest-tls-verify=false",
        &format!("oci:{}:multi", multi.display()),
        &format!("docker://{}/team-a/web:multi", registry.host()),
    ]);
    let rows = listing::images(&app, &id, "team-a/web").await.unwrap();
    let summary: Vec<(Vec<String>, String)> = rows
        .iter()
        .map(|r| (r.tags.clone(), r.kind.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (vec!["1.9".to_owned()], "image".to_owned()),
            (
                vec!["2.0".to_owned(), "stable".to_owned()],
                "image".to_owned()
            ),
            (vec!["multi".to_owned()], "index".to_owned()),
        ]
    );
    let index = &rows[2];
    let stored = skopeo(&[
        "inspect",
        "--raw",
        "--tls-verify=false",
        &format!("docker://{}/team-a/web:multi", registry.host()),
    ]);
    assert_eq!(
        index.digest,
        lading_oci::Digest::sha256_of(stored.as_bytes()).as_str()
    );
    assert_eq!(index.platforms, ["linux/amd64", "linux/arm64"]);
    let image = &rows[0];
    let manifest: serde_json::Value = serde_json::from_str(&skopeo(&[
        "inspect",
        "--raw",
        "--tls-verify=false",
        &format!("docker://{}/team-a/web:1.9", registry.host()),
    ]))
    .unwrap();
    let expected = manifest["config"]["size"].as_u64().unwrap()
        + manifest["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["size"].as_u64().unwrap())
            .sum::<u64>();
    assert_eq!(image.size, Some(expected));

    // Detail: the image's config read out, its layers; an index's platforms.
    let detail = detail::image_detail(&app, &id, "team-a/web", &image.digest)
        .await
        .unwrap();
    assert_eq!(detail.kind, "image");
    assert_eq!(
        (detail.os.as_deref(), detail.architecture.as_deref()),
        (Some("linux"), Some("amd64"))
    );
    assert_eq!(detail.cmd, ["/bin/cat", "/hello.txt"]);
    assert_eq!(detail.layers.len(), 1);
    assert_eq!(
        detail.layers[0].size,
        manifest["layers"][0]["size"].as_u64().unwrap()
    );
    assert_eq!(detail.history.len(), 1);
    assert!(detail.manifest_json.contains("\"layers\""));
    assert!(detail.config_json.unwrap().contains("/hello.txt"));
    let index_detail = detail::image_detail(&app, &id, "team-a/web", &index.digest)
        .await
        .unwrap();
    assert_eq!(index_detail.kind, "index");
    let platforms: Vec<&str> = index_detail
        .platforms
        .iter()
        .map(|p| p.platform.as_str())
        .collect();
    assert_eq!(platforms, ["linux/amd64", "linux/arm64"]);
    let child = detail::image_detail(&app, &id, "team-a/web", &index_detail.platforms[1].digest)
        .await
        .unwrap();
    assert_eq!(child.architecture.as_deref(), Some("arm64"));
    // Each platform's size is its config and layers, as the child's own detail adds them up.
    let child_size =
        child.layers.iter().map(|l| l.size).sum::<u64>() + config_size_in(&child.manifest_json);
    assert_eq!(index_detail.platforms[1].size, Some(child_size));
    assert!(index_detail.platforms.iter().all(|p| p.size.is_some()));

    // The index names its images; deleting 1.9's digest takes that tag away, a bad digest is
    // reported per image.
    assert_eq!(index.children.len(), 2);
    // Through the window's command: a native question naming the image and the tags that go
    // with it (from the listing the window shows); "no" deletes nothing.
    listing::images(&app, &id, "team-a/web").await.unwrap();
    let declined = deletes::delete(
        &app,
        &id,
        "team-a/web",
        std::slice::from_ref(&image.digest),
        false,
    )
    .await
    .unwrap_err();
    assert_eq!(declined.code, "declined");
    let asked = answers.asked();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].title, "Delete 1 image from team-a/web?");
    let short = &image.digest[..7 + 12];
    assert!(
        asked[0].detail.contains(&format!("{short} — 1.9"))
            && asked[0].detail.contains(&registry.host()),
        "{}",
        asked[0].detail
    );
    assert_eq!(asked[0].yes, "Delete 1 image");
    assert_eq!(
        listing::tags(&app, &id, "team-a/web").await.unwrap(),
        ["1.9", "2.0", "multi", "stable"]
    );
    let target = vec![image.digest.clone(), "sha256:nonsense".to_owned()];
    let result = deletes::delete_images(&app, &id, "team-a/web", &target)
        .await
        .unwrap();
    assert_eq!(result.deleted, std::slice::from_ref(&image.digest));
    assert_eq!(result.failures.len(), 1);
    assert_eq!(
        listing::tags(&app, &id, "team-a/web").await.unwrap(),
        ["2.0", "multi", "stable"]
    );
}

/// The config size an image manifest (as shown, pretty JSON) gives.
fn config_size_in(manifest_json: &str) -> u64 {
    serde_json::from_str::<serde_json::Value>(manifest_json).unwrap()["config"]["size"]
        .as_u64()
        .unwrap()
}
