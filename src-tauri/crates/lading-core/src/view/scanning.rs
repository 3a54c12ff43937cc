//! ECR image scanning and the archive storage class: an image's findings, the registry's scanning
//! configuration, archived images.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The last scan of an image, basic or enhanced (Amazon Inspector).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ScanView {
    /// ECR's status (`COMPLETE`, `IN_PROGRESS`, `ACTIVE`, `FAILED`, …); `None`: never scanned.
    pub status: Option<String>,
    /// ECR's words on the status (why it failed, what is unsupported).
    pub status_description: Option<String>,
    /// Unix seconds.
    #[ts(type = "number | null")]
    pub completed_at: Option<i64>,
    pub enhanced: bool,
    /// Severity → count, as ECR counts them.
    pub counts: BTreeMap<String, i32>,
    /// Every finding (all pages), in ECR's order.
    pub findings: Vec<FindingView>,
    /// The findings could not be read: why.
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FindingView {
    /// The CVE or advisory id.
    pub id: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub severity: String,
    /// CVSS base score.
    pub score: Option<f64>,
    pub package: Option<String>,
    pub installed_version: Option<String>,
    /// `NotAvailable` when Inspector knows of no fix yet.
    pub fixed_in: Option<String>,
    /// Enhanced scanning: `ACTIVE`, `SUPPRESSED`, `CLOSED`.
    pub status: Option<String>,
    /// The advisory.
    pub url: Option<String>,
}

/// The registry's scanning configuration, as shown and as sent back to change it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScanningConfigView {
    /// `BASIC` or `ENHANCED`.
    pub scan_type: String,
    pub rules: Vec<ScanningRuleView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScanningRuleView {
    /// `SCAN_ON_PUSH` or (enhanced) `CONTINUOUS_SCAN`.
    pub frequency: String,
    /// Repository name filters; `*` is a wildcard.
    pub filters: Vec<String>,
}

/// An image in ECR's archive storage class (or being restored from it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ArchivedImage {
    pub digest: String,
    pub tags: Vec<String>,
    #[ts(type = "number | null")]
    pub size: Option<i64>,
    /// Unix seconds.
    #[ts(type = "number | null")]
    pub pushed_at: Option<i64>,
    /// `ARCHIVED`, or `ACTIVATING` while a restore runs.
    pub status: String,
    /// Unix seconds: when it was last archived, last restored.
    #[ts(type = "number | null")]
    pub archived_at: Option<i64>,
    #[ts(type = "number | null")]
    pub activated_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StorageClassChange {
    pub digest: String,
    /// ECR's new status: `ARCHIVED`, or `ACTIVATING` while a restore runs.
    pub status: String,
}

/// What an archive or restore did, image by image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StorageClassResult {
    pub changed: Vec<StorageClassChange>,
    pub failures: Vec<crate::view::DeleteFailure>,
}
