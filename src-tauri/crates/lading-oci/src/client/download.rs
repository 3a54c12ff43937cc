//! Verified blob downloads: hashed as they are read, held to their declared size, resumed with
//! `Range` when the connection breaks.

use bytes::Bytes;
use reqwest::header::{HeaderValue, CONTENT_RANGE, RANGE};
use reqwest::{Method, Response, StatusCode};
use url::Url;

use super::manifests::pull_scope;
use super::RegistryClient;
use crate::digest::{Digest, Sha256Hasher};
use crate::error::OciError;

/// A blob being downloaded; [`BlobDownload::chunk`] hashes as it reads and fails at the end if
/// the bytes do not match the digest. A download that breaks off (a reset) resumes with
/// `Range` from the last byte received — the hash simply goes on — a few times at most.
pub struct BlobDownload {
    response: Response,
    hasher: Sha256Hasher,
    read: u64,
    /// `read` when the current answer began: a stall with no progress since is not resumed.
    read_at_answer: u64,
    expected: Digest,
    what: String,
    /// The idle timeout, for the message when the registry stalls mid-blob.
    idle: std::time::Duration,
    resume: Resume,
    /// Bytes still to drop from the body: a registry that ignored `Range` sends the blob again.
    skip: u64,
    /// The size its descriptor gives: never read past it, and the blob must be exactly it.
    declared: Option<u64>,
    /// The size the registry announced, if it did.
    pub size: Option<u64>,
}

/// How to ask for the rest of a blob: the registry's own URL (not a redirect's, which may have
/// expired), with our authorization for it.
struct Resume {
    http: reqwest::Client,
    url: Url,
    authorization: Option<HeaderValue>,
    attempts_left: u32,
}

/// Resumes per download, at most.
const RESUMES: u32 = 3;

impl BlobDownload {
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, OciError> {
        loop {
            match self.response.chunk().await {
                Ok(Some(mut bytes)) => {
                    if self.skip > 0 {
                        let n = self.skip.min(bytes.len() as u64);
                        bytes = bytes.slice(n as usize..);
                        self.skip -= n;
                        if bytes.is_empty() {
                            continue;
                        }
                    }
                    self.read += bytes.len() as u64;
                    if self.declared.is_some_and(|size| self.read > size) {
                        return Err(self.wrong_size("more"));
                    }
                    self.hasher.update(&bytes);
                    return Ok(Some(bytes));
                }
                Ok(None) => {
                    if self.declared.is_some_and(|size| self.read != size) {
                        return Err(self.wrong_size("fewer"));
                    }
                    let actual = std::mem::take(&mut self.hasher).finish();
                    if self.skip > 0 || actual != self.expected {
                        return Err(OciError::DigestMismatch {
                            what: self.what.clone(),
                            expected: self.expected.to_string(),
                            actual: actual.to_string(),
                        });
                    }
                    return Ok(None);
                }
                Err(e) => {
                    // A connection that broke is resumed, and so is one that stalled after
                    // bringing bytes (a dead flow on a real network); a registry that sent
                    // nothing since it was last asked is not asked again: that would only
                    // multiply the wait.
                    let idle = e.is_timeout() && self.read == self.read_at_answer;
                    let broken = self.broken(e);
                    if idle || !self.resume().await {
                        return Err(broken);
                    }
                    tracing::debug!(what = %self.what, at = self.read, "download broke off; resumed");
                }
            }
        }
    }

    /// Holds the download to the size its descriptor gives (a manifest's layer or config): a
    /// different `Content-Length` is refused at once, and no byte past the size is taken.
    pub fn expect_size(mut self, size: u64) -> Result<Self, OciError> {
        self.declared = Some(size);
        match self.size {
            Some(announced) if announced != size => {
                Err(self.wrong_size(if announced > size { "more" } else { "fewer" }))
            }
            _ => Ok(self),
        }
    }

