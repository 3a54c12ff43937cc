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
    let unreachable = |reason: String| OciError::Unreachable {
        registry: registry.to_owned(),
        reason,
        detail: chain.clone(),
    };
    match classify(&chain, connect_timeout) {
        Failure::PlainHttp => OciError::PlainHttp {
            registry: registry.to_owned(),
            detail: chain,
        },
        Failure::Certificate(problem) => OciError::Certificate {
            registry: registry.to_owned(),
            reason: match problem {
                CertificateProblem::UnknownIssuer => "it is signed by an authority this computer does not trust (a private CA, or self-signed)".to_owned(),
                CertificateProblem::Expired => "it has expired, or is not valid yet (check this computer's clock too)".to_owned(),
                CertificateProblem::WrongName => format!("it is not issued for {host}"),
                CertificateProblem::Other => "it cannot be verified".to_owned(),
            },
            detail: chain,
        },
        Failure::Refused => unreachable(
            "nothing answers there (connection refused). Is the registry running, and is the port right?".to_owned(),
        ),
        Failure::NameNotFound => unreachable(format!(
            "the name {host} cannot be found (DNS). Check the address, and the network or VPN it is on"
        )),
        Failure::NoRoute => unreachable(
            "there is no route to it (network unreachable). Check the network, VPN or firewall".to_owned(),
        ),
        Failure::Reset => unreachable(
            "the connection was cut before an answer came (reset). A proxy or firewall may be in the way; trying again may work".to_owned(),
        ),
        Failure::ConnectTimeout => unreachable(
            "it did not answer the connection in time. The host may be down, or a firewall may be dropping the traffic".to_owned(),
        ),
        Failure::Other => unreachable("the connection failed".to_owned()),
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
}
