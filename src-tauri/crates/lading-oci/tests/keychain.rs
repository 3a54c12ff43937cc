//! Registry logins in the keychain (the mock store here; the real Secret Service is exercised by
//! the CLI test that runs under dbus-run-session with gnome-keyring).

use std::sync::Arc;

use lading_oci::credentials::KeychainLogins;
use lading_oci::{ClientOptions, Credentials, RegistryClient};
use lading_secrets::Secret;
use lading_testkit::Registry;

#[tokio::test]
async fn a_stored_login_opens_the_registry_and_any_spelling_of_it_forgets_it() {
    keyring_core::set_default_store(keyring_core::mock::Store::new().unwrap());
    let registry = Registry::start_with_htpasswd("kc", "kc-secret");
    let connect = || {
        RegistryClient::new(
            &registry.host(),
            ClientOptions {
                provider: Some(Arc::new(KeychainLogins)),
                ..Default::default()
            },
        )
        .unwrap()
    };
    assert_eq!(connect().ping().await.unwrap_err().code(), "auth_required");
    KeychainLogins
        .store(
            &registry.host(),
            &Credentials {
                username: "kc".into(),
                password: Secret::new("kc-secret"),
            },
        )
        .unwrap();
    connect().ping().await.unwrap();
    // Forgotten under another spelling of the same registry: gone all the same, and said so.
    assert!(KeychainLogins
        .forget(&format!("http://{}/", registry.host()))
        .unwrap());
    assert_eq!(connect().ping().await.unwrap_err().code(), "auth_required");
    assert!(
        !KeychainLogins.forget(&registry.host()).unwrap(),
        "nothing left"
    );

    // (In the same test: the mock store is process-wide.)
    let login = Credentials {
        username: "me".into(),
        password: Secret::new("pw"),
    };
    KeychainLogins
        .store("Registry.Example.com:443", &login)
        .unwrap();
    let found = KeychainLogins
        .lookup("https://registry.example.com/")
        .unwrap()
        .expect("found under the other spelling");
    assert_eq!(found.username, "me");
    assert!(KeychainLogins.forget("REGISTRY.EXAMPLE.COM").unwrap());
    assert!(KeychainLogins
        .lookup("registry.example.com")
        .unwrap()
        .is_none());
}
