use std::process::Command;

use crate::process::find_binary;

/// Runs Debian's `skopeo` (the reference client) with `args`; panics with its stderr on failure.
/// Plain-HTTP loopback registries need `--dest-tls-verify=false` / `--src-tls-verify=false`.
pub fn skopeo(args: &[&str]) -> String {
    let binary = find_binary(
        "skopeo",
        "install Debian's skopeo (`apt-get install skopeo`, done by `./dev setup`)",
    );
    let out = Command::new(binary)
        .args(args)
        .output()
        .expect("run skopeo");
    if !out.status.success() {
        panic!(
            "skopeo {} failed ({}):\n{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs skopeo and gives its stderr when it fails (`Err`), its stdout when it does not.
pub fn skopeo_result(args: &[&str]) -> Result<String, String> {
    let binary = find_binary(
        "skopeo",
        "install Debian's skopeo (`apt-get install skopeo`)",
    );
    let out = Command::new(binary)
        .args(args)
        .output()
        .expect("run skopeo");
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}
