//! Listings: a registry's repositories, a repository's tags, and its images streamed to the
//! window as they are read — kept per registry and repository until the next refresh.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use crate::error::{Code, Error, Result};
use lading_config::RegistryKind;
use lading_oci::reference::repository_in;

use crate::manifest_reads::{ImageSink, TagQueue};
use crate::registry::host_of;
use crate::view::{ImageListEvent, ImageRow, RepositoryList, RepositoryView};
use crate::AppState;

/// A batch of rows goes to the UI when it is this big or this old, whichever comes first: the
/// early ones soon (they hold the rows on screen: the bench measured the first 40 reaching the page
/// at ~90 ms, then the screen waiting a whole 250 ms for the rest), later ones seldom enough that
/// the window is not kept redrawing a long table while the registry is read.
const BATCH_ROWS: usize = 500;
const BATCH_AGE: Duration = Duration::from_millis(250);
const EARLY_BATCH_ROWS: usize = 40;
const EARLY_BATCH_AGE: Duration = Duration::from_millis(30);
/// Rows sent in early batches: a tall window's screen with its overscan.
const EARLY_ROWS: usize = 200;

/// (registry id, repository) → its rows.
type Listings = HashMap<(String, String), Arc<Vec<ImageRow>>>;

/// Rows kept until the next refresh, per registry and repository.
#[derive(Default)]
pub struct ListingCache {
    listings: std::sync::Mutex<Listings>,
    /// Bumped by every listing; an older listing still reading manifests stops when it sees a newer
    /// one (the user moved on, so nobody is waiting for it).
    generation: AtomicU64,
    /// The tag queue of each listing under way, for the window to say which rows it shows.
    queues: std::sync::Mutex<HashMap<(String, String), Weak<TagQueue>>>,
}

impl ListingCache {
    pub(crate) fn get(&self, id: &str, repository: &str) -> Option<Arc<Vec<ImageRow>>> {
        let listings = self.listings.lock().unwrap_or_else(|p| p.into_inner());
        listings
            .get(&(id.to_owned(), repository.to_owned()))
            .cloned()
    }

    fn put(&self, id: &str, repository: &str, rows: Arc<Vec<ImageRow>>) {
        let mut listings = self.listings.lock().unwrap_or_else(|p| p.into_inner());
        listings.insert((id.to_owned(), repository.to_owned()), rows);
    }

    fn queue(&self, id: &str, repository: &str) -> Option<Arc<TagQueue>> {
        let queues = self.queues.lock().unwrap_or_else(|p| p.into_inner());
        queues
            .get(&(id.to_owned(), repository.to_owned()))
            .and_then(Weak::upgrade)
    }

    fn start_queue(&self, id: &str, repository: &str) -> Arc<TagQueue> {
        let queue = Arc::new(TagQueue::default());
        let mut queues = self.queues.lock().unwrap_or_else(|p| p.into_inner());
        queues.retain(|_, q| q.strong_count() > 0);
        queues.insert(
            (id.to_owned(), repository.to_owned()),
            Arc::downgrade(&queue),
        );
        queue
    }

    /// Forgets what is known of a repository (after a change), or of a whole registry.
    pub fn forget(&self, id: &str, repository: Option<&str>) {
        let mut listings = self.listings.lock().unwrap_or_else(|p| p.into_inner());
        listings.retain(|(i, r), _| i != id || repository.is_some_and(|repo| repo != r));
    }
}

/// Collects rows and hands them on in batches, merged by digest for the cache.
struct RowBatcher<'a> {
    emit: &'a (dyn Fn(ImageListEvent) + Sync),
    pending: Vec<ImageRow>,
    since: Instant,
    merged: Vec<ImageRow>,
    by_digest: HashMap<String, usize>,
    cache: &'a ListingCache,
    generation: u64,
    /// Rows sent so far.
    sent: usize,
}

