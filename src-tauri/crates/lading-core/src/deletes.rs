//! Deleting images and removing tags, each only after the user's native yes to a question that
//! names exactly what goes.

use lading_config::RegistryKind;

use crate::confirm::{check_repository, count, listed, registry_place, short_digest, Question};
use crate::error::{Code, Error, Result};
use crate::view::{DeleteResult, ImageRow};
use crate::AppState;

/// Questions list this many references, then "… and N more".
const SHOWN: usize = 12;

/// Deletes images by digest (every tag on them goes too) and removes tags (`untag`: the image
/// stays, perhaps untagged). Failures are reported per reference. Asks no one: callers ask.
pub async fn delete_images(
    state: &AppState,
    id: &str,
    repository: &str,
    references: &[String],
) -> Result<DeleteResult> {
    // Whatever happens next, the kept listing may no longer be true.
    state.listings.forget(id, Some(repository));
    state
        .registry(id)
        .await?
        .delete(repository, references)
        .await
}

/// The rows of the kept listing (what the window shows), when there is one.
fn kept_rows(
    state: &AppState,
    id: &str,
    repository: &str,
) -> Option<std::sync::Arc<Vec<ImageRow>>> {
    state.listings.get(id, repository)
}

/// Deletes the images `digests` (and every tag on them) once the user says yes; with
/// `with_attached`, what is attached to them too (signatures, SBOMs, attestations).
pub async fn delete(
    state: &AppState,
    id: &str,
    repository: &str,
    digests: &[String],
    with_attached: bool,
) -> Result<DeleteResult> {
    check_repository(repository)?;
    if digests.is_empty() {
        return Err(Error::new(Code::InvalidReference, "no image to delete"));
    }
    for digest in digests {
        lading_oci::reference::validate_digest(digest).map_err(|why| {
            let hint = if lading_oci::reference::validate_tag(digest).is_ok() {
                "; removing a tag is untag_images".to_owned()
            } else {
                String::new()
            };
            Error::new(
                Code::InvalidReference,
                format!("{digest:?} is not a digest ({why}){hint}"),
            )
        })?;
    }
    let entry = state.entry(id).await?;
    let rows = kept_rows(state, id, repository);
    let lines = digests.iter().map(|digest| {
        let tags = rows
            .as_ref()
            .and_then(|rows| rows.iter().find(|r| &r.digest == digest))
            .map(|r| r.tags.clone());
        match tags {
            Some(tags) if tags.is_empty() => format!("{} (untagged)", short_digest(digest)),
            Some(tags) => format!("{} — {}", short_digest(digest), tags.join(", ")),
            None => format!("{} (with its tags)", short_digest(digest)),
        }
    });
    let lines: Vec<String> = lines.collect();
    let mut attached: Vec<(String, String)> = Vec::new();
    if with_attached {
        for digest in digests {
            for going in crate::attached::deletable_with(state, id, repository, digest).await? {
                if !digests.contains(&going.0) && !attached.iter().any(|a| a.0 == going.0) {
                    attached.push(going);
                }
            }
        }
    }
    let n = count(digests.len(), "image");
    let also = if attached.is_empty() {
        String::new()
    } else {
        format!(
            "\n\nAnd what is attached to them:\n{}",
            listed(
                attached
                    .iter()
                    .map(|(digest, what)| format!("{} — {what}", short_digest(digest))),
                SHOWN
            )
        )
    };
    state
        .confirm(Question {
            title: format!("Delete {n} from {repository}?"),
            detail: format!(
                "From {}, repository {repository}, these images and every tag on them are deleted:\n{}{also}\n\nThis cannot be undone.",
                registry_place(&entry),
                listed(lines.into_iter(), SHOWN)
            ),
            yes: format!("Delete {n}"),
        })
        .await?;
    let mut all = digests.to_vec();
    all.extend(attached.into_iter().map(|(digest, _)| digest));
    delete_images(state, id, repository, &all).await
}

/// Removes the tags `tags` (on ECR an image whose last tag goes is deleted) once the user says yes.
pub async fn untag(
    state: &AppState,
    id: &str,
    repository: &str,
    tags: &[String],
) -> Result<DeleteResult> {
    check_repository(repository)?;
    if tags.is_empty() {
        return Err(Error::new(Code::InvalidReference, "no tag to remove"));
    }
    // Only tag names: a digest-looking "tag" (sha512:…, anything with ':') would delete a
    // manifest, not remove a name.
    for tag in tags {
        if let Err(why) = lading_oci::reference::validate_tag(tag) {
            let message = if tag.contains(':') {
                format!("{tag} is a digest, not a tag")
            } else {
                format!("{tag:?} is not a tag: {why}")
            };
            return Err(Error::new(Code::InvalidReference, message));
        }
    }
    let entry = state.entry(id).await?;
    let mut detail = format!(
        "From {}, repository {repository}, these tags are removed:\n{}",
        registry_place(&entry),
        listed(tags.iter().cloned(), SHOWN)
    );
    if matches!(entry.kind, RegistryKind::Ecr { .. }) {
        // ECR deletes an image with its last tag: say which, when the kept listing shows it.
        let orphaned: Option<Vec<String>> = kept_rows(state, id, repository).map(|rows| {
            rows.iter()
                .filter(|r| !r.tags.is_empty() && r.tags.iter().all(|t| tags.contains(t)))
                .map(|r| short_digest(&r.digest))
                .collect()
        });
        match orphaned {
            Some(gone) if gone.is_empty() => {
                detail.push_str("\n\nEvery image keeps at least one other tag.")
            }
            Some(gone) => detail.push_str(&format!(
                "\n\nECR deletes an image when its last tag goes: {} deleted too:\n{}\n\nThis cannot be undone.",
                if gone.len() == 1 { "this image is" } else { "these images are" },
                listed(gone, SHOWN)
            )),
            None => detail.push_str(
                "\n\nECR deletes an image when its last tag goes, so an image with no other tag is deleted too. This cannot be undone.",
            ),
        }
    } else {
        detail.push_str("\n\nThe images stay, reachable by digest.");
    }
    let n = count(tags.len(), "tag");
    state
        .confirm(Question {
            title: format!("Remove {n} from {repository}?"),
            detail,
            yes: format!("Remove {n}"),
        })
        .await?;
    delete_images(state, id, repository, tags).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn untag_takes_only_tag_names_and_delete_only_digests() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::new(lading_config::ConfigStore::load(dir.path()).unwrap(), None);
        for (not_a_tag, says) in [
            (
                "sha512:".to_owned() + &"a".repeat(128),
                "is a digest, not a tag",
            ),
            (
                "sha256:".to_owned() + &"b".repeat(64),
                "is a digest, not a tag",
            ),
            ("-rc1".to_owned(), "is not a tag"),
            (String::new(), "is not a tag"),
        ] {
            let err = untag(&state, "oci:r", "team/app", &[not_a_tag])
                .await
                .unwrap_err();
            assert_eq!(err.code, Code::InvalidReference);
            assert!(err.message.contains(says), "{}", err.message);
        }
        for not_a_digest in ["latest", "sha256:abc", "md5:0123"] {
            let err = delete(
                &state,
                "oci:r",
                "team/app",
                &[not_a_digest.to_owned()],
                false,
            )
            .await
            .unwrap_err();
            assert_eq!(err.code, Code::InvalidReference, "{not_a_digest}");
        }
        let digest = "sha256:".to_owned() + &"c".repeat(64);
        let err = delete(&state, "oci:r", "Team/App\nsafe", &[digest], false)
            .await
            .unwrap_err();
        assert_eq!(err.code, Code::InvalidReference);
    }
}
