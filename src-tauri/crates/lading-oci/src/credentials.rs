//! Where registry credentials come from, besides being typed in: the user's docker login
//! (`~/.docker/config.json`: `credHelpers`, `credsStore`, `auths`) and, through
//! [`CredentialProvider`], anything else — the ECR crate plugs its authorization tokens in here.

use std::collections::HashMap;
use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{Command, Stdio};

use base64::Engine as _;
use lading_secrets::Secret;
use serde::Deserialize;

use crate::client::Credentials;
use crate::error::OciError;

pub type CredentialFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Option<Credentials>, OciError>> + Send + 'a>>;

/// Supplies credentials for a registry host (`host[:port]`), or `None` if it has none.
pub trait CredentialProvider: Send + Sync {
    fn credentials<'a>(&'a self, registry: &'a str) -> CredentialFuture<'a>;

    /// Whether the credentials handed out for `registry` are about to lapse (a client then asks
    /// again before its next request). Most never do.
    fn lapsing(&self, _registry: &str) -> bool {
        false
    }

    /// The registry refused what was handed out for it: forget any copy kept, so the next
    /// [`credentials`](Self::credentials) fetches anew.
    fn invalidate(&self, _registry: &str) {}
}

/// Asks each provider in turn; the first that has credentials wins.
pub struct ChainProvider(pub Vec<std::sync::Arc<dyn CredentialProvider>>);

impl CredentialProvider for ChainProvider {
    fn credentials<'a>(&'a self, registry: &'a str) -> CredentialFuture<'a> {
        Box::pin(async move {
            for provider in &self.0 {
                if let Some(found) = provider.credentials(registry).await? {
                    return Ok(Some(found));
                }
            }
            Ok(None)
        })
    }

    fn lapsing(&self, registry: &str) -> bool {
        self.0.iter().any(|p| p.lapsing(registry))
    }

    fn invalidate(&self, registry: &str) {
        for provider in &self.0 {
            provider.invalidate(registry);
        }
    }
}

/// The keychain service under which registry logins are stored (account = registry host).
pub const KEYCHAIN_SERVICE: &str = "lading-registry";

#[derive(serde::Serialize, Deserialize)]
struct StoredLogin {
    username: String,
    password: String,
}

/// The one spelling of a registry under which its login is kept: no scheme, no trailing part,
/// host in lower case, no default port — `https://Registry.Example.com:443/` and
/// `registry.example.com` are one login.
pub fn login_key(registry: &str) -> String {
    let trimmed = registry.trim();
    let (scheme, rest) = trimmed.split_once("://").unwrap_or(("https", trimmed));
    let rest = rest.split('/').next().unwrap_or_default();
    let default_port = if scheme.eq_ignore_ascii_case("http") {
        ":80"
    } else {
        ":443"
    };
    let host = rest.strip_suffix(default_port).unwrap_or(rest);
    host.to_ascii_lowercase()
}

/// Registry logins kept in the OS keychain: username and password together, per registry host
/// (under [`login_key`], whatever spelling a caller has).
#[derive(Debug, Default, Clone, Copy)]
pub struct KeychainLogins;

impl KeychainLogins {
    pub fn store(
        &self,
        registry: &str,
        credentials: &Credentials,
    ) -> Result<(), lading_secrets::SecretsError> {
        let value = serde_json::to_string(&StoredLogin {
            username: credentials.username.clone(),
            password: credentials.password.expose().to_owned(),
        })
        .expect("login serialises");
        lading_secrets::Keychain.set(KEYCHAIN_SERVICE, &login_key(registry), &Secret::from(value))
    }

    /// Deletes the login; whether there was one.
    pub fn forget(&self, registry: &str) -> Result<bool, lading_secrets::SecretsError> {
        let key = login_key(registry);
        let existed = lading_secrets::Keychain.get(KEYCHAIN_SERVICE, &key).is_ok();
        lading_secrets::Keychain.delete(KEYCHAIN_SERVICE, &key)?;
        Ok(existed)
    }

    /// The stored login; `None` when there is none or no keychain is available at all.
    pub fn lookup(&self, registry: &str) -> Result<Option<Credentials>, OciError> {
        match lading_secrets::Keychain.get(KEYCHAIN_SERVICE, &login_key(registry)) {
            Ok(secret) => {
                let login: StoredLogin = serde_json::from_str(secret.expose()).map_err(|_| {
                    OciError::Io(format!(
                        "the keychain entry for {registry} is not a Lading login"
                    ))
                })?;
                Ok(Some(Credentials {
                    username: login.username,
                    password: Secret::from(login.password),
                }))
            }
            Err(lading_secrets::SecretsError::NotFound { .. }) => Ok(None),
            Err(lading_secrets::SecretsError::Unavailable(why)) => {
                tracing::debug!("no keychain: {why}");
                Ok(None)
            }
            Err(e) => Err(OciError::Io(e.to_string())),
        }
    }
}

