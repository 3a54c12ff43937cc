//! A repository's manifests, read for its tag list: the rows the window shows first, then the
//! rest in the order the window lists them. On a registry that meters pulls (Docker Hub counts
//! every manifest GET) only the rows in view are read until the user asks for all; there a HEAD
//! (not counted) comes first, so a digest already read is not fetched again.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use futures_util::stream::{self, StreamExt};
use lading_oci::client::RateLimit;
use lading_oci::RegistryClient;
use tokio::sync::{Notify, OnceCell};

use crate::error::{Code, Error, Result};
use crate::rows::image_row;
use crate::view::ImageRow;

/// How many manifests are read at once. (The CNCF registry on this machine serves ~1,300
/// manifests/s at 32 in flight, ~1,000/s at 8; 16 is close to the top without flooding a remote
/// registry.)
const MANIFEST_FETCHES: usize = 16;

/// Where a listing's rows go (the batcher that streams them to the window).
pub(crate) trait ImageSink: Send {
    /// Every tag, before their manifests are read (registries that only list tags).
    fn tags(&mut self, tags: &[String]);
    fn row(&mut self, row: ImageRow);
    /// A tag whose manifest could not be read; the listing goes on.
    fn tag_failed(&mut self, tag: String, message: String);
    /// A page is complete: a good moment to pass rows on.
    fn flush(&mut self);
    /// A newer listing replaced this one: stop reading.
    fn superseded(&self) -> bool;
    /// Every row in view is read and the rest wait for the user (a metered registry).
    fn paused(&mut self, unread: u32);
    /// The registry reported its pull limit (anew).
    fn rate_limit(&mut self, limit: RateLimit);
}

/// `build-9` before `build-10`: runs of digits compare as numbers, the rest as text — the order
/// the window sorts tags in, so the first screen is read first even before it says which rows
/// it shows.
pub(crate) fn natural_order(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let run = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, nb) = (run(a), run(b));
                // Leading zeros do not count (one zero stays, so "0" is a number).
                let strip = |s: &[u8]| -> usize {
                    s.iter()
                        .take_while(|&&c| c == b'0')
                        .count()
                        .min(s.len() - 1)
                };
                let (da, db) = (&a[strip(&a[..na])..na], &b[strip(&b[..nb])..nb]);
                let by_value = da.len().cmp(&db.len()).then_with(|| da.cmp(db));
                if by_value != Ordering::Equal {
                    return by_value;
                }
                (a, b) = (&a[na..], &b[nb..]);
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                (a, b) = (&a[1..], &b[1..]);
            }
        }
    }
}

/// The tags still to read, in the order they should be: the ones in view (as the window last
/// said), then — unless the registry meters pulls and the user has not asked — the rest.
#[derive(Default)]
pub struct TagQueue {
    state: Mutex<QueueState>,
    changed: Notify,
}

#[derive(Default)]
struct QueueState {
    rest: VecDeque<String>,
    priority: VecDeque<String>,
    /// Tags not taken yet (in `rest`, perhaps also in `priority`).
    queued: HashSet<String>,
    read_all: bool,
    /// The user asked for every row: a metered registry does not stop it.
    asked_all: bool,
    in_flight: usize,
    /// `Paused` was said since the last tag was taken.
    announced: bool,
}

enum Take {
    Tag(String),
    Paused(usize),
    Finished,
}

impl QueueState {
    fn pop(&mut self) -> Option<String> {
        while let Some(tag) = self.priority.pop_front() {
            if self.queued.remove(&tag) {
                return Some(tag);
            }
        }
        if self.read_all {
            while let Some(tag) = self.rest.pop_front() {
                if self.queued.remove(&tag) {
                    return Some(tag);
                }
            }
        }
        None
    }
}

impl TagQueue {
    fn lock(&self) -> std::sync::MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn fill(&self, tags: &[String], read_all: bool) {
        let mut s = self.lock();
        s.rest = tags.iter().cloned().collect();
        s.queued = tags.iter().cloned().collect();
        s.read_all = read_all || s.asked_all;
    }

