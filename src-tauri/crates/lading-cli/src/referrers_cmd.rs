//! `lading referrers`: what is attached to an image.

use super::*;

use lading_oci::referrers::Found;

pub(crate) async fn list_referrers(
    json: bool,
    reference: String,
    conn: Connection,
) -> Result<(), Failure> {
    let reference: Reference = reference.parse()?;
    let client = conn.client(&reference.registry).await?;
    // Referrers name the digest; a tag is resolved to it first (HEAD: no pull counted).
    let subject = match reference.manifest_reference().parse::<lading_oci::Digest>() {
        Ok(digest) => digest,
        Err(_) => {
            client
                .head_manifest(&reference.repository, reference.manifest_reference())
                .await?
                .ok_or_else(|| Failure::usage(format!("{reference}: no such image")))?
                .digest
        }
    };
    let found =
        lading_oci::referrers::referrers(&client, &reference.repository, &subject, None).await?;
    if json {
        println!(
            "{}",
            serde_json::to_string(&found).expect("referrers serialise")
        );
        return Ok(());
    }
    if found.is_empty() {
        eprintln!("nothing is attached to {}@{subject}", reference.repository);
    }
    for r in &found {
        let via = match &r.found {
            Found::Api => "referrers API".to_owned(),
            Found::TagSchema => "referrers tag schema".to_owned(),
            Found::CosignTag(tag) => format!("tag {tag}"),
        };
        println!(
            "{}\t{}\t{}\t{via}",
            r.digest,
            r.artifact_type.as_deref().unwrap_or("-"),
            format_size(r.size, BINARY)
        );
    }
    Ok(())
}
