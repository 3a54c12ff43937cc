//! Scanning against moto's ECR: basic findings, Amazon Inspector's enhanced findings (moto's
//! control endpoint sets the exact DescribeImageScanFindings answer), Scan now, and the registry's
//! scanning configuration.

mod common;

use common::{connect, manifest};
use lading_ecr::{ImageRef, ScanningConfiguration, ScanningRule};
use lading_testkit::Moto;
use serde_json::json;

/// An enhanced (Inspector) answer in the shape the ECR API reference documents for
/// DescribeImageScanFindings, with two findings of different severities and CVSS versions.
fn enhanced_answer(repository: &str, digest: &str) -> serde_json::Value {
    json!({
        "registryId": "123456789012",
        "repositoryName": repository,
        "imageId": {"imageDigest": digest},
        "imageScanStatus": {"status": "ACTIVE", "description": "Continuous scan is selected for image."},
        "imageScanFindings": {
            "imageScanCompletedAt": 1_764_000_000,
            "vulnerabilitySourceUpdatedAt": 1_764_100_000,
            "findingSeverityCounts": {"CRITICAL": 1, "MEDIUM": 1},
            "enhancedFindings": [
                {
                    "awsAccountId": "123456789012",
                    "description": "A heap overflow in the TLS handshake.",
                    "findingArn": "arn:aws:inspector2:us-east-1:123456789012:finding/0a1b",
                    "packageVulnerabilityDetails": {
                        "cvss": [
                            {"baseScore": 7.5, "scoringVector": "AV:N/AC:L/Au:N/C:P/I:P/A:P", "source": "NVD", "version": "2.0"},
                            {"baseScore": 9.8, "scoringVector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "source": "NVD", "version": "3.1"}
                        ],
                        "referenceUrls": [],
                        "source": "DEBIAN_CVE",
                        "sourceUrl": "https://security-tracker.debian.org/tracker/CVE-2026-0001",
                        "vulnerabilityId": "CVE-2026-0001",
                        "vulnerablePackages": [
                            {"name": "openssl", "version": "3.0.15", "release": "1~deb12u1", "fixedInVersion": "3.0.16-1~deb12u1", "packageManager": "OS"}
                        ]
                    },
                    "remediation": {"recommendation": {"text": "Upgrade openssl."}},
                    "score": 9.8,
                    "severity": "CRITICAL",
                    "status": "ACTIVE",
                    "title": "CVE-2026-0001 - openssl",
                    "type": "PACKAGE_VULNERABILITY"
                },
                {
                    "awsAccountId": "123456789012",
                    "findingArn": "arn:aws:inspector2:us-east-1:123456789012:finding/0c2d",
                    "packageVulnerabilityDetails": {
                        "cvss": [],
                        "source": "DEBIAN_CVE",
                        "sourceUrl": "https://security-tracker.debian.org/tracker/CVE-2026-0002",
                        "vulnerabilityId": "CVE-2026-0002",
                        "vulnerablePackages": [
                            {"name": "curl", "version": "7.88.1", "fixedInVersion": "NotAvailable", "packageManager": "OS"}
                        ]
                    },
                    "score": 0.0,
                    "severity": "MEDIUM",
                    "status": "SUPPRESSED",
                    "title": "CVE-2026-0002 - curl",
                    "type": "PACKAGE_VULNERABILITY"
                }
            ]
        }
    })
}

#[tokio::test]
async fn findings_basic_and_enhanced_and_scan_now() {
    let moto = Moto::start();
    let ecr = connect(&moto, "us-east-1").await;
    ecr.create_repository("team/app").await.unwrap();
    let basic = ecr
        .put_manifest("team/app", Some("1.0"), &manifest(1), None)
        .await
        .unwrap();
    let enhanced = ecr
        .put_manifest("team/app", Some("2.0"), &manifest(2), None)
        .await
        .unwrap();

    // Never scanned: no status, no findings, not an error.
    let none = ecr
        .scan_findings("team/app", &ImageRef::parse(&basic))
        .await
        .unwrap();
    assert_eq!(none.status, None);
    assert!(none.findings.is_empty());

    // Scan now; moto then answers its basic-scanning result (attributes carry the package).
    let status = ecr
        .start_image_scan("team/app", &ImageRef::parse(&basic))
        .await
        .unwrap();
    assert_eq!(status, "IN_PROGRESS");
    let scanned = ecr
        .scan_findings("team/app", &ImageRef::parse(&basic))
        .await
        .unwrap();
    assert_eq!(scanned.status.as_deref(), Some("COMPLETE"));
    assert!(!scanned.enhanced);
    assert_eq!(scanned.counts.get("HIGH"), Some(&1));
    let finding = &scanned.findings[0];
    assert_eq!(finding.id, "CVE-9999-9999");
    assert_eq!(finding.severity, "HIGH");
    assert_eq!(finding.score, Some(7.5));
    assert_eq!(finding.package.as_deref(), Some("moto_fake"));
    assert_eq!(finding.installed_version.as_deref(), Some("9.9.9"));
    assert!(finding.url.as_deref().unwrap().contains("CVE-9999-9999"));
    // ECR allows one manual scan a day; the second is refused with ECR's words.
    let again = ecr
        .start_image_scan("team/app", &ImageRef::parse(&basic))
        .await
        .unwrap_err();
    assert!(
        again
            .to_string()
            .contains("ECR allows one manual scan of an image a day"),
        "{again}"
    );

    // Enhanced: every field of Inspector's findings, the highest CVSS version's score.
    moto.set_scan_findings("us-east-1", &[enhanced_answer("team/app", &enhanced)]);
    ecr.start_image_scan("team/app", &ImageRef::parse(&enhanced))
        .await
        .unwrap();
    let inspector = ecr
        .scan_findings("team/app", &ImageRef::parse(&enhanced))
        .await
        .unwrap();
    assert!(inspector.enhanced);
    assert_eq!(inspector.status.as_deref(), Some("ACTIVE"));
    assert_eq!(inspector.completed_at, Some(1_764_000_000));
    assert_eq!(
        inspector
            .counts
            .iter()
            .map(|(k, v)| (k.as_str(), *v))
            .collect::<Vec<_>>(),
        [("CRITICAL", 1), ("MEDIUM", 1)]
    );
    let [critical, medium] = &inspector.findings[..] else {
        panic!("two findings: {:?}", inspector.findings);
    };
    assert_eq!(critical.id, "CVE-2026-0001");
    assert_eq!(critical.title.as_deref(), Some("CVE-2026-0001 - openssl"));
    assert_eq!(critical.severity, "CRITICAL");
    assert_eq!(critical.score, Some(9.8));
    assert_eq!(critical.package.as_deref(), Some("openssl"));
    assert_eq!(
        critical.installed_version.as_deref(),
        Some("3.0.15-1~deb12u1")
    );
    assert_eq!(critical.fixed_in.as_deref(), Some("3.0.16-1~deb12u1"));
    assert_eq!(critical.status.as_deref(), Some("ACTIVE"));
    assert_eq!(
        critical.url.as_deref(),
        Some("https://security-tracker.debian.org/tracker/CVE-2026-0001")
    );
    assert_eq!(medium.score, None, "no CVSS and a zero score is no score");
    assert_eq!(medium.fixed_in.as_deref(), Some("NotAvailable"));
    assert_eq!(medium.status.as_deref(), Some("SUPPRESSED"));
    assert_eq!(medium.description, None);
}

#[tokio::test]
async fn the_registry_scanning_configuration_is_read_and_replaced() {
    let moto = Moto::start();
    let ecr = connect(&moto, "eu-west-1").await;
    ecr.create_repository("prod-api").await.unwrap();

    let wanted = ScanningConfiguration {
        scan_type: "ENHANCED".into(),
        rules: vec![
            ScanningRule {
                frequency: "CONTINUOUS_SCAN".into(),
                filters: vec!["prod-*".into()],
            },
            ScanningRule {
                frequency: "SCAN_ON_PUSH".into(),
                filters: vec!["*".into()],
            },
        ],
    };
    let stored = ecr.set_scanning_configuration(&wanted).await.unwrap();
    assert_eq!(stored, wanted);
    assert_eq!(ecr.scanning_configuration().await.unwrap(), wanted);

    // Refused before any call, each problem named; what was stored stays.
    moto.start_recording();
    let bad = ScanningConfiguration {
        scan_type: "BASIC".into(),
        rules: vec![ScanningRule {
            frequency: "CONTINUOUS_SCAN".into(),
            filters: vec!["Prod".into()],
        }],
    };
    let err = ecr.set_scanning_configuration(&bad).await.unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert_eq!(
        err.to_string(),
        "rule 1: continuous scanning needs enhanced scanning (Amazon Inspector); \
         rule 1, filter \"Prod\": may hold only lowercase letters, digits, . _ - / and *"
    );
    assert!(moto.recorded_operations().is_empty());
    assert_eq!(ecr.scanning_configuration().await.unwrap(), wanted);
}
