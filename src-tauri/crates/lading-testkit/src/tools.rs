//! Other people's tools as test inputs and referees: Debian's `skopeo` (the reference client),
//! `buildah`, which writes archives no one here wrote, and `umoci`, which reads the OCI layouts
//! we write. buildah keeps its own storage under a temporary folder (vfs, so no overlay mount
//! is needed).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::find_binary;

/// Runs Debian's `tool` with `args`: its stdout, or its stderr when it failed.
fn run(tool: &str, args: &[&str]) -> Result<String, String> {
    let binary = find_binary(
        tool,
        &format!("install Debian's {tool} (`apt-get install {tool}`, done by `./dev setup`)"),
    );
    let out = Command::new(binary)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {tool}: {e}"));
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{tool} {} failed ({}):\n{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn must(tool: &str, args: &[&str]) -> String {
    run(tool, args).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs skopeo (the reference client); panics with its stderr on failure. Plain-HTTP loopback
/// registries need `--dest-tls-verify=false` / `--src-tls-verify=false`.
pub fn skopeo(args: &[&str]) -> String {
    must("skopeo", args)
}

/// Runs skopeo: `Err` with its stderr when it fails.
pub fn skopeo_result(args: &[&str]) -> Result<String, String> {
    run("skopeo", args)
}

/// Runs `umoci` with `args`; panics with its stderr on failure.
pub fn umoci(args: &[&str]) -> String {
    must("umoci", args)
}

/// Runs `umoci`: `Err` with its stderr when it fails.
pub fn umoci_result(args: &[&str]) -> Result<String, String> {
    run("umoci", args)
}

/// What buildah wrote for one image of one file.
pub struct BuildahArchives {
    /// `buildah push … docker-archive:` (Docker v2.2 media types).
    pub docker: PathBuf,
    /// `buildah push … oci-archive:` (OCI media types).
    pub oci: PathBuf,
}

/// Builds an image `FROM scratch` holding `/hello.txt` = `content` with buildah, and writes it
/// as a docker archive (tagged `tag`) and an OCI archive (named `1`) under `dir`.
pub fn buildah_archives(dir: &Path, tag: &str, content: &str) -> BuildahArchives {
    let storage = dir.join("buildah-storage");
    let (root, runroot) = (storage.join("root"), storage.join("run"));
    let (root, runroot) = (root.to_str().unwrap(), runroot.to_str().unwrap());
    let buildah = |args: &[&str]| {
        let mut all = vec![
            "--root",
            root,
            "--runroot",
            runroot,
            "--storage-driver",
            "vfs",
        ];
        all.extend_from_slice(args);
        must("buildah", &all)
    };
    let container = buildah(&["from", "scratch"]).trim().to_owned();
    let file = dir.join("hello.txt");
    std::fs::write(&file, content).expect("write the image's file");
    buildah(&["copy", &container, file.to_str().unwrap(), "/hello.txt"]);
    buildah(&["config", "--cmd", "/hello.txt", &container]);
    buildah(&["commit", "--quiet", "--format", "docker", &container, tag]);
    let archives = BuildahArchives {
        docker: dir.join("buildah-docker.tar"),
        oci: dir.join("buildah-oci.tar"),
    };
    let docker = format!("docker-archive:{}:{tag}", archives.docker.display());
    let oci = format!("oci-archive:{}:1", archives.oci.display());
    buildah(&["push", "--quiet", tag, &docker]);
    buildah(&["push", "--quiet", tag, &oci]);
    // The storage is buildah's business: vfs copies every layer, so free it now.
    let _ = std::fs::remove_dir_all(&storage);
    archives
}
