//! The `lading` binary against a real registry: output, `--json`, exit codes and error messages.

use std::process::Command;

use lading_testkit::{images, skopeo, Registry};

fn lading(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lading"))
        .args(args)
        .env_remove("LADING_PASSWORD")
        // Never the developer's own docker login.
        .env("DOCKER_CONFIG", "/nonexistent/lading-test")
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

fn lading_with_data(args: &[&str], data_dir: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lading"))
        .args(args)
        .env("LADING_DATA_DIR", data_dir)
        .env_remove("LADING_PASSWORD")
        // Never the developer's own docker login.
        .env("DOCKER_CONFIG", "/nonexistent/lading-test")
        .output()
        .expect("run lading")
}

fn two_image_archive(path: &std::path::Path) {
    use images::{layer_tar, write_docker_archive, DockerArchiveImage, TestFile};
    let image = |tag: &str, text: &str| DockerArchiveImage {
        repo_tags: vec![tag.to_owned()],
        layers: vec![layer_tar(&[TestFile {
            path: "hello.txt",
            content: text.as_bytes(),
        }])],
        architecture: "amd64".into(),
    };
    write_docker_archive(
        path,
        &[image("web/app:1.4", "one"), image("web/worker:2.0", "two")],
    );
}

#[test]
fn push_pull_copy_inspect_rm_from_the_command_line() {
    let registry = Registry::start();
    let host = registry.host();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let archive = dir.path().join("two.tar");
    two_image_archive(&archive);
    let archive = archive.to_str().unwrap();

    // Two images and no --image: a clear refusal naming both.
    let out = lading_with_data(&["push", archive, &format!("{host}/web/app")], &data);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("holds 2 images") && err.contains("web/worker:2.0"),
        "{err}"
    );

    // Without a tag in DEST, the archive's own tag is used.
    let out = lading_with_data(
        &[
            "--json",
            "push",
            "--chunk-size",
            "1",
            "--image",
            "web/app:1.4",
            archive,
            &format!("{host}/web/app"),
        ],
        &data,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["tags"], serde_json::json!(["1.4"]));
    let digest = report["manifest_digest"].as_str().unwrap().to_owned();

    // inspect: summary, raw bytes (whose sha256 is the digest), config.
    let out = lading_with_data(
        &["--json", "inspect", &format!("{host}/web/app:1.4")],
        &data,
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["digest"], digest.as_str());
    assert_eq!(summary["layers"].as_array().unwrap().len(), 1);
    let out = lading_with_data(&["inspect", "--raw", &format!("{host}/web/app:1.4")], &data);
    assert_eq!(lading_oci::Digest::sha256_of(&out.stdout).as_str(), digest);
    let out = lading_with_data(
        &["inspect", "--config", &format!("{host}/web/app:1.4")],
        &data,
    );
    let config: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(config["architecture"], "amd64");

    // pull to an OCI layout and to a docker archive.
    let layout = dir.path().join("layout");
    let out = lading_with_data(
        &[
            "pull",
            &format!("{host}/web/app:1.4"),
            &format!("oci:{}", layout.display()),
        ],
        &data,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The pushed image is Docker-typed: the layout gets OCI media types, and says so.
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!(
            "converted to OCI media types: the registry's {digest}"
        )),
        "{said}"
    );
    let inspect: serde_json::Value = serde_json::from_str(&skopeo(&[
        "inspect",
        &format!("oci:{}:1.4", layout.display()),
    ]))
    .unwrap();
    assert_ne!(inspect["Digest"], digest.as_str());
    let exact = dir.path().join("exact");
    let out = lading_with_data(
        &[
            "--json",
            "pull",
            "--preserve-digests",
            &format!("{host}/web/app:1.4"),
            &format!("oci:{}", exact.display()),
        ],
        &data,
    );
    let pulled: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(pulled["manifest_digest"], digest.as_str());
    assert!(pulled.get("registry_digest").is_none(), "{pulled}");
    let tar = dir.path().join("app.tar");
    let out = lading_with_data(
        &[
            "pull",
            &format!("{host}/web/app:1.4"),
            tar.to_str().unwrap(),
        ],
        &data,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    skopeo(&["inspect", &format!("docker-archive:{}", tar.display())]);
    let out = lading_with_data(
        &["pull", &format!("{host}/web/app:1.4"), "somewhere.zip"],
        &data,
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("oci:DIR[:NAME] or a path ending in .tar")
    );

    // copy keeps the digest; rm removes the tag.
    let out = lading_with_data(
        &[
            "--json",
            "copy",
            &format!("{host}/web/app:1.4"),
            &format!("{host}/mirror/app"),
        ],
        &data,
    );
    let copy: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(copy["manifest_digest"], digest.as_str());
    assert_eq!(copy["mounted"], 2);
    let out = lading_with_data(&["rm", &format!("{host}/mirror/app:1.4")], &data);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = lading_with_data(
        &["--json", "inspect", &format!("{host}/mirror/app:1.4")],
        &data,
    );
    assert!(!out.status.success());
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "not_found");
}

#[test]
fn bad_sources_and_destinations_fail_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "not an image").unwrap();
    for (args, needle) in [
        (
            vec!["push", notes.to_str().unwrap(), "127.0.0.1:1/x/y:1"],
            "not an image archive",
        ),
        (
            vec!["push", "/no/such/file.tar", "127.0.0.1:1/x/y:1"],
            "No such file",
        ),
        (
            vec!["push", notes.to_str().unwrap(), "Bad Ref"],
            "invalid image reference",
        ),
        (
            vec!["inspect", "127.0.0.1:1/x/y:1", "--platform", "linux"],
            "invalid platform",
        ),
    ] {
        let out = lading_with_data(&args, dir.path());
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn every_broken_input_of_the_corpus_exits_1_with_one_line_and_no_tag() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for (n, case) in lading_testkit::corpus::write(dir.path()).iter().enumerate() {
        let target = format!("{}/corpus/case{n}:1", registry.host());
        let out = lading_with_data(&["push", case.path.to_str().unwrap(), &target], &data);
        assert_eq!(out.status.code(), Some(1), "{}", case.name);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{}: {err}", case.name);
        assert!(!err.contains("panicked"), "{}: {err}", case.name);
        let tags = lading_with_data(
            &["tags", &format!("{}/corpus/case{n}", registry.host())],
            &data,
        );
        assert!(
            !tags.status.success() || String::from_utf8_lossy(&tags.stdout).trim().is_empty(),
            "{}: a tag was written",
            case.name
        );
    }
}

#[test]
fn a_mapped_registry_host_reaches_another_endpoint_under_its_own_name() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    images::write_oci_layout(dir.path(), "v1", "mapped\n");
    let src = format!("oci:{}:v1", dir.path().display());
    skopeo(&[
        "copy",
        "--quiet",
        "--dest-tls-verify=false",
        &src,
        &format!("docker://{}/ns/app:v1", registry.host()),
    ]);

    // An ECR-looking host that does not exist, mapped onto the local registry.
    let fake = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
    let out = Command::new(env!("CARGO_BIN_EXE_lading"))
        .args(["tags", &format!("{fake}/ns/app")])
        .env(
            "LADING_REGISTRY_MAP",
            format!(
                "other.example.com=http://127.0.0.1:1, {fake}={}",
                registry.url()
            ),
        )
        .env("DOCKER_CONFIG", "/nonexistent/lading-test")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "v1\n");
}
