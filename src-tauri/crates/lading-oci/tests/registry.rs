//! The OCI client against a real CNCF distribution registry, with skopeo as the referee.

use lading_oci::{ClientOptions, Credentials, RegistryClient};
use lading_secrets::Secret;
use lading_testkit::{images, skopeo, Registry};

fn client(
    registry: &str,
    credentials: Option<(&str, &str)>,
    page_size: Option<u32>,
) -> RegistryClient {
    RegistryClient::new(
        registry,
        ClientOptions {
            credentials: credentials.map(|(u, p)| Credentials {
                username: u.to_owned(),
                password: Secret::new(p),
            }),
            page_size,
            ..Default::default()
        },
    )
    .unwrap()
}

/// Puts a one-layer image at `repo:tag` with skopeo, the reference client.
fn skopeo_push(
    registry: &Registry,
    repo: &str,
    tag: &str,
    creds: Option<(&str, &str)>,
) -> images::TestImage {
    let dir = tempfile::tempdir().unwrap();
    let image = images::write_oci_layout(dir.path(), tag, &format!("hello from {repo}:{tag}\n"));
    let src = format!("oci:{}:{tag}", dir.path().display());
    let dest = format!("docker://{}/{repo}:{tag}", registry.host());
    let creds_arg = creds.map(|(u, p)| format!("{u}:{p}"));
    let mut args = vec!["copy", "--quiet", "--dest-tls-verify=false"];
    if let Some(c) = &creds_arg {
        args.extend(["--dest-creds", c.as_str()]);
    }
    args.extend([src.as_str(), dest.as_str()]);
    skopeo(&args);
    image
}

#[tokio::test]
async fn anonymous_registry_lists_every_page_of_repositories_and_tags() {
    let registry = Registry::start();
    let c = client(&registry.host(), None, Some(2));
    c.ping().await.unwrap();
    assert!(c.catalog().await.unwrap().is_empty());

    for repo in ["team-a/web", "team-a/api", "tools/builder"] {
        skopeo_push(&registry, repo, "v1", None);
    }
    for tag in ["v2", "v3", "latest", "edge"] {
        skopeo_push(&registry, "team-a/web", tag, None);
    }

    // Page size 2 forces the client through the registry's Link headers.
    let mut repos = c.catalog().await.unwrap();
    repos.sort();
    assert_eq!(repos, ["team-a/api", "team-a/web", "tools/builder"]);
    let mut tags = c.tags("team-a/web").await.unwrap();
    tags.sort();
    assert_eq!(tags, ["edge", "latest", "v1", "v2", "v3"]);

    let missing = c.tags("no/such-repo").await.unwrap_err();
    assert_eq!(missing.code(), "not_found", "{missing}");
}

#[tokio::test]
async fn htpasswd_registry_requires_the_right_credentials() {
    let registry = Registry::start_with_htpasswd("alice", "correct horse");
    skopeo_push(
        &registry,
        "private/app",
        "1.0",
        Some(("alice", "correct horse")),
    );

    let anonymous = client(&registry.host(), None, None)
        .ping()
        .await
        .unwrap_err();
    assert_eq!(anonymous.code(), "auth_required", "{anonymous}");

    let wrong = client(
        &registry.host(),
        Some(("alice", "wrong-password-xyz")),
        None,
    );
    let err = wrong.ping().await.unwrap_err();
    assert_eq!(err.code(), "unauthorized", "{err}");
    let message = err.to_string();
    assert!(message.contains("alice"), "{message}");
    assert!(
        !message.contains("wrong-password-xyz"),
        "the error must not echo the password: {message}"
    );

    let right = client(&registry.host(), Some(("alice", "correct horse")), None);
    right.ping().await.unwrap();
    assert_eq!(right.catalog().await.unwrap(), ["private/app"]);
    assert_eq!(right.tags("private/app").await.unwrap(), ["1.0"]);
}

#[tokio::test]
async fn a_stopped_registry_is_reported_unreachable() {
    let mut registry = Registry::start();
    let c = client(&registry.host(), None, None);
    c.ping().await.unwrap();
    registry.stop();
    let err = c.ping().await.unwrap_err();
    assert_eq!(err.code(), "unreachable", "{err}");
}

#[tokio::test]
async fn token_registry_answers_the_bearer_challenge_and_caches_the_token() {
    let registry = Registry::start_with_token_auth(
        "bob",
        "s3cret-token-pw",
        std::time::Duration::from_secs(300),
    );
    skopeo_push(
        &registry,
        "team/app",
        "v1",
        Some(("bob", "s3cret-token-pw")),
    );
    let pushes = registry.token_requests();
    assert!(pushes > 0, "skopeo must have fetched a token");

    let anonymous = client(&registry.host(), None, None)
        .tags("team/app")
        .await
        .unwrap_err();
    assert_eq!(anonymous.code(), "auth_required", "{anonymous}");
    let wrong = client(&registry.host(), Some(("bob", "nope")), None)
        .tags("team/app")
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), "unauthorized", "{wrong}");

    let c = client(&registry.host(), Some(("bob", "s3cret-token-pw")), None);
    let before = registry.token_requests();
    assert_eq!(c.tags("team/app").await.unwrap(), ["v1"]);
    assert_eq!(c.tags("team/app").await.unwrap(), ["v1"]);
    assert_eq!(
        registry.token_requests() - before,
        1,
        "the second listing of the same scope must reuse the cached token"
    );
}
