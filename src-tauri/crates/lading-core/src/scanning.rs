//! ECR image scanning: an image's findings (basic or enhanced), Scan now, and the registry's
//! scanning configuration. OCI registries have no scans.

use crate::confirm::{registry_place, Question};
use crate::error::Result;
use crate::view::{FindingView, ScanView, ScanningConfigView, ScanningRuleView};
use crate::{AppState, Registry};

const SCANNING_IS_ECR: &str = "image scanning is an ECR feature; this registry has none";

fn scan_view(found: lading_ecr::ScanFindings) -> ScanView {
    ScanView {
        status: found.status,
        status_description: found.status_description,
        completed_at: found.completed_at,
        enhanced: found.enhanced,
        counts: found.counts,
        findings: found
            .findings
            .into_iter()
            .map(|f| FindingView {
                id: f.id,
                title: f.title,
                description: f.description,
                severity: f.severity,
                score: f.score,
                package: f.package,
                installed_version: f.installed_version,
                fixed_in: f.fixed_in,
                status: f.status,
                url: f.url,
            })
            .collect(),
        error: None,
    }
}

/// For the image detail: the findings, or why they could not be read (the rest of the detail
/// still shows). `None` outside ECR.
pub(crate) async fn scan_of(
    registry: &Registry,
    repository: &str,
    digest: &str,
) -> Result<Option<ScanView>> {
    let Some(api) = registry.ecr().await? else {
        return Ok(None);
    };
    Ok(Some(
        match api
            .scan_findings(repository, &lading_ecr::ImageRef::parse(digest))
            .await
        {
            Ok(found) => scan_view(found),
            Err(e) => ScanView {
                status: None,
                status_description: None,
                completed_at: None,
                enhanced: false,
                counts: Default::default(),
                findings: Vec::new(),
                error: Some(e.to_string()),
            },
        },
    ))
}

/// The image's last scan, read again (the window polls it while a scan runs).
pub async fn image_scan(
    state: &AppState,
    id: &str,
    repository: &str,
    digest: &str,
) -> Result<ScanView> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(SCANNING_IS_ECR).await?;
    Ok(scan_view(
        ecr.scan_findings(repository, &lading_ecr::ImageRef::parse(digest))
            .await?,
    ))
}

/// Scan now (basic scanning); answers the scan as it stands right after.
pub async fn start_scan(
    state: &AppState,
    id: &str,
    repository: &str,
    digest: &str,
) -> Result<ScanView> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(SCANNING_IS_ECR).await?;
    let image = lading_ecr::ImageRef::parse(digest);
    let status = ecr.start_image_scan(repository, &image).await?;
    let mut scan = scan_view(ecr.scan_findings(repository, &image).await?);
    // ECR may not list the new scan at once; what StartImageScan said is the truth now.
    if scan.status.is_none() {
        scan.status = Some(status);
    }
    Ok(scan)
}

fn config_view(c: lading_ecr::ScanningConfiguration) -> ScanningConfigView {
    ScanningConfigView {
        scan_type: c.scan_type,
        rules: c
            .rules
            .into_iter()
            .map(|r| ScanningRuleView {
                frequency: r.frequency,
                filters: r.filters,
            })
            .collect(),
    }
}

pub async fn scanning_configuration(state: &AppState, id: &str) -> Result<ScanningConfigView> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(SCANNING_IS_ECR).await?;
    Ok(config_view(ecr.scanning_configuration().await?))
}

fn frequency_words(frequency: &str) -> &str {
    match frequency {
        "SCAN_ON_PUSH" => "on push",
        "CONTINUOUS_SCAN" => "continuously",
        other => other,
    }
}

fn rules_words(config: &ScanningConfigView) -> String {
    if config.rules.is_empty() {
        return "no rule (images are scanned only when asked)".to_owned();
    }
    config
        .rules
        .iter()
        .map(|r| {
            format!(
                "{} for {}",
                frequency_words(&r.frequency),
                r.filters.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Replaces the registry's scanning configuration after the user's native yes — it applies to
/// every repository, and enhanced scanning is billed by Amazon Inspector — then reads it back.
/// Checked before asking: a configuration ECR would refuse is never offered for a yes.
pub async fn set_scanning_configuration(
    state: &AppState,
    id: &str,
    wanted: ScanningConfigView,
) -> Result<ScanningConfigView> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(SCANNING_IS_ECR).await?;
    let config = lading_ecr::ScanningConfiguration {
        scan_type: wanted.scan_type.clone(),
        rules: wanted
            .rules
            .iter()
            .map(|r| lading_ecr::ScanningRule {
                frequency: r.frequency.clone(),
                filters: r.filters.clone(),
            })
            .collect(),
    };
    let problems = config.problems();
    lading_ecr::checks::refuse_if_any(problems)?;
    let before = config_view(ecr.scanning_configuration().await?);
    if before == wanted {
        return Ok(before);
    }
    let billing = if wanted.scan_type == "ENHANCED" && before.scan_type != "ENHANCED" {
        "\n\nEnhanced scanning is Amazon Inspector's, billed by Inspector per image scanned."
    } else if wanted.scan_type != "ENHANCED" && before.scan_type == "ENHANCED" {
        "\n\nInspector's findings stop being updated; basic scanning starts afresh."
    } else {
        ""
    };
    state
        .confirm(Question {
            title: "Change the registry's scanning?".to_owned(),
            detail: format!(
                "In {}, every repository: {} scanning, {} becomes {} scanning, {}.{billing}",
                registry_place(registry.entry()),
                before.scan_type.to_lowercase(),
                rules_words(&before),
                wanted.scan_type.to_lowercase(),
                rules_words(&wanted),
            ),
            yes: "Change scanning".to_owned(),
        })
        .await?;
    Ok(config_view(ecr.set_scanning_configuration(&config).await?))
}
