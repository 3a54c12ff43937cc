//! "Go to" reads every reference form people paste into a registry of the list (or names the one
//! to add), a repository and a tag or digest, contacting nothing.

use lading_config::{ConfigStore, OciAuth, RegistryEntry, RegistryKind};
use lading_core::{locate, AppState};

fn oci(address: &str) -> RegistryKind {
    RegistryKind::Oci {
        address: address.into(),
        auth: OciAuth::Anonymous,
        insecure: false,
        ca_pem: None,
    }
}

#[tokio::test]
async fn pasted_references_find_their_registry_repository_and_tag() {
    let dir = tempfile::tempdir().unwrap();
    let app = AppState::new(ConfigStore::load(dir.path()).unwrap(), None);
    for (name, kind) in [
        ("Docker Hub", oci("registry-1.docker.io")),
        ("GHCR", oci("https://ghcr.io")),
        (
            "work",
            RegistryKind::Ecr {
                profile: Some("work".into()),
                region: "eu-west-1".into(),
                account: Some("123456789012".into()),
                registry_id: None,
            },
        ),
    ] {
        let id = RegistryEntry::id_for(&kind);
        app.config
            .lock()
            .await
            .upsert(
                RegistryEntry {
                    id,
                    name: name.into(),
                    kind,
                },
                false,
            )
            .unwrap();
    }
    let digest = format!("sha256:{}", "a".repeat(64));
    for (pasted, registry_id, repository, tag) in [
        (
            "nginx",
            Some("oci:registry-1.docker.io"),
            "library/nginx",
            Some("latest"),
        ),
        (
            "docker.io/library/nginx:1.27",
            Some("oci:registry-1.docker.io"),
            "library/nginx",
            Some("1.27"),
        ),
        (
            " hub.docker.com/bitnami/redis:7 ",
            Some("oci:registry-1.docker.io"),
            "bitnami/redis",
            Some("7"),
        ),
        (
            "ghcr.io/org/app:v1",
            Some("oci:ghcr.io"),
            "org/app",
            Some("v1"),
        ),
        (
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.4",
            Some("ecr:work@eu-west-1"),
            "team/app",
            Some("1.4"),
        ),
        (
            "registry.gitlab.com/g/p/img:tag",
            None,
            "g/p/img",
            Some("tag"),
        ),
    ] {
        let located = locate::locate(&app, pasted).await.unwrap();
        assert_eq!(located.registry_id.as_deref(), registry_id, "{pasted}");
        assert_eq!(located.repository, repository, "{pasted}");
        assert_eq!(located.tag.as_deref(), tag, "{pasted}");
    }
    let by_digest = locate::locate(&app, &format!("https://ghcr.io/org/app@{digest}"))
        .await
        .unwrap();
    assert_eq!(by_digest.registry_id.as_deref(), Some("oci:ghcr.io"));
    assert_eq!(by_digest.digest.as_deref(), Some(digest.as_str()));
    let other_ecr = locate::locate(&app, "999999999999.dkr.ecr.us-east-1.amazonaws.com/x:1")
        .await
        .unwrap();
    assert_eq!((other_ecr.registry_id, other_ecr.is_ecr), (None, true));
    assert_eq!(
        locate::locate(&app, "registry.gitlab.com/g/p/img:tag")
            .await
            .unwrap()
            .registry,
        "registry.gitlab.com"
    );

    // What is wrong is said.
    for (bad, says) in [
        ("", "empty"),
        ("ghcr.io/org/app:bad tag", "whitespace"),
        ("ghcr.io/Org/App", ""),
        ("ghcr.io/org/app@sha256:short", ""),
    ] {
        let err = locate::locate(&app, bad).await.unwrap_err();
        assert_eq!(err.code, "invalid_reference", "{bad}: {}", err.message);
        assert!(err.message.contains(says), "{bad}: {}", err.message);
    }
}
