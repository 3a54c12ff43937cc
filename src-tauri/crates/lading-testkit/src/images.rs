//! Small, deterministic test images written as OCI layout directories, so `skopeo copy oci:…`
//! (the reference client) can put real content into a registry for a test.

use std::path::Path;

use sha2::{Digest, Sha256};

pub struct TestImage {
    pub manifest_digest: String,
    pub config_digest: String,
    pub layer_digest: String,
}

fn sha256_hex(bytes: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(bytes);
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn write_blob(dir: &Path, bytes: &[u8]) -> String {
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
