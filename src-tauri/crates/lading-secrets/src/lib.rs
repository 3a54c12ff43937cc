//! Secrets never leave the Rust side of Lading in readable form.
//!
//! [`Secret`] redacts itself in `Debug` and `Display` and deliberately does not implement
//! `serde::Serialize`, so it cannot end up in an IPC payload, an event or a log line by accident.
//! [`Keychain`] stores secrets in the OS credential store through `keyring-core`.

use std::fmt;

use zeroize::Zeroize;

/// A password, token or key. Read it only at the point of use with [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The plain value. Call this only where the secret is handed to the wire or the keychain.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("no credential stored for {service} / {account}")]
    NotFound { service: String, account: String },
    #[error("the OS keychain is not available: {0}")]
    Unavailable(String),
    #[error("the OS keychain refused the request: {0}")]
    Keychain(String),
}

impl SecretsError {
    /// Stable machine-readable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            SecretsError::NotFound { .. } => "secret_not_found",
            SecretsError::Unavailable(_) => "keychain_unavailable",
            SecretsError::Keychain(_) => "keychain_error",
        }
    }
}

/// Makes the OS credential store the default for [`Keychain`]: the Secret Service (GNOME Keyring,
/// KWallet) on Linux, the login keychain on macOS, the Credential Manager on Windows. Call once at
/// start-up; tests install `keyring_core::mock::Store` instead.
pub fn use_os_store() -> Result<(), SecretsError> {
    let unavailable = |e: keyring_core::Error| SecretsError::Unavailable(e.to_string());
    #[cfg(target_os = "linux")]
    keyring_core::set_default_store(
        zbus_secret_service_keyring_store::Store::new().map_err(unavailable)?,
    );
    #[cfg(target_os = "macos")]
    keyring_core::set_default_store(
        apple_native_keyring_store::keychain::Store::new().map_err(unavailable)?,
    );
    #[cfg(windows)]
    keyring_core::set_default_store(
        windows_native_keyring_store::Store::new().map_err(unavailable)?,
    );
    #[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
    {
        let _ = unavailable;
        return Err(SecretsError::Unavailable(
            "no OS keychain is supported on this platform".to_owned(),
        ));
    }
    #[allow(unreachable_code)]
    Ok(())
}

/// The OS credential store, addressed by service (e.g. `lading:registry.example.com`) and account.
///
/// Which store backs it is decided once at start-up with `keyring_core::set_default_store`; tests
/// install `keyring_core::mock::Store`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Keychain;

impl Keychain {
    pub fn set(&self, service: &str, account: &str, secret: &Secret) -> Result<(), SecretsError> {
        let entry = entry(service, account)?;
        entry
            .set_password(secret.expose())
            .map_err(|e| map_err(e, service, account))
    }

    pub fn get(&self, service: &str, account: &str) -> Result<Secret, SecretsError> {
        let entry = entry(service, account)?;
        entry
            .get_password()
            .map(Secret::from)
            .map_err(|e| map_err(e, service, account))
    }

    /// Removes the entry; removing an entry that does not exist is not an error.
    pub fn delete(&self, service: &str, account: &str) -> Result<(), SecretsError> {
        let entry = entry(service, account)?;
        match entry.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e, service, account)),
        }
    }
}

fn entry(service: &str, account: &str) -> Result<keyring_core::Entry, SecretsError> {
    keyring_core::Entry::new(service, account).map_err(|e| map_err(e, service, account))
}

fn map_err(err: keyring_core::Error, service: &str, account: &str) -> SecretsError {
    match err {
        keyring_core::Error::NoEntry => SecretsError::NotFound {
            service: service.to_owned(),
            account: account.to_owned(),
        },
        keyring_core::Error::NoStorageAccess(e) => SecretsError::Unavailable(e.to_string()),
        keyring_core::Error::NoDefaultStore => {
            SecretsError::Unavailable("no credential store is configured".to_owned())
        }
        other => SecretsError::Keychain(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_redacted_in_debug_and_display() {
        let s = Secret::new("hunter2-very-secret");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert_eq!(format!("{s}"), "<redacted>");
        assert!(!format!("{:?}", Some(&s)).contains("hunter2"));
        assert_eq!(s.expose(), "hunter2-very-secret");
    }

    #[test]
    fn keychain_round_trip_with_mock_store() {
        keyring_core::set_default_store(keyring_core::mock::Store::new().unwrap());
        let kc = Keychain;
        let missing = kc.get("lading:test", "alice").unwrap_err();
        assert_eq!(missing.code(), "secret_not_found");
        kc.set("lading:test", "alice", &Secret::new("pw-1"))
            .unwrap();
        assert_eq!(kc.get("lading:test", "alice").unwrap().expose(), "pw-1");
        kc.set("lading:test", "alice", &Secret::new("pw-2"))
            .unwrap();
        assert_eq!(kc.get("lading:test", "alice").unwrap().expose(), "pw-2");
        kc.delete("lading:test", "alice").unwrap();
        assert_eq!(
            kc.get("lading:test", "alice").unwrap_err().code(),
            "secret_not_found"
        );
        // Deleting what is already gone is not an error ("sign out" twice).
        kc.delete("lading:test", "alice").unwrap();
    }
}
