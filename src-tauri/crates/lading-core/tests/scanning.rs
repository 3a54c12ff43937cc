//! Scanning through the core against moto's ECR: an image never scanned, Scan now, Inspector's
//! enhanced findings (moto's control endpoint sets the exact answer), and the registry's scanning
//! configuration changed only after a native yes, checked before anything is asked.

mod common;

use lading_config::ConfigStore;
use lading_core::view::{ScanningConfigView, ScanningRuleView};
use lading_core::{scanning, AppState, Code};
use lading_testkit::Moto;

fn rule(frequency: &str, filters: &[&str]) -> ScanningRuleView {
    ScanningRuleView {
        frequency: frequency.into(),
        filters: filters.iter().map(|f| (*f).to_owned()).collect(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn findings_scan_now_and_the_scanning_configuration() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    common::use_moto_profile(dir.path(), &moto);
    let (app, answers) = common::Answers::on(
        AppState::new(ConfigStore::load(&dir.path().join("config")).unwrap(), None),
        false,
    );
    let id = common::add_moto_ecr(&app, "us-east-1").await;
    let ecr = common::moto_client("us-east-1").await;
    ecr.create_repository("team/web").await.unwrap();
    let basic = ecr
        .put_manifest("team/web", Some("1.0"), &common::docker_manifest(1), None)
        .await
        .unwrap();
    let enhanced = ecr
        .put_manifest("team/web", Some("2.0"), &common::docker_manifest(2), None)
        .await
        .unwrap();

    let never = scanning::image_scan(&app, &id, "team/web", &basic)
        .await
        .unwrap();
    assert_eq!((never.status, never.findings.len()), (None, 0));
    let scanned = scanning::start_scan(&app, &id, "team/web", &basic)
        .await
        .unwrap();
    assert_eq!(scanned.status.as_deref(), Some("COMPLETE"));
    assert_eq!(scanned.findings[0].package.as_deref(), Some("moto_fake"));
    let twice = scanning::start_scan(&app, &id, "team/web", &basic)
        .await
        .unwrap_err();
    assert!(
        twice.message.contains("one manual scan of an image a day"),
        "{twice:?}"
    );

    moto.set_scan_findings(
        "us-east-1",
        &[serde_json::json!({
            "repositoryName": "team/web",
            "imageId": {"imageDigest": enhanced},
            "imageScanStatus": {"status": "ACTIVE"},
            "imageScanFindings": {
                "findingSeverityCounts": {"HIGH": 1},
                "enhancedFindings": [{
                    "packageVulnerabilityDetails": {
                        "cvss": [{"baseScore": 8.1, "version": "3.1"}],
                        "sourceUrl": "https://nvd.nist.gov/vuln/detail/CVE-2026-1234",
                        "vulnerabilityId": "CVE-2026-1234",
                        "vulnerablePackages": [{"name": "zlib", "version": "1.2.13", "fixedInVersion": "1.3.1"}]
                    },
                    "severity": "HIGH", "status": "ACTIVE", "title": "CVE-2026-1234 - zlib"
                }]
            }
        })],
    );
    ecr.start_image_scan("team/web", &lading_ecr::ImageRef::parse(&enhanced))
        .await
        .unwrap();
    let inspector = scanning::image_scan(&app, &id, "team/web", &enhanced)
        .await
        .unwrap();
    assert!(inspector.enhanced);
    let finding = &inspector.findings[0];
    assert_eq!(
        (
            finding.id.as_str(),
            finding.score,
            finding.fixed_in.as_deref()
        ),
        ("CVE-2026-1234", Some(8.1), Some("1.3.1"))
    );

    // The registry's scanning: shown, changed after a yes (the question names the billing), a "no"
    // changes nothing, a configuration ECR would refuse is never asked about.
    let before = scanning::scanning_configuration(&app, &id).await.unwrap();
    assert_eq!(before.scan_type, "BASIC");
    let wanted = ScanningConfigView {
        scan_type: "ENHANCED".into(),
        rules: vec![rule("CONTINUOUS_SCAN", &["team/*"])],
    };
    let declined = scanning::set_scanning_configuration(&app, &id, wanted.clone())
        .await
        .unwrap_err();
    assert_eq!(declined.code, Code::Declined);
    assert_eq!(
        scanning::scanning_configuration(&app, &id).await.unwrap(),
        before
    );
    let question = answers.asked().remove(0);
    assert_eq!(question.title, "Change the registry's scanning?");
    assert!(
        question.detail.contains("basic scanning, no rule (images are scanned only when asked) becomes enhanced scanning, continuously for team/*"),
        "{}",
        question.detail
    );
    assert!(
        question.detail.contains("billed by Inspector"),
        "{}",
        question.detail
    );

    answers.next(true);
    let changed = scanning::set_scanning_configuration(&app, &id, wanted.clone())
        .await
        .unwrap();
    assert_eq!(changed, wanted);
    assert_eq!(answers.asked().len(), 1);

    let refused = scanning::set_scanning_configuration(
        &app,
        &id,
        ScanningConfigView {
            scan_type: "BASIC".into(),
            rules: vec![rule("SCAN_ON_PUSH", &[])],
        },
    )
    .await
    .unwrap_err();
    assert_eq!(refused.code, Code::InvalidInput);
    assert_eq!(
        refused.message,
        "rule 1: needs at least one repository filter (* for every repository)"
    );
    assert!(answers.asked().is_empty());
    assert_eq!(
        scanning::scanning_configuration(&app, &id).await.unwrap(),
        wanted
    );
}
