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
