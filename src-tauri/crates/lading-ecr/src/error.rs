use aws_sdk_ecr::error::{ProvideErrorMetadata, SdkError};

#[derive(Debug, thiserror::Error)]
pub enum EcrError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("the policy is not valid: {}", .0.iter().map(|i| i.to_string()).collect::<Vec<_>>().join("; "))]
    InvalidPolicy(Vec<crate::lifecycle::PolicyIssue>),
    #[error("{0}")]
    RepositoryNotFound(String),
    #[error("{0}")]
    RepositoryAlreadyExists(String),
    #[error("{0}")]
    RepositoryNotEmpty(String),
    #[error("image not found: {0}")]
    ImageNotFound(String),
    #[error("access denied: {0}")]
    AccessDenied(String),
    #[error("AWS credentials are missing or invalid: {0}")]
    Credentials(String),
    /// `reason` in plain words; `detail` the SDK's own chain.
    #[error("cannot reach the ECR API: {reason}")]
    Unreachable { reason: String, detail: String },
    #[error("ECR error {code}: {message}")]
    Service { code: String, message: String },
    #[error("unexpected ECR response: {0}")]
    Unexpected(String),
}

impl EcrError {
    /// What the SDK said, where the message is the plain-words version.
    pub fn detail(&self) -> Option<&str> {
        match self {
            EcrError::Unreachable { detail, .. } if !detail.is_empty() => Some(detail),
            _ => None,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            EcrError::InvalidInput(_) => "invalid_input",
            EcrError::InvalidPolicy(_) => "invalid_policy",
            EcrError::RepositoryNotFound(_) => "repository_not_found",
            EcrError::RepositoryAlreadyExists(_) => "repository_exists",
            EcrError::RepositoryNotEmpty(_) => "repository_not_empty",
            EcrError::AccessDenied(_) => "access_denied",
            EcrError::ImageNotFound(_) => "image_not_found",
            EcrError::Credentials(_) => "aws_credentials",
            EcrError::Unreachable { .. } => "unreachable",
            EcrError::Service { .. } => "ecr_error",
            EcrError::Unexpected(_) => "unexpected",
        }
    }

    pub(crate) fn from_sdk<E>(err: SdkError<E, aws_sdk_ecr::config::http::HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        match &err {
            SdkError::ServiceError(service) => {
                let e = service.err();
                let message = e.message().unwrap_or_default().to_owned();
                match e.code().unwrap_or_default() {
                    "RepositoryNotFoundException" => EcrError::RepositoryNotFound(message),
                    "RepositoryAlreadyExistsException" => {
                        EcrError::RepositoryAlreadyExists(message)
                    }
                    "RepositoryNotEmptyException" => EcrError::RepositoryNotEmpty(message),
                    "AccessDeniedException" => EcrError::AccessDenied(message),
                    "ImageNotFoundException" => EcrError::ImageNotFound(message),
                    "UnrecognizedClientException"
                    | "InvalidSignatureException"
                    | "ExpiredTokenException" => EcrError::Credentials(message),
                    // An endpoint that answers an error without naming it (a proxy, an emulator
                    // without the operation): its HTTP status is all there is to say.
                    "" if message.is_empty() => EcrError::Service {
                        code: format!("HTTP {}", service.raw().status().as_u16()),
                        message: "the answer gave no reason".to_owned(),
                    },
                    code => EcrError::Service {
                        code: code.to_owned(),
                        message,
                    },
                }
            }
            // Credentials are resolved while dispatching, so a missing SSO token or bad profile
            // arrives here too; tell it apart from a network failure by its type.
            SdkError::DispatchFailure(d)
                if d.as_connector_error()
                    .is_some_and(|c| is_credentials_failure(c)) =>
            {
                EcrError::Credentials(error_chain(&err))
            }
            SdkError::DispatchFailure(d) => {
                let detail = error_chain(&err);
                EcrError::Unreachable {
                    reason: lading_oci::client::connection_failure_reason(&detail, d.is_timeout()),
                    detail,
                }
            }
            SdkError::TimeoutError(_) => EcrError::Unreachable {
                reason: "it did not answer in time. The network may be slow, or a firewall may be dropping the traffic; trying again may work".to_owned(),
                detail: error_chain(&err),
            },
            SdkError::ConstructionFailure(_) => EcrError::Credentials(error_chain(&err)),
            _ => EcrError::Unexpected(error_chain(&err)),
        }
    }
}

fn is_credentials_failure(err: &(dyn std::error::Error + 'static)) -> bool {
    use aws_credential_types::provider::error::{CredentialsError, TokenError};
    let mut current = Some(err);
    while let Some(e) = current {
        if e.is::<CredentialsError>() || e.is::<TokenError>() {
            return true;
        }
        current = e.source();
    }
    false
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
