//! Manifests kept as the registry's exact bytes (re-serialising would change the digest), with
//! `oci-spec` types for reading them.

use bytes::Bytes;
use oci_spec::image::{ImageIndex, ImageManifest};

use crate::digest::Digest;
use crate::error::OciError;

pub mod media_types {
    pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
    pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
    pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
    pub const DOCKER_MANIFEST_LIST: &str =
        "application/vnd.docker.distribution.manifest.list.v2+json";
    pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
    pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
    pub const OCI_LAYER_TAR: &str = "application/vnd.oci.image.layer.v1.tar";
    pub const OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
    pub const OCI_LAYER_ZSTD: &str = "application/vnd.oci.image.layer.v1.tar+zstd";
    pub const DOCKER_LAYER_GZIP: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    pub const DOCKER_FOREIGN_LAYER_GZIP: &str =
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
}

/// Every manifest type we understand, for the `Accept` header.
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
application/vnd.oci.image.manifest.v1+json, \
application/vnd.docker.distribution.manifest.list.v2+json, \
application/vnd.docker.distribution.manifest.v2+json";

pub fn is_index_media_type(media_type: &str) -> bool {
    media_type == media_types::OCI_INDEX || media_type == media_types::DOCKER_MANIFEST_LIST
}

pub fn is_manifest_media_type(media_type: &str) -> bool {
    media_type == media_types::OCI_MANIFEST || media_type == media_types::DOCKER_MANIFEST
}

/// Whether a config media type is an image config (else the manifest carries an artifact).
pub fn is_image_config(media_type: &str) -> bool {
    media_type == media_types::OCI_CONFIG || media_type == media_types::DOCKER_CONFIG
}

/// What a manifest holds, as a browser tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestKind {
    Image,
    Index,
    /// An image manifest whose `artifactType` is set or whose config is not an image config
    /// (signatures, SBOMs, Helm charts…).
    Artifact,
}

impl ManifestKind {
    /// From the media types alone, where a registry reports them without the manifest (ECR's
    /// DescribeImages): the manifest's, and the artifact's (or config's) if known.
    pub fn of_media_types(manifest: &str, artifact: Option<&str>) -> Self {
        if is_index_media_type(manifest) {
            Self::Index
        } else if artifact.is_some_and(|a| !is_image_config(a)) {
            Self::Artifact
        } else {
            Self::Image
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Index => "index",
            Self::Artifact => "artifact",
        }
    }
}

impl Manifest {
    pub fn kind(&self) -> ManifestKind {
        match self {
            Manifest::Index(_) => ManifestKind::Index,
            Manifest::Image(image)
                if image.artifact_type().is_some()
                    || !is_image_config(image.config().media_type().as_ref()) =>
            {
                ManifestKind::Artifact
            }
            Manifest::Image(_) => ManifestKind::Image,
        }
    }
}

/// `os/arch[/variant]`, as people write platforms (`linux/arm/v7`).
pub fn platform_label(platform: &oci_spec::image::Platform) -> String {
    let mut label = format!("{}/{}", platform.os(), platform.architecture());
    if let Some(variant) = platform.variant().as_deref().filter(|v| !v.is_empty()) {
        label.push('/');
        label.push_str(variant);
    }
    label
}

/// What docker buildx marks an attestation manifest with (its platform is `unknown/unknown`).
const REFERENCE_TYPE: &str = "vnd.docker.reference.type";
const REFERENCE_DIGEST: &str = "vnd.docker.reference.digest";

/// One entry of an index as people read it: a platform, or the attestation (provenance, SBOM)
/// of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    pub label: String,
    pub attestation: bool,
}