    /// The tags the window shows now: read before any other (the previous view's are not).
    pub fn prioritize(&self, tags: &[String]) {
        // Checked against `queued` when taken: a tag read meanwhile is skipped then.
        self.lock().priority = tags.iter().cloned().collect();
        self.changed.notify_waiters();
    }

    /// The user asked for every row, metered or not.
    pub fn read_all(&self) {
        let mut s = self.lock();
        s.asked_all = true;
        s.read_all = true;
        drop(s);
        self.changed.notify_waiters();
    }

    /// The registry turned out to meter pulls: only rows in view from now on, unless asked.
    fn meter(&self) {
        let mut s = self.lock();
        s.read_all = s.asked_all;
    }

    async fn take(&self) -> Take {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            // Listening before looking, so a change in between is not missed.
            notified.as_mut().enable();
            {
                let mut s = self.lock();
                if let Some(tag) = s.pop() {
                    s.in_flight += 1;
                    s.announced = false;
                    return Take::Tag(tag);
                }
                if s.queued.is_empty() {
                    return Take::Finished;
                }
                if s.in_flight == 0 && !s.announced {
                    s.announced = true;
                    return Take::Paused(s.queued.len());
                }
            }
            notified.await;
        }
    }

    fn finished_one(&self) {
        self.lock().in_flight -= 1;
        self.changed.notify_waiters();
    }
}

enum Item {
    Read(String, Box<Result<ImageRow>>),
    Paused(usize),
}

/// The image a referrers-schema index (`sha256-<hex>`) or a cosign tag (`….sig`, `.att`,
/// `.sbom`) belongs to, from its name.
fn subject_in_tag(tag: &str) -> Option<String> {
    let rest = tag.strip_prefix("sha256-")?;
    let hex = rest
        .strip_suffix(".sig")
        .or_else(|| rest.strip_suffix(".att"))
        .or_else(|| rest.strip_suffix(".sbom"))
        .unwrap_or(rest);
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then(|| format!("sha256:{hex}"))
}

/// Rows by digest, each read once however many tags (and workers at once) ask for it.
type Known = Mutex<HashMap<String, Arc<OnceCell<ImageRow>>>>;

/// Reads the row of `tag`. Where pulls are metered: HEAD (free) for the digest, and the
/// manifest only for a digest not read yet (or being read: its reader is waited for).
async fn read_row(
    client: &RegistryClient,
    repository: &str,
    tag: &str,
    known: &Known,
) -> Result<ImageRow> {
    if !client.meters_pulls() {
        return Ok(image_row(&client.get_manifest(repository, tag).await?)?);
    }
    let head = client
        .head_manifest(repository, tag)
        .await?
        .ok_or_else(|| {
            Error::new(
                Code::NotFound,
                format!("{repository}:{tag} is gone (deleted since the tag list was read)"),
            )
        })?;
    let digest = head.digest.to_string();
    let cell = known
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .entry(digest.clone())
        .or_default()
        .clone();
    let row = cell
        .get_or_try_init(|| async {
            let manifest = client.get_manifest(repository, &digest).await?;
            Ok::<_, Error>(image_row(&manifest)?)
        })
        .await?;
    Ok(row.clone())
}

