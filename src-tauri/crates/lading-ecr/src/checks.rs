//! ECR's documented rules for what a user types — resource tags and KMS keys — checked before
//! any call, each problem named at its field, so nothing is sent that ECR would refuse halfway.

/// TagResource takes at most this many tags on a resource.
pub const TAGS_MAX: usize = 50;
const KEY_MAX: usize = 128;
const VALUE_MAX: usize = 256;

/// What AWS allows in a tag key or value: letters, digits and spaces in any language, and
/// `_ . : / = + - @`.
fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)
}

/// `Ok` when there is nothing wrong; else every problem, as one refusal that names each.
pub fn refuse_if_any(problems: Vec<String>) -> Result<(), crate::EcrError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(crate::EcrError::InvalidInput(problems.join("; ")))
    }
}

/// Resource tags as the SDK takes them (already checked with [`tag_problems`]).
pub(crate) fn sdk_tags(
    tags: &[(String, String)],
) -> Result<Vec<aws_sdk_ecr::types::Tag>, crate::EcrError> {
    tags.iter()
        .map(|(key, value)| {
            aws_sdk_ecr::types::Tag::builder()
                .key(key)
                .value(value)
                .build()
                .map_err(|e| crate::EcrError::InvalidInput(e.to_string()))
        })
        .collect()
}

/// The problem with one tag key, if any.
pub fn tag_key_problem(key: &str) -> Option<String> {
    if key.is_empty() {
        return Some("a tag key may not be empty".into());
    }
    if key.chars().count() > KEY_MAX {
        return Some(format!(
            "tag key \"{key}\" is longer than {KEY_MAX} characters"
        ));
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Some(format!(
            "tag key \"{key}\": keys starting with aws: are reserved for AWS"
        ));
    }
    if let Some(c) = key.chars().find(|c| !tag_char(*c)) {
        return Some(format!(
            "tag key \"{key}\": {c:?} is not allowed (letters, digits, spaces and _ . : / = + - @)"
        ));
    }
    None
}

