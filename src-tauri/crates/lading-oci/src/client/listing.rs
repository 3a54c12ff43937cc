//! Listings that page with `Link: rel="next"`: the catalog and a repository's tags. A listing
//! ends: a page already read, too many pages, or a next page on another origin stops it.

use reqwest::header::{HeaderMap, LINK};
use reqwest::Method;
use serde::Deserialize;
use url::Url;

use super::answer::Answer;
use super::{redact, RegistryClient};
use crate::error::OciError;

/// The pages of one listing read so far: a page seen twice, or too many pages, ends it.
#[derive(Default)]
struct Pages {
    seen: std::collections::HashSet<String>,
}

/// The most we read of a catalog or tags page (a page of 10,000 long tags is ~1 MiB).
const LISTING_PAGE_BYTES: usize = 16 << 20;

/// More pages than any registry has (10,000 × the default 100 entries: a million tags).
const MAX_PAGES: usize = 10_000;

impl Pages {
    fn visit(&mut self, url: &Url, registry: &str) -> Result<(), OciError> {
        let refused = |reason: String| OciError::Refused {
            registry: registry.to_owned(),
            reason,
        };
        if !self.seen.insert(url.as_str().to_owned()) {
            return Err(refused(format!(
                "its listing loops: {} was already read",
                redact(url)
            )));
        }
        if self.seen.len() > MAX_PAGES {
            return Err(refused(format!("its listing runs past {MAX_PAGES} pages")));
        }
        Ok(())
    }
}

impl RegistryClient {
    /// Every repository in `/v2/_catalog`, following `Link` pagination to the end.
    pub async fn catalog(&self) -> Result<Vec<String>, OciError> {
        #[derive(Deserialize)]
        struct Catalog {
            #[serde(default)]
            repositories: Option<Vec<String>>,
        }
        let mut all = Vec::new();
        let mut pages = Pages::default();
        let mut next = Some(self.paged_url("/v2/_catalog")?);
        while let Some(url) = next.take() {
            pages.visit(&url, &self.registry)?;
            let answer = self
                .fetch_page(url, "registry:catalog:*", "a catalog page")
                .await?;
            let answer = self.check_answer(answer, || "the catalog".to_owned())?;
            next = self.next_link(&answer)?;
            let page: Catalog = self.parse_json(&answer.body)?;
            all.extend(page.repositories.unwrap_or_default());
        }
        Ok(all)
    }

    /// Every tag of `repository`, following `Link` pagination to the end.
    pub async fn tags(&self, repository: &str) -> Result<Vec<String>, OciError> {
        crate::reference::validate_repository(repository).map_err(|reason| {
            OciError::InvalidReference {
                input: repository.to_owned(),
                reason,
            }
        })?;
        #[derive(Deserialize)]
        struct TagList {
            #[serde(default)]
            tags: Option<Vec<String>>,
        }
        let scope = format!("repository:{repository}:pull");
        let mut all = Vec::new();
        let mut pages = Pages::default();
        let mut next = Some(self.paged_url(&format!("/v2/{repository}/tags/list"))?);
        while let Some(url) = next.take() {
            pages.visit(&url, &self.registry)?;
            let answer = self.fetch_page(url, &scope, "a tags page").await?;
            let answer = self.check_answer(answer, || format!("repository {repository}"))?;
            next = self.next_link(&answer)?;
            let page: TagList = self.parse_json(&answer.body)?;
            all.extend(page.tags.unwrap_or_default());
        }
        Ok(all)
    }

    async fn fetch_page(&self, url: Url, scope: &str, what: &str) -> Result<Answer, OciError> {
        self.fetch_small(
            Method::GET,
            url,
            Some(scope),
            HeaderMap::new(),
            LISTING_PAGE_BYTES,
            what,
            |m| self.protocol(&m),
        )
        .await
    }

    pub(super) fn paged_url(&self, path: &str) -> Result<Url, OciError> {
        let mut url = self.url(path)?;
        if let Some(n) = self.options.page_size {
            url.query_pairs_mut().append_pair("n", &n.to_string());
        }
        Ok(url)
    }

    /// The `rel="next"` target of a `Link` header, resolved against our base URL.
    fn next_link(&self, answer: &Answer) -> Result<Option<Url>, OciError> {
        let Some(link) = answer.headers.get(LINK) else {
            return Ok(None);
        };
        let link = link
            .to_str()
            .map_err(|_| self.protocol("a Link header that is not text"))?;
        for part in link.split(',') {
            let Some((target, params)) = part.split_once(';') else {
                continue;
            };
            let is_next = params
                .split(';')
                .any(|p| p.trim().replace(' ', "") == "rel=\"next\"" || p.trim() == "rel=next");
            if is_next {
                let target = target.trim().trim_start_matches('<').trim_end_matches('>');
                let next = answer
                    .url
                    .join(target)
                    .map_err(|_| self.protocol("a Link header with an invalid URL"))?;
                if !self.is_own_origin(&next) {
                    return Err(OciError::Refused {
                        registry: self.registry.clone(),
                        reason: format!(
                            "its next page is on another origin ({}); not followed",
                            redact(&next)
                        ),
                    });
                }
                return Ok(Some(next));
            }
        }
        Ok(None)
    }
}
