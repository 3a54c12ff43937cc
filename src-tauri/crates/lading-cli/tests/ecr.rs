//! `lading ecr …` against moto's ECR server.

use std::process::Command;

use lading_testkit::Moto;

fn lading(moto: &Moto, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lading"))
        .args([
            "ecr",
            "--region",
            "us-east-1",
            "--endpoint-url",
            &moto.endpoint_url(),
        ])
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("run lading")
}

fn ok(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn ecr_verbs_work_end_to_end() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();

    let registry: serde_json::Value =
        serde_json::from_str(&ok(lading(&moto, &["--json", "registry"]))).unwrap();
    assert_eq!(registry["region"], "us-east-1");
    let account = registry["account"].as_str().unwrap().to_owned();
    assert_eq!(account.len(), 12, "{registry}");
    assert_eq!(
        registry["url"],
        format!("https://{account}.dkr.ecr.us-east-1.amazonaws.com")
    );

    let uri = ok(lading(
        &moto,
        &[
            "create-repo",
            "team-a/web",
            "--mutability",
            "IMMUTABLE_WITH_EXCLUSION",
            "--exclude",
            "latest",
            "--scan-on-push",
            "--tag",
            "team=a",
        ],
    ));
    assert!(uri.trim().ends_with("/team-a/web"), "{uri}");
    let repos: serde_json::Value =
        serde_json::from_str(&ok(lading(&moto, &["--json", "repos"]))).unwrap();
    assert_eq!(repos[0]["name"], "team-a/web");
    assert_eq!(repos[0]["tag_mutability"], "IMMUTABLE_WITH_EXCLUSION");
    assert_eq!(
        repos[0]["mutability_exclusions"],
        serde_json::json!(["latest"])
    );

    // A bad mutability is refused before any call.
    let out = lading(&moto, &["create-repo", "x-y", "--mutability", "SOMETIMES"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("SOMETIMES"));

    // Policies: set from a file, get it back; an invalid one never reaches ECR.
    let policy = dir.path().join("policy.json");
    std::fs::write(&policy, r#"{"Version":"2012-10-17","Statement":[{"Sid":"Pull","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"ecr:BatchGetImage"}]}"#).unwrap();
    ok(lading(
        &moto,
        &["policy", "set", "team-a/web", policy.to_str().unwrap()],
    ));
    assert!(ok(lading(&moto, &["policy", "get", "team-a/web"])).contains("111122223333"));
    std::fs::write(
        &policy,
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:Frobnicate"}]}"#,
    )
    .unwrap();
    let out = lading(
        &moto,
        &[
            "--json",
            "policy",
            "set",
            "team-a/web",
            policy.to_str().unwrap(),
        ],
    );
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "invalid_policy");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("Statement[0].Action[0]"));

    // Lifecycle: put, get, and previews (offline from describe-images JSON, and live).
    let lifecycle = dir.path().join("lifecycle.json");
    std::fs::write(&lifecycle, r#"{"rules":[
        {"rulePriority":1,"selection":{"tagStatus":"tagged","tagPrefixList":["prod"],"countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}},
        {"rulePriority":2,"selection":{"tagStatus":"tagged","tagPrefixList":["beta"],"countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"#).unwrap();
    ok(lading(
        &moto,
        &[
            "lifecycle",
            "put",
            "team-a/web",
            lifecycle.to_str().unwrap(),
        ],
    ));
    assert!(ok(lading(&moto, &["lifecycle", "get", "team-a/web"])).contains("rulePriority"));
    let images = dir.path().join("images.json");
    std::fs::write(&images, r#"{"imageDetails":[
        {"imageDigest":"sha256:aaaa","imageTags":["beta-1","prod-1"],"imagePushedAt":"2025-01-01T00:00:00+00:00"},
        {"imageDigest":"sha256:bbbb","imageTags":["beta-2","prod-2"],"imagePushedAt":"2025-01-02T00:00:00+00:00"},
        {"imageDigest":"sha256:cccc","imageTags":["beta-3"],"imagePushedAt":1735862400.0}]}"#).unwrap();
    let preview: serde_json::Value = serde_json::from_str(&ok(lading(
        &moto,
        &[
            "--json",
            "lifecycle",
            "preview",
            "--policy",
            lifecycle.to_str().unwrap(),
            "--images",
            images.to_str().unwrap(),
            "--now",
            "2025-01-11T00:00:00Z",
        ],
    )))
    .unwrap();
    assert_eq!(
        preview["expiring"],
        serde_json::json!([{"imageDigest":"sha256:aaaa","imageTags":["beta-1","prod-1"],"rulePriority":1,"action":"expire"}])
    );
    assert_eq!(preview["kept"].as_array().unwrap().len(), 2);
    let table = ok(lading(
        &moto,
        &[
            "lifecycle",
            "preview",
            "--policy",
            lifecycle.to_str().unwrap(),
            "--images",
            images.to_str().unwrap(),
        ],
    ));
    assert!(
        table.contains("keep (protected by rule 1)") && table.contains("1 of 3 images"),
        "{table}"
    );
    let live: serde_json::Value = serde_json::from_str(&ok(lading(
        &moto,
        &[
            "--json",
            "lifecycle",
            "preview",
            "team-a/web",
            "--policy",
            lifecycle.to_str().unwrap(),
        ],
    )))
    .unwrap();
    assert_eq!(live["expiring"], serde_json::json!([]));
    // moto has no StartLifecyclePolicyPreview: said so, and the local answer still stands.
    assert!(live["serverPreview"]["unavailable"].is_string(), "{live}");
    ok(lading(&moto, &["lifecycle", "delete", "team-a/web"]));

    // The docker login line; the password only on request.
    let line = ok(lading(&moto, &["login-command"]));
    assert!(
        line.starts_with("docker login --username AWS --password-stdin https://"),
        "{line}"
    );
    let password = ok(lading(&moto, &["login-command", "--password"]));
    assert!(!password.trim().is_empty() && !line.contains(password.trim()));

    assert!(ok(lading(&moto, &["images", "team-a/web"])).is_empty());

    // Push through the ECR API, then the image is listed with its tag.
    let archive = dir.path().join("app.tar");
    lading_testkit::images::write_docker_archive(
        &archive,
        &[lading_testkit::images::DockerArchiveImage {
            repo_tags: vec!["web:3.1".into()],
            layers: vec![lading_testkit::images::layer_tar(&[
                lading_testkit::images::TestFile {
                    path: "a",
                    content: b"ecr api push",
                },
            ])],
            architecture: "amd64".into(),
        }],
    );
    let pushed = ok(lading(
        &moto,
        &["push", archive.to_str().unwrap(), "team-a/web"],
    ));
    assert!(
        pushed.lines().next().unwrap().ends_with("/team-a/web:3.1"),
        "{pushed}"
    );
    let images: serde_json::Value =
        serde_json::from_str(&ok(lading(&moto, &["--json", "images", "team-a/web"]))).unwrap();
    assert_eq!(images[0]["tags"], serde_json::json!(["3.1"]));
    let out = lading(&moto, &["delete-repo", "team-a/web"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("still holds images"));
    ok(lading(&moto, &["delete-repo", "team-a/web", "--force"]));
    assert_eq!(ok(lading(&moto, &["--json", "repos"])).trim(), "[]");
}

#[test]
fn profiles_are_listed_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let credentials = dir.path().join("credentials");
    std::fs::write(
        &config,
        "[profile dev]\nsso_session = corp\nregion = eu-west-1\n",
    )
    .unwrap();
    std::fs::write(
        &credentials,
        "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = do-not-print-me\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lading"))
        .args(["--json", "ecr", "profiles"])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("do-not-print-me") && !text.contains("AKIAEXAMPLE"));
    let profiles: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        profiles,
        serde_json::json!([
            {"name":"default","kind":"static","region":null},
            {"name":"dev","kind":"sso","region":"eu-west-1"}
        ])
    );

    // Credentials in the environment come first: they win over every profile.
    let out = Command::new(env!("CARGO_BIN_EXE_lading"))
        .args(["--json", "ecr", "profiles"])
        .env("AWS_ACCESS_KEY_ID", "AKIAENV")
        .env("AWS_REGION", "ap-south-1")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .output()
        .unwrap();
    let profiles: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        profiles[0],
        serde_json::json!({"name": "(environment)", "kind": "env", "region": "ap-south-1"})
    );
    assert_eq!(profiles.as_array().unwrap().len(), 3);
}

