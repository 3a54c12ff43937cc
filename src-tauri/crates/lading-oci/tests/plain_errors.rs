//! Failed connections in plain words, each produced for real: a port nobody listens on, a name
//! that cannot resolve, HTTPS asked of the plain-HTTP registry, and a certificate nobody vouches
//! for. The library's own chain stays available as the detail.

use lading_oci::{ClientOptions, OciError, RegistryClient};
use lading_testkit::Registry;

async fn ping(address: &str) -> OciError {
    RegistryClient::new(address, ClientOptions::default())
        .unwrap()
        .ping()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn nothing_listening_is_said_so() {
    // A port that was free a moment ago: connecting is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = ping(&format!("127.0.0.1:{port}")).await;
    assert_eq!(err.code(), "unreachable");
    assert_eq!(
        err.to_string(),
        format!("cannot reach 127.0.0.1:{port}: nothing answers there (connection refused). Is the registry running, and is the port right?")
    );
    let detail = err.detail().expect("the library's words");
    assert!(detail.contains("Connection refused"), "{detail}");
}

#[tokio::test]
async fn a_name_that_does_not_resolve_is_said_so() {
    // .invalid never resolves (RFC 6761).
    let err = ping("registry.invalid").await;
    assert_eq!(err.code(), "unreachable");
    assert!(
        err.to_string()
            .contains("the name registry.invalid cannot be found (DNS)"),
        "{err}"
    );
    assert!(err.detail().is_some_and(|d| d.contains("dns")), "{err:?}");
}

#[tokio::test]
async fn https_to_a_plain_http_registry_suggests_plain_http() {
    let registry = Registry::start();
    let err = ping(&format!("https://{}", registry.host())).await;
    assert_eq!(err.code(), "plain_http", "{err:?}");
    assert!(
        err.to_string()
            .contains("answers in plain HTTP, not HTTPS. If it has no TLS, tick Plain HTTP"),
        "{err}"
    );
    assert!(
        err.detail()
            .is_some_and(|d| d.contains("InvalidContentType")),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_untrusted_certificate_says_what_to_give() {
    let registry = Registry::start_tls();
    let err = ping(&format!("https://{}", registry.host())).await;
    assert_eq!(err.code(), "certificate", "{err:?}");
    assert!(err.to_string().contains("give its CA certificate"), "{err}");
    assert!(
        err.detail().is_some_and(|d| d.contains("UnknownIssuer")),
        "{err:?}"
    );
}
