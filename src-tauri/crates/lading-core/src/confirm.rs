//! Destructive commands need a confirmation token from the UI's confirm step: single-use, bound
//! to one action on one target, valid for two minutes. A page script cannot destroy anything
//! with one call, and a token for one thing never unlocks another.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::{Code, Error, Result};

const LIFETIME: Duration = Duration::from_secs(120);

/// What a confirmation about one repository (deleting it, or its policies) is bound to.
pub fn repository_target(id: &str, repository: &str) -> String {
    format!("{id}/{repository}")
}

#[derive(Default)]
pub struct Confirmations {
    pending: Mutex<HashMap<String, (String, String, Instant)>>,
}

impl Confirmations {
    pub fn issue(&self, action: &str, target: &str) -> Result<String> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| Error::new(Code::NoRandomness, e.to_string()))?;
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut pending = self.pending.lock().expect("confirmations lock");
        pending.retain(|_, (_, _, at)| at.elapsed() < LIFETIME);
        pending.insert(
            token.clone(),
            (action.to_owned(), target.to_owned(), Instant::now()),
        );
        Ok(token)
    }

    /// Consumes `token` if it was issued for exactly this action and target and has not expired.
    pub fn redeem(&self, token: Option<&str>, action: &str, target: &str) -> Result<()> {
        let refused = || {
            Error::new(Code::ConfirmationRequired, format!("{action} of {target} needs a confirmation from the dialog; nothing was changed"),
            )
        };
        let token = token.ok_or_else(refused)?;
        let mut pending = self.pending.lock().expect("confirmations lock");
        match pending.remove(token) {
            Some((a, t, at)) if a == action && t == target && at.elapsed() < LIFETIME => Ok(()),
            _ => Err(refused()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_single_use_and_bound_to_action_and_target() {
        let c = Confirmations::default();
        assert_eq!(
            c.redeem(None, "sign_out", "oci:a").unwrap_err().code,
            Code::ConfirmationRequired
        );
        let t = c.issue("sign_out", "oci:a").unwrap();
        assert_eq!(t.len(), 32);
        assert!(
            c.redeem(Some(&t), "sign_out", "oci:b").is_err(),
            "another target"
        );
        let t = c.issue("sign_out", "oci:a").unwrap();
        assert!(
            c.redeem(Some(&t), "forget_credentials", "oci:a").is_err(),
            "another action"
        );
        let t = c.issue("sign_out", "oci:a").unwrap();
        c.redeem(Some(&t), "sign_out", "oci:a").unwrap();
        assert!(
            c.redeem(Some(&t), "sign_out", "oci:a").is_err(),
            "used once only"
        );
        assert!(c.redeem(Some("guess"), "sign_out", "oci:a").is_err());
    }
}
