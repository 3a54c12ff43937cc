//! Images: describe (every field), list, manifests by BatchGetImage, delete with per-image
//! failures, retag without moving data (BatchGetImage + PutImage), scans.

use std::collections::BTreeMap;

use aws_sdk_ecr::types::{
    DescribeImagesFilter, ImageIdentifier, ImageStatusFilter, TagStatus, TargetStorageClass,
};
use serde::Serialize;

use crate::{EcrClient, EcrError};

/// A tag or a digest naming an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageRef {
    pub digest: Option<String>,
    pub tag: Option<String>,
}

impl ImageRef {
    /// `sha256:…` is a digest, anything else a tag.
    pub fn parse(s: &str) -> Self {
        if s.starts_with("sha256:") {
            Self {
                digest: Some(s.to_owned()),
                tag: None,
            }
        } else {
            Self {
                digest: None,
                tag: Some(s.to_owned()),
            }
        }
    }

    pub(crate) fn to_sdk(&self) -> ImageIdentifier {
        ImageIdentifier::builder()
            .set_image_digest(self.digest.clone())
            .set_image_tag(self.tag.clone())
            .build()
    }

    fn from_sdk(id: &ImageIdentifier) -> Self {
        Self {
            digest: id.image_digest.clone(),
            tag: id.image_tag.clone(),
        }
    }
}

