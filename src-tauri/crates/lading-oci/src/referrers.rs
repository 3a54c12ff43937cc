//! What is attached to an image — signatures, SBOMs, attestations — found the three ways
//! registries keep them: the OCI 1.1 referrers API; where a registry has none, the referrers tag
//! schema (an index tagged `sha256-<hex>` that clients such as ORAS keep up to date); and
//! cosign's own tags (`sha256-<hex>.sig`, `.att`, `.sbom`).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::client::RegistryClient;
use crate::digest::Digest;
use crate::error::OciError;
use crate::manifest::{media_types, RawManifest};

/// Where a referrer was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Found {
    /// The registry's referrers API.
    Api,
    /// The `sha256-<hex>` index of the referrers tag schema.
    TagSchema,
    /// A cosign tag (its name).
    CosignTag(String),
}

/// One manifest attached to an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Referrer {
    pub digest: String,
    pub media_type: String,
    /// What it is (`application/vnd.dev.sigstore.bundle.v0.3+json`, an SPDX type…); for a
    /// cosign tag, cosign's name for it.
    pub artifact_type: Option<String>,
    pub size: u64,
    pub annotations: BTreeMap<String, String>,
    pub found: Found,
}

/// The tag the referrers tag schema keeps the index of `subject`'s referrers under.
pub fn schema_tag(subject: &Digest) -> String {
    format!("{}-{}", subject.algorithm(), subject.hex())
}

