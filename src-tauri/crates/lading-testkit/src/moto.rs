use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::process::{find_binary, free_port, http_get_status, http_post_json, ServerProcess};

const INSTALL_HINT: &str =
    "create the moto venv with `./dev setup` (it runs `python3 -m venv .venv-moto && \
                            .venv-moto/bin/pip install 'moto[server]'`), or set LADING_MOTO_SERVER";

const RECORDING: &str = "requests.jsonl";

/// moto's AWS emulator (`moto_server`) on loopback, for the ECR API.
pub struct Moto {
    process: ServerProcess,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Moto {
    pub fn start() -> Self {
        let binary = std::env::var("LADING_MOTO_SERVER")
            .map(PathBuf::from)
            .unwrap_or_else(|_| crate::workspace_root().join(".venv-moto/bin/moto_server"));
        let binary = find_binary(binary.to_str().expect("utf-8 path"), INSTALL_HINT);
        let dir = tempfile::Builder::new()
            .prefix("lading-moto-")
            .tempdir()
            .expect("temp dir for moto");
        let port = free_port();
        let mut command = Command::new(binary);
        command
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .current_dir(dir.path())
            // moto must never reach for real AWS credentials or config of the person running tests.
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            // Where `start_recording` makes moto log every request it receives.
            .env("MOTO_RECORDER_FILEPATH", dir.path().join(RECORDING));
        let mut process =
            ServerProcess::spawn("moto_server", command, &dir.path().join("moto.log"));
        process.wait_ready(port, Duration::from_secs(60), || {
            http_get_status(port, "/moto-api/").is_some()
        });
        Self {
            process,
            port,
            _dir: dir,
        }
    }

    /// The endpoint to give aws-config (`AWS_ENDPOINT_URL_ECR` or `.endpoint_url`).
    pub fn endpoint_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// From now on moto logs every request it receives (its own recorder), for
    /// [`Moto::recorded_operations`].
    pub fn start_recording(&self) {
        let status = http_get_status(self.port, "/moto-api/recorder/start-recording");
        assert_eq!(status, Some(200), "moto did not start recording");
    }

    /// The API operations moto received since `start_recording`, in order: the `X-Amz-Target`
    /// of each request without its service prefix (`GetAuthorizationToken`, `DescribeImages`, …).
    pub fn recorded_operations(&self) -> Vec<String> {
        self.recorded_requests()
            .into_iter()
            .map(|(operation, _)| operation)
            .collect()
    }

    /// Each request since `start_recording`: its operation and its JSON body.
    pub fn recorded_requests(&self) -> Vec<(String, serde_json::Value)> {
        let text = std::fs::read_to_string(self._dir.path().join(RECORDING)).unwrap_or_default();
        text.lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter_map(|entry| {
                let headers = entry["headers"].as_object()?.clone();
                let target = headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("x-amz-target"))?
                    .1
                    .as_str()?
                    .to_owned();
                // The recorder base64-encodes bodies (`body_encoded`).
                let raw = entry["body"].as_str().unwrap_or_default();
                let text = if entry["body_encoded"].as_bool() == Some(true) {
                    use base64::Engine;
                    base64::engine::general_purpose::STANDARD
                        .decode(raw)
                        .ok()
                        .and_then(|b| String::from_utf8(b).ok())
                        .unwrap_or_default()
                } else {
                    raw.to_owned()
                };
                let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
                Some((
                    target.rsplit('.').next().unwrap_or(&target).to_owned(),
                    body,
                ))
            })
            .collect()
    }

    /// Sets moto's exact DescribeImageScanFindings answers (its documented control endpoint):
    /// each `result` is a whole response, matched by repository and the exact `imageId` asked
    /// for (tag or digest).
    pub fn set_scan_findings(&self, region: &str, results: &[serde_json::Value]) {
        let body = serde_json::json!({ "results": results, "region": region }).to_string();
        let status = http_post_json(
            self.port,
            "/moto-api/static/ecr/scan-finding-results",
            &body,
        );
        assert_eq!(status, Some(201), "moto did not take the scan findings");
    }

    pub fn log(&self) -> String {
        self.process.log_tail()
    }
}
