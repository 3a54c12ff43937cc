//! Sending a request: deadlines and the idle timeout, bounded retries with jittered backoff,
//! credentials only to the registry's own origin.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, RETRY_AFTER};
use reqwest::{Method, Response, StatusCode};
use url::Url;

use super::{redact, RegistryClient};
use crate::error::OciError;

/// Attempts per request, the first included.
const ATTEMPTS: u32 = 4;
/// The longest `Retry-After` we wait for; a registry asking for more gets its error shown.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// The wait before attempt `attempt + 1`: 150 ms doubling, half of it random, so clients that
/// failed together (a push's parallel blobs, several windows) do not come back together.
pub(crate) fn backoff(attempt: u32) -> Duration {
    let full = 150u64 << attempt.saturating_sub(1).min(6);
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    Duration::from_millis(full / 2 + random % (full / 2 + 1))
}

fn retry_after(response: &Response) -> Option<Duration> {
    response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

impl RegistryClient {
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

    /// One request, made again (at most [`ATTEMPTS`] times) when it failed in a way that may
    /// pass: refused connections, 429 and 502–504 (waiting what Retry-After says, up to a cap),
    /// and — for GET and HEAD, which are safe to repeat — a connection reset before the answer
    /// and a stall. A small request's deadline covers all its attempts, so a registry that
    /// never answers is given up on within it; a blob download (no deadline) that stalls is not
    /// asked again: the idle timeout is all it gets.
    pub(super) async fn request_with_retry(
        &self,
        method: &Method,
        url: &Url,
        authorization: Option<HeaderValue>,
        headers: &HeaderMap,
        body: Option<&Bytes>,
    ) -> Result<Response, OciError> {
        let deadline = self.deadline_for(method, url, body);
        let started = Instant::now();
        let repeatable = matches!(*method, Method::GET | Method::HEAD);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let left = deadline.map(|d| d.saturating_sub(started.elapsed()));
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .headers(headers.clone());
            if let Some(left) = left {
                request = request.timeout(left);
            }
            if let Some(value) = &authorization {
                request = request.header(AUTHORIZATION, value.clone());
            }
            if let Some(body) = body {
                request = request.body(body.clone());
            }
            let outcome = request.send().await;
            if let Ok(response) = &outcome {
                self.note_rate_limit(response.headers());
            }
            // How long to wait before trying again; `None`: do not.
            let wait = match &outcome {
                // 429 or 502–504: what Retry-After asks, within reason, else our backoff.
                Ok(r) if matches!(r.status().as_u16(), 429 | 502 | 503 | 504) => {
                    match retry_after(r) {
                        Some(asked) => (asked <= MAX_RETRY_AFTER).then_some(asked),
                        None => Some(backoff(attempt)),
                    }
                }
                Err(e) if e.is_connect() => Some(backoff(attempt)),
                // A stall: again at once while the deadline leaves room; never without one.
                Err(e) if e.is_timeout() => {
                    (repeatable && deadline.is_some()).then_some(Duration::ZERO)
                }
                // Reset before an answer: again if safe to repeat.
                Err(e) if e.is_request() && repeatable => Some(backoff(attempt)),
                _ => None,
            };
            // Another attempt only if it could still end within the deadline.
            let fits = |wait: Duration| {
                deadline.is_none_or(|d| started.elapsed() + wait + Duration::from_millis(500) < d)
            };
            match wait {
                Some(wait) if attempt < ATTEMPTS && fits(wait) => {
                    tracing::debug!(%method, url = %redact(url), attempt, "transient failure, retrying");
                    tokio::time::sleep(wait).await;
                }
                _ => {
                    return outcome.map_err(|e| match deadline {
                        Some(d) if e.is_timeout() && !e.is_connect() => OciError::Unreachable {
                            registry: self.registry.clone(),
                            reason: format!(
                                "it did not answer within {} s ({} {})",
                                d.as_secs(),
                                method,
                                redact(url)
                            ),
                            detail: String::new(),
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

    pub(super) fn transport(&self, error: reqwest::Error) -> OciError {
        if error.is_timeout() && !error.is_connect() {
            return OciError::Unreachable {
                registry: self.registry.clone(),
                reason: format!(
                    "it stalled: no data for {} s",
                    self.options.timeouts.idle.as_secs()
                ),
                detail: String::new(),
            };
        }
        let connect_timeout = error.is_connect() && error.is_timeout();
        // reqwest's Display names the URL; strip any userinfo and query a caller may have put there.
        let error = error.without_url();
        let mut chain = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(s) = source {
            chain.push_str(": ");
            chain.push_str(&s.to_string());
            source = s.source();
        }
        super::plain_words::transport_error(&self.registry, chain, connect_timeout)
    }

    pub(super) fn protocol(&self, reason: &str) -> OciError {
        OciError::Protocol {
            registry: self.registry.clone(),
            reason: reason.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use std::time::Duration;

    #[test]
    fn backoff_doubles_with_half_of_it_random() {
        for attempt in 1..=4 {
            let full = Duration::from_millis(150 << (attempt - 1));
            let waits: Vec<_> = (0..50).map(|_| backoff(attempt)).collect();
            assert!(
                waits.iter().all(|w| *w >= full / 2 && *w <= full),
                "{waits:?}"
            );
            let distinct: std::collections::HashSet<_> = waits.iter().collect();
            assert!(distinct.len() > 5, "jittered: {waits:?}");
        }
    }
}
