//! Where an export goes, checked before it is queued: the page sends a path as typed, so a
//! relative one is taken from the home folder (never the process's working folder), and what is
//! wrong with it is said at the field — a missing folder, a folder where a file goes, a file
//! that would be replaced — instead of later, in the queue, under a temporary file's name.

use std::path::{Path, PathBuf};

use crate::error::{Code, Error, Result};
use crate::view::DestinationView;

/// The user's home folder (`HOME`, or `USERPROFILE` on Windows).
fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
}

/// `path` as typed, made absolute: `~/x` and `x` are under the home folder.
pub fn resolve(path: &str) -> Result<PathBuf> {
    let typed = path.trim();
    if typed.is_empty() {
        return Err(Error::new(
            Code::InvalidPath,
            "give a file or folder to export to",
        ));
    }
    let typed = Path::new(typed);
    if typed.is_absolute() {
        return Ok(typed.to_owned());
    }
    let home = home().ok_or_else(|| {
        Error::new(
            Code::InvalidPath,
            format!(
                "{} is not a full path, and there is no home folder to put it in",
                typed.display()
            ),
        )
    })?;
    Ok(match typed.strip_prefix("~") {
        Ok(rest) => home.join(rest),
        Err(_) => home.join(typed),
    })
}

/// What exporting as `format` to `path` would do, or why it cannot.
pub fn check(path: &str, format: &str) -> Result<DestinationView> {
    let resolved = resolve(path)?;
    let shown = resolved.display().to_string();
    let view = |replaces: bool, problem: Option<String>| DestinationView {
        path: shown.clone(),
        replaces,
        problem,
    };
    let folder = resolved.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(folder) = folder {
        if !folder.is_dir() {
            return Ok(view(
                false,
                Some(format!("the folder {} does not exist", folder.display())),
            ));
        }
    }
    match format {
        "docker-archive" if resolved.is_dir() => Ok(view(
            false,
            Some(format!(
                "{shown} is a folder; a docker archive is a file (add a name such as image.tar)"
            )),
        )),
        "docker-archive" => Ok(view(resolved.exists(), None)),
        "oci-layout" => Ok(match lading_oci::check_layout_folder(&resolved) {
            Ok(()) => view(false, None),
            Err(e) => view(false, Some(e.to_string())),
        }),
        other => Err(Error::new(
            Code::InvalidFormat,
            format!("format {other:?} is not docker-archive or oci-layout"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_what_an_export_would_do_before_it_is_queued() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name).display().to_string();
        std::fs::write(dir.path().join("old.tar"), b"the user's").unwrap();
        std::fs::create_dir(dir.path().join("photos")).unwrap();
        std::fs::write(dir.path().join("photos/cat.jpg"), b"meow").unwrap();

        let fresh = check(&at("new.tar"), "docker-archive").unwrap();
        assert_eq!((fresh.replaces, fresh.problem), (false, None));
        assert!(check(&at("old.tar"), "docker-archive").unwrap().replaces);
        let missing = check(&at("nowhere/new.tar"), "docker-archive").unwrap();
        assert_eq!(
            missing.problem.as_deref(),
            Some(format!("the folder {} does not exist", at("nowhere")).as_str())
        );
        let folder = check(&at("photos"), "docker-archive").unwrap();
        assert!(folder
            .problem
            .unwrap()
            .contains("is a folder; a docker archive is a file"));
        let crowded = check(&at("photos"), "oci-layout").unwrap();
        assert!(crowded.problem.unwrap().contains("holds other files"));
        let file = check(&at("old.tar"), "oci-layout").unwrap();
        assert!(file
            .problem
            .unwrap()
            .contains("is a file; an OCI layout is a folder"));
        assert_eq!(check(&at("layout"), "oci-layout").unwrap().problem, None);
        assert_eq!(check("  ", "oci-layout").unwrap_err().code, "invalid_path");
        assert_eq!(check(&at("x"), "zip").unwrap_err().code, "invalid_format");
    }

    #[test]
    fn a_relative_path_is_under_the_home_folder() {
        let home = home().expect("a home folder");
        assert_eq!(
            resolve("images/web.tar").unwrap(),
            home.join("images/web.tar")
        );
        assert_eq!(resolve("~/web.tar").unwrap(), home.join("web.tar"));
        assert_eq!(
            resolve(" /tmp/web.tar ").unwrap(),
            PathBuf::from("/tmp/web.tar")
        );
    }
}