impl ImageSink for RowBatcher<'_> {
    fn tags(&mut self, tags: &[String]) {
        (self.emit)(ImageListEvent::Tags {
            tags: tags.to_vec(),
        });
    }

    fn row(&mut self, row: ImageRow) {
        match self.by_digest.get(&row.digest) {
            // An ECR index's row again, now with its images (read from the index manifest).
            Some(&at) if !row.children.is_empty() && self.merged[at].children.is_empty() => {
                let known = &mut self.merged[at];
                known.platforms = row.platforms.clone();
                known.children = row.children.clone();
                known.child_labels = row.child_labels.clone();
            }
            Some(&at) => self.merged[at].tags.extend(row.tags.iter().cloned()),
            None => {
                self.by_digest.insert(row.digest.clone(), self.merged.len());
                self.merged.push(row.clone());
            }
        }
        if self.pending.is_empty() {
            self.since = Instant::now();
        }
        self.pending.push(row);
        let (rows, age) = if self.sent < EARLY_ROWS {
            (EARLY_BATCH_ROWS, EARLY_BATCH_AGE)
        } else {
            (BATCH_ROWS, BATCH_AGE)
        };
        if self.pending.len() >= rows || self.since.elapsed() >= age {
            self.flush();
        }
    }

    fn tag_failed(&mut self, tag: String, message: String) {
        (self.emit)(ImageListEvent::TagFailed { tag, message });
    }

    fn flush(&mut self) {
        if !self.pending.is_empty() {
            self.sent += self.pending.len();
            (self.emit)(ImageListEvent::Rows {
                rows: std::mem::take(&mut self.pending),
            });
        }
    }

    fn superseded(&self) -> bool {
        self.cache.generation.load(Ordering::SeqCst) != self.generation
    }

    fn paused(&mut self, unread: u32) {
        (self.emit)(ImageListEvent::Paused { unread });
    }

    fn rate_limit(&mut self, limit: lading_oci::client::RateLimit) {
        (self.emit)(ImageListEvent::RateLimit {
            limit: limit.limit,
            remaining: limit.remaining,
            window_seconds: limit.window_seconds,
        });
    }
}

impl RowBatcher<'_> {
    fn finish(mut self) -> Vec<ImageRow> {
        self.flush();
        for row in &mut self.merged {
            row.tags.sort();
            row.tags.dedup();
        }
        self.merged
    }
}

/// Every repository of a registry, sorted by name.
pub async fn repositories(state: &AppState, id: &str) -> Result<Vec<RepositoryView>> {
    state.registry(id).await?.repositories().await
}

/// What the repository pane shows: the catalog (or ECR's list) with the repositories opened by
/// name. A catalog the registry refuses or does not offer (Docker Hub, GHCR, Harbor for
/// non-admins) is no error: the list is then the opened ones, and says why.
pub async fn repository_list(state: &AppState, id: &str) -> Result<RepositoryList> {
    let registry = state.registry(id).await?;
    let (mut repositories, catalog_unreadable) = match registry.repositories().await {
        Ok(listed) => (listed, None),
        // The engine's words for these are about credentials in general ("rejected the
        // credentials"), which is not what happened: the sign-in works, the catalog is closed.
        Err(e)
            if matches!(
                e.code,
                Code::AuthRequired | Code::Unauthorized | Code::Denied
            ) =>
        {
            (
                Vec::new(),
                Some("its catalog is not open to this sign-in".to_owned()),
            )
        }
        Err(e) if matches!(e.code, Code::NotFound | Code::NotSupported) => {
            (Vec::new(), Some("it has no catalog".to_owned()))
        }
        Err(e) => return Err(e),
    };
    let opened = state.config.lock().await.opened_repositories(id).to_vec();
    for name in opened {
        if !repositories.iter().any(|r| r.name == name) {
            repositories.push(RepositoryView { name, uri: None });
        }
    }
    repositories.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(RepositoryList {
        repositories,
        catalog_unreadable,
    })
}

/// Opens a repository by name: checked by listing its tags, then remembered for the registry.
pub async fn open_repository(state: &AppState, id: &str, name: &str) -> Result<RepositoryView> {
    let registry = state.registry(id).await?;
    let typed = name.trim().trim_matches('/');
    let name = match &registry.entry().kind {
        // On Docker Hub, `nginx` is `library/nginx`.
        RegistryKind::Oci { address, .. } => repository_in(host_of(address), typed),
        RegistryKind::Ecr { .. } => typed.to_owned(),
    };
    let name = name.as_str();
    lading_oci::reference::validate_repository(name).map_err(|why| {
        Error::new(
            Code::InvalidReference,
            format!("{name:?} is not a repository name: {why}"),
        )
    })?;
    registry.tags(name).await.map_err(|e| match e.code {
        Code::NotFound | Code::RepositoryNotFound => Error::new(
            Code::RepositoryNotFound,
            format!(
                "{} has no repository {name} (or does not let you see it)",
                registry.entry().name
            ),
        ),
        _ => e,
    })?;
    state.config.lock().await.remember_repository(id, name)?;
    Ok(RepositoryView {
        name: name.to_owned(),
        uri: None,
    })
}

/// The tags of one repository, sorted.
pub async fn tags(state: &AppState, id: &str, repository: &str) -> Result<Vec<String>> {
    state.registry(id).await?.tags(repository).await
}

