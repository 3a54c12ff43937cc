//! Registry-level settings: the registry policy (who may replicate into, or pull through, this
//! registry) and the replication configuration (which repositories are copied to which regions
//! and accounts). Each is checked against ECR's documented rules before it is sent.

use aws_sdk_ecr::types::{
    ReplicationConfiguration as SdkReplication, ReplicationDestination, ReplicationRule as SdkRule,
    RepositoryFilter, RepositoryFilterType,
};
use serde::{Deserialize, Serialize};

use crate::policy::PolicyDocument;
use crate::{EcrClient, EcrError};

/// Where a rule copies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destination {
    pub region: String,
    /// The destination account (12 digits): this one's for cross-region replication.
    pub registry_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicationRule {
    pub destinations: Vec<Destination>,
    /// Repository name prefixes; none: every repository.
    #[serde(default)]
    pub filters: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replication {
    pub rules: Vec<ReplicationRule>,
}

/// ECR's limits on a replication configuration.
const RULES_MAX: usize = 10;
const DESTINATIONS_MAX: usize = 25;
const FILTERS_MAX: usize = 100;

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-5`.
fn is_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].parse::<u8>().is_ok()
}

/// A repository-name prefix: ECR's name characters, 2–256 long.
fn filter_problem(filter: &str) -> Option<&'static str> {
    if !(2..=256).contains(&filter.len()) {
        return Some("must be 2 to 256 characters");
    }
    if !filter
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-/".contains(c))
    {
        return Some("may hold only lowercase letters, digits, . _ - and /");
    }
    None
}

impl Replication {
    /// Every problem, named at its rule and field, before anything is sent.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.rules.len() > RULES_MAX {
            problems.push(format!(
                "at most {RULES_MAX} replication rules, not {}",
                self.rules.len()
            ));
        }
        let destinations: usize = self.rules.iter().map(|r| r.destinations.len()).sum();
        if destinations > DESTINATIONS_MAX {
            problems.push(format!(
                "at most {DESTINATIONS_MAX} destinations in all, not {destinations}"
            ));
        }
        for (i, rule) in self.rules.iter().enumerate() {
            let at = format!("rule {}", i + 1);
            if rule.destinations.is_empty() {
                problems.push(format!("{at}: needs at least one destination"));
            }
            for (j, d) in rule.destinations.iter().enumerate() {
                if !is_region(&d.region) {
                    problems.push(format!(
                        "{at}, destination {}: \"{}\" is not an AWS region (e.g. eu-west-1)",
                        j + 1,
                        d.region
                    ));
                }
                if let Some(problem) = crate::checks::registry_id_problem(&d.registry_id) {
                    problems.push(format!("{at}, destination {}: {problem}", j + 1));
                }
            }
            if rule.filters.len() > FILTERS_MAX {
                problems.push(format!(
                    "{at}: at most {FILTERS_MAX} repository filters, not {}",
                    rule.filters.len()
                ));
            }
            for filter in &rule.filters {
                if let Some(why) = filter_problem(filter) {
                    problems.push(format!("{at}, filter \"{filter}\": {why}"));
                }
            }
        }
        problems
    }
}

impl EcrClient {
    /// The registry policy text, or `None` when the registry has none.
    pub async fn registry_policy(&self) -> Result<Option<String>, EcrError> {
        match self.sdk.get_registry_policy().send().await {
            Ok(out) => Ok(out.policy_text),
            Err(e) => match EcrError::from_sdk(e) {
                EcrError::Service { code, .. } if code == "RegistryPolicyNotFoundException" => {
                    Ok(None)
                }
                other => Err(other),
            },
        }
    }

    /// Validates `text` as an IAM policy locally, then stores it.
    pub async fn set_registry_policy(&self, text: &str) -> Result<(), EcrError> {
        PolicyDocument::parse(text).map_err(EcrError::InvalidPolicy)?;
        self.sdk
            .put_registry_policy()
            .policy_text(text)
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        Ok(())
    }

    pub async fn delete_registry_policy(&self) -> Result<(), EcrError> {
        self.sdk
            .delete_registry_policy()
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        Ok(())
    }

    pub async fn replication(&self) -> Result<Replication, EcrError> {
        let out = self
            .sdk
            .describe_registry()
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        Ok(Replication {
            rules: out
                .replication_configuration
                .map(|c| c.rules)
                .unwrap_or_default()
                .into_iter()
                .map(|r| ReplicationRule {
                    destinations: r
                        .destinations
                        .into_iter()
                        .map(|d| Destination {
                            region: d.region,
                            registry_id: d.registry_id,
                        })
                        .collect(),
                    filters: r
                        .repository_filters
                        .unwrap_or_default()
                        .into_iter()
                        .map(|f| f.filter)
                        .collect(),
                })
                .collect(),
        })
    }

    /// Replaces the replication configuration (checked first); answers it as ECR reads it back.
    pub async fn set_replication(&self, wanted: &Replication) -> Result<Replication, EcrError> {
        crate::checks::refuse_if_any(wanted.problems())?;
        let invalid = |e: aws_sdk_ecr::error::BuildError| EcrError::InvalidInput(e.to_string());
        let mut rules = Vec::new();
        for rule in &wanted.rules {
            let mut destinations = Vec::new();
            for d in &rule.destinations {
                destinations.push(
                    ReplicationDestination::builder()
                        .region(&d.region)
                        .registry_id(&d.registry_id)
                        .build()
                        .map_err(invalid)?,
                );
            }
            let mut filters = Vec::new();
            for f in &rule.filters {
                filters.push(
                    RepositoryFilter::builder()
                        .filter(f)
                        .filter_type(RepositoryFilterType::PrefixMatch)
                        .build()
                        .map_err(invalid)?,
                );
            }
            rules.push(
                SdkRule::builder()
                    .set_destinations(Some(destinations))
                    .set_repository_filters((!filters.is_empty()).then_some(filters))
                    .build()
                    .map_err(invalid)?,
            );
        }
        self.sdk
            .put_replication_configuration()
            .replication_configuration(
                SdkReplication::builder()
                    .set_rules(Some(rules))
                    .build()
                    .map_err(invalid)?,
            )
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        self.replication().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_problem_is_named_at_its_rule() {
        let config = Replication {
            rules: vec![
                ReplicationRule {
                    destinations: vec![
                        Destination {
                            region: "eu-west-1".into(),
                            registry_id: "111122223333".into(),
                        },
                        Destination {
                            region: "Europe".into(),
                            registry_id: "1111".into(),
                        },
                    ],
                    filters: vec!["prod/".into(), "Team".into()],
                },
                ReplicationRule {
                    destinations: vec![],
                    filters: vec![],
                },
            ],
        };
        assert_eq!(
            config.problems(),
            [
                "rule 1, destination 2: \"Europe\" is not an AWS region (e.g. eu-west-1)",
                "rule 1, destination 2: registry ID \"1111\" is not an AWS account ID (12 digits)",
                "rule 1, filter \"Team\": may hold only lowercase letters, digits, . _ - and /",
                "rule 2: needs at least one destination",
            ]
        );
        for region in ["us-east-1", "us-gov-west-1", "cn-north-1", "ap-southeast-5"] {
            assert!(is_region(region), "{region}");
        }
    }
}
