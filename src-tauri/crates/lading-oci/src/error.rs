use thiserror::Error;

/// One error code of a registry's JSON error body (`{"errors":[{"code":…,"message":…}]}`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct RegistryErrorDetail {
    pub code: String,
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Error)]
pub enum OciError {
    #[error("invalid image reference {input:?}: {reason}")]
    InvalidReference { input: String, reason: &'static str },
    #[error("invalid registry address {input:?}: {reason}")]
    InvalidRegistry { input: String, reason: String },
    #[error("{registry} needs credentials (it answered 401 Unauthorized). Give a username and a password or access token for it (the CLI: lading login); some registries also answer this for a repository that does not exist")]
    AuthRequired { registry: String },
    #[error("{registry} rejected the credentials for {username:?}. Check the username and the password or token: a token may have expired, been revoked, or lack the scope for this")]
    Unauthorized { registry: String, username: String },
    #[error("{registry} denied access to {what} (403 Forbidden). The account signed in may lack the right for it (pull, push or delete), or the registry only allows it from some networks")]
    Denied { registry: String, what: String },
    /// `hint` says what the registry's error code adds (no such repository, or no such tag).
    #[error("{what} was not found on {registry}{hint}")]
    NotFound {
        registry: String,
        what: String,
        hint: String,
    },
    #[error("{registry} answered {status} for {url}: {}", summary(.details))]
    Registry {
        registry: String,
        url: String,
        status: u16,
        details: Vec<RegistryErrorDetail>,
    },
    /// `reason` in plain words; `detail` the HTTP stack's own chain (may be empty).
    #[error("cannot reach {registry}: {}", printable(.reason))]
    Unreachable {
        registry: String,
        reason: String,
        detail: String,
    },
    /// HTTPS was asked, the registry answered in plain HTTP.
    #[error("{registry} answers in plain HTTP, not HTTPS. If it has no TLS, tick Plain HTTP for it (the CLI: --insecure or an http:// address)")]
    PlainHttp { registry: String, detail: String },
    #[error("the certificate of {registry} is not trusted: {reason}. If you trust it, give its CA certificate in the registry's settings (the CLI: --ca-file)")]
    Certificate {
        registry: String,
        reason: String,
        detail: String,
    },
    #[error("{registry} is not an OCI registry: {reason}")]
    NotARegistry { registry: String, reason: String },
    #[error("unexpected answer from {registry}: {}", printable(.reason))]
    Protocol { registry: String, reason: String },
    #[error("invalid manifest: {}", printable(.0))]
    InvalidManifest(String),
    #[error("invalid platform {0:?}: expected os/arch or os/arch/variant, e.g. linux/amd64")]
    InvalidPlatform(String),
    #[error("digest mismatch for {what}: expected {expected}, got {actual}")]
    DigestMismatch {
        what: String,
        expected: String,
        actual: String,
    },
    #[error("{}", printable(.0))]
    Io(String),
    #[error("{path}: {}", printable(.reason))]
    InvalidSource { path: String, reason: String },
    /// A compressed archive would not fit, decompressed, in the data folder.
    #[error("not enough space in {dir} to decompress {path}: {reason}")]
    NoSpace {
        path: String,
        dir: String,
        reason: String,
    },
    #[error("cancelled")]
    Cancelled,
    #[error("{registry} cannot remove a tag on its own (it answered {status}); delete the image instead, which removes every tag on it")]
    TagDeletionUnsupported { registry: String, status: u16 },
    #[error("{registry} asks us to slow down (429 Too Many Requests){}. Anonymous pulls are limited per address; signing in usually raises the limit", if .detail.is_empty() { String::new() } else { format!(": {}", .detail) })]
    RateLimited { registry: String, detail: String },
    /// The registry pointed us somewhere we will not go, or not with credentials.
    #[error("refused for {registry}: {reason}")]
    Refused { registry: String, reason: String },
}

/// Text from outside (a server's message, a parser's complaint quoting its input) fit for one
/// line of an error: control characters become spaces, and it stops where undecodable bytes
/// begin or after 300 characters.
pub fn printable(text: &str) -> String {
    const MAX: usize = 300;
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if c == char::REPLACEMENT_CHARACTER || n == MAX {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

fn summary(details: &[RegistryErrorDetail]) -> String {
    if details.is_empty() {
        return "no error details".to_owned();
    }
    details
        .iter()
        .map(|d| {
            if d.message.is_empty() {
                printable(&d.code)
            } else {
                format!("{} ({})", printable(&d.code), printable(&d.message))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl OciError {
    /// The technical detail behind a plain-words message (the HTTP stack's chain), if any.
    pub fn detail(&self) -> Option<&str> {
        match self {
            OciError::Unreachable { detail, .. }
            | OciError::PlainHttp { detail, .. }
            | OciError::Certificate { detail, .. } => Some(detail).filter(|d| !d.is_empty()),
            _ => None,
        }
        .map(String::as_str)
    }

    /// Stable machine-readable code for the UI and `--json` output.
    pub fn code(&self) -> &'static str {
        match self {
            OciError::InvalidReference { .. } => "invalid_reference",
            OciError::InvalidRegistry { .. } => "invalid_registry",
            OciError::AuthRequired { .. } => "auth_required",
            OciError::Unauthorized { .. } => "unauthorized",
            OciError::Denied { .. } => "denied",
            OciError::NotFound { .. } => "not_found",
            OciError::Registry { .. } => "registry_error",
            OciError::Unreachable { .. } => "unreachable",
            OciError::PlainHttp { .. } => "plain_http",
            OciError::Certificate { .. } => "certificate",
            OciError::NotARegistry { .. } => "not_a_registry",
            OciError::Protocol { .. } => "protocol_error",
            OciError::InvalidManifest(_) => "invalid_manifest",
            OciError::InvalidPlatform(_) => "invalid_platform",
            OciError::DigestMismatch { .. } => "digest_mismatch",
            OciError::Io(_) => "io_error",
            OciError::InvalidSource { .. } => "invalid_source",
            OciError::NoSpace { .. } => "no_space",
            OciError::Cancelled => "cancelled",
            OciError::TagDeletionUnsupported { .. } => "untag_unsupported",
            OciError::Refused { .. } => "refused",
            OciError::RateLimited { .. } => "rate_limited",
        }
    }
}

#[cfg(test)]
mod printable_tests {
    use super::*;

    #[test]
    fn foreign_text_becomes_one_printable_line() {
        assert_eq!(printable("bad\nline\tend"), "bad line end");
        assert_eq!(printable("field: 4\u{fffd}\u{fffd}garbage"), "field: 4…");
        assert_eq!(printable(&"x".repeat(400)).chars().count(), 301);
        let e = OciError::InvalidSource {
            path: "/tmp/a.bin".into(),
            reason: "not a tar (numeric field: \u{fffd}\u{1}\u{fffd})".into(),
        };
        assert_eq!(e.to_string(), "/tmp/a.bin: not a tar (numeric field: …");
    }
}
