//! Blob existence, verified downloads, cross-repository mounts and uploads (monolithic for small
//! blobs, one streamed PATCH for large ones).

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use reqwest::{Method, Response, StatusCode};
use tokio::sync::oneshot;
use url::Url;

use super::manifests::{pull_scope, push_scope};
use super::RegistryClient;
use crate::digest::{Digest, Sha256Hasher};
use crate::error::OciError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MountOutcome {
    Mounted,
    /// The registry refused (or does not support) the mount; the caller uploads instead.
    NotMounted,
}

/// A blob being downloaded; [`BlobDownload::chunk`] hashes as it reads and fails at the end if
/// the bytes do not match the digest.
pub struct BlobDownload {
    response: Response,
    hasher: Sha256Hasher,
    read: u64,
    expected: Digest,
    what: String,
    /// The size the registry announced, if it did.
    pub size: Option<u64>,
}

impl BlobDownload {
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, OciError> {
        let next = self
            .response
            .chunk()
            .await
            .map_err(|e| OciError::Unreachable {
                registry: self
                    .response
                    .url()
                    .host_str()
                    .unwrap_or_default()
                    .to_owned(),
                reason: format!("download of {} broke off: {}", self.what, e.without_url()),
            })?;
        match next {
            Some(bytes) => {
                self.hasher.update(&bytes);
                self.read += bytes.len() as u64;
                Ok(Some(bytes))
            }
            None => {
                let actual = std::mem::take(&mut self.hasher).finish();
                if actual != self.expected {
                    return Err(OciError::DigestMismatch {
                        what: self.what.clone(),
                        expected: self.expected.to_string(),
                        actual: actual.to_string(),
                    });
                }
                Ok(None)
            }
        }
    }

    pub fn bytes_read(&self) -> u64 {
        self.read
    }
}

impl RegistryClient {
    /// The blob's size if `repository` has it, `None` if not.
    pub async fn blob_exists(
        &self,
        repository: &str,
        digest: &Digest,
    ) -> Result<Option<u64>, OciError> {
        let url = self.url(&format!("/v2/{repository}/blobs/{digest}"))?;
        let scope = pull_scope(repository);
        let response = self.send(Method::HEAD, url, Some(&scope)).await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let response = self
            .check(response, || format!("blob {repository}@{digest}"))
            .await?;
        Ok(Some(response.content_length().unwrap_or(0)))
    }

    pub async fn get_blob(
        &self,
        repository: &str,
        digest: &Digest,
    ) -> Result<BlobDownload, OciError> {
        let url = self.url(&format!("/v2/{repository}/blobs/{digest}"))?;
        let scope = pull_scope(repository);
        let response = self.send(Method::GET, url, Some(&scope)).await?;
        let response = self
            .check(response, || format!("blob {repository}@{digest}"))
            .await?;
        Ok(BlobDownload {
            size: response.content_length(),
            response,
            hasher: Sha256Hasher::new(),
            read: 0,
            expected: digest.clone(),
            what: format!("blob {repository}@{digest}"),
        })
    }

    /// The whole blob in memory, verified. For configs and other small blobs only.
    pub async fn get_blob_bytes(
        &self,
        repository: &str,
        digest: &Digest,
    ) -> Result<Bytes, OciError> {
        let mut download = self.get_blob(repository, digest).await?;
        let mut out = Vec::with_capacity(download.size.unwrap_or(0).min(16 << 20) as usize);
        while let Some(chunk) = download.chunk().await? {
            out.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(out))
    }

