//! ECR's archive storage class: a repository's archived images (ECR lists them only when asked),
//! and moving images to the archive or back, each after the user's native yes — an archived image
//! cannot be pulled, and ECR bills it for at least its minimum archive duration.

use futures_util::stream::{self, StreamExt};

use crate::confirm::{check_repository, count, listed, registry_place, short_digest, Question};
use crate::error::{Code, Error, Result};
use crate::view::{ArchivedImage, DeleteFailure, StorageClassChange, StorageClassResult};
use crate::AppState;

const ARCHIVE_IS_ECR: &str = "the archive storage class is an ECR feature; this registry has none";
/// Questions list this many images, then "… and N more".
const SHOWN: usize = 12;
/// UpdateImageStorageClass calls in flight at once.
const CALLS_AT_ONCE: usize = 4;

/// The repository's images in the archive class, and those being restored (`ACTIVATING`), newest
/// archived first.
pub async fn archived_images(
    state: &AppState,
    id: &str,
    repository: &str,
) -> Result<Vec<ArchivedImage>> {
    check_repository(repository)?;
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(ARCHIVE_IS_ECR).await?;
    Ok(archived_of(ecr.describe_all_images(repository).await?))
}

/// The archived (and being restored) images among `details`, newest archived first.
fn archived_of(details: Vec<lading_ecr::ImageDetail>) -> Vec<ArchivedImage> {
    let mut archived: Vec<ArchivedImage> = details
        .into_iter()
        .filter(|d| matches!(d.image_status.as_deref(), Some("ARCHIVED" | "ACTIVATING")))
        .map(|d| ArchivedImage {
            digest: d.digest,
            tags: d.tags,
            size: d.size_bytes,
            pushed_at: d.pushed_at,
            status: d.image_status.unwrap_or_default(),
            archived_at: d.archived_at,
            activated_at: d.activated_at,
        })
        .collect();
    archived.sort_by_key(|i| std::cmp::Reverse(i.archived_at));
    archived
}

/// Moves `images` (digest and the tags to name it by) to the archive class (`archive`) or back to
/// standard, once the user says yes. Each image is asked for on its own (a few at once); what ECR
/// refuses for one is reported and the others still move.
pub async fn set_storage_class(
    state: &AppState,
    id: &str,
    repository: &str,
    digests: &[String],
    archive: bool,
) -> Result<StorageClassResult> {
    check_repository(repository)?;
    if digests.is_empty() {
        return Err(Error::new(Code::InvalidReference, "no image chosen"));
    }
    for digest in digests {
        lading_oci::reference::validate_digest(digest).map_err(|why| {
            Error::new(
                Code::InvalidReference,
                format!("{digest:?} is not a digest ({why})"),
            )
        })?;
    }
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(ARCHIVE_IS_ECR).await?;
    // Name each image by its tags where the window's listing knows them.
    let rows = state.listings.get(id, repository);
    let lines = digests.iter().map(|digest| {
        let tags = rows
            .as_ref()
            .and_then(|rows| rows.iter().find(|r| &r.digest == digest))
            .map(|r| r.tags.clone())
            .unwrap_or_default();
        if tags.is_empty() {
            short_digest(digest)
        } else {
            format!("{} — {}", short_digest(digest), tags.join(", "))
        }
    });
    let n = count(digests.len(), "image");
    let question = if archive {
        Question {
            title: format!("Archive {n} in {repository}?"),
            detail: format!(
                "In {}, repository {repository}, these move to the archive storage class:\n{}\n\nAn archived image cannot be pulled until it is restored, and restoring takes a while and is charged per GB. ECR bills an archived image for at least {} days, even if it is deleted or restored sooner.",
                registry_place(registry.entry()),
                listed(lines, SHOWN),
                lading_ecr::lifecycle::MIN_ARCHIVE_DAYS,
            ),
            yes: format!("Archive {n}"),
        }
    } else {
        Question {
            title: format!("Restore {n} in {repository}?"),
            detail: format!(
                "In {}, repository {repository}, these return to the standard storage class:\n{}\n\nECR charges the retrieval per GB. They can be pulled once ECR lists them as active again; until then they show as activating. One archived less than {} days ago is still billed for the rest of them.",
                registry_place(registry.entry()),
                listed(lines, SHOWN),
                lading_ecr::lifecycle::MIN_ARCHIVE_DAYS,
            ),
            yes: format!("Restore {n}"),
        }
    };
    state.confirm(question).await?;
    // Whatever happens next, the kept listing (active images only) may no longer be true.
    state.listings.forget(id, Some(repository));
    // A few at a time, in the order asked (UpdateImageStorageClass takes one image per call).
    // Owned per call: the shell's command future must not borrow across its awaits.
    let calls = digests.iter().cloned().map(|digest| {
        let (ecr, repository) = (ecr.clone(), repository.to_owned());
        async move {
            let image = lading_ecr::ImageRef::parse(&digest);
            let outcome = ecr
                .set_image_storage_class(&repository, &image, archive)
                .await;
            (digest, outcome)
        }
    });
    let outcomes: Vec<_> = stream::iter(calls).buffered(CALLS_AT_ONCE).collect().await;
    let mut result = StorageClassResult {
        changed: Vec::new(),
        failures: Vec::new(),
    };
    for (digest, outcome) in outcomes {
        match outcome {
            Ok(status) => result.changed.push(StorageClassChange { digest, status }),
            Err(e) => {
                let e = Error::from(e);
                result.failures.push(DeleteFailure {
                    reference: digest,
                    reason: e.message,
                    code: e.code,
                });
            }
        }
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(
        digest: &str,
        status: Option<&str>,
        archived_at: Option<i64>,
    ) -> lading_ecr::ImageDetail {
        lading_ecr::ImageDetail {
            digest: digest.into(),
            tags: vec![],
            size_bytes: Some(10),
            pushed_at: Some(1),
            last_pulled_at: None,
            manifest_media_type: None,
            artifact_media_type: None,
            scan_status: None,
            findings: Default::default(),
            image_status: status.map(Into::into),
            archived_at,
            activated_at: None,
        }
    }

    #[test]
    fn only_archived_and_restoring_images_newest_archived_first() {
        let got = archived_of(vec![
            detail("sha256:a", Some("ACTIVE"), None),
            detail("sha256:b", Some("ARCHIVED"), Some(100)),
            detail("sha256:c", Some("ACTIVATING"), Some(300)),
            detail("sha256:d", None, None),
            detail("sha256:e", Some("ARCHIVED"), Some(200)),
        ]);
        let order: Vec<(&str, &str)> = got
            .iter()
            .map(|i| (i.digest.as_str(), i.status.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                ("sha256:c", "ACTIVATING"),
                ("sha256:e", "ARCHIVED"),
                ("sha256:b", "ARCHIVED")
            ]
        );
    }
}
