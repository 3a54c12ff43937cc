//! Signing in to a registry: answering its challenge (Basic, or a bearer token per scope from its
//! token service, fetched once however many requests meet the challenge together) and keeping what it took, so later requests go straight through. Credentials
//! from a provider (the keychain, a docker login, ECR's 12-hour token) are asked for once, asked
//! again when the provider says they are about to lapse, and renewed once when the registry
//! refuses them.

use base64::Engine as _;
use bytes::Bytes;
use lading_secrets::Secret;
use reqwest::header::{HeaderMap, HeaderValue, WWW_AUTHENTICATE};
use reqwest::{Method, Response, StatusCode};
use serde::Deserialize;
use url::Url;

use super::{ClientOptions, Credentials, RegistryClient};
use crate::auth::{parse_challenge, Challenge};
use crate::error::OciError;

/// The credentials a client signs in with, and how many times they were fetched.
#[derive(Debug)]
pub(super) struct CredentialState {
    /// `None` until the provider was asked (given credentials, or no provider, are known at once).
    known: std::sync::Mutex<Option<Option<Credentials>>>,
    /// Bumped at every fetch: a refusal renews only the credentials that were refused.
    generation: std::sync::atomic::AtomicU64,
    /// One fetch at a time: concurrent requests wait for it instead of asking again.
    fetching: tokio::sync::Mutex<()>,
    /// Likewise for bearer tokens from the registry's token service.
    token_fetch: tokio::sync::Mutex<()>,
}

impl CredentialState {
    pub(super) fn new(options: &ClientOptions) -> Self {
        let known = match (&options.credentials, &options.provider) {
            (Some(given), _) => Some(Some(given.clone())),
            (None, None) => Some(None),
            (None, Some(_)) => None,
        };
        Self {
            known: std::sync::Mutex::new(known),
            generation: std::sync::atomic::AtomicU64::new(0),
            fetching: tokio::sync::Mutex::new(()),
            token_fetch: tokio::sync::Mutex::new(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Option<Credentials>>> {
        self.known.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::SeqCst)
    }
}

fn bearer_header(token: &Secret) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose())).ok()?;
    value.set_sensitive(true);
    Some(value)
}

impl RegistryClient {
    pub(super) async fn send_with(
        &self,
        method: Method,
        url: Url,
        scope: Option<&str>,
        headers: HeaderMap,
        body: Option<Bytes>,
    ) -> Result<Response, OciError> {
        self.refresh_if_lapsing().await?;
        let generation = self.credentials.generation();
        // Our credentials go only to the registry's own origin: an upload Location elsewhere is
        // followed without them, and a challenge from there is not answered.
        let own_origin = self.is_own_origin(&url);
        let header = self.authorization(scope).filter(|_| own_origin);
        let response = self
            .request_with_retry(&method, &url, header.clone(), &headers, body.as_ref())
            .await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        let challenge = response
            .headers()
            .get(WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_challenge);
        let Some(challenge) = challenge.filter(|_| own_origin) else {
            return Err(self.auth_failure(header.is_some()));
        };
        // Refused although we signed in: what we signed in with may have lapsed (an ECR token
        // after 12 hours); ask the provider once more.
        self.resolve_credentials(header.is_some().then_some(generation))
            .await?;
        // Our own scope is the full set we need (a mount needs two repositories); the registry's
        // challenge may name only what it checked first.
        let scope = match (&challenge, scope) {
            (_, Some(ours)) => Some(ours.to_owned()),
            (
                Challenge::Bearer {
                    scope: Some(theirs),
                    ..
                },
                None,
            ) => Some(theirs.clone()),
            _ => None,
        };
        self.auth.lock().expect("auth lock").challenge = Some(challenge.clone());
        let header = match challenge {
            Challenge::Basic => self.basic_header(),
            Challenge::Bearer { realm, service, .. } => {
                // Parallel first requests (a push's blobs) all meet the challenge: one asks the
                // token service, the others take its token.
                let _one_at_a_time = self.credentials.token_fetch.lock().await;
                match self.authorization(scope.as_deref()) {
                    Some(fetched) => Some(fetched),
                    None => Some(
                        self.fetch_token(&realm, service.as_deref(), scope.as_deref())
                            .await?,
                    ),
                }
            }
        };
        let Some(header) = header else {
            return Err(self.auth_failure(false));
        };
        let response = self
            .request_with_retry(&method, &url, Some(header), &headers, body.as_ref())
            .await?;
        if response.status() == StatusCode::UNAUTHORIZED {
            return Err(self.auth_failure(self.current_credentials().is_some()));
        }
        Ok(response)
    }

