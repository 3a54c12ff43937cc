//! Archive and restore on moto's ECR. moto has no archive storage class (it ignores the
//! `imageStatus` filter and has no UpdateImageStorageClass; those calls are replay-tested in
//! lading-ecr): what is tested here is the app's side — the native question names the images and
//! ECR's minimum archive duration, "no" sends nothing, and what ECR refuses is reported per image.

mod common;

use lading_core::{archive, listing, Code};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archiving_asks_first_and_reports_each_image() {
    let common::MotoApp {
        moto,
        app,
        answers,
        id,
        dir: _dir,
    } = common::moto_app("us-east-1").await;
    let ecr = common::moto_client("us-east-1").await;
    ecr.create_repository("team/cold").await.unwrap();
    let one = ecr
        .put_manifest("team/cold", Some("1.0"), &common::docker_manifest(1), None)
        .await
        .unwrap();
    let two = ecr
        .put_manifest("team/cold", Some("2.0"), &common::docker_manifest(2), None)
        .await
        .unwrap();
    // The window's listing is what names the images in the question.
    listing::images(&app, &id, "team/cold").await.unwrap();

    // Nothing archived: moto reports every image active.
    assert!(archive::archived_images(&app, &id, "team/cold")
        .await
        .unwrap()
        .is_empty());

    // Bad input is refused before anything is asked.
    let bad = archive::set_storage_class(&app, &id, "team/cold", &["1.0".into()], true)
        .await
        .unwrap_err();
    assert_eq!(bad.code, Code::InvalidReference);
    assert!(answers.asked().is_empty());

    // "No": nothing is sent.
    moto.start_recording();
    let digests = vec![one.clone(), two.clone()];
    let declined = archive::set_storage_class(&app, &id, "team/cold", &digests, true)
        .await
        .unwrap_err();
    assert_eq!(declined.code, Code::Declined);
    let asked = answers.asked();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].title, "Archive 2 images in team/cold?");
    assert_eq!(asked[0].yes, "Archive 2 images");
    for part in [
        format!("{} — 1.0", &one[..19]),
        format!("{} — 2.0", &two[..19]),
        "cannot be pulled until it is restored".into(),
        "at least 90 days".into(),
    ] {
        assert!(
            asked[0].detail.contains(&part),
            "{part} in {}",
            asked[0].detail
        );
    }
    assert!(
        !moto
            .recorded_operations()
            .iter()
            .any(|op| op == "UpdateImageStorageClass"),
        "{:?}",
        moto.recorded_operations()
    );

    // "Yes": each image is asked for; moto refuses each, and each refusal is reported.
    answers.next(true);
    let result = archive::set_storage_class(&app, &id, "team/cold", &digests, false)
        .await
        .unwrap();
    assert_eq!(answers.asked()[0].title, "Restore 2 images in team/cold?");
    assert!(result.changed.is_empty());
    assert_eq!(
        result
            .failures
            .iter()
            .map(|f| f.reference.as_str())
            .collect::<Vec<_>>(),
        [one.as_str(), two.as_str()]
    );
    // moto answers HTTP 500 with an empty body: said as such, not as a blank "ECR error".
    assert!(
        result
            .failures
            .iter()
            .all(|f| f.reason == "ECR error HTTP 500: the answer gave no reason"),
        "{:?}",
        result.failures
    );
    // Each image was asked for (moto's refusal is retried by the SDK as a server error).
    let asked_for: Vec<String> = moto
        .recorded_requests()
        .iter()
        .filter(|(operation, _)| operation == "UpdateImageStorageClass")
        .map(|(_, body)| {
            body["imageId"]["imageDigest"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert!(
        asked_for.contains(&one) && asked_for.contains(&two),
        "{asked_for:?}"
    );

    // Not on an OCI registry.
    let registry = lading_testkit::Registry::start();
    let oci = common::add_anonymous(&app, registry.host()).await;
    let not_ecr = archive::archived_images(&app, &oci, "team/cold")
        .await
        .unwrap_err();
    assert!(
        not_ecr
            .message
            .contains("archive storage class is an ECR feature"),
        "{}",
        not_ecr.message
    );
}
