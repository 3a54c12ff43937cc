//! Deleting images and removing tags. Both are bound to a confirmation (see `confirm`).

use crate::error::Result;
use crate::view::DeleteResult;
use crate::AppState;

/// Deletes images by digest (every tag on them goes too) and removes tags (`untag`: the image
/// stays, perhaps untagged). Failures are reported per reference.
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

/// What a confirmation token for deleting exactly these images is bound to.
pub fn delete_target(id: &str, repository: &str, digests: &[String]) -> String {
    let mut sorted = digests.to_vec();
    sorted.sort();
    format!("{id}/{repository}@{}", sorted.join(","))
}

/// [`delete_images`] by digest only, with the token the confirmation dialog got for exactly these.
pub async fn delete_confirmed(
    state: &AppState,
    confirmations: &crate::confirm::Confirmations,
    id: &str,
    repository: &str,
    digests: &[String],
    confirmation: Option<&str>,
) -> Result<DeleteResult> {
    if let Some(tag) = digests.iter().find(|d| !d.starts_with("sha256:")) {
        return Err(crate::Error::new(
            crate::Code::InvalidReference,
            format!("{tag} is not a digest; removing a tag is untag_images"),
        ));
    }
    let target = delete_target(id, repository, digests);
    confirmations.redeem(confirmation, "delete_images", &target)?;
    delete_images(state, id, repository, digests).await
}

/// Removes tags (the images stay), with the token the confirmation dialog got for exactly these.
pub async fn untag_confirmed(
    state: &AppState,
    confirmations: &crate::confirm::Confirmations,
    id: &str,
    repository: &str,
    tags: &[String],
    confirmation: Option<&str>,
) -> Result<DeleteResult> {
    // Only tag names: a digest-looking "tag" (sha512:…, anything with ':') would delete a
    // manifest, not remove a name.
    for tag in tags {
        if let Err(why) = lading_oci::reference::validate_tag(tag) {
            let message = if tag.contains(':') {
                format!("{tag} is a digest, not a tag")
            } else {
                format!("{tag:?} is not a tag: {why}")
            };
            return Err(crate::Error::new(crate::Code::InvalidReference, message));
        }
    }
    let target = delete_target(id, repository, tags);
    confirmations.redeem(confirmation, "untag_images", &target)?;
    delete_images(state, id, repository, tags).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn untag_takes_only_tag_names() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::new(lading_config::ConfigStore::load(dir.path()).unwrap(), None);
        let confirmations = crate::confirm::Confirmations::default();
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
            let err = untag_confirmed(
                &state,
                &confirmations,
                "oci:r",
                "team/app",
                &[not_a_tag],
                None,
            )
            .await
            .unwrap_err();
            assert_eq!(err.code, crate::Code::InvalidReference);
            assert!(err.message.contains(says), "{}", err.message);
        }
    }
}
