//! `lading ecr push`: through ECR's layer-upload API (no registry endpoint needed).

use std::path::PathBuf;

use lading_ecr::EcrClient;

use super::print_json;
use crate::Failure;

pub(super) async fn push(
    client: &EcrClient,
    source: PathBuf,
    dest: &str,
    image: Option<&str>,
    jobs: usize,
    json: bool,
) -> Result<(), Failure> {
    let (repository, tag) = match dest.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r.to_owned(), Some(t.to_owned())),
        _ => (dest.to_owned(), None),
    };
    let repo = client.describe_repository(&repository).await?;
    let host = repo.uri.split('/').next().unwrap_or_default().to_owned();
    let scratch = lading_oci::paths::archives_dir();
    let opened =
        tokio::task::spawn_blocking(move || lading_oci::source::Source::open(&source, &scratch))
            .await
            .map_err(|e| Failure::usage(e.to_string()))??;
    let selected = crate::select_image(&opened, image)?;
    let tags = match tag {
        Some(t) => vec![t],
        None => {
            let mut t = selected.tags();
            if t.is_empty() {
                t.push("latest".to_owned());
            }
            t
        }
    };
    let options = lading_oci::push::PushOptions {
        jobs: jobs.max(1),
        cache: std::sync::Arc::new(lading_oci::cache::BlobCache::load(
            &lading_oci::paths::data_dir(),
        )),
        ..Default::default()
    };
    let sink = lading_ecr::EcrApiSink::new(client, &host, &repository);
    let report = lading_oci::push::push_image_to(&sink, &tags, selected, &options).await?;
    if json {
        print_json(&report);
    } else {
        for tag in &report.tags {
            println!("{}:{tag}", repo.uri);
        }
        println!("{}@{}", repo.uri, report.manifest_digest);
    }
    Ok(())
}
