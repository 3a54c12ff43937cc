//! The registries the user works with: adding (checked before saved; passwords straight into the
//! keychain), listing with docker logins on offer, checking connections, signing out, removing.
//! Plain async functions over [`AppState`], so they are tested without a window; the Tauri
//! commands only forward to them.

use lading_config::{OciAuth, RegistryEntry, RegistryKind};
use lading_oci::credentials::KeychainLogins;
use lading_oci::{ClientOptions, Credentials, RegistryClient};
use lading_secrets::Secret;

use crate::confirm::{registry_place, Question};
use crate::error::{Code, Error, Result};
use crate::registry::{host_of, oci_client, view};
use crate::registry_update;
use crate::view::{
    AddEcrRegistry, AddOciRegistry, AwsProfile, ConnectionStatus, RegistryList, RegistryView,
};
use crate::AppState;

pub async fn list(state: &AppState) -> Result<RegistryList> {
    let config = state.config.lock().await;
    let registries: Vec<RegistryView> = config.registries().iter().map(view).collect();
    let added: Vec<&str> = registries
        .iter()
        .filter_map(|r| r.address.as_deref())
        .collect();
    let docker_logins = match &state.docker {
        Some(docker) => docker
            .registries()
            .unwrap_or_default()
            .into_iter()
            .filter(|h| !added.contains(&h.as_str()))
            .collect(),
        None => Vec::new(),
    };
    Ok(RegistryList {
        registries,
        docker_logins,
        notice: state.notice.lock().expect("notice lock").take(),
    })
}

/// Normalises what people paste: `host[:port]`, keeping an explicit `https://` (which must win
/// over the plain-HTTP default for loopback hosts); `http://` is the "insecure" checkbox's job.
fn normalise_address(input: &str) -> Result<String> {
    let trimmed = input.trim().trim_end_matches('/');
    let (scheme, rest) = match trimmed.split_once("://") {
        Some(("https", rest)) => ("https://", rest),
        Some(("http", rest)) => ("", rest),
        Some(_) => ("?", trimmed),
        None => ("", trimmed),
    };
    if rest.contains('@') {
        return Err(Error::new(
            Code::InvalidRegistry,
            "an address cannot carry a username or password; give the host alone and sign in below instead",
        ));
    }
    if scheme == "?" || rest.is_empty() || rest.contains('/') || rest.contains(char::is_whitespace)
    {
        return Err(Error::new(Code::InvalidRegistry,
            format!("{input:?} is not a registry address; expected host or host:port, e.g. registry.example.com"),
        ));
    }
    // Docker Hub by any of the names people use (`docker.io`, `hub.docker.com`, …).
    Ok(format!(
        "{scheme}{}",
        lading_oci::reference::canonical_registry(rest)
    ))
}

