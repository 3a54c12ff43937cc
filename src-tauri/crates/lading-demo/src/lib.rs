//! Sample content for Lading. The demo mode, the end-to-end tests and the browse benchmark all
//! seed their registries through this crate, so what a newcomer sees is what the tests check.
//!
//! Images are built here as real blobs (gzip layers of tar files, image configs with history) and
//! pushed through a [`BlobSink`], so the same code fills a distribution registry and ECR's API.

pub mod findings;

use std::io::Write;

use bytes::Bytes;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use lading_oci::manifest::media_types;
use lading_oci::sink::BlobSink;
use lading_oci::{Digest, OciError, RawManifest};
use serde_json::{json, Value};

/// One step of an image's history: a layer of files, or a metadata-only step (ENV, CMD, …).
pub struct Step {
    pub created_by: String,
    /// `None` for a step without a layer. Paths may be `.wh.<name>` whiteouts.
    pub files: Option<Vec<(String, Vec<u8>)>>,
}

impl Step {
    pub fn layer(created_by: &str, files: Vec<(&str, Vec<u8>)>) -> Self {
        Self {
            created_by: created_by.to_owned(),
            files: Some(files.into_iter().map(|(p, c)| (p.to_owned(), c)).collect()),
        }
    }

    pub fn meta(created_by: &str) -> Self {
        Self {
            created_by: created_by.to_owned(),
            files: None,
        }
    }
}

/// An image ready to push: its manifest and every blob it references.
pub struct BuiltImage {
    pub manifest: RawManifest,
    pub blobs: Vec<(Digest, Bytes)>,
    pub architecture: String,
}

/// What goes in the image config besides layers and history.
#[derive(Default)]
pub struct ImageConfig<'a> {
    pub architecture: &'a str,
    pub created: &'a str,
    pub entrypoint: Option<Vec<&'a str>>,
    pub cmd: Vec<&'a str>,
    pub env: Vec<&'a str>,
    pub labels: Vec<(&'a str, &'a str)>,
    pub exposed_ports: Vec<&'a str>,
    pub working_dir: &'a str,
    pub user: &'a str,
}

fn tar_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    for (path, content) in files {
        let mut header = tar::Header::new_ustar();
        header.set_size(content.len() as u64);
        header.set_mode(if path.starts_with("usr/bin/") {
            0o755
        } else {
            0o644
        });
        header.set_mtime(1_700_000_000);
        header.set_cksum();
        tar.append_data(&mut header, path, content.as_slice())
            .expect("an in-memory tar cannot fail");
    }
    tar.into_inner().expect("an in-memory tar cannot fail")
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).expect("in-memory gzip");
    encoder.finish().expect("in-memory gzip")
}

/// Builds an OCI image from `steps`; `annotations` make otherwise equal images distinct.
pub fn build_image(config: &ImageConfig<'_>, steps: &[Step]) -> BuiltImage {
    let mut blobs = Vec::new();
    let mut layers = Vec::new();
    let mut diff_ids = Vec::new();
    let mut history = Vec::new();
    for step in steps {
        match &step.files {
            Some(files) => {
                let tar = tar_of(files);
                diff_ids.push(Digest::sha256_of(&tar).to_string());
                let compressed = gzip(&tar);
                let digest = Digest::sha256_of(&compressed);
                layers.push(json!({
                    "mediaType": media_types::OCI_LAYER_GZIP,
                    "digest": digest.as_str(),
                    "size": compressed.len(),
                }));
                blobs.push((digest, Bytes::from(compressed)));
                history.push(json!({"created": config.created, "created_by": step.created_by}));
            }
            None => history.push(json!({
                "created": config.created,
                "created_by": step.created_by,
                "empty_layer": true,
            })),
        }
    }
    let mut image_config = json!({
        "Cmd": config.cmd,
        "Env": config.env,
        "WorkingDir": config.working_dir,
        "User": config.user,
        "Labels": config.labels.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "ExposedPorts": config.exposed_ports.iter().map(|p| (p.to_string(), json!({}))).collect::<serde_json::Map<_, _>>(),
    });
    if let Some(entrypoint) = &config.entrypoint {
        image_config["Entrypoint"] = json!(entrypoint);
    }
    let config_json = json!({
        "architecture": config.architecture,
        "os": "linux",
        "created": config.created,
        "config": image_config,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    });
    let config_bytes = Bytes::from(serde_json::to_vec(&config_json).expect("json"));
    let config_digest = Digest::sha256_of(&config_bytes);
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": media_types::OCI_MANIFEST,
        "config": {
            "mediaType": media_types::OCI_CONFIG,
            "digest": config_digest.as_str(),
            "size": config_bytes.len(),
        },
        "layers": layers,
    });
    blobs.push((config_digest, config_bytes));
    BuiltImage {
        manifest: raw(&manifest, media_types::OCI_MANIFEST),
        blobs,
        architecture: config.architecture.to_owned(),
    }
}

