//! Opening a link the page shows (a scan finding's advisory) in the user's browser. The page
//! may one day run a script we did not write, so only plain https addresses go to the OS, never
//! a file, another scheme, or anything a shell could read as more than one word.

use lading_core::{Code, Error, Result};

/// An address the browser may be handed: https, a host, no credentials, no whitespace or quotes.
pub(crate) fn openable(url: &str) -> std::result::Result<(), &'static str> {
    let Some(rest) = url.strip_prefix("https://") else {
        return Err("only https:// addresses are opened");
    };
    if url.len() > 2048 {
        return Err("the address is too long");
    }
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "\"'`<>\\^|".contains(c))
    {
        return Err("the address holds characters no web address has");
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.contains('@') {
        return Err("the address names no host (or carries credentials)");
    }
    Ok(())
}

/// Opens `url` in the default browser.
#[tauri::command]
pub fn open_link(url: String) -> Result<()> {
    openable(&url)
        .map_err(|why| Error::new(Code::InvalidInput, format!("{why}: not opening {url:?}")))?;
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(target_os = "windows") {
        std::process::Command::new("explorer")
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(&url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| {
            Error::new(
                Code::IoError,
                format!("cannot start the browser ({e}); the address is {url}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::openable;

    #[test]
    fn only_plain_https_addresses_are_opened() {
        for ok in [
            "https://security-tracker.debian.org/tracker/CVE-2026-0101",
            "https://nvd.nist.gov/vuln/detail/CVE-2026-1234?x=1#top",
        ] {
            assert_eq!(openable(ok), Ok(()), "{ok}");
        }
        for bad in [
            "http://example.com",
            "file:///etc/passwd",
            "https://user:pw@example.com/",
            "https:///path",
            "https://example.com/a b",
            "https://example.com/\"; rm -rf ~",
            "javascript:alert(1)",
        ] {
            assert!(openable(bad).is_err(), "{bad}");
        }
    }
}