    /// Asks the provider again before a request when it says the credentials are about to lapse.
    async fn refresh_if_lapsing(&self) -> Result<(), OciError> {
        let Some(provider) = &self.options.provider else {
            return Ok(());
        };
        let asked = self.credentials.lock().is_some();
        if asked && self.options.credentials.is_none() && provider.lapsing(&self.registry) {
            self.resolve_credentials(Some(self.credentials.generation()))
                .await?;
        }
        Ok(())
    }

    /// Asks the provider for credentials if it was not asked yet — or, with `renew` (the
    /// generation that was refused or is lapsing), again, unless another request already did.
    pub(super) async fn resolve_credentials(&self, renew: Option<u64>) -> Result<(), OciError> {
        let Some(provider) = &self.options.provider else {
            return Ok(());
        };
        if self.options.credentials.is_some() {
            return Ok(());
        }
        let _one_at_a_time = self.credentials.fetching.lock().await;
        let asked = self.credentials.lock().is_some();
        let current = self.credentials.generation();
        match renew {
            None if asked => return Ok(()),
            Some(refused) if refused != current => return Ok(()),
            Some(_) => provider.invalidate(&self.registry),
            None => {}
        }
        let fresh = provider.credentials(&self.registry).await?;
        *self.credentials.lock() = Some(fresh);
        self.credentials
            .generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    pub(super) fn current_credentials(&self) -> Option<Credentials> {
        self.credentials.lock().clone().flatten()
    }

    /// The header we already know to send for this scope, so later requests skip the 401 round trip.
    pub(super) fn authorization(&self, scope: Option<&str>) -> Option<HeaderValue> {
        let state = self.auth.lock().expect("auth lock");
        match state.challenge.as_ref()? {
            Challenge::Basic => self.basic_header(),
            Challenge::Bearer { .. } => {
                let token = state.tokens.get(scope.unwrap_or(""))?;
                bearer_header(&token)
            }
        }
    }

    fn basic_header(&self) -> Option<HeaderValue> {
        let creds = self.current_credentials()?;
        let raw = format!("{}:{}", creds.username, creds.password.expose());
        let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
        let mut value = HeaderValue::from_str(&format!("Basic {encoded}")).ok()?;
        value.set_sensitive(true);
        Some(value)
    }

    async fn fetch_token(
        &self,
        realm: &str,
        service: Option<&str>,
        scope: Option<&str>,
    ) -> Result<HeaderValue, OciError> {
        #[derive(Deserialize)]
        struct TokenResponse {
            token: Option<String>,
            access_token: Option<String>,
            expires_in: Option<u64>,
        }
        let mut url =
            Url::parse(realm).map_err(|_| self.protocol("a token realm that is not a URL"))?;
        let basic = self.basic_header();
        crate::auth::check_realm(&self.base, &url, basic.is_some()).map_err(|reason| {
            OciError::Refused {
                registry: self.registry.clone(),
                reason,
            }
        })?;
        {
            let mut query = url.query_pairs_mut();
            if let Some(service) = service {
                query.append_pair("service", service);
            }
            for scope in scope.unwrap_or("").split_whitespace() {
                query.append_pair("scope", scope);
            }
        }
        let no_headers = HeaderMap::new();
        let answer = self
            .read_whole(
                || self.request_with_retry(&Method::GET, &url, basic.clone(), &no_headers, None),
                super::TOKEN_BODY_BYTES,
                "the token answer",
                |m| self.protocol(&m),
            )
            .await?;
        if matches!(
            answer.status,
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
        ) {
            return Err(self.auth_failure(self.current_credentials().is_some()));
        }
        if !answer.status.is_success() {
            return Err(self.protocol(&format!("the token service answered {}", answer.status)));
        }
        let body: TokenResponse = self.parse_json(&answer.body)?;
        let token = body
            .token
            .or(body.access_token)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| self.protocol("the token service returned no token"))?;
        let token = Secret::from(token);
        // The spec's default lifetime is 60 s when the service does not say.
        // A day at most: whatever a server says (an absurd value would overflow the clock).
        let lifetime =
            std::time::Duration::from_secs(body.expires_in.unwrap_or(60).clamp(1, 24 * 3600));
        let header = bearer_header(&token)
            .ok_or_else(|| self.protocol("a token that is not header-safe"))?;
        self.auth.lock().expect("auth lock").tokens.insert(
            scope.unwrap_or("").to_owned(),
            token,
            lifetime,
        );
        Ok(header)
    }

    pub(super) fn auth_failure(&self, sent_credentials: bool) -> OciError {
        match (self.current_credentials(), sent_credentials) {
            (Some(creds), true) => OciError::Unauthorized {
                registry: self.registry.clone(),
                username: creds.username.clone(),
            },
            _ => OciError::AuthRequired {
                registry: self.registry.clone(),
            },
        }
    }
}
