//! Small, deterministic test images written as OCI layout directories, so `skopeo copy oci:…`
//! (the reference client) can put real content into a registry for a test.

use std::path::Path;

use sha2::{Digest, Sha256};

pub struct TestImage {
    pub manifest_digest: String,
    pub config_digest: String,
    pub layer_digest: String,
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(bytes);
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(crate) fn write_blob(dir: &Path, bytes: &[u8]) -> String {
    let hex = sha256_hex(bytes);
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).expect("blobs dir");
    std::fs::write(blobs.join(&hex), bytes).expect("write blob");
    format!("sha256:{hex}")
}

/// Writes an OCI layout at `dir` holding one linux/amd64 image tagged `tag` with one
/// uncompressed layer containing `/hello.txt` = `content`.
pub fn write_oci_layout(dir: &Path, tag: &str, content: &str) -> TestImage {
    std::fs::create_dir_all(dir).expect("layout dir");
    let mut layer = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_ustar();
    header.set_size(content.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(1_700_000_000);
    header.set_cksum();
    layer
        .append_data(&mut header, "hello.txt", content.as_bytes())
        .expect("tar entry");
    let layer = layer.into_inner().expect("tar finish");
    let layer_digest = write_blob(dir, &layer);

    let config = serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "config": { "Cmd": ["/bin/cat", "/hello.txt"] },
        "rootfs": { "type": "layers", "diff_ids": [layer_digest] },
        "history": [{ "created_by": "lading-testkit" }]
    });
    let config = serde_json::to_vec(&config).expect("config json");
    let config_digest = write_blob(dir, &config);

    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": config_digest,
            "size": config.len()
        },
        "layers": [{
            "mediaType": "application/vnd.oci.image.layer.v1.tar",
            "digest": layer_digest,
            "size": layer.len()
        }]
    });
    let manifest = serde_json::to_vec(&manifest).expect("manifest json");
    let manifest_digest = write_blob(dir, &manifest);

    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": manifest_digest,
            "size": manifest.len(),
            "annotations": { "org.opencontainers.image.ref.name": tag }
        }]
    });
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&index).unwrap())
        .expect("index.json");
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#)
        .expect("oci-layout");
    TestImage {
        manifest_digest,
        config_digest,
        layer_digest,
    }
}

/// One file of a test layer.
pub struct TestFile<'a> {
    pub path: &'a str,
    pub content: &'a [u8],
}

/// An uncompressed layer tar holding `files`.
pub fn layer_tar(files: &[TestFile<'_>]) -> Vec<u8> {
    let mut layer = tar::Builder::new(Vec::new());
    for f in files {
        let mut header = tar::Header::new_ustar();
        header.set_size(f.content.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(1_700_000_000);
        header.set_cksum();
        layer
            .append_data(&mut header, f.path, f.content)
            .expect("tar entry");
    }
    layer.into_inner().expect("tar finish")
}

/// Deterministic pseudo-random bytes (half of real layers is incompressible).
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

pub struct DockerArchiveImage {
    pub repo_tags: Vec<String>,
    pub layers: Vec<Vec<u8>>,
    pub architecture: String,
}

/// Writes a `docker save` archive (classic layout: `<id>/layer.tar`, `<config>.json`,
/// `manifest.json`) holding `images`. Returns each image's config digest.
pub fn write_docker_archive(path: &Path, images: &[DockerArchiveImage]) -> Vec<String> {
    let mut out = tar::Builder::new(std::fs::File::create(path).expect("create archive"));
    let mut add = |name: &str, data: &[u8]| {
        let mut header = tar::Header::new_ustar();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(1_700_000_000);
        header.set_cksum();
        out.append_data(&mut header, name, data).expect("tar entry");
    };
    let mut manifest = Vec::new();
    let mut config_digests = Vec::new();
    for image in images {
        let diff_ids: Vec<String> = image
            .layers
            .iter()
            .map(|l| format!("sha256:{}", sha256_hex(l)))
            .collect();
        let config = serde_json::json!({
            "architecture": image.architecture,
            "os": "linux",
            "config": { "Env": ["PATH=/usr/bin"], "Cmd": ["/bin/sh"] },
            "rootfs": { "type": "layers", "diff_ids": diff_ids },
            "history": image.layers.iter().map(|_| serde_json::json!({"created_by": "lading-testkit"})).collect::<Vec<_>>()
        });
        let config = serde_json::to_vec(&config).unwrap();
        let config_hex = sha256_hex(&config);
        add(&format!("{config_hex}.json"), &config);
        let mut layer_paths = Vec::new();
        for layer in &image.layers {
            let name = format!("{}/layer.tar", sha256_hex(layer));
            add(&name, layer);
            layer_paths.push(name);
        }
        manifest.push(serde_json::json!({
            "Config": format!("{config_hex}.json"),
            "RepoTags": image.repo_tags,
            "Layers": layer_paths,
        }));
        config_digests.push(format!("sha256:{config_hex}"));
    }
    add("manifest.json", &serde_json::to_vec(&manifest).unwrap());
    out.into_inner().expect("finish archive");
    config_digests
}

/// Writes an OCI layout whose `index.json` names (as `tag`) an OCI image index with one image per
/// `(os, architecture)`; each image has one layer whose file says which platform it is.
/// Returns the index digest and each platform manifest's digest.
pub fn write_multi_platform_layout(
    dir: &Path,
    tag: &str,
    platforms: &[(&str, &str)],
) -> (String, Vec<String>) {
    std::fs::create_dir_all(dir).expect("layout dir");
    let mut children = Vec::new();
    let mut child_digests = Vec::new();
    for (i, (os, arch)) in platforms.iter().enumerate() {
        let content = format!("built for {os}/{arch}\n");
        let mut layer = layer_tar(&[TestFile {
            path: "platform.txt",
            content: content.as_bytes(),
        }]);
        // Make each platform's layer large enough to matter and distinct.
        layer.extend(std::iter::repeat_n(0u8, 1024 * (i + 1)));
        let layer_digest = write_blob(dir, &layer);
        let config = serde_json::json!({
            "architecture": arch, "os": os,
            "config": { "Cmd": ["/bin/cat", "/platform.txt"] },
            "rootfs": { "type": "layers", "diff_ids": [layer_digest] },
        });
        let config = serde_json::to_vec(&config).unwrap();
        let config_digest = write_blob(dir, &config);
        let manifest = serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config.len() },
            "layers": [{ "mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer_digest, "size": layer.len() }]
        }))
        .unwrap();
        let manifest_digest = write_blob(dir, &manifest);
        children.push(serde_json::json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": manifest_digest, "size": manifest.len(),
            "platform": { "os": os, "architecture": arch }
        }));
        child_digests.push(manifest_digest);
    }
    let index = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": children
    }))
    .unwrap();
    let index_digest = write_blob(dir, &index);
    let top = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "digest": index_digest, "size": index.len(),
            "annotations": { "org.opencontainers.image.ref.name": tag }
        }]
    });
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&top).unwrap()).expect("index.json");
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#)
        .expect("oci-layout");
    (index_digest, child_digests)
}
