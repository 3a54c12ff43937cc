//! Repository settings parity on moto's ECR: a repository created with every setting ECR takes
//! (exclusion filters, scan on push, KMS encryption, resource tags), a bad request refused whole
//! before any call, and a repository's resource tags edited and read back.

mod common;

use lading_config::ConfigStore;
use lading_core::view::{NewRepositoryRequest, ResourceTag};
use lading_core::{listing, repo_tags, settings, AppState, Code};
use lading_testkit::Moto;

fn tag(key: &str, value: &str) -> ResourceTag {
    ResourceTag {
        key: key.into(),
        value: value.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_with_every_setting_then_edit_the_resource_tags() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    common::use_moto_profile(dir.path(), &moto);
    let app = AppState::new(ConfigStore::load(&dir.path().join("config")).unwrap(), None);
    let id = common::add_moto_ecr(&app, "us-east-1").await;
    let key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let request = NewRepositoryRequest {
        name: "team/api".into(),
        mutability: "IMMUTABLE_WITH_EXCLUSION".into(),
        exclusions: vec!["latest".into(), "dev-*".into()],
        scan_on_push: true,
        encryption: "KMS".into(),
        kms_key: Some(key.into()),
        tags: vec![tag("team", "api"), tag("cost-centre", "42")],
    };

    // Every problem at once, and nothing created.
    moto.start_recording();
    let bad = settings::create_repository(
        &app,
        &id,
        NewRepositoryRequest {
            name: "Team/API".into(),
            exclusions: vec!["a/b".into()],
            kms_key: Some("my-key".into()),
            tags: vec![tag("aws:owner", "me"), tag("team", "a;b")],
            ..request.clone()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(bad.code, Code::InvalidInput);
    for part in [
        "Team/API",
        "exclusion filter \"a/b\"",
        "KMS key \"my-key\"",
        "aws: are reserved",
        "the value of tag \"team\"",
    ] {
        assert!(bad.message.contains(part), "{part} in {}", bad.message);
    }
    assert!(
        !moto
            .recorded_operations()
            .iter()
            .any(|op| op == "CreateRepository"),
        "{:?}",
        moto.recorded_operations()
    );
    assert!(listing::repositories(&app, &id).await.unwrap().is_empty());

    settings::create_repository(&app, &id, request)
        .await
        .unwrap();
    let made = settings::repository_settings(&app, &id, "team/api")
        .await
        .unwrap();
    assert_eq!(made.tag_mutability, "IMMUTABLE_WITH_EXCLUSION");
    assert_eq!(made.mutability_exclusions, ["latest", "dev-*"]);
    assert!(made.scan_on_push);
    assert_eq!(
        (made.encryption.as_str(), made.kms_key.as_deref()),
        ("KMS", Some(key))
    );
    assert_eq!(
        repo_tags::repository_tags(&app, &id, "team/api")
            .await
            .unwrap(),
        [tag("cost-centre", "42"), tag("team", "api")]
    );

    // Edited as a whole: one changed, one added, one removed.
    let edited = repo_tags::set_repository_tags(
        &app,
        &id,
        "team/api",
        vec![tag("team", "platform"), tag("owner", "alice@example.com")],
    )
    .await
    .unwrap();
    assert_eq!(
        edited,
        [tag("owner", "alice@example.com"), tag("team", "platform")]
    );
    let refused = repo_tags::set_repository_tags(
        &app,
        &id,
        "team/api",
        vec![tag("team", "x"), tag("team", "y")],
    )
    .await
    .unwrap_err();
    assert_eq!(refused.message, "tag key \"team\" is given twice");
    assert_eq!(
        repo_tags::repository_tags(&app, &id, "team/api")
            .await
            .unwrap(),
        edited
    );
}
