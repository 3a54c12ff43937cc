//! The ECR control plane against moto's ECR server, through aws-config's endpoint override.

use lading_ecr::{EcrClient, EcrTarget};
use lading_testkit::Moto;

#[tokio::test]
async fn creates_and_lists_repositories_on_the_emulator() {
    let moto = Moto::start();
    // Static test credentials: the client must never pick up a developer's real AWS identity.
    std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    std::env::set_var("AWS_CONFIG_FILE", "/dev/null");
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    let ecr = EcrClient::connect(&EcrTarget {
        profile: None,
        region: "us-east-1".to_owned(),
        endpoint_url: Some(moto.endpoint_url()),
    })
    .await
    .unwrap();

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