fn raw(value: &Value, media_type: &str) -> RawManifest {
    let bytes = Bytes::from(serde_json::to_vec(value).expect("json"));
    RawManifest::new(bytes, Some(media_type)).expect("a manifest we built parses")
}

/// The same image under a different digest: one annotation on its manifest.
pub fn variant(image: &RawManifest, key: &str, value: &str) -> RawManifest {
    let mut manifest: Value = serde_json::from_slice(&image.bytes).expect("our own manifest");
    manifest["annotations"] = json!({ key: value });
    raw(&manifest, &image.media_type)
}

/// Uploads the blobs the sink does not have yet.
pub async fn upload_blobs<S: BlobSink>(sink: &S, image: &BuiltImage) -> Result<(), OciError> {
    for (digest, bytes) in &image.blobs {
        if !sink.blob_exists(digest).await? {
            sink.upload_bytes(digest, bytes.clone()).await?;
        }
    }
    Ok(())
}

/// Pushes `image` and tags it with every one of `tags`.
pub async fn push<S: BlobSink>(
    sink: &S,
    image: &BuiltImage,
    tags: &[&str],
) -> Result<(), OciError> {
    upload_blobs(sink, image).await?;
    for tag in tags {
        sink.put_manifest(tag, &image.manifest).await?;
    }
    Ok(())
}

/// One small image under `tags`, for a repository opened by name (the no-catalog registry).
pub async fn seed_repository<S: BlobSink>(sink: &S, tags: &[&str]) -> Result<(), OciError> {
    push(
        sink,
        &app_image("amd64", "2026-11-02T09:00:00Z", "1.27.0", 5),
        tags,
    )
    .await
}

/// Pushes each platform's image by digest, then an index over them under `tags`.
pub async fn push_index<S: BlobSink>(
    sink: &S,
    images: &[BuiltImage],
    tags: &[&str],
) -> Result<Digest, OciError> {
    let mut entries = Vec::new();
    for image in images {
        upload_blobs(sink, image).await?;
        sink.put_manifest(image.manifest.digest.as_str(), &image.manifest)
            .await?;
        entries.push(json!({
            "mediaType": image.manifest.media_type,
            "digest": image.manifest.digest.as_str(),
            "size": image.manifest.bytes.len(),
            "platform": {"os": "linux", "architecture": image.architecture},
        }));
    }
    let index = raw(
        &json!({"schemaVersion": 2, "mediaType": media_types::OCI_INDEX, "manifests": entries}),
        media_types::OCI_INDEX,
    );
    for tag in tags {
        sink.put_manifest(tag, &index).await?;
    }
    Ok(index.digest)
}

/// Deterministic filler bytes for a file of `len` bytes.
pub fn filler(len: usize, seed: u64) -> Vec<u8> {
    lading_testkit::images::noise(len, seed)
}

fn base_steps() -> Vec<Step> {
    vec![
        Step::layer(
            "/bin/sh -c #(nop) ADD file:rootfs in /",
            vec![
                (
                    "etc/os-release",
                    b"PRETTY_NAME=\"Lading demo base\"\n".to_vec(),
                ),
                ("usr/bin/busybox", filler(96 * 1024, 1)),
                (
                    "etc/passwd",
                    b"root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n".to_vec(),
                ),
            ],
        ),
        Step::meta("/bin/sh -c #(nop) CMD [\"sh\"]"),
    ]
}

fn app_config<'a>(architecture: &'a str, created: &'a str, version: &'a str) -> ImageConfig<'a> {
    ImageConfig {
        architecture,
        created,
        entrypoint: Some(vec!["/app/server"]),
        cmd: vec!["--port", "8080"],
        env: vec!["PATH=/usr/local/bin:/usr/bin:/bin", "APP_ENV=production"],
        labels: vec![
            ("org.opencontainers.image.title", "web-app"),
            ("org.opencontainers.image.version", version),
        ],
        exposed_ports: vec!["8080/tcp"],
        working_dir: "/app",
        user: "app",
    }
}

