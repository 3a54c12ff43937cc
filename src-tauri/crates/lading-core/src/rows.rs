//! A manifest (or ECR's description of one) shaped into the row the image table shows.

use lading_oci::manifest::{index_entries, ManifestKind};
use lading_oci::{Manifest, OciError, RawManifest};

use crate::view::ImageRow;

/// The row of a manifest read from `/v2/` (its tags are added by the caller).
pub(crate) fn image_row(manifest: &RawManifest) -> Result<ImageRow, OciError> {
    let parsed = manifest.parse()?;
    let mut row = ImageRow {
        digest: manifest.digest.to_string(),
        tags: Vec::new(),
        kind: parsed.kind().as_str().into(),
        media_type: manifest.media_type.clone(),
        size: None,
        platforms: Vec::new(),
        children: Vec::new(),
        child_labels: Vec::new(),
        pushed_at: None,
        last_pulled_at: None,
        scan_status: None,
        scan_counts: Default::default(),
        subject: subject_of(&manifest.bytes),
        config: None,
    };
    match parsed {
        Manifest::Index(index) => {
            let entries = index_entries(&index, &manifest.bytes);
            // Attestations describe a platform; they are not one.
            row.platforms = entries
                .iter()
                .filter(|entry| !entry.attestation)
                .map(|entry| entry.label.clone())
                .collect();
            row.child_labels = entries.into_iter().map(|entry| entry.label).collect();
            row.children = index
                .manifests()
                .iter()
                .map(|m| m.digest().to_string())
                .collect();
        }
        Manifest::Image(image) => {
            row.size =
                Some(image.config().size() + image.layers().iter().map(|l| l.size()).sum::<u64>());
            if row.kind == "image" {
                row.config = Some(image.config().digest().to_string());
            }
        }
    }
    Ok(row)
}

/// The `subject` an artifact manifest names (OCI 1.1), if any.
fn subject_of(bytes: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    value["subject"]["digest"].as_str().map(str::to_owned)
}

/// The row of an image as ECR's DescribeImages reports it.
pub(crate) fn ecr_row(d: lading_ecr::ImageDetail) -> ImageRow {
    let media_type = d.manifest_media_type.clone().unwrap_or_default();
    let kind = ManifestKind::of_media_types(&media_type, d.artifact_media_type.as_deref());
    let mut tags = d.tags;
    tags.sort();
    ImageRow {
        digest: d.digest,
        tags,
        kind: kind.as_str().into(),
        media_type,
        size: d.size_bytes.map(|s| s as u64),
        platforms: Vec::new(),
        children: Vec::new(),
        child_labels: Vec::new(),
        pushed_at: d.pushed_at,
        last_pulled_at: d.last_pulled_at,
        scan_status: d.scan_status,
        scan_counts: d.findings,
        subject: None,
        config: None,
    }
}

/// ECR describes an index without its images: their digests and platforms come from the index
/// manifest itself, read through BatchGetImage (up to 100 a call) once the listing is out.
/// Updated rows replace the first ones by digest; an index that cannot be read keeps its row.
pub(crate) async fn fill_ecr_indexes(
    api: &lading_ecr::EcrClient,
    repository: &str,
    indexes: Vec<ImageRow>,
    sink: &mut dyn crate::manifest_reads::ImageSink,
) {
    for chunk in indexes.chunks(100) {
        if sink.superseded() {
            return;
        }
        let refs: Vec<_> = chunk
            .iter()
            .map(|r| lading_ecr::ImageRef::parse(&r.digest))
            .collect();
        let Ok((found, _failures)) = api.get_manifests(repository, &refs).await else {
            continue;
        };
        for fetched in found {
            let Some(listed) = chunk.iter().find(|r| r.digest == fetched.digest) else {
                continue;
            };
            let Ok(raw) = RawManifest::new(
                fetched.manifest.into_bytes().into(),
                fetched.media_type.as_deref(),
            ) else {
                continue;
            };
            let Ok(read) = image_row(&raw) else {
                continue;
            };
            sink.row(ImageRow {
                platforms: read.platforms,
                children: read.children,
                child_labels: read.child_labels,
                ..listed.clone()
            });
        }
        sink.flush();
    }
}
