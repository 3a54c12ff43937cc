//! Registries that misbehave: each test is named for what it stops. Served by the testkit's
//! hostile server, since a real registry will not stall, loop or point elsewhere on demand.

use std::time::{Duration, Instant};

use lading_oci::client::Timeouts;
use lading_oci::{ClientOptions, Credentials, Digest, RegistryClient};
use lading_testkit::{Answer, Hostile};

fn client(host: &str, credentials: Option<Credentials>) -> RegistryClient {
    RegistryClient::new(
        host,
        ClientOptions {
            credentials,
            timeouts: Timeouts {
                idle: Duration::from_secs(1),
                small: Duration::from_secs(2),
            },
            ..Default::default()
        },
    )
    .unwrap()
}

fn dev() -> Option<Credentials> {
    Some(Credentials {
        username: "dev".into(),
        password: "s3cret".into(),
    })
}

#[tokio::test]
async fn a_registry_that_never_answers_fails_within_the_small_request_deadline() {
    let server = Hostile::start(|_| Answer::Stall);
    let started = Instant::now();
    let err = client(&server.host(), None)
        .tags("team/app")
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.code(), "unreachable", "{err}");
    let message = err.to_string();
    assert!(
        message.contains(&server.host()) && message.contains("did not answer within 2 s"),
        "{message}"
    );
    assert!(
        took < Duration::from_secs(3),
        "took {took:?}: the deadline covers every attempt"
    );
    assert!(
        server.seen().len() <= 2,
        "asked again only while the deadline allowed: {:?}",
        server.seen()
    );
}

#[tokio::test]
async fn a_blob_that_never_sends_its_body_fails_within_the_idle_timeout() {
    let server = Hostile::start(|seen| {
        if seen.target.contains("/blobs/") {
            Answer::StallAfter {
                declared: 1 << 20,
                sent: vec![],
            }
        } else {
            Answer::json(200, "{}")
        }
    });
    let digest: Digest = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        .parse()
        .unwrap();
    let started = Instant::now();
    let err = client(&server.host(), None)
        .get_blob_bytes("team/app", &digest)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("stalled: no data for 1 s"),
        "{err}"
    );
    let took = started.elapsed();
    assert!(took < Duration::from_millis(1800), "{took:?}");
    assert_eq!(server.seen().len(), 1, "not asked again");
}

/// A stall after some bytes is resumed once (a dead flow on a real network looks like this);
/// a resumed answer that brings nothing new ends it.
#[tokio::test]
async fn a_blob_that_stalls_mid_body_is_resumed_then_given_up() {
    let server = Hostile::start(|seen| {
        if seen.target.contains("/blobs/") {
            Answer::StallAfter {
                declared: 1 << 20,
                sent: vec![7; 100],
            }
        } else {
            Answer::json(200, "{}")
        }
    });
    let digest: Digest = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        .parse()
        .unwrap();
    let started = Instant::now();
    let err = client(&server.host(), None)
        .get_blob_bytes("team/app", &digest)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "unreachable", "{err}");
    assert!(
        err.to_string().contains("stalled: no data for 1 s"),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.seen().len(), 2, "the first answer and one resume");
}

