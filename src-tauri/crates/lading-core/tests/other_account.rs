//! An ECR registry of another account (a shared "tools" account the profile may read), against
//! moto: the entry names the registry ID, every repository call passes it, and an ID that is not
//! an account ID is refused before anything is stored.

mod common;

use lading_config::ConfigStore;
use lading_core::view::AddEcrRegistry;
use lading_core::{listing, registries, AppState, Code};
use lading_testkit::Moto;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_names_the_other_registry() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    common::use_moto_profile(dir.path(), &moto);
    let app = AppState::new(ConfigStore::load(&dir.path().join("config")).unwrap(), None);
    let ecr = common::moto_client("us-east-1").await;
    // moto has one account; its registry stands for the shared one here.
    let shared = ecr.registry().await.unwrap().account;
    ecr.create_repository("tools/builder").await.unwrap();

    let bad = registries::add_ecr(
        &app,
        AddEcrRegistry {
            profile: Some("dev".into()),
            region: "us-east-1".into(),
            registry_id: Some("1111-2222".into()),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(bad.code, Code::InvalidInput);
    assert_eq!(
        bad.message,
        "registry ID \"1111-2222\" is not an AWS account ID (12 digits)"
    );
    assert!(registries::list(&app).await.unwrap().registries.is_empty());

    moto.start_recording();
    let added = registries::add_ecr(
        &app,
        AddEcrRegistry {
            profile: Some("dev".into()),
            region: "us-east-1".into(),
            registry_id: Some(format!(" {shared} ")),
        },
    )
    .await
    .unwrap();
    assert_eq!(added.id, format!("ecr:dev@us-east-1/{shared}"));
    assert_eq!(added.name, format!("{shared} · us-east-1 (via dev)"));
    assert_eq!(added.account.as_deref(), Some(shared.as_str()));
    let repos = listing::repositories(&app, &added.id).await.unwrap();
    assert_eq!(
        repos.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["tools/builder"]
    );
    listing::images(&app, &added.id, "tools/builder")
        .await
        .unwrap();
    let calls = moto.recorded_requests();
    let repository_calls: Vec<_> = calls
        .iter()
        .filter(|(op, _)| op == "DescribeRepositories" || op == "DescribeImages")
        .collect();
    assert!(repository_calls.len() >= 3, "{calls:?}");
    for (op, body) in repository_calls {
        assert_eq!(body["registryId"], shared.as_str(), "{op}: {body}");
    }
    // The profile's own registry stays a separate entry.
    let own = registries::add_ecr(
        &app,
        AddEcrRegistry {
            profile: Some("dev".into()),
            region: "us-east-1".into(),
            registry_id: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(own.id, "ecr:dev@us-east-1");
    assert_eq!(registries::list(&app).await.unwrap().registries.len(), 2);
}
