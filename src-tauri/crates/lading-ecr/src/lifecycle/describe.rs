//! Images for an offline dry run, from the JSON `aws ecr describe-images` prints.

use aws_sdk_ecr::primitives::{DateTime, DateTimeFormat};

use super::{EvalImage, StorageClass};
use crate::EcrError;

/// A time as the AWS CLI prints it: RFC 3339 text, or seconds since the epoch.
pub fn parse_time(value: &serde_json::Value) -> Option<i64> {
    match value {
        serde_json::Value::Number(n) => n.as_f64().map(|f| f as i64),
        serde_json::Value::String(s) => DateTime::from_str(s, DateTimeFormat::DateTimeWithOffset)
            .or_else(|_| DateTime::from_str(s, DateTimeFormat::DateTime))
            .ok()
            .map(|d| d.secs()),
        _ => None,
    }
}

/// The images of `{"imageDetails": […]}`, as the evaluator sees them.
pub fn images_from_describe_json(text: &str) -> Result<Vec<EvalImage>, EcrError> {
    let invalid = |why: String| EcrError::InvalidInput(why);
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| invalid(format!("the images are not JSON: {e}")))?;
    let details = value["imageDetails"].as_array().ok_or_else(|| {
        invalid("no imageDetails array (use `aws ecr describe-images` output)".into())
    })?;
    details
        .iter()
        .map(|d| {
            let digest = d["imageDigest"].as_str().unwrap_or_default().to_owned();
            let pushed_at = parse_time(&d["imagePushedAt"])
                .ok_or_else(|| invalid(format!("image {digest} has no readable imagePushedAt")))?;
            Ok(EvalImage {
                tags: d["imageTags"]
                    .as_array()
                    .map(|t| {
                        t.iter()
                            .filter_map(|x| x.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
                pushed_at,
                last_pulled_at: parse_time(&d["lastRecordedPullTime"]),
                // Archived images carry the time they moved; sinceImageTransitioned counts from it.
                transitioned_at: parse_time(&d["lastArchivedAt"]),
                storage_class: match d["imageStatus"].as_str() {
                    Some("ARCHIVED") => StorageClass::Archive,
                    _ => StorageClass::Standard,
                },
                size: d["imageSizeInBytes"].as_i64(),
                digest,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_aws_cli_output() {
        let images = images_from_describe_json(
            r#"{"imageDetails":[{"imageDigest":"sha256:a","imageTags":["v1"],"imagePushedAt":"2024-01-02T03:04:05+00:00","imageSizeInBytes":7,"imageStatus":"ARCHIVED","lastArchivedAt":1704200000}]}"#,
        )
        .unwrap();
        assert_eq!(images[0].pushed_at, 1_704_164_645);
        assert_eq!(images[0].storage_class, StorageClass::Archive);
        assert_eq!(images[0].transitioned_at, Some(1_704_200_000));
        let err = images_from_describe_json(r#"{"images":[]}"#).unwrap_err();
        assert_eq!(err.code(), "invalid_input");
    }
}
