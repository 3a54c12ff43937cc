//! The demo's Amazon Inspector (enhanced) scan: moto serves any DescribeImageScanFindings answer a
//! caller sets through its control endpoint, so the demo gives one image findings in Inspector's
//! shape, for the Scan tab and its e2e test.

use serde_json::{json, Value};

/// The image that carries them.
pub const ENHANCED_REPOSITORY: &str = "team-a/web-app";
pub const ENHANCED_TAG: &str = "1.0.0";

fn finding(
    id: &str,
    package: &str,
    version: &str,
    fixed: &str,
    severity: &str,
    score: f64,
) -> Value {
    json!({
        "awsAccountId": "123456789012",
        "description": format!("{id} in {package} {version} (demo finding)."),
        "findingArn": format!("arn:aws:inspector2:us-east-1:123456789012:finding/demo-{id}"),
        "packageVulnerabilityDetails": {
            "cvss": if score > 0.0 { json!([{"baseScore": score, "version": "3.1", "source": "NVD"}]) } else { json!([]) },
            "source": "DEBIAN_CVE",
            "sourceUrl": format!("https://security-tracker.debian.org/tracker/{id}"),
            "vulnerabilityId": id,
            "vulnerablePackages": [{"name": package, "version": version, "fixedInVersion": fixed, "packageManager": "OS"}]
        },
        "score": score,
        "severity": severity,
        "status": "ACTIVE",
        "title": format!("{id} - {package}"),
        "type": "PACKAGE_VULNERABILITY"
    })
}

/// The whole DescribeImageScanFindings answer for [`ENHANCED_REPOSITORY`]:[`ENHANCED_TAG`].
pub fn enhanced_scan_answer() -> Value {
    json!({
        "registryId": "123456789012",
        "repositoryName": ENHANCED_REPOSITORY,
        "imageId": {"imageTag": ENHANCED_TAG},
        "imageScanStatus": {"status": "ACTIVE", "description": "Continuous scan is selected for image."},
        "imageScanFindings": {
            "findingSeverityCounts": {"CRITICAL": 1, "HIGH": 1, "MEDIUM": 1, "UNTRIAGED": 1},
            "enhancedFindings": [
                finding("CVE-2026-0101", "openssl", "3.0.15-1~deb12u1", "3.0.16-1~deb12u1", "CRITICAL", 9.8),
                finding("CVE-2026-0102", "zlib", "1.2.13", "1.3.1", "HIGH", 7.5),
                finding("CVE-2026-0103", "curl", "7.88.1-10+deb12u8", "NotAvailable", "MEDIUM", 6.5),
                finding("CVE-2026-0104", "krb5", "1.20.1-2+deb12u2", "NotAvailable", "UNTRIAGED", 0.0),
            ]
        }
    })
}
