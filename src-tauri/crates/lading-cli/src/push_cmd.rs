//! `lading push`: an archive or layout to a registry.

use super::*;

/// `host/repo[:tag]` → the reference and whether a tag was written out.
pub(crate) fn parse_dest(dest: &str) -> Result<(Reference, bool), Failure> {
    let reference: Reference = dest.parse()?;
    if reference.digest.is_some() {
        return Err(Failure::usage(format!(
            "{dest}: push to a tag, not a digest (the digest follows from the content)"
        )));
    }
    let last = dest.rsplit('/').next().unwrap_or(dest);
    Ok((reference, last.contains(':')))
}

/// Picks the image to push from a source that may hold several.
pub(crate) fn select_image<'a>(
    source: &'a Source,
    selector: Option<&str>,
) -> Result<&'a SourceImage, Failure> {
    let images = &source.images;
    match selector {
        None if images.len() == 1 => Ok(&images[0]),
        None => Err(Failure::usage(format!(
            "{} holds {} images; pick one with --image ({})",
            source.path.display(),
            images.len(),
            describe_images(images)
        ))),
        Some(sel) => {
            if let Ok(n) = sel.parse::<usize>() {
                if (1..=images.len()).contains(&n) {
                    return Ok(&images[n - 1]);
                }
            }
            images
                .iter()
                .find(|i| i.names().iter().any(|name| name == sel))
                .ok_or_else(|| {
                    Failure::usage(format!(
                        "no image {sel:?} in {}; it holds: {}",
                        source.path.display(),
                        describe_images(images)
                    ))
                })
        }
    }
}

pub(crate) fn describe_images(images: &[SourceImage]) -> String {
    images
        .iter()
        .enumerate()
        .map(|(i, image)| {
            let names = image.names();
            if names.is_empty() {
                format!("{} (untagged)", i + 1)
            } else {
                format!("{} ({})", i + 1, names.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(crate) async fn push(
    cli_json: bool,
    show_progress: bool,
    args: PushArgs,
) -> Result<(), Failure> {
    let PushArgs {
        source: source_path,
        dest,
        image,
        compression,
        transfer,
        conn,
    } = args;
    let (reference, explicit_tag) = parse_dest(&dest)?;
    let data_dir = lading_oci::paths::data_dir();
    let scratch = lading_oci::paths::archives_dir();
    let source = tokio::task::spawn_blocking(move || Source::open(&source_path, &scratch))
        .await
        .map_err(|e| Failure::usage(e.to_string()))??;
    let selected = select_image(&source, image.as_deref())?;
    let tags = if explicit_tag {
        reference.tag.iter().cloned().collect()
    } else {
        let mut tags = selected.tags();
        if tags.is_empty() {
            tags.push("latest".to_owned());
        }
        tags
    };
    let client = conn.client(&reference.registry).await?;
    let progress = show_progress.then(|| Arc::new(progress::Progress::new()));
    let options = PushOptions {
        jobs: transfer.jobs.max(1),
        compression: match compression {
            CompressionArg::Gzip => LayerCompression::Gzip,
            CompressionArg::Zstd => LayerCompression::Zstd,
        },
        cache: Arc::new(BlobCache::load(&data_dir)),
        progress: progress_fn(&progress),
        upload_mode: transfer.upload_mode(),
    };
    let started = Instant::now();
    let report = push_image(&client, &reference.repository, &tags, selected, &options).await?;
    if let Some(p) = &progress {
        p.finish();
    }
    if cli_json {
        println!(
            "{}",
            serde_json::to_string(&report).expect("report serialises")
        );
        return Ok(());
    }
    let count = |o: BlobOutcome| report.blobs.iter().filter(|b| b.outcome == o).count();
    for tag in &report.tags {
        println!("{}/{}:{tag}", reference.registry, report.repository);
    }
    println!(
        "{}/{}@{}",
        reference.registry, report.repository, report.manifest_digest
    );
    eprintln!(
        "{} blobs: {} uploaded ({}), {} already there, {} mounted — {:.2} s",
        report.blobs.len(),
        count(BlobOutcome::Uploaded),
        format_size(report.bytes_uploaded(), BINARY),
        count(BlobOutcome::Existed),
        count(BlobOutcome::Mounted),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub(crate) fn progress_fn(
    progress: &Option<Arc<progress::Progress>>,
) -> Option<lading_oci::push::ProgressFn> {
    progress.clone().map(|p| {
        let f: lading_oci::push::ProgressFn = Arc::new(move |e| p.update(e));
        f
    })
}