impl CredentialProvider for KeychainLogins {
    fn credentials<'a>(&'a self, registry: &'a str) -> CredentialFuture<'a> {
        let registry = registry.to_owned();
        Box::pin(async move {
            // Keychain calls may block on D-Bus.
            tokio::task::spawn_blocking(move || KeychainLogins.lookup(&registry))
                .await
                .map_err(|e| OciError::Io(e.to_string()))?
        })
    }
}

#[derive(Debug, Default, Deserialize)]
struct DockerConfigFile {
    #[serde(default)]
    auths: HashMap<String, AuthEntry>,
    #[serde(default, rename = "credHelpers")]
    cred_helpers: HashMap<String, String>,
    #[serde(default, rename = "credsStore")]
    creds_store: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default, rename = "identitytoken")]
    identity_token: Option<String>,
}

/// The user's docker configuration (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`).
#[derive(Debug, Clone)]
pub struct DockerConfig {
    path: PathBuf,
}

impl DockerConfig {
    pub fn default_location() -> Option<Self> {
        let dir = match std::env::var_os("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
            Some(dir) => PathBuf::from(dir),
            None => dirs::home_dir()?.join(".docker"),
        };
        Some(Self::at(&dir.join("config.json")))
    }

    pub fn at(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
        }
    }

    fn load(&self) -> Result<DockerConfigFile, OciError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| OciError::InvalidSource {
                path: self.path.display().to_string(),
                reason: format!("not a valid docker config: {e}"),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(DockerConfigFile::default()),
            Err(e) => Err(OciError::Io(format!("{}: {e}", self.path.display()))),
        }
    }

    /// The hosts the user has logged in to (never the secrets), for listing in the app.
    pub fn registries(&self) -> Result<Vec<String>, OciError> {
        let config = self.load()?;
        let mut hosts: Vec<String> = config
            .auths
            .keys()
            .chain(config.cred_helpers.keys())
            .map(|k| normalise_host(k))
            .collect();
        hosts.sort();
        hosts.dedup();
        Ok(hosts)
    }

    /// Credentials for `registry` the way docker resolves them: a per-registry helper first,
    /// then the global store, then inline `auths`.
    pub fn lookup(&self, registry: &str) -> Result<Option<Credentials>, OciError> {
        let config = self.load()?;
        let wanted = normalise_host(registry);
        let key_matches = |key: &String| normalise_host(key) == wanted;
        if let Some((key, helper)) = config.cred_helpers.iter().find(|(k, _)| key_matches(k)) {
            return run_helper(helper, key);
        }
        let inline = config.auths.iter().find(|(k, _)| key_matches(k));
        if let Some(store) = &config.creds_store {
            let server = inline.map_or_else(|| server_url_for(registry), |(k, _)| k.clone());
            if let Some(found) = run_helper(store, &server)? {
                return Ok(Some(found));
            }
        }
        let Some((key, entry)) = inline else {
            return Ok(None);
        };
        decode_entry(key, entry)
    }
}

/// Docker keys its config by several spellings of a host; compare them as `host[:port]`.
fn normalise_host(key: &str) -> String {
    let without_scheme = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = without_scheme.split('/').next().unwrap_or(without_scheme);
    crate::reference::canonical_registry(host)
}

/// The key docker itself uses when it stores a login for `registry`.
fn server_url_for(registry: &str) -> String {
    if normalise_host(registry) == crate::reference::DOCKER_HUB_REGISTRY {
        "https://index.docker.io/v1/".to_owned()
    } else {
        registry.to_owned()
    }
}

fn decode_entry(key: &str, entry: &AuthEntry) -> Result<Option<Credentials>, OciError> {
    let invalid = |why: &str| OciError::InvalidSource {
        path: "docker config".to_owned(),
        reason: format!("the login for {key} {why}"),
    };
    if let Some(token) = entry.identity_token.as_deref().filter(|t| !t.is_empty()) {
        // An identity token is sent as the password of the special user "<token>".
        return Ok(Some(Credentials {
            username: "<token>".to_owned(),
            password: Secret::new(token),
        }));
    }
    if let Some(auth) = entry.auth.as_deref().filter(|a| !a.is_empty()) {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(auth.trim())
            .map_err(|_| invalid("has an `auth` field that is not base64"))?;
        let decoded = String::from_utf8(decoded).map_err(|_| invalid("is not text"))?;
        let (username, password) = decoded
            .split_once(':')
            .ok_or_else(|| invalid("has an `auth` field without user:password"))?;
        return Ok(Some(Credentials {
            username: username.to_owned(),
            password: Secret::new(password),
        }));
    }
    match (&entry.username, &entry.password) {
        (Some(u), Some(p)) => Ok(Some(Credentials {
            username: u.clone(),
            password: Secret::new(p.as_str()),
        })),
        _ => Ok(None),
    }
}

