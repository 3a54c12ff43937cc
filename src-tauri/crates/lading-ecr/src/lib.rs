//! Amazon ECR's control plane for Lading, on `aws-sdk-ecr`. No Tauri types here: the app, the CLI
//! and the tests against moto's ECR server all use it the same way.

mod api_push;
pub mod checks;
mod error;
mod images;
mod issues;
pub mod lifecycle;
pub mod policy;
pub mod profiles;
mod proxy;
pub mod pull_through;
mod registry_settings;
mod repos;
mod scanning;
pub mod templates;
mod token;
mod wildcard;

pub use api_push::EcrApiSink;
pub use error::EcrError;
pub use images::{DeleteReport, FetchedManifest, ImageDetail, ImageFailure, ImageRef};
pub use registry_settings::{Destination, Replication, ReplicationRule};
pub use repos::{Encryption, NewRepository, Repository, TagMutability};
pub use scanning::{Finding, ScanFindings, ScanningConfiguration, ScanningRule};
pub use token::{parse_ecr_host, AuthorizationToken, EcrCredentialProvider};

use aws_config::{BehaviorVersion, Region};

/// Which ECR registry to talk to: an AWS profile in a region, optionally at another endpoint
/// (an emulator such as moto). `AWS_ENDPOINT_URL_ECR` is honoured too, through aws-config.
#[derive(Debug, Clone, Default)]
pub struct EcrTarget {
    pub profile: Option<String>,
    /// `None`: the AWS default chain (AWS_REGION, the profile's region).
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

/// An ECR registry: one account in one region.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RegistryInfo {
    pub account: String,
    pub region: String,
    /// `https://<account>.dkr.ecr.<region>.amazonaws.com`
    pub url: String,
}

#[derive(Debug, Clone)]
pub struct EcrClient {
    pub(crate) sdk: aws_sdk_ecr::Client,
    /// Another account's registry these credentials may use (a shared "tools" account); every
    /// repository-level call names it. `None`: the caller's own registry.
    pub(crate) registry_id: Option<String>,
}

impl EcrClient {
    /// Loads credentials and settings the way the AWS CLI does (profile, env, SSO, process).
    pub async fn connect(target: &EcrTarget) -> Result<Self, EcrError> {
        // Throttling (and transient errors) are retried with the SDK's adaptive client-side rate
        // limiting, a bounded number of times.
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(aws_config::retry::RetryConfig::adaptive().with_max_attempts(5));
        if let Some(profile) = &target.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(endpoint) = &target.endpoint_url {
            loader = loader.endpoint_url(endpoint);
        }
        // The region first (the profile's, the environment's), to know the API's address and so
        // whether a proxy stands before it.
        let region = match target.region.as_deref().filter(|r| !r.trim().is_empty()) {
            Some(region) => Some(region.to_owned()),
            None => {
                let mut chain = aws_config::default_provider::region::DefaultRegionChain::builder();
                if let Some(profile) = &target.profile {
                    chain = chain.profile_name(profile);
                }
                chain.build().region().await.map(|r| r.to_string())
            }
        };
        let Some(region) = region else {
            return Err(EcrError::InvalidInput(
                "no AWS region: pass --region, set AWS_REGION, or give the profile a region"
                    .to_owned(),
            ));
        };
        let endpoint = proxy::api_endpoint(target.endpoint_url.as_deref(), &region);
        if let Some(proxy) = proxy::proxy_for(&endpoint) {
            loader = loader.http_client(proxy::http_client(proxy));
        }
        let config = loader.region(Region::new(region)).load().await;
        Ok(Self::from_sdk_config(&config))
    }

    /// The registry these credentials and region lead to: account ID and registry URL.
    pub async fn registry(&self) -> Result<RegistryInfo, EcrError> {
        let region = self
            .sdk
            .config()
            .region()
            .map(|r| r.to_string())
            .unwrap_or_default();
        if let Some(account) = &self.registry_id {
            // Another account's registry: DescribeRegistry speaks only of one's own, so whether
            // this one may be read is asked of it directly.
            self.sdk
                .describe_repositories()
                .registry_id(account)
                .max_results(1)
                .send()
                .await
                .map_err(EcrError::from_sdk)?;
            return Ok(RegistryInfo {
                url: profiles::registry_url(account, &region),
                account: account.clone(),
                region,
            });
        }
        let out = self
            .sdk
            .describe_registry()
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        let account = out.registry_id.ok_or_else(|| {
            EcrError::Unexpected("DescribeRegistry returned no registry ID".into())
        })?;
        Ok(RegistryInfo {
            url: profiles::registry_url(&account, &region),
            account,
            region,
        })
    }

    pub fn from_sdk_config(config: &aws_config::SdkConfig) -> Self {
        Self {
            sdk: aws_sdk_ecr::Client::new(config),
            registry_id: None,
        }
    }

    /// The same credentials, for the registry of account `registry_id` (12 digits); `None` for
    /// the caller's own.
    pub fn for_registry(self, registry_id: Option<&str>) -> Result<Self, EcrError> {
        let registry_id = registry_id.map(str::trim).filter(|id| !id.is_empty());
        if let Some(id) = registry_id {
            if let Some(problem) = checks::registry_id_problem(id) {
                return Err(EcrError::InvalidInput(problem));
            }
        }
        Ok(Self {
            registry_id: registry_id.map(str::to_owned),
            ..self
        })
    }

    /// The other account's registry this client names, if any.
    pub fn registry_id(&self) -> Option<&str> {
        self.registry_id.as_deref()
    }
}

/// Unix seconds as RFC 3339 (UTC), for tables.
pub fn rfc3339(seconds: i64) -> String {
    aws_sdk_ecr::primitives::DateTime::from_secs(seconds)
        .fmt(aws_sdk_ecr::primitives::DateTimeFormat::DateTime)
        .unwrap_or_else(|_| seconds.to_string())
}

/// ECR's documented rule: 2–256 characters, lowercase, `[a-z0-9]+(?:[._-][a-z0-9]+)*` per
/// `/`-separated component.
pub fn validate_repository_name(name: &str) -> Result<(), EcrError> {
    let bad = |why: &str| {
        Err(EcrError::InvalidInput(format!(
            "repository name {name:?}: {why}"
        )))
    };
    if !(2..=256).contains(&name.len()) {
        return bad("must be 2 to 256 characters long");
    }
    for component in name.split('/') {
        if component.is_empty() {
            return bad("has an empty path component");
        }
        let mut previous_was_separator = true;
        for c in component.chars() {
            let separator = matches!(c, '.' | '_' | '-');
            if !(c.is_ascii_lowercase() || c.is_ascii_digit() || separator) {
                return bad("may hold only lowercase letters, digits, '.', '_', '-' and '/'");
            }
            if separator && previous_was_separator {
                return bad("separators must sit between letters or digits");
            }
            previous_was_separator = separator;
        }
        if previous_was_separator {
            return bad("a path component may not end with a separator");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_names_follow_ecr_rules() {
        for ok in ["ab", "team-a/web-app", "a.b_c-d/e1", "x1/y2/z3"] {
            validate_repository_name(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for bad in [
            "a",
            "Team/app",
            "team//app",
            "team/app-",
            "-app",
            "a..b",
            "team/ app",
        ] {
            let err = validate_repository_name(bad).expect_err(bad);
            assert_eq!(err.code(), "invalid_input");
        }
    }
}