/// The images of a repository, one row per digest, streamed to `emit` as they are read: the tag
/// list first where the registry only lists tags, then rows in batches, then `done`. Served from
/// the last listing unless `refresh`. Returns the complete rows (as kept for next time).
pub async fn stream_images(
    state: &AppState,
    id: &str,
    repository: &str,
    refresh: bool,
    emit: &(dyn Fn(ImageListEvent) + Sync),
) -> Result<Arc<Vec<ImageRow>>> {
    let started = Instant::now();
    let elapsed_ms = || started.elapsed().as_millis().min(u32::MAX as u128) as u32;
    let listings = &state.listings;
    let generation = listings.generation.fetch_add(1, Ordering::SeqCst) + 1;
    if !refresh {
        if let Some(rows) = listings.get(id, repository) {
            for chunk in rows.chunks(BATCH_ROWS * 4) {
                emit(ImageListEvent::Rows {
                    rows: chunk.to_vec(),
                });
            }
            emit(ImageListEvent::Done {
                images: rows.len() as u32,
                failed: 0,
                cached: true,
                elapsed_ms: elapsed_ms(),
            });
            return Ok(rows);
        }
    }
    let registry = state.registry(id).await?;
    let mut batcher = RowBatcher {
        emit,
        pending: Vec::new(),
        since: Instant::now(),
        merged: Vec::new(),
        by_digest: HashMap::new(),
        cache: listings,
        generation,
        sent: 0,
    };
    let queue = listings.start_queue(id, repository);
    let failed = registry
        .read_images(repository, &queue, &mut batcher)
        .await?;
    let mut rows = batcher.finish();
    rows.sort_by(|a, b| {
        b.pushed_at
            .cmp(&a.pushed_at)
            .then_with(|| a.tags.first().cmp(&b.tags.first()))
    });
    let rows = Arc::new(rows);
    listings.put(id, repository, rows.clone());
    emit(ImageListEvent::Done {
        images: rows.len() as u32,
        failed,
        cached: false,
        elapsed_ms: elapsed_ms(),
    });
    Ok(rows)
}

/// The rows the window shows now (`tags`, in order) are read before any other of the listing
/// under way; false when none is.
pub fn prioritize_images(state: &AppState, id: &str, repository: &str, tags: &[String]) -> bool {
    let Some(queue) = state.listings.queue(id, repository) else {
        return false;
    };
    queue.prioritize(tags);
    true
}

/// Every manifest of the listing under way is read, on a registry that meters pulls too.
pub fn read_all_images(state: &AppState, id: &str, repository: &str) -> bool {
    let Some(queue) = state.listings.queue(id, repository) else {
        return false;
    };
    queue.read_all();
    true
}

/// The images of a repository, read afresh (no streaming): for callers that want the whole list.
pub async fn images(state: &AppState, id: &str, repository: &str) -> Result<Vec<ImageRow>> {
    let rows = stream_images(state, id, repository, true, &|_| {}).await?;
    Ok(rows.as_ref().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: usize) -> ImageRow {
        ImageRow {
            digest: format!("sha256:{n:064}"),
            tags: vec![format!("t{n}")],
            kind: "image".into(),
            media_type: String::new(),
            size: None,
            platforms: Vec::new(),
            children: Vec::new(),
            child_labels: Vec::new(),
            pushed_at: None,
            last_pulled_at: None,
            scan_status: None,
            scan_counts: Default::default(),
            subject: None,
            config: None,
        }
    }

    #[test]
    fn the_rows_on_screen_go_in_small_batches_then_the_rest_in_big_ones() {
        let sizes = std::sync::Mutex::new(Vec::new());
        let emit = |event: ImageListEvent| {
            if let ImageListEvent::Rows { rows } = event {
                sizes.lock().unwrap().push(rows.len());
            }
        };
        let cache = ListingCache::default();
        let mut batcher = RowBatcher {
            emit: &emit,
            pending: Vec::new(),
            since: Instant::now(),
            merged: Vec::new(),
            by_digest: HashMap::new(),
            cache: &cache,
            generation: 0,
            sent: 0,
        };
        for n in 0..1200 {
            batcher.row(row(n));
        }
        assert_eq!(batcher.finish().len(), 1200);
        // At most 40 at a time until 200 are out (the screen waits on none of them), then up to
        // 500 at a time. (A batch that ages first goes smaller: only upper bounds are certain.)
        let sizes = sizes.lock().unwrap().clone();
        assert_eq!(sizes.iter().sum::<usize>(), 1200);
        let mut sent = 0;
        for &size in &sizes {
            assert!(size <= if sent < 200 { 40 } else { 500 }, "{sizes:?}");
            sent += size;
        }
        assert!(
            sizes.iter().any(|&s| s > 40),
            "later rows in big batches: {sizes:?}"
        );
    }
}
