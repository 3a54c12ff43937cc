//! A copy onto tags that already name other images moves them: those images lose the name (and
//! may be left untagged, where an "expire untagged" lifecycle rule deletes them). The user is
//! asked natively first, with each tag's image now and after; a tag already on the image, or a
//! new one, asks nothing.

use lading_oci::RegistryClient;

use crate::confirm::{count, listed, registry_place, short_digest, Question};
use crate::error::Result;
use crate::{AppState, Registry};

/// Asks before the tags in `now` (tag, the digest it names now) move to `image` in
/// `repository`; tags already on the image ask nothing. `Ok` when none moves or the user said yes.
async fn ask(
    state: &AppState,
    place: &lading_config::RegistryEntry,
    repository: &str,
    image: &str,
    now: Vec<(String, String)>,
) -> Result<()> {
    let moving: Vec<(String, String)> = now.into_iter().filter(|(_, d)| d != image).collect();
    if moving.is_empty() {
        return Ok(());
    }
    let n = count(moving.len(), "tag");
    state
        .confirm(Question {
            title: format!("Move {n} in {repository}?"),
            detail: format!(
                "In {}, repository {repository}, these tags name other images now; the copy moves them to {}:\n{}\n\nThe images they name now stay, reachable by digest, untagged if it was their only tag.",
                registry_place(place),
                short_digest(image),
                listed(
                    moving
                        .iter()
                        .map(|(tag, now)| format!("{tag} — now {}", short_digest(now))),
                    12
                ),
            ),
            yes: format!("Move {n}"),
        })
        .await
}

/// Before a copy between registries (or repositories): where each of `tags` points in the
/// target now, read from the registry. A source that cannot be read asks nothing (the copy then
/// fails on it and writes nothing).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn confirm_copy(
    state: &AppState,
    source: &RegistryClient,
    repository: &str,
    reference: &str,
    target: &RegistryClient,
    target_place: &lading_config::RegistryEntry,
    target_repository: &str,
    tags: &[String],
) -> Result<()> {
    if tags.is_empty() {
        return Ok(());
    }
    let Some(image) = source.head_manifest(repository, reference).await? else {
        return Ok(());
    };
    let mut now = Vec::new();
    for tag in tags {
        if let Some(head) = target.head_manifest(target_repository, tag).await? {
            now.push((tag.clone(), head.digest.to_string()));
        }
    }
    ask(
        state,
        target_place,
        target_repository,
        image.digest.as_str(),
        now,
    )
    .await
}

/// Before an ECR retag in place: where each tag points now, read through the ECR API (which
/// works where the registry endpoint is out of reach). Tags ECR does not know are new.
pub(crate) async fn confirm_retag(
    state: &AppState,
    registry: &Registry,
    repository: &str,
    reference: &str,
    tags: &[String],
) -> Result<()> {
    let Some(ecr) = registry.ecr().await? else {
        return Ok(());
    };
    // One id per BatchGetImage: which image answers for a tag is then beyond doubt (an image
    // with several tags may be reported under any of them).
    let digest_of = |reference: String| async move {
        let (found, _missing) = ecr
            .get_manifests(repository, &[lading_ecr::ImageRef::parse(&reference)])
            .await?;
        Ok::<_, crate::Error>(found.into_iter().next().map(|m| m.digest))
    };
    let Some(image) = digest_of(reference.to_owned()).await? else {
        return Ok(());
    };
    let mut now = Vec::new();
    for tag in tags {
        if let Some(digest) = digest_of(tag.clone()).await? {
            now.push((tag.clone(), digest));
        }
    }
    ask(state, registry.entry(), repository, &image, now).await
}