fn app_image(architecture: &str, created: &str, version: &str, seed: u64) -> BuiltImage {
    let mut steps = base_steps();
    steps.push(Step::meta("WORKDIR /app"));
    steps.push(Step::layer(
        "COPY server /app/server",
        vec![(
            "app/server",
            filler(200 * 1024 + seed as usize * 1024, seed),
        )],
    ));
    steps.push(Step::layer(
        "COPY static/ /app/static/",
        vec![
            (
                "app/static/index.html",
                format!("<h1>web-app {version}</h1>\n").into_bytes(),
            ),
            ("app/static/app.js", filler(24 * 1024, seed + 100)),
        ],
    ));
    steps.push(Step::meta("USER app"));
    build_image(&app_config(architecture, created, version), &steps)
}

/// An image whose later layers overwrite and delete earlier files: wasted bytes to find.
fn wasteful_image() -> BuiltImage {
    let steps = {
        let mut steps = base_steps();
        steps.push(Step::layer(
            "RUN apt-get update",
            vec![(
                "var/lib/apt/lists/deb.debian.org_dists_bookworm_main",
                filler(300 * 1024, 7),
            )],
        ));
        steps.push(Step::layer(
            "RUN build.sh",
            vec![
                ("app/api", filler(150 * 1024, 8)),
                ("tmp/build-cache.bin", filler(200 * 1024, 9)),
            ],
        ));
        steps.push(Step::layer(
            "RUN rm -rf /var/lib/apt/lists/* /tmp/build-cache.bin && strip /app/api",
            vec![
                (
                    "var/lib/apt/lists/.wh.deb.debian.org_dists_bookworm_main",
                    Vec::new(),
                ),
                ("tmp/.wh.build-cache.bin", Vec::new()),
                ("app/api", filler(120 * 1024, 10)),
            ],
        ));
        steps
    };
    build_image(
        &ImageConfig {
            architecture: "amd64",
            created: "2026-10-02T09:30:00Z",
            cmd: vec!["/app/api"],
            env: vec!["PATH=/usr/bin:/bin"],
            working_dir: "/app",
            ..Default::default()
        },
        &steps,
    )
}

fn many_layers_image(layers: usize) -> BuiltImage {
    let steps: Vec<Step> = (0..layers)
        .map(|i| {
            let path = format!("opt/pkg-{i:02}/data.bin");
            let created_by = format!("RUN install pkg-{i:02}");
            Step {
                created_by,
                files: Some(vec![(
                    path,
                    filler(4 * 1024 * (i % 7 + 1), 1000 + i as u64),
                )]),
            }
        })
        .collect();
    build_image(
        &ImageConfig {
            architecture: "amd64",
            created: "2026-09-15T12:00:00Z",
            cmd: vec!["sh"],
            ..Default::default()
        },
        &steps,
    )
}

/// The repository with many tags: one small image, each tag its own manifest (and so its own row).
pub const MANY_TAGS_REPOSITORY: &str = "demo/many-tags";

/// Every repository [`seed_registry`] writes, with its tags.
pub fn registry_contents(many_tags: usize) -> Vec<(&'static str, Vec<String>)> {
    let own = |tags: &[&str]| tags.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    vec![
        ("team-a/web-app", own(&["1.0.0", "1.1.0", "latest", "dev"])),
        ("team-a/api", own(&["2026.10.02"])),
        ("team-b/worker", own(&["v3"])),
        ("platform/base", own(&["bookworm", "latest"])),
        ("demo/many-layers", own(&["latest"])),
        (MANY_TAGS_REPOSITORY, many_tag_names(many_tags)),
    ]
}

/// `build-00001`, `build-00002`, …
pub fn many_tag_names(count: usize) -> Vec<String> {
    (1..=count).map(|i| format!("build-{i:05}")).collect()
}

/// How many manifests go up at once when seeding many tags.
const PARALLEL_PUTS: usize = 16;