/// Each manifest of `index`, in order: its platform, or "attestation of <platform>" for the
/// attestation manifests buildx adds (not platforms of their own). `raw` is the index's JSON: a
/// Windows platform's `os.version` is read from it (oci-spec 0.10 looks for `os_version`), since an
/// image for one Windows build does not run on another (`windows/amd64 10.0.20348.2340`).
pub fn index_entries(index: &ImageIndex, raw: &[u8]) -> Vec<IndexEntry> {
    let os_versions: Vec<Option<String>> = serde_json::from_slice::<serde_json::Value>(raw)
        .ok()
        .and_then(|v| {
            v["manifests"].as_array().map(|manifests| {
                manifests
                    .iter()
                    .map(|m| m["platform"]["os.version"].as_str().map(str::to_owned))
                    .collect()
            })
        })
        .unwrap_or_default();
    let label_of = |at: usize| {
        let m = &index.manifests()[at];
        let mut label = m
            .platform()
            .as_ref()
            .map(platform_label)
            .unwrap_or_else(|| "unknown".into());
        if let Some(version) = os_versions
            .get(at)
            .cloned()
            .flatten()
            .filter(|v| !v.is_empty())
        {
            label.push(' ');
            label.push_str(&version);
        }
        label
    };
    index
        .manifests()
        .iter()
        .enumerate()
        .map(|(at, m)| {
            let annotation = |key: &str| m.annotations().as_ref().and_then(|a| a.get(key));
            if annotation(REFERENCE_TYPE).map(String::as_str) != Some("attestation-manifest") {
                return IndexEntry {
                    label: label_of(at),
                    attestation: false,
                };
            }
            let of = annotation(REFERENCE_DIGEST)
                .and_then(|d| {
                    index
                        .manifests()
                        .iter()
                        .position(|o| o.digest().to_string() == *d)
                })
                .map_or_else(|| "an image not in this index".to_owned(), label_of);
            IndexEntry {
                label: format!("attestation of {of}"),
                attestation: true,
            }
        })
        .collect()
}

/// A manifest exactly as stored, with its media type and digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawManifest {
    pub media_type: String,
    pub bytes: Bytes,
    pub digest: Digest,
}

/// What a manifest says, parsed.
#[derive(Debug, Clone)]
pub enum Manifest {
    Image(Box<ImageManifest>),
    Index(Box<ImageIndex>),
}

impl RawManifest {
    /// Wraps bytes, taking the media type from `content_type` or, failing that, from the JSON.
    pub fn new(bytes: Bytes, content_type: Option<&str>) -> Result<Self, OciError> {
        let declared = content_type
            .map(|c| c.split(';').next().unwrap_or("").trim().to_owned())
            .filter(|c| is_index_media_type(c) || is_manifest_media_type(c));
        let media_type = match declared {
            Some(m) => m,
            None => sniff_media_type(&bytes)?,
        };
        let digest = Digest::sha256_of(&bytes);
        Ok(Self {
            media_type,
            bytes,
            digest,
        })
    }

    pub fn is_index(&self) -> bool {
        is_index_media_type(&self.media_type)
    }

    pub fn parse(&self) -> Result<Manifest, OciError> {
        let invalid =
            |e: serde_json::Error| OciError::InvalidManifest(format!("{}: {e}", self.digest));
        if self.is_index() {
            Ok(Manifest::Index(Box::new(
                serde_json::from_slice(&self.bytes).map_err(invalid)?,
            )))
        } else {
            Ok(Manifest::Image(Box::new(
                serde_json::from_slice(&self.bytes).map_err(invalid)?,
            )))
        }
    }
}

fn sniff_media_type(bytes: &[u8]) -> Result<String, OciError> {
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(rename = "mediaType")]
        media_type: Option<String>,
        manifests: Option<serde_json::Value>,
        config: Option<serde_json::Value>,
    }
    let probe: Probe = serde_json::from_slice(bytes)
        .map_err(|e| OciError::InvalidManifest(format!("not a JSON manifest: {e}")))?;
    match (probe.media_type, probe.manifests, probe.config) {
        (Some(m), _, _) if is_index_media_type(&m) || is_manifest_media_type(&m) => Ok(m),
        (_, Some(_), None) => Ok(media_types::OCI_INDEX.to_owned()),
        (_, None, Some(_)) => Ok(media_types::OCI_MANIFEST.to_owned()),
        _ => Err(OciError::InvalidManifest(
            "neither an image manifest nor an index".to_owned(),
        )),
    }
}

/// `os/arch[/variant]`, as in `--platform linux/arm64/v8`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformSpec {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
}

impl std::str::FromStr for PlatformSpec {
    type Err = OciError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split('/').collect();
        let bad = || OciError::InvalidPlatform(s.to_owned());
        match parts.as_slice() {
            [os, arch] if !os.is_empty() && !arch.is_empty() => Ok(Self {
                os: (*os).to_owned(),
                architecture: (*arch).to_owned(),
                variant: None,
            }),
            [os, arch, variant] if !os.is_empty() && !arch.is_empty() && !variant.is_empty() => {
                Ok(Self {
                    os: (*os).to_owned(),
                    architecture: (*arch).to_owned(),
                    variant: Some((*variant).to_owned()),
                })
            }
            _ => Err(bad()),
        }
    }
}

