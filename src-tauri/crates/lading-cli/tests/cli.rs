//! The `lading` binary against a real registry: output, `--json`, exit codes and error messages.

use std::process::Command;

use lading_testkit::{images, skopeo, Registry};

fn lading(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lading"))
        .args(args)
        .env_remove("LADING_PASSWORD")
        .output()
        .expect("run lading")
}

#[test]
fn repos_and_tags_in_text_and_json() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    images::write_oci_layout(dir.path(), "v1", "cli test\n");
    let src = format!("oci:{}:v1", dir.path().display());
    skopeo(&[
        "copy",
        "--quiet",
        "--dest-tls-verify=false",
        &src,
        &format!("docker://{}/ns/app:v1", registry.host()),
    ]);

    let out = lading(&["repos", &registry.host()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ns/app\n");

    let out = lading(&["tags", &format!("{}/ns/app", registry.host()), "--json"]);
    assert!(out.status.success());
    let tags: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(tags, serde_json::json!(["v1"]));
}

#[test]
fn failures_exit_non_zero_with_one_clear_message() {
    let registry = Registry::start_with_htpasswd("u", "p");
    let out = lading(&["repos", &registry.host()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("lading: ") && stderr.contains("needs credentials"),
        "{stderr}"
    );

    let out = lading(&["--json", "repos", &registry.host()]);
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "auth_required");

    let out = lading(&["repos", &registry.host(), "-u", "u"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("LADING_PASSWORD"));
}
