//! HTTPS registries: the system roots by default, a registry's own CA on request.

use lading_oci::{ClientOptions, RegistryClient};
use lading_testkit::Registry;

#[tokio::test]
async fn a_registry_with_its_own_ca_is_trusted_only_when_given_that_ca() {
    let registry = Registry::start_tls();
    let address = format!("https://{}", registry.host());

    let untrusted = RegistryClient::new(&address, ClientOptions::default()).unwrap();
    let err = untrusted.ping().await.unwrap_err();
    assert_eq!(err.code(), "certificate", "{err}");
    assert!(
        err.to_string()
            .contains("an authority this computer does not trust"),
        "{err}"
    );

    let trusted = RegistryClient::new(
        &address,
        ClientOptions {
            ca_pem: Some(registry.ca_pem().unwrap().to_owned()),
            ..Default::default()
        },
    )
    .unwrap();
    trusted.ping().await.unwrap();
    assert!(trusted.catalog().await.unwrap().is_empty());

    let garbage = RegistryClient::new(
        &address,
        ClientOptions {
            ca_pem: Some("not a certificate".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(garbage.code(), "invalid_registry", "{garbage}");
}
