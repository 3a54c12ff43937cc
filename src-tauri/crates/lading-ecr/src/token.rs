//! ECR registry credentials: `GetAuthorizationToken` gives `AWS:<password>` valid for 12 hours.
//! Kept in memory only, and fetched again shortly before it expires.

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use lading_oci::credentials::{CredentialFuture, CredentialProvider};
use lading_oci::Credentials;
use lading_secrets::Secret;
use tokio::sync::Mutex;

use crate::{EcrClient, EcrError};

/// Fetch a new token when the current one has less than this left.
const REFRESH_MARGIN: Duration = Duration::from_secs(15 * 60);
/// How long ECR's authorization tokens are valid.
const TOKEN_LIFETIME: Duration = Duration::from_secs(12 * 3600);

#[derive(Debug, Clone)]
pub struct AuthorizationToken {
    pub username: String,
    pub password: Secret,
    /// `https://<account>.dkr.ecr.<region>.amazonaws.com`
    pub proxy_endpoint: String,
    pub expires_at: SystemTime,
}

impl EcrClient {
    pub async fn authorization_token(&self) -> Result<AuthorizationToken, EcrError> {
        let out = self
            .sdk
            .get_authorization_token()
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        let data = out
            .authorization_data
            .unwrap_or_default()
            .into_iter()
            .next()
            .ok_or_else(|| {
                EcrError::Unexpected("GetAuthorizationToken returned no data".to_owned())
            })?;
        let encoded = data.authorization_token.ok_or_else(|| {
            EcrError::Unexpected("GetAuthorizationToken returned no token".to_owned())
        })?;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| {
                EcrError::Unexpected("the authorization token is not base64 text".to_owned())
            })?;
        let (username, password) = decoded.split_once(':').ok_or_else(|| {
            EcrError::Unexpected("the authorization token is not user:password".to_owned())
        })?;
        // A token is valid for 12 hours. An expiry already past when it arrives (a skewed clock,
        // an emulator's fixed date) cannot be right: trust the documented lifetime instead, and
        // let a refusal by the registry fetch a new one.
        let fetched = SystemTime::now();
        let expires_at = data
            .expires_at
            .and_then(|t| SystemTime::try_from(t).ok())
            .filter(|at| *at > fetched + REFRESH_MARGIN)
            .unwrap_or(fetched + TOKEN_LIFETIME);
        Ok(AuthorizationToken {
            username: username.to_owned(),
            password: Secret::new(password),
            proxy_endpoint: data.proxy_endpoint.unwrap_or_default(),
            expires_at,
        })
    }
}

fn is_fresh(token: &AuthorizationToken) -> bool {
    token.expires_at > SystemTime::now() + REFRESH_MARGIN
}

/// Registry credentials for ECR hosts, from the ECR API: fetched once, reused until shortly
/// before they expire, and fetched again early or when the registry refuses them.
pub struct EcrCredentialProvider {
    client: EcrClient,
    cached: std::sync::Mutex<Option<AuthorizationToken>>,
    /// One GetAuthorizationToken at a time: concurrent callers wait for it.
    fetching: Mutex<()>,
}

impl EcrCredentialProvider {
    pub fn new(client: EcrClient) -> Self {
        Self {
            client,
            cached: std::sync::Mutex::new(None),
            fetching: Mutex::new(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<AuthorizationToken>> {
        self.cached.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The kept token, unless it expires within the refresh margin.
    fn fresh(&self) -> Option<AuthorizationToken> {
        self.lock().as_ref().filter(|t| is_fresh(t)).cloned()
    }

    /// When the kept token expires; `None` before the first one is fetched.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.lock().as_ref().map(|t| t.expires_at)
    }

    pub async fn token(&self) -> Result<AuthorizationToken, EcrError> {
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let _one_at_a_time = self.fetching.lock().await;
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let fresh = self.client.authorization_token().await?;
        *self.lock() = Some(fresh.clone());
        Ok(fresh)
    }
}

impl CredentialProvider for EcrCredentialProvider {
    fn credentials<'a>(&'a self, registry: &'a str) -> CredentialFuture<'a> {
        Box::pin(async move {
            if parse_ecr_host(registry).is_none() {
                return Ok(None);
            }
            let token = self
                .token()
                .await
                .map_err(|e| lading_oci::OciError::Unauthorized {
                    registry: registry.to_owned(),
                    username: format!("AWS ({e})"),
                })?;
            Ok(Some(Credentials {
                username: token.username,
                password: token.password,
            }))
        })
    }

    fn lapsing(&self, registry: &str) -> bool {
        // Asked before every request: look at the kept token without copying it.
        parse_ecr_host(registry).is_some() && !self.lock().as_ref().is_some_and(is_fresh)
    }

    fn invalidate(&self, _registry: &str) {
        *self.lock() = None;
    }
}

/// `<account>.dkr.ecr.<region>.amazonaws.com[.cn]` (also `dkr.ecr-fips`) → (account, region).
pub fn parse_ecr_host(host: &str) -> Option<(String, String)> {
    let host = host.split(':').next()?;
    let mut parts = host.split('.');
    let account = parts.next()?;
    let dkr = parts.next()?;
    let ecr = parts.next()?;
    let region = parts.next()?;
    let rest: Vec<&str> = parts.collect();
    let valid_suffix = rest == ["amazonaws", "com"] || rest == ["amazonaws", "com", "cn"];
    (crate::checks::is_account_id(account)
        && dkr == "dkr"
        && (ecr == "ecr" || ecr == "ecr-fips")
        && !region.is_empty()
        && valid_suffix)
        .then(|| (account.to_owned(), region.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_ecr_hosts() {
        assert_eq!(
            parse_ecr_host("123456789012.dkr.ecr.eu-west-1.amazonaws.com"),
            Some(("123456789012".into(), "eu-west-1".into()))
        );
        assert!(parse_ecr_host("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn").is_some());
        assert!(parse_ecr_host("12345.dkr.ecr.eu-west-1.amazonaws.com").is_none());
        assert!(parse_ecr_host("registry.example.com").is_none());
        assert!(parse_ecr_host("123456789012.dkr.ecr.eu-west-1.example.com").is_none());
    }
}
