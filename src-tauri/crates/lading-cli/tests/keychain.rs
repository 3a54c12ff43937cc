//! Logins in the real OS keychain: gnome-keyring's Secret Service in a private D-Bus session.

use std::process::Command;

use lading_testkit::Registry;

fn require(binary: &str, package: &str) {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(binary).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "`{binary}` not found: install {package} (`./dev setup` does)"
    );
}

#[test]
fn login_keeps_working_credentials_in_the_secret_service_and_logout_removes_them() {
    require("dbus-run-session", "dbus");
    require("gnome-keyring-daemon", "gnome-keyring");
    let registry = Registry::start_with_htpasswd("kc-user", "kc-password-71");
    let home = tempfile::tempdir().unwrap();
    let lading = env!("CARGO_BIN_EXE_lading");
    let host = registry.host();
    // One D-Bus session for the whole story, so the keyring daemon outlives each command.
    let script = format!(
        "echo -n unlock-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1\n\
         echo wrong | {lading} login {host} -u kc-user --password-stdin; echo \"wrong=$?\"\n\
         {lading} tags {host}/none; echo \"before=$?\"\n\
         echo kc-password-71 | {lading} login {host} -u kc-user --password-stdin; echo \"login=$?\"\n\
         {lading} --json repos {host}; echo \"after=$?\"\n\
         {lading} logout {host}; echo \"logout=$?\"\n\
         {lading} repos {host}; echo \"gone=$?\"\n"
    );
    let out = Command::new("timeout")
        .args(["120", "dbus-run-session", "--", "sh", "-c", &script])
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("share"))
        .env("DOCKER_CONFIG", "/nonexistent/lading-test")
        .env_remove("LADING_PASSWORD")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let status = |name: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} status; stdout:\n{stdout}\nstderr:\n{stderr}"))
            .to_owned()
    };
    assert_eq!(
        status("wrong"),
        "1",
        "a rejected password is not stored\n{stderr}"
    );
    assert_eq!(status("before"), "1");
    assert_eq!(status("login"), "0", "{stderr}");
    assert_eq!(
        status("after"),
        "0",
        "the keychain login opens the registry\n{stderr}"
    );
    assert!(stdout.contains("[]"), "{stdout}");
    assert_eq!(status("logout"), "0");
    assert_eq!(
        status("gone"),
        "1",
        "after logout the registry needs credentials again"
    );
    assert!(stderr.contains("needs credentials"), "{stderr}");
    assert!(
        !stdout.contains("kc-password-71") && !stderr.contains("kc-password-71"),
        "the password never appears"
    );
}
