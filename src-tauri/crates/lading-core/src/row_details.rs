//! What an image row shows beyond its manifest, read only for the rows in view: an image's
//! created time (from its config) and an index's size per platform. Everything read is
//! content-addressed, so each digest is read once and kept (bounded).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures_util::stream::{self, StreamExt};
use lading_oci::manifest::index_entries;
use lading_oci::{Digest, Manifest};
use tokio::sync::OnceCell;

use crate::error::{Code, Error, Result};
use crate::registry::Registry;
use crate::view::{PlatformSize, RowDetail, RowDetailRequest};
use crate::AppState;

/// Rows the window may ask about at once (a screenful with overscan is far fewer).
pub const MAX_ROWS_PER_ASK: usize = 200;
/// Reads at once: configs are small, and the listing may still be reading manifests.
const READS_AT_ONCE: usize = 8;
/// Details kept before the oldest are dropped (all of them: they are cheap to read again).
const KEPT: usize = 50_000;

/// (registry id, repository, digest) → its detail, read once even when asked twice at once.
type Kept = HashMap<(String, String, String), Arc<OnceCell<RowDetail>>>;

#[derive(Default)]
pub struct RowDetails {
    kept: Mutex<Kept>,
}

impl RowDetails {
    fn cell(&self, id: &str, repository: &str, digest: &str) -> Arc<OnceCell<RowDetail>> {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if kept.len() >= KEPT {
            kept.clear();
        }
        kept.entry((id.to_owned(), repository.to_owned(), digest.to_owned()))
            .or_default()
            .clone()
    }
}

/// The details of `rows` of `repository`, in the order asked. A row whose details cannot be
/// read comes back with none (and is asked about again next time): the row itself is known.
pub async fn row_details(
    state: &AppState,
    id: &str,
    repository: &str,
    rows: &[RowDetailRequest],
) -> Result<Vec<RowDetail>> {
    if rows.len() > MAX_ROWS_PER_ASK {
        return Err(Error::new(
            Code::InvalidInput,
            format!(
                "{} rows asked about at once; at most {MAX_ROWS_PER_ASK}",
                rows.len()
            ),
        ));
    }
    let registry = state.registry(id).await?;
    // Collected first: a lazy map of futures borrowing the rows is not `Send` enough for the shell.
    let reads: Vec<_> = rows
        .iter()
        .map(|row| detail_of(state, &registry, id, repository, row))
        .collect();
    Ok(stream::iter(reads)
        .buffered(READS_AT_ONCE)
        .collect::<Vec<_>>()
        .await)
}

/// One row's details: kept, or read now (once, however many ask at the same time).
async fn detail_of(
    state: &AppState,
    registry: &Registry,
    id: &str,
    repository: &str,
    row: &RowDetailRequest,
) -> RowDetail {
    let cell = state.row_details.cell(id, repository, &row.digest);
    let read = cell
        .get_or_try_init(|| read_detail(registry, repository, row))
        .await;
    match read {
        Ok(detail) => detail.clone(),
        Err(e) => {
            tracing::debug!("details of {repository}@{}: {}", row.digest, e.message);
            empty(&row.digest)
        }
    }
}

fn empty(digest: &str) -> RowDetail {
    RowDetail {
        digest: digest.to_owned(),
        created: None,
        platform_sizes: Vec::new(),
    }
}

