//! The ECR control plane against moto's ECR server, through aws-config's endpoint override.

mod common;

use common::{connect, manifest};
use lading_testkit::Moto;

#[tokio::test]
async fn creates_and_lists_repositories_on_the_emulator() {
    let moto = Moto::start();
    let ecr = connect(&moto, "us-east-1").await;

    assert!(ecr.list_repositories().await.unwrap().is_empty());
    let created = ecr.create_repository("team-a/web-app").await.unwrap();
    assert_eq!(created.name, "team-a/web-app");
    assert!(created.uri.ends_with("/team-a/web-app"), "{}", created.uri);
    ecr.create_repository("tools").await.unwrap();

    let mut names: Vec<_> = ecr
        .list_repositories()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    names.sort();
    assert_eq!(names, ["team-a/web-app", "tools"]);

    let again = ecr.create_repository("tools").await.unwrap_err();
    assert_eq!(again.code(), "repository_exists", "{again}");
    let invalid = ecr.create_repository("Bad Name").await.unwrap_err();
    assert_eq!(invalid.code(), "invalid_input");
}

#[tokio::test]
async fn authorization_tokens_become_registry_credentials_for_ecr_hosts() {
    use lading_oci::credentials::CredentialProvider;
    let moto = Moto::start();
    let ecr = connect(&moto, "eu-west-1").await;
    let token = ecr.authorization_token().await.unwrap();
    assert_eq!(token.username, "AWS");
    assert!(!token.password.is_empty());
    assert!(
        token.proxy_endpoint.starts_with("https://"),
        "{}",
        token.proxy_endpoint
    );
    // moto answers a fixed expiresAt (2015-01-01): an expiry already past is replaced by the
    // documented 12 hours, so the token is kept (lading-core's sessions test counts the calls).
    assert!(
        token.expires_at > std::time::SystemTime::now() + std::time::Duration::from_secs(11 * 3600)
    );

    let provider = lading_ecr::EcrCredentialProvider::new(ecr);
    let host = token
        .proxy_endpoint
        .trim_start_matches("https://")
        .to_owned();
    let creds = provider
        .credentials(&host)
        .await
        .unwrap()
        .expect("an ECR host gets credentials");
    assert_eq!(creds.username, "AWS");
    assert!(
        provider
            .credentials("registry.example.com")
            .await
            .unwrap()
            .is_none(),
        "other hosts are not ECR's business"
    );
}

