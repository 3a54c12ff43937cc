//! What is attached to an image — signatures, SBOMs, attestations — for its detail, and the
//! attached manifests an export to an OCI layout writes beside it.

use lading_oci::referrers::referrers;
use lading_oci::Digest;

use crate::error::{Code, Error, Result};
use crate::view::ReferrerView;
use crate::AppState;

pub(crate) fn subject_digest(digest: &str) -> Result<Digest> {
    digest.parse().map_err(|_| {
        Error::new(
            Code::InvalidReference,
            format!("{digest:?} is not a digest (sha256:…)"),
        )
    })
}

/// Everything attached to `digest` in `repository`: OCI referrers (the registry's API, else the
/// referrers tag schema) and cosign's tags. Read through `/v2/`, ECR's included.
pub async fn image_referrers(
    state: &AppState,
    id: &str,
    repository: &str,
    digest: &str,
) -> Result<Vec<ReferrerView>> {
    let subject = subject_digest(digest)?;
    let client = state.registry(id).await?.client().await?;
    let found = referrers(&client, repository, &subject, None).await?;
    Ok(found.into_iter().map(ReferrerView::from).collect())
}

/// What goes with `digest` when its attached manifests are deleted too: each referrer, and the
/// referrers tag schema's index for it (which would otherwise name manifests no longer there).
pub(crate) async fn deletable_with(
    state: &AppState,
    id: &str,
    repository: &str,
    digest: &str,
) -> Result<Vec<(String, String)>> {
    let subject = subject_digest(digest)?;
    let client = state.registry(id).await?.client().await?;
    let found = referrers(&client, repository, &subject, None).await?;
    let mut going: Vec<(String, String)> = found
        .into_iter()
        .map(|r| {
            let what = r.artifact_type.unwrap_or(r.media_type);
            (r.digest, what)
        })
        .collect();
    let schema = lading_oci::referrers::schema_tag(&subject);
    match client.head_manifest(repository, &schema).await {
        Ok(Some(head)) => going.push((head.digest.to_string(), format!("index {schema}"))),
        Ok(None) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(going)
}
