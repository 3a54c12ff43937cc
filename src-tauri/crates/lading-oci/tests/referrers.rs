//! Referrers: an SBOM attached the way ORAS attaches one to a registry without the referrers API
//! (the artifact's `subject`, and the `sha256-<hex>` index of the tag schema), a cosign-style
//! `.sig` tag, both found and copied to another registry; the referrers API itself from an
//! endpoint that answers as the spec says.

use lading_oci::copy::{copy_image, copy_referrers};
use lading_oci::manifest::media_types as mt;
use lading_oci::pull::PullOptions;
use lading_oci::referrers::{referrers, Found};
use lading_oci::{ClientOptions, Digest, RegistryClient};
use lading_testkit::artifacts::{attach, cosign_signature};
use lading_testkit::images::write_oci_layout;
use lading_testkit::{skopeo, Answer, Hostile, Registry};

const SPDX: &str = "application/spdx+json";

fn client(host: &str) -> RegistryClient {
    RegistryClient::new(host, ClientOptions::default()).unwrap()
}

#[tokio::test]
async fn an_sbom_and_a_signature_are_found_and_copied_along() {
    let (a, b) = (Registry::start(), Registry::start());
    let (ca, cb) = (client(&a.host()), client(&b.host()));
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("layout");
    write_oci_layout(&layout, "1", "an image with an SBOM\n");
    skopeo(&[
        "copy",
        "--quiet",
        "--dest-tls-verify=false",
        &format!("oci:{}:1", layout.display()),
        &format!("docker://{}/team/app:1", a.host()),
    ]);
    let image = ca.get_manifest("team/app", "1").await.unwrap();

    // ORAS on a registry without the referrers API: the artifact, then the schema's index;
    // cosign: a simple-signing payload under the `.sig` tag.
    let subject = (
        image.digest.as_str(),
        image.media_type.as_str(),
        image.bytes.len(),
    );
    let sbom = attach(
        &a.host(),
        "team/app",
        subject,
        SPDX,
        br#"{"spdxVersion":"SPDX-2.3"}"#,
    );
    let signature = cosign_signature(&a.host(), "team/app", image.digest.as_str());
    let schema_tag = format!("sha256-{}", image.digest.hex());
    let sig_tag = format!("{schema_tag}.sig");

    let found = referrers(&ca, "team/app", &image.digest, None)
        .await
        .unwrap();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].digest, sbom.digest);
    assert_eq!(found[0].artifact_type.as_deref(), Some(SPDX));
    assert_eq!(found[0].found, Found::TagSchema);
    assert_eq!(
        found[0].annotations["org.opencontainers.image.created"],
        "2026-12-03T10:00:00Z"
    );
    assert_eq!(found[1].digest, signature);
    assert_eq!(found[1].found, Found::CosignTag(sig_tag.clone()));
    assert_eq!(found[1].artifact_type.as_deref(), Some("cosign signature"));

    // Copy to another registry, referrers along.
    let options = PullOptions {
        jobs: 4,
        ..Default::default()
    };
    copy_image(
        &ca,
        "team/app",
        "1",
        &cb,
        "mirror/app",
        &["1".into()],
        &options,
    )
    .await
    .unwrap();
    let copied = copy_referrers(&ca, "team/app", &image.digest, &cb, "mirror/app", &options)
        .await
        .unwrap();
    assert_eq!(copied.len(), 2);
    let there = referrers(&cb, "mirror/app", &image.digest, None)
        .await
        .unwrap();
    let digests: Vec<&str> = there.iter().map(|r| r.digest.as_str()).collect();
    assert_eq!(digests, [sbom.digest.as_str(), signature.as_str()]);
    assert_eq!(there[0].found, Found::TagSchema);
    assert_eq!(there[0].artifact_type.as_deref(), Some(SPDX));
    // The bytes are the source's, the SBOM's layer too.
    let sbom_there = cb.get_manifest("mirror/app", &sbom.digest).await.unwrap();
    assert_eq!(sbom_there.bytes, sbom.manifest);
    let layer: Digest = sbom.blob_digest.parse().unwrap();
    assert!(cb
        .blob_exists("mirror/app", &layer)
        .await
        .unwrap()
        .is_some());
    // Copying again adds nothing to the schema's index.
    copy_referrers(&ca, "team/app", &image.digest, &cb, "mirror/app", &options)
        .await
        .unwrap();
    let index = cb.get_manifest("mirror/app", &schema_tag).await.unwrap();
    let index: serde_json::Value = serde_json::from_slice(&index.bytes).unwrap();
    assert_eq!(index["manifests"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_referrers_api_is_used_where_the_registry_has_it() {
    let subject = Digest::sha256_of(b"the subject");
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": mt::OCI_INDEX,
        "manifests": [{
            "mediaType": mt::OCI_MANIFEST,
            "digest": Digest::sha256_of(b"a signature").as_str(),
            "size": 321,
            "artifactType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        }],
    })
    .to_string();
    let path = format!("/v2/team/app/referrers/{subject}");
    let server = Hostile::start(move |seen| {
        if seen.target == path {
            Answer::json(200, &index).with("Content-Type", mt::OCI_INDEX)
        } else if seen.target == "/v2/" {
            Answer::json(200, "{}")
        } else {
            Answer::json(404, r#"{"errors":[{"code":"MANIFEST_UNKNOWN"}]}"#)
        }
    });
    let c = client(&server.host());
    let found = referrers(&c, "team/app", &subject, Some(&[]))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].found, Found::Api);
    assert_eq!(
        found[0].artifact_type.as_deref(),
        Some("application/vnd.dev.sigstore.bundle.v0.3+json")
    );
    assert_eq!(found[0].size, 321);
    // The API answered: the tag schema was not asked.
    assert!(!server
        .seen()
        .iter()
        .any(|s| s.target.contains("/manifests/sha256-")));
}