impl std::fmt::Display for PlatformSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

impl PlatformSpec {
    /// Whether an index entry's platform matches; a spec without variant matches any variant.
    pub fn matches(&self, platform: &oci_spec::image::Platform) -> bool {
        platform.os().to_string() == self.os
            && platform.architecture().to_string() == self.architecture
            && match &self.variant {
                Some(v) => platform.variant().as_deref() == Some(v.as_str()),
                None => true,
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_type_from_header_or_body() {
        let body = Bytes::from_static(br#"{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","size":0},"layers":[]}"#);
        let m = RawManifest::new(
            body.clone(),
            Some("application/vnd.docker.distribution.manifest.v2+json; charset=utf-8"),
        )
        .unwrap();
        assert_eq!(m.media_type, media_types::DOCKER_MANIFEST);
        let m = RawManifest::new(body.clone(), Some("application/json")).unwrap();
        assert_eq!(m.media_type, media_types::OCI_MANIFEST);
        assert_eq!(m.digest, Digest::sha256_of(&body));
        assert!(matches!(m.parse().unwrap(), Manifest::Image(_)));
        let index = Bytes::from_static(br#"{"schemaVersion":2,"manifests":[]}"#);
        assert!(RawManifest::new(index, None).unwrap().is_index());
        assert!(RawManifest::new(Bytes::from_static(b"{}"), None).is_err());
        assert!(RawManifest::new(Bytes::from_static(b"nope"), None).is_err());
    }

    #[test]
    fn kinds_and_platform_labels() {
        let artifact = Bytes::from_static(br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","size":0},"layers":[]}"#);
        let m = RawManifest::new(artifact, None).unwrap();
        assert_eq!(m.parse().unwrap().kind(), ManifestKind::Artifact);
        assert_eq!(
            ManifestKind::of_media_types(media_types::DOCKER_MANIFEST_LIST, None),
            ManifestKind::Index
        );
        assert_eq!(
            ManifestKind::of_media_types(media_types::OCI_MANIFEST, Some(media_types::OCI_CONFIG)),
            ManifestKind::Image
        );
        let arm: oci_spec::image::Platform =
            serde_json::from_str(r#"{"os":"linux","architecture":"arm","variant":"v7"}"#).unwrap();
        assert_eq!(platform_label(&arm), "linux/arm/v7");
    }

    #[test]
    fn buildx_attestations_are_not_platforms() {
        let amd = format!("sha256:{}", "a".repeat(64));
        let raw = serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": media_types::OCI_INDEX,
            "manifests": [
                {"mediaType": media_types::OCI_MANIFEST, "digest": amd, "size": 10,
                 "platform": {"os": "linux", "architecture": "amd64"}},
                {"mediaType": media_types::OCI_MANIFEST, "digest": format!("sha256:{}", "b".repeat(64)), "size": 10,
                 "platform": {"os": "linux", "architecture": "arm", "variant": "v6"}},
                {"mediaType": media_types::OCI_MANIFEST, "digest": format!("sha256:{}", "c".repeat(64)), "size": 10,
                 "platform": {"os": "unknown", "architecture": "unknown"},
                 "annotations": {"vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": amd}},
                {"mediaType": media_types::OCI_MANIFEST, "digest": format!("sha256:{}", "d".repeat(64)), "size": 10,
                 "platform": {"os": "windows", "architecture": "amd64", "os.version": "10.0.20348.2340"}}
            ]
        }))
        .unwrap();
        let index: ImageIndex = serde_json::from_slice(&raw).unwrap();
        let entries = index_entries(&index, &raw);
        let labels: Vec<&str> = entries.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "linux/amd64",
                "linux/arm/v6",
                "attestation of linux/amd64",
                "windows/amd64 10.0.20348.2340"
            ]
        );
        assert_eq!(
            entries.iter().map(|e| e.attestation).collect::<Vec<_>>(),
            [false, false, true, false]
        );
    }

    #[test]
    fn platform_specs() {
        let p: PlatformSpec = "linux/arm64/v8".parse().unwrap();
        assert_eq!(p.variant.as_deref(), Some("v8"));
        assert_eq!(p.to_string(), "linux/arm64/v8");
        assert!("linux".parse::<PlatformSpec>().is_err());
        assert!("linux//v8".parse::<PlatformSpec>().is_err());
    }
}