/// Adds an OCI registry after checking it answers with these credentials; a password goes into
/// the keychain, never into the settings file.
pub async fn add_oci(state: &AppState, request: AddOciRegistry) -> Result<RegistryView> {
    let address = normalise_address(&request.address)?;
    let ca_pem = match request
        .ca_file
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(path) => Some(std::fs::read_to_string(path).map_err(|e| {
            Error::new(
                Code::InvalidCa,
                format!("cannot read the CA certificate {path}: {e}"),
            )
        })?),
        None => None,
    };
    let password = request.auth.password.map(Secret::from);
    let auth = match request.auth.mode.as_str() {
        "anonymous" => OciAuth::Anonymous,
        "docker_login" => OciAuth::DockerLogin,
        "password" => {
            let username = request
                .auth
                .username
                .filter(|u| !u.trim().is_empty())
                .ok_or_else(|| {
                    Error::new(
                        Code::MissingUsername,
                        "a username is needed to sign in with a password",
                    )
                })?;
            OciAuth::Keychain { username }
        }
        other => {
            return Err(Error::new(
                Code::InvalidAuth,
                format!("unknown sign-in mode {other:?}"),
            ))
        }
    };
    // Check first: only a registry that answers (with these credentials) is added.
    let endpoints = state.endpoint_map().await;
    let probe = match (&auth, &password) {
        (OciAuth::Keychain { username }, Some(password)) => RegistryClient::new(
            &address,
            ClientOptions {
                credentials: Some(Credentials {
                    username: username.clone(),
                    password: password.clone(),
                }),
                insecure: request.insecure,
                ca_pem: ca_pem.clone(),
                endpoint_map: endpoints,
                ..Default::default()
            },
        )?,
        (OciAuth::Keychain { .. }, None) => {
            return Err(Error::new(
                Code::MissingPassword,
                "a password (or token) is needed",
            ))
        }
        _ => oci_client(
            &address,
            &auth,
            request.insecure,
            ca_pem.as_deref(),
            state.docker.as_ref(),
            endpoints.as_ref(),
        )?,
    };
    probe.ping().await?;
    let kind = RegistryKind::Oci {
        address: address.clone(),
        auth: auth.clone(),
        insecure: request.insecure,
        ca_pem,
    };
    let id = RegistryEntry::id_for(&kind);
    // Adding one already listed updates it, and only once the user has said yes to what changes.
    let existing = state
        .config
        .lock()
        .await
        .registries()
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(&id))
        .cloned();
    let entry = match &existing {
        Some(old) => {
            let changes = registry_update::changes(&old.kind, &kind, password.is_some());
            if changes.is_empty() {
                return Ok(view(old));
            }
            state
                .confirm(registry_update::question(old, &changes))
                .await?;
            RegistryEntry {
                kind,
                ..old.clone()
            }
        }
        None => RegistryEntry {
            id,
            name: match host_of(&address) {
                lading_oci::DOCKER_HUB_REGISTRY => "Docker Hub".to_owned(),
                host => host.to_owned(),
            },
            kind,
        },
    };
    if let (OciAuth::Keychain { username }, Some(password)) = (&auth, password) {
        let credentials = Credentials {
            username: username.clone(),
            password,
        };
        let registry = probe.registry().to_owned();
        tokio::task::spawn_blocking(move || KeychainLogins.store(&registry, &credentials))
            .await
            .map_err(|e| Error::new(Code::KeychainError, e.to_string()))??;
    }
    if let Some(RegistryKind::Oci {
        address: old_address,
        auth: OciAuth::Keychain { .. },
        ..
    }) = existing.as_ref().map(|old| &old.kind)
    {
        if !matches!(auth, OciAuth::Keychain { .. }) {
            // The question said the saved password goes.
            forget_login(host_of(old_address)).await?;
        }
    }
    state.config.lock().await.upsert(entry.clone(), true)?;
    state.drop_handle(&entry.id);
    Ok(view(&entry))
}

pub async fn add_ecr(state: &AppState, request: AddEcrRegistry) -> Result<RegistryView> {
    let profile = request
        .profile
        .filter(|p| !p.is_empty() && p != lading_ecr::profiles::ENVIRONMENT);
    let registry_id = request
        .registry_id
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty());
    let client = lading_ecr::EcrClient::connect(&lading_ecr::EcrTarget {
        profile: profile.clone(),
        region: Some(request.region.clone()),
        endpoint_url: None,
    })
    .await?
    .for_registry(registry_id.as_deref())?;
    // For another account's registry this asks whether the profile may read it.
    let registry = client.registry().await?;
    let via = profile.as_deref().unwrap_or("default");
    let name = match &registry_id {
        Some(other) => format!("{other} · {} (via {via})", request.region),
        None => format!("{via} · {}", request.region),
    };
    let kind = RegistryKind::Ecr {
        profile: profile.clone(),
        region: request.region.clone(),
        account: Some(registry.account.clone()),
        registry_id,
    };
    let entry = RegistryEntry {
        id: RegistryEntry::id_for(&kind),
        name,
        kind,
    };
    state.config.lock().await.upsert(entry.clone(), true)?;
    state.drop_handle(&entry.id);
    Ok(view(&entry))
}

/// Removes a registry from the list once the user says yes; with `forget_credentials`, its
/// keychain login too (the question says so).
pub async fn remove(state: &AppState, id: &str, forget_credentials: bool) -> Result<()> {
    let entry = state.entry(id).await?;
    let keychain_login = match &entry.kind {
        RegistryKind::Oci {
            address,
            auth: OciAuth::Keychain { .. },
            ..
        } => Some(host_of(address).to_owned()),
        _ => None,
    };
    let forgets = forget_credentials && keychain_login.is_some();
    state
        .confirm(Question {
            title: format!("Remove {} from Lading?", entry.name),
            detail: format!(
                "{} leaves the registry list{}. Nothing in the registry itself changes.",
                registry_place(&entry),
                if forgets {
                    " and its saved password is deleted from the keychain (you will need it to add the registry again)"
                } else {
                    ""
                }
            ),
            yes: if forgets {
                "Remove and forget password".into()
            } else {
                "Remove registry".into()
            },
        })
        .await?;
    state.config.lock().await.remove(id)?;
    state.listings.forget(id, None);
    state.drop_handle(id);
    if let (true, Some(host)) = (forgets, keychain_login) {
        forget_login(&host).await?;
    }
    Ok(())
}

