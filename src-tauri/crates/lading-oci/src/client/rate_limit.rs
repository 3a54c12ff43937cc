//! What a registry says of its pull limit. Docker Hub answers manifest requests with
//! `RateLimit-Limit: 100;w=21600` and `RateLimit-Remaining: 76;w=21600` (and counts each
//! manifest GET as a pull, HEAD not); the IETF draft's `RateLimit-*` fields have the same shape.

use reqwest::header::HeaderMap;

use super::RegistryClient;

/// The latest limit a registry reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: u64,
    pub remaining: u64,
    /// The window the limit counts over (`w=`), when the registry says.
    pub window_seconds: Option<u64>,
}

/// `100;w=21600` → (100, Some(21600)).
fn count_and_window(value: &str) -> Option<(u64, Option<u64>)> {
    let mut parts = value.split(';').map(str::trim);
    let count = parts.next()?.parse().ok()?;
    let window = parts
        .find_map(|p| p.strip_prefix("w="))
        .and_then(|w| w.parse().ok());
    Some((count, window))
}

pub(super) fn from_headers(headers: &HeaderMap) -> Option<RateLimit> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (limit, window) = count_and_window(header("ratelimit-limit")?)?;
    let (remaining, remaining_window) = count_and_window(header("ratelimit-remaining")?)?;
    Some(RateLimit {
        limit,
        remaining,
        window_seconds: window.or(remaining_window),
    })
}

impl RegistryClient {
    /// The pull limit the registry last reported, if it ever did.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        *self.rate_limit.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether reading a manifest costs the user something: Docker Hub counts each GET as a
    /// pull, and any registry that reports a limit is taken at its word.
    pub fn meters_pulls(&self) -> bool {
        self.registry == crate::DOCKER_HUB_REGISTRY || self.rate_limit().is_some()
    }

    pub(super) fn note_rate_limit(&self, headers: &HeaderMap) {
        if let Some(seen) = from_headers(headers) {
            *self.rate_limit.lock().unwrap_or_else(|p| p.into_inner()) = Some(seen);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().unwrap());
        }
        map
    }

    #[test]
    fn docker_hubs_and_the_drafts_headers_are_read() {
        assert_eq!(
            from_headers(&headers(&[
                ("ratelimit-limit", "100;w=21600"),
                ("ratelimit-remaining", "76;w=21600"),
            ])),
            Some(RateLimit {
                limit: 100,
                remaining: 76,
                window_seconds: Some(21600)
            })
        );
        assert_eq!(
            from_headers(&headers(&[
                ("ratelimit-limit", "5000"),
                ("ratelimit-remaining", "4999"),
            ])),
            Some(RateLimit {
                limit: 5000,
                remaining: 4999,
                window_seconds: None
            })
        );
        // Half a report, or nonsense, is no report.
        assert_eq!(
            from_headers(&headers(&[("ratelimit-limit", "100;w=21600")])),
            None
        );
        assert_eq!(
            from_headers(&headers(&[
                ("ratelimit-limit", "lots"),
                ("ratelimit-remaining", "1"),
            ])),
            None
        );
    }
}
