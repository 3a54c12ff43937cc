//! ECR lifecycle policies: a typed model of the rule grammar, validation with a message per
//! offending field, and a local evaluator with AWS's documented semantics:
//!
//! - all rules look at all images; they are applied in priority order (lowest number first);
//! - an image is expired (or transitioned) by at most one rule;
//! - an image whose tags a higher-priority rule selected cannot be expired by a lower one, but it
//!   still counts for the lower rule ("identified as if not expired");
//! - every prefix (or pattern) of a rule must match one of the image's tags;
//! - count rules keep the newest images by push time and mark the older ones.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

pub use crate::issues::PolicyIssue;
pub use crate::wildcard::wildcard_match;

/// AWS's limit on the policy text.
pub const MAX_POLICY_CHARS: usize = 30_720;
const SECONDS_PER_DAY: i64 = 86_400;
/// ECR's minimum archive duration: lifecycle rules cannot expire an image archived for less.
pub const MIN_ARCHIVE_DAYS: i64 = 90;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LifecyclePolicy {
    pub rules: Vec<LifecycleRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LifecycleRule {
    pub rule_priority: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub selection: Selection,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Selection {
    pub tag_status: TagStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_prefix_list: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_pattern_list: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<StorageClass>,
    pub count_type: CountType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count_unit: Option<CountUnit>,
    pub count_number: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TagStatus {
    Tagged,
    Untagged,
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CountType {
    ImageCountMoreThan,
    SinceImagePushed,
    SinceImagePulled,
    SinceImageTransitioned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CountUnit {
    Days,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum StorageClass {
    #[default]
    Standard,
    Archive,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Action {
    #[serde(rename = "type")]
    pub kind: ActionType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_storage_class: Option<StorageClass>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionType {
    Expire,
    Transition,
}

impl LifecyclePolicy {
    /// Parses and validates policy text; every problem is reported, not just the first.
    pub fn parse(text: &str) -> Result<Self, Vec<PolicyIssue>> {
        if text.chars().count() > MAX_POLICY_CHARS {
            return Err(vec![PolicyIssue {
                path: "$".into(),
                message: format!("the policy is longer than {MAX_POLICY_CHARS} characters"),
            }]);
        }
        let policy: LifecyclePolicy = parse_json(text).map_err(|issue| vec![issue])?;
        let issues = policy.validate();
        if issues.is_empty() {
            Ok(policy)
        } else {
            Err(issues)
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("policy serialises")
    }

    /// Every documented constraint, each with the path of the field at fault.
    pub fn validate(&self) -> Vec<PolicyIssue> {
        let mut issues = Vec::new();
        let mut push = |path: String, message: String| issues.push(PolicyIssue { path, message });
        if self.rules.is_empty() {
            push("rules".into(), "a policy needs at least one rule".into());
        }
        let mut priorities = BTreeSet::new();
        let highest = self
            .rules
            .iter()
            .map(|r| r.rule_priority)
            .max()
            .unwrap_or(0);
        let mut untagged_rules = 0;
        let mut prefix_sets: Vec<(usize, BTreeSet<&str>)> = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            let at = |field: &str| format!("rules[{i}].{field}");
            let s = &rule.selection;
            if rule.rule_priority < 1 {
                push(
                    at("rulePriority"),
                    "must be a whole number of at least 1".into(),
                );
            } else if !priorities.insert(rule.rule_priority) {
                push(
                    at("rulePriority"),
                    format!(
                        "priority {} is used by another rule; each must be unique",
                        rule.rule_priority
                    ),
                );
            }
            let prefixes = s.tag_prefix_list.as_deref().unwrap_or_default();
            let patterns = s.tag_pattern_list.as_deref().unwrap_or_default();
            match s.tag_status {
                TagStatus::Tagged => {
                    if prefixes.is_empty() && patterns.is_empty() {
                        push(
                            at("selection"),
                            "a rule for tagged images needs a tagPrefixList or a tagPatternList"
                                .into(),
                        );
                    }
                    if !prefixes.is_empty() && !patterns.is_empty() {
                        push(
                            at("selection"),
                            "tagPrefixList and tagPatternList cannot both be used in one rule"
                                .into(),
                        );
                    }
                }
                TagStatus::Untagged | TagStatus::Any => {
                    if s.tag_prefix_list.is_some() || s.tag_pattern_list.is_some() {
                        push(
                            at("selection.tagStatus"),
                            format!(
                            "a rule for {} images cannot have a tagPrefixList or tagPatternList",
                            if s.tag_status == TagStatus::Any { "any" } else { "untagged" }
                        ),
                        );
                    }
                }
            }
            if s.tag_status == TagStatus::Untagged {
                untagged_rules += 1;
                if untagged_rules == 2 {
                    push(
                        at("selection.tagStatus"),
                        "only one rule may select untagged images".into(),
                    );
                }
            }
            if s.tag_status == TagStatus::Any && rule.rule_priority != highest {
                push(at("rulePriority"), "a rule with tagStatus \"any\" must have the highest rulePriority (it is evaluated last)".into());
            }
            for (j, prefix) in prefixes.iter().enumerate() {
                if prefix.is_empty() {
                    push(
                        at(&format!("selection.tagPrefixList[{j}]")),
                        "a prefix cannot be empty".into(),
                    );
                }
            }
            for (j, pattern) in patterns.iter().enumerate() {
                if pattern.is_empty() {
                    push(
                        at(&format!("selection.tagPatternList[{j}]")),
                        "a pattern cannot be empty".into(),
                    );
                } else if pattern.matches('*').count() > 4 {
                    push(
                        at(&format!("selection.tagPatternList[{j}]")),
                        format!("{pattern:?} has more than four wildcards (*)"),
                    );
                }
            }
            if !prefixes.is_empty() {
                let set: BTreeSet<&str> = prefixes.iter().map(String::as_str).collect();
                if let Some((other, _)) = prefix_sets.iter().find(|(_, s)| *s == set) {
                    push(at("selection.tagPrefixList"), format!("rules[{other}] uses the same tag prefixes; each rule's set must be unique"));
                }
                prefix_sets.push((i, set));
            }
            match (s.count_type, s.count_unit) {
                (CountType::ImageCountMoreThan, Some(_)) => push(
                    at("selection.countUnit"),
                    "imageCountMoreThan counts images; remove countUnit".into(),
                ),
                (CountType::ImageCountMoreThan, None) => {}
                (_, None) => push(
                    at("selection.countUnit"),
                    "a since… count needs \"countUnit\": \"days\"".into(),
                ),
                (_, Some(CountUnit::Days)) => {}
            }
            if s.count_number < 1 {
                push(
                    at("selection.countNumber"),
                    "must be a whole number greater than 0".into(),
                );
            }
            if s.count_type == CountType::SinceImageTransitioned {
                if s.storage_class != Some(StorageClass::Archive) {
                    push(at("selection.countType"), "sinceImageTransitioned applies to archived images: set \"storageClass\": \"archive\"".into());
                } else if rule.action.kind == ActionType::Expire
                    && s.count_number >= 1
                    && s.count_number < MIN_ARCHIVE_DAYS
                {
                    push(
                        at("selection.countNumber"),
                        format!("ECR keeps an archived image at least {MIN_ARCHIVE_DAYS} days (its minimum archive duration): a lifecycle rule cannot expire it sooner"),
                    );
                }
            } else if s.storage_class == Some(StorageClass::Archive) {
                push(
                    at("selection.storageClass"),
                    "archived images are selected only by time in the archive: use \"countType\": \"sinceImageTransitioned\"".into(),
                );
            }
            match rule.action.kind {
                ActionType::Transition => {
                    if rule.action.target_storage_class != Some(StorageClass::Archive) {
                        push(
                            at("action.targetStorageClass"),
                            "a transition needs \"targetStorageClass\": \"archive\"".into(),
                        );
                    }
                    if s.storage_class == Some(StorageClass::Archive) {
                        push(
                            at("action.type"),
                            "archived images cannot be transitioned again".into(),
                        );
                    }
                }
                ActionType::Expire => {
                    if rule.action.target_storage_class.is_some() {
                        push(
                            at("action.targetStorageClass"),
                            "only a transition has a target storage class".into(),
                        );
                    }
                }
            }
        }
        issues
    }

    /// Applies the policy to `images` as of `now` (seconds since the epoch).
    pub fn evaluate(&self, images: &[EvalImage], now: i64) -> Vec<ImageVerdict> {
        let mut rules: Vec<&LifecycleRule> = self.rules.iter().collect();
        rules.sort_by_key(|r| r.rule_priority);
        let mut verdicts: Vec<ImageVerdict> = images
            .iter()
            .map(|image| ImageVerdict {
                digest: image.digest.clone(),
                tags: image.tags.clone(),
                outcome: Outcome::Kept { protected_by: None },
            })
            .collect();
        // The highest-priority rule whose tag selection matched each image.
        let mut selected_by: Vec<Option<i64>> = vec![None; images.len()];
        for rule in rules {
            let candidates: Vec<usize> = (0..images.len())
                .filter(|&i| rule.selection.selects(&images[i]))
                .collect();
            for i in rule.selection.marks(&candidates, images, now) {
                let protected = selected_by[i].is_some();
                let already = matches!(
                    verdicts[i].outcome,
                    Outcome::Expired { .. } | Outcome::Transitioned { .. }
                );
                if !protected && !already {
                    verdicts[i].outcome = match rule.action.kind {
                        ActionType::Expire => Outcome::Expired {
                            rule_priority: rule.rule_priority,
                        },
                        ActionType::Transition => Outcome::Transitioned {
                            rule_priority: rule.rule_priority,
                        },
                    };
                }
            }
            for &i in &candidates {
                selected_by[i].get_or_insert(rule.rule_priority);
            }
        }
        for (verdict, selected) in verdicts.iter_mut().zip(selected_by) {
            if let Outcome::Kept { protected_by } = &mut verdict.outcome {
                *protected_by = selected;
            }
        }
        verdicts
    }
}

impl Selection {
    fn selects(&self, image: &EvalImage) -> bool {
        if self.storage_class.unwrap_or_default() != image.storage_class {
            return false;
        }
        match self.tag_status {
            TagStatus::Any => true,
            TagStatus::Untagged => image.tags.is_empty(),
            TagStatus::Tagged => {
                let prefixes = self.tag_prefix_list.as_deref().unwrap_or_default();
                let patterns = self.tag_pattern_list.as_deref().unwrap_or_default();
                !image.tags.is_empty()
                    && (!prefixes.is_empty() || !patterns.is_empty())
                    && prefixes
                        .iter()
                        .all(|p| image.tags.iter().any(|t| t.starts_with(p.as_str())))
                    && patterns
                        .iter()
                        .all(|p| image.tags.iter().any(|t| wildcard_match(p, t)))
            }
        }
    }

    /// Which of the candidates this rule would act on, ignoring other rules.
    fn marks(&self, candidates: &[usize], images: &[EvalImage], now: i64) -> Vec<usize> {
        let older_than =
            |at: Option<i64>| at.is_some_and(|t| now - t > self.count_number * SECONDS_PER_DAY);
        match self.count_type {
            CountType::ImageCountMoreThan => {
                let mut newest_first = candidates.to_vec();
                newest_first.sort_by(|&a, &b| {
                    images[b]
                        .pushed_at
                        .cmp(&images[a].pushed_at)
                        .then_with(|| images[a].digest.cmp(&images[b].digest))
                });
                newest_first
                    .into_iter()
                    .skip(self.count_number.max(0) as usize)
                    .collect()
            }
            CountType::SinceImagePushed => candidates
                .iter()
                .copied()
                .filter(|&i| older_than(Some(images[i].pushed_at)))
                .collect(),
            // Never pulled counts from the push, as ECR does.
            CountType::SinceImagePulled => candidates
                .iter()
                .copied()
                .filter(|&i| {
                    older_than(Some(
                        images[i].last_pulled_at.unwrap_or(images[i].pushed_at),
                    ))
                })
                .collect(),
            CountType::SinceImageTransitioned => candidates
                .iter()
                .copied()
                .filter(|&i| older_than(images[i].transitioned_at))
                .collect(),
        }
    }
}

/// What the evaluator needs to know about an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalImage {
    pub digest: String,
    pub tags: Vec<String>,
    /// Seconds since the epoch.
    pub pushed_at: i64,
    pub last_pulled_at: Option<i64>,
    pub transitioned_at: Option<i64>,
    #[serde(default)]
    pub storage_class: StorageClass,
    pub size: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageVerdict {
    pub digest: String,
    pub tags: Vec<String>,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    Expired {
        rule_priority: i64,
    },
    Transitioned {
        rule_priority: i64,
    },
    /// Kept; `protected_by` is the highest-priority rule that selected it (which keeps lower
    /// rules from expiring it), `None` when no rule selected it at all.
    Kept {
        protected_by: Option<i64>,
    },
}

impl From<&crate::ImageDetail> for EvalImage {
    /// An image as DescribeImages reports it. ECR has no push time for an image only in the
    /// middle of being pushed: it counts as pushed now-ish (0 would make it the oldest).
    fn from(d: &crate::ImageDetail) -> Self {
        EvalImage {
            digest: d.digest.clone(),
            tags: d.tags.clone(),
            pushed_at: d.pushed_at.unwrap_or(i64::MAX / 2),
            last_pulled_at: d.last_pulled_at,
            // Archived images carry the time they moved; sinceImageTransitioned counts from it.
            transitioned_at: d.archived_at,
            storage_class: match d.image_status.as_deref() {
                Some("ARCHIVED") => StorageClass::Archive,
                _ => StorageClass::Standard,
            },
            size: d.size_bytes,
        }
    }
}

mod api;
mod describe;
mod preview;

pub use describe::{images_from_describe_json, parse_time};
pub use preview::{server_disagreements, ServerPreviewResult};

#[cfg(test)]
mod tests;

/// The policy's JSON, a problem with a field named by its path (`rules[0].selection.countNumber`)
/// so an editor can mark the field; bad JSON by its line and column.
fn parse_json(text: &str) -> Result<LifecyclePolicy, PolicyIssue> {
    let at_line = |e: &serde_json::Error| PolicyIssue {
        path: format!("line {} column {}", e.line(), e.column()),
        message: e.to_string(),
    };
    let mut json = serde_json::Deserializer::from_str(text);
    let policy = serde_path_to_error::deserialize(&mut json).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() && path != "." {
            PolicyIssue {
                path,
                message: field_message(&inner),
            }
        } else {
            at_line(&inner)
        }
    })?;
    json.end().map_err(|e| at_line(&e))?;
    Ok(policy)
}

/// serde's words for a wrong value ("invalid type: null, expected i64 at line 12 column 27") as
/// a sentence about the field; the location is the issue's path.
fn field_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let text = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(message, _)| message);
    match text.strip_prefix("invalid type: ") {
        Some(rest) if rest.ends_with("expected i64") => {
            let given = rest.trim_end_matches("expected i64").trim_end_matches(", ");
            format!("needs a whole number, not {given}")
        }
        Some(rest) if rest.ends_with("expected a string") => {
            let given = rest
                .trim_end_matches("expected a string")
                .trim_end_matches(", ");
            format!("needs text in quotes, not {given}")
        }
        _ => text.to_owned(),
    }
}
