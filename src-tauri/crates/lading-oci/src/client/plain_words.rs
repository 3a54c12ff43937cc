//! A failed connection in words a user can act on. The HTTP stack reports a chain of library
//! messages ("client error (Connect): tcp connect error: Connection refused (os error 111)"); the
//! user needs what happened and what to check. The chain is kept as the error's detail.

use crate::OciError;

/// What the chain of a failed request says happened, from the library's own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    Refused,
    NameNotFound,
    NoRoute,
    Reset,
    ConnectTimeout,
    /// A TLS hello answered by plain HTTP.
    PlainHttp,
    Certificate(CertificateProblem),
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CertificateProblem {
    UnknownIssuer,
    Expired,
    WrongName,
    Other,
}

/// Reads the library chain (any case): rustls, hyper and the OS each word their part.
pub(crate) fn classify(chain: &str, connect_timeout: bool) -> Failure {
    let text = chain.to_ascii_lowercase();
    let has = |needle: &str| text.contains(needle);
    if has("invalidcontenttype") || has("corrupt message") || has("wrong version number") {
        Failure::PlainHttp
    } else if has("certificate") {
        Failure::Certificate(
            if has("unknownissuer")
                || has("unknown issuer")
                || has("self-signed")
                || has("self signed")
            {
                CertificateProblem::UnknownIssuer
            } else if has("expired") || has("notvalidyet") {
                CertificateProblem::Expired
            } else if has("notvalidforname")
                || has("not valid for name")
                || has("hostname mismatch")
            {
                CertificateProblem::WrongName
            } else {
                CertificateProblem::Other
            },
        )
    } else if has("connection refused") {
        Failure::Refused
    } else if has("dns error")
        || has("failed to lookup address")
        || has("name or service not known")
        || has("no such host")
        || has("nodename nor servname")
    {
        Failure::NameNotFound
    } else if has("network is unreachable") || has("no route to host") || has("host is unreachable")
    {
        Failure::NoRoute
    } else if has("connection reset")
        || has("broken pipe")
        || has("connection closed before message completed")
    {
        Failure::Reset
    } else if connect_timeout {
        Failure::ConnectTimeout
    } else {
        Failure::Other
    }
}

/// The error for a request to `registry` that failed as `chain` says.
pub(crate) fn transport_error(registry: &str, chain: String, connect_timeout: bool) -> OciError {
    let host = registry.rsplit_once(':').map_or(registry, |(host, _)| host);
    match classify(&chain, connect_timeout) {
        Failure::PlainHttp => OciError::PlainHttp {
            registry: registry.to_owned(),
            detail: chain,
        },
        Failure::Certificate(problem) => OciError::Certificate {
            registry: registry.to_owned(),
            reason: certificate_reason(problem, Some(host)),
            detail: chain,
        },
        failure => OciError::Unreachable {
            registry: registry.to_owned(),
            reason: unreachable_reason(failure, Some(host)),
            detail: chain,
        },
    }
}

/// Why a connection to a service other than a registry (the ECR API) failed, in the same words:
/// whoever calls it names the service.
pub fn connection_failure_reason(chain: &str, connect_timeout: bool) -> String {
    match classify(chain, connect_timeout) {
        Failure::PlainHttp => {
            "it answers in plain HTTP, not HTTPS: check the endpoint's address (http:// or https://)".to_owned()
        }
        Failure::Certificate(problem) => {
            format!("its certificate is not trusted: {}", certificate_reason(problem, None))
        }
        failure => unreachable_reason(failure, None),
    }
}

fn certificate_reason(problem: CertificateProblem, host: Option<&str>) -> String {
    match problem {
        CertificateProblem::UnknownIssuer => "it is signed by an authority this computer does not trust (a private CA, or self-signed)".to_owned(),
        CertificateProblem::Expired => "it has expired, or is not valid yet (check this computer's clock too)".to_owned(),
        CertificateProblem::WrongName => match host {
            Some(host) => format!("it is not issued for {host}"),
            None => "it is issued for another name".to_owned(),
        },
        CertificateProblem::Other => "it cannot be verified".to_owned(),
    }
}

fn unreachable_reason(failure: Failure, host: Option<&str>) -> String {
    match failure {
        Failure::Refused => "nothing answers there (connection refused). Is the registry running, and is the port right?".to_owned(),
        Failure::NameNotFound => format!(
            "the name {} cannot be found (DNS). Check the address, and the network or VPN it is on",
            host.unwrap_or("of its host")
        ),
        Failure::NoRoute => "there is no route to it (network unreachable). Check the network, VPN or firewall".to_owned(),
        Failure::Reset => "the connection was cut before an answer came (reset). A proxy or firewall may be in the way; trying again may work".to_owned(),
        Failure::ConnectTimeout => "it did not answer the connection in time. The host may be down, or a firewall may be dropping the traffic".to_owned(),
        Failure::PlainHttp | Failure::Certificate(_) | Failure::Other => "the connection failed".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_chains_as_this_machine_words_them() {
        // The chains below are what reqwest/hyper/rustls printed here (the tests in
        // tests/plain_errors.rs produce them against real servers).
        for (chain, expected) in [
            ("error sending request: client error (Connect): tcp connect error: Connection refused (os error 111)", Failure::Refused),
            ("error sending request: client error (Connect): dns error: failed to lookup address information: Name or service not known", Failure::NameNotFound),
            ("error sending request: client error (Connect): received corrupt message of type InvalidContentType", Failure::PlainHttp),
            ("error sending request: client error (Connect): invalid peer certificate: UnknownIssuer", Failure::Certificate(CertificateProblem::UnknownIssuer)),
            ("invalid peer certificate: Expired", Failure::Certificate(CertificateProblem::Expired)),
            ("invalid peer certificate: NotValidForNameContext { expected: \"a\", presented: [] }", Failure::Certificate(CertificateProblem::WrongName)),
            ("tcp connect error: Network is unreachable (os error 101)", Failure::NoRoute),
            ("connection error: Connection reset by peer (os error 104)", Failure::Reset),
            ("client error (Connect): operation timed out", Failure::Other),
        ] {
            assert_eq!(classify(chain, false), expected, "{chain}");
        }
        assert_eq!(
            classify("client error (Connect): operation timed out", true),
            Failure::ConnectTimeout
        );
    }

    #[test]
    fn another_service_is_worded_without_a_host() {
        // The AWS SDK's chain for a DNS failure does not name the host; the caller names the service.
        let dns = "dispatch failure: io error: client error (Connect): dns error: failed to lookup address information: Name or service not known";
        assert_eq!(
            connection_failure_reason(dns, false),
            "the name of its host cannot be found (DNS). Check the address, and the network or VPN it is on"
        );
        assert!(connection_failure_reason(
            "received corrupt message of type InvalidContentType",
            false
        )
        .starts_with("it answers in plain HTTP"));
    }
}
