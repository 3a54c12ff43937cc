//! Sending a request and reading its answer: deadlines and the idle timeout, bounded retries,
//! bounded bodies, credentials only to the registry's own origin, registry errors typed.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, RETRY_AFTER};
use reqwest::{Method, Response, StatusCode};
use serde::Deserialize;
use url::Url;

use super::{redact, RegistryClient};
use crate::error::{OciError, RegistryErrorDetail};

/// The most we read of an error answer (its JSON names the error codes).
const ERROR_BODY_BYTES: usize = 64 << 10;

/// What a 429 said about the limit: Docker Hub's `RateLimit-Limit: 100;w=21600` and
/// `RateLimit-Remaining`, and `Retry-After`.
fn rate_limit_detail(headers: &HeaderMap) -> String {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| crate::error::printable(v.trim()))
    };
    let mut parts = Vec::new();
    if let Some(limit) = header("ratelimit-limit") {
        let (count, window) = limit.split_once(";w=").unwrap_or((&limit, ""));
        parts.push(if window.is_empty() {
            format!("limit {count}")
        } else {
            format!("limit {count} per {window} s")
        });
    }
    if let Some(remaining) = header("ratelimit-remaining") {
        let left = remaining.split(';').next().unwrap_or_default();
        parts.push(format!("{left} left"));
    }
    if let Some(after) = header("retry-after") {
        parts.push(format!("try again in {after} s"));
    }
    parts.join(", ")
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    errors: Vec<RegistryErrorDetail>,
}

impl RegistryClient {
    /// A JSON answer of at most `limit` bytes.
    pub(super) async fn json<T: serde::de::DeserializeOwned>(
        &self,
        response: Response,
        limit: usize,
        what: &str,
    ) -> Result<T, OciError> {
        let bytes = self
            .read_bounded(response, limit, what, |m| self.protocol(&m))
            .await?;
        serde_json::from_slice(&bytes).map_err(|e| self.protocol(&format!("invalid JSON: {e}")))
    }

    /// The whole body, refused as soon as it passes `limit` bytes (declared or sent): a server
    /// cannot make us hold more than we asked for.
    pub(crate) async fn read_bounded(
        &self,
        mut response: Response,
        limit: usize,
        what: &str,
        refuse: impl Fn(String) -> OciError,
    ) -> Result<Bytes, OciError> {
        let too_big = || {
            refuse(format!(
                "{what} is larger than {} KiB, more than any real one",
                limit / 1024
            ))
        };
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(too_big());
        }
        let mut body = Vec::with_capacity(response.content_length().unwrap_or(0) as usize);
        while let Some(chunk) = response.chunk().await.map_err(|e| self.transport(e))? {
            if body.len() + chunk.len() > limit {
                return Err(too_big());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(body))
    }

    /// Sends a replayable request, answering one authentication challenge if the registry poses
    /// it and retrying transient failures (connection errors, 429, 502–504) with backoff.
    pub(super) async fn send(
        &self,
        method: Method,
        url: Url,
        scope: Option<&str>,
    ) -> Result<Response, OciError> {
        self.send_with(method, url, scope, HeaderMap::new(), None)
            .await
    }

    /// Sends a one-shot (streaming) body with the authorization already established for `scope`
    /// (callers first make a replayable request with that scope); a 401 cannot be answered by
    /// replaying a stream, so here it is an error.
    pub(super) async fn send_stream(
        &self,
        method: Method,
        url: Url,
        scope: &str,
        headers: HeaderMap,
        body: reqwest::Body,
    ) -> Result<Response, OciError> {
        let authorization = self
            .authorization(Some(scope))
            .filter(|_| self.is_own_origin(&url));
        let mut request = self.http.request(method, url).headers(headers).body(body);
        if let Some(value) = authorization {
            request = request.header(AUTHORIZATION, value);
        }
        let response = request.send().await.map_err(|e| self.transport(e))?;
        if response.status() == StatusCode::UNAUTHORIZED {
            return Err(self.auth_failure(self.current_credentials().is_some()));
        }
        Ok(response)
    }

