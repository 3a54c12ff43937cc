use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::process::{find_binary, free_port, http_get_status, ServerProcess};
use crate::token::{TokenServer, ISSUER, SERVICE};

const INSTALL_HINT: &str =
    "install Debian's docker-registry (`apt-get install docker-registry`, done by `./dev setup`), \
                            or point LADING_REGISTRY_BIN at a CNCF distribution `registry` binary";

/// Under `http:` in the registry's config: headers on every answer.
const METERED_HEADERS: &str = "  headers:\n    RateLimit-Limit: [\"100;w=21600\"]\n    RateLimit-Remaining: [\"76;w=21600\"]\n";

/// A real CNCF distribution registry (Debian's `docker-registry`) with its own temp storage.
pub struct Registry {
    process: ServerProcess,
    binary: PathBuf,
    port: u16,
    credentials: Option<(String, String)>,
    token_server: Option<TokenServer>,
    /// PEM of the CA that signed the registry's certificate, for a TLS registry.
    ca_pem: Option<String>,
    dir: tempfile::TempDir,
}

impl Registry {
    /// An anonymous registry: anyone may pull, push and delete.
    pub fn start() -> Self {
        Self::start_inner(None, None, false)
    }

    /// An anonymous registry that reports a pull limit on every answer, as Docker Hub does
    /// (`RateLimit-Limit: 100;w=21600`, `RateLimit-Remaining: 76;w=21600`): distribution's own
    /// `http.headers`.
    pub fn start_metered() -> Self {
        Self::start_configured(None, None, false, METERED_HEADERS)
    }

    /// A registry serving HTTPS with a certificate for 127.0.0.1 signed by a throwaway CA
    /// ([`Registry::ca_pem`]), as a company registry with its own CA would.
    pub fn start_tls() -> Self {
        Self::start_inner(None, None, true)
    }

    /// A registry that requires HTTP basic auth (htpasswd, bcrypt) for every request.
    pub fn start_with_htpasswd(username: &str, password: &str) -> Self {
        Self::start_inner(
            Some((username.to_owned(), password.to_owned())),
            None,
            false,
        )
    }

    /// A registry with distribution's `auth: token`: clients get a 401 Bearer challenge and fetch a
    /// JWT from a token service (run by this process) that accepts `username`/`password` over basic
    /// auth and grants what was asked. Tokens live `token_lifetime`.
    pub fn start_with_token_auth(username: &str, password: &str, token_lifetime: Duration) -> Self {
        let server = TokenServer::start(username, password, token_lifetime, false);
        Self::start_inner(
            Some((username.to_owned(), password.to_owned())),
            Some(server),
            false,
        )
    }

    /// Token auth whose token service never grants the catalog (`registry:catalog:*`), as Docker
    /// Hub and GHCR do (Harbor and Quay for non-admins): repositories are reachable, not listable.
    /// Anyone without credentials may pull; pushing needs `username`/`password`.
    pub fn start_without_catalog(username: &str, password: &str) -> Self {
        let server = TokenServer::start(username, password, Duration::from_secs(300), true);
        Self::start_inner(
            Some((username.to_owned(), password.to_owned())),
            Some(server),
            false,
        )
    }

    fn start_inner(
        credentials: Option<(String, String)>,
        token_server: Option<TokenServer>,
        tls: bool,
    ) -> Self {
        Self::start_configured(credentials, token_server, tls, "")
    }

