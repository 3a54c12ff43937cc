//! Image scanning: the findings of an image's last scan (basic scanning and Amazon Inspector's
//! enhanced scanning alike), starting a basic scan, and the registry's scanning configuration.

use std::collections::BTreeMap;

use aws_sdk_ecr::types::{
    EnhancedImageScanFinding, ImageScanFinding, RegistryScanningRule, ScanFrequency, ScanType,
    ScanningRepositoryFilter, ScanningRepositoryFilterType,
};
use serde::{Deserialize, Serialize};

use crate::{EcrClient, EcrError, ImageRef};

/// What the last scan of an image found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanFindings {
    /// ECR's scan status (`COMPLETE`, `IN_PROGRESS`, `FAILED`, …); `None`: never scanned.
    pub status: Option<String>,
    /// ECR's words about the status (why a scan failed, "UnsupportedImageError", …).
    pub status_description: Option<String>,
    /// Unix seconds.
    pub completed_at: Option<i64>,
    pub source_updated_at: Option<i64>,
    /// Severity → count, as ECR counts them (all findings, not only those listed).
    pub counts: BTreeMap<String, i32>,
    /// Amazon Inspector wrote them (enhanced scanning), else basic scanning.
    pub enhanced: bool,
    pub findings: Vec<Finding>,
}

/// One finding, in the same shape for basic and enhanced scanning.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The vulnerability's id (a CVE, a distribution's advisory).
    pub id: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// `CRITICAL`, `HIGH`, `MEDIUM`, `LOW`, `INFORMATIONAL`, `UNDEFINED`, `UNTRIAGED`.
    pub severity: String,
    /// CVSS base score (the highest version given).
    pub score: Option<f64>,
    pub package: Option<String>,
    pub installed_version: Option<String>,
    /// `None`: not known; enhanced scanning says `NotAvailable` when there is no fix yet.
    pub fixed_in: Option<String>,
    /// Enhanced scanning: `ACTIVE`, `SUPPRESSED`, `CLOSED`.
    pub status: Option<String>,
    /// The advisory.
    pub url: Option<String>,
}

/// The registry's scanning configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanningConfiguration {
    /// `BASIC` or `ENHANCED`.
    pub scan_type: String,
    pub rules: Vec<ScanningRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanningRule {
    /// `SCAN_ON_PUSH`, `CONTINUOUS_SCAN` (enhanced only) or `MANUAL`.
    pub frequency: String,
    /// Repository name filters with `*` wildcards.
    pub filters: Vec<String>,
}

/// ECR's documented limits on a repository filter of a scanning rule.
const FILTER_MAX: usize = 256;
const RULES_MAX: usize = 2;
const FILTERS_PER_RULE_MAX: usize = 100;

impl ScanningConfiguration {
    /// Every problem, named at its place, before anything is sent.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let enhanced = match self.scan_type.as_str() {
            "BASIC" => false,
            "ENHANCED" => true,
            other => {
                problems.push(format!("scan type: \"{other}\" is not BASIC or ENHANCED"));
                false
            }
        };
        if self.rules.len() > RULES_MAX {
            problems.push(format!(
                "rules: ECR takes at most {RULES_MAX} (one per frequency), not {}",
                self.rules.len()
            ));
        }
        let mut seen = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            let at = format!("rule {}", i + 1);
            match rule.frequency.as_str() {
                "SCAN_ON_PUSH" => {}
                "CONTINUOUS_SCAN" if enhanced => {}
                "CONTINUOUS_SCAN" => problems.push(format!(
                    "{at}: continuous scanning needs enhanced scanning (Amazon Inspector)"
                )),
                // What ECR applies to repositories no rule names; it takes no rule of its own.
                "MANUAL" => problems.push(format!(
                    "{at}: manual is what repositories no rule names get; leave the rule out"
                )),
                other => problems.push(format!(
                    "{at}: \"{other}\" is not SCAN_ON_PUSH, CONTINUOUS_SCAN or MANUAL"
                )),
            }
            if seen.contains(&rule.frequency) {
                problems.push(format!(
                    "{at}: a second {} rule (ECR takes one per frequency)",
                    rule.frequency
                ));
            }
            seen.push(rule.frequency.clone());
            if rule.filters.is_empty() {
                problems.push(format!(
                    "{at}: needs at least one repository filter (* for every repository)"
                ));
            }
            if rule.filters.len() > FILTERS_PER_RULE_MAX {
                problems.push(format!(
                    "{at}: at most {FILTERS_PER_RULE_MAX} repository filters, not {}",
                    rule.filters.len()
                ));
            }
            for filter in &rule.filters {
                if let Some(why) = filter_problem(filter) {
                    problems.push(format!("{at}, filter \"{filter}\": {why}"));
                }
            }
        }
        problems
    }
}

