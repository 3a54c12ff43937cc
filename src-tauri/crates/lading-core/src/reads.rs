//! Reads the window may abandon — a repository list, an image listing, an image's detail, its
//! layer files: each runs under an id the window chose, and [`Reads::cancel`] stops it at once
//! (its requests are dropped mid-flight, so a slow registry stops being asked). Leaving a view
//! cancels what it was reading.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use crate::error::{Code, Error, Result};

/// Cancellations for ids not (or no longer) running are kept up to this many: one that arrives
/// before its read starts still stops it, and a flood of them cannot grow without bound.
const EARLY_CANCELS: usize = 1024;

#[derive(Default)]
struct Flag {
    cancelled: AtomicBool,
    notify: Notify,
}

impl Flag {
    async fn wait(&self) {
        loop {
            // Registered before the check, so a cancel between the two is not missed.
            let notified = self.notify.notified();
            if self.cancelled.load(Ordering::SeqCst) {
                return;
            }
            notified.await;
        }
    }
}

#[derive(Default)]
pub struct Reads {
    running: Mutex<HashMap<String, Arc<Flag>>>,
}

impl Reads {
    fn flag(&self, id: &str) -> Option<Arc<Flag>> {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(flag) = running.get(id) {
            return Some(flag.clone());
        }
        if running.len() >= EARLY_CANCELS {
            running.retain(|_, f| !f.cancelled.load(Ordering::SeqCst));
            if running.len() >= EARLY_CANCELS {
                return None;
            }
        }
        let flag = Arc::new(Flag::default());
        running.insert(id.to_owned(), flag.clone());
        Some(flag)
    }

    /// Runs `work` under `id` (without one, it cannot be cancelled): a cancel ends it with
    /// `cancelled`.
    pub async fn run<T>(
        &self,
        id: Option<&str>,
        work: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        let Some(flag) = id.and_then(|id| self.flag(id)) else {
            return work.await;
        };
        let outcome = tokio::select! {
            biased;
            _ = flag.wait() => Err(Error::new(Code::Cancelled, "cancelled: no longer shown")),
            done = work => done,
        };
        if let Some(id) = id {
            self.running
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(id);
        }
        outcome
    }

    /// Runs blocking `work` under `id` (the caller keeps it off the async threads): `work` is
    /// handed a check that turns true once the window cancels, and a cancelled read ends with
    /// `cancelled` whatever `work` answered.
    pub fn run_blocking<T>(
        &self,
        id: Option<&str>,
        work: impl FnOnce(lading_oci::layer_files::Stop) -> Result<T>,
    ) -> Result<T> {
        let Some(flag) = id.and_then(|id| self.flag(id)) else {
            return work(Arc::new(|| false));
        };
        let watched = flag.clone();
        let outcome = work(Arc::new(move || watched.cancelled.load(Ordering::SeqCst)));
        if let Some(id) = id {
            self.running
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(id);
        }
        if flag.cancelled.load(Ordering::SeqCst) {
            return Err(Error::new(Code::Cancelled, "cancelled: no longer shown"));
        }
        outcome
    }

    /// Stops the read running under `id`, or the one about to start under it.
    pub fn cancel(&self, id: &str) {
        if let Some(flag) = self.flag(id) {
            flag.cancelled.store(true, Ordering::SeqCst);
            flag.notify.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_cancel_stops_the_read_at_once_and_only_that_one() {
        let reads = Arc::new(Reads::default());
        let slow = |reads: Arc<Reads>, id: &'static str| {
            tokio::spawn(async move {
                reads
                    .run(Some(id), async {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                        Ok(())
                    })
                    .await
            })
        };
        let (a, b) = (slow(reads.clone(), "a"), slow(reads.clone(), "b"));
        tokio::time::sleep(Duration::from_millis(20)).await;
        let started = std::time::Instant::now();
        reads.cancel("a");
        let err = a.await.unwrap().unwrap_err();
        assert_eq!(err.code, Code::Cancelled);
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(!b.is_finished(), "the other read goes on");
        b.abort();
    }

    #[tokio::test]
    async fn a_cancel_that_arrives_first_still_stops_the_read() {
        let reads = Reads::default();
        reads.cancel("early");
        let err = reads
            .run(Some("early"), std::future::pending::<Result<()>>())
            .await
            .unwrap_err();
        assert_eq!(err.code, Code::Cancelled);
        // A finished read's id is free again.
        assert!(reads.run(Some("early"), async { Ok(1) }).await.is_ok());
    }

    #[test]
    fn a_blocking_read_sees_its_cancel_and_ends_cancelled() {
        let reads = Arc::new(Reads::default());
        let worker = {
            let reads = reads.clone();
            std::thread::spawn(move || {
                reads.run_blocking(Some("files"), |stop| {
                    let started = std::time::Instant::now();
                    while !stop() {
                        assert!(started.elapsed() < Duration::from_secs(10), "never stopped");
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    Ok("read to the end")
                })
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        reads.cancel("files");
        assert_eq!(worker.join().unwrap().unwrap_err().code, Code::Cancelled);
        // Without an id it cannot be stopped, and runs as it is.
        assert!(!reads.run_blocking(None, |stop| Ok(stop())).unwrap());
    }

    #[test]
    fn cancels_for_reads_that_never_come_stay_bounded() {
        let reads = Reads::default();
        for n in 0..10_000 {
            reads.cancel(&format!("never-{n}"));
        }
        assert!(reads.running.lock().unwrap().len() <= EARLY_CANCELS);
    }
}