/// Every problem with a set of tags: each key and value, duplicates, the count.
pub fn tag_problems(tags: &[(String, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    if tags.len() > TAGS_MAX {
        problems.push(format!(
            "at most {TAGS_MAX} tags on a repository, not {}",
            tags.len()
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for (key, value) in tags {
        if let Some(problem) = tag_key_problem(key) {
            problems.push(problem);
        } else if !seen.insert(key.as_str()) {
            problems.push(format!("tag key \"{key}\" is given twice"));
        }
        if value.chars().count() > VALUE_MAX {
            problems.push(format!(
                "the value of tag \"{key}\" is longer than {VALUE_MAX} characters"
            ));
        } else if let Some(c) = value.chars().find(|c| !tag_char(*c)) {
            problems.push(format!(
                "the value of tag \"{key}\": {c:?} is not allowed (letters, digits, spaces and _ . : / = + - @)"
            ));
        }
    }
    problems
}

/// A KMS key as ECR takes it: a key ID, a key ARN, an alias name or an alias ARN.
pub fn kms_key_problem(key: &str) -> Option<String> {
    let uuid = |s: &str| {
        let parts: Vec<&str> = s.split('-').collect();
        parts.len() == 5
            && parts
                .iter()
                .zip([8, 4, 4, 4, 12])
                .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
    };
    // Multi-Region keys: mrk- and 32 hex digits.
    let key_id = |s: &str| {
        uuid(s)
            || s.strip_prefix("mrk-")
                .is_some_and(|h| h.len() == 32 && h.chars().all(|c| c.is_ascii_hexdigit()))
    };
    let alias = |s: &str| {
        s.strip_prefix("alias/").is_some_and(|name| {
            !name.is_empty()
                && name.len() <= 250
                && !name.starts_with("aws/")
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/_-".contains(c))
        }) || s == "alias/aws/ecr"
    };
    let ok = if key.starts_with("arn:") {
        // arn:PARTITION:kms:REGION:ACCOUNT:key/ID or …:alias/NAME
        parse_arn(key).is_some_and(|arn| {
            arn.partition.starts_with("aws")
                && arn.service == "kms"
                && !arn.region.is_empty()
                && is_account_id(arn.account)
                && (arn.resource.strip_prefix("key/").is_some_and(key_id) || alias(arn.resource))
        })
    } else {
        key_id(key) || alias(key)
    };
    (!ok).then(|| {
        format!(
            "KMS key \"{key}\" is not a key ID, key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), alias/NAME or alias ARN"
        )
    })
}

/// An AWS account ID (a registry ID is one): 12 digits.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The fields of `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`; the resource keeps any
/// further colons. Callers check the fields their service needs.
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

pub fn parse_arn(s: &str) -> Option<Arn<'_>> {
    let parts: Vec<&str> = s.strip_prefix("arn:")?.splitn(5, ':').collect();
    let [partition, service, region, account, resource] = parts[..] else {
        return None;
    };
    Some(Arn {
        partition,
        service,
        region,
        account,
        resource,
    })
}

/// A registry ID must be an account ID.
pub fn registry_id_problem(id: &str) -> Option<String> {
    (!is_account_id(id))
        .then(|| format!("registry ID \"{id}\" is not an AWS account ID (12 digits)"))
}

/// ECR's pattern for a tag-mutability exclusion filter: `[0-9a-zA-Z._*-]{1,128}`.
pub fn exclusion_problem(filter: &str) -> Option<String> {
    if filter.is_empty() || filter.len() > 128 {
        return Some(format!(
            "exclusion filter \"{filter}\" must be 1 to 128 characters"
        ));
    }
    filter
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "._*-".contains(*c)))
        .map(|c| {
            format!("exclusion filter \"{filter}\": {c:?} is not allowed (letters, digits, . _ - and *)")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn tags_follow_the_documented_rules() {
        assert!(tag_problems(&tags(&[
            ("team", "a"),
            ("cost-centre", ""),
            ("Équipe", "café 1")
        ]))
        .is_empty());
        assert_eq!(
            tag_problems(&tags(&[("", "x"), ("aws:owner", "me"), ("a#b", "x"), ("team", "a"), ("team", "b"), ("v", "semi;colon")])),
            [
                "a tag key may not be empty",
                "tag key \"aws:owner\": keys starting with aws: are reserved for AWS",
                "tag key \"a#b\": '#' is not allowed (letters, digits, spaces and _ . : / = + - @)",
                "tag key \"team\" is given twice",
                "the value of tag \"v\": ';' is not allowed (letters, digits, spaces and _ . : / = + - @)",
            ]
        );
        let long = "k".repeat(129);
        assert_eq!(
            tag_problems(&tags(&[(&long, "")])),
            [format!("tag key \"{long}\" is longer than 128 characters")]
        );
        let many: Vec<_> = (0..51).map(|i| (format!("k{i}"), String::new())).collect();
        assert_eq!(
            tag_problems(&many),
            ["at most 50 tags on a repository, not 51"]
        );
    }

    #[test]
    fn kms_keys_in_each_documented_form() {
        for good in [
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            "mrk-1234abcd12ab34cd56ef1234567890ab",
            "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "alias/ecr-images",
            "arn:aws:kms:us-east-2:111122223333:alias/ecr-images",
        ] {
            assert_eq!(kms_key_problem(good), None, "{good}");
        }
        for bad in [
            "my-key",
            "arn:aws:kms:us-east-2:1111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:s3:::bucket",
            "alias/aws/other",
            "1234abcd-12ab-34cd-56ef",
        ] {
            assert!(kms_key_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn registry_ids_are_account_ids() {
        assert_eq!(registry_id_problem("111122223333"), None);
        assert!(registry_id_problem("1111-2222-3333").is_some());
        assert!(registry_id_problem("11112222333").is_some());
    }

    #[test]
    fn exclusion_filters() {
        assert_eq!(exclusion_problem("release-*"), None);
        assert!(exclusion_problem("a/b")
            .unwrap()
            .contains("'/' is not allowed"));
        assert!(exclusion_problem("").is_some());
    }
}
