//! What the tests against moto's ECR share.
#![allow(dead_code)]

use lading_ecr::{EcrClient, EcrTarget};
use lading_testkit::Moto;

/// A client for moto's ECR with static test credentials: never a developer's real AWS identity.
pub async fn connect(moto: &Moto, region: &str) -> EcrClient {
    std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    std::env::set_var("AWS_CONFIG_FILE", "/dev/null");
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    EcrClient::connect(&EcrTarget {
        profile: None,
        region: Some(region.to_owned()),
        endpoint_url: Some(moto.endpoint_url()),
    })
    .await
    .unwrap()
}

/// A small image manifest whose config and layer digests are distinct per `n`.
pub fn manifest(n: u32) -> String {
    let hex = |c: u32| format!("{:064x}", c);
    serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 100 + n, "digest": format!("sha256:{}", hex(n))},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 1000 * n, "digest": format!("sha256:{}", hex(1000 + n))}]
    })
    .to_string()
}
