//! Adding a registry that is already in the list is an update of it: what would change is named in
//! a native question first, so signing in again never quietly swaps the transport (HTTPS for plain
//! HTTP), the way of signing in, the trusted CA or the saved password.

use lading_config::{OciAuth, RegistryEntry, RegistryKind};

use crate::confirm::{registry_place, Question};
use crate::registry::host_of;

/// How a registry's traffic travels, in the words the question uses.
fn transport(address: &str, insecure: bool, custom_ca: bool) -> &'static str {
    let https =
        address.starts_with("https://") || !lading_oci::client::is_loopback(host_of(address));
    match (insecure, https, custom_ca) {
        (true, _, _) => "plain HTTP, unencrypted",
        (false, false, _) => "plain HTTP on this machine",
        (false, true, true) => "HTTPS, trusting its own CA",
        (false, true, false) => "HTTPS",
    }
}

fn sign_in(auth: &OciAuth) -> String {
    match auth {
        OciAuth::Anonymous => "anonymous".into(),
        OciAuth::Keychain { username } => format!("password as {username}"),
        OciAuth::DockerLogin => "docker login".into(),
    }
}

/// What replacing `old` with `new` changes, one line each; empty when nothing does. `password`:
/// a new password is to be saved (over the one in the keychain, if any).
pub(crate) fn changes(old: &RegistryKind, new: &RegistryKind, password: bool) -> Vec<String> {
    let (
        RegistryKind::Oci {
            address: old_address,
            auth: old_auth,
            insecure: old_insecure,
            ca_pem: old_ca,
        },
        RegistryKind::Oci {
            address,
            auth,
            insecure,
            ca_pem,
        },
    ) = (old, new)
    else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    let (was, will) = (
        transport(old_address, *old_insecure, old_ca.is_some()),
        transport(address, *insecure, ca_pem.is_some()),
    );
    if was != will {
        lines.push(format!("Connection: {was} → {will}"));
    } else if old_ca.is_some() && old_ca != ca_pem {
        lines.push("Connection: its own CA is replaced by another certificate".into());
    }
    if old_auth != auth {
        lines.push(format!(
            "Sign-in: {} → {}",
            sign_in(old_auth),
            sign_in(auth)
        ));
    }
    match (old_auth, auth) {
        (OciAuth::Keychain { username: before }, OciAuth::Keychain { username }) if password => {
            lines.push(if before == username {
                format!("The saved password for {username} is replaced")
            } else {
                format!("The saved password for {before} is replaced by one for {username}")
            })
        }
        (_, OciAuth::Keychain { username }) if password => lines.push(format!(
            "A password for {username} is saved in the keychain"
        )),
        (OciAuth::Keychain { username }, OciAuth::Anonymous | OciAuth::DockerLogin) => lines.push(
            format!("The saved password for {username} is deleted from the keychain"),
        ),
        _ => {}
    }
    lines
}

/// The native question for updating `entry` by `changes` (from [`changes`]).
pub(crate) fn question(entry: &RegistryEntry, changes: &[String]) -> Question {
    let unencrypted = changes
        .iter()
        .any(|line| line.starts_with("Connection:") && line.ends_with("plain HTTP, unencrypted"));
    let warning = if unencrypted {
        "\n\nOver plain HTTP, anyone on the network between you and the registry can read the images and the credentials sent, and change what you pull."
    } else {
        ""
    };
    Question {
        title: format!("Update {}?", entry.name),
        detail: format!(
            "{} is already in the list. Adding it again changes:\n{}{warning}",
            registry_place(entry),
            changes
                .iter()
                .map(|l| format!("  {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        yes: "Update".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oci(address: &str, auth: OciAuth, insecure: bool, ca: Option<&str>) -> RegistryKind {
        RegistryKind::Oci {
            address: address.into(),
            auth,
            insecure,
            ca_pem: ca.map(str::to_owned),
        }
    }

    fn keychain(user: &str) -> OciAuth {
        OciAuth::Keychain {
            username: user.into(),
        }
    }

    #[test]
    fn the_same_settings_change_nothing() {
        let kind = oci("registry.example.com", OciAuth::Anonymous, false, None);
        assert!(changes(&kind, &kind, false).is_empty());
    }

    #[test]
    fn https_to_plain_http_is_named_and_warned_about() {
        let old = oci("registry.example.com", OciAuth::DockerLogin, false, None);
        let new = oci("registry.example.com", OciAuth::DockerLogin, true, None);
        let lines = changes(&old, &new, false);
        assert_eq!(lines, ["Connection: HTTPS → plain HTTP, unencrypted"]);
        let entry = RegistryEntry {
            id: "oci:registry.example.com".into(),
            name: "Work".into(),
            kind: old,
        };
        let asked = question(&entry, &lines);
        assert_eq!(asked.title, "Update Work?");
        assert!(asked
            .detail
            .starts_with("Work (registry.example.com) is already in the list."));
        assert!(
            asked.detail.contains("anyone on the network"),
            "{}",
            asked.detail
        );
    }

    #[test]
    fn sign_in_ca_and_password_changes_are_each_a_line() {
        let old = oci("registry.example.com", keychain("ann"), false, Some("A"));
        let new = oci("registry.example.com", keychain("ann"), false, Some("B"));
        assert_eq!(
            changes(&old, &new, true),
            [
                "Connection: its own CA is replaced by another certificate",
                "The saved password for ann is replaced"
            ]
        );
        let new = oci("registry.example.com", keychain("bob"), false, Some("A"));
        assert_eq!(
            changes(&old, &new, true),
            [
                "Sign-in: password as ann → password as bob",
                "The saved password for ann is replaced by one for bob"
            ]
        );
        let new = oci("registry.example.com", OciAuth::Anonymous, false, None);
        assert_eq!(
            changes(&old, &new, false),
            [
                "Connection: HTTPS, trusting its own CA → HTTPS",
                "Sign-in: password as ann → anonymous",
                "The saved password for ann is deleted from the keychain"
            ]
        );
    }

    #[test]
    fn loopback_is_plain_http_unless_https_is_given() {
        let old = oci("127.0.0.1:5000", OciAuth::Anonymous, false, None);
        let new = oci("https://127.0.0.1:5000", OciAuth::Anonymous, false, None);
        assert_eq!(
            changes(&old, &new, false),
            ["Connection: plain HTTP on this machine → HTTPS"]
        );
    }
}
