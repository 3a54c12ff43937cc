//! The one error every service returns, and what reaches the UI: `{code, message}` — a code to
//! branch on (an enum, serialised as a snake_case string) and a sentence for people. Engine
//! errors are mapped here, once, variant by variant, so a new engine error cannot slip through
//! without a code.

use serde::Serialize;
use ts_rs::TS;

/// Defines [`Code`] and its spelling together, so the two cannot drift apart.
macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// Every error code the UI can receive.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, TS)]
        #[ts(rename = "ErrorCode")]
        pub enum Code {
            $($(#[$doc])* #[serde(rename = $name)] $variant,)*
        }

        impl Code {
            /// The code as the UI and `--json` output spell it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }
        }
    };
}

codes! {
    InvalidRegistry = "invalid_registry",
    InvalidReference = "invalid_reference",
    InvalidAuth = "invalid_auth",
    InvalidCa = "invalid_ca",
    InvalidCompression = "invalid_compression",
    InvalidFormat = "invalid_format",
    InvalidKind = "invalid_kind",
    InvalidPath = "invalid_path",
    InvalidPlatform = "invalid_platform",
    InvalidPolicy = "invalid_policy",
    InvalidProfile = "invalid_profile",
    InvalidSource = "invalid_source",
    InvalidTags = "invalid_tags",
    InvalidInput = "invalid_input",
    MissingUsername = "missing_username",
    MissingPassword = "missing_password",
    UnknownRegistry = "unknown_registry",
    UnknownAccount = "unknown_account",
    UnknownSource = "unknown_source",
    UnknownImage = "unknown_image",
    UnknownTransfer = "unknown_transfer",
    /// The user said no to the native question (or another one was open); nothing changed.
    Declined = "declined",
    DryRunNeeded = "dry_run_needed",
    AuthRequired = "auth_required",
    Unauthorized = "unauthorized",
    Denied = "denied",
    NotFound = "not_found",
    RegistryError = "registry_error",
    Unreachable = "unreachable",
    /// HTTPS asked, plain HTTP answered: the registry wants Plain HTTP ticked.
    PlainHttp = "plain_http",
    /// The registry's certificate is not trusted (unknown issuer, expired, another name).
    Certificate = "certificate",
    NotARegistry = "not_a_registry",
    ProtocolError = "protocol_error",
    InvalidManifest = "invalid_manifest",
    DigestMismatch = "digest_mismatch",
    UntagUnsupported = "untag_unsupported",
    NotAnImage = "not_an_image",
    NotSupported = "not_supported",
    Refused = "refused",
    RateLimited = "rate_limited",
    NoSpace = "no_space",
    RepositoryNotFound = "repository_not_found",
    RepositoryExists = "repository_exists",
    RepositoryNotEmpty = "repository_not_empty",
    AccessDenied = "access_denied",
    ImageNotFound = "image_not_found",
    AwsCredentials = "aws_credentials",
    EcrError = "ecr_error",
    AwsCliMissing = "aws_cli_missing",
    SsoLoginFailed = "sso_login_failed",
    SsoLoginTimeout = "sso_login_timeout",
    NotSignedIn = "not_signed_in",
    DuplicateRegistry = "duplicate_registry",
    SettingsTooNew = "settings_too_new",
    SettingsWriteFailed = "settings_write_failed",
    SecretNotFound = "secret_not_found",
    KeychainUnavailable = "keychain_unavailable",
    KeychainError = "keychain_error",
    IoError = "io_error",
    Cancelled = "cancelled",
    ListingSuperseded = "listing_superseded",
    TransferFailed = "transfer_failed",
    DialogFailed = "dialog_failed",
    Unexpected = "unexpected",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Compares with the spelling the UI receives (`err.code == "not_found"` in tests).
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A service's error, as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(rename = "IpcError")]
pub struct Error {
    pub code: Code,
    pub message: String,
    /// What the libraries said, for whoever wants it (shown one click away): the message is
    /// the plain-words version.
    pub detail: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            detail: None,
        }
    }

    pub fn with_detail(mut self, detail: Option<String>) -> Self {
        self.detail = detail;
        self
    }
}

