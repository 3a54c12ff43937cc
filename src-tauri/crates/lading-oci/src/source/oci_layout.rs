//! OCI image layouts (a directory or a tar of one): `index.json` names the root manifests.

use std::path::Path;

use bytes::Bytes;
use oci_spec::image::ImageIndex;

use super::{BlobStore, LayoutImage, SourceImage};
use crate::digest::Digest;
use crate::error::OciError;
use crate::manifest::RawManifest;

const REF_NAME: &str = "org.opencontainers.image.ref.name";

pub(super) fn read(blobs: &BlobStore, path: &Path) -> Result<Vec<SourceImage>, OciError> {
    let invalid = |reason: String| OciError::InvalidSource {
        path: path.display().to_string(),
        reason,
    };
    let index_bytes = match blobs {
        BlobStore::Dir(root) => {
            if !root.join("oci-layout").is_file() {
                return Err(invalid(
                    "not an OCI layout directory (it has no oci-layout file)".to_owned(),
                ));
            }
            std::fs::read(root.join("index.json"))
                .map_err(|e| invalid(format!("index.json: {e}")))?
        }
        BlobStore::Tar(index) => index.read("index.json")?,
    };
    let index: ImageIndex = serde_json::from_slice(&index_bytes)
        .map_err(|e| invalid(format!("index.json is not valid: {e}")))?;
    if index.manifests().is_empty() {
        return Err(invalid("index.json lists no images".to_owned()));
    }
    let mut images = Vec::new();
    for descriptor in index.manifests() {
        let digest: Digest = descriptor.digest().to_string().parse().map_err(|_| {
            invalid(format!(
                "index.json names an invalid digest {}",
                descriptor.digest()
            ))
        })?;
        let bytes: Bytes = blobs.read_small(&digest)?;
        if bytes.len() as u64 != descriptor.size() {
            return Err(invalid(format!(
                "index.json says {digest} is {} bytes; the layout holds {}",
                descriptor.size(),
                bytes.len()
            )));
        }
        let root = RawManifest::new(bytes, Some(descriptor.media_type().as_ref()))?;
        let ref_name = descriptor
            .annotations()
            .as_ref()
            .and_then(|a| a.get(REF_NAME))
            .cloned();
        images.push(SourceImage::Layout(LayoutImage {
            ref_name,
            root,
            blobs: blobs.clone(),
        }));
    }
    Ok(images)
}
