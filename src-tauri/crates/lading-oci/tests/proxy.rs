//! Registry traffic goes through the proxy the environment names (`HTTP_PROXY`/`HTTPS_PROXY`,
//! `NO_PROXY` honoured) — the same rules as the ECR API's. A test of its own: it sets the
//! process's environment.

use lading_oci::{ClientOptions, RegistryClient};
use lading_testkit::{ForwardProxy, Registry};

#[tokio::test]
async fn registry_requests_honour_the_proxy_environment() {
    let registry = Registry::start();
    let proxy = ForwardProxy::start();
    std::env::set_var("HTTP_PROXY", proxy.url());
    std::env::set_var("HTTPS_PROXY", proxy.url());
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");
    RegistryClient::new(&registry.host(), ClientOptions::default())
        .unwrap()
        .ping()
        .await
        .unwrap();
    let seen = proxy.seen();
    assert!(
        seen.iter()
            .any(|line| line.starts_with(&format!("GET http://{}/v2/", registry.host()))),
        "{seen:?}"
    );

    std::env::set_var("NO_PROXY", "127.0.0.1");
    let before = proxy.seen().len();
    RegistryClient::new(&registry.host(), ClientOptions::default())
        .unwrap()
        .ping()
        .await
        .unwrap();
    assert_eq!(proxy.seen().len(), before, "{:?}", proxy.seen());
}
