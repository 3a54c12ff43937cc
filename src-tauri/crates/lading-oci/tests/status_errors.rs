//! A registry's refusals in words that say what to check, each produced by the real registry: no
//! credentials, wrong credentials, a repository that does not exist, a tag that does not.

use lading_oci::{ClientOptions, Credentials, OciError, RegistryClient};
use lading_secrets::Secret;
use lading_testkit::{images, skopeo, Registry};

fn client(host: &str, credentials: Option<(&str, &str)>) -> RegistryClient {
    RegistryClient::new(
        host,
        ClientOptions {
            credentials: credentials.map(|(u, p)| Credentials {
                username: u.to_owned(),
                password: Secret::new(p),
            }),
            ..Default::default()
        },
    )
    .unwrap()
}

#[tokio::test]
async fn credentials_missing_or_wrong_say_what_to_check() {
    let registry = Registry::start_with_htpasswd("dev", "s3cret");
    let anonymous = client(&registry.host(), None)
        .tags("team/web")
        .await
        .unwrap_err();
    assert_eq!(anonymous.code(), "auth_required", "{anonymous:?}");
    assert!(
        anonymous
            .to_string()
            .contains("Give a username and a password or access token"),
        "{anonymous}"
    );
    let wrong = client(&registry.host(), Some(("dev", "not-it")))
        .tags("team/web")
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), "unauthorized", "{wrong:?}");
    assert!(
        wrong.to_string().starts_with(&format!(
            "{} rejected the credentials for \"dev\". Check the username and the password or token",
            registry.host()
        )),
        "{wrong}"
    );
}

#[tokio::test]
async fn a_missing_repository_is_told_from_a_missing_tag() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    images::write_oci_layout(dir.path(), "v1", "hello\n");
    skopeo(&[
        "copy",
        "--quiet",
        "--dest-tls-verify=false",
        &format!("oci:{}:v1", dir.path().display()),
        &format!("docker://{}/team/web:v1", registry.host()),
    ]);
    let c = client(&registry.host(), None);

    let no_repository = c.tags("team/wbe").await.unwrap_err();
    assert_eq!(no_repository.code(), "not_found");
    assert!(
        no_repository
            .to_string()
            .contains("There is no repository of that name: check its spelling"),
        "{no_repository}"
    );

    let no_tag = c.get_manifest("team/web", "v2").await.unwrap_err();
    assert!(matches!(no_tag, OciError::NotFound { .. }), "{no_tag:?}");
    assert_eq!(
        no_tag.to_string(),
        format!(
            "manifest team/web:v2 was not found on {}. The repository has no such tag or digest",
            registry.host()
        )
    );
}
