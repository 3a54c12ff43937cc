//! The testkit's corpus of broken inputs, opened and pushed: each gives one printable line with
//! a code, never a panic, and never a tag in the registry.

use std::sync::Arc;

use lading_oci::cache::BlobCache;
use lading_oci::push::{push_image, PushOptions};
use lading_oci::source::Source;
use lading_oci::{ClientOptions, RegistryClient};
use lading_testkit::{corpus, Registry};

#[tokio::test]
async fn every_broken_input_gives_one_line_and_writes_no_tag() {
    let registry = Registry::start();
    let client = RegistryClient::new(&registry.host(), ClientOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cases = corpus::write(dir.path());
    assert!(cases.len() >= 15);
    for (n, case) in cases.iter().enumerate() {
        let repository = format!("corpus/case{n}");
        let outcome = match Source::open(&case.path, dir.path()) {
            Err(e) => Err(("open", e)),
            Ok(source) => {
                let mut failed = None;
                for image in &source.images {
                    let options = PushOptions {
                        cache: Arc::new(BlobCache::in_memory()),
                        ..Default::default()
                    };
                    if let Err(e) =
                        push_image(&client, &repository, &["1".into()], image, &options).await
                    {
                        failed = Some(e);
                    }
                }
                failed.map_or(Ok(()), |e| Err(("push", e)))
            }
        };
        let (stage, err) = match outcome {
            Ok(()) => panic!("{}: opened and pushed", case.name),
            Err(e) => e,
        };
        let message = err.to_string();
        eprintln!("{:36} {stage:4} {:16} {message}", case.name, err.code());
        assert!(
            !message
                .chars()
                .any(|c| c.is_control() || c == char::REPLACEMENT_CHARACTER),
            "{}: {message:?}",
            case.name
        );
        assert!(message.len() < 500, "{}: {message}", case.name);
        assert!(
            [
                "invalid_source",
                "invalid_manifest",
                "digest_mismatch",
                "invalid_reference",
                "io"
            ]
            .contains(&err.code()),
            "{}: {} {message}",
            case.name,
            err.code()
        );
        assert!(
            client
                .head_manifest(&repository, "1")
                .await
                .unwrap()
                .is_none(),
            "{}: no tag may be written",
            case.name
        );
    }
}
