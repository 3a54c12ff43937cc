//! The ECR API's proxy, by the same rule as the registry client's: the environment's
//! (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, with `NO_PROXY`) and, on macOS and Windows, the
//! system's proxy settings — all an app started from the Dock or the Start menu has, since it
//! inherits no shell environment. hyper-util's matcher reads both; the SDK's default client reads
//! only the environment, so when a proxy applies the client is built here with it.

use aws_sdk_ecr::config::SharedHttpClient;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_http_client::Connector;
use hyper_util::client::proxy::matcher::Matcher;

/// The proxy `endpoint` (the ECR API's address) is to be reached through, if any: the proxy's
/// address and its user and password, as the environment or the system names them.
pub(crate) fn proxy_for(endpoint: &str) -> Option<ProxyConfig> {
    let uri: http::Uri = endpoint.parse().ok()?;
    let intercept = Matcher::from_system().intercept(&uri)?;
    let mut config = ProxyConfig::all(intercept.uri().clone()).ok()?;
    if let Some((user, password)) = intercept.raw_auth() {
        config = config.with_basic_auth(user, password);
    }
    // The credential providers' own hosts (SSO, STS) share the client: the bypass list stays.
    if let Some(rules) = ["NO_PROXY", "no_proxy"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
    {
        config = config.no_proxy(rules);
    }
    Some(config)
}

/// An HTTPS client like the SDK's default (rustls, the platform's roots), through `proxy`.
pub(crate) fn http_client(proxy: ProxyConfig) -> SharedHttpClient {
    aws_smithy_http_client::Builder::new().build_with_connector_fn(move |settings, components| {
        let mut builder = Connector::builder().proxy_config(proxy.clone());
        builder.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            builder.set_sleep_impl(components.sleep_impl());
        }
        builder
            .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
            .build()
    })
}

/// Where the SDK will send ECR API calls for `region`: an explicit endpoint, the environment's
/// (`AWS_ENDPOINT_URL_ECR`, then `AWS_ENDPOINT_URL`), else the regional one.
pub(crate) fn api_endpoint(explicit: Option<&str>, region: &str) -> String {
    explicit
        .map(str::to_owned)
        .or_else(|| {
            ["AWS_ENDPOINT_URL_ECR", "AWS_ENDPOINT_URL"]
                .iter()
                .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        })
        .unwrap_or_else(|| format!("https://api.ecr.{region}.amazonaws.com"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // The only test of this binary that sets proxy variables (they are the process's).
    #[test]
    fn a_proxy_applies_unless_no_proxy_names_the_host() {
        for key in [
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "https_proxy",
            "ALL_PROXY",
            "all_proxy",
            "NO_PROXY",
            "no_proxy",
        ] {
            std::env::remove_var(key);
        }
        // No proxy anywhere (on Linux the system has no other settings): the SDK's own client.
        if cfg!(target_os = "linux") {
            assert!(proxy_for("https://api.ecr.eu-west-1.amazonaws.com").is_none());
        }
        std::env::set_var("HTTPS_PROXY", "http://user:secret@127.0.0.1:3128");
        let proxied = format!("{:?}", proxy_for("https://api.ecr.eu-west-1.amazonaws.com"));
        assert!(proxied.contains("127.0.0.1:3128"), "{proxied}");
        std::env::set_var("NO_PROXY", ".amazonaws.com");
        assert!(proxy_for("https://api.ecr.eu-west-1.amazonaws.com").is_none());
        assert!(proxy_for("not a url").is_none());
        for key in ["HTTPS_PROXY", "NO_PROXY"] {
            std::env::remove_var(key);
        }
    }

    #[test]
    fn the_regional_endpoint_unless_one_is_given() {
        assert_eq!(
            api_endpoint(Some("http://127.0.0.1:5000"), "eu-west-1"),
            "http://127.0.0.1:5000"
        );
        if std::env::var_os("AWS_ENDPOINT_URL_ECR").is_none()
            && std::env::var_os("AWS_ENDPOINT_URL").is_none()
        {
            assert_eq!(
                api_endpoint(None, "eu-west-1"),
                "https://api.ecr.eu-west-1.amazonaws.com"
            );
        }
    }
}