/// ECR's pattern for a scanning filter: `^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$`, 1–256.
fn filter_problem(filter: &str) -> Option<&'static str> {
    if filter.is_empty() {
        return Some("is empty");
    }
    if filter.len() > FILTER_MAX {
        return Some("is longer than 256 characters");
    }
    let word = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '*';
    if !filter
        .chars()
        .all(|c| word(c) || matches!(c, '.' | '_' | '-' | '/'))
    {
        return Some("may hold only lowercase letters, digits, . _ - / and *");
    }
    let chars: Vec<char> = filter.chars().collect();
    if !word(chars[0]) || !word(chars[chars.len() - 1]) {
        return Some("must start and end with a letter, digit or *");
    }
    if chars.windows(2).any(|w| !word(w[0]) && !word(w[1])) {
        return Some("has two separators in a row");
    }
    None
}

impl EcrClient {
    /// Every finding of the image's last scan (all pages). An image never scanned answers
    /// `status: None` rather than an error.
    pub async fn scan_findings(
        &self,
        repository: &str,
        image: &ImageRef,
    ) -> Result<ScanFindings, EcrError> {
        let mut pages = self
            .sdk
            .describe_image_scan_findings()
            .set_registry_id(self.registry_id.clone())
            .repository_name(repository)
            .image_id(image.to_sdk())
            .into_paginator()
            .send();
        let mut out = ScanFindings {
            status: None,
            status_description: None,
            completed_at: None,
            source_updated_at: None,
            counts: BTreeMap::new(),
            enhanced: false,
            findings: Vec::new(),
        };
        while let Some(page) = pages.next().await {
            let page = match page {
                Ok(page) => page,
                Err(e) => {
                    let e = EcrError::from_sdk(e);
                    if matches!(&e, EcrError::Service { code, .. } if code == "ScanNotFoundException")
                    {
                        return Ok(out);
                    }
                    return Err(e);
                }
            };
            if let Some(status) = page.image_scan_status() {
                out.status = status.status().map(|s| s.as_str().to_owned());
                out.status_description = status.description().map(str::to_owned);
            }
            let Some(findings) = page.image_scan_findings() else {
                continue;
            };
            out.completed_at = findings.image_scan_completed_at().map(|t| t.secs());
            out.source_updated_at = findings.vulnerability_source_updated_at().map(|t| t.secs());
            if let Some(counts) = findings.finding_severity_counts() {
                out.counts = counts
                    .iter()
                    .map(|(k, v)| (k.as_str().to_owned(), *v))
                    .collect();
            }
            out.findings
                .extend(findings.findings().iter().map(basic_finding));
            if !findings.enhanced_findings().is_empty() {
                out.enhanced = true;
            }
            out.findings
                .extend(findings.enhanced_findings().iter().map(enhanced_finding));
        }
        Ok(out)
    }

    /// Starts a basic scan; answers ECR's scan status. ECR refuses it for enhanced scanning,
    /// which scans on its own, and allows one manual scan per image per 24 hours.
    pub async fn start_image_scan(
        &self,
        repository: &str,
        image: &ImageRef,
    ) -> Result<String, EcrError> {
        // The SDK counts the daily limit's LimitExceededException as throttling and would back
        // off for most of a minute before saying what is final: ask once.
        let once = aws_sdk_ecr::config::Builder::default()
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(1));
        let out = self
            .sdk
            .start_image_scan()
            .set_registry_id(self.registry_id.clone())
            .repository_name(repository)
            .image_id(image.to_sdk())
            .customize()
            .config_override(once)
            .send()
            .await
            .map_err(|e| match EcrError::from_sdk(e) {
                EcrError::Service { code, message } if code == "LimitExceededException" => {
                    EcrError::Service {
                        message: format!(
                            "ECR allows one manual scan of an image a day, and this one was scanned today ({message})"
                        ),
                        code,
                    }
                }
                other => other,
            })?;
        Ok(out
            .image_scan_status
            .and_then(|s| s.status)
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default())
    }

    pub async fn scanning_configuration(&self) -> Result<ScanningConfiguration, EcrError> {
        let out = self
            .sdk
            .get_registry_scanning_configuration()
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        let config = out.scanning_configuration;
        Ok(ScanningConfiguration {
            scan_type: config
                .as_ref()
                .and_then(|c| c.scan_type())
                .map(|t| t.as_str().to_owned())
                .unwrap_or_else(|| "BASIC".to_owned()),
            rules: config
                .as_ref()
                .map(|c| c.rules())
                .unwrap_or_default()
                .iter()
                .map(|r| ScanningRule {
                    frequency: r.scan_frequency().as_str().to_owned(),
                    filters: r
                        .repository_filters()
                        .iter()
                        .map(|f| f.filter().to_owned())
                        .collect(),
                })
                .collect(),
        })
    }

    /// Replaces the registry's scanning configuration; checked first, so nothing is sent when
    /// ECR would refuse it.
    pub async fn set_scanning_configuration(
        &self,
        config: &ScanningConfiguration,
    ) -> Result<ScanningConfiguration, EcrError> {
        crate::checks::refuse_if_any(config.problems())?;
        let mut rules = Vec::new();
        for rule in &config.rules {
            let mut filters = Vec::new();
            for filter in &rule.filters {
                filters.push(
                    ScanningRepositoryFilter::builder()
                        .filter(filter)
                        .filter_type(ScanningRepositoryFilterType::Wildcard)
                        .build()
                        .map_err(|e| EcrError::InvalidInput(e.to_string()))?,
                );
            }
            rules.push(
                RegistryScanningRule::builder()
                    .scan_frequency(ScanFrequency::from(rule.frequency.as_str()))
                    .set_repository_filters(Some(filters))
                    .build()
                    .map_err(|e| EcrError::InvalidInput(e.to_string()))?,
            );
        }
        self.sdk
            .put_registry_scanning_configuration()
            .scan_type(ScanType::from(config.scan_type.as_str()))
            .set_rules(Some(rules))
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        self.scanning_configuration().await
    }
}

