//! `lading pull` (to a docker archive or an OCI layout) and `lading copy`.

use super::*;

/// `oci:DIR` or `oci:DIR:NAME` → (dir, name).
pub(crate) fn parse_oci_dest(dest: &str) -> Option<(PathBuf, Option<String>)> {
    let rest = dest.strip_prefix("oci:")?;
    match rest.rsplit_once(':') {
        Some((dir, name)) if !name.contains('/') && !dir.is_empty() => {
            Some((PathBuf::from(dir), Some(name.to_owned())))
        }
        _ => Some((PathBuf::from(rest), None)),
    }
}

pub(crate) async fn pull(json: bool, show_progress: bool, args: PullArgs) -> Result<(), Failure> {
    let PullArgs {
        src,
        dest,
        preserve_digests,
        platform,
        transfer,
        conn,
    } = args;
    let reference: Reference = src.parse()?;
    let client = conn.client(&reference.registry).await?;
    let progress = show_progress.then(|| Arc::new(progress::Progress::new()));
    let options = lading_oci::pull::PullOptions {
        jobs: transfer.jobs.max(1),
        platform: platform.parse()?,
        progress: progress_fn(&progress),
        preserve_digests,
    };
    let started = Instant::now();
    let report = if let Some((dir, name)) = parse_oci_dest(&dest) {
        let name = name.or_else(|| reference.tag.clone());
        lading_oci::pull::pull_to_oci_layout(
            &client,
            &reference.repository,
            reference.manifest_reference(),
            &dir,
            name.as_deref(),
            &options,
        )
        .await?
    } else if dest.ends_with(".tar") {
        let repo_tag = reference
            .tag
            .as_ref()
            .map(|t| format!("{}/{}:{t}", reference.registry, reference.repository));
        lading_oci::pull::pull_to_docker_archive(
            &client,
            &reference.repository,
            reference.manifest_reference(),
            std::path::Path::new(&dest),
            repo_tag.as_deref(),
            &options,
        )
        .await?
    } else {
        return Err(Failure::usage(format!(
            "{dest}: the destination is oci:DIR[:NAME] or a path ending in .tar"
        )));
    };
    if let Some(p) = &progress {
        p.finish();
    }
    if json {
        println!(
            "{}",
            serde_json::to_string(&report).expect("report serialises")
        );
    } else {
        println!("{}@{}", dest, report.manifest_digest);
        if let Some(registry_digest) = &report.registry_digest {
            eprintln!(
                "converted to OCI media types: the registry's {registry_digest} is {} in the layout (--preserve-digests keeps the registry's bytes)",
                report.manifest_digest
            );
        }
        eprintln!(
            "{} blobs, {} downloaded — {:.2} s",
            report.blobs,
            format_size(report.bytes_downloaded, BINARY),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

pub(crate) async fn copy(json: bool, show_progress: bool, args: CopyArgs) -> Result<(), Failure> {
    let CopyArgs {
        src,
        dest,
        no_referrers,
        platform,
        transfer,
        conn,
    } = args;
    let from: Reference = src.parse()?;
    let (to, explicit_tag) = parse_dest(&dest)?;
    let tags: Vec<String> = if explicit_tag {
        to.tag.iter().cloned().collect()
    } else {
        from.tag.iter().cloned().collect()
    };
    let src_client = conn.client(&from.registry).await?;
    let dst_client = conn.client(&to.registry).await?;
    let progress = show_progress.then(|| Arc::new(progress::Progress::new()));
    let options = lading_oci::pull::PullOptions {
        jobs: transfer.jobs.max(1),
        platform: platform.parse()?,
        progress: progress_fn(&progress),
        ..Default::default()
    };
    let started = Instant::now();
    let report = lading_oci::copy::copy_image(
        &src_client,
        &from.repository,
        from.manifest_reference(),
        &dst_client,
        &to.repository,
        &tags,
        &options,
    )
    .await?;
    let referrers = if no_referrers {
        Vec::new()
    } else {
        let subject: lading_oci::Digest = report.manifest_digest.parse()?;
        lading_oci::copy::copy_referrers(
            &src_client,
            &from.repository,
            &subject,
            &dst_client,
            &to.repository,
            &options,
        )
        .await?
    };
    if let Some(p) = &progress {
        p.finish();
    }
    if json {
        let mut value = serde_json::to_value(&report).expect("report serialises");
        value["referrers"] = serde_json::to_value(&referrers).expect("referrers serialise");
        println!("{value}");
    } else {
        println!(
            "{}/{}@{}",
            to.registry, to.repository, report.manifest_digest
        );
        if !referrers.is_empty() {
            eprintln!(
                "with {} attached ({})",
                referrers.len(),
                referrers
                    .iter()
                    .map(|r| r.artifact_type.as_deref().unwrap_or("artifact"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        eprintln!(
            "{} mounted, {} already there, {} transferred ({}) — {:.2} s",
            report.mounted,
            report.existed,
            report.transferred,
            format_size(report.bytes_transferred, BINARY),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
