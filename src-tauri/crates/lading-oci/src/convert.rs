//! Docker v2.2 manifests rewritten with OCI media types, for OCI layouts other tools read.
//!
//! skopeo 1.9 and umoci refuse a layout whose manifests are Docker-typed. Only the manifests
//! change: the config and layer blobs keep their bytes (an OCI config is a Docker config's
//! subset and readers ignore the rest), so the image's config digest — its "image ID" — and
//! every layer digest stay; the manifest digests change, and an index is rewritten to name
//! its children's new digests.

use bytes::Bytes;
use serde_json::Value;

use crate::digest::Digest;
use crate::error::OciError;
use crate::manifest::{media_types as mt, RawManifest};
use crate::pull::Resolved;

/// The OCI media type for a Docker one; `None` for a type that is already OCI (or unknown).
fn oci_media_type(docker: &str) -> Option<&'static str> {
    Some(match docker {
        mt::DOCKER_MANIFEST => mt::OCI_MANIFEST,
        mt::DOCKER_MANIFEST_LIST => mt::OCI_INDEX,
        mt::DOCKER_CONFIG => mt::OCI_CONFIG,
        mt::DOCKER_LAYER_GZIP => mt::OCI_LAYER_GZIP,
        "application/vnd.docker.image.rootfs.diff.tar" => mt::OCI_LAYER_TAR,
        mt::DOCKER_FOREIGN_LAYER_GZIP => {
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
        }
        _ => return None,
    })
}

/// Rewrites `descriptor.mediaType` in place; whether it changed.
fn convert_descriptor(descriptor: &mut Value) -> bool {
    let Some(new) = descriptor["mediaType"].as_str().and_then(oci_media_type) else {
        return false;
    };
    descriptor["mediaType"] = Value::from(new);
    true
}

fn parse(manifest: &RawManifest) -> Result<Value, OciError> {
    serde_json::from_slice(&manifest.bytes)
        .map_err(|e| OciError::InvalidManifest(format!("{}: {e}", manifest.digest)))
}

fn raw(value: &Value, media_type: &str) -> RawManifest {
    let bytes = Bytes::from(serde_json::to_vec(value).expect("a JSON value serialises"));
    RawManifest {
        media_type: media_type.to_owned(),
        digest: Digest::sha256_of(&bytes),
        bytes,
    }
}

/// An image manifest with OCI media types; the same manifest (same bytes) when nothing is
/// Docker-typed.
pub(crate) fn image_to_oci(manifest: &RawManifest) -> Result<RawManifest, OciError> {
    let mut value = parse(manifest)?;
    let mut changed = convert_descriptor(&mut value);
    changed |= convert_descriptor(&mut value["config"]);
    if let Some(layers) = value["layers"].as_array_mut() {
        for layer in layers {
            changed |= convert_descriptor(layer);
        }
    }
    if !changed {
        return Ok(manifest.clone());
    }
    Ok(raw(&value, mt::OCI_MANIFEST))
}

/// An index with OCI media types whose entries name `children` by their converted digests
/// (`children`: each original digest with what it became). Entries not among them stay.
pub(crate) fn index_to_oci(
    index: &RawManifest,
    children: &[(Digest, RawManifest)],
) -> Result<RawManifest, OciError> {
    let mut value = parse(index)?;
    let mut changed = convert_descriptor(&mut value);
    if let Some(entries) = value["manifests"].as_array_mut() {
        for entry in entries {
            let Some(digest) = entry["digest"].as_str() else {
                continue;
            };
            let Some((_, new)) = children.iter().find(|(old, _)| old.as_str() == digest) else {
                continue;
            };
            if new.digest.as_str() != digest {
                entry["digest"] = Value::from(new.digest.as_str());
                entry["size"] = Value::from(new.bytes.len());
                entry["mediaType"] = Value::from(new.media_type.as_str());
                changed = true;
            }
        }
    }
    if !changed {
        return Ok(index.clone());
    }
    Ok(raw(&value, mt::OCI_INDEX))
}

