//! Repositories: create (mutability, exclusions, scan on push, encryption, tags), describe,
//! delete (refusing a non-empty one unless forced), settings and resource tags.

use aws_sdk_ecr::types::{
    EncryptionConfiguration, EncryptionType, ImageScanningConfiguration, ImageTagMutability,
    ImageTagMutabilityExclusionFilter, ImageTagMutabilityExclusionFilterType,
    Repository as SdkRepository,
};
use serde::Serialize;

use crate::{validate_repository_name, EcrClient, EcrError};

/// Tag mutability; the `…WithExclusion` forms name wildcard filters of tags that behave the
/// other way (e.g. immutable except `latest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "mode",
    content = "exclusions",
    rename_all = "SCREAMING_SNAKE_CASE"
)]
pub enum TagMutability {
    Mutable,
    Immutable,
    MutableWithExclusion(Vec<String>),
    ImmutableWithExclusion(Vec<String>),
}

impl TagMutability {
    fn to_sdk(
        &self,
    ) -> Result<(ImageTagMutability, Vec<ImageTagMutabilityExclusionFilter>), EcrError> {
        let (mode, filters) = match self {
            TagMutability::Mutable => (ImageTagMutability::Mutable, &[][..]),
            TagMutability::Immutable => (ImageTagMutability::Immutable, &[][..]),
            TagMutability::MutableWithExclusion(f) => {
                (ImageTagMutability::MutableWithExclusion, &f[..])
            }
            TagMutability::ImmutableWithExclusion(f) => {
                (ImageTagMutability::ImmutableWithExclusion, &f[..])
            }
        };
        if matches!(
            self,
            TagMutability::MutableWithExclusion(_) | TagMutability::ImmutableWithExclusion(_)
        ) && filters.is_empty()
        {
            return Err(EcrError::InvalidInput(
                "a …_WITH_EXCLUSION mutability needs at least one exclusion filter".into(),
            ));
        }
        let filters = filters
            .iter()
            .map(|f| {
                if let Some(problem) = crate::checks::exclusion_problem(f) {
                    return Err(EcrError::InvalidInput(problem));
                }
                ImageTagMutabilityExclusionFilter::builder()
                    .filter_type(ImageTagMutabilityExclusionFilterType::Wildcard)
                    .filter(f)
                    .build()
                    .map_err(|e| EcrError::InvalidInput(e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        Ok((mode, filters))
    }

    /// Parses `MUTABLE`, `IMMUTABLE`, `MUTABLE_WITH_EXCLUSION`, `IMMUTABLE_WITH_EXCLUSION`.
    pub fn parse(mode: &str, exclusions: Vec<String>) -> Result<Self, EcrError> {
        match mode.to_ascii_uppercase().as_str() {
            "MUTABLE" => Ok(TagMutability::Mutable),
            "IMMUTABLE" => Ok(TagMutability::Immutable),
            "MUTABLE_WITH_EXCLUSION" => Ok(TagMutability::MutableWithExclusion(exclusions)),
            "IMMUTABLE_WITH_EXCLUSION" => Ok(TagMutability::ImmutableWithExclusion(exclusions)),
            other => Err(EcrError::InvalidInput(format!(
                "tag mutability {other:?} is not one of MUTABLE, IMMUTABLE, MUTABLE_WITH_EXCLUSION, IMMUTABLE_WITH_EXCLUSION"
            ))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Encryption {
    Aes256,
    Kms { key: Option<String> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRepository {
    pub name: String,
    pub mutability: TagMutability,
    pub scan_on_push: bool,
    pub encryption: Option<Encryption>,
    pub tags: Vec<(String, String)>,
}

impl NewRepository {
    /// Every problem ECR would refuse the repository for, before it is asked.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Err(e) = validate_repository_name(&self.name) {
            problems.push(e.to_string());
        }
        if let Err(e) = self.mutability.to_sdk() {
            problems.push(e.to_string());
        }
        if let Some(Encryption::Kms { key: Some(key) }) = &self.encryption {
            problems.extend(crate::checks::kms_key_problem(key));
        }
        problems.extend(crate::checks::tag_problems(&self.tags));
        problems
    }

    pub fn named(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            mutability: TagMutability::Mutable,
            scan_on_push: false,
            encryption: None,
            tags: Vec::new(),
        }
    }
}

/// An ECR repository with its settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repository {
    pub name: String,
    pub uri: String,
    pub arn: String,
    pub registry_id: String,
    pub created_at_epoch_seconds: Option<i64>,
    pub tag_mutability: String,
    pub mutability_exclusions: Vec<String>,
    pub scan_on_push: bool,
    pub encryption: String,
    pub kms_key: Option<String>,
}

impl From<SdkRepository> for Repository {
    fn from(r: SdkRepository) -> Self {
        Self {
            name: r.repository_name.unwrap_or_default(),
            uri: r.repository_uri.unwrap_or_default(),
            arn: r.repository_arn.unwrap_or_default(),
            registry_id: r.registry_id.unwrap_or_default(),
            created_at_epoch_seconds: r.created_at.map(|t| t.secs()),
            tag_mutability: r
                .image_tag_mutability
                .map(|m| m.as_str().to_owned())
                .unwrap_or_else(|| "MUTABLE".into()),
            mutability_exclusions: r
                .image_tag_mutability_exclusion_filters
                .unwrap_or_default()
                .into_iter()
                .map(|f| f.filter)
                .collect(),
            scan_on_push: r
                .image_scanning_configuration
                .is_some_and(|c| c.scan_on_push),
            encryption: r
                .encryption_configuration
                .as_ref()
                .map(|e| e.encryption_type.as_str().to_owned())
                .unwrap_or_else(|| "AES256".into()),
            kms_key: r.encryption_configuration.and_then(|e| e.kms_key),
        }
    }
}

impl EcrClient {
    /// Every repository of the registry, following `nextToken` to the end.
    pub async fn list_repositories(&self) -> Result<Vec<Repository>, EcrError> {
        let mut pages = self
            .sdk
            .describe_repositories()
            .set_registry_id(self.registry_id.clone())
            .max_results(1000)
            .into_paginator()
            .send();
        let mut repositories = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(EcrError::from_sdk)?;
            repositories.extend(
                page.repositories
                    .unwrap_or_default()
                    .into_iter()
                    .map(Repository::from),
            );
        }
        Ok(repositories)
    }

    pub async fn create_repository(&self, name: &str) -> Result<Repository, EcrError> {
        self.create_repository_with(&NewRepository::named(name))
            .await
    }

    pub async fn create_repository_with(
        &self,
        spec: &NewRepository,
    ) -> Result<Repository, EcrError> {
        crate::checks::refuse_if_any(spec.problems())?;
        let (mutability, filters) = spec.mutability.to_sdk()?;
        let mut request = self
            .sdk
            .create_repository()
            .set_registry_id(self.registry_id.clone())
            .repository_name(&spec.name)
            .image_tag_mutability(mutability)
            .set_image_tag_mutability_exclusion_filters((!filters.is_empty()).then_some(filters))
            .image_scanning_configuration(
                ImageScanningConfiguration::builder()
                    .scan_on_push(spec.scan_on_push)
                    .build(),
            );
        if let Some(encryption) = &spec.encryption {
            let config = match encryption {
                Encryption::Aes256 => {
                    EncryptionConfiguration::builder().encryption_type(EncryptionType::Aes256)
                }
                Encryption::Kms { key } => EncryptionConfiguration::builder()
                    .encryption_type(EncryptionType::Kms)
                    .set_kms_key(key.clone()),
            };
            request = request.encryption_configuration(
                config
                    .build()
                    .map_err(|e| EcrError::InvalidInput(e.to_string()))?,
            );
        }
        for tag in crate::checks::sdk_tags(&spec.tags)? {
            request = request.tags(tag);
        }
        let out = request.send().await.map_err(EcrError::from_sdk)?;
        out.repository.map(Repository::from).ok_or_else(|| {
            EcrError::Unexpected("CreateRepository returned no repository".to_owned())
        })
    }

    pub async fn describe_repository(&self, name: &str) -> Result<Repository, EcrError> {
        let out = self
            .sdk
            .describe_repositories()
            .set_registry_id(self.registry_id.clone())
            .repository_names(name)
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        out.repositories
            .unwrap_or_default()
            .into_iter()
            .next()
            .map(Repository::from)
            .ok_or_else(|| {
                EcrError::RepositoryNotFound(format!("repository {name} does not exist"))
            })
    }

    /// Deletes a repository. One that still holds images is refused unless `force`, which
    /// deletes the images with it.
    pub async fn delete_repository(&self, name: &str, force: bool) -> Result<(), EcrError> {
        if !force {
            let images = self
                .sdk
                .list_images()
                .set_registry_id(self.registry_id.clone())
                .repository_name(name)
                .max_results(1)
                .send()
                .await
                .map_err(EcrError::from_sdk)?;
            if !images.image_ids.unwrap_or_default().is_empty() {
                return Err(EcrError::RepositoryNotEmpty(format!(
                    "repository {name} still holds images; delete them first, or force the deletion to delete them too"
                )));
            }
        }
        self.sdk
            .delete_repository()
            .set_registry_id(self.registry_id.clone())
            .repository_name(name)
            .force(force)
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        Ok(())
    }

    pub async fn set_tag_mutability(
        &self,
        name: &str,
        mutability: &TagMutability,
    ) -> Result<(), EcrError> {
        let (mode, filters) = mutability.to_sdk()?;
        self.sdk
            .put_image_tag_mutability()
            .set_registry_id(self.registry_id.clone())
            .repository_name(name)
            .image_tag_mutability(mode)
            .set_image_tag_mutability_exclusion_filters((!filters.is_empty()).then_some(filters))
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        Ok(())
    }

    pub async fn set_scan_on_push(&self, name: &str, scan_on_push: bool) -> Result<(), EcrError> {
        self.sdk
            .put_image_scanning_configuration()
            .set_registry_id(self.registry_id.clone())
            .repository_name(name)
            .image_scanning_configuration(
                ImageScanningConfiguration::builder()
                    .scan_on_push(scan_on_push)
                    .build(),
            )
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        Ok(())
    }

    /// The repository's ARN, which the resource-tag calls name it by.
    pub async fn repository_arn(&self, name: &str) -> Result<String, EcrError> {
        Ok(self.describe_repository(name).await?.arn)
    }

    pub async fn list_tags(&self, name: &str) -> Result<Vec<(String, String)>, EcrError> {
        self.tags_of(&self.repository_arn(name).await?).await
    }

    pub async fn tag_repository(
        &self,
        name: &str,
        tags: &[(String, String)],
    ) -> Result<(), EcrError> {
        self.tag_arn(&self.repository_arn(name).await?, tags).await
    }

    pub async fn untag_repository(&self, name: &str, keys: &[String]) -> Result<(), EcrError> {
        self.untag_arn(&self.repository_arn(name).await?, keys)
            .await
    }

    /// The resource tags of `arn`, sorted.
    pub async fn tags_of(&self, arn: &str) -> Result<Vec<(String, String)>, EcrError> {
        let out = self
            .sdk
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        let mut tags: Vec<_> = out
            .tags
            .unwrap_or_default()
            .into_iter()
            .map(|t| (t.key, t.value))
            .collect();
        tags.sort();
        Ok(tags)
    }

    /// Adds or changes tags of `arn`, checked against ECR's rules first.
    pub async fn tag_arn(&self, arn: &str, tags: &[(String, String)]) -> Result<(), EcrError> {
        crate::checks::refuse_if_any(crate::checks::tag_problems(tags))?;
        let tags = crate::checks::sdk_tags(tags)?;
        self.sdk
            .tag_resource()
            .resource_arn(arn)
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        Ok(())
    }

    /// Removes tags of `arn` by key.
    pub async fn untag_arn(&self, arn: &str, keys: &[String]) -> Result<(), EcrError> {
        crate::checks::refuse_if_any(
            keys.iter()
                .filter_map(|k| crate::checks::tag_key_problem(k))
                .collect(),
        )?;
        self.sdk
            .untag_resource()
            .resource_arn(arn)
            .set_tag_keys(Some(keys.to_vec()))
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        Ok(())
    }
}
