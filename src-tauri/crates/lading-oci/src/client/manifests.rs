//! GET/HEAD/PUT/DELETE of manifests, keeping the exact bytes.

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE};
use reqwest::{Method, StatusCode};

use super::{digest_header, RegistryClient};
use crate::digest::Digest;
use crate::error::OciError;
use crate::manifest::{RawManifest, MANIFEST_ACCEPT};
use crate::reference::validate_repository;

/// What a HEAD of a manifest tells without fetching it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestHead {
    pub digest: Digest,
    pub media_type: String,
    pub size: u64,
}

/// Manifests larger than this are refused (the distribution spec suggests 4 MiB).
const MAX_MANIFEST_BYTES: usize = 4 * 1024 * 1024;

impl RegistryClient {
    /// The manifest at `reference` (tag or digest). When `reference` is a digest, the bytes are
    /// verified against it.
    pub async fn get_manifest(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<RawManifest, OciError> {
        let url = self.manifest_url(repository, reference)?;
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static(MANIFEST_ACCEPT));
        let scope = pull_scope(repository);
        let what = format!("manifest {repository}:{reference}");
        let answer = self
            .fetch_small(
                Method::GET,
                url,
                Some(&scope),
                headers,
                MAX_MANIFEST_BYTES,
                &what,
                OciError::InvalidManifest,
            )
            .await?;
        let answer = self.check_answer(answer, || what.clone())?;
        let content_type = answer
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = answer.body;
        let manifest = RawManifest::new(bytes, content_type.as_deref())?;
        if let Ok(expected) = reference.parse::<Digest>() {
            if expected != manifest.digest {
                return Err(OciError::DigestMismatch {
                    what: format!("manifest {repository}@{expected}"),
                    expected: expected.to_string(),
                    actual: manifest.digest.to_string(),
                });
            }
        }
        Ok(manifest)
    }

    /// HEAD of a manifest: `None` when it does not exist.
    pub async fn head_manifest(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<Option<ManifestHead>, OciError> {
        let url = self.manifest_url(repository, reference)?;
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static(MANIFEST_ACCEPT));
        let scope = pull_scope(repository);
        let response = self
            .send_with(Method::HEAD, url, Some(&scope), headers, None)
            .await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let response = self
            .check(response, || format!("manifest {repository}:{reference}"))
            .await?;
        let digest = match digest_header(&response) {
            Some(d) => d,
            // Without Docker-Content-Digest we cannot know the digest without the bytes.
            None => {
                return Ok(Some(
                    self.manifest_head_by_get(repository, reference).await?,
                ))
            }
        };
        let media_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        Ok(Some(ManifestHead {
            digest,
            media_type,
            size: response.content_length().unwrap_or(0),
        }))
    }

    async fn manifest_head_by_get(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<ManifestHead, OciError> {
        let m = self.get_manifest(repository, reference).await?;
        Ok(ManifestHead {
            size: m.bytes.len() as u64,
            digest: m.digest,
            media_type: m.media_type,
        })
    }

    /// Stores `manifest` under `reference` (a tag, or its own digest). Returns the digest the
    /// registry reports, which must equal ours.
    pub async fn put_manifest(
        &self,
        repository: &str,
        reference: &str,
        manifest: &RawManifest,
    ) -> Result<Digest, OciError> {
        let url = self.manifest_url(repository, reference)?;
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_str(&manifest.media_type)
                .map_err(|_| OciError::InvalidManifest("bad media type".into()))?,
        );
        let scope = push_scope(repository);
        let response = self
            .send_with(
                Method::PUT,
                url,
                Some(&scope),
                headers,
                Some(manifest.bytes.clone()),
            )
            .await?;
        let response = self
            .check(response, || format!("manifest {repository}:{reference}"))
            .await?;
        if let Some(reported) = digest_header(&response) {
            if reported != manifest.digest {
                return Err(OciError::DigestMismatch {
                    what: format!("manifest stored at {repository}:{reference}"),
                    expected: manifest.digest.to_string(),
                    actual: reported.to_string(),
                });
            }
        }
        Ok(manifest.digest.clone())
    }

    /// Deletes the manifest `digest` (and with it every tag that points to it).
    pub async fn delete_manifest(&self, repository: &str, digest: &Digest) -> Result<(), OciError> {
        let url = self.manifest_url(repository, digest.as_str())?;
        let scope = format!("repository:{repository}:delete");
        let response = self.send(Method::DELETE, url, Some(&scope)).await?;
        self.check(response, || format!("manifest {repository}@{digest}"))
            .await?;
        Ok(())
    }

    /// Removes the tag `tag` alone, leaving the manifest (distribution spec 1.1). Registries that
    /// cannot (CNCF distribution 2.x answers 400 DIGEST_INVALID, others 405) give
    /// [`OciError::TagDeletionUnsupported`].
    pub async fn delete_tag(&self, repository: &str, tag: &str) -> Result<(), OciError> {
        if tag.parse::<Digest>().is_ok() {
            return Err(OciError::InvalidReference {
                input: tag.to_owned(),
                reason: "a digest, not a tag",
            });
        }
        let url = self.manifest_url(repository, tag)?;
        let scope = format!("repository:{repository}:delete");
        let response = self.send(Method::DELETE, url, Some(&scope)).await?;
        match self
            .check(response, || format!("tag {repository}:{tag}"))
            .await
        {
            Err(OciError::Registry {
                registry, status, ..
            }) if status == 400 || status == 405 => {
                Err(OciError::TagDeletionUnsupported { registry, status })
            }
            other => other.map(|_| ()),
        }
    }

    fn manifest_url(&self, repository: &str, reference: &str) -> Result<url::Url, OciError> {
        validate_repository(repository).map_err(|reason| OciError::InvalidReference {
            input: repository.to_owned(),
            reason,
        })?;
        if reference.parse::<Digest>().is_err() {
            crate::reference::validate_tag(reference).map_err(|reason| {
                OciError::InvalidReference {
                    input: reference.to_owned(),
                    reason,
                }
            })?;
        }
        self.url(&format!("/v2/{repository}/manifests/{reference}"))
    }
}

pub(crate) fn pull_scope(repository: &str) -> String {
    format!("repository:{repository}:pull")
}

pub(crate) fn push_scope(repository: &str) -> String {
    format!("repository:{repository}:pull,push")
}

/// Wraps bytes we built ourselves (e.g. a manifest for a pushed archive).
pub fn manifest_from_bytes(bytes: Vec<u8>, media_type: &str) -> Result<RawManifest, OciError> {
    RawManifest::new(Bytes::from(bytes), Some(media_type))
}
