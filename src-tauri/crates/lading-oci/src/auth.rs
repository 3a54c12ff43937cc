//! `WWW-Authenticate` challenges and the tokens they lead to.

use std::collections::HashMap;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Challenge {
    Basic,
    Bearer {
        realm: String,
        service: Option<String>,
        scope: Option<String>,
    },
}

/// Parses the first challenge we can answer from a `WWW-Authenticate` value.
pub(crate) fn parse_challenge(header: &str) -> Option<Challenge> {
    let header = header.trim();
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    match scheme.to_ascii_lowercase().as_str() {
        "basic" => Some(Challenge::Basic),
        "bearer" => {
            let params = parse_params(rest);
            Some(Challenge::Bearer {
                realm: params.get("realm")?.clone(),
                service: params.get("service").cloned(),
                scope: params.get("scope").cloned(),
            })
        }
        _ => None,
    }
}

/// `key="value", key2=value2` with quoted values that may contain commas.
fn parse_params(input: &str) -> HashMap<String, String> {
    let mut params = HashMap::new();
    let mut chars = input.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
        if key.is_empty() {
            break;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            value = chars.by_ref().take_while(|c| *c != ',').collect();
        }
        params.insert(key.trim().to_ascii_lowercase(), value.trim().to_owned());
    }
    params
}

/// Whether a bearer realm may be asked for a token (with our basic credentials, if `with_basic`)
/// on behalf of `registry`; `Err` says what is refused and why. The realm is the server's to name,
/// so it could point our credentials anywhere (containerd CVE-2020-15157, oras-go
/// GHSA-xf85-363p-868w).
pub(crate) fn check_realm(
    registry: &url::Url,
    realm: &url::Url,
    with_basic: bool,
) -> Result<(), String> {
    let shown = format!(
        "{}://{}",
        realm.scheme(),
        realm.host_str().unwrap_or_default()
    );
    if registry.scheme() == "https" && realm.scheme() != "https" {
        return Err(format!(
            "the token service {shown} is not https while the registry is"
        ));
    }
    let internal = |u: &url::Url| match u.host() {
        Some(url::Host::Domain(d)) => {
            d == "localhost" || d.ends_with(".localhost") || d == "metadata.google.internal"
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_link_local() || ip.is_unspecified(),
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback()
                || ip.is_unspecified()
                || (ip.segments()[0] & 0xffc0) == 0xfe80
                || ip.segments() == [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254]
        }
        None => true,
    };
    if internal(realm) && !internal(registry) {
        return Err(format!(
            "the token service {shown} is on this machine or its link-local network, the registry is not"
        ));
    }
    let same_host = realm.host_str() == registry.host_str();
    if with_basic
        && realm.scheme() != "https"
        && !(registry.scheme() == "http" && (same_host || internal(registry)))
    {
        return Err(format!(
            "it would send the password in the clear to {shown}"
        ));
    }
    Ok(())
}

/// Bearer tokens by scope, kept until shortly before they expire.
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    tokens: HashMap<String, (lading_secrets::Secret, Instant)>,
}

impl TokenCache {
    pub(crate) fn get(&self, scope: &str) -> Option<lading_secrets::Secret> {
        self.tokens
            .get(scope)
            .filter(|(_, expires)| Instant::now() < *expires)
            .map(|(token, _)| token.clone())
    }

    pub(crate) fn insert(
        &mut self,
        scope: String,
        token: lading_secrets::Secret,
        lifetime: Duration,
    ) {
        // Refresh a little early so a request never starts with a token about to lapse.
        let margin = Duration::from_secs(10).min(lifetime / 2);
        self.tokens
            .insert(scope, (token, Instant::now() + lifetime - margin));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn realms_keep_credentials_home() {
        let url = |s: &str| url::Url::parse(s).unwrap();
        let ok = |r: &str, realm: &str, basic: bool| check_realm(&url(r), &url(realm), basic);
        assert!(ok(
            "https://reg.example.com",
            "https://auth.example.com/token",
            true
        )
        .is_ok());
        assert!(ok("http://127.0.0.1:5000", "http://127.0.0.1:5001/token", true).is_ok());
        assert!(ok("http://reg.lan:5000", "http://reg.lan:5001/token", true).is_ok());
        let refused = [
            (
                "https://reg.example.com",
                "http://auth.example.com/token",
                false,
            ),
            ("https://reg.example.com", "https://127.0.0.1/token", false),
            (
                "https://reg.example.com",
                "https://169.254.169.254/latest",
                false,
            ),
            ("https://reg.example.com", "https://[fd00:ec2::254]/", false),
            ("https://reg.example.com", "https://localhost/token", true),
            ("http://reg.lan:5000", "http://auth.elsewhere/token", true),
        ];
        for (registry, realm, basic) in refused {
            let why = ok(registry, realm, basic).expect_err(realm);
            assert!(!why.is_empty());
        }
        // Anonymous tokens over plain HTTP for a plain-HTTP registry carry no secret.
        assert!(ok("http://reg.lan:5000", "http://auth.elsewhere/token", false).is_ok());
    }

    #[test]
    fn parses_bearer_and_basic_challenges() {
        let c = parse_challenge(
            r#"Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push""#,
        )
        .unwrap();
        assert_eq!(
            c,
            Challenge::Bearer {
                realm: "https://auth.example.com/token".into(),
                service: Some("registry.example.com".into()),
                scope: Some("repository:a/b:pull,push".into()),
            }
        );
        assert_eq!(
            parse_challenge(r#"Basic realm="Registry Realm""#),
            Some(Challenge::Basic)
        );
        assert_eq!(parse_challenge("Negotiate abc"), None);
        assert_eq!(
            parse_challenge("Bearer service=x"),
            None,
            "a bearer challenge needs a realm"
        );
    }
}
