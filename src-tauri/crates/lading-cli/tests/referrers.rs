//! `lading referrers` lists what is attached to an image; `lading copy` carries it along unless
//! told not to. The real registry (no referrers API) with an SBOM attached as ORAS does and a
//! cosign-style signature.

use std::process::Command;

use lading_testkit::artifacts::{attach, cosign_signature};
use lading_testkit::{images, skopeo, Registry};

fn lading(args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_lading"))
        .args(args)
        .env("DOCKER_CONFIG", "/nonexistent/lading-test")
        .output()
        .expect("run lading");
    assert!(
        out.status.success(),
        "lading {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn referrers_are_listed_and_copied_along() {
    let registry = Registry::start();
    let host = registry.host();
    let dir = tempfile::tempdir().unwrap();
    images::write_oci_layout(dir.path(), "1", "signed and described\n");
    skopeo(&[
        "copy",
        "--quiet",
        "--dest-tls-verify=false",
        &format!("oci:{}:1", dir.path().display()),
        &format!("docker://{host}/team/app:1"),
    ]);
    let inspect = json(&lading(&[
        "--json",
        "inspect",
        &format!("{host}/team/app:1"),
    ]));
    let digest = inspect["digest"].as_str().unwrap().to_owned();
    let raw = lading(&["inspect", "--raw", &format!("{host}/team/app:1")]).stdout;
    let media_type = "application/vnd.oci.image.manifest.v1+json";
    let sbom = attach(
        &host,
        "team/app",
        (&digest, media_type, raw.len()),
        "application/spdx+json",
        br#"{"spdxVersion":"SPDX-2.3"}"#,
    );
    let signature = cosign_signature(&host, "team/app", &digest);

    // By tag: resolved to its digest, both found.
    let out = lading(&["referrers", &format!("{host}/team/app:1")]);
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with(&sbom.digest)
            && lines[0].contains("application/spdx+json")
            && lines[0].ends_with("referrers tag schema"),
        "{text}"
    );
    assert!(
        lines[1].starts_with(&signature) && lines[1].contains("cosign signature"),
        "{text}"
    );
    let listed = json(&lading(&[
        "--json",
        "referrers",
        &format!("{host}/team/app@{digest}"),
    ]));
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(listed[0]["found"], "tag_schema");
    assert_eq!(
        listed[1]["found"]["cosign_tag"],
        format!("{}.sig", digest.replace(':', "-"))
    );

    // copy takes them along; --no-referrers does not.
    let copied = json(&lading(&[
        "--json",
        "copy",
        &format!("{host}/team/app:1"),
        &format!("{host}/mirror/app"),
    ]));
    assert_eq!(copied["referrers"].as_array().unwrap().len(), 2);
    let there = json(&lading(&[
        "--json",
        "referrers",
        &format!("{host}/mirror/app:1"),
    ]));
    let digests: Vec<&str> = there
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["digest"].as_str().unwrap())
        .collect();
    assert_eq!(digests, [sbom.digest.as_str(), signature.as_str()]);
    let bare = json(&lading(&[
        "--json",
        "copy",
        "--no-referrers",
        &format!("{host}/team/app:1"),
        &format!("{host}/bare/app"),
    ]));
    assert_eq!(bare["referrers"], serde_json::json!([]));
    let none = lading(&["referrers", &format!("{host}/bare/app:1")]);
    assert!(none.stdout.is_empty());
    assert!(String::from_utf8_lossy(&none.stderr).contains("nothing is attached"));
}
