//! A repository's resource tags (ECR): read, and replaced as a whole from the window's editor —
//! checked first, then added or changed, then removed; if the removal fails, the first step is
//! undone, so the repository never keeps half of a change.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::view::ResourceTag;
use crate::AppState;

const TAGS_ARE_ECR: &str = "resource tags are an ECR feature; OCI registries have none";

fn views(tags: Vec<(String, String)>) -> Vec<ResourceTag> {
    tags.into_iter()
        .map(|(key, value)| ResourceTag { key, value })
        .collect()
}

pub async fn repository_tags(state: &AppState, id: &str, name: &str) -> Result<Vec<ResourceTag>> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(TAGS_ARE_ECR).await?;
    Ok(views(ecr.list_tags(name).await?))
}

/// Makes the repository's tags exactly `wanted`; answers them as ECR reads them back.
pub async fn set_repository_tags(
    state: &AppState,
    id: &str,
    name: &str,
    wanted: Vec<ResourceTag>,
) -> Result<Vec<ResourceTag>> {
    let registry = state.registry(id).await?;
    let ecr = registry.ecr_or(TAGS_ARE_ECR).await?;
    let pairs: Vec<(String, String)> = wanted
        .iter()
        .map(|t| (t.key.trim().to_owned(), t.value.trim().to_owned()))
        .collect();
    let problems = lading_ecr::checks::tag_problems(&pairs);
    lading_ecr::checks::refuse_if_any(problems)?;
    // One DescribeRepositories for the ARN every tag call names.
    let arn = ecr.repository_arn(name).await?;
    let before: BTreeMap<String, String> = ecr.tags_of(&arn).await?.into_iter().collect();
    let after: BTreeMap<String, String> = pairs.into_iter().collect();
    let set: Vec<(String, String)> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let removed: Vec<String> = before
        .keys()
        .filter(|k| !after.contains_key(*k))
        .cloned()
        .collect();
    if !set.is_empty() {
        ecr.tag_arn(&arn, &set).await?;
    }
    if !removed.is_empty() {
        if let Err(e) = ecr.untag_arn(&arn, &removed).await {
            // Put back what the first step changed: the old values, and no new keys.
            let restore: Vec<(String, String)> = set
                .iter()
                .filter_map(|(k, _)| before.get(k).map(|v| (k.clone(), v.clone())))
                .collect();
            let added: Vec<String> = set
                .iter()
                .filter(|(k, _)| !before.contains_key(k))
                .map(|(k, _)| k.clone())
                .collect();
            if !restore.is_empty() {
                let _ = ecr.tag_arn(&arn, &restore).await;
            }
            if !added.is_empty() {
                let _ = ecr.untag_arn(&arn, &added).await;
            }
            return Err(e.into());
        }
    }
    Ok(views(ecr.tags_of(&arn).await?))
}