/// Whether the registry answers now, through its kept handle.
pub async fn check(state: &AppState, id: &str) -> Result<ConnectionStatus> {
    Ok(state.registry(id).await?.status().await)
}

pub fn aws_profiles() -> Vec<AwsProfile> {
    lading_ecr::profiles::discover_profiles()
        .into_iter()
        .map(|p| AwsProfile {
            name: p.name,
            kind: p.kind,
            region: p.region,
        })
        .collect()
}

/// Runs `aws sso login --profile <profile>` (it opens the browser) and waits for it to finish;
/// the registries on that profile then start afresh with the new session.
pub async fn aws_sso_login(state: &AppState, profile: &str) -> Result<()> {
    if profile.is_empty() || profile.starts_with('-') || profile.contains(char::is_whitespace) {
        return Err(Error::new(
            Code::InvalidProfile,
            format!("{profile:?} is not a profile name"),
        ));
    }
    let child = tokio::process::Command::new("aws")
        .args(["sso", "login", "--profile", profile])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| {
            Error::new(Code::AwsCliMissing,
                format!("cannot run the AWS CLI ({e}); install it, or run `aws sso login --profile {profile}` yourself"),
            )
        })?;
    let out = tokio::time::timeout(
        std::time::Duration::from_secs(600),
        child.wait_with_output(),
    )
    .await
    .map_err(|_| {
        Error::new(
            Code::SsoLoginTimeout,
            "the AWS SSO sign-in did not finish within 10 minutes",
        )
    })?
    .map_err(|e| Error::new(Code::SsoLoginFailed, e.to_string()))?;
    if out.status.success() {
        let on_profile: Vec<String> = state
            .config
            .lock()
            .await
            .registries()
            .iter()
            .filter(
                |e| matches!(&e.kind, RegistryKind::Ecr { profile: Some(p), .. } if p == profile),
            )
            .map(|e| e.id.clone())
            .collect();
        for id in on_profile {
            state.drop_handle(&id);
        }
        Ok(())
    } else {
        Err(Error::new(
            Code::SsoLoginFailed,
            format!(
                "aws sso login failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        ))
    }
}

/// Forgets a registry's keychain login but keeps it in the list (it then needs signing in
/// again), once the user says yes.
pub async fn sign_out(state: &AppState, id: &str) -> Result<()> {
    let entry = state.entry(id).await?;
    let RegistryKind::Oci {
        address,
        auth: OciAuth::Keychain { .. },
        ..
    } = &entry.kind
    else {
        return Err(Error::new(
            Code::NotSignedIn,
            format!("{} has no saved login to forget", entry.name),
        ));
    };
    state
        .confirm(Question {
            title: format!("Sign out of {}?", entry.name),
            detail: format!(
                "The password saved for {} is deleted from the keychain; the registry stays in the list, and you will need the password to sign in again.",
                registry_place(&entry)
            ),
            yes: "Sign out".into(),
        })
        .await?;
    let existed = forget_login(host_of(address)).await?;
    state.drop_handle(id);
    if !existed {
        return Err(Error::new(
            Code::NotSignedIn,
            format!("no saved password for {} was in the keychain", entry.name),
        ));
    }
    Ok(())
}

/// Deletes a keychain login; whether there was one.
async fn forget_login(registry: &str) -> Result<bool> {
    let registry = registry.to_owned();
    Ok(
        tokio::task::spawn_blocking(move || KeychainLogins.forget(&registry))
            .await
            .map_err(|e| Error::new(Code::KeychainError, e.to_string()))??,
    )
}

#[cfg(test)]
mod tests {
    use super::normalise_address;

    #[test]
    fn addresses_as_people_paste_them() {
        for (typed, kept) in [
            ("registry.example.com", "registry.example.com"),
            (
                " https://registry.example.com:8443/ ",
                "https://registry.example.com:8443",
            ),
            ("http://localhost:5000", "localhost:5000"),
            ("docker.io", "registry-1.docker.io"),
            ("https://hub.docker.com", "https://registry-1.docker.io"),
            ("index.docker.io", "registry-1.docker.io"),
        ] {
            assert_eq!(normalise_address(typed).unwrap(), kept, "{typed}");
        }
        for bad in ["", "ftp://host", "host/path", "user:pw@host", "two words"] {
            assert!(normalise_address(bad).is_err(), "{bad}");
        }
    }
}