#[test]
fn an_sso_profile_without_a_session_says_what_to_run() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    std::fs::write(
        &config,
        "[profile corp]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\nregion = eu-west-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lading"))
        .args(["--json", "ecr", "--profile", "corp", "registry"])
        .env("HOME", home.path())
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "aws_credentials", "not a network error: {err}");
    assert!(
        err["message"].as_str().unwrap().starts_with("the AWS SSO session of profile corp is missing or expired: run `aws sso login --profile corp`"),
        "{err}"
    );
}

#[test]
fn scan_findings_and_the_scanning_configuration() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    ok(lading(&moto, &["create-repo", "team/api"]));
    let archive = dir.path().join("api.tar");
    lading_testkit::images::write_docker_archive(
        &archive,
        &[lading_testkit::images::DockerArchiveImage {
            repo_tags: vec!["api:1.0".into()],
            layers: vec![lading_testkit::images::layer_tar(&[
                lading_testkit::images::TestFile {
                    path: "a",
                    content: b"scan me",
                },
            ])],
            architecture: "amd64".into(),
        }],
    );
    ok(lading(
        &moto,
        &["push", archive.to_str().unwrap(), "team/api"],
    ));

    assert_eq!(
        ok(lading(&moto, &["findings", "team/api:1.0"])).trim(),
        "team/api:1.0 has not been scanned (lading ecr scan team/api:1.0)"
    );
    assert_eq!(
        ok(lading(&moto, &["scan", "team/api:1.0"])).trim(),
        "scan of team/api:1.0: in progress"
    );
    let table = ok(lading(&moto, &["findings", "team/api:1.0"]));
    let mut lines = table.lines();
    assert_eq!(
        lines.next(),
        Some("basic scan: complete (The scan was completed successfully.): 1 high")
    );
    let row = lines.next().unwrap();
    for part in ["HIGH", "CVE-9999-9999", "7.5", "moto_fake 9.9.9"] {
        assert!(row.contains(part), "{part} in {row}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&ok(lading(&moto, &["--json", "findings", "team/api:1.0"]))).unwrap();
    assert_eq!(json["findings"][0]["package"], "moto_fake");
    let again = lading(&moto, &["scan", "team/api:1.0"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("one manual scan of an image a day"));
    let bad = lading(&moto, &["scan", "team/api"]);
    assert!(String::from_utf8_lossy(&bad.stderr)
        .contains("expected REPOSITORY:TAG or REPOSITORY@DIGEST"));

    // The configuration: get as JSON, change the file, set, get again; a bad one is refused.
    let config = dir.path().join("scanning.json");
    let mut current: serde_json::Value =
        serde_json::from_str(&ok(lading(&moto, &["--json", "scanning-config", "get"]))).unwrap();
    assert_eq!(current["scan_type"], "BASIC");
    current["rules"] = serde_json::json!([{"frequency": "SCAN_ON_PUSH", "filters": ["team/*"]}]);
    std::fs::write(&config, current.to_string()).unwrap();
    ok(lading(
        &moto,
        &["scanning-config", "set", config.to_str().unwrap()],
    ));
    assert_eq!(
        ok(lading(&moto, &["scanning-config", "get"])),
        "basic scanning\n  SCAN_ON_PUSH     team/*\n"
    );
    current["scan_type"] = "BASIC".into();
    current["rules"] = serde_json::json!([{"frequency": "CONTINUOUS_SCAN", "filters": ["*"]}]);
    std::fs::write(&config, current.to_string()).unwrap();
    let refused = lading(&moto, &["scanning-config", "set", config.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr)
        .contains("continuous scanning needs enhanced scanning"));
}

#[test]
fn resource_tags_are_listed_added_and_removed() {
    let moto = Moto::start();
    ok(lading(
        &moto,
        &["create-repo", "team/tags", "--tag", "team=a"],
    ));
    assert_eq!(ok(lading(&moto, &["tags", "team/tags"])), "team=a\n");
    assert_eq!(
        ok(lading(
            &moto,
            &["tag", "team/tags", "team=b", "owner=alice@example.com"]
        )),
        "owner=alice@example.com\nteam=b\n"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(lading(
        &moto,
        &["--json", "untag", "team/tags", "owner"],
    )))
    .unwrap();
    assert_eq!(json, serde_json::json!({"team": "b"}));
    // Refused before any call, named at the tag.
    let bad = lading(&moto, &["tag", "team/tags", "aws:owner=me"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("keys starting with aws: are reserved"));
    let bad = lading(&moto, &["create-repo", "team/kms", "--kms", "my-key"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("KMS key \"my-key\" is not a key ID"));
    assert_eq!(ok(lading(&moto, &["tags", "team/tags"])), "team=b\n");
}

#[test]
fn another_accounts_registry_by_its_id() {
    let moto = Moto::start();
    ok(lading(&moto, &["create-repo", "tools/builder"]));
    let registry: serde_json::Value =
        serde_json::from_str(&ok(lading(&moto, &["--json", "registry"]))).unwrap();
    let account = registry["account"].as_str().unwrap().to_owned();
    // moto has one account: its registry, named by ID, stands for the shared one.
    let listed = ok(lading(&moto, &["--registry-id", &account, "repos"]));
    assert!(listed.starts_with("tools/builder"), "{listed}");
    let bad = lading(&moto, &["--registry-id", "1234", "repos"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not an AWS account ID (12 digits)"));
}

#[test]
fn registry_policy_and_replication() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let out = lading(&moto, &["registry-policy", "get"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no registry policy"));
    let policy = dir.path().join("registry-policy.json");
    std::fs::write(
        &policy,
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReplicateFromProd","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["ecr:CreateRepository","ecr:ReplicateImage"],"Resource":"*"}]}"#,
    )
    .unwrap();
    ok(lading(
        &moto,
        &["registry-policy", "set", policy.to_str().unwrap()],
    ));
    assert!(ok(lading(&moto, &["registry-policy", "get"])).contains("ReplicateFromProd"));
    std::fs::write(
        &policy,
        r#"{"Statement":[{"Effect":"Allow","Action":"ecr:Frobnicate"}]}"#,
    )
    .unwrap();
    let bad = lading(&moto, &["registry-policy", "set", policy.to_str().unwrap()]);
    assert!(!bad.status.success());
    assert!(ok(lading(&moto, &["registry-policy", "get"])).contains("ReplicateFromProd"));
    ok(lading(&moto, &["registry-policy", "delete"]));

    assert_eq!(
        ok(lading(&moto, &["replication", "get"])),
        "no replication\n"
    );
    let replication = dir.path().join("replication.json");
    std::fs::write(
        &replication,
        r#"{"rules":[{"destinations":[{"region":"eu-west-1","registry_id":"111122223333"}],"filters":["prod/"]}]}"#,
    )
    .unwrap();
    assert_eq!(
        ok(lading(
            &moto,
            &["replication", "set", replication.to_str().unwrap()]
        )),
        "rule 1: repositories starting prod/ → 111122223333 in eu-west-1\n"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(lading(&moto, &["--json", "replication", "get"]))).unwrap();
    assert_eq!(json["rules"][0]["destinations"][0]["region"], "eu-west-1");
    std::fs::write(
        &replication,
        r#"{"rules":[{"destinations":[{"region":"Europe","registry_id":"1"}]}]}"#,
    )
    .unwrap();
    let bad = lading(
        &moto,
        &["replication", "set", replication.to_str().unwrap()],
    );
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("\"Europe\" is not an AWS region") && stderr.contains("registry ID \"1\""),
        "{stderr}"
    );
    assert!(ok(lading(&moto, &["replication", "get"])).contains("prod/"));
}

#[test]
fn a_pull_through_rule_ecr_would_refuse_is_named_before_any_call() {
    let moto = Moto::start();
    moto.start_recording();
    let out = lading(
        &moto,
        &["pull-through", "create", "hub", "registry-1.docker.io"],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("docker-hub needs a Secrets Manager credential"));
    assert!(
        moto.recorded_operations().is_empty(),
        "{:?}",
        moto.recorded_operations()
    );
}

#[test]
fn a_creation_template_ecr_would_refuse_is_named_before_any_call() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("template.json");
    std::fs::write(&file, r#"{"prefix":"Team A","applied_for":["ON_PULL"]}"#).unwrap();
    moto.start_recording();
    let out = lading(&moto, &["templates", "create", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("prefix \"Team A\"")
            && stderr.contains("\"ON_PULL\" is not CREATE_ON_PUSH"),
        "{stderr}"
    );
    assert!(moto.recorded_operations().is_empty());
}
