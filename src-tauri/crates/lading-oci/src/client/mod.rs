//! A distribution-spec client for one registry.

mod answer;
mod blobs;
mod download;
mod listing;
mod manifests;
mod plain_words;
mod rate_limit;
mod referrers;
mod signin;
mod transport;

pub(crate) use transport::backoff;

pub use blobs::{MountOutcome, UploadMode};
pub use download::BlobDownload;
pub use manifests::{manifest_from_bytes, ManifestHead};
pub use plain_words::connection_failure_reason;
pub use rate_limit::RateLimit;

use std::sync::Mutex;
use std::time::Duration;

use lading_secrets::Secret;
use reqwest::{Method, Response, StatusCode};
use url::Url;

use crate::auth::{Challenge, TokenCache};
use crate::error::OciError;

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
    /// Registries sent elsewhere (see [`EndpointMap`]); none unless the caller opted in.
    pub endpoint_map: Option<EndpointMap>,
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
            .field("endpoint_map", &self.endpoint_map)
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
    /// The pull limit the registry last reported.
    rate_limit: Mutex<Option<RateLimit>>,
}

impl RegistryClient {
    /// `registry` is `host[:port]`, optionally with an `http://` or `https://` scheme that overrides
    /// the default (HTTPS, or HTTP for loopback and `insecure`).
    pub fn new(registry: &str, options: ClientOptions) -> Result<Self, OciError> {
        let invalid = |reason: String| OciError::InvalidRegistry {
            input: registry.to_owned(),
            reason,
        };
        // Keyed by host: an explicit scheme in the address does not hide it.
        let bare = registry.trim_end_matches('/');
        let bare = bare
            .strip_prefix("https://")
            .or_else(|| bare.strip_prefix("http://"))
            .unwrap_or(bare);
        let mapped = options
            .endpoint_map
            .as_ref()
            .and_then(|map| map.lookup(bare))
            .map(str::to_owned);
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
            (Some(_), _) => bare.to_owned(),
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
            rate_limit: Mutex::new(None),
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

    fn url(&self, path: &str) -> Result<Url, OciError> {
        self.base.join(path).map_err(|e| OciError::InvalidRegistry {
            input: self.registry.clone(),
            reason: e.to_string(),
        })
    }
}

/// The most we read of a token service's answer.
pub(crate) const TOKEN_BODY_BYTES: usize = 1 << 20;
/// The largest image config we read into memory.
pub const MAX_CONFIG_BYTES: usize = 8 << 20;

/// The `Docker-Content-Digest` header, if present and well-formed.
fn digest_header(response: &Response) -> Option<crate::digest::Digest> {
    response
        .headers()
        .get("docker-content-digest")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// Registries whose traffic goes to another URL — for an emulator whose advertised endpoint is not
/// reachable (moto's ECR proxyEndpoint), or a mirror. Written `host[:port]=URL,…` in the
/// `LADING_REGISTRY_MAP` environment variable, and honoured only where the caller opted in (the
/// CLI always, the app when the user turned on developer endpoints).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointMap(Vec<(String, String)>);

impl EndpointMap {
    pub const VARIABLE: &'static str = "LADING_REGISTRY_MAP";

    pub fn parse(text: &str) -> Self {
        Self(
            text.split(',')
                .filter_map(|entry| {
                    let (host, url) = entry.trim().split_once('=')?;
                    Some((
                        host.trim().to_owned(),
                        url.trim().trim_end_matches('/').to_owned(),
                    ))
                })
                .filter(|(host, url)| !host.is_empty() && !url.is_empty())
                .collect(),
        )
    }

    /// The map in `LADING_REGISTRY_MAP`; `None` when it is unset or empty.
    pub fn from_env() -> Option<Self> {
        let map = Self::parse(&std::env::var(Self::VARIABLE).ok()?);
        (!map.0.is_empty()).then_some(map)
    }

    pub fn lookup(&self, registry: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(host, _)| host == registry)
            .map(|(_, url)| url.as_str())
    }

    /// `host → URL`, one per entry, for showing the user what is redirected.
    pub fn describe(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|(host, url)| format!("{host} → {url}"))
            .collect()
    }
}

/// Whether `host[:port]` is this machine (spoken to over plain HTTP unless `https://` is given).
pub fn is_loopback(host_port: &str) -> bool {
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
    fn an_endpoint_map_redirects_only_the_hosts_it_names_and_only_when_given() {
        let map = EndpointMap::parse(
            " a.example.com = http://127.0.0.1:5000/ ,broken, =x, b.example.com=",
        );
        assert_eq!(map.describe(), ["a.example.com → http://127.0.0.1:5000"]);
        let mapped = ClientOptions {
            endpoint_map: Some(map),
            ..Default::default()
        };
        let c = RegistryClient::new("a.example.com", mapped.clone()).unwrap();
        assert_eq!(c.base.as_str(), "http://127.0.0.1:5000/");
        assert_eq!(
            c.registry(),
            "a.example.com",
            "credentials stay keyed by the real host"
        );
        let c = RegistryClient::new("https://a.example.com/", mapped.clone()).unwrap();
        assert_eq!(
            c.registry(),
            "a.example.com",
            "a scheme does not hide the host"
        );
        let c = RegistryClient::new("c.example.com", mapped).unwrap();
        assert_eq!(c.base.as_str(), "https://c.example.com/");
        // Without the caller's map, the environment alone redirects nothing.
        std::env::set_var(EndpointMap::VARIABLE, "d.example.com=http://127.0.0.1:1");
        let c = RegistryClient::new("d.example.com", ClientOptions::default()).unwrap();
        assert_eq!(c.base.as_str(), "https://d.example.com/");
        assert!(EndpointMap::from_env()
            .unwrap()
            .lookup("d.example.com")
            .is_some());
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
