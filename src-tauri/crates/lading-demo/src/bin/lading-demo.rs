//! `lading-demo`: starts a local registry and moto's ECR on loopback (the servers the tests use),
//! seeds both with the demo content, and opens Lading pointed at them with its own settings
//! folder, so nothing of the user's own setup is touched. The servers stop when this exits.
//!
//! `--serve` skips the app and prints the addresses as one JSON line, then runs until stdin closes
//! (for the end-to-end tests and the browse benchmark).

use std::io::Read;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use lading_config::{ConfigStore, OciAuth, RegistryEntry, RegistryKind};
use lading_oci::sink::RegistrySink;
use lading_oci::{ClientOptions, RegistryClient, UploadMode};
use lading_testkit::{Moto, Registry};

const USAGE: &str =
    "usage: lading-demo [--tags N] [--ecr-tags N] [--without-catalog] [--serve] [--app PATH]";
const REGION: &str = "us-east-1";

struct Args {
    tags: usize,
    ecr_tags: usize,
    serve: bool,
    /// Also a registry that, like Docker Hub, lists no repositories (browsed by name).
    without_catalog: bool,
    app: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        tags: 10_000,
        ecr_tags: 200,
        serve: false,
        without_catalog: false,
        app: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--tags" => {
                args.tags = value("--tags")?
                    .parse()
                    .map_err(|e| format!("--tags: {e}"))?
            }
            "--ecr-tags" => {
                args.ecr_tags = value("--ecr-tags")?
                    .parse()
                    .map_err(|e| format!("--ecr-tags: {e}"))?
            }
            "--serve" => args.serve = true,
            "--without-catalog" => args.without_catalog = true,
            "--app" => args.app = Some(PathBuf::from(value("--app")?)),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(args)
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    // moto takes any credentials; static ones keep the user's real AWS identity out of the demo.
    // Set before the runtime starts threads.
    std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    std::env::set_var("AWS_CONFIG_FILE", "/dev/null");
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    if let Err(e) = runtime.block_on(run(args)) {
        eprintln!("lading-demo: {e}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), lading_demo::DemoError> {
    let started = Instant::now();
    let registry = Registry::start();
    let moto = Moto::start();
    std::env::set_var("AWS_ENDPOINT_URL_ECR", moto.endpoint_url());

    let client = RegistryClient::new(&registry.host(), ClientOptions::default())?;
    lading_demo::seed_registry(
        |repository| RegistrySink {
            client: &client,
            repository,
            upload_mode: UploadMode::default(),
        },
        args.tags,
    )
    .await?;
    let ecr = lading_ecr::EcrClient::connect(&lading_ecr::EcrTarget {
        profile: None,
        region: Some(REGION.into()),
        endpoint_url: Some(moto.endpoint_url()),
    })
    .await?;
    lading_demo::seed_ecr(&ecr, args.ecr_tags).await?;
    // Inspector's findings for one image (moto answers what it is given; the scan makes them due).
    moto.set_scan_findings(REGION, &[lading_demo::findings::enhanced_scan_answer()]);
    ecr.start_image_scan(
        lading_demo::findings::ENHANCED_REPOSITORY,
        &lading_ecr::ImageRef::parse(lading_demo::findings::ENHANCED_TAG),
    )
    .await?;
    let hub_like = match args.without_catalog {
        true => Some(catalogless_registry().await?),
        false => None,
    };
    eprintln!(
        "lading-demo: registry {} and ECR emulator {} seeded in {:.1} s",
        registry.url(),
        moto.endpoint_url(),
        started.elapsed().as_secs_f64()
    );

    let config_dir = tempfile::Builder::new()
        .prefix("lading-demo-settings-")
        .tempdir()?;
    let mut settings = ConfigStore::load(config_dir.path())?;
    for (name, kind) in [
        (
            "Demo registry",
            RegistryKind::Oci {
                address: registry.host(),
                auth: OciAuth::Anonymous,
                insecure: false,
                ca_pem: None,
            },
        ),
        (
            "Demo ECR (moto)",
            RegistryKind::Ecr {
                profile: None,
                region: REGION.into(),
                account: None,
                registry_id: None,
            },
        ),
    ] {
        let id = RegistryEntry::id_for(&kind);
        settings.upsert(
            RegistryEntry {
                id,
                name: name.into(),
                kind,
            },
            true,
        )?;
    }

    if let Some(hub) = &hub_like {
        let kind = RegistryKind::Oci {
            address: hub.host(),
            auth: OciAuth::Anonymous,
            insecure: false,
            ca_pem: None,
        };
        settings.upsert(
            RegistryEntry {
                id: RegistryEntry::id_for(&kind),
                name: "No-catalog registry (like Docker Hub)".into(),
                kind,
            },
            true,
        )?;
    }

    if args.serve {
        println!(
            "{}",
            serde_json::json!({
                "registry": registry.host(),
                "without_catalog": hub_like.as_ref().map(Registry::host),
                "ecr_endpoint": moto.endpoint_url(),
                "config_dir": config_dir.path(),
            })
        );
        // Until whoever started us closes our stdin (or dies: the servers die with us).
        let _ = tokio::task::spawn_blocking(|| std::io::stdin().read_to_end(&mut Vec::new())).await;
        return Ok(());
    }

    let app = args.app.unwrap_or_else(|| {
        std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join("lading-app")))
            .unwrap_or_else(|| PathBuf::from("lading-app"))
    });
    eprintln!(
        "lading-demo: opening {} (close the window to stop the demo)",
        app.display()
    );
    let status = Command::new(&app)
        .env("LADING_CONFIG_DIR", config_dir.path())
        .status()
        .map_err(|e| format!("cannot start {}: {e}", app.display()))?;
    if !status.success() {
        eprintln!("lading-demo: the app exited with {status}");
    }
    Ok(())
}

/// A registry whose token service never grants the catalog and gives anyone a pull token, as
/// Docker Hub: `library/nginx:1.27` in it, pushed with its own credentials.
async fn catalogless_registry() -> Result<Registry, lading_demo::DemoError> {
    let hub = Registry::start_without_catalog("demo", "demo-pw");
    let client = RegistryClient::new(
        &hub.host(),
        ClientOptions {
            credentials: Some(lading_oci::Credentials {
                username: "demo".into(),
                password: "demo-pw".into(),
            }),
            ..Default::default()
        },
    )?;
    lading_demo::seed_repository(
        &RegistrySink {
            client: &client,
            repository: "library/nginx",
            upload_mode: UploadMode::default(),
        },
        &["1.27", "latest"],
    )
    .await?;
    Ok(hub)
}
