//! What is attached to an image, through the app's services on the real registry: listed for its
//! detail, its cosign tag's row pointing to the image, taken along by a copy (unless asked not
//! to) and written beside it into an OCI layout that skopeo reads.

mod common;

use std::sync::{Arc, Mutex};

use lading_config::ConfigStore;
use lading_core::transfers::Transfers;
use lading_core::view::{CopyRequest, ExportRequest, TransferEvent};
use lading_core::{attached, deletes, listing, AppState};
use lading_testkit::artifacts::{attach, cosign_signature};
use lading_testkit::images::write_oci_layout;
use lading_testkit::{skopeo, Registry};

const SPDX: &str = "application/spdx+json";

fn finished_referrers(events: &Mutex<Vec<TransferEvent>>) -> u32 {
    events
        .lock()
        .unwrap()
        .iter()
        .find_map(|e| match e {
            TransferEvent::Finished { referrers, .. } => Some(*referrers),
            _ => None,
        })
        .expect("a finished event")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attached_manifests_are_listed_copied_and_exported_with_their_image() {
    let registry = Registry::start();
    let host = registry.host();
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("src");
    write_oci_layout(&layout, "1", "an image and its SBOM\n");
    skopeo(&[
        "copy",
        "--quiet",
        "--dest-tls-verify=false",
        &format!("oci:{}:1", layout.display()),
        &format!("docker://{host}/team/app:1"),
    ]);
    let (app, answers) = common::Answers::on(
        AppState::new(ConfigStore::load(&dir.path().join("config")).unwrap(), None),
        true,
    );
    let id = common::add_anonymous(&app, host.clone()).await;
    let rows = listing::images(&app, &id, "team/app").await.unwrap();
    let image = rows[0].clone();
    let raw = skopeo(&[
        "inspect",
        "--raw",
        "--tls-verify=false",
        &format!("docker://{host}/team/app:1"),
    ]);
    let sbom = attach(
        &host,
        "team/app",
        (&image.digest, &image.media_type, raw.len()),
        SPDX,
        br#"{"spdxVersion":"SPDX-2.3"}"#,
    );
    let signature = cosign_signature(&host, "team/app", &image.digest);

    let found = attached::image_referrers(&app, &id, "team/app", &image.digest)
        .await
        .unwrap();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].digest, sbom.digest);
    assert_eq!(found[0].artifact_type.as_deref(), Some(SPDX));
    assert_eq!(found[0].found, "referrers tag schema");
    assert_eq!(found[1].digest, signature);
    assert!(found[1].found.ends_with(".sig"), "{}", found[1].found);
    let bad = attached::image_referrers(&app, &id, "team/app", "1")
        .await
        .unwrap_err();
    assert_eq!(bad.code, "invalid_reference");

    // The listing's rows for the cosign tag and the schema's index name the image.
    let rows = listing::images(&app, &id, "team/app").await.unwrap();
    let sig_row = rows.iter().find(|r| r.digest == signature).unwrap();
    assert_eq!(sig_row.subject.as_deref(), Some(image.digest.as_str()));
    assert_eq!(
        rows.iter().filter(|r| r.subject.is_some()).count(),
        2,
        "{rows:?}"
    );

    // Copy with its referrers, and without.
    let transfers = Transfers::default();
    for (repository, referrers, expected) in [("mirror/app", true, 2), ("bare/app", false, 0)] {
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = events.clone();
        transfers
            .copy(
                &app,
                CopyRequest {
                    registry_id: id.clone(),
                    repository: "team/app".into(),
                    reference: "1".into(),
                    target_registry_id: id.clone(),
                    target_repository: repository.into(),
                    tags: vec!["1".into()],
                    create_repository: false,
                    referrers,
                },
                Arc::new(move |e| sink.lock().unwrap().push(e)),
            )
            .await
            .unwrap();
        assert_eq!(finished_referrers(&events), expected, "{repository}");
        let there = attached::image_referrers(&app, &id, repository, &image.digest)
            .await
            .unwrap();
        assert_eq!(there.len(), expected as usize, "{repository}");
    }

    // Export to an OCI layout: the image named, its referrers beside it, all readable.
    let out = dir.path().join("out");
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    transfers
        .export(
            &app,
            ExportRequest {
                registry_id: id.clone(),
                repository: "team/app".into(),
                reference: "1".into(),
                format: "oci-layout".into(),
                path: out.display().to_string(),
                platform: None,
                preserve_digests: false,
                referrers: true,
            },
            Arc::new(move |e| sink.lock().unwrap().push(e)),
        )
        .await
        .unwrap();
    assert_eq!(finished_referrers(&events), 2);
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("index.json")).unwrap()).unwrap();
    let digests: Vec<&str> = index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["digest"].as_str().unwrap())
        .collect();
    assert_eq!(
        digests,
        [
            image.digest.as_str(),
            sbom.digest.as_str(),
            signature.as_str()
        ]
    );
    let sbom_bytes = std::fs::read(
        out.join("blobs/sha256")
            .join(sbom.digest.trim_start_matches("sha256:")),
    )
    .unwrap();
    assert_eq!(sbom_bytes, sbom.manifest);
    skopeo(&["inspect", &format!("oci:{}:1", out.display())]);

    // Deleting the image with what is attached: the question names both, and after the yes
    // the SBOM, the signature's tag and the schema's index are gone with the image.
    answers.asked();
    let result = deletes::delete(
        &app,
        &id,
        "team/app",
        std::slice::from_ref(&image.digest),
        true,
    )
    .await
    .unwrap();
    assert_eq!(result.deleted.len(), 4, "{result:?}");
    let question = &answers.asked()[0];
    assert!(
        question.detail.contains("And what is attached to them:")
            && question
                .detail
                .contains(&format!("{} — {SPDX}", &sbom.digest[..19]))
            && question.detail.contains("index sha256-"),
        "{}",
        question.detail
    );
    assert!(listing::tags(&app, &id, "team/app")
        .await
        .unwrap()
        .is_empty());
    // Without it, only the image goes: the copy in mirror/app keeps its SBOM.
    let mirrored = listing::images(&app, &id, "mirror/app").await.unwrap();
    let image_there = mirrored.iter().find(|r| r.tags == ["1"]).unwrap();
    deletes::delete(
        &app,
        &id,
        "mirror/app",
        std::slice::from_ref(&image_there.digest),
        false,
    )
    .await
    .unwrap();
    let left = listing::tags(&app, &id, "mirror/app").await.unwrap();
    assert!(left.iter().any(|t| t.ends_with(".sig")), "{left:?}");
}