    fn start_configured(
        credentials: Option<(String, String)>,
        token_server: Option<TokenServer>,
        tls: bool,
        http_extra: &str,
    ) -> Self {
        let binary =
            std::env::var("LADING_REGISTRY_BIN").unwrap_or_else(|_| "docker-registry".to_owned());
        let binary = find_binary(&binary, INSTALL_HINT);
        let dir = tempfile::Builder::new()
            .prefix("lading-registry-")
            .tempdir()
            .expect("temp dir for registry");
        let storage = dir.path().join("storage");
        std::fs::create_dir_all(&storage).expect("registry storage dir");
        let port = free_port();

        let auth = match (&credentials, &token_server) {
            (_, Some(server)) => {
                let bundle = dir.path().join("token-ca.pem");
                std::fs::write(&bundle, &server.cert_pem).expect("write token cert");
                format!(
                    "auth:\n  token:\n    realm: http://127.0.0.1:{}/token\n    service: {SERVICE}\n    issuer: {ISSUER}\n    rootcertbundle: {}\n",
                    server.port,
                    bundle.display()
                )
            }
            (Some((user, pass)), None) => {
                let hash = bcrypt::hash(pass, 5).expect("bcrypt");
                let htpasswd = dir.path().join("htpasswd");
                std::fs::write(&htpasswd, format!("{user}:{hash}\n")).expect("write htpasswd");
                format!(
                    "auth:\n  htpasswd:\n    realm: lading-test\n    path: {}\n",
                    htpasswd.display()
                )
            }
            (None, None) => String::new(),
        };
        let mut ca_pem = None;
        let mut tls_config = String::new();
        if tls {
            let (ca, cert, key) = crate::token::tls_chain();
            std::fs::write(dir.path().join("server.crt"), &cert).expect("write cert");
            std::fs::write(dir.path().join("server.key"), &key).expect("write key");
            tls_config = format!(
                "  tls:\n    certificate: {}\n    key: {}\n",
                dir.path().join("server.crt").display(),
                dir.path().join("server.key").display()
            );
            ca_pem = Some(ca);
        }
        let config = format!(
            "version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\n  maintenance:\n    uploadpurging:\n      enabled: false\nhttp:\n  addr: 127.0.0.1:{port}\n  secret: lading-test-secret\n{http_extra}{tls_config}{auth}",
            storage.display()
        );
        let config_path = dir.path().join("config.yml");
        std::fs::write(&config_path, config).expect("write registry config");

        let process = spawn_registry(&binary, dir.path(), port, tls);
        Self {
            process,
            binary,
            port,
            credentials,
            token_server,
            ca_pem,
            dir,
        }
    }

    /// The CA certificate (PEM) a TLS registry's certificate chains to.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// `127.0.0.1:PORT`, the registry part of an image reference.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.host())
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The `(username, password)` of an htpasswd or token registry.
    pub fn credentials(&self) -> Option<(&str, &str)> {
        self.credentials
            .as_ref()
            .map(|(u, p)| (u.as_str(), p.as_str()))
    }

    /// How many requests the token service has answered (to check that clients cache tokens).
    pub fn token_requests(&self) -> usize {
        self.token_server.as_ref().map_or(0, TokenServer::requests)
    }

    /// The scopes of each request the token service received (space-separated), in order.
    pub fn token_scopes(&self) -> Vec<String> {
        self.token_server
            .as_ref()
            .map_or_else(Vec::new, TokenServer::scopes)
    }

    /// The registry's storage root (to inspect or corrupt blobs in tests).
    pub fn storage_dir(&self) -> PathBuf {
        self.dir.path().join("storage")
    }

    /// Every request the registry answered so far, as (method, path) from its own log.
    pub fn requests_seen(&self) -> Vec<(String, String)> {
        let field = |line: &str, name: &str| {
            let at = line.find(name)? + name.len();
            let rest = &line[at..];
            let value = match rest.strip_prefix('"') {
                Some(quoted) => quoted.split('"').next()?,
                None => rest.split_whitespace().next()?,
            };
            Some(value.to_owned())
        };
        self.process
            .log_text()
            .lines()
            .filter(|line| line.contains("response completed"))
            .filter_map(|line| {
                Some((
                    field(line, "http.request.method=")?,
                    field(line, "http.request.uri=")?,
                ))
            })
            .collect()
    }

    pub fn log(&self) -> String {
        self.process.log_tail()
    }

    /// Stops the registry now; the storage stays until the guard is dropped.
    pub fn stop(&mut self) {
        self.process.kill();
    }

    /// The server's process id (to kill it from a callback, mid-transfer).
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// Starts the registry again on the same port with the same storage (after [`Self::stop`] or
    /// a kill).
    pub fn restart(&mut self) {
        self.process.kill();
        self.process = spawn_registry(
            &self.binary,
            self.dir.path(),
            self.port,
            self.ca_pem.is_some(),
        );
    }
}

fn spawn_registry(
    binary: &std::path::Path,
    dir: &std::path::Path,
    port: u16,
    tls: bool,
) -> ServerProcess {
    let mut command = Command::new(binary);
    command.arg("serve").arg(dir.join("config.yml"));
    let mut process = ServerProcess::spawn("docker-registry", command, &dir.join("registry.log"));
    process.wait_ready(port, Duration::from_secs(20), || {
        // 200 anonymous, 401 with auth: either way the API is up. A TLS registry answers a
        // plain request with 400, which shows it is up too.
        matches!(http_get_status(port, "/v2/"), Some(200 | 401))
            || (tls && http_get_status(port, "/v2/") == Some(400))
    });
    process
}