impl From<&lading_oci::OciError> for Code {
    fn from(e: &lading_oci::OciError) -> Self {
        use lading_oci::OciError as E;
        match e {
            E::InvalidReference { .. } => Code::InvalidReference,
            E::InvalidRegistry { .. } => Code::InvalidRegistry,
            E::AuthRequired { .. } => Code::AuthRequired,
            E::Unauthorized { .. } => Code::Unauthorized,
            E::Denied { .. } => Code::Denied,
            E::NotFound { .. } => Code::NotFound,
            E::Registry { .. } => Code::RegistryError,
            E::Unreachable { .. } => Code::Unreachable,
            E::PlainHttp { .. } => Code::PlainHttp,
            E::Certificate { .. } => Code::Certificate,
            E::NotARegistry { .. } => Code::NotARegistry,
            E::Protocol { .. } => Code::ProtocolError,
            E::InvalidManifest(_) => Code::InvalidManifest,
            E::InvalidPlatform(_) => Code::InvalidPlatform,
            E::DigestMismatch { .. } => Code::DigestMismatch,
            E::Io(_) => Code::IoError,
            E::InvalidSource { .. } => Code::InvalidSource,
            E::Cancelled => Code::Cancelled,
            E::TagDeletionUnsupported { .. } => Code::UntagUnsupported,
            E::Refused { .. } => Code::Refused,
            E::RateLimited { .. } => Code::RateLimited,
            E::NoSpace { .. } => Code::NoSpace,
        }
    }
}

impl From<&lading_ecr::EcrError> for Code {
    fn from(e: &lading_ecr::EcrError) -> Self {
        use lading_ecr::EcrError as E;
        match e {
            E::InvalidInput(_) => Code::InvalidInput,
            E::InvalidPolicy(_) => Code::InvalidPolicy,
            E::RepositoryNotFound(_) => Code::RepositoryNotFound,
            E::RepositoryAlreadyExists(_) => Code::RepositoryExists,
            E::RepositoryNotEmpty(_) => Code::RepositoryNotEmpty,
            E::AccessDenied(_) => Code::AccessDenied,
            E::ImageNotFound(_) => Code::ImageNotFound,
            E::Credentials(_) => Code::AwsCredentials,
            E::Unreachable { .. } => Code::Unreachable,
            E::Service { .. } => Code::EcrError,
            E::Unexpected(_) => Code::Unexpected,
        }
    }
}

impl From<&lading_config::ConfigError> for Code {
    fn from(e: &lading_config::ConfigError) -> Self {
        use lading_config::ConfigError as E;
        match e {
            E::Duplicate(_) => Code::DuplicateRegistry,
            E::UnknownRegistry(_) => Code::UnknownRegistry,
            E::NewerVersion { .. } => Code::SettingsTooNew,
            E::Write { .. } => Code::SettingsWriteFailed,
        }
    }
}

impl From<&lading_secrets::SecretsError> for Code {
    fn from(e: &lading_secrets::SecretsError) -> Self {
        use lading_secrets::SecretsError as E;
        match e {
            E::NotFound { .. } => Code::SecretNotFound,
            E::Unavailable(_) => Code::KeychainUnavailable,
            E::Keychain(_) => Code::KeychainError,
        }
    }
}

macro_rules! from_engine {
    ($($engine:ty),*) => {$(
        impl From<$engine> for Error {
            fn from(e: $engine) -> Self {
                Self::new(Code::from(&e), e.to_string())
            }
        }
    )*};
}
impl From<lading_oci::OciError> for Error {
    fn from(e: lading_oci::OciError) -> Self {
        Self::new(Code::from(&e), e.to_string()).with_detail(e.detail().map(str::to_owned))
    }
}

impl From<lading_ecr::EcrError> for Error {
    fn from(e: lading_ecr::EcrError) -> Self {
        Self::new(Code::from(&e), e.to_string()).with_detail(e.detail().map(str::to_owned))
    }
}

from_engine!(lading_config::ConfigError, lading_secrets::SecretsError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_as_the_engine_spells_them() {
        let oci = [
            lading_oci::OciError::Cancelled,
            lading_oci::OciError::NotFound {
                registry: "r".into(),
                what: "w".into(),
                hint: String::new(),
            },
            lading_oci::OciError::TagDeletionUnsupported {
                registry: "r".into(),
                status: 405,
            },
            lading_oci::OciError::Protocol {
                registry: "r".into(),
                reason: "x".into(),
            },
        ];
        for e in &oci {
            assert_eq!(Code::from(e).as_str(), e.code());
        }
        let ecr = [
            lading_ecr::EcrError::RepositoryAlreadyExists("x".into()),
            lading_ecr::EcrError::Credentials("x".into()),
            lading_ecr::EcrError::Service {
                code: "c".into(),
                message: "m".into(),
            },
        ];
        for e in &ecr {
            assert_eq!(Code::from(e).as_str(), e.code());
        }
        let json = serde_json::to_value(Error::new(Code::DryRunNeeded, "m")).unwrap();
        assert_eq!(json["code"], "dry_run_needed");
    }
}