/// What cosign tags a subject's signature, attestation and SBOM with, and what they are.
pub fn cosign_tags(subject: &Digest) -> [(String, &'static str); 3] {
    let base = schema_tag(subject);
    [
        (format!("{base}.sig"), "cosign signature"),
        (format!("{base}.att"), "cosign attestation"),
        (format!("{base}.sbom"), "cosign SBOM"),
    ]
}

fn referrer_of(descriptor: &Value, found: Found) -> Option<Referrer> {
    let annotations = descriptor["annotations"]
        .as_object()
        .map(|a| {
            a.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    Some(Referrer {
        digest: descriptor["digest"].as_str()?.to_owned(),
        media_type: descriptor["mediaType"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        artifact_type: descriptor["artifactType"].as_str().map(str::to_owned),
        size: descriptor["size"].as_u64().unwrap_or(0),
        annotations,
        found,
    })
}

fn descriptors_of(index: &[u8], found: &Found) -> Result<Vec<Referrer>, OciError> {
    let value: Value = serde_json::from_slice(index)
        .map_err(|e| OciError::InvalidManifest(format!("a referrers index: {e}")))?;
    Ok(value["manifests"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .filter_map(|d| referrer_of(d, found.clone()))
                .collect()
        })
        .unwrap_or_default())
}

/// Everything attached to `subject` in `repository`: from the referrers API where the registry
/// has one, else from the tag schema; and cosign's tags among `tags` (the repository's tag
/// list, read here when not given).
pub async fn referrers(
    client: &RegistryClient,
    repository: &str,
    subject: &Digest,
    tags: Option<&[String]>,
) -> Result<Vec<Referrer>, OciError> {
    let mut found = match client.referrers_index(repository, subject).await? {
        Some(index) => descriptors_of(&index, &Found::Api)?,
        None => match client.get_manifest(repository, &schema_tag(subject)).await {
            Ok(index) => descriptors_of(&index.bytes, &Found::TagSchema)?,
            Err(OciError::NotFound { .. }) => Vec::new(),
            Err(e) => return Err(e),
        },
    };
    let listed;
    let tags = match tags {
        Some(tags) => tags,
        None => {
            listed = client.tags(repository).await?;
            &listed
        }
    };
    for (tag, what) in cosign_tags(subject) {
        if !tags.contains(&tag) {
            continue;
        }
        let manifest = match client.get_manifest(repository, &tag).await {
            Ok(m) => m,
            // Deleted since the tag list was read.
            Err(OciError::NotFound { .. }) => continue,
            Err(e) => return Err(e),
        };
        if found.iter().any(|r| r.digest == manifest.digest.as_str()) {
            continue;
        }
        found.push(Referrer {
            digest: manifest.digest.to_string(),
            media_type: manifest.media_type.clone(),
            artifact_type: Some(what.to_owned()),
            size: manifest.bytes.len() as u64,
            annotations: BTreeMap::new(),
            found: Found::CosignTag(tag),
        });
    }
    Ok(found)
}

/// The descriptor an index lists `manifest` under as a referrer: its artifact type (or its
/// config's media type, as the spec says) and annotations.
pub fn descriptor_for(manifest: &RawManifest) -> Result<Value, OciError> {
    let value: Value = serde_json::from_slice(&manifest.bytes)
        .map_err(|e| OciError::InvalidManifest(format!("{}: {e}", manifest.digest)))?;
    let mut descriptor = serde_json::json!({
        "mediaType": manifest.media_type,
        "digest": manifest.digest.as_str(),
        "size": manifest.bytes.len(),
    });
    let artifact_type = value["artifactType"]
        .as_str()
        .or_else(|| value["config"]["mediaType"].as_str());
    if let Some(t) = artifact_type {
        descriptor["artifactType"] = t.into();
    }
    if let Some(annotations) = value.get("annotations") {
        descriptor["annotations"] = annotations.clone();
    }
    Ok(descriptor)
}

/// Adds `referrer` to `subject`'s index in the referrers tag schema of `repository` (made if
/// missing), as a client must where the registry has no referrers API.
pub async fn add_to_tag_schema(
    client: &RegistryClient,
    repository: &str,
    subject: &Digest,
    referrer: &RawManifest,
) -> Result<(), OciError> {
    let tag = schema_tag(subject);
    let mut index = match client.get_manifest(repository, &tag).await {
        Ok(existing) => serde_json::from_slice::<Value>(&existing.bytes)
            .map_err(|e| OciError::InvalidManifest(format!("{repository}:{tag}: {e}")))?,
        Err(OciError::NotFound { .. }) => serde_json::json!({
            "schemaVersion": 2,
            "mediaType": media_types::OCI_INDEX,
            "manifests": [],
        }),
        Err(e) => return Err(e),
    };
    let Some(entries) = index["manifests"].as_array_mut() else {
        return Err(OciError::InvalidManifest(format!(
            "{repository}:{tag} is not an index"
        )));
    };
    if entries
        .iter()
        .any(|d| d["digest"].as_str() == Some(referrer.digest.as_str()))
    {
        return Ok(());
    }
    entries.push(descriptor_for(referrer)?);
    let bytes = serde_json::to_vec(&index).expect("a JSON value serialises");
    let manifest = crate::client::manifest_from_bytes(bytes, media_types::OCI_INDEX)?;
    client.put_manifest(repository, &tag, &manifest).await?;
    Ok(())
}

/// Writes what is attached to `subject` into the OCI layout at `dir`, each as an unnamed entry of
/// its `index.json` beside the image, byte for byte (a signature is over the exact bytes).
pub async fn pull_referrers_to_oci_layout(
    client: &RegistryClient,
    repository: &str,
    subject: &Digest,
    dir: &std::path::Path,
    options: &crate::pull::PullOptions,
) -> Result<Vec<Referrer>, OciError> {
    let found = referrers(client, repository, subject, None).await?;
    let options = crate::pull::PullOptions {
        platform: None,
        progress: None,
        preserve_digests: true,
        ..options.clone()
    };
    for referrer in &found {
        crate::pull::pull_to_oci_layout(client, repository, &referrer.digest, dir, None, &options)
            .await?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_and_cosign_tags_are_named_after_the_digest() {
        let subject: Digest = format!("sha256:{}", "ab".repeat(32)).parse().unwrap();
        assert_eq!(schema_tag(&subject), format!("sha256-{}", "ab".repeat(32)));
        assert_eq!(
            cosign_tags(&subject)[0].0,
            format!("sha256-{}.sig", "ab".repeat(32))
        );
    }

    #[test]
    fn an_index_lists_its_referrers_with_type_and_annotations() {
        let index = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
            {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":500,
             "artifactType":"application/spdx+json","annotations":{"org.opencontainers.image.created":"2026-12-01T00:00:00Z"}},
            {"mediaType":"application/vnd.oci.image.manifest.v1+json","size":3}]}"#;
        let found = descriptors_of(index, &Found::Api).unwrap();
        assert_eq!(found.len(), 1, "a descriptor without a digest is skipped");
        assert_eq!(
            found[0].artifact_type.as_deref(),
            Some("application/spdx+json")
        );
        assert_eq!(found[0].size, 500);
        assert_eq!(
            found[0].annotations["org.opencontainers.image.created"],
            "2026-12-01T00:00:00Z"
        );
    }
}
