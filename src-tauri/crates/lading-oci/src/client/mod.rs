//! A distribution-spec client for one registry.

mod blobs;
mod manifests;
mod signin;

pub use blobs::{BlobDownload, MountOutcome, UploadMode};
pub use manifests::{manifest_from_bytes, ManifestHead};

use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use lading_secrets::Secret;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, LINK, RETRY_AFTER};
use reqwest::{Method, Response, StatusCode};
use serde::Deserialize;
use url::Url;

use crate::auth::{Challenge, TokenCache};
use crate::error::{OciError, RegistryErrorDetail};

/// Username and password (or token) for a registry.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub username: String,
    pub password: Secret,
}

#[derive(Clone, Default)]
pub struct ClientOptions {
    pub credentials: Option<Credentials>,
    /// Asked for credentials when the registry first demands them and none were given
    /// (docker config, ECR tokens, the keychain).
    pub provider: Option<std::sync::Arc<dyn crate::credentials::CredentialProvider>>,
    /// Use plain HTTP even for a non-loopback host. Loopback hosts use HTTP regardless, as docker does.
    pub insecure: bool,
    /// Entries per page for `_catalog` and `tags/list`; the registry's default when `None`.
    pub page_size: Option<u32>,
    /// Extra CA certificates (PEM) trusted for this registry, on top of the system's.
    pub ca_pem: Option<String>,
    pub timeouts: Timeouts,
}

/// How long a registry may keep us waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// No byte for this long, on any request (blobs included): the registry stalled.
    pub idle: Duration,
    /// The whole answer of a small request (ping, a catalog or tags page, a manifest, a HEAD, a
    /// token, starting an upload) within this.
    pub small: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(30),
            small: Duration::from_secs(60),
        }
    }
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("credentials", &self.credentials)
            .field("provider", &self.provider.as_ref().map(|_| "…"))
            .field("insecure", &self.insecure)
            .field("page_size", &self.page_size)
            .field("ca_pem", &self.ca_pem.as_ref().map(|_| "…"))
            .field("timeouts", &self.timeouts)
            .finish()
    }
}

/// What we learnt from the registry's last challenge: how to authenticate from now on.
#[derive(Debug, Default)]
struct AuthState {
    challenge: Option<Challenge>,
    tokens: TokenCache,
}

#[derive(Debug)]
pub struct RegistryClient {
    http: reqwest::Client,
    registry: String,
    base: Url,
    options: ClientOptions,
    auth: Mutex<AuthState>,
    /// Credentials from `options.credentials`, or from the provider once asked.
    credentials: signin::CredentialState,
}

