//! What is asked again and what is not: answers that break off mid-body are asked for anew,
//! a registry that asks us to wait longer than we would is told so at once. Served by the
//! testkit's hostile server: a real registry does not break its answers on demand.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use lading_oci::client::Timeouts;
use lading_oci::{ClientOptions, Credentials, RegistryClient};
use lading_testkit::{Answer, Hostile, Seen};

fn client(host: &str, credentials: Option<Credentials>) -> RegistryClient {
    RegistryClient::new(
        host,
        ClientOptions {
            credentials,
            timeouts: Timeouts {
                idle: Duration::from_secs(1),
                small: Duration::from_secs(5),
            },
            ..Default::default()
        },
    )
    .unwrap()
}

/// Answers the first `broken` requests that `matches` with half the body and a closed
/// connection, the rest with `answer`.
fn breaking(
    broken: usize,
    matches: impl Fn(&Seen) -> bool + Send + Sync + 'static,
    answer: impl Fn(&Seen) -> Answer + Send + Sync + 'static,
) -> Hostile {
    let count = Arc::new(AtomicUsize::new(0));
    Hostile::start(move |seen| {
        let whole = answer(seen);
        if !matches(seen) || count.fetch_add(1, Ordering::SeqCst) >= broken {
            return whole;
        }
        match whole {
            Answer::Respond { body, .. } => Answer::CutAfter {
                declared: body.len() as u64,
                sent: body[..body.len() / 2].to_vec(),
            },
            other => other,
        }
    })
}

#[tokio::test]
async fn a_tags_page_that_breaks_off_is_asked_for_again() {
    let server = breaking(
        2,
        |_| true,
        |_| Answer::json(200, r#"{"name":"team/app","tags":["1.0","1.1","latest"]}"#),
    );
    let tags = client(&server.host(), None).tags("team/app").await.unwrap();
    assert_eq!(tags, ["1.0", "1.1", "latest"]);
    assert_eq!(server.seen().len(), 3, "two broken answers, then the whole");
}

#[tokio::test]
async fn a_manifest_that_keeps_breaking_off_fails_after_four_tries() {
    let manifest = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#;
    let server = breaking(
        usize::MAX,
        |_| true,
        move |_| {
            Answer::json(200, manifest)
                .with("Content-Type", "application/vnd.oci.image.index.v1+json")
        },
    );
    let err = client(&server.host(), None)
        .get_manifest("team/app", "1.0")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "unreachable", "{err}");
    assert_eq!(server.seen().len(), 4, "bounded: {:?}", server.seen());
    // Once whole, the same manifest reads.
    let server = breaking(
        1,
        |_| true,
        move |_| {
            Answer::json(200, manifest)
                .with("Content-Type", "application/vnd.oci.image.index.v1+json")
        },
    );
    let got = client(&server.host(), None)
        .get_manifest("team/app", "1.0")
        .await
        .unwrap();
    assert_eq!(&got.bytes[..], manifest.as_bytes());
}

#[tokio::test]
async fn a_token_answer_that_breaks_off_is_fetched_again() {
    let realm = Arc::new(std::sync::OnceLock::<String>::new());
    let server = {
        let realm = realm.clone();
        breaking(
            1,
            |seen| seen.target.starts_with("/token"),
            move |seen| {
                if seen.target.starts_with("/token") {
                    return Answer::json(200, r#"{"token":"abc","expires_in":300}"#);
                }
                if seen.authorization.as_deref() == Some("Bearer abc") {
                    return Answer::json(200, r#"{"name":"team/app","tags":["1"]}"#);
                }
                Answer::json(401, "{}").with(
                    "WWW-Authenticate",
                    &format!(r#"Bearer realm="{}",service="test""#, realm.get().unwrap()),
                )
            },
        )
    };
    realm
        .set(format!("http://{}/token", server.host()))
        .unwrap();
    let tags = client(&server.host(), None).tags("team/app").await.unwrap();
    assert_eq!(tags, ["1"]);
    let tokens = server
        .seen()
        .iter()
        .filter(|s| s.target.starts_with("/token"))
        .count();
    assert_eq!(tokens, 2, "the broken token answer and the whole one");
}

#[tokio::test]
async fn a_retry_after_longer_than_we_wait_is_reported_at_once() {
    let server = Hostile::start(|_| {
        Answer::json(429, "{}")
            .with("Retry-After", "3600")
            .with("RateLimit-Remaining", "0")
    });
    let started = Instant::now();
    let err = client(&server.host(), None)
        .tags("library/nginx")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "rate_limited", "{err}");
    assert!(err.to_string().contains("try again in 3600 s"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(server.seen().len(), 1, "not asked again within the hour");
}

#[tokio::test]
async fn a_connection_closed_before_the_answer_is_retried_for_reads_only() {
    // The first request is met by a closed connection: a GET is asked again; a DELETE (not
    // safe to repeat blindly: the first may have done it) is reported.
    let count = Arc::new(AtomicUsize::new(0));
    let server = {
        let count = count.clone();
        Hostile::start(move |_| {
            if count.fetch_add(1, Ordering::SeqCst) == 0 {
                Answer::Close
            } else {
                Answer::json(200, r#"{"name":"team/app","tags":["1"]}"#)
            }
        })
    };
    assert_eq!(
        client(&server.host(), None).tags("team/app").await.unwrap(),
        ["1"]
    );
    let server = Hostile::start(|_| Answer::Close);
    let digest = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        .parse()
        .unwrap();
    let err = client(&server.host(), None)
        .delete_manifest("team/app", &digest)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "unreachable", "{err}");
    assert_eq!(server.seen().len(), 1, "a DELETE is sent once");
}