/// The docker credential-helper protocol: `docker-credential-<name> get`, the server URL on
/// stdin, `{"Username":…,"Secret":…}` on stdout. "not found" answers mean no credentials.
fn run_helper(name: &str, server: &str) -> Result<Option<Credentials>, OciError> {
    #[derive(Deserialize)]
    struct HelperAnswer {
        #[serde(rename = "Username")]
        username: String,
        #[serde(rename = "Secret")]
        secret: String,
    }
    let program = format!("docker-credential-{name}");
    let failed = |why: String| OciError::Io(format!("credential helper {program}: {why}"));
    let mut child = Command::new(&program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed(format!("cannot run it ({e}); is it installed and on PATH?")))?;
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(server.as_bytes())
        .map_err(|e| failed(e.to_string()))?;
    let out = child
        .wait_with_output()
        .map_err(|e| failed(e.to_string()))?;
    if !out.status.success() {
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        if text.to_ascii_lowercase().contains("not found") {
            return Ok(None);
        }
        return Err(failed(format!("it failed: {}", text.trim())));
    }
    let answer: HelperAnswer = serde_json::from_slice(&out.stdout)
        .map_err(|e| failed(format!("unreadable answer: {e}")))?;
    if answer.secret.is_empty() {
        return Ok(None);
    }
    Ok(Some(Credentials {
        username: answer.username,
        password: Secret::from(answer.secret),
    }))
}

impl CredentialProvider for DockerConfig {
    fn credentials<'a>(&'a self, registry: &'a str) -> CredentialFuture<'a> {
        let config = self.clone();
        let registry = registry.to_owned();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || config.lookup(&registry))
                .await
                .map_err(|e| OciError::Io(e.to_string()))?
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_compare_across_docker_spellings() {
        assert_eq!(
            normalise_host("https://index.docker.io/v1/"),
            "registry-1.docker.io"
        );
        assert_eq!(
            normalise_host("registry.example.com:5000"),
            "registry.example.com:5000"
        );
        assert_eq!(
            normalise_host("https://registry.example.com/"),
            "registry.example.com"
        );
        assert_eq!(
            server_url_for("registry-1.docker.io"),
            "https://index.docker.io/v1/"
        );
    }

    #[test]
    fn inline_auths_decode_and_errors_name_the_registry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        let auth = base64::engine::general_purpose::STANDARD.encode("alice:s3cret:with:colons");
        std::fs::write(
            &path,
            format!(r#"{{"auths":{{"https://reg.example.com":{{"auth":"{auth}"}},"tok.example.com":{{"identitytoken":"tkn"}},"bad.example.com":{{"auth":"!!"}}}}}}"#),
        )
        .unwrap();
        let config = DockerConfig::at(&path);
        let creds = config.lookup("reg.example.com").unwrap().unwrap();
        assert_eq!(creds.username, "alice");
        assert_eq!(creds.password.expose(), "s3cret:with:colons");
        assert_eq!(
            config.lookup("tok.example.com").unwrap().unwrap().username,
            "<token>"
        );
        assert!(config.lookup("other.example.com").unwrap().is_none());
        let err = config.lookup("bad.example.com").unwrap_err();
        assert!(err.to_string().contains("bad.example.com"), "{err}");
        assert_eq!(
            config.registries().unwrap(),
            ["bad.example.com", "reg.example.com", "tok.example.com"]
        );
        assert!(DockerConfig::at(&dir.path().join("missing.json"))
            .lookup("x")
            .unwrap()
            .is_none());
    }
}

#[cfg(test)]
mod login_key_tests {
    use super::login_key;

    #[test]
    fn every_spelling_of_a_registry_is_one_key() {
        for spelling in [
            "registry.example.com",
            "Registry.Example.COM",
            "https://registry.example.com/",
            "registry.example.com:443",
            "https://REGISTRY.example.com:443/v2/",
            " registry.example.com ",
        ] {
            assert_eq!(login_key(spelling), "registry.example.com", "{spelling}");
        }
        assert_eq!(login_key("localhost:5000"), "localhost:5000");
        assert_eq!(login_key("http://127.0.0.1:80"), "127.0.0.1");
        assert_eq!(
            login_key("registry.example.com:8443"),
            "registry.example.com:8443"
        );
    }
}
