//! The registries a user added, in `<config dir>/settings.json`: versioned, written atomically
//! (temp file, fsync, rename), never holding a secret. A file that cannot be read is moved aside
//! to `settings.json.corrupt-<time>` and reported, never silently dropped.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

const FILE_NAME: &str = "settings.json";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum OciAuth {
    Anonymous,
    /// Username and password in the OS keychain (service `lading-registry`, account = address).
    Keychain {
        username: String,
    },
    /// Whatever `~/.docker/config.json` has for the host.
    DockerLogin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RegistryKind {
    Oci {
        /// `host[:port]`, or `https://host[:port]` when HTTPS was asked for explicitly.
        address: String,
        auth: OciAuth,
        /// Plain HTTP for a non-loopback host, only when the user asked for it.
        #[serde(default)]
        insecure: bool,
        /// The registry's own CA certificate(s) as PEM (public, not a secret), trusted on top of
        /// the system's roots.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ca_pem: Option<String>,
    },
    Ecr {
        /// `None`: the AWS default chain.
        profile: Option<String>,
        region: String,
        /// Known once connected.
        #[serde(default)]
        account: Option<String>,
        /// Another account's registry that this profile may read (a shared "tools" account).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        registry_id: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryEntry {
    pub id: String,
    pub name: String,
    #[serde(flatten)]
    pub kind: RegistryKind,
}

impl RegistryEntry {
    /// A stable id: `oci:<host[:port]>` or `ecr:<profile>@<region>[/<registry id>]`.
    pub fn id_for(kind: &RegistryKind) -> String {
        match kind {
            RegistryKind::Oci { address, .. } => {
                format!(
                    "oci:{}",
                    address.strip_prefix("https://").unwrap_or(address)
                )
            }
            RegistryKind::Ecr {
                profile,
                region,
                registry_id,
                ..
            } => {
                let base = format!("ecr:{}@{region}", profile.as_deref().unwrap_or("default"));
                match registry_id {
                    Some(other) => format!("{base}/{other}"),
                    None => base,
                }
            }
        }
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct SettingsFile {
    version: u32,
    #[serde(default)]
    registries: Vec<RegistryEntry>,
    /// Honour `LADING_REGISTRY_MAP` (endpoints for emulators and mirrors); off unless the user
    /// turned it on, so a variable in the environment alone redirects nothing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    developer_endpoints: bool,
    /// Repositories opened by name, per registry id: the list of a registry without a readable
    /// catalog (Docker Hub, GHCR, Harbor for non-admins).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    opened: std::collections::BTreeMap<String, Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0} is already in the list")]
    Duplicate(String),
    #[error("no registry {0}")]
    UnknownRegistry(String),
    #[error(
        "settings file {path} was written by a newer Lading (version {found}); not touching it"
    )]
    NewerVersion { path: String, found: u32 },
    #[error("cannot write the settings file {path}: {reason}")]
    Write { path: String, reason: String },
}

impl ConfigError {
    pub fn code(&self) -> &'static str {
        match self {
            ConfigError::Duplicate(_) => "duplicate_registry",
            ConfigError::UnknownRegistry(_) => "unknown_registry",
            ConfigError::NewerVersion { .. } => "settings_too_new",
            ConfigError::Write { .. } => "settings_write_failed",
        }
    }
}

#[derive(Debug)]
pub struct ConfigStore {
    path: PathBuf,
    data: SettingsFile,
    /// Set when the file on disk could not be read and was moved aside (shown to the user once).
    pub recovered_from: Option<PathBuf>,
}

/// Lading's config dir: `LADING_CONFIG_DIR`, else the OS's (`~/.config/lading`, …).
pub fn config_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("LADING_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    dirs::config_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("lading")
}

impl ConfigStore {
    pub fn load(dir: &Path) -> Result<Self, ConfigError> {
        let path = dir.join(FILE_NAME);
        let mut recovered_from = None;
        let data = match std::fs::read(&path) {
            Err(_) => SettingsFile {
                version: VERSION,
                ..Default::default()
            },
            Ok(bytes) => match serde_json::from_slice::<SettingsFile>(&bytes) {
                Ok(file) if file.version > VERSION => {
                    return Err(ConfigError::NewerVersion {
                        path: path.display().to_string(),
                        found: file.version,
                    })
                }
                Ok(file) => file,
                Err(_) => {
                    let stamp = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs());
                    let aside = dir.join(format!("{FILE_NAME}.corrupt-{stamp}"));
                    std::fs::rename(&path, &aside).map_err(|e| ConfigError::Write {
                        path: path.display().to_string(),
                        reason: format!("cannot move the unreadable file aside: {e}"),
                    })?;
                    recovered_from = Some(aside);
                    SettingsFile {
                        version: VERSION,
                        ..Default::default()
                    }
                }
            },
        };
        Ok(Self {
            path,
            data,
            recovered_from,
        })
    }

    pub fn registries(&self) -> &[RegistryEntry] {
        &self.data.registries
    }

    pub fn developer_endpoints(&self) -> bool {
        self.data.developer_endpoints
    }

    pub fn set_developer_endpoints(&mut self, on: bool) -> Result<(), ConfigError> {
        self.data.developer_endpoints = on;
        self.save()
    }

    /// The repositories opened by name in registry `id`, sorted.
    pub fn opened_repositories(&self, id: &str) -> &[String] {
        self.data.opened.get(id).map_or(&[], Vec::as_slice)
    }

    /// Remembers that `repository` was opened by name in registry `id` (saved when new).
    pub fn remember_repository(&mut self, id: &str, repository: &str) -> Result<(), ConfigError> {
        let opened = self.data.opened.entry(id.to_owned()).or_default();
        if let Err(at) = opened.binary_search_by(|r| r.as_str().cmp(repository)) {
            opened.insert(at, repository.to_owned());
            self.save()?;
        }
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&RegistryEntry> {
        self.data.registries.iter().find(|r| r.id == id)
    }

    /// Adds (or, with `replace`, updates) an entry and saves.
    pub fn upsert(&mut self, entry: RegistryEntry, replace: bool) -> Result<(), ConfigError> {
        match self.data.registries.iter_mut().find(|r| r.id == entry.id) {
            Some(_) if !replace => return Err(ConfigError::Duplicate(entry.name)),
            Some(existing) => *existing = entry,
            None => self.data.registries.push(entry),
        }
        self.save()
    }

    pub fn remove(&mut self, id: &str) -> Result<RegistryEntry, ConfigError> {
        let index = self
            .data
            .registries
            .iter()
            .position(|r| r.id == id)
            .ok_or_else(|| ConfigError::UnknownRegistry(id.to_owned()))?;
        let removed = self.data.registries.remove(index);
        self.data.opened.remove(id);
        self.save()?;
        Ok(removed)
    }

    fn save(&self) -> Result<(), ConfigError> {
        let fail = |e: std::io::Error| ConfigError::Write {
            path: self.path.display().to_string(),
            reason: e.to_string(),
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let tmp = self.path.with_extension("json.tmp");
        let bytes = serde_json::to_vec_pretty(&self.data).expect("settings serialise");
        {
            use std::io::Write;
            let mut file = std::fs::File::create(&tmp).map_err(fail)?;
            file.write_all(&bytes).map_err(fail)?;
            file.sync_all().map_err(fail)?;
        }
        std::fs::rename(&tmp, &self.path).map_err(fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oci(address: &str) -> RegistryEntry {
        let kind = RegistryKind::Oci {
            address: address.to_owned(),
            auth: OciAuth::Keychain {
                username: "alice".into(),
            },
            insecure: false,
            ca_pem: None,
        };
        RegistryEntry {
            id: RegistryEntry::id_for(&kind),
            name: address.to_owned(),
            kind,
        }
    }

    #[test]
    fn entries_persist_across_loads_and_duplicates_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = ConfigStore::load(dir.path()).unwrap();
        assert!(store.registries().is_empty());
        store.upsert(oci("registry.example.com"), false).unwrap();
        let ecr = RegistryKind::Ecr {
            profile: Some("dev".into()),
            region: "eu-west-1".into(),
            account: None,
            registry_id: None,
        };
        store
            .upsert(
                RegistryEntry {
                    id: RegistryEntry::id_for(&ecr),
                    name: "dev eu-west-1".into(),
                    kind: ecr,
                },
                false,
            )
            .unwrap();
        let err = store
            .upsert(oci("registry.example.com"), false)
            .unwrap_err();
        assert_eq!(err.code(), "duplicate_registry");

        let again = ConfigStore::load(dir.path()).unwrap();
        assert_eq!(again.registries().len(), 2);
        assert_eq!(
            again.get("ecr:dev@eu-west-1").unwrap().name,
            "dev eu-west-1"
        );
        let text = std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
        assert!(
            text.contains("\"version\": 1") && text.contains("\"mode\": \"keychain\""),
            "{text}"
        );
        assert!(!dir.path().join("settings.json.tmp").exists());

        let mut again = again;
        again.remove("oci:registry.example.com").unwrap();
        assert_eq!(
            again.remove("oci:registry.example.com").unwrap_err().code(),
            "unknown_registry"
        );
        assert_eq!(ConfigStore::load(dir.path()).unwrap().registries().len(), 1);
    }

    #[test]
    fn a_corrupt_file_is_moved_aside_and_reported_and_a_newer_one_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), b"{ not json").unwrap();
        let store = ConfigStore::load(dir.path()).unwrap();
        let aside = store.recovered_from.clone().expect("reported");
        assert_eq!(std::fs::read(&aside).unwrap(), b"{ not json");
        assert!(store.registries().is_empty());

        std::fs::write(
            dir.path().join(FILE_NAME),
            br#"{"version": 99, "registries": []}"#,
        )
        .unwrap();
        assert_eq!(
            ConfigStore::load(dir.path()).unwrap_err().code(),
            "settings_too_new"
        );
        assert!(
            dir.path().join(FILE_NAME).exists(),
            "a newer file is not touched"
        );
    }
}