#[tokio::test]
async fn repositories_images_policies_and_lifecycle_on_the_emulator() {
    use lading_ecr::{ImageRef, NewRepository, TagMutability};
    let moto = Moto::start();
    let ecr = connect(&moto, "us-east-1").await;

    // Create with settings; describe shows them back.
    let spec = NewRepository {
        mutability: TagMutability::Immutable,
        scan_on_push: true,
        tags: vec![("team".into(), "a".into())],
        ..NewRepository::named("team-a/web-app")
    };
    let created = ecr.create_repository_with(&spec).await.unwrap();
    assert_eq!(created.tag_mutability, "IMMUTABLE");
    assert!(created.scan_on_push);
    let described = ecr.describe_repository("team-a/web-app").await.unwrap();
    assert_eq!(described.arn, created.arn);
    ecr.set_tag_mutability("team-a/web-app", &TagMutability::Mutable)
        .await
        .unwrap();
    let changed = ecr.describe_repository("team-a/web-app").await.unwrap();
    assert_eq!(changed.tag_mutability, "MUTABLE");
    // Scanning switched on later. (Switching it off sends `{}`, since the SDK omits a false
    // boolean; ECR reads that as off, moto ignores it, so only this direction is checked here.)
    ecr.create_repository("tools").await.unwrap();
    ecr.set_scan_on_push("tools", true).await.unwrap();
    assert!(ecr.describe_repository("tools").await.unwrap().scan_on_push);
    let excluded = TagMutability::ImmutableWithExclusion(vec!["latest".into(), "dev-*".into()]);
    ecr.set_tag_mutability("tools", &excluded).await.unwrap();
    let tools = ecr.describe_repository("tools").await.unwrap();
    assert_eq!(tools.tag_mutability, "IMMUTABLE_WITH_EXCLUSION");
    assert_eq!(tools.mutability_exclusions, ["latest", "dev-*"]);
    let no_filters = ecr
        .set_tag_mutability("tools", &TagMutability::MutableWithExclusion(vec![]))
        .await
        .unwrap_err();
    assert_eq!(no_filters.code(), "invalid_input");
    assert_eq!(
        ecr.list_tags("team-a/web-app").await.unwrap(),
        [("team".to_owned(), "a".to_owned())]
    );
    ecr.tag_repository("team-a/web-app", &[("cost".into(), "42".into())])
        .await
        .unwrap();
    ecr.untag_repository("team-a/web-app", &["team".into()])
        .await
        .unwrap();
    assert_eq!(
        ecr.list_tags("team-a/web-app").await.unwrap(),
        [("cost".to_owned(), "42".to_owned())]
    );
    let missing = ecr.describe_repository("nope").await.unwrap_err();
    assert_eq!(missing.code(), "repository_not_found");

    // Images: put, describe, retag, list untagged, fetch manifests, delete by tag and digest.
    let repo = "team-a/web-app";
    let d1 = ecr
        .put_manifest(repo, Some("v1"), &manifest(1), None)
        .await
        .unwrap();
    let d2 = ecr
        .put_manifest(repo, Some("v2"), &manifest(2), None)
        .await
        .unwrap();
    assert_ne!(d1, d2);
    let retagged = ecr
        .retag(repo, &ImageRef::parse("v1"), "stable")
        .await
        .unwrap();
    assert_eq!(retagged, d1);
    let images = ecr.describe_images(repo).await.unwrap();
    assert_eq!(images.len(), 2);
    let first = images.iter().find(|i| i.digest == d1).unwrap();
    let mut tags = first.tags.clone();
    tags.sort();
    assert_eq!(tags, ["stable", "v1"]);
    assert!(first.pushed_at.is_some());
    let (found, failures) = ecr
        .get_manifests(
            repo,
            &[ImageRef::parse("v2"), ImageRef::parse("no-such-tag")],
        )
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].digest, d2);
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].image.tag.as_deref(), Some("no-such-tag"));

    let untag = ecr
        .delete_images(repo, &[ImageRef::parse("stable")])
        .await
        .unwrap();
    assert_eq!(untag.deleted.len(), 1);
    let refused = ecr.delete_repository(repo, false).await.unwrap_err();
    assert_eq!(refused.code(), "repository_not_empty", "{refused}");
    let deleted = ecr
        .delete_images(repo, &[ImageRef::parse(&d2)])
        .await
        .unwrap();
    assert_eq!(deleted.deleted.len(), 1);
    assert_eq!(ecr.list_images(repo, false).await.unwrap().len(), 1);

    // Repository policy: validated locally, stored, read back, deleted.
    assert_eq!(ecr.get_repository_policy(repo).await.unwrap(), None);
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Pull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}"#;
    ecr.set_repository_policy(repo, policy).await.unwrap();
    let stored: serde_json::Value =
        serde_json::from_str(&ecr.get_repository_policy(repo).await.unwrap().unwrap()).unwrap();
    assert_eq!(
        stored,
        serde_json::from_str::<serde_json::Value>(policy).unwrap()
    );
    let bad = ecr
        .set_repository_policy(
            repo,
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:Nope"}]}"#,
        )
        .await
        .unwrap_err();
    assert_eq!(bad.code(), "invalid_policy");
    ecr.delete_repository_policy(repo).await.unwrap();
    assert_eq!(ecr.get_repository_policy(repo).await.unwrap(), None);

    // Lifecycle policy: the same, with the local validator in front.
    let lifecycle = r#"{"rules":[{"rulePriority":1,"description":"keep 5","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}}]}"#;
    assert_eq!(ecr.get_lifecycle_policy(repo).await.unwrap(), None);
    ecr.put_lifecycle_policy(repo, lifecycle).await.unwrap();
    let stored: serde_json::Value =
        serde_json::from_str(&ecr.get_lifecycle_policy(repo).await.unwrap().unwrap()).unwrap();
    assert_eq!(stored["rules"][0]["selection"]["countNumber"], 5);
    let invalid = ecr
        .put_lifecycle_policy(repo, r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countNumber":3},"action":{"type":"expire"}}]}"#)
        .await
        .unwrap_err();
    assert!(invalid.to_string().contains("countUnit"), "{invalid}");
    ecr.delete_lifecycle_policy(repo).await.unwrap();

    // Forced deletion takes the remaining image with it.
    ecr.delete_repository(repo, true).await.unwrap();
    ecr.delete_repository("tools", false).await.unwrap();
    assert!(ecr.list_repositories().await.unwrap().is_empty());
}

