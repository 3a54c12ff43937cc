//! AWS profiles as the AWS CLI sees them (`~/.aws/config`, `~/.aws/credentials`, and the
//! `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE` overrides), for picking "profile × region".
//! Only names and kinds are read out; no secret leaves this module.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileInfo {
    pub name: String,
    /// `static` keys, `sso`, `process` (credential_process), `assume-role`, or `other`.
    pub kind: String,
    pub region: Option<String>,
}

fn config_path() -> Option<PathBuf> {
    std::env::var_os("AWS_CONFIG_FILE")
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".aws/config")))
}

fn credentials_path() -> Option<PathBuf> {
    std::env::var_os("AWS_SHARED_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".aws/credentials")))
}

/// `[section]` → key → value, from an INI-style AWS file.
fn parse_ini(text: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut sections: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.trim().to_owned();
            sections.entry(name.clone()).or_default();
            current = Some(name);
        } else if let (Some(section), Some((key, value))) = (&current, line.split_once('=')) {
            sections
                .entry(section.clone())
                .or_default()
                .insert(key.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    sections
}

/// Every profile defined in the AWS config and credentials files, sorted by name, after an
/// `(environment)` entry when `AWS_ACCESS_KEY_ID` is set.
pub fn discover_profiles() -> Vec<ProfileInfo> {
    let read = |p: Option<PathBuf>| {
        p.and_then(|p| std::fs::read_to_string(p).ok())
            .unwrap_or_default()
    };
    let mut profiles = profiles_from(&read(config_path()), &read(credentials_path()));
    // Credentials in the environment win over every profile, so they are listed first.
    if std::env::var_os("AWS_ACCESS_KEY_ID").is_some_and(|v| !v.is_empty()) {
        profiles.insert(
            0,
            ProfileInfo {
                name: ENVIRONMENT.to_owned(),
                kind: "env".to_owned(),
                region: std::env::var("AWS_REGION")
                    .or_else(|_| std::env::var("AWS_DEFAULT_REGION"))
                    .ok(),
            },
        );
    }
    profiles
}

/// The name under which credentials from the environment are listed.
pub const ENVIRONMENT: &str = "(environment)";

pub(crate) fn profiles_from(config: &str, credentials: &str) -> Vec<ProfileInfo> {
    let mut merged: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (section, keys) in parse_ini(config) {
        // In the config file profiles are `[profile name]`, except `[default]`.
        let name = match section.strip_prefix("profile ") {
            Some(n) => n.trim().to_owned(),
            None if section == "default" => section,
            None => continue, // sso-session, services, …
        };
        merged.entry(name).or_default().extend(keys);
    }
    for (section, keys) in parse_ini(credentials) {
        merged.entry(section).or_default().extend(keys);
    }
    merged
        .into_iter()
        .map(|(name, keys)| {
            let kind = if keys.contains_key("sso_start_url") || keys.contains_key("sso_session") {
                "sso"
            } else if keys.contains_key("credential_process") {
                "process"
            } else if keys.contains_key("role_arn") {
                "assume-role"
            } else if keys.contains_key("aws_access_key_id") {
                "static"
            } else {
                "other"
            };
            ProfileInfo {
                name,
                kind: kind.to_owned(),
                region: keys.get("region").cloned(),
            }
        })
        .collect()
}

/// For an SSO profile whose credentials failed: what to run. `None` for other kinds of profile.
pub fn sso_login_advice(profile: Option<&str>) -> Option<String> {
    let name = profile.unwrap_or("default");
    let info = discover_profiles().into_iter().find(|p| p.name == name)?;
    (info.kind == "sso").then(|| {
        format!("the AWS SSO session of profile {name} is missing or expired: run `aws sso login --profile {name}`")
    })
}

/// `https://<account>.dkr.ecr.<region>.amazonaws.com`
pub fn registry_url(account: &str, region: &str) -> String {
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("https://{account}.dkr.ecr.{region}.{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_merge_config_and_credentials_and_know_their_kind() {
        let config = "[default]\nregion = eu-west-1\n\n[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nregion=us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n\n[profile ci]\ncredential_process = /usr/bin/get-creds\n\n[profile admin]\nrole_arn = arn:aws:iam::111122223333:role/admin\nsource_profile = default\n";
        let credentials = "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n\n[legacy]\naws_access_key_id = AKIA2\naws_secret_access_key = s2\n";
        let profiles = profiles_from(config, credentials);
        let summary: Vec<(&str, &str, Option<&str>)> = profiles
            .iter()
            .map(|p| (p.name.as_str(), p.kind.as_str(), p.region.as_deref()))
            .collect();
        assert_eq!(
            summary,
            [
                ("admin", "assume-role", None),
                ("ci", "process", None),
                ("default", "static", Some("eu-west-1")),
                ("dev", "sso", Some("us-east-1")),
                ("legacy", "static", None),
            ]
        );
        assert!(
            !format!("{profiles:?}").contains("secret"),
            "no secret is read out"
        );
        assert_eq!(
            registry_url("123456789012", "eu-west-1"),
            "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"
        );
    }
}