    pub(super) async fn request_with_retry(
        &self,
        method: &Method,
        url: &Url,
        authorization: Option<HeaderValue>,
        headers: &HeaderMap,
        body: Option<&Bytes>,
    ) -> Result<Response, OciError> {
        const ATTEMPTS: u32 = 4;
        let deadline = self.deadline_for(method, url, body);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .headers(headers.clone());
            if let Some(deadline) = deadline {
                request = request.timeout(deadline);
            }
            if let Some(value) = &authorization {
                request = request.header(AUTHORIZATION, value.clone());
            }
            if let Some(body) = body {
                request = request.body(body.clone());
            }
            let outcome = request.send().await;
            let retry_after = match &outcome {
                Ok(r) if matches!(r.status().as_u16(), 429 | 502 | 503 | 504) => Some(
                    r.headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse::<u64>().ok())
                        .map(|s| Duration::from_secs(s.min(30))),
                ),
                // Refused or reset before an answer: worth another try. A registry that answers
                // nothing is not: waiting for it again would only multiply the wait.
                Err(e) if e.is_connect() => Some(None),
                _ => None,
            };
            match retry_after {
                Some(wait) if attempt < ATTEMPTS => {
                    let backoff = Duration::from_millis(150 * 2u64.pow(attempt - 1));
                    tracing::debug!(%url, attempt, "transient failure, retrying");
                    tokio::time::sleep(wait.unwrap_or(backoff)).await;
                }
                _ => {
                    return outcome.map_err(|e| match deadline {
                        Some(d) if e.is_timeout() && !e.is_connect() => OciError::Unreachable {
                            registry: self.registry.clone(),
                            reason: format!(
                                "no answer within {} s ({} {})",
                                d.as_secs(),
                                method,
                                redact(url)
                            ),
                        },
                        _ => self.transport(e),
                    })
                }
            }
        }
    }

    /// The total time a request may take: small requests get one; blob downloads and uploads of
    /// more than a small blob are bounded by the idle timeout only (a big layer on a slow link
    /// takes as long as it takes, as long as bytes keep moving).
    pub(super) fn deadline_for(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&Bytes>,
    ) -> Option<Duration> {
        let blob_download = *method == Method::GET
            && url.path().contains("/blobs/")
            && !url.path().contains("/blobs/uploads/");
        let big_upload = body.is_some_and(|b| b.len() > 1 << 20);
        (!blob_download && !big_upload).then_some(self.options.timeouts.small)
    }

    /// Whether `url` is on this registry's own origin: only those requests carry our credentials.
    pub(super) fn is_own_origin(&self, url: &Url) -> bool {
        url.scheme() == self.base.scheme()
            && url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default()
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
        let url = redact(response.url());
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Err(OciError::RateLimited {
                registry: self.registry.clone(),
                detail: rate_limit_detail(response.headers()),
            });
        }
        let details = self
            .read_bounded(response, ERROR_BODY_BYTES, "an error answer", |m| {
                self.protocol(&m)
            })
            .await
            .ok()
            .and_then(|body| serde_json::from_slice::<ErrorBody>(&body).ok())
            .map(|b| b.errors)
            .unwrap_or_default();
        let registry = self.registry.clone();
        Err(match status {
            StatusCode::NOT_FOUND => OciError::NotFound {
                registry,
                what: what(),
            },
            StatusCode::FORBIDDEN => OciError::Denied {
                registry,
                what: what(),
            },
            _ => OciError::Registry {
                registry,
                url,
                status: status.as_u16(),
                details,
            },
        })
    }

    pub(super) fn transport(&self, error: reqwest::Error) -> OciError {
        if error.is_timeout() && !error.is_connect() {
            return OciError::Unreachable {
                registry: self.registry.clone(),
                reason: format!(
                    "it stalled: no data for {} s",
                    self.options.timeouts.idle.as_secs()
                ),
            };
        }
        // reqwest's Display names the URL; strip any userinfo and query a caller may have put there.
        let error = error.without_url();
        let mut reason = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(s) = source {
            reason.push_str(": ");
            reason.push_str(&s.to_string());
            source = s.source();
        }
        OciError::Unreachable {
            registry: self.registry.clone(),
            reason,
        }
    }

    pub(super) fn protocol(&self, reason: &str) -> OciError {
        OciError::Protocol {
            registry: self.registry.clone(),
            reason: reason.to_owned(),
        }
    }
}
