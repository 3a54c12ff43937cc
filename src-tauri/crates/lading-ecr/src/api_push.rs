//! Pushing through ECR's API instead of the registry protocol: for networks where only the ECR
//! API endpoint is reachable, and so the whole push → describe-images path runs against moto.

use aws_sdk_ecr::primitives::Blob;
use aws_sdk_ecr::types::LayerAvailability;
use bytes::{Bytes, BytesMut};
use lading_oci::sink::{BlobSink, Chunks, DigestPromise};
use lading_oci::{Digest, OciError, RawManifest};

use crate::{EcrClient, EcrError};

pub struct EcrApiSink<'a> {
    client: &'a EcrClient,
    repository: String,
    registry: String,
}

impl<'a> EcrApiSink<'a> {
    /// `registry` names the registry in the blob cache (its host, e.g. from the repository URI).
    pub fn new(client: &'a EcrClient, registry: &str, repository: &str) -> Self {
        Self {
            client,
            repository: repository.to_owned(),
            registry: registry.to_owned(),
        }
    }

    fn fail(&self, e: EcrError) -> OciError {
        OciError::Registry {
            registry: self.registry.clone(),
            url: format!("ECR API ({})", self.repository),
            status: 0,
            details: vec![lading_oci::error::RegistryErrorDetail {
                code: e.code().to_owned(),
                message: e.to_string(),
            }],
        }
    }

    async fn initiate(&self) -> Result<(String, usize), OciError> {
        let out = self
            .client
            .sdk
            .initiate_layer_upload()
            .set_registry_id(self.client.registry_id.clone())
            .repository_name(&self.repository)
            .send()
            .await
            .map_err(|e| self.fail(EcrError::from_sdk(e)))?;
        let upload_id = out.upload_id.ok_or_else(|| {
            self.fail(EcrError::Unexpected(
                "InitiateLayerUpload returned no uploadId".into(),
            ))
        })?;
        // ECR states the part size it wants; parts may be smaller, never larger.
        let part_size = out.part_size.filter(|&n| n > 0).unwrap_or(10 << 20) as usize;
        Ok((upload_id, part_size))
    }

    async fn upload_part(
        &self,
        upload_id: &str,
        first_byte: u64,
        part: Bytes,
    ) -> Result<(), OciError> {
        let last_byte = first_byte + part.len() as u64 - 1;
        self.client
            .sdk
            .upload_layer_part()
            .set_registry_id(self.client.registry_id.clone())
            .repository_name(&self.repository)
            .upload_id(upload_id)
            .part_first_byte(first_byte as i64)
            .part_last_byte(last_byte as i64)
            .layer_part_blob(Blob::new(part.to_vec()))
            .send()
            .await
            .map_err(|e| self.fail(EcrError::from_sdk(e)))?;
        Ok(())
    }

    async fn complete(&self, upload_id: &str, digest: &Digest) -> Result<(), OciError> {
        let out = self
            .client
            .sdk
            .complete_layer_upload()
            .set_registry_id(self.client.registry_id.clone())
            .repository_name(&self.repository)
            .upload_id(upload_id)
            .layer_digests(digest.as_str())
            .send()
            .await
            .map_err(|e| match EcrError::from_sdk(e) {
                // ECR says so when the digest does not match what was uploaded.
                EcrError::Service { code, message } if code == "InvalidLayerException" => {
                    OciError::DigestMismatch {
                        what: format!("layer uploaded to {}", self.repository),
                        expected: digest.to_string(),
                        actual: message,
                    }
                }
                other => self.fail(other),
            })?;
        if out
            .layer_digest
            .as_deref()
            .is_some_and(|d| d != digest.as_str())
        {
            return Err(OciError::DigestMismatch {
                what: format!("layer uploaded to {}", self.repository),
                expected: digest.to_string(),
                actual: out.layer_digest.unwrap_or_default(),
            });
        }
        Ok(())
    }
}

impl BlobSink for EcrApiSink<'_> {
    fn registry(&self) -> &str {
        &self.registry
    }

    fn repository(&self) -> &str {
        &self.repository
    }

    async fn blob_exists(&self, digest: &Digest) -> Result<bool, OciError> {
        let out = self
            .client
            .sdk
            .batch_check_layer_availability()
            .set_registry_id(self.client.registry_id.clone())
            .repository_name(&self.repository)
            .layer_digests(digest.as_str())
            .send()
            .await
            .map_err(|e| self.fail(EcrError::from_sdk(e)))?;
        Ok(out
            .layers
            .unwrap_or_default()
            .iter()
            .any(|l| l.layer_availability == Some(LayerAvailability::Available)))
    }

    async fn mount(&self, _digest: &Digest, _from: &str) -> Result<bool, OciError> {
        // ECR's API has no cross-repository mount; the caller uploads instead.
        Ok(false)
    }

    async fn upload_bytes(&self, digest: &Digest, data: Bytes) -> Result<(), OciError> {
        let (upload_id, part_size) = self.initiate().await?;
        let mut offset = 0u64;
        for part in data.chunks(part_size) {
            self.upload_part(&upload_id, offset, Bytes::copy_from_slice(part))
                .await?;
            offset += part.len() as u64;
        }
        self.complete(&upload_id, digest).await
    }

    async fn upload_stream(
        &self,
        mut chunks: Chunks,
        digest: DigestPromise,
    ) -> Result<Digest, OciError> {
        let (upload_id, part_size) = self.initiate().await?;
        let mut buffer = BytesMut::with_capacity(part_size);
        let mut offset = 0u64;
        let mut closed = false;
        loop {
            while !closed && buffer.len() < part_size {
                match chunks.recv().await {
                    Some(Ok(bytes)) => buffer.extend_from_slice(&bytes),
                    Some(Err(_)) => {
                        // The producer failed; its own error (via `digest`) says why.
                        return Err(match digest.await {
                            Ok(Err(e)) => e,
                            _ => OciError::Io("the layer could not be read".into()),
                        });
                    }
                    None => closed = true,
                }
            }
            if buffer.is_empty() {
                break;
            }
            let part = buffer.split_to(buffer.len().min(part_size)).freeze();
            let len = part.len() as u64;
            self.upload_part(&upload_id, offset, part).await?;
            offset += len;
        }
        let digest = match digest.await {
            Ok(Ok(d)) => d,
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                return Err(OciError::Io(
                    "the layer producer stopped without a digest".into(),
                ))
            }
        };
        self.complete(&upload_id, &digest).await?;
        Ok(digest)
    }

    async fn put_manifest(
        &self,
        reference: &str,
        manifest: &RawManifest,
    ) -> Result<Digest, OciError> {
        let text = std::str::from_utf8(&manifest.bytes)
            .map_err(|_| OciError::InvalidManifest("a manifest must be UTF-8 JSON".into()))?;
        let tag = reference.parse::<Digest>().is_err().then_some(reference);
        let mut request = self
            .client
            .sdk
            .put_image()
            .set_registry_id(self.client.registry_id.clone())
            .repository_name(&self.repository)
            .image_manifest(text)
            .image_manifest_media_type(&manifest.media_type)
            .set_image_tag(tag.map(str::to_owned));
        if tag.is_none() {
            request = request.image_digest(manifest.digest.as_str());
        }
        match request.send().await {
            Ok(_) => Ok(manifest.digest.clone()),
            // Pushing the same manifest under the same tag again is not an error for us.
            Err(e) => match EcrError::from_sdk(e) {
                EcrError::Service { code, .. } if code == "ImageAlreadyExistsException" => {
                    Ok(manifest.digest.clone())
                }
                other => Err(self.fail(other)),
            },
        }
    }
}
