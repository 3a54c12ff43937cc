//! What the application holds while it runs: the registry list (the settings file), a handle per
//! registry in use, the kept listings and the blob cache pushes share.

use std::collections::HashMap;
use std::sync::Arc;

use lading_config::{ConfigStore, RegistryEntry};
use lading_oci::cache::BlobCache;
use lading_oci::credentials::DockerConfig;
use tokio::sync::Mutex;

use crate::error::{Code, Error, Result};
use crate::listing::ListingCache;
use crate::registry::Registry;

pub struct AppState {
    pub config: Mutex<ConfigStore>,
    pub docker: Option<DockerConfig>,
    pub listings: ListingCache,
    /// Created times and per-platform sizes of rows in view, kept by digest.
    pub row_details: crate::row_details::RowDetails,
    /// Reads the window may cancel when it leaves a view.
    pub reads: crate::reads::Reads,
    /// Which compressed blob each pushed layer became, per registry: a re-push of an unchanged
    /// archive is a handful of HEADs. Read on the first push (not at start-up), from the dir
    /// [`AppState::with_blob_cache`] names; in memory without one.
    blob_cache: std::sync::OnceLock<Arc<BlobCache>>,
    blob_cache_dir: Option<std::path::PathBuf>,
    pub(crate) notice: std::sync::Mutex<Option<String>>,
    /// Who says the final yes to what cannot be undone (see `confirm`); no one, unless set.
    asker: crate::confirm::OneAtATime,
    handles: std::sync::Mutex<HashMap<String, Arc<Registry>>>,
}

impl AppState {
    pub fn new(config: ConfigStore, docker: Option<DockerConfig>) -> Self {
        let notice = config.recovered_from.as_ref().map(|p| {
            format!(
                "Your settings file could not be read and was moved aside to {}; the registry list starts empty.",
                p.display()
            )
        });
        Self {
            config: Mutex::new(config),
            docker,
            listings: ListingCache::default(),
            row_details: crate::row_details::RowDetails::default(),
            reads: crate::reads::Reads::default(),
            blob_cache: std::sync::OnceLock::new(),
            blob_cache_dir: None,
            notice: std::sync::Mutex::new(notice),
            asker: crate::confirm::OneAtATime::new(Box::new(crate::confirm::NobodyToAsk)),
            handles: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// Keeps the blob cache in `data_dir` (the CLI's too), across restarts.
    pub fn with_blob_cache(mut self, data_dir: &std::path::Path) -> Self {
        self.blob_cache_dir = Some(data_dir.to_owned());
        self
    }

    /// Asks `ask` (the native dialog) before anything irreversible.
    pub fn with_asker(mut self, ask: Box<dyn crate::confirm::Ask>) -> Self {
        self.asker = crate::confirm::OneAtATime::new(ask);
        self
    }

    /// `Ok` only when the user said yes to `question` (code `declined` otherwise).
    pub async fn confirm(&self, question: crate::confirm::Question) -> Result<()> {
        self.asker.confirm(question).await
    }

    /// The blob cache, read from its dir the first time a push needs it.
    pub fn blob_cache(&self) -> Arc<BlobCache> {
        self.blob_cache
            .get_or_init(|| {
                Arc::new(match &self.blob_cache_dir {
                    Some(dir) => BlobCache::load(dir),
                    None => BlobCache::in_memory(),
                })
            })
            .clone()
    }

    /// The settings entry of registry `id`.
    pub async fn entry(&self, id: &str) -> Result<RegistryEntry> {
        self.config
            .lock()
            .await
            .get(id)
            .cloned()
            .ok_or_else(|| Error::new(Code::UnknownRegistry, format!("no registry {id}")))
    }

    /// The handle of registry `id`, made on first use and kept until the registry changes.
    pub async fn registry(&self, id: &str) -> Result<Arc<Registry>> {
        if let Some(handle) = self.handles().get(id) {
            return Ok(handle.clone());
        }
        let entry = self.entry(id).await?;
        let endpoints = self.endpoint_map().await;
        let mut handles = self.handles();
        let handle = handles
            .entry(id.to_owned())
            .or_insert_with(|| Arc::new(Registry::new(entry, self.docker.clone(), endpoints)));
        Ok(handle.clone())
    }

    /// `LADING_REGISTRY_MAP`, when the user turned developer endpoints on; otherwise nothing is
    /// redirected, whatever the environment says.
    pub async fn endpoint_map(&self) -> Option<lading_oci::EndpointMap> {
        if self.config.lock().await.developer_endpoints() {
            lading_oci::EndpointMap::from_env()
        } else {
            None
        }
    }

    /// Drops every handle: the next use of each registry starts afresh.
    pub(crate) fn drop_handles(&self) {
        self.handles().clear();
    }

    /// Drops the handle of registry `id` (its sessions and tokens): the next use starts afresh.
    pub(crate) fn drop_handle(&self, id: &str) {
        self.handles().remove(id);
    }

    fn handles(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Registry>>> {
        self.handles.lock().unwrap_or_else(|p| p.into_inner())
    }
}