impl std::fmt::Display for ImageRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.tag, &self.digest) {
            (Some(t), _) => f.write_str(t),
            (None, Some(d)) => f.write_str(d),
            (None, None) => f.write_str("?"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageDetail {
    pub digest: String,
    pub tags: Vec<String>,
    /// Compressed size as ECR reports it.
    pub size_bytes: Option<i64>,
    pub pushed_at: Option<i64>,
    pub last_pulled_at: Option<i64>,
    pub manifest_media_type: Option<String>,
    pub artifact_media_type: Option<String>,
    pub scan_status: Option<String>,
    /// Findings per severity from the last scan.
    pub findings: BTreeMap<String, i32>,
    /// `ACTIVE`, `ARCHIVED` or `ACTIVATING` (being restored); `None` where ECR does not say.
    pub image_status: Option<String>,
    /// Unix seconds: when it was last archived, last restored.
    pub archived_at: Option<i64>,
    pub activated_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FetchedManifest {
    pub digest: String,
    pub tag: Option<String>,
    pub media_type: Option<String>,
    pub manifest: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageFailure {
    pub image: ImageRef,
    pub code: String,
    pub reason: String,
}

impl ImageFailure {
    /// BatchGetImage and BatchDeleteImage report failures in the same shape.
    fn from_sdk(failure: aws_sdk_ecr::types::ImageFailure) -> Self {
        ImageFailure {
            image: failure
                .image_id
                .as_ref()
                .map(ImageRef::from_sdk)
                .unwrap_or(ImageRef {
                    digest: None,
                    tag: None,
                }),
            code: failure
                .failure_code
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            reason: failure.failure_reason.unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeleteReport {
    pub deleted: Vec<ImageRef>,
    pub failures: Vec<ImageFailure>,
}

/// BatchGetImage and BatchDeleteImage take at most this many ids per call.
const BATCH: usize = 100;

impl EcrClient {
    /// Every image of `repository`, paginated to the end.
    pub async fn describe_images(&self, repository: &str) -> Result<Vec<ImageDetail>, EcrError> {
        let mut images = Vec::new();
        self.describe_images_paged(repository, |page| images.extend(page))
            .await?;
        Ok(images)
    }

    /// Every image of `repository`, archived ones too (ECR leaves them out unless asked).
    pub async fn describe_all_images(
        &self,
        repository: &str,
    ) -> Result<Vec<ImageDetail>, EcrError> {
        let mut images = Vec::new();
        self.describe_images_where(repository, Some(ImageStatusFilter::Any), |page| {
            images.extend(page)
        })
        .await?;
        Ok(images)
    }

    /// Every active image of `repository`, handed to `on_page` one page (up to 1,000) at a time
    /// as it arrives, so a long listing can be shown while it is still being read.
    pub async fn describe_images_paged(
        &self,
        repository: &str,
        on_page: impl FnMut(Vec<ImageDetail>),
    ) -> Result<(), EcrError> {
        self.describe_images_where(repository, None, on_page).await
    }

    async fn describe_images_where(
        &self,
        repository: &str,
        status: Option<ImageStatusFilter>,
        mut on_page: impl FnMut(Vec<ImageDetail>),
    ) -> Result<(), EcrError> {
        let mut pages = self
            .sdk
            .describe_images()
            .set_registry_id(self.registry_id.clone())
            .repository_name(repository)
            .set_filter(status.map(|s| DescribeImagesFilter::builder().image_status(s).build()))
            .max_results(1000)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(EcrError::from_sdk)?;
            on_page(
                page.image_details
                    .unwrap_or_default()
                    .into_iter()
                    .map(|d| ImageDetail {
                        digest: d.image_digest.unwrap_or_default(),
                        tags: d.image_tags.unwrap_or_default(),
                        size_bytes: d.image_size_in_bytes,
                        pushed_at: d.image_pushed_at.map(|t| t.secs()),
                        last_pulled_at: d.last_recorded_pull_time.map(|t| t.secs()),
                        manifest_media_type: d.image_manifest_media_type,
                        artifact_media_type: d.artifact_media_type,
                        scan_status: d
                            .image_scan_status
                            .and_then(|s| s.status)
                            .map(|s| s.as_str().to_owned()),
                        findings: d
                            .image_scan_findings_summary
                            .and_then(|s| s.finding_severity_counts)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|(k, v)| (k.as_str().to_owned(), v))
                            .collect(),
                        image_status: d.image_status.map(|s| s.as_str().to_owned()),
                        archived_at: d.last_archived_at.map(|t| t.secs()),
                        activated_at: d.last_activated_at.map(|t| t.secs()),
                    })
                    .collect(),
            );
        }
        Ok(())
    }

    /// Moves an image to the archive storage class (`archive`) or back to standard; answers
    /// ECR's new status (`ARCHIVED`, or `ACTIVATING` while a restore runs).
    pub async fn set_image_storage_class(
        &self,
        repository: &str,
        image: &ImageRef,
        archive: bool,
    ) -> Result<String, EcrError> {
        let out = self
            .sdk
            .update_image_storage_class()
            .set_registry_id(self.registry_id.clone())
            .repository_name(repository)
            .image_id(image.to_sdk())
            .target_storage_class(if archive {
                TargetStorageClass::Archive
            } else {
                TargetStorageClass::Standard
            })
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        Ok(out
            .image_status
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default())
    }

    /// Image ids of `repository`; only untagged ones when `untagged_only`.
    pub async fn list_images(
        &self,
        repository: &str,
        untagged_only: bool,
    ) -> Result<Vec<ImageRef>, EcrError> {
        let mut request = self
            .sdk
            .list_images()
            .set_registry_id(self.registry_id.clone())
            .repository_name(repository)
            .max_results(1000);
        if untagged_only {
            request = request.filter(
                aws_sdk_ecr::types::ListImagesFilter::builder()
                    .tag_status(TagStatus::Untagged)
                    .build(),
            );
        }
        let mut pages = request.into_paginator().send();
        let mut ids = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(EcrError::from_sdk)?;
            ids.extend(
                page.image_ids
                    .unwrap_or_default()
                    .iter()
                    .map(ImageRef::from_sdk),
            );
        }
        Ok(ids)
    }

    /// Manifests of `images`, in batches of 100; ids ECR could not find are failures.
    pub async fn get_manifests(
        &self,
        repository: &str,
        images: &[ImageRef],
    ) -> Result<(Vec<FetchedManifest>, Vec<ImageFailure>), EcrError> {
        let mut found = Vec::new();
        let mut failures = Vec::new();
        for chunk in images.chunks(BATCH) {
            let out = self
                .sdk
                .batch_get_image()
                .set_registry_id(self.registry_id.clone())
                .repository_name(repository)
                .set_image_ids(Some(chunk.iter().map(ImageRef::to_sdk).collect()))
                .accepted_media_types("application/vnd.oci.image.index.v1+json")
                .accepted_media_types("application/vnd.oci.image.manifest.v1+json")
                .accepted_media_types("application/vnd.docker.distribution.manifest.list.v2+json")
                .accepted_media_types("application/vnd.docker.distribution.manifest.v2+json")
                .send()
                .await
                .map_err(EcrError::from_sdk)?;
            for image in out.images.unwrap_or_default() {
                let id = image.image_id.as_ref();
                found.push(FetchedManifest {
                    digest: id.and_then(|i| i.image_digest.clone()).unwrap_or_default(),
                    tag: id.and_then(|i| i.image_tag.clone()),
                    media_type: image.image_manifest_media_type,
                    manifest: image.image_manifest.unwrap_or_default(),
                });
            }
            failures.extend(
                out.failures
                    .unwrap_or_default()
                    .into_iter()
                    .map(ImageFailure::from_sdk),
            );
        }
        Ok((found, failures))
    }

    /// Deletes images: a tag only untags, a digest deletes the image and all its tags. Failures
    /// (such as `ImageReferencedByManifestList`) are reported per image, not as one error.
    pub async fn delete_images(
        &self,
        repository: &str,
        images: &[ImageRef],
    ) -> Result<DeleteReport, EcrError> {
        let mut report = DeleteReport::default();
        for chunk in images.chunks(BATCH) {
            let out = self
                .sdk
                .batch_delete_image()
                .set_registry_id(self.registry_id.clone())
                .repository_name(repository)
                .set_image_ids(Some(chunk.iter().map(ImageRef::to_sdk).collect()))
                .send()
                .await
                .map_err(EcrError::from_sdk)?;
            report.deleted.extend(
                out.image_ids
                    .unwrap_or_default()
                    .iter()
                    .map(ImageRef::from_sdk),
            );
            report.failures.extend(
                out.failures
                    .unwrap_or_default()
                    .into_iter()
                    .map(ImageFailure::from_sdk),
            );
        }
        Ok(report)
    }

    /// Stores `manifest` under `tag` (PutImage). Returns the image digest.
    pub async fn put_manifest(
        &self,
        repository: &str,
        tag: Option<&str>,
        manifest: &str,
        media_type: Option<&str>,
    ) -> Result<String, EcrError> {
        let out = self
            .sdk
            .put_image()
            .set_registry_id(self.registry_id.clone())
            .repository_name(repository)
            .image_manifest(manifest)
            .set_image_manifest_media_type(media_type.map(str::to_owned))
            .set_image_tag(tag.map(str::to_owned))
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        Ok(out
            .image
            .and_then(|i| i.image_id)
            .and_then(|id| id.image_digest)
            .unwrap_or_default())
    }

    /// Adds `new_tag` to the image `from` names, without moving any data.
    pub async fn retag(
        &self,
        repository: &str,
        from: &ImageRef,
        new_tag: &str,
    ) -> Result<String, EcrError> {
        let (found, failures) = self
            .get_manifests(repository, std::slice::from_ref(from))
            .await?;
        let Some(image) = found.into_iter().next() else {
            let why = failures
                .first()
                .map(|f| f.reason.clone())
                .unwrap_or_default();
            return Err(EcrError::ImageNotFound(format!(
                "{repository}:{from} ({why})"
            )));
        };
        self.put_manifest(
            repository,
            Some(new_tag),
            &image.manifest,
            image.media_type.as_deref(),
        )
        .await
    }
}
