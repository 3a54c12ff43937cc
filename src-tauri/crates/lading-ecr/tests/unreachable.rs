//! An ECR API that cannot be reached is said in plain words, the SDK's chain kept as detail.

use lading_ecr::{EcrClient, EcrTarget};

#[tokio::test]
async fn an_endpoint_nobody_listens_on_is_said_so() {
    std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    std::env::set_var("AWS_CONFIG_FILE", "/dev/null");
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    // A port that was free a moment ago: connecting is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let ecr = EcrClient::connect(&EcrTarget {
        profile: None,
        region: Some("us-east-1".into()),
        endpoint_url: Some(format!("http://127.0.0.1:{port}")),
    })
    .await
    .unwrap();
    let err = ecr.list_repositories().await.unwrap_err();
    assert_eq!(err.code(), "unreachable");
    assert!(
        err.to_string()
            .starts_with("cannot reach the ECR API: nothing answers there (connection refused)"),
        "{err}"
    );
    let detail = err.detail().expect("the SDK's words");
    assert!(detail.contains("Connection refused"), "{detail}");
}
