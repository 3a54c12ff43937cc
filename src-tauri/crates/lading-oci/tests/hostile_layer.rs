//! Layers built to exhaust memory when their files are listed: millions of entries, or names
//! of tens of KiB each. Listing stops at its bounds with one line, and takes less than 100 MB
//! while it runs: the peak resident memory (reset just before, Linux's `clear_refs`) above what
//! was resident before (a debug test binary alone is ~110 MB resident).
#![cfg(target_os = "linux")]

use std::io::Write;

use lading_oci::layer_files::read_local_layer;
use lading_oci::source::FileRange;

/// `VmRSS` or `VmHWM` (the peak since the last reset) of this process, in MiB.
fn status_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with(field))
        .unwrap_or_else(|| panic!("{field} in /proc/self/status"));
    let kib: f64 = line[field.len() + 1..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .unwrap();
    kib / 1024.0
}

/// The most memory `work` took above what was resident before it, in MiB.
fn peak_growth_mib<T>(work: impl FnOnce() -> T) -> (T, f64) {
    std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak RSS");
    let before = status_mib("VmRSS:");
    let out = work();
    (out, status_mib("VmHWM:") - before)
}

/// A gzipped tar of `count` empty files named by `name`, streamed to disk.
fn hostile_layer(path: &std::path::Path, count: usize, name: impl Fn(usize) -> String) {
    let file = std::fs::File::create(path).unwrap();
    let gz =
        flate2::write::GzEncoder::new(std::io::BufWriter::new(file), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    for n in 0..count {
        let mut header = tar::Header::new_gnu();
        header.set_size(0);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        // Long names go as GNU long-name records, as real tools write them.
        tar.append_data(&mut header, name(n), std::io::empty())
            .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap().flush().unwrap();
}

const LAYERS_DIR: &str = "LADING_TEST_HOSTILE_LAYERS_DIR";

/// Run by the test below in a child process (writing a tar takes memory of its own, which
/// would hide the listing's in the peak).
#[test]
#[ignore = "a helper the next test runs in a child process"]
fn write_hostile_layers() {
    let Some(dir) = std::env::var_os(LAYERS_DIR) else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    hostile_layer(&dir.join("many.tar.gz"), 600_000, |n| format!("d/{n:07}"));
    hostile_layer(&dir.join("long.tar.gz"), 1_000, |n| {
        format!("{n:04}/{}", "x".repeat(60_000))
    });
    hostile_layer(&dir.join("big.tar.gz"), 200_000, |n| {
        format!("usr/lib/{n:07}.so")
    });
}

fn range(path: std::path::PathBuf) -> FileRange {
    let len = std::fs::metadata(&path).unwrap().len();
    FileRange {
        path,
        offset: 0,
        len,
    }
}

#[test]
fn hostile_layers_are_listed_within_their_bounds_in_under_100_mb() {
    let dir = tempfile::tempdir().unwrap();
    let written = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "write_hostile_layers", "--ignored", "--quiet"])
        .env(LAYERS_DIR, dir.path())
        .status()
        .unwrap();
    assert!(written.success());

    let many = range(dir.path().join("many.tar.gz"));
    let (listed, took) = peak_growth_mib(|| read_local_layer(&many));
    let err = listed.unwrap_err();
    eprintln!(
        "600,000 entries ({} KiB gzipped): {err}; {took:.1} MiB",
        many.len >> 10
    );
    assert!(
        err.to_string().contains("more than 500000 entries"),
        "{err}"
    );
    assert_eq!(err.to_string().lines().count(), 1);
    assert!(took < 100.0, "{took:.1} MiB");

    let long = range(dir.path().join("long.tar.gz"));
    let (listed, took) = peak_growth_mib(|| read_local_layer(&long));
    let err = listed.unwrap_err();
    eprintln!(
        "1,000 names of 60 KB ({} KiB gzipped): {err}; {took:.1} MiB",
        long.len >> 10
    );
    assert!(
        err.to_string()
            .contains("file names come to more than 48 MiB"),
        "{err}"
    );
    assert!(took < 100.0, "{took:.1} MiB");

    // Within the bounds, a big honest layer lists whole.
    let big = range(dir.path().join("big.tar.gz"));
    let (listed, took) = peak_growth_mib(|| read_local_layer(&big));
    eprintln!("200,000 files: {took:.1} MiB");
    assert_eq!(listed.unwrap().len(), 200_000);
}
