//! The repository's lifecycle policy in ECR: read, store (validated first), delete.

use super::LifecyclePolicy;
use crate::{EcrClient, EcrError};

impl EcrClient {
    pub async fn get_lifecycle_policy(&self, repository: &str) -> Result<Option<String>, EcrError> {
        match self
            .sdk
            .get_lifecycle_policy()
            .set_registry_id(self.registry_id.clone())
            .repository_name(repository)
            .send()
            .await
        {
            Ok(out) => Ok(out.lifecycle_policy_text),
            Err(e) => match EcrError::from_sdk(e) {
                EcrError::Service { code, .. } if code == "LifecyclePolicyNotFoundException" => {
                    Ok(None)
                }
                other => Err(other),
            },
        }
    }
    /// Validates `text` against every documented constraint, then stores it.
    pub async fn put_lifecycle_policy(&self, repository: &str, text: &str) -> Result<(), EcrError> {
        LifecyclePolicy::parse(text).map_err(EcrError::InvalidPolicy)?;
        self.sdk
            .put_lifecycle_policy()
            .set_registry_id(self.registry_id.clone())
            .repository_name(repository)
            .lifecycle_policy_text(text)
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        Ok(())
    }
    pub async fn delete_lifecycle_policy(&self, repository: &str) -> Result<(), EcrError> {
        self.sdk
            .delete_lifecycle_policy()
            .set_registry_id(self.registry_id.clone())
            .repository_name(repository)
            .send()
            .await
            .map_err(EcrError::from_sdk)?;
        Ok(())
    }
}