/// What an OCI layout records for a pull: every image manifest converted, and the root (the
/// image itself, or the index naming the converted images).
pub(crate) fn to_oci(resolved: &Resolved) -> Result<Resolved, OciError> {
    let mut pairs = Vec::with_capacity(resolved.images.len());
    let mut images = Vec::with_capacity(resolved.images.len());
    for (manifest, platform) in &resolved.images {
        let converted = image_to_oci(manifest)?;
        pairs.push((manifest.digest.clone(), converted.clone()));
        images.push((converted, platform.clone()));
    }
    let root = match pairs.iter().find(|(old, _)| *old == resolved.root.digest) {
        Some((_, image)) => image.clone(),
        None => index_to_oci(&resolved.root, &pairs)?,
    };
    Ok(Resolved { root, images })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(json: &str, media_type: &str) -> RawManifest {
        let bytes = Bytes::from(json.to_owned());
        RawManifest {
            media_type: media_type.to_owned(),
            digest: Digest::sha256_of(&bytes),
            bytes,
        }
    }

    const DOCKER_IMAGE: &str = r#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7,"digest":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":9,"digest":"sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},{"mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip","size":3,"digest":"sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc","urls":["https://example.com/x"]}]}"#;

    #[test]
    fn a_docker_image_gets_oci_types_and_keeps_its_blobs() {
        let docker = manifest(DOCKER_IMAGE, mt::DOCKER_MANIFEST);
        let oci = image_to_oci(&docker).unwrap();
        assert_eq!(oci.media_type, mt::OCI_MANIFEST);
        assert_ne!(oci.digest, docker.digest);
        assert_eq!(oci.digest, Digest::sha256_of(&oci.bytes));
        let v: Value = serde_json::from_slice(&oci.bytes).unwrap();
        assert_eq!(v["mediaType"], mt::OCI_MANIFEST);
        assert_eq!(v["config"]["mediaType"], mt::OCI_CONFIG);
        assert_eq!(v["config"]["digest"], format!("sha256:{}", "a".repeat(64)));
        assert_eq!(v["layers"][0]["mediaType"], mt::OCI_LAYER_GZIP);
        assert_eq!(v["layers"][0]["size"], 9);
        assert_eq!(
            v["layers"][1]["mediaType"],
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
        );
        assert_eq!(v["layers"][1]["urls"][0], "https://example.com/x");
        // Converting what is already OCI changes nothing, to the byte.
        assert_eq!(image_to_oci(&oci).unwrap().bytes, oci.bytes);
    }

    #[test]
    fn an_index_names_its_converted_children() {
        let child = manifest(DOCKER_IMAGE, mt::DOCKER_MANIFEST);
        let untouched = format!("sha256:{}", "d".repeat(64));
        let list = manifest(
            &format!(
                r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[{{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":{},"digest":"{}","platform":{{"architecture":"arm","os":"linux","variant":"v7"}}}},{{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":5,"digest":"{untouched}"}}]}}"#,
                child.bytes.len(),
                child.digest
            ),
            mt::DOCKER_MANIFEST_LIST,
        );
        let converted = image_to_oci(&child).unwrap();
        let index = index_to_oci(&list, &[(child.digest.clone(), converted.clone())]).unwrap();
        assert_eq!(index.media_type, mt::OCI_INDEX);
        let v: Value = serde_json::from_slice(&index.bytes).unwrap();
        assert_eq!(v["mediaType"], mt::OCI_INDEX);
        let first = &v["manifests"][0];
        assert_eq!(first["digest"], converted.digest.as_str());
        assert_eq!(first["size"], converted.bytes.len());
        assert_eq!(first["mediaType"], mt::OCI_MANIFEST);
        assert_eq!(first["platform"]["variant"], "v7");
        assert_eq!(v["manifests"][1]["digest"], untouched.as_str());
    }
}