fn basic_finding(f: &ImageScanFinding) -> Finding {
    let attribute = |key: &str| {
        f.attributes()
            .iter()
            .find(|a| a.key() == key)
            .and_then(|a| a.value())
            .map(str::to_owned)
    };
    let score = attribute("CVSS3_SCORE")
        .or_else(|| attribute("CVSS2_SCORE"))
        .and_then(|s| s.parse().ok());
    Finding {
        id: f.name().unwrap_or_default().to_owned(),
        title: None,
        description: f.description().map(str::to_owned),
        severity: f
            .severity()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_else(|| "UNDEFINED".to_owned()),
        score,
        package: attribute("package_name"),
        installed_version: attribute("package_version"),
        fixed_in: None,
        status: None,
        url: f.uri().map(str::to_owned),
    }
}

fn enhanced_finding(f: &EnhancedImageScanFinding) -> Finding {
    let details = f.package_vulnerability_details();
    let package = details.and_then(|d| d.vulnerable_packages().first());
    let score = details
        .and_then(|d| {
            d.cvss()
                .iter()
                .max_by(|a, b| version_of(a.version()).total_cmp(&version_of(b.version())))
                .map(|c| c.base_score())
        })
        .or_else(|| (f.score() > 0.0).then(|| f.score()));
    Finding {
        id: details
            .and_then(|d| d.vulnerability_id())
            .or(f.title())
            .unwrap_or_default()
            .to_owned(),
        title: f.title().map(str::to_owned),
        description: f.description().map(str::to_owned),
        severity: f.severity().unwrap_or("UNDEFINED").to_owned(),
        score,
        package: package.and_then(|p| p.name()).map(str::to_owned),
        installed_version: package.and_then(|p| {
            p.version().map(|v| match p.release() {
                Some(release) if !release.is_empty() => format!("{v}-{release}"),
                _ => v.to_owned(),
            })
        }),
        fixed_in: package
            .and_then(|p| p.fixed_in_version())
            .map(str::to_owned),
        status: f.status().map(str::to_owned),
        url: details
            .and_then(|d| d.source_url())
            .or_else(|| {
                f.remediation()
                    .and_then(|r| r.recommendation())
                    .and_then(|r| r.url())
            })
            .map(str::to_owned),
    }
}

fn version_of(version: Option<&str>) -> f64 {
    version.and_then(|v| v.parse().ok()).unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(scan_type: &str, rules: &[(&str, &[&str])]) -> ScanningConfiguration {
        ScanningConfiguration {
            scan_type: scan_type.into(),
            rules: rules
                .iter()
                .map(|(f, filters)| ScanningRule {
                    frequency: (*f).into(),
                    filters: filters.iter().map(|s| (*s).to_owned()).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_valid_configuration_has_no_problems() {
        assert!(config("BASIC", &[("SCAN_ON_PUSH", &["*"])])
            .problems()
            .is_empty());
        assert!(config(
            "ENHANCED",
            &[
                ("CONTINUOUS_SCAN", &["prod-*", "team/a*"]),
                ("SCAN_ON_PUSH", &["*"])
            ]
        )
        .problems()
        .is_empty());
    }

    #[test]
    fn each_problem_is_named_at_its_rule_and_filter() {
        let problems = config(
            "BASIC",
            &[
                ("CONTINUOUS_SCAN", &["Team", "a//b"]),
                ("CONTINUOUS_SCAN", &[]),
            ],
        )
        .problems();
        assert_eq!(
            problems,
            [
                "rule 1: continuous scanning needs enhanced scanning (Amazon Inspector)",
                "rule 1, filter \"Team\": may hold only lowercase letters, digits, . _ - / and *",
                "rule 1, filter \"a//b\": has two separators in a row",
                "rule 2: continuous scanning needs enhanced scanning (Amazon Inspector)",
                "rule 2: a second CONTINUOUS_SCAN rule (ECR takes one per frequency)",
                "rule 2: needs at least one repository filter (* for every repository)",
            ]
        );
        assert_eq!(
            config("FAST", &[]).problems(),
            ["scan type: \"FAST\" is not BASIC or ENHANCED"]
        );
        assert_eq!(
            config("ENHANCED", &[("MANUAL", &["-a"])]).problems(),
            [
                "rule 1: manual is what repositories no rule names get; leave the rule out",
                "rule 1, filter \"-a\": must start and end with a letter, digit or *"
            ]
        );
    }
}
