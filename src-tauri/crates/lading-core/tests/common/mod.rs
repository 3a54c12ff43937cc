//! Set-up shared by the app's integration tests.

use std::sync::{Arc, Mutex};

use lading_core::view::{AddOciRegistry, OciAuthInput, TransferEvent};
use lading_core::{registries, AppState};

/// Adds the registry at `host` with anonymous access, as the add dialog would; returns its id.
#[allow(dead_code)] // Not every test binary adds an OCI registry.
pub async fn add_anonymous(app: &AppState, host: String) -> String {
    registries::add_oci(
        app,
        AddOciRegistry {
            address: host,
            auth: OciAuthInput {
                mode: "anonymous".into(),
                username: None,
                password: None,
            },
            insecure: false,
            ca_file: None,
        },
    )
    .await
    .unwrap()
    .id
}

/// Points this test process's AWS SDK at moto, with a `dev` profile of test keys in a credentials
/// file under `dir` — never a developer's real identity.
#[allow(dead_code)] // Not every test binary talks to ECR.
pub fn use_moto_profile(dir: &std::path::Path, moto: &lading_testkit::Moto) {
    let credentials = dir.join("aws-credentials");
    std::fs::write(
        &credentials,
        "[dev]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    )
    .unwrap();
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", &credentials);
    std::env::set_var("AWS_CONFIG_FILE", "/dev/null");
    std::env::set_var("AWS_ENDPOINT_URL_ECR", moto.endpoint_url());
    std::env::remove_var("AWS_ACCESS_KEY_ID");
}

/// A transfer's event sink that calls `act` with its id once it has moved its first bytes.
#[allow(dead_code)] // Not every test binary runs transfers.
pub fn when_bytes_move(
    act: impl FnOnce(String) + Send + 'static,
) -> Arc<dyn Fn(TransferEvent) + Send + Sync> {
    let id = Mutex::new(None::<String>);
    let act = Mutex::new(Some(act));
    Arc::new(move |e: TransferEvent| match e {
        TransferEvent::Started { transfer_id } => *id.lock().unwrap() = Some(transfer_id),
        TransferEvent::Progress { blobs } if blobs.iter().any(|b| b.done > 0) => {
            if let (Some(id), Some(act)) = (id.lock().unwrap().take(), act.lock().unwrap().take()) {
                act(id);
            }
        }
        _ => {}
    })
}

/// Answers the core's native questions from a script (then `otherwise`), keeping each question.
#[derive(Clone)]
#[allow(dead_code)] // Not every test binary changes something irreversible.
pub struct Answers {
    script: Arc<Mutex<std::collections::VecDeque<bool>>>,
    asked: Arc<Mutex<Vec<lading_core::confirm::Question>>>,
    otherwise: bool,
}

#[allow(dead_code)]
impl Answers {
    /// `app` asking these answers; every question without a scripted answer gets `otherwise`.
    pub fn on(app: AppState, otherwise: bool) -> (AppState, Answers) {
        let answers = Answers {
            script: Arc::default(),
            asked: Arc::default(),
            otherwise,
        };
        (app.with_asker(Box::new(answers.clone())), answers)
    }

    /// The next question is answered `yes`.
    pub fn next(&self, yes: bool) -> &Self {
        self.script.lock().unwrap().push_back(yes);
        self
    }

    /// The questions asked since the last call.
    pub fn asked(&self) -> Vec<lading_core::confirm::Question> {
        std::mem::take(&mut self.asked.lock().unwrap())
    }
}

impl lading_core::confirm::Ask for Answers {
    fn ask(
        &self,
        question: lading_core::confirm::Question,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send>> {
        self.asked.lock().unwrap().push(question);
        let yes = self
            .script
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(self.otherwise);
        Box::pin(async move { yes })
    }
}

/// Adds moto's ECR in `region` with the `dev` profile (`use_moto_profile` first), as the add
/// dialog would; returns its id.
#[allow(dead_code)] // Not every test binary talks to ECR.
pub async fn add_moto_ecr(app: &AppState, region: &str) -> String {
    registries::add_ecr(
        app,
        lading_core::view::AddEcrRegistry {
            profile: Some("dev".into()),
            region: region.into(),
            registry_id: None,
        },
    )
    .await
    .unwrap()
    .id
}

/// An ECR client with the same `dev` profile, for seeding moto behind the app's back.
#[allow(dead_code)]
pub async fn moto_client(region: &str) -> lading_ecr::EcrClient {
    lading_ecr::EcrClient::connect(&lading_ecr::EcrTarget {
        profile: Some("dev".into()),
        region: Some(region.into()),
        endpoint_url: None,
    })
    .await
    .unwrap()
}

/// A small Docker image manifest whose config and layer digests are distinct per `n`.
#[allow(dead_code)]
pub fn docker_manifest(n: u32) -> String {
    let hex = |c: u32| format!("{c:064x}");
    serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 100 + n, "digest": format!("sha256:{}", hex(n))},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 1000 * n, "digest": format!("sha256:{}", hex(1000 + n))}]
    })
    .to_string()
}

/// An app on moto's ECR in `region`, whose questions are answered as `answers` says (then no).
/// Keep the emulator and the folder for the test's length.
#[allow(dead_code)]
pub struct MotoApp {
    pub moto: lading_testkit::Moto,
    pub dir: tempfile::TempDir,
    pub app: AppState,
    pub answers: Answers,
    pub id: String,
}

#[allow(dead_code)]
pub async fn moto_app(region: &str) -> MotoApp {
    let moto = lading_testkit::Moto::start();
    let dir = tempfile::tempdir().unwrap();
    use_moto_profile(dir.path(), &moto);
    let app = AppState::new(
        lading_config::ConfigStore::load(&dir.path().join("config")).unwrap(),
        None,
    );
    let (app, answers) = Answers::on(app, false);
    let id = add_moto_ecr(&app, region).await;
    MotoApp {
        moto,
        dir,
        app,
        answers,
        id,
    }
}
