//! Credentials from the user's docker login, through a real `docker-credential-*` helper program.

use std::os::unix::fs::PermissionsExt;
use std::sync::Arc;

use lading_oci::credentials::DockerConfig;
use lading_oci::{ClientOptions, RegistryClient};
use lading_testkit::Registry;

/// A credential helper speaking docker's protocol: the server URL on stdin, JSON on stdout.
fn install_helper(bin_dir: &std::path::Path, name: &str, server: &str, user: &str, secret: &str) {
    let script = format!(
        "#!/bin/sh\n[ \"$1\" = get ] || exit 2\nread server\nif [ \"$server\" = '{server}' ]; then\n  printf '{{\"ServerURL\":\"%s\",\"Username\":\"{user}\",\"Secret\":\"{secret}\"}}' \"$server\"\nelse\n  echo 'credentials not found in native keychain'; exit 1\nfi\n"
    );
    let path = bin_dir.join(format!("docker-credential-{name}"));
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[tokio::test]
async fn docker_logins_via_cred_helpers_creds_store_and_auths_open_an_htpasswd_registry() {
    let registry = Registry::start_with_htpasswd("dev", "from-helper");
    let host = registry.host();
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    install_helper(&bin, "lading-test", &host, "dev", "from-helper");
    // Only this test binary's process sees the helper directory.
    std::env::set_var(
        "PATH",
        format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
    );

    let connect = |config: &str| {
        let path = dir.path().join(format!("{}.json", config.len()));
        std::fs::write(&path, config).unwrap();
        RegistryClient::new(
            &host,
            ClientOptions {
                provider: Some(Arc::new(DockerConfig::at(&path))),
                ..Default::default()
            },
        )
        .unwrap()
    };

    // credHelpers names a helper for this host.
    connect(&format!(r#"{{"credHelpers":{{"{host}":"lading-test"}}}}"#))
        .ping()
        .await
        .unwrap();
    // credsStore is the helper for every host.
    connect(r#"{"credsStore":"lading-test"}"#)
        .ping()
        .await
        .unwrap();
    // Inline auths (base64 user:password), as `docker login` writes without a store.
    connect(&format!(
        r#"{{"auths":{{"{host}":{{"auth":"ZGV2OmZyb20taGVscGVy"}}}}}}"#
    ))
    .ping()
    .await
    .unwrap();

    // A store that does not know the host: the registry's demand is reported, not hidden.
    let other = Registry::start_with_htpasswd("dev", "from-helper");
    let stranger = RegistryClient::new(
        &other.host(),
        ClientOptions {
            provider: Some(Arc::new(DockerConfig::at(&dir.path().join("store.json")))),
            ..Default::default()
        },
    )
    .unwrap();
    std::fs::write(
        dir.path().join("store.json"),
        r#"{"credsStore":"lading-test"}"#,
    )
    .unwrap();
    let err = stranger.ping().await.unwrap_err();
    assert_eq!(err.code(), "auth_required", "{err}");

    // A helper that is not installed is named in the error.
    let missing = connect(r#"{"credsStore":"not-installed-anywhere"}"#)
        .ping()
        .await
        .unwrap_err();
    assert!(
        missing
            .to_string()
            .contains("docker-credential-not-installed-anywhere"),
        "{missing}"
    );
}

/// A provider like ECR's: hands out `passwords` in turn (the first one lapsed), says it is
/// lapsing while `lapsing` is set, and counts how often it was asked.
struct Rotating {
    passwords: Vec<&'static str>,
    asked: std::sync::atomic::AtomicUsize,
    lapsing: std::sync::atomic::AtomicBool,
}

impl lading_oci::credentials::CredentialProvider for Rotating {
    fn credentials<'a>(
        &'a self,
        _registry: &'a str,
    ) -> lading_oci::credentials::CredentialFuture<'a> {
        let n = self.asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let password = self.passwords[n.min(self.passwords.len() - 1)];
        Box::pin(async move {
            Ok(Some(lading_oci::Credentials {
                username: "dev".into(),
                password: password.into(),
            }))
        })
    }

    fn lapsing(&self, _registry: &str) -> bool {
        self.lapsing
            .swap(false, std::sync::atomic::Ordering::SeqCst)
    }
}

#[tokio::test]
async fn provider_credentials_are_kept_renewed_once_when_refused_and_asked_again_when_lapsing() {
    let registry = Registry::start_with_htpasswd("dev", "current");
    let provider = Arc::new(Rotating {
        passwords: vec!["lapsed", "current"],
        asked: Default::default(),
        lapsing: Default::default(),
    });
    let client = RegistryClient::new(
        &registry.host(),
        ClientOptions {
            provider: Some(provider.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    let asked = || provider.asked.load(std::sync::atomic::Ordering::SeqCst);

    // The first answer to the challenge is refused: that says nothing yet of what we kept.
    let refused = client.ping().await.unwrap_err();
    assert_eq!(refused.code(), "unauthorized", "{refused}");
    assert_eq!(asked(), 1);
    // Sent and refused: the provider is asked once more, and the request goes through.
    client.ping().await.unwrap();
    assert_eq!(asked(), 2);
    // Kept from then on.
    for _ in 0..5 {
        client.tags("missing/repo").await.unwrap_err();
        client.ping().await.unwrap();
    }
    assert_eq!(asked(), 2, "credentials kept across requests");
    // About to lapse: asked again before the next request, not after a refusal.
    provider
        .lapsing
        .store(true, std::sync::atomic::Ordering::SeqCst);
    client.ping().await.unwrap();
    assert_eq!(asked(), 3);
}