async fn read_detail(
    registry: &Registry,
    repository: &str,
    row: &RowDetailRequest,
) -> Result<RowDetail> {
    let mut detail = empty(&row.digest);
    if let Some(config) = &row.config {
        detail.created = created_of(registry, repository, config).await?;
        return Ok(detail);
    }
    // Every manifest GET counts as a pull where pulls are metered: an index's images are read
    // when the user opens it, not for a glance at the list.
    if registry.client().await?.meters_pulls() {
        return Ok(detail);
    }
    let manifest = registry.manifest(repository, &row.digest).await?;
    match manifest.parse()? {
        Manifest::Image(image) => {
            detail.created =
                created_of(registry, repository, image.config().digest().as_ref()).await?;
        }
        Manifest::Index(index) => {
            let platforms: Vec<(String, String)> = index_entries(&index, &manifest.bytes)
                .into_iter()
                .zip(index.manifests())
                .filter(|(entry, _)| !entry.attestation)
                .map(|(entry, m)| (entry.label, m.digest().to_string()))
                .collect();
            let reads: Vec<_> = platforms
                .into_iter()
                .map(|(platform, digest)| platform_image(registry, repository, platform, digest))
                .collect();
            let images = stream::iter(reads).buffered(4).collect::<Vec<_>>().await;
            for image in images {
                let (platform, size, created) = image?;
                detail.created = detail.created.max(created);
                detail.platform_sizes.push(PlatformSize { platform, size });
            }
        }
    }
    Ok(detail)
}

/// One platform of an index: its label, size (config and layers) and created time.
async fn platform_image(
    registry: &Registry,
    repository: &str,
    platform: String,
    digest: String,
) -> Result<(String, Option<u64>, Option<i64>)> {
    let image = match registry.manifest(repository, &digest).await?.parse()? {
        Manifest::Image(image) => image,
        Manifest::Index(_) => return Ok((platform, None, None)),
    };
    let size = image.config().size() + image.layers().iter().map(|l| l.size()).sum::<u64>();
    let created = created_of(registry, repository, image.config().digest().as_ref()).await?;
    Ok((platform, Some(size), created))
}

/// The `created` of the config `digest`, as seconds since the epoch.
async fn created_of(registry: &Registry, repository: &str, digest: &str) -> Result<Option<i64>> {
    let digest: Digest = digest.parse()?;
    let bytes = registry
        .client()
        .await?
        .get_blob_bytes(repository, &digest)
        .await?;
    let config: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        Error::new(
            Code::InvalidManifest,
            format!("the config {digest} is not JSON: {e}"),
        )
    })?;
    Ok(config["created"].as_str().and_then(parse_rfc3339))
}

/// `2024-05-01T12:34:56.789Z` or `…+02:00` as seconds since the epoch (image configs write
/// RFC 3339; fractions are dropped).
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let number = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from + len)?;
        digits
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| std::str::from_utf8(digits).ok()?.parse().ok())?
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
    let (hour, minute, second) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
    if b[13] != b':' || b[16] != b':' || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut at = 19;
    if b.get(at) == Some(&b'.') {
        at += 1;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
    }
    let offset = match b.get(at)? {
        b'Z' | b'z' if at + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if at + 6 == b.len() && b[at + 3] == b':' => {
            let minutes = number(at + 1, 2)? * 60 + number(at + 4, 2)?;
            if *sign == b'+' {
                minutes * 60
            } else {
                -minutes * 60
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::parse_rfc3339;

    #[test]
    fn config_times_as_tools_write_them() {
        // docker/buildkit: nanoseconds, UTC.
        assert_eq!(
            parse_rfc3339("2024-05-01T12:34:56.123456789Z"),
            Some(1_714_566_896)
        );
        // buildah/podman write the local offset.
        assert_eq!(
            parse_rfc3339("2024-05-01T14:34:56.5+02:00"),
            Some(1_714_566_896)
        );
        assert_eq!(
            parse_rfc3339("2024-02-29T00:00:00-01:30"),
            Some(1_709_170_200)
        );
        // Reproducible builds (ko, nix, SOURCE_DATE_EPOCH=0) and Go's zero time.
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("0001-01-01T00:00:00Z"), Some(-62_135_596_800));
        for bad in [
            "",
            "2024-05-01",
            "2024-13-01T00:00:00Z",
            "2024-05-01T25:00:00Z",
            "2024-05-01T12:34:56",
            "2024-05-01T12:34:56Zjunk",
            "2024-05-01T12:34:56+0200",
            "yesterday at noon, roughly",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
