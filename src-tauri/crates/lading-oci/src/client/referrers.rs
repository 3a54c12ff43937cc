//! The OCI 1.1 referrers API: `GET /v2/<name>/referrers/<digest>`, an index of the manifests
//! whose `subject` is that digest.

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT};
use reqwest::{Method, StatusCode};

use super::manifests::pull_scope;
use super::RegistryClient;
use crate::digest::Digest;
use crate::error::OciError;
use crate::manifest::media_types::OCI_INDEX;

/// A referrers index larger than this is refused (a page of descriptors, not a blob).
const MAX_REFERRERS_BYTES: usize = 4 * 1024 * 1024;

impl RegistryClient {
    /// The referrers index of `subject`, or `None` where the registry has no referrers API (the
    /// spec's 404; some registries answer 400 or 405 for a route they do not know).
    pub async fn referrers_index(
        &self,
        repository: &str,
        subject: &Digest,
    ) -> Result<Option<bytes::Bytes>, OciError> {
        crate::reference::validate_repository(repository).map_err(|reason| {
            OciError::InvalidReference {
                input: repository.to_owned(),
                reason,
            }
        })?;
        let url = self.url(&format!("/v2/{repository}/referrers/{subject}"))?;
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static(OCI_INDEX));
        let what = format!("referrers of {repository}@{subject}");
        let answer = self
            .fetch_small(
                Method::GET,
                url,
                Some(&pull_scope(repository)),
                headers,
                MAX_REFERRERS_BYTES,
                &what,
                OciError::InvalidManifest,
            )
            .await?;
        if matches!(
            answer.status,
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED | StatusCode::BAD_REQUEST
        ) {
            return Ok(None);
        }
        Ok(Some(self.check_answer(answer, || what.clone())?.body))
    }
}