    fn wrong_size(&self, more_or_fewer: &str) -> OciError {
        OciError::Protocol {
            registry: self.resume.url.host_str().unwrap_or_default().to_owned(),
            reason: format!(
                "{} has {more_or_fewer} bytes than the {} its manifest gives",
                self.what,
                self.declared.unwrap_or_default()
            ),
        }
    }

    fn broken(&self, e: reqwest::Error) -> OciError {
        OciError::Unreachable {
            registry: self.resume.url.host_str().unwrap_or_default().to_owned(),
            reason: if e.is_timeout() {
                format!(
                    "download of {} stalled: no data for {} s",
                    self.what,
                    self.idle.as_secs()
                )
            } else {
                format!("download of {} broke off: {}", self.what, e.without_url())
            },
            detail: String::new(),
        }
    }

    /// Asks for the rest of the blob; false when that is not possible (no attempts left, the
    /// registry unreachable or answering something else).
    async fn resume(&mut self) -> bool {
        let Some(left) = self.resume.attempts_left.checked_sub(1) else {
            return false;
        };
        self.resume.attempts_left = left;
        tokio::time::sleep(super::backoff(RESUMES - left)).await;
        let mut request = self
            .resume
            .http
            .get(self.resume.url.clone())
            .header(RANGE, format!("bytes={}-", self.read));
        if let Some(value) = &self.resume.authorization {
            request = request.header(reqwest::header::AUTHORIZATION, value.clone());
        }
        let Ok(response) = request.send().await else {
            return false;
        };
        let starts_at_ours = response
            .headers()
            .get(CONTENT_RANGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("bytes "))
            .and_then(|v| v.split('-').next())
            .and_then(|v| v.parse::<u64>().ok())
            == Some(self.read);
        match response.status() {
            StatusCode::PARTIAL_CONTENT if starts_at_ours => self.skip = 0,
            // Range ignored: the whole blob again; what we already have is dropped as it comes.
            StatusCode::OK => self.skip = self.read,
            _ => return false,
        }
        self.response = response;
        self.read_at_answer = self.read;
        true
    }

    pub fn bytes_read(&self) -> u64 {
        self.read
    }
}

impl RegistryClient {
    pub async fn get_blob(
        &self,
        repository: &str,
        digest: &Digest,
    ) -> Result<BlobDownload, OciError> {
        let url = self.url(&format!("/v2/{repository}/blobs/{digest}"))?;
        let scope = pull_scope(repository);
        let response = self.send(Method::GET, url.clone(), Some(&scope)).await?;
        let response = self
            .check(response, || format!("blob {repository}@{digest}"))
            .await?;
        Ok(BlobDownload {
            size: response.content_length(),
            response,
            hasher: Sha256Hasher::new(),
            read: 0,
            read_at_answer: 0,
            expected: digest.clone(),
            what: format!("blob {repository}@{digest}"),
            idle: self.options.timeouts.idle,
            resume: Resume {
                http: self.http.clone(),
                authorization: self.authorization(Some(&scope)),
                url,
                attempts_left: RESUMES,
            },
            skip: 0,
            declared: None,
        })
    }

    /// The whole blob in memory, verified. For configs and other small blobs only.
    pub async fn get_blob_bytes(
        &self,
        repository: &str,
        digest: &Digest,
    ) -> Result<Bytes, OciError> {
        let mut download = self.get_blob(repository, digest).await?;
        let limit = super::MAX_CONFIG_BYTES as u64;
        let too_big = || {
            self.protocol(&format!(
                "blob {repository}@{digest} is larger than {} MiB, too big to read into memory",
                limit >> 20
            ))
        };
        if download.size.is_some_and(|n| n > limit) {
            return Err(too_big());
        }
        let mut out = Vec::with_capacity(download.size.unwrap_or(0) as usize);
        while let Some(chunk) = download.chunk().await? {
            if (out.len() + chunk.len()) as u64 > limit {
                return Err(too_big());
            }
            out.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(out))
    }
}