/// Fills a registry with the demo content of [`registry_contents`]. `sink_for` gives the sink of a
/// repository (a registry's `/v2/` API, or ECR's).
pub async fn seed_registry<S, F>(sink_for: F, many_tags: usize) -> Result<(), OciError>
where
    S: BlobSink,
    F: Fn(&'static str) -> S,
{
    let web = sink_for("team-a/web-app");
    push(
        &web,
        &app_image("amd64", "2026-08-01T10:00:00Z", "1.0.0", 1),
        &["1.0.0"],
    )
    .await?;
    push(
        &web,
        &app_image("amd64", "2026-09-01T10:00:00Z", "1.1.0", 2),
        &["1.1.0", "latest"],
    )
    .await?;
    push(
        &web,
        &app_image("amd64", "2026-11-20T16:45:00Z", "1.2.0-dev", 3),
        &["dev"],
    )
    .await?;

    push(&sink_for("team-a/api"), &wasteful_image(), &["2026.10.02"]).await?;
    push(
        &sink_for("team-b/worker"),
        &app_image("arm64", "2026-07-04T08:00:00Z", "3.0.0", 4),
        &["v3"],
    )
    .await?;

    let base = sink_for("platform/base");
    let platforms: Vec<BuiltImage> = ["amd64", "arm64"]
        .iter()
        .map(|arch| {
            build_image(
                &ImageConfig {
                    architecture: arch,
                    created: "2026-06-10T00:00:00Z",
                    cmd: vec!["sh"],
                    ..Default::default()
                },
                &base_steps(),
            )
        })
        .collect();
    push_index(&base, &platforms, &["bookworm", "latest"]).await?;

    push(
        &sink_for("demo/many-layers"),
        &many_layers_image(40),
        &["latest"],
    )
    .await?;

    seed_many_tags(&sink_for(MANY_TAGS_REPOSITORY), many_tags).await
}

/// `count` tags, each on its own manifest of one small shared image.
pub async fn seed_many_tags<S: BlobSink>(sink: &S, count: usize) -> Result<(), OciError> {
    if count == 0 {
        return Ok(());
    }
    let image = build_image(
        &ImageConfig {
            architecture: "amd64",
            created: "2026-11-01T00:00:00Z",
            cmd: vec!["true"],
            ..Default::default()
        },
        &[Step::layer(
            "COPY build-info /",
            vec![("build-info", b"ci\n".to_vec())],
        )],
    );
    upload_blobs(sink, &image).await?;
    stream::iter(many_tag_names(count))
        .map(|tag| {
            let manifest = variant(&image.manifest, "org.opencontainers.image.revision", &tag);
            async move { sink.put_manifest(&tag, &manifest).await.map(|_| ()) }
        })
        .buffer_unordered(PARALLEL_PUTS)
        .try_collect::<()>()
        .await
}

pub type DemoError = Box<dyn std::error::Error + Send + Sync>;

/// A repository policy letting one other account pull: something for the policy editor to show.
pub const DEMO_REPOSITORY_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "PullFromProduction",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
      "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
    }
  ]
}"#;

/// Keep the ten newest builds, expire untagged images after two weeks.
pub const DEMO_LIFECYCLE_POLICY: &str = r#"{
  "rules": [
    {
      "rulePriority": 1,
      "description": "Keep the 10 newest builds",
      "selection": {"tagStatus": "tagged", "tagPrefixList": ["build-"], "countType": "imageCountMoreThan", "countNumber": 10},
      "action": {"type": "expire"}
    },
    {
      "rulePriority": 2,
      "description": "Expire untagged images after 14 days",
      "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14},
      "action": {"type": "expire"}
    }
  ]
}"#;

/// Fills an ECR registry (moto's, for the demo and tests) with the same repositories as
/// [`seed_registry`], pushed through ECR's own API, plus a repository and a lifecycle policy.
pub async fn seed_ecr(ecr: &lading_ecr::EcrClient, many_tags: usize) -> Result<(), DemoError> {
    use lading_ecr::{NewRepository, TagMutability};
    let mut host = String::new();
    for (name, _) in registry_contents(0) {
        let spec = NewRepository {
            mutability: if name == "platform/base" {
                TagMutability::Immutable
            } else {
                TagMutability::Mutable
            },
            scan_on_push: name.starts_with("team-a/"),
            tags: vec![("team".into(), name.split('/').next().unwrap_or(name).into())],
            ..NewRepository::named(name)
        };
        let created = ecr.create_repository_with(&spec).await?;
        host = created.uri.split('/').next().unwrap_or_default().to_owned();
    }
    seed_registry(
        |repository| lading_ecr::EcrApiSink::new(ecr, &host, repository),
        many_tags,
    )
    .await?;
    // A scan of the newest release, for the findings view.
    ecr.start_image_scan("team-a/web-app", &lading_ecr::ImageRef::parse("1.1.0"))
        .await?;
    ecr.set_repository_policy("team-a/web-app", DEMO_REPOSITORY_POLICY)
        .await?;
    ecr.put_lifecycle_policy(MANY_TAGS_REPOSITORY, DEMO_LIFECYCLE_POLICY)
        .await?;
    Ok(())
}
