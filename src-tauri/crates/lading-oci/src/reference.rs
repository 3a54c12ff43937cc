//! Image references: `host[:port]/path[:tag][@digest]`, normalised the way docker does.

use std::fmt;
use std::str::FromStr;

use crate::error::OciError;

/// The registry that a reference without a host (e.g. `alpine`) names.
pub const DOCKER_HUB_REGISTRY: &str = "registry-1.docker.io";
const DEFAULT_TAG: &str = "latest";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    /// `host[:port]`, Docker Hub normalised to [`DOCKER_HUB_REGISTRY`].
    pub registry: String,
    /// Repository path, e.g. `library/alpine` or `team-a/web-app`.
    pub repository: String,
    /// Tag; `latest` when the input named neither tag nor digest.
    pub tag: Option<String>,
    /// `algorithm:hex`.
    pub digest: Option<String>,
}

impl Reference {
    /// What to ask the registry for: the digest when there is one, else the tag.
    pub fn manifest_reference(&self) -> &str {
        self.digest
            .as_deref()
            .or(self.tag.as_deref())
            .unwrap_or(DEFAULT_TAG)
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

impl FromStr for Reference {
    type Err = OciError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let bad = |reason: &'static str| OciError::InvalidReference {
            input: input.to_owned(),
            reason,
        };
        if input.is_empty() {
            return Err(bad("it is empty"));
        }
        if input.len() > 4096 || input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("it contains whitespace or control characters"));
        }

        let (name_and_tag, digest) = match input.split_once('@') {
            Some((rest, digest)) => {
                validate_digest(digest).map_err(bad)?;
                (rest, Some(digest.to_owned()))
            }
            None => (input, None),
        };

        // A ':' after the last '/' starts the tag; one before it belongs to host:port.
        let last_slash = name_and_tag.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name_and_tag[last_slash..].rfind(':') {
            Some(i) => {
                let at = last_slash + i;
                (&name_and_tag[..at], Some(&name_and_tag[at + 1..]))
            }
            None => (name_and_tag, None),
        };
        if let Some(tag) = tag {
            validate_tag(tag).map_err(bad)?;
        }

        let (registry, path) = match name.split_once('/') {
            Some((first, rest)) if looks_like_host(first) => (first.to_owned(), rest.to_owned()),
            _ => (DOCKER_HUB_REGISTRY.to_owned(), name.to_owned()),
        };
        let registry = canonical_registry(&registry);
        let repository = repository_in(&registry, &path);
        validate_repository(&repository).map_err(bad)?;

        let tag = match (tag, &digest) {
            (Some(t), _) => Some(t.to_owned()),
            (None, Some(_)) => None,
            (None, None) => Some(DEFAULT_TAG.to_owned()),
        };
        Ok(Reference {
            registry,
            repository,
            tag,
            digest,
        })
    }
}

/// The first path component is a host when it has a '.', a ':' (port) or is `localhost`,
/// exactly docker's rule; otherwise `team/app` is a Docker Hub repository.
fn looks_like_host(component: &str) -> bool {
    component.contains('.') || component.contains(':') || component == "localhost"
}

/// Docker Hub under the one name its registry API answers at (`docker.io`, `index.docker.io` and
/// `hub.docker.com` are what people write); any other host as given.
pub fn canonical_registry(host: &str) -> String {
    match host.to_ascii_lowercase().as_str() {
        "docker.io" | "index.docker.io" | "hub.docker.com" | DOCKER_HUB_REGISTRY => {
            DOCKER_HUB_REGISTRY.to_owned()
        }
        _ => host.to_owned(),
    }
}

/// A repository as `registry` names it: on Docker Hub, official images live under `library/`
/// (`nginx` is `library/nginx`).
pub fn repository_in(registry: &str, name: &str) -> String {
    if registry == DOCKER_HUB_REGISTRY && !name.contains('/') {
        format!("library/{name}")
    } else {
        name.to_owned()
    }
}

pub fn validate_repository(repository: &str) -> Result<(), &'static str> {
    if repository.is_empty() {
        return Err("the repository name is empty");
    }
    if repository.len() > 255 {
        return Err("the repository name is longer than 255 characters");
    }
    for component in repository.split('/') {
        if component.is_empty() {
            return Err("the repository name has an empty path component");
        }
        let bytes = component.as_bytes();
        let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        if !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
            return Err("each repository path component must start and end with a lowercase letter or digit");
        }
        if !bytes
            .iter()
            .all(|&b| alnum(b) || b == b'.' || b == b'_' || b == b'-')
        {
            return Err("the repository name may hold only lowercase letters, digits, '.', '_', '-' and '/'");
        }
        // Separators: one '.', one or two '_', or any run of '-'.
        let mut run = String::new();
        for &b in bytes {
            if alnum(b) {
                if !run.is_empty()
                    && run != "."
                    && run != "_"
                    && run != "__"
                    && !run.bytes().all(|c| c == b'-')
                {
                    return Err("the repository name has an invalid run of separators");
                }
                run.clear();
            } else {
                run.push(b as char);
            }
        }
    }
    Ok(())
}

