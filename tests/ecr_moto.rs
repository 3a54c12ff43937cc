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

#[tokio::test]
async fn authorization_tokens_become_registry_credentials_for_ecr_hosts() {
    use lading_oci::credentials::CredentialProvider;
    let moto = Moto::start();
    std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    std::env::set_var("AWS_CONFIG_FILE", "/dev/null");
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    let ecr = EcrClient::connect(&EcrTarget {
        profile: None,
        region: "eu-west-1".to_owned(),
        endpoint_url: Some(moto.endpoint_url()),
    })
    .await
    .unwrap();
    let token = ecr.authorization_token().await.unwrap();
    assert_eq!(token.username, "AWS");
    assert!(!token.password.is_empty());
    assert!(
        token.proxy_endpoint.starts_with("https://"),
        "{}",
        token.proxy_endpoint
    );
    // moto answers a fixed expiresAt (2015-01-01), so the provider below fetches a fresh token
    // on every call instead of caching; the 12-hour caching is not exercised here.

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
