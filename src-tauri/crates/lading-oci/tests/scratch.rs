//! Compressed archives are decompressed into the folder given, never filling its disk: refused
//! up front when the archive says it will not fit, stopped mid-way when space runs short, and
//! nothing left behind either way.

use std::io::{Read as _, Write};

use lading_oci::source::{available_space, Source};

/// A tar holding one file of `mib` MiB of zeros (tiny once compressed), written through `encode`.
fn zeros_tar<W: Write>(out: W, mib: u64) -> W {
    let mut tar = tar::Builder::new(out);
    let mut header = tar::Header::new_ustar();
    header.set_size(mib << 20);
    header.set_mode(0o644);
    header.set_cksum();
    tar.append_data(&mut header, "zeros.bin", std::io::repeat(0).take(mib << 20))
        .unwrap();
    tar.into_inner().unwrap()
}

fn files_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

#[test]
fn a_gzip_archive_that_would_not_fit_is_refused_before_a_byte_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("big.tar.gz");
    let encoder = flate2::write::GzEncoder::new(
        std::fs::File::create(&archive).unwrap(),
        flate2::Compression::fast(),
    );
    zeros_tar(encoder, 40).finish().unwrap();
    let scratch = dir.path().join("scratch");
    std::fs::create_dir_all(&scratch).unwrap();
    // Leave 10 MiB to use: the 40 MiB the gzip trailer announces do not fit.
    let reserve = available_space(&scratch).unwrap() - (10 << 20);
    let err = Source::open_leaving(&archive, &scratch, reserve).unwrap_err();
    assert_eq!(err.code(), "no_space", "{err}");
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("not enough space in {}", scratch.display()))
            && message.contains("it needs at least"),
        "{message}"
    );
    assert_eq!(files_in(&scratch), 0, "nothing written");
}

#[test]
fn a_zstd_archive_that_outgrows_the_disk_is_stopped_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("big.tar.zst");
    let encoder =
        zstd::stream::write::Encoder::new(std::fs::File::create(&archive).unwrap(), 1).unwrap();
    zeros_tar(encoder, 256).finish().unwrap();
    assert!(std::fs::metadata(&archive).unwrap().len() < 1 << 20);
    let scratch = dir.path().join("scratch");
    std::fs::create_dir_all(&scratch).unwrap();
    // zstd gives no size up front: the first 64 MiB go, then the check stops it.
    let reserve = available_space(&scratch).unwrap() - (100 << 20);
    let err = Source::open_leaving(&archive, &scratch, reserve).unwrap_err();
    assert_eq!(err.code(), "no_space", "{err}");
    assert!(err.to_string().contains("stopped after"), "{err}");
    assert_eq!(files_in(&scratch), 0, "the partial file is removed");
}

#[test]
fn an_archive_that_fits_is_decompressed_into_the_folder_given_and_removed_with_the_source() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("app.tar");
    lading_testkit::images::write_docker_archive(
        &plain,
        &[lading_testkit::images::DockerArchiveImage {
            repo_tags: vec!["app:1".into()],
            layers: vec![lading_testkit::images::layer_tar(&[
                lading_testkit::images::TestFile {
                    path: "a.txt",
                    content: b"a",
                },
            ])],
            architecture: "amd64".into(),
        }],
    );
    let archive = dir.path().join("app.tar.gz");
    let mut encoder = flate2::write::GzEncoder::new(
        std::fs::File::create(&archive).unwrap(),
        flate2::Compression::fast(),
    );
    encoder.write_all(&std::fs::read(&plain).unwrap()).unwrap();
    encoder.finish().unwrap();
    let scratch = dir.path().join("scratch");
    let source = Source::open(&archive, &scratch).unwrap();
    assert_eq!(source.images.len(), 1);
    assert_eq!(files_in(&scratch), 1);
    drop(source);
    assert_eq!(files_in(&scratch), 0);
}