/// Whether `tag` is a tag name as the distribution spec defines it (so never a digest).
pub fn validate_tag(tag: &str) -> Result<(), &'static str> {
    let bytes = tag.as_bytes();
    if bytes.is_empty() {
        return Err("the tag is empty");
    }
    if bytes.len() > 128 {
        return Err("the tag is longer than 128 characters");
    }
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    if !word(bytes[0]) {
        return Err("a tag must start with a letter, digit or '_'");
    }
    if !bytes.iter().all(|&b| word(b) || b == b'.' || b == b'-') {
        return Err("a tag may hold only letters, digits, '_', '.' and '-'");
    }
    Ok(())
}

pub fn validate_digest(digest: &str) -> Result<(), &'static str> {
    let Some((algorithm, hex)) = digest.split_once(':') else {
        return Err("a digest has the form algorithm:hex");
    };
    let expected_len = match algorithm {
        "sha256" => 64,
        "sha512" => 128,
        _ => return Err("only sha256 and sha512 digests are supported"),
    };
    if hex.len() != expected_len
        || !hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err("the digest's hex part has the wrong length or characters");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Reference {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn docker_hub_normalisation() {
        let r = parse("alpine");
        assert_eq!(r.to_string(), "registry-1.docker.io/library/alpine:latest");
        let r = parse("docker.io/bitnami/redis:7");
        assert_eq!(r.registry, DOCKER_HUB_REGISTRY);
        assert_eq!(r.repository, "bitnami/redis");
        assert_eq!(r.tag.as_deref(), Some("7"));
        assert_eq!(parse("team/app").repository, "team/app");
        for hub in [
            "docker.io",
            "index.docker.io",
            "hub.docker.com",
            "Docker.IO",
        ] {
            assert_eq!(
                parse(&format!("{hub}/nginx:1.27")).to_string(),
                "registry-1.docker.io/library/nginx:1.27"
            );
            assert_eq!(canonical_registry(hub), DOCKER_HUB_REGISTRY);
        }
        assert_eq!(canonical_registry("ghcr.io"), "ghcr.io");
        assert_eq!(repository_in(DOCKER_HUB_REGISTRY, "nginx"), "library/nginx");
        assert_eq!(
            repository_in(DOCKER_HUB_REGISTRY, "bitnami/redis"),
            "bitnami/redis"
        );
        assert_eq!(repository_in("ghcr.io", "app"), "app");
    }

    #[test]
    fn hosts_ports_tags_and_digests() {
        let d = format!("sha256:{}", "a".repeat(64));
        let r = parse(&format!("127.0.0.1:5000/team-a/web-app:v1.2@{d}"));
        assert_eq!(r.registry, "127.0.0.1:5000");
        assert_eq!(r.repository, "team-a/web-app");
        assert_eq!(r.tag.as_deref(), Some("v1.2"));
        assert_eq!(r.manifest_reference(), d);
        let r = parse(&format!("localhost/app@{d}"));
        assert_eq!(r.tag, None);
        let r = parse("localhost:5000/app");
        assert_eq!(r.registry, "localhost:5000");
        assert_eq!(r.tag.as_deref(), Some("latest"));
        let r = parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/ns/repo:1");
        assert_eq!(r.registry, "123456789012.dkr.ecr.us-east-1.amazonaws.com");
        assert_eq!(r.repository, "ns/repo");
    }

    #[test]
    fn malformed_references_are_rejected_with_a_reason() {
        for bad in [
            "",
            "Upper/Case",
            "host.io/app:",
            "host.io/app:-tag",
            "host.io//app",
            "app@sha256:abc",
            "app@md5:0123",
            "has space",
            "host.io/a..b",
            "host.io/-app",
        ] {
            let err = bad.parse::<Reference>().expect_err(bad);
            assert_eq!(err.code(), "invalid_reference", "{bad}");
        }
        assert!(parse("host.io/a__b/c-----d/e.f")
            .repository
            .contains("a__b"));
    }
}
