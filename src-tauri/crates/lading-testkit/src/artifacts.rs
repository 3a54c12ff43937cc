//! Attaching artifacts to an image on an anonymous loopback registry as ORAS does where the
//! registry has no referrers API: the blobs, the artifact manifest with its `subject`, then the
//! `sha256-<hex>` index of the referrers tag schema; and a cosign-style `.sig` tag. Plain HTTP
//! requests written here, so the inputs do not come from the code under test.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::{json, Value};

use crate::images::sha256_hex;

pub const EMPTY_CONFIG: &str = "application/vnd.oci.empty.v1+json";
const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";

/// What a registry answered.
struct Answer {
    status: u16,
    location: Option<String>,
    body: String,
}

/// One request (`header`: one more header line, such as a content type or an `Accept`).
fn exchange(host: &str, method: &str, path: &str, header: &str, body: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(host).expect("connect to the registry");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{header}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(body).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    Answer {
        status: head[9..12].parse().expect("an HTTP status"),
        location: head
            .lines()
            .find_map(|l| l.strip_prefix("Location: ").map(str::to_owned)),
        body: body.to_owned(),
    }
}

/// One request with a body of `content_type`.
fn request(
    host: &str,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> (u16, Option<String>) {
    let answer = exchange(
        host,
        method,
        path,
        &format!("Content-Type: {content_type}"),
        body,
    );
    (answer.status, answer.location)
}

fn push_blob(host: &str, repository: &str, data: &[u8]) -> String {
    let digest = format!("sha256:{}", sha256_hex(data));
    let (status, location) = request(
        host,
        "POST",
        &format!("/v2/{repository}/blobs/uploads/"),
        "application/octet-stream",
        b"",
    );
    assert_eq!(status, 202, "start an upload");
    let location = location.expect("an upload location");
    let path = location
        .strip_prefix(&format!("http://{host}"))
        .unwrap_or(&location);
    let joiner = if path.contains('?') { '&' } else { '?' };
    let (status, _) = request(
        host,
        "PUT",
        &format!("{path}{joiner}digest={digest}"),
        "application/octet-stream",
        data,
    );
    assert_eq!(status, 201, "finish the upload of {digest}");
    digest
}

/// Puts `manifest` under `reference` (a tag, or `None` for its digest); returns its digest.
pub fn put_manifest(
    host: &str,
    repository: &str,
    reference: Option<&str>,
    manifest: &Value,
) -> String {
    let bytes = serde_json::to_vec(manifest).unwrap();
    let digest = format!("sha256:{}", sha256_hex(&bytes));
    let media_type = manifest["mediaType"].as_str().unwrap_or(OCI_MANIFEST);
    let (status, _) = request(
        host,
        "PUT",
        &format!(
            "/v2/{repository}/manifests/{}",
            reference.unwrap_or(&digest)
        ),
        media_type,
        &bytes,
    );
    assert_eq!(status, 201, "put manifest {digest}");
    digest
}

/// What was attached.
pub struct Attached {
    pub digest: String,
    pub manifest: Vec<u8>,
    pub blob_digest: String,
}

/// Attaches `content` as an artifact of `artifact_type` to the manifest `subject` (its digest,
/// media type and size), and lists it in the subject's tag-schema index (made or extended).
pub fn attach(
    host: &str,
    repository: &str,
    subject: (&str, &str, usize),
    artifact_type: &str,
    content: &[u8],
) -> Attached {
    let empty = push_blob(host, repository, b"{}");
    let blob_digest = push_blob(host, repository, content);
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": artifact_type,
        "config": { "mediaType": EMPTY_CONFIG, "digest": empty, "size": 2 },
        "layers": [{ "mediaType": artifact_type, "digest": blob_digest, "size": content.len() }],
        "subject": { "mediaType": subject.1, "digest": subject.0, "size": subject.2 },
        "annotations": { "org.opencontainers.image.created": "2026-12-03T10:00:00Z" },
    });
    let digest = put_manifest(host, repository, None, &manifest);
    let bytes = serde_json::to_vec(&manifest).unwrap();
    let tag = subject.0.replace(':', "-");
    let mut index = get_json(
        host,
        &format!("/v2/{repository}/manifests/{tag}"),
        OCI_INDEX,
    )
    .unwrap_or_else(|| json!({ "schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [] }));
    index["manifests"].as_array_mut().unwrap().push(json!({
        "mediaType": OCI_MANIFEST, "digest": digest, "size": bytes.len(),
        "artifactType": artifact_type,
        "annotations": { "org.opencontainers.image.created": "2026-12-03T10:00:00Z" },
    }));
    put_manifest(host, repository, Some(&tag), &index);
    Attached {
        digest,
        manifest: bytes,
        blob_digest,
    }
}

/// A cosign-style signature: a manifest under `sha256-<hex>.sig` (no subject). Its digest.
pub fn cosign_signature(host: &str, repository: &str, subject: &str) -> String {
    let empty = push_blob(host, repository, b"{}");
    let signed: &[u8] = br#"{"critical":{"type":"cosign container image signature"}}"#;
    let payload = push_blob(host, repository, signed);
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": { "mediaType": EMPTY_CONFIG, "digest": empty, "size": 2 },
        "layers": [{ "mediaType": "application/vnd.dev.cosign.simplesigning.v1+json", "digest": payload, "size": signed.len() }],
    });
    let tag = format!("{}.sig", subject.replace(':', "-"));
    put_manifest(host, repository, Some(&tag), &manifest)
}

fn get_json(host: &str, path: &str, accept: &str) -> Option<Value> {
    let answer = exchange(host, "GET", path, &format!("Accept: {accept}"), b"");
    if answer.status != 200 {
        return None;
    }
    serde_json::from_str(&answer.body).ok()
}