/// Lists the tags of `repository`, then reads their manifests as `queue` orders them, each
/// row to `sink`. Returns how many tags could not be read.
pub(crate) async fn read_tagged(
    client: &RegistryClient,
    repository: &str,
    queue: &TagQueue,
    sink: &mut dyn ImageSink,
) -> Result<u32> {
    let mut tags = client.tags(repository).await?;
    // The CNCF registry lists tags in no particular order.
    tags.sort_by(|a, b| natural_order(a, b));
    sink.tags(&tags);
    queue.fill(&tags, !client.meters_pulls());
    let known = Known::default();
    let workers = (0..MANIFEST_FETCHES.min(tags.len().max(1))).map(|_| {
        Box::pin(stream::unfold((), |()| async {
            match queue.take().await {
                Take::Tag(tag) => {
                    let row = read_row(client, repository, &tag, &known).await;
                    queue.finished_one();
                    Some((Item::Read(tag, Box::new(row)), ()))
                }
                Take::Paused(unread) => Some((Item::Paused(unread), ())),
                Take::Finished => None,
            }
        }))
    });
    let mut items = stream::select_all(workers);
    let mut reported: Option<RateLimit> = None;
    let mut failed = 0;
    while let Some(item) = items.next().await {
        if sink.superseded() {
            return Err(Error::new(
                Code::ListingSuperseded,
                "a newer listing replaced this one",
            ));
        }
        match item {
            Item::Read(tag, read) => match *read {
                Ok(mut row) => {
                    if row.subject.is_none() {
                        row.subject = subject_in_tag(&tag);
                    }
                    row.tags = vec![tag];
                    sink.row(row);
                }
                // Gone between the tag list and the manifest read: say so, keep listing.
                Err(e) if matches!(e.code, Code::NotFound | Code::InvalidManifest) => {
                    failed += 1;
                    sink.tag_failed(tag, e.message);
                }
                Err(e) => return Err(e),
            },
            Item::Paused(unread) => {
                sink.flush();
                sink.paused(unread as u32);
            }
        }
        if let Some(limit) = client.rate_limit() {
            if reported != Some(limit) {
                if reported.is_none() {
                    queue.meter();
                }
                reported = Some(limit);
                sink.rate_limit(limit);
            }
        }
    }
    Ok(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosign_and_schema_tags_name_their_image() {
        let hex = "ab".repeat(32);
        for tag in [
            format!("sha256-{hex}"),
            format!("sha256-{hex}.sig"),
            format!("sha256-{hex}.att"),
        ] {
            assert_eq!(subject_in_tag(&tag), Some(format!("sha256:{hex}")), "{tag}");
        }
        assert_eq!(subject_in_tag("sha256-abc.sig"), None);
        assert_eq!(subject_in_tag("1.0"), None);
    }

    #[test]
    fn tags_sort_as_the_window_lists_them() {
        let mut tags = vec![
            "build-10",
            "build-9",
            "build-100",
            "1.10.0",
            "1.9.2",
            "latest",
            "build-09",
            "v2",
            "v10",
            "1.9",
        ];
        tags.sort_by(|a, b| natural_order(a, b));
        assert_eq!(
            tags,
            [
                "1.9",
                "1.9.2",
                "1.10.0",
                "build-9",
                "build-09",
                "build-10",
                "build-100",
                "latest",
                "v2",
                "v10"
            ]
        );
    }

    #[tokio::test]
    async fn rows_in_view_come_first_and_a_metered_queue_waits_for_the_user() {
        let tags: Vec<String> = (0..10).map(|i| format!("t{i}")).collect();
        let queue = TagQueue::default();
        queue.prioritize(&["t7".into(), "t3".into()]);
        queue.fill(&tags, false);
        let mut order = Vec::new();
        for _ in 0..2 {
            let Take::Tag(tag) = queue.take().await else {
                panic!("a tag in view is read")
            };
            order.push(tag);
            queue.finished_one();
        }
        assert_eq!(order, ["t7", "t3"]);
        // Metered: nothing else is read; the pause is said once.
        assert!(matches!(queue.take().await, Take::Paused(8)));
        let waiting = tokio::time::timeout(std::time::Duration::from_millis(50), queue.take());
        assert!(
            waiting.await.is_err(),
            "a second pause, or a tag nobody asked for"
        );
        // The view moves: its tags are read, then pause again.
        queue.prioritize(&["t3".into(), "t9".into()]);
        assert!(matches!(queue.take().await, Take::Tag(t) if t == "t9"));
        queue.finished_one();
        assert!(matches!(queue.take().await, Take::Paused(7)));
        // "Read all": the rest in order, then finished.
        queue.read_all();
        let mut rest = Vec::new();
        while let Take::Tag(tag) = queue.take().await {
            rest.push(tag);
            queue.finished_one();
        }
        assert_eq!(rest, ["t0", "t1", "t2", "t4", "t5", "t6", "t8"]);
    }
}
