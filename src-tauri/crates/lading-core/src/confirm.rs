//! The final "yes" for what cannot be undone. The service about to act asks the user, inside the
//! command, through [`Ask`] — in the app a native dialog the shell shows, which the page can
//! neither see, word nor answer — with words built here from what will go. A script in the page
//! can call a destructive command; it cannot say yes to it.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};

use lading_config::{RegistryEntry, RegistryKind};

use crate::error::{Code, Error, Result};

/// What the user is asked: a short title, the detail (exactly what goes), the "yes" button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub title: String,
    pub detail: String,
    pub yes: String,
}

/// Whoever answers the questions: the shell's native dialog, a test's script.
pub trait Ask: Send + Sync {
    fn ask(&self, question: Question) -> Pin<Box<dyn Future<Output = bool> + Send>>;
}

/// No one to ask (no window): every question is answered "no", so nothing irreversible happens.
pub struct NobodyToAsk;

impl Ask for NobodyToAsk {
    fn ask(&self, _: Question) -> Pin<Box<dyn Future<Output = bool> + Send>> {
        Box::pin(async { false })
    }
}

/// Asks one question at a time: a second destructive call while a dialog is open is declined at
/// once instead of stacking dialogs (a script could queue hundreds).
pub(crate) struct OneAtATime {
    ask: Box<dyn Ask>,
    open: AtomicBool,
}

struct Open<'a>(&'a AtomicBool);

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl OneAtATime {
    pub(crate) fn new(ask: Box<dyn Ask>) -> Self {
        Self {
            ask,
            open: AtomicBool::new(false),
        }
    }

    /// `Ok` only when the user said yes to `question`.
    pub(crate) async fn confirm(&self, question: Question) -> Result<()> {
        if self.open.swap(true, Ordering::SeqCst) {
            return Err(Error::new(
                Code::Declined,
                format!(
                    "{} was not asked: another question is waiting for your answer; nothing was changed",
                    question.title.trim_end_matches('?')
                ),
            ));
        }
        let _open = Open(&self.open);
        let title = question.title.clone();
        if self.ask.ask(question).await {
            Ok(())
        } else {
            Err(Error::new(
                Code::Declined,
                format!("not confirmed ({title}); nothing was changed"),
            ))
        }
    }
}

/// How a question names a registry: its name and where it is, so a misleading name cannot hide
/// which registry is meant.
pub fn registry_place(entry: &RegistryEntry) -> String {
    let at = match &entry.kind {
        RegistryKind::Oci { address, .. } => address.clone(),
        RegistryKind::Ecr {
            region, account, ..
        } => match account {
            Some(account) => format!("ECR {account} · {region}"),
            None => format!("ECR · {region}"),
        },
    };
    if entry.name == at {
        at
    } else {
        format!("{} ({at})", entry.name)
    }
}

/// At most `shown` lines of `items`, then "… and N more".
pub fn listed(items: impl IntoIterator<Item = String>, shown: usize) -> String {
    let items: Vec<String> = items.into_iter().collect();
    let mut lines: Vec<String> = items.iter().take(shown).map(|i| format!("  {i}")).collect();
    if items.len() > shown {
        lines.push(format!("  … and {} more", items.len() - shown));
    }
    lines.join("\n")
}

/// Repository names reach the dialog's text: only names the distribution grammar allows (no
/// line breaks or look-alike prose a script could slip into the question).
pub fn check_repository(repository: &str) -> Result<()> {
    lading_oci::reference::validate_repository(repository).map_err(|why| {
        Error::new(
            Code::InvalidReference,
            format!("{repository:?} is not a repository name: {why}"),
        )
    })
}

/// A size in decimal units, as the window shows sizes.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A digest as questions name it: its algorithm and the first 12 hex digits.
pub fn short_digest(digest: &str) -> String {
    let (algorithm, hex) = digest.split_once(':').unwrap_or(("", digest));
    format!("{algorithm}:{}", &hex[..hex.len().min(12)])
}

/// `n thing` / `n things`.
pub fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Says yes after `release` is notified, so a second question can arrive while one is open.
    struct Slow(Arc<tokio::sync::Notify>);

    impl Ask for Slow {
        fn ask(&self, _: Question) -> Pin<Box<dyn Future<Output = bool> + Send>> {
            let release = self.0.clone();
            Box::pin(async move {
                release.notified().await;
                true
            })
        }
    }

    fn question() -> Question {
        Question {
            title: "Delete 1 image?".into(),
            detail: String::new(),
            yes: "Delete".into(),
        }
    }

    #[tokio::test]
    async fn one_question_at_a_time_and_no_without_anyone_to_ask() {
        let nobody = OneAtATime::new(Box::new(NobodyToAsk));
        assert_eq!(
            nobody.confirm(question()).await.unwrap_err().code,
            Code::Declined
        );

        let release = Arc::new(tokio::sync::Notify::new());
        let asker = Arc::new(OneAtATime::new(Box::new(Slow(release.clone()))));
        let first = tokio::spawn({
            let asker = asker.clone();
            async move { asker.confirm(question()).await }
        });
        tokio::task::yield_now().await;
        while !asker.open.load(Ordering::SeqCst) {
            tokio::task::yield_now().await;
        }
        let second = asker.confirm(question()).await.unwrap_err();
        assert_eq!(second.code, Code::Declined);
        assert!(second.message.contains("another question"), "{second}");
        release.notify_one();
        first.await.unwrap().unwrap();
        // Answered: the next question is asked.
        release.notify_one();
        asker.confirm(question()).await.unwrap();
    }

    #[test]
    fn lists_are_capped_and_repository_names_checked() {
        let items = (1..=5).map(|i| format!("tag{i}"));
        assert_eq!(listed(items, 3), "  tag1\n  tag2\n  tag3\n  … and 2 more");
        assert_eq!(size(999), "999 bytes");
        assert_eq!(size(1_234_000_000), "1.2 GB");
        check_repository("team/app").unwrap();
        assert!(check_repository("app\n\nThis is safe").is_err());
        assert!(check_repository("").is_err());
    }
}
