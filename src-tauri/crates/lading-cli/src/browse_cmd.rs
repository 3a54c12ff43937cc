//! `lading inspect` and `lading rm`.

use super::*;

pub(crate) async fn inspect(
    json: bool,
    reference: String,
    want_config: bool,
    raw: bool,
    platform: PlatformArg,
    conn: Connection,
) -> Result<(), Failure> {
    use lading_oci::Manifest;
    let reference: Reference = reference.parse()?;
    let platform = platform.parse()?;
    let client = conn.client(&reference.registry).await?;
    let root = client
        .get_manifest(&reference.repository, reference.manifest_reference())
        .await?;
    if raw {
        use std::io::Write;
        std::io::stdout()
            .write_all(&root.bytes)
            .map_err(|e| Failure::usage(e.to_string()))?;
        return Ok(());
    }
    // For --config (or --platform) on an index, descend to one platform's image.
    let image = match (root.parse()?, want_config || platform.is_some()) {
        (Manifest::Index(index), true) => {
            let spec = platform.unwrap_or_else(lading_oci::pull::host_platform);
            let child = index
                .manifests()
                .iter()
                .find(|m| m.platform().as_ref().is_some_and(|p| spec.matches(p)))
                .ok_or_else(|| Failure::usage(format!("{reference} has no {spec} image")))?;
            client
                .get_manifest(&reference.repository, child.digest().as_ref())
                .await?
        }
        _ => root.clone(),
    };
    let parsed = image.parse()?;
    if want_config {
        let Manifest::Image(m) = &parsed else {
            return Err(Failure::usage("not an image".into()));
        };
        let digest: lading_oci::Digest = m.config().digest().to_string().parse()?;
        let config = client
            .get_blob_bytes(&reference.repository, &digest)
            .await?;
        let value: serde_json::Value = serde_json::from_slice(&config)
            .map_err(|e| Failure::usage(format!("config is not JSON: {e}")))?;
        println!("{}", serde_json::to_string_pretty(&value).expect("json"));
        return Ok(());
    }
    let summary = match &parsed {
        Manifest::Index(index) => serde_json::json!({
            "reference": reference.to_string(),
            "digest": image.digest.as_str(),
            "mediaType": image.media_type,
            "platforms": index.manifests().iter().map(|m| serde_json::json!({
                "platform": m.platform().as_ref().map(lading_oci::manifest::platform_label),
                "digest": m.digest().to_string(),
                "size": m.size(),
            })).collect::<Vec<_>>(),
        }),
        Manifest::Image(m) => serde_json::json!({
            "reference": reference.to_string(),
            "digest": image.digest.as_str(),
            "mediaType": image.media_type,
            "config": m.config().digest().to_string(),
            "layers": m.layers().iter().map(|l| serde_json::json!({
                "digest": l.digest().to_string(),
                "size": l.size(),
                "mediaType": l.media_type().to_string(),
            })).collect::<Vec<_>>(),
            "size": m.config().size() + m.layers().iter().map(|l| l.size()).sum::<u64>(),
        }),
    };
    if json {
        println!("{summary}");
    } else {
        println!("{}", serde_json::to_string_pretty(&summary).expect("json"));
    }
    Ok(())
}

pub(crate) async fn rm(json: bool, reference: String, conn: Connection) -> Result<(), Failure> {
    let reference: Reference = reference.parse()?;
    let client = conn.client(&reference.registry).await?;
    let digest = match &reference.digest {
        Some(d) => d.parse()?,
        None => {
            let tag = reference.tag.as_deref().unwrap_or("latest");
            client
                .head_manifest(&reference.repository, tag)
                .await?
                .ok_or_else(|| lading_oci::OciError::NotFound {
                    registry: reference.registry.clone(),
                    what: format!("{}:{tag}", reference.repository),
                    hint: String::new(),
                })?
                .digest
        }
    };
    client
        .delete_manifest(&reference.repository, &digest)
        .await?;
    if json {
        println!("{}", serde_json::json!({"deleted": digest.as_str()}));
    } else {
        println!(
            "deleted {}/{}@{digest}",
            reference.registry, reference.repository
        );
    }
    Ok(())
}
