//! The ECR API goes through the proxy the environment names (`HTTP_PROXY`/`HTTPS_PROXY`, with
//! `NO_PROXY` honoured), as the registry client does: a test of its own, since it sets the
//! process's environment.

use lading_ecr::{EcrClient, EcrTarget};
use lading_testkit::{ForwardProxy, Moto};

#[tokio::test]
async fn the_ecr_api_honours_the_proxy_environment() {
    let moto = Moto::start();
    let proxy = ForwardProxy::start();
    std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    std::env::set_var("AWS_CONFIG_FILE", "/dev/null");
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    std::env::set_var("HTTP_PROXY", proxy.url());
    std::env::set_var("HTTPS_PROXY", proxy.url());
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");
    let connect = || async {
        EcrClient::connect(&EcrTarget {
            profile: None,
            region: Some("us-east-1".into()),
            endpoint_url: Some(moto.endpoint_url()),
        })
        .await
        .unwrap()
    };
    connect()
        .await
        .create_repository("via/proxy")
        .await
        .unwrap();
    let seen = proxy.seen();
    assert!(
        seen.iter()
            .any(|line| line == &format!("POST {}/", moto.endpoint_url())),
        "{seen:?}"
    );

    // NO_PROXY names the host: straight to it.
    std::env::set_var("NO_PROXY", "127.0.0.1");
    let before = proxy.seen().len();
    assert_eq!(connect().await.list_repositories().await.unwrap().len(), 1);
    assert_eq!(proxy.seen().len(), before, "{:?}", proxy.seen());
}