#[tokio::test]
async fn push_through_the_ecr_api_then_describe_images_shows_it() {
    use std::sync::Arc;

    use lading_oci::cache::BlobCache;
    use lading_oci::push::{push_image_to, BlobOutcome, PushOptions};
    use lading_oci::source::Source;
    use lading_testkit::images::{
        layer_tar, noise, write_docker_archive, DockerArchiveImage, TestFile,
    };

    let moto = Moto::start();
    let ecr = connect(&moto, "us-east-1").await;
    let repo = ecr.create_repository("api/push").await.unwrap();
    let host = repo.uri.split('/').next().unwrap().to_owned();

    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("app.tar");
    // 12 MiB of noise: more than moto's 10 MiB part size, so the layer goes up in two parts.
    let layers = vec![
        layer_tar(&[TestFile {
            path: "big.bin",
            content: &noise(12 << 20, 5),
        }]),
        layer_tar(&[TestFile {
            path: "small.txt",
            content: b"hello ecr\n",
        }]),
    ];
    write_docker_archive(
        &archive,
        &[DockerArchiveImage {
            repo_tags: vec![],
            layers,
            architecture: "amd64".into(),
        }],
    );
    let source = Source::open(&archive, dir.path()).unwrap();

    let sink = lading_ecr::EcrApiSink::new(&ecr, &host, "api/push");
    let options = PushOptions {
        cache: Arc::new(BlobCache::in_memory()),
        ..Default::default()
    };
    let report = push_image_to(&sink, &["v1".into()], &source.images[0], &options)
        .await
        .unwrap();
    assert!(report
        .blobs
        .iter()
        .all(|b| b.outcome == BlobOutcome::Uploaded));

    let images = ecr.describe_images("api/push").await.unwrap();
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].tags, ["v1"]);
    // moto invents image digests (a hash of the layer digests); ECR hashes the manifest. What moto
    // does check for real: each layer's digest against the uploaded parts (CompleteLayerUpload),
    // and it stores our manifest bytes, whose sha256 is our digest (below).
    let layer_bytes: u64 = report.blobs[..2].iter().map(|b| b.size).sum();
    assert!(layer_bytes > 12 << 20);
    // ECR reports the sum of the layer sizes; moto reports the config's size instead. Both come
    // from the manifest we pushed, so check the one moto has.
    let config_size = report.blobs[2].size as i64;
    assert_eq!(images[0].size_bytes, Some(config_size));
    let (manifests, _) = ecr
        .get_manifests("api/push", &[lading_ecr::ImageRef::parse("v1")])
        .await
        .unwrap();
    assert_eq!(
        lading_oci::Digest::sha256_of(manifests[0].manifest.as_bytes()).as_str(),
        report.manifest_digest
    );

    // The same archive again: every layer is found with BatchCheckLayerAvailability.
    let again = push_image_to(&sink, &["v2".into()], &source.images[0], &options)
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
    let mut tags = ecr.describe_images("api/push").await.unwrap()[0]
        .tags
        .clone();
    tags.sort();
    assert_eq!(tags, ["v1", "v2"]);
}