impl RegistryClient {
    /// `registry` is `host[:port]`, optionally with an `http://` or `https://` scheme that overrides
    /// the default (HTTPS, or HTTP for loopback and `insecure`).
    pub fn new(registry: &str, options: ClientOptions) -> Result<Self, OciError> {
        let invalid = |reason: String| OciError::InvalidRegistry {
            input: registry.to_owned(),
            reason,
        };
        let mapped = mapped_endpoint(registry.trim_end_matches('/'));
        let with_scheme = if let Some(url) = &mapped {
            url.clone()
        } else if registry.contains("://") {
            registry.to_owned()
        } else {
            let host = registry.trim_end_matches('/');
            let scheme = if options.insecure || is_loopback(host) {
                "http"
            } else {
                "https"
            };
            format!("{scheme}://{host}")
        };
        let base = Url::parse(&with_scheme).map_err(|e| invalid(e.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(invalid("only http and https are supported".to_owned()));
        }
        if base.host_str().is_none() || base.path() != "/" || base.query().is_some() {
            return Err(invalid("expected host[:port] with no path".to_owned()));
        }
        // A mapped registry keeps its own name (credentials and caches are keyed by it).
        let host_port = match (&mapped, base.port()) {
            (Some(_), _) => registry.trim_end_matches('/').to_owned(),
            (None, Some(port)) => format!("{}:{port}", base.host_str().unwrap_or_default()),
            (None, None) => base.host_str().unwrap_or_default().to_owned(),
        };
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("lading/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .read_timeout(options.timeouts.idle);
        if let Some(pem) = &options.ca_pem {
            let certificates = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
                .map_err(|e| invalid(format!("the CA certificate is not valid PEM: {e}")))?;
            if certificates.is_empty() {
                return Err(invalid("the CA file holds no certificate".to_owned()));
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let http = builder.build().map_err(|e| invalid(e.to_string()))?;
        Ok(Self {
            http,
            registry: host_port,
            base,
            credentials: signin::CredentialState::new(&options),
            options,
            auth: Mutex::new(AuthState::default()),
        })
    }

    /// `host[:port]` of this registry.
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// Checks that the registry speaks the distribution API and that our credentials (if any) work.
    pub async fn ping(&self) -> Result<(), OciError> {
        let url = self.url("/v2/")?;
        let response = self.send(Method::GET, url, None).await?;
        let response = self
            .check(response, || "the API root /v2/".to_owned())
            .await?;
        // Distribution says a compliant registry answers 200 here; anything else we cannot trust.
        if response.status() != StatusCode::OK {
            return Err(OciError::NotARegistry {
                registry: self.registry.clone(),
                reason: format!("/v2/ answered {}", response.status()),
            });
        }
        Ok(())
    }

    /// Every repository in `/v2/_catalog`, following `Link` pagination to the end.
    pub async fn catalog(&self) -> Result<Vec<String>, OciError> {
        #[derive(Deserialize)]
        struct Catalog {
            #[serde(default)]
            repositories: Option<Vec<String>>,
        }
        let mut all = Vec::new();
        let mut pages = Pages::default();
        let mut next = Some(self.paged_url("/v2/_catalog")?);
        while let Some(url) = next.take() {
            pages.visit(&url, &self.registry)?;
            let response = self
                .send(Method::GET, url, Some("registry:catalog:*"))
                .await?;
            let response = self.check(response, || "the catalog".to_owned()).await?;
            next = self.next_link(&response)?;
            let page: Catalog = self
                .json(response, LISTING_PAGE_BYTES, "a catalog page")
                .await?;
            all.extend(page.repositories.unwrap_or_default());
        }
        Ok(all)
    }

    /// Every tag of `repository`, following `Link` pagination to the end.
    pub async fn tags(&self, repository: &str) -> Result<Vec<String>, OciError> {
        crate::reference::validate_repository(repository).map_err(|reason| {
            OciError::InvalidReference {
                input: repository.to_owned(),
                reason,
            }
        })?;
        #[derive(Deserialize)]
        struct TagList {
            #[serde(default)]
            tags: Option<Vec<String>>,
        }
        let scope = format!("repository:{repository}:pull");
        let mut all = Vec::new();
        let mut pages = Pages::default();
        let mut next = Some(self.paged_url(&format!("/v2/{repository}/tags/list"))?);
        while let Some(url) = next.take() {
            pages.visit(&url, &self.registry)?;
            let response = self.send(Method::GET, url, Some(&scope)).await?;
            let response = self
                .check(response, || format!("repository {repository}"))
                .await?;
            next = self.next_link(&response)?;
            let page: TagList = self
                .json(response, LISTING_PAGE_BYTES, "a tags page")
                .await?;
            all.extend(page.tags.unwrap_or_default());
        }
        Ok(all)
    }

    fn url(&self, path: &str) -> Result<Url, OciError> {
        self.base.join(path).map_err(|e| OciError::InvalidRegistry {
            input: self.registry.clone(),
            reason: e.to_string(),
        })
    }

    fn paged_url(&self, path: &str) -> Result<Url, OciError> {
        let mut url = self.url(path)?;
        if let Some(n) = self.options.page_size {
            url.query_pairs_mut().append_pair("n", &n.to_string());
        }
        Ok(url)
    }

    /// The `rel="next"` target of a `Link` header, resolved against our base URL.
    fn next_link(&self, response: &Response) -> Result<Option<Url>, OciError> {
        let Some(link) = response.headers().get(LINK) else {
            return Ok(None);
        };
        let link = link
            .to_str()
            .map_err(|_| self.protocol("a Link header that is not text"))?;
        for part in link.split(',') {
            let Some((target, params)) = part.split_once(';') else {
                continue;
            };
            let is_next = params
                .split(';')
                .any(|p| p.trim().replace(' ', "") == "rel=\"next\"" || p.trim() == "rel=next");
            if is_next {
                let target = target.trim().trim_start_matches('<').trim_end_matches('>');
                let next = response
                    .url()
                    .join(target)
                    .map_err(|_| self.protocol("a Link header with an invalid URL"))?;
                if !self.is_own_origin(&next) {
                    return Err(OciError::Refused {
                        registry: self.registry.clone(),
                        reason: format!(
                            "its next page is on another origin ({}); not followed",
                            redact(&next)
                        ),
                    });
                }
                return Ok(Some(next));
            }
        }
        Ok(None)
    }

    /// A JSON answer of at most `limit` bytes.
    async fn json<T: serde::de::DeserializeOwned>(
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
    async fn send(
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
    async fn send_stream(
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

    async fn request_with_retry(
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
    fn deadline_for(&self, method: &Method, url: &Url, body: Option<&Bytes>) -> Option<Duration> {
        let blob_download = *method == Method::GET
            && url.path().contains("/blobs/")
            && !url.path().contains("/blobs/uploads/");
        let big_upload = body.is_some_and(|b| b.len() > 1 << 20);
        (!blob_download && !big_upload).then_some(self.options.timeouts.small)
    }

    /// Whether `url` is on this registry's own origin: only those requests carry our credentials.
    fn is_own_origin(&self, url: &Url) -> bool {
        url.scheme() == self.base.scheme()
            && url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default()
    }

    /// Turns non-success statuses into typed errors with the registry's own error codes.
    async fn check(
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

    fn transport(&self, error: reqwest::Error) -> OciError {
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

    fn protocol(&self, reason: &str) -> OciError {
        OciError::Protocol {
            registry: self.registry.clone(),
            reason: reason.to_owned(),
        }
    }
}

/// The pages of one listing read so far: a page seen twice, or too many pages, ends it.
#[derive(Default)]
struct Pages {
    seen: std::collections::HashSet<String>,
}

/// The most we read of a catalog or tags page (a page of 10,000 long tags is ~1 MiB).
const LISTING_PAGE_BYTES: usize = 16 << 20;
/// The most we read of an error answer (its JSON names the error codes).
const ERROR_BODY_BYTES: usize = 64 << 10;
/// The most we read of a token service's answer.
pub(crate) const TOKEN_BODY_BYTES: usize = 1 << 20;
/// The largest image config we read into memory.
pub const MAX_CONFIG_BYTES: usize = 8 << 20;

/// More pages than any registry has (10,000 × the default 100 entries: a million tags).
const MAX_PAGES: usize = 10_000;

impl Pages {
    fn visit(&mut self, url: &Url, registry: &str) -> Result<(), OciError> {
        let refused = |reason: String| OciError::Refused {
            registry: registry.to_owned(),
            reason,
        };
        if !self.seen.insert(url.as_str().to_owned()) {
            return Err(refused(format!(
                "its listing loops: {} was already read",
                redact(url)
            )));
        }
        if self.seen.len() > MAX_PAGES {
            return Err(refused(format!("its listing runs past {MAX_PAGES} pages")));
        }
        Ok(())
    }
}

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

/// The `Docker-Content-Digest` header, if present and well-formed.
fn digest_header(response: &Response) -> Option<crate::digest::Digest> {
    response
        .headers()
        .get("docker-content-digest")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    errors: Vec<RegistryErrorDetail>,
}

/// `LADING_REGISTRY_MAP="host[:port]=URL,…"` sends a registry's traffic to another URL — for an
/// emulator whose advertised endpoint is not reachable (moto's ECR proxyEndpoint), or a mirror.
fn mapped_endpoint(registry: &str) -> Option<String> {
    let map = std::env::var("LADING_REGISTRY_MAP").ok()?;
    map.split(',').find_map(|entry| {
        let (host, url) = entry.trim().split_once('=')?;
        (host.trim() == registry).then(|| url.trim().trim_end_matches('/').to_owned())
    })
}

fn is_loopback(host_port: &str) -> bool {
    let host = match host_port.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(rest),
        None => host_port.rsplit_once(':').map_or(host_port, |(h, _)| h),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A URL fit for an error message: no credentials, no query (upload URLs carry state tokens).
fn redact(url: &Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_default_to_http() {
        let c = RegistryClient::new("127.0.0.1:5000", ClientOptions::default()).unwrap();
        assert_eq!(c.base.as_str(), "http://127.0.0.1:5000/");
        let c = RegistryClient::new("localhost:5000", ClientOptions::default()).unwrap();
        assert_eq!(c.base.scheme(), "http");
        let c = RegistryClient::new("[::1]:5000", ClientOptions::default()).unwrap();
        assert_eq!(c.base.scheme(), "http");
        let c = RegistryClient::new("registry.example.com", ClientOptions::default()).unwrap();
        assert_eq!(c.base.as_str(), "https://registry.example.com/");
        assert_eq!(c.registry(), "registry.example.com");
        let insecure = ClientOptions {
            insecure: true,
            ..Default::default()
        };
        let c = RegistryClient::new("registry.example.com:8443", insecure).unwrap();
        assert_eq!(c.base.as_str(), "http://registry.example.com:8443/");
    }

    #[test]
    fn bad_registry_addresses_are_rejected() {
        for bad in ["ftp://host", "http://host/path", "", "http://"] {
            let err = RegistryClient::new(bad, ClientOptions::default()).expect_err(bad);
            assert_eq!(err.code(), "invalid_registry", "{bad}");
        }
    }

    #[test]
    fn redacted_urls_carry_no_userinfo_or_query() {
        let url = Url::parse("https://user:pw@host/v2/x/blobs/uploads/abc?_state=secret").unwrap();
        assert_eq!(redact(&url), "https://host/v2/x/blobs/uploads/abc");
    }
}
