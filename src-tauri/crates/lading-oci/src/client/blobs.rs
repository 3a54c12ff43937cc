//! Blob existence, cross-repository mounts and uploads (monolithic for small
//! blobs, one streamed PATCH for large ones).

use std::io;

use bytes::{Bytes, BytesMut};
use reqwest::header::{
    HeaderMap, HeaderValue, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, LOCATION, RANGE,
};
use reqwest::{Method, Response, StatusCode};
use tokio::sync::{mpsc, oneshot};
use url::Url;

use super::manifests::{pull_scope, push_scope};
use super::RegistryClient;
use crate::digest::Digest;
use crate::error::OciError;

/// How a streamed blob is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UploadMode {
    /// One PATCH carrying the whole blob: fastest, and what distribution-based registries take.
    #[default]
    Stream,
    /// PATCHes of at least `chunk_size` bytes (or the registry's `OCI-Chunk-Min-Length`), each
    /// resumable; for registries that want chunks (ECR wants ≥ 5 MiB).
    Chunked { chunk_size: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MountOutcome {
    Mounted,
    /// The registry refused (or does not support) the mount; the caller uploads instead.
    NotMounted,
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
        let (mut url, _) = self.start_upload(repository).await?;
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

    /// Uploads a blob whose bytes arrive on `chunks` and whose digest is only known at their end
    /// (compressing while uploading): POST, then PATCH(es), then PUT `?digest=`. A producer error
    /// arrives as an `Err` item (the upload is abandoned) and as the `digest` answer.
    pub async fn push_blob_stream(
        &self,
        repository: &str,
        chunks: mpsc::Receiver<io::Result<Bytes>>,
        digest: oneshot::Receiver<Result<Digest, OciError>>,
        mode: UploadMode,
    ) -> Result<Digest, OciError> {
        let (url, min_chunk) = self.start_upload(repository).await?;
        let scope = push_scope(repository);
        let uploaded = match mode {
            UploadMode::Stream => self.patch_streamed(url.clone(), &scope, chunks).await,
            UploadMode::Chunked { chunk_size } => {
                let chunk_size = chunk_size.max(min_chunk.unwrap_or(0) as usize).max(1);
                self.patch_chunked(url.clone(), &scope, chunks, chunk_size)
                    .await
            }
        };
        let location = match uploaded {
            Ok(location) => location,
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
                let _ = self.send(Method::DELETE, location, Some(&scope)).await;
                return Err(source_error);
            }
            Err(_) => {
                return Err(OciError::Io(
                    "the blob producer stopped without a digest".into(),
                ))
            }
        };
        let mut url = location;
        url.query_pairs_mut().append_pair("digest", digest.as_str());
        let response = self.send(Method::PUT, url, Some(&scope)).await?;
        self.check(response, || format!("upload of {digest} to {repository}"))
            .await?;
        Ok(digest)
    }

    /// One PATCH whose body is the whole stream (fastest; what distribution and most registries
    /// take). Returns the Location for the final PUT.
    async fn patch_streamed(
        &self,
        url: Url,
        scope: &str,
        mut chunks: mpsc::Receiver<io::Result<Bytes>>,
    ) -> Result<Url, OciError> {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        );
        let stream = futures_util::stream::poll_fn(move |cx| chunks.poll_recv(cx));
        let response = self
            .send_stream(
                Method::PATCH,
                url,
                scope,
                headers,
                reqwest::Body::wrap_stream(stream),
            )
            .await?;
        let response = self.check(response, || "upload".to_owned()).await?;
        self.location(&response)
    }

    /// PATCHes of `chunk_size` bytes with `Content-Range`. A chunk that fails is resumed from the
    /// offset the registry reports for the session (GET on the upload URL), as long as that offset
    /// lies within the chunk still in memory.
    async fn patch_chunked(
        &self,
        mut url: Url,
        scope: &str,
        mut chunks: mpsc::Receiver<io::Result<Bytes>>,
        chunk_size: usize,
    ) -> Result<Url, OciError> {
        let mut offset = 0u64;
        let mut buffer = BytesMut::with_capacity(chunk_size);
        let mut finished = false;
        while !finished {
            while buffer.len() < chunk_size {
                match chunks.recv().await {
                    Some(Ok(bytes)) => buffer.extend_from_slice(&bytes),
                    Some(Err(e)) => return Err(OciError::Io(e.to_string())),
                    None => {
                        finished = true;
                        break;
                    }
                }
            }
            if buffer.is_empty() {
                break;
            }
            let chunk = buffer.split().freeze();
            url = self.patch_chunk(url, scope, offset, &chunk).await?;
            offset += chunk.len() as u64;
        }
        Ok(url)
    }

    async fn patch_chunk(
        &self,
        mut url: Url,
        scope: &str,
        offset: u64,
        chunk: &Bytes,
    ) -> Result<Url, OciError> {
        const ATTEMPTS: u32 = 6;
        let end = offset + chunk.len() as u64;
        let mut from = 0usize;
        let mut last_error = None;
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(super::backoff(attempt + 1)).await;
                // Where did the session get to? Resume from there if the bytes are still here.
                match self.upload_offset(&url, scope).await {
                    Ok((next, location)) => {
                        url = location;
                        if next < offset || next > end {
                            return Err(OciError::Protocol {
                                registry: self.registry.clone(),
                                reason: format!(
                                    "the upload session is at byte {next}, outside the chunk {offset}..{end} still held; start the push again"
                                ),
                            });
                        }
                        from = (next - offset) as usize;
                        if from == chunk.len() {
                            return Ok(url);
                        }
                    }
                    // Only an unreachable registry is worth asking again; a session it no
                    // longer knows cannot come back (the caller starts the blob again).
                    Err(e @ OciError::Unreachable { .. }) => {
                        last_error = Some(e);
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            }
            let part = chunk.slice(from..);
            let mut headers = HeaderMap::new();
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            );
            headers.insert(CONTENT_LENGTH, HeaderValue::from(part.len()));
            let range = format!("{}-{}", offset + from as u64, end - 1);
            headers.insert(
                CONTENT_RANGE,
                HeaderValue::from_str(&range).expect("ascii range"),
            );
            match self
                .send_with(Method::PATCH, url.clone(), Some(scope), headers, Some(part))
                .await
            {
                // ECR answers 201, distribution 202.
                Ok(r) if r.status().is_success() => return self.location(&r),
                Ok(r)
                    if r.status().is_server_error()
                        || r.status() == StatusCode::RANGE_NOT_SATISFIABLE =>
                {
                    last_error = Some(
                        self.check(r, || "upload chunk".to_owned())
                            .await
                            .err()
                            .unwrap_or_else(|| self.protocol("a chunk was refused")),
                    );
                }
                Ok(r) => {
                    self.check(r, || "upload chunk".to_owned()).await?;
                    return Err(self.protocol("a chunk was refused"));
                }
                Err(e @ OciError::Unreachable { .. }) => last_error = Some(e),
                Err(e) => return Err(e),
            }
            tracing::debug!(attempt, %range, "chunk failed; resuming");
        }
        Err(last_error.unwrap_or_else(|| self.protocol("a chunk could not be uploaded")))
    }

    /// The upload session's progress: the next byte it expects, and its current URL.
    async fn upload_offset(&self, url: &Url, scope: &str) -> Result<(u64, Url), OciError> {
        let response = self.send(Method::GET, url.clone(), Some(scope)).await?;
        let response = self.check(response, || "upload status".to_owned()).await?;
        let next = match response.headers().get(RANGE).and_then(|v| v.to_str().ok()) {
            // "0-N": bytes 0..=N are stored.
            Some(range) => range
                .trim_start_matches("bytes=")
                .split_once('-')
                .and_then(|(_, end)| end.parse::<u64>().ok())
                .map_or(0, |end| end + 1),
            None => 0,
        };
        let location = self.location(&response).unwrap_or_else(|_| url.clone());
        Ok((next, location))
    }

    /// Opens an upload session: its URL and the registry's minimum chunk size, if it has one.
    async fn start_upload(&self, repository: &str) -> Result<(Url, Option<u64>), OciError> {
        let url = self.url(&format!("/v2/{repository}/blobs/uploads/"))?;
        let scope = push_scope(repository);
        let response = self.send(Method::POST, url, Some(&scope)).await?;
        let response = self
            .check(response, || format!("upload to {repository}"))
            .await?;
        let min_chunk = response
            .headers()
            .get("oci-chunk-min-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        Ok((self.location(&response)?, min_chunk))
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
