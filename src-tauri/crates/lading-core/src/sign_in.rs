//! The terminal command that signs `docker` (or podman, buildah) in to a registry, as the window
//! offers it for copying. It never holds the password: ECR's fetches a token itself, an OCI
//! registry's asks for it.

use lading_config::{OciAuth, RegistryKind};

use crate::error::{Code, Error, Result};
use crate::registry::host_of;
use crate::view::SignInHelp;
use crate::AppState;

/// Single-quoted for a POSIX shell unless it is plainly safe.
fn shell_word(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@".contains(c))
    {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

pub async fn sign_in_help(state: &AppState, id: &str) -> Result<SignInHelp> {
    let registry = state.registry(id).await?;
    match &registry.entry().kind {
        RegistryKind::Oci {
            address,
            auth,
            insecure,
            ..
        } => {
            let host = host_of(address);
            let username = match auth {
                OciAuth::Keychain { username } => format!(" --username {}", shell_word(username)),
                _ => String::new(),
            };
            let mut note =
                "docker asks for the password (or a token) and keeps the login in its own config."
                    .to_owned();
            if *insecure {
                note.push_str(&format!(" This registry speaks plain HTTP: docker needs it under \"insecure-registries\" in /etc/docker/daemon.json ({host})."));
            }
            Ok(SignInHelp {
                command: format!("docker login{username} {}", shell_word(host)),
                note,
                token_expires_at: None,
            })
        }
        RegistryKind::Ecr { .. } => {
            let tokens = registry
                .ecr_tokens()
                .await?
                .ok_or_else(|| Error::new(Code::Unexpected, "an ECR registry without a session"))?;
            // Fetched (or the kept one) for its endpoint and expiry; the password stays here.
            let token = tokens.token().await?;
            let host = token
                .proxy_endpoint
                .trim_start_matches("https://")
                .to_owned();
            let (profile, region) = registry
                .ecr_profile_region()
                .ok_or_else(|| Error::new(Code::Unexpected, "an ECR registry without a region"))?;
            let profile = profile
                .map(|p| format!(" --profile {}", shell_word(p)))
                .unwrap_or_default();
            Ok(SignInHelp {
                command: format!(
                    "aws ecr get-login-password --region {}{profile} | docker login --username AWS --password-stdin {}",
                    shell_word(region),
                    shell_word(&host)
                ),
                note: "The AWS CLI fetches a 12-hour token with the same profile; docker keeps it until it expires.".to_owned(),
                token_expires_at: registry.token_expires_at(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn words_are_quoted_only_when_needed() {
        assert_eq!(shell_word("dev-account_1"), "dev-account_1");
        assert_eq!(shell_word("my profile"), "'my profile'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}
