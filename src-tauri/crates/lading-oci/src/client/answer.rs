//! Reading answers: bounded bodies, small answers read whole (and asked for again when the
//! connection breaks mid-answer), registry errors typed.

use std::future::Future;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, Response, StatusCode};
use serde::Deserialize;
use url::Url;

use super::{redact, RegistryClient};
use crate::error::{OciError, RegistryErrorDetail};

/// The most we read of an error answer (its JSON names the error codes).
const ERROR_BODY_BYTES: usize = 64 << 10;

/// Times a small answer is asked for when its connection breaks mid-answer.
const BROKEN_ANSWER_ATTEMPTS: u32 = 4;

/// A small answer, read whole.
pub(super) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// Where it came from (after redirects): relative `Link`s resolve against it.
    pub url: Url,
    pub body: Bytes,
}

/// Why a body could not be read.
enum BodyError {
    /// The connection broke mid-answer: worth asking again.
    Broken(reqwest::Error),
    /// Anything else (too big, the registry stalled): asking again would not help.
    Final(OciError),
}

/// A window of seconds in words: 21600 → "6 h".
fn window_words(seconds: u64) -> String {
    match seconds {
        s if s >= 3600 && s % 3600 == 0 => format!("{} h", s / 3600),
        s if s >= 60 && s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

/// What a 429 said about the limit, in words: Docker Hub's `RateLimit-Limit: 100;w=21600` and
/// `RateLimit-Remaining: 0;w=21600`, and `Retry-After`.
fn rate_limit_detail(headers: &HeaderMap) -> String {
    let mut parts = Vec::new();
    if let Some(limit) = super::rate_limit::from_headers(headers) {
        let window = limit
            .window_seconds
            .map(|w| format!(" per {}", window_words(w)))
            .unwrap_or_default();
        parts.push(format!(
            "{} of {} pulls left{window}",
            limit.remaining, limit.limit
        ));
    }
    if let Some(after) = headers.get("retry-after").and_then(|v| v.to_str().ok()) {
        parts.push(format!(
            "try again in {} s",
            crate::error::printable(after.trim())
        ));
    }
    parts.join("; ")
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    errors: Vec<RegistryErrorDetail>,
}

impl RegistryClient {
    /// The body of a JSON answer.
    pub(super) fn parse_json<T: serde::de::DeserializeOwned>(
        &self,
        bytes: &[u8],
    ) -> Result<T, OciError> {
        serde_json::from_slice(bytes).map_err(|e| self.protocol(&format!("invalid JSON: {e}")))
    }

    /// The whole body, refused as soon as it passes `limit` bytes (declared or sent): a server
    /// cannot make us hold more than we asked for.
    pub(crate) async fn read_bounded(
        &self,
        response: Response,
        limit: usize,
        what: &str,
        refuse: impl Fn(String) -> OciError,
    ) -> Result<Bytes, OciError> {
        self.read_body(response, limit, what, &refuse)
            .await
            .map_err(|e| match e {
                BodyError::Broken(e) => self.transport(e),
                BodyError::Final(e) => e,
            })
    }

    async fn read_body(
        &self,
        mut response: Response,
        limit: usize,
        what: &str,
        refuse: &impl Fn(String) -> OciError,
    ) -> Result<Bytes, BodyError> {
        let too_big = || {
            BodyError::Final(refuse(format!(
                "{what} is larger than {} KiB, more than any real one",
                limit / 1024
            )))
        };
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(too_big());
        }
        let mut body = Vec::with_capacity(response.content_length().unwrap_or(0) as usize);
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > limit {
                        return Err(too_big());
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(Bytes::from(body)),
                Err(e) if e.is_timeout() => return Err(BodyError::Final(self.transport(e))),
                Err(e) => return Err(BodyError::Broken(e)),
            }
        }
    }

    /// Sends an idempotent request (through `send`, which signs in and retries what fails
    /// before an answer) and reads its whole answer, at most `limit` bytes; when the connection
    /// breaks mid-answer the request is sent again — a cut manifest, tags page or token is
    /// asked for anew, as a refused connection is. An error answer's body is read up to 64 KiB.
    pub(super) async fn read_whole<F, Fut>(
        &self,
        send: F,
        limit: usize,
        what: &str,
        refuse: impl Fn(String) -> OciError,
    ) -> Result<Answer, OciError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Response, OciError>>,
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let response = send().await?;
            let (status, headers, url) = (
                response.status(),
                response.headers().clone(),
                response.url().clone(),
            );
            let read = if status.is_success() {
                self.read_body(response, limit, what, &refuse).await
            } else {
                // The error's details are a courtesy: a broken or oversized one is left out.
                Ok(self
                    .read_body(response, ERROR_BODY_BYTES, "an error answer", &refuse)
                    .await
                    .unwrap_or_default())
            };
            match read {
                Ok(body) => {
                    return Ok(Answer {
                        status,
                        headers,
                        url,
                        body,
                    })
                }
                Err(BodyError::Broken(e)) if attempt < BROKEN_ANSWER_ATTEMPTS => {
                    tracing::debug!(what, attempt, error = %e.without_url(), "answer broke off; asking again");
                    tokio::time::sleep(super::transport::backoff(attempt)).await;
                }
                Err(BodyError::Broken(e)) => return Err(self.transport(e)),
                Err(BodyError::Final(e)) => return Err(e),
            }
        }
    }

    /// [`Self::read_whole`] for a request to this registry, signed in for `scope`.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn fetch_small(
        &self,
        method: Method,
        url: Url,
        scope: Option<&str>,
        headers: HeaderMap,
        limit: usize,
        what: &str,
        refuse: impl Fn(String) -> OciError,
    ) -> Result<Answer, OciError> {
        self.read_whole(
            || self.send_with(method.clone(), url.clone(), scope, headers.clone(), None),
            limit,
            what,
            refuse,
        )
        .await
    }

    /// Turns non-success statuses into typed errors with the registry's own error codes.
    pub(super) async fn check(
        &self,
        response: Response,
        what: impl Fn() -> String,
    ) -> Result<Response, OciError> {
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let (headers, url) = (response.headers().clone(), response.url().clone());
        let body = if status == StatusCode::TOO_MANY_REQUESTS {
            Bytes::new()
        } else {
            self.read_bounded(response, ERROR_BODY_BYTES, "an error answer", |m| {
                self.protocol(&m)
            })
            .await
            .unwrap_or_default()
        };
        Err(self.status_error(status, &headers, &url, &body, what))
    }

    /// [`Self::check`] for an answer already read.
    pub(super) fn check_answer(
        &self,
        answer: Answer,
        what: impl Fn() -> String,
    ) -> Result<Answer, OciError> {
        if answer.status.is_success() {
            return Ok(answer);
        }
        Err(self.status_error(
            answer.status,
            &answer.headers,
            &answer.url,
            &answer.body,
            what,
        ))
    }

    fn status_error(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        url: &Url,
        body: &[u8],
        what: impl Fn() -> String,
    ) -> OciError {
        let registry = self.registry.clone();
        let details = || {
            serde_json::from_slice::<ErrorBody>(body)
                .map(|b| b.errors)
                .unwrap_or_default()
        };
        match status {
            StatusCode::TOO_MANY_REQUESTS => OciError::RateLimited {
                registry,
                detail: rate_limit_detail(headers),
            },
            StatusCode::NOT_FOUND => OciError::NotFound {
                registry,
                what: what(),
                hint: not_found_hint(&details()).to_owned(),
            },
            StatusCode::FORBIDDEN => OciError::Denied {
                registry,
                what: what(),
            },
            _ => OciError::Registry {
                registry,
                url: redact(url),
                status: status.as_u16(),
                details: details(),
            },
        }
    }
}

/// What a 404's error code adds to "X was not found": the spec's codes tell a missing repository
/// from a missing tag, and the first is usually a misspelt name.
fn not_found_hint(details: &[RegistryErrorDetail]) -> &'static str {
    let has = |code: &str| details.iter().any(|d| d.code == code);
    if has("NAME_UNKNOWN") {
        ". There is no repository of that name: check its spelling (names are lower case; Docker Hub's official images are under library/, as in library/nginx)"
    } else if has("MANIFEST_UNKNOWN") {
        ". The repository has no such tag or digest"
    } else {
        ""
    }
}