#[tokio::test]
async fn a_pagination_loop_ends_at_once() {
    // The cloudflare serverless-registry bug: every page names the same next page.
    let server = Hostile::start(|_| {
        Answer::json(200, r#"{"name":"team/app","tags":["a"]}"#)
            .with("Link", r#"</v2/team/app/tags/list?last=a>; rel="next""#)
    });
    let started = Instant::now();
    let err = client(&server.host(), None)
        .tags("team/app")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "refused", "{err}");
    assert!(err.to_string().contains("loops"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(
        server.seen().len(),
        2,
        "the first page and the next; the repeat is never asked for"
    );
}

/// A registry that wants basic credentials, as distribution's htpasswd does.
fn basic_registry(
    answer: impl Fn(&lading_testkit::Seen) -> Answer + Send + Sync + 'static,
) -> Hostile {
    Hostile::start(move |seen| match &seen.authorization {
        None => Answer::json(401, "{}").with("WWW-Authenticate", r#"Basic realm="test""#),
        Some(_) => answer(seen),
    })
}

#[tokio::test]
async fn credentials_never_follow_a_link_or_location_to_another_origin() {
    let elsewhere = Hostile::start(|seen| match seen.method.as_str() {
        "PUT" => Answer::json(201, "{}"),
        _ => Answer::json(200, r#"{"repositories":["stolen"]}"#),
    });
    let foreign = elsewhere.url();
    let shown = foreign.clone();
    let registry = basic_registry(move |seen| {
        if seen.target.starts_with("/v2/_catalog") {
            Answer::json(200, r#"{"repositories":["a"]}"#).with(
                "Link",
                &format!(r#"<{foreign}/v2/_catalog?last=a>; rel="next""#),
            )
        } else if seen.method == "POST" {
            Answer::json(202, "{}").with("Location", &format!("{foreign}/upload/1"))
        } else {
            Answer::json(200, "{}")
        }
    });
    let client = client(&registry.host(), dev());

    let err = client.catalog().await.unwrap_err();
    assert_eq!(err.code(), "refused", "{err}");
    assert!(err.to_string().contains("another origin"), "{err}");
    assert!(
        elsewhere.seen().is_empty(),
        "the foreign page was not even asked for"
    );

    // An upload the registry hands to another origin goes there without our credentials.
    let data = bytes::Bytes::from_static(b"hello");
    let digest = Digest::sha256_of(&data);
    client
        .push_blob_bytes("team/app", &digest, data)
        .await
        .unwrap();
    let put = elsewhere.seen();
    assert_eq!(put.len(), 1, "{put:?}");
    assert_eq!(put[0].method, "PUT");
    assert_eq!(put[0].authorization, None, "credentials went to {shown}");
    assert!(
        registry.seen().iter().any(|s| s.authorization.is_some()),
        "the registry itself got them"
    );
}

#[tokio::test]
async fn an_absurd_token_lifetime_neither_panics_nor_poisons_the_client() {
    let realm = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let for_handler = realm.clone();
    let server = Hostile::start(move |seen| {
        if seen.target.starts_with("/token") {
            Answer::json(
                200,
                r#"{"token":"t0k3n","expires_in":18446744073709551615}"#,
            )
        } else if seen.authorization.as_deref() == Some("Bearer t0k3n") {
            Answer::json(200, r#"{"name":"team/app","tags":["1"]}"#)
        } else {
            let realm = for_handler.get().cloned().unwrap_or_default();
            Answer::json(401, "{}").with(
                "WWW-Authenticate",
                &format!(r#"Bearer realm="{realm}/token",service="x""#),
            )
        }
    });
    realm.set(server.url()).unwrap();
    let client = client(&server.host(), None);
    for _ in 0..3 {
        assert_eq!(client.tags("team/app").await.unwrap(), ["1"]);
    }
    let tokens = server
        .seen()
        .iter()
        .filter(|s| s.target.starts_with("/token"))
        .count();
    assert_eq!(tokens, 1, "the token is kept (for a day at most)");
}

#[tokio::test]
async fn oversized_and_endless_answers_are_cut_off_at_their_bound() {
    // A manifest that says it is 100 MiB; a tags page with no length that never ends (declared
    // long, sent in full up to the bound and past it); an error answer of 10 MiB.
    let server = Hostile::start(|seen| {
        if seen.target.contains("/manifests/") {
            Answer::StallAfter {
                declared: 100 << 20,
                sent: vec![b' '; 1024],
            }
        } else if seen.target.contains("/tags/list") {
            let mut body = br#"{"tags":[""#.to_vec();
            body.resize(17 << 20, b'a');
            Answer::Respond {
                status: 200,
                headers: vec![],
                body,
            }
        } else {
            Answer::Respond {
                status: 500,
                headers: vec![],
                body: vec![b'x'; 10 << 20],
            }
        }
    });
    let client = client(&server.host(), None);
    let started = Instant::now();
    let manifest = client.get_manifest("team/app", "1").await.unwrap_err();
    assert_eq!(manifest.code(), "invalid_manifest", "{manifest}");
    assert!(
        manifest.to_string().contains("larger than 4096 KiB"),
        "{manifest}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "refused on the declared size"
    );
    let tags = client.tags("team/app").await.unwrap_err();
    assert!(
        tags.to_string().contains("a tags page is larger than"),
        "{tags}"
    );
    let error = client.catalog().await.unwrap_err();
    assert_eq!(error.code(), "registry_error", "{error}");
    assert!(
        error.to_string().len() < 500,
        "one line, not the body: {error}"
    );
}

/// A blob server whose first answer breaks off after `cut` bytes; a resumed request is answered
/// with the rest (`honour_range`) or the whole blob again.
fn breaking_blob_server(blob: Vec<u8>, cut: usize, honour_range: bool) -> Hostile {
    Hostile::start(move |seen| {
        if !seen.target.contains("/blobs/") {
            return Answer::json(200, "{}");
        }
        match seen.range.as_deref().and_then(|r| r.strip_prefix("bytes=")) {
            None => Answer::CutAfter {
                declared: blob.len() as u64,
                sent: blob[..cut].to_vec(),
            },
            Some(range) if honour_range => {
                let from: usize = range.trim_end_matches('-').parse().unwrap();
                Answer::Respond {
                    status: 206,
                    headers: vec![(
                        "Content-Range".into(),
                        format!("bytes {from}-{}/{}", blob.len() - 1, blob.len()),
                    )],
                    body: blob[from..].to_vec(),
                }
            }
            Some(_) => Answer::Respond {
                status: 200,
                headers: vec![],
                body: blob.clone(),
            },
        }
    })
}

#[tokio::test]
async fn a_download_that_breaks_off_resumes_from_the_last_byte_received() {
    let blob = lading_testkit::images::noise(3 << 20, 9);
    let digest = Digest::sha256_of(&blob);
    for honour_range in [true, false] {
        let server = breaking_blob_server(blob.clone(), 1 << 20, honour_range);
        let got = client(&server.host(), None)
            .get_blob_bytes("team/app", &digest)
            .await
            .unwrap_or_else(|e| panic!("range honoured: {honour_range}: {e}"));
        assert!(
            got == blob,
            "the bytes are the blob's (range honoured: {honour_range})"
        );
        let ranges: Vec<_> = server
            .seen()
            .iter()
            .filter_map(|s| s.range.clone())
            .collect();
        assert_eq!(ranges.len(), 1, "{ranges:?}");
        assert!(
            ranges[0].starts_with("bytes=") && ranges[0] != "bytes=0-",
            "{ranges:?}"
        );
    }
}

#[tokio::test]
async fn a_download_that_keeps_breaking_gives_up_after_three_resumes() {
    let blob = lading_testkit::images::noise(1 << 20, 3);
    let digest = Digest::sha256_of(&blob);
    let cut = blob[..1000].to_vec();
    let server = Hostile::start(move |_| Answer::CutAfter {
        declared: 1 << 20,
        sent: cut.clone(),
    });
    let err = client(&server.host(), None)
        .get_blob_bytes("team/app", &digest)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "unreachable", "{err}");
    assert!(err.to_string().contains("broke off"), "{err}");
    assert_eq!(
        server.seen().len(),
        4,
        "the first request and three resumes"
    );
}

#[tokio::test]
async fn a_rate_limit_is_retried_then_named_with_its_numbers() {
    let server = Hostile::start(|_| {
        Answer::json(429, r#"{"errors":[{"code":"TOOMANYREQUESTS"}]}"#)
            .with("RateLimit-Limit", "100;w=21600")
            .with("RateLimit-Remaining", "0;w=21600")
            .with("Retry-After", "0")
    });
    let err = client(&server.host(), None)
        .tags("library/nginx")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "rate_limited", "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "{} asks us to slow down (429 Too Many Requests): 0 of 100 pulls left per 6 h; try again in 0 s. Anonymous pulls are limited per address; signing in usually raises the limit",
            server.host()
        )
    );
    assert_eq!(
        server.seen().len(),
        4,
        "bounded: the first try and three more"
    );
}

#[tokio::test]
async fn a_blob_is_held_to_the_size_its_descriptor_gives() {
    let blob = lading_testkit::images::noise(5000, 4);
    let digest = Digest::sha256_of(&blob);
    let server = Hostile::start(move |_| Answer::Respond {
        status: 200,
        headers: vec![],
        body: blob.clone(),
    });
    let client = client(&server.host(), None);
    // A descriptor that says 1,000 bytes: the registry's 5,000 are refused before any is read.
    let err = match client
        .get_blob("team/app", &digest)
        .await
        .unwrap()
        .expect_size(1000)
    {
        Ok(_) => panic!("a 5,000-byte answer for a 1,000-byte blob was taken"),
        Err(e) => e,
    };
    assert!(
        err.to_string().contains("more bytes than the 1000"),
        "{err}"
    );
    // A descriptor that says more: the download ends short and says so.
    let mut short = client
        .get_blob("team/app", &digest)
        .await
        .unwrap()
        .expect_size(5000)
        .unwrap();
    while short.chunk().await.unwrap().is_some() {}
    let mut long = client.get_blob("team/app", &digest).await.unwrap();
    long.size = None; // as if the registry had sent no Content-Length
    let mut long = long.expect_size(6000).unwrap();
    let err = loop {
        match long.chunk().await {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("a short blob passed"),
            Err(e) => break e,
        }
    };
    assert!(
        err.to_string().contains("fewer bytes than the 6000"),
        "{err}"
    );
    // No Content-Length and more bytes than declared: stopped at the first byte past it.
    let mut endless = client.get_blob("team/app", &digest).await.unwrap();
    endless.size = None;
    let mut endless = endless.expect_size(1000).unwrap();
    let err = endless.chunk().await.unwrap_err();
    assert!(
        err.to_string().contains("more bytes than the 1000"),
        "{err}"
    );
}