    /// Asks the registry to link `digest` from `from_repository` into `repository` without a
    /// transfer. A refusal (202: an upload was started instead) is cancelled and reported as
    /// [`MountOutcome::NotMounted`].
    pub async fn mount_blob(
        &self,
        repository: &str,
        digest: &Digest,
        from_repository: &str,
    ) -> Result<MountOutcome, OciError> {
        let mut url = self.url(&format!("/v2/{repository}/blobs/uploads/"))?;
        url.query_pairs_mut()
            .append_pair("mount", digest.as_str())
            .append_pair("from", from_repository);
        let scope = format!("{} {}", push_scope(repository), pull_scope(from_repository));
        let response = self.send(Method::POST, url, Some(&scope)).await?;
        match response.status() {
            StatusCode::CREATED => Ok(MountOutcome::Mounted),
            StatusCode::ACCEPTED => {
                if let Ok(location) = self.location(&response) {
                    let _ = self.send(Method::DELETE, location, Some(&scope)).await;
                }
                Ok(MountOutcome::NotMounted)
            }
            _ => {
                self.check(response, || format!("mount of {digest} into {repository}"))
                    .await?;
                Ok(MountOutcome::NotMounted)
            }
        }
    }

    /// Uploads a small blob in one request (POST, then PUT with the bytes).
    pub async fn push_blob_bytes(
        &self,
        repository: &str,
        digest: &Digest,
        data: Bytes,
    ) -> Result<(), OciError> {
        let actual = Digest::sha256_of(&data);
        if &actual != digest {
            return Err(OciError::DigestMismatch {
                what: format!("blob for {repository}"),
                expected: digest.to_string(),
                actual: actual.to_string(),
            });
        }
        let mut url = self.start_upload(repository).await?;
        url.query_pairs_mut().append_pair("digest", digest.as_str());
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        );
        headers.insert(CONTENT_LENGTH, HeaderValue::from(data.len()));
        let scope = push_scope(repository);
        let response = self
            .send_with(Method::PUT, url, Some(&scope), headers, Some(data))
            .await?;
        self.check(response, || format!("upload of {digest} to {repository}"))
            .await?;
        Ok(())
    }

    /// Uploads a blob whose bytes arrive as a stream and whose digest is only known at its end
    /// (compressing while uploading): POST, one streamed PATCH, then PUT `?digest=`.
    pub async fn push_blob_stream(
        &self,
        repository: &str,
        body: reqwest::Body,
        digest: oneshot::Receiver<Result<Digest, OciError>>,
    ) -> Result<Digest, OciError> {
        let url = self.start_upload(repository).await?;
        let scope = push_scope(repository);
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        );
        let response = self
            .send_stream(Method::PATCH, url.clone(), &scope, headers, body)
            .await;
        // If the producer failed (bad input), its error explains more than the broken upload.
        let response = match response {
            Ok(r) => r,
            Err(upload_error) => {
                let _ = self.send(Method::DELETE, url, Some(&scope)).await;
                // The producer's own failure (a bad layer) explains more than the broken upload,
                // unless it only stopped because the upload went away.
                return Err(match digest.await {
                    Ok(Err(source_error)) if !matches!(source_error, OciError::Cancelled) => {
                        source_error
                    }
                    _ => upload_error,
                });
            }
        };
        let digest = match digest.await {
            Ok(Ok(d)) => d,
            Ok(Err(source_error)) => {
                let _ = self.send(Method::DELETE, url, Some(&scope)).await;
                return Err(source_error);
            }
            Err(_) => {
                return Err(OciError::Io(
                    "the blob producer stopped without a digest".into(),
                ))
            }
        };
        let response = self
            .check(response, || format!("upload to {repository}"))
            .await?;
        let mut url = self.location(&response)?;
        url.query_pairs_mut().append_pair("digest", digest.as_str());
        let response = self.send(Method::PUT, url, Some(&scope)).await?;
        self.check(response, || format!("upload of {digest} to {repository}"))
            .await?;
        Ok(digest)
    }

    async fn start_upload(&self, repository: &str) -> Result<Url, OciError> {
        let url = self.url(&format!("/v2/{repository}/blobs/uploads/"))?;
        let scope = push_scope(repository);
        let response = self.send(Method::POST, url, Some(&scope)).await?;
        let response = self
            .check(response, || format!("upload to {repository}"))
            .await?;
        self.location(&response)
    }

    /// `Location` may be relative or absolute; resolve it against the request URL.
    fn location(&self, response: &Response) -> Result<Url, OciError> {
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| self.protocol("an upload answer without a Location header"))?;
        response
            .url()
            .join(location)
            .map_err(|_| self.protocol("an upload Location that is not a URL"))
    }
}
