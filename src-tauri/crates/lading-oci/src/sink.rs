//! Where a push puts blobs and manifests. The registry's `/v2/` API is one sink; lading-ecr
//! provides another on ECR's own API (for networks where only the API endpoint is reachable).

use std::future::Future;
use std::io;

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};

use crate::client::{MountOutcome, RegistryClient, UploadMode};
use crate::digest::Digest;
use crate::error::OciError;
use crate::manifest::RawManifest;

/// A blob's bytes, in order; an `Err` item means the producer failed and the upload must stop.
pub type Chunks = mpsc::Receiver<io::Result<Bytes>>;
/// The digest of a streamed blob, known only once the last chunk is produced.
pub type DigestPromise = oneshot::Receiver<Result<Digest, OciError>>;

pub trait BlobSink: Sync {
    /// The registry host, for the blob cache and cross-repository mounts.
    fn registry(&self) -> &str;
    fn repository(&self) -> &str;
    fn blob_exists(&self, digest: &Digest) -> impl Future<Output = Result<bool, OciError>> + Send;
    /// Links a blob another repository of the same registry has; `false` if refused.
    fn mount(
        &self,
        digest: &Digest,
        from: &str,
    ) -> impl Future<Output = Result<bool, OciError>> + Send;
    fn upload_bytes(
        &self,
        digest: &Digest,
        data: Bytes,
    ) -> impl Future<Output = Result<(), OciError>> + Send;
    fn upload_stream(
        &self,
        chunks: Chunks,
        digest: DigestPromise,
    ) -> impl Future<Output = Result<Digest, OciError>> + Send;
    /// Stores a manifest under a tag or its digest.
    fn put_manifest(
        &self,
        reference: &str,
        manifest: &RawManifest,
    ) -> impl Future<Output = Result<Digest, OciError>> + Send;
}

/// The distribution API of a registry.
pub struct RegistrySink<'a> {
    pub client: &'a RegistryClient,
    pub repository: &'a str,
    pub upload_mode: UploadMode,
}

impl BlobSink for RegistrySink<'_> {
    fn registry(&self) -> &str {
        self.client.registry()
    }

    fn repository(&self) -> &str {
        self.repository
    }

    async fn blob_exists(&self, digest: &Digest) -> Result<bool, OciError> {
        Ok(self
            .client
            .blob_exists(self.repository, digest)
            .await?
            .is_some())
    }

    async fn mount(&self, digest: &Digest, from: &str) -> Result<bool, OciError> {
        Ok(self
            .client
            .mount_blob(self.repository, digest, from)
            .await?
            == MountOutcome::Mounted)
    }

    async fn upload_bytes(&self, digest: &Digest, data: Bytes) -> Result<(), OciError> {
        self.client
            .push_blob_bytes(self.repository, digest, data)
            .await
    }

    async fn upload_stream(
        &self,
        chunks: Chunks,
        digest: DigestPromise,
    ) -> Result<Digest, OciError> {
        self.client
            .push_blob_stream(self.repository, chunks, digest, self.upload_mode)
            .await
    }

    async fn put_manifest(
        &self,
        reference: &str,
        manifest: &RawManifest,
    ) -> Result<Digest, OciError> {
        self.client
            .put_manifest(self.repository, reference, manifest)
            .await
    }
}
