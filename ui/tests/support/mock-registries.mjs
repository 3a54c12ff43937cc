// The mocked backend of the browser tests' main walk: an ECR registry (connected), a private one
// that wants a sign-in, a loopback one that is down; repositories, images, an image's detail, files
// and attached SBOM/signature, settings, archived images, registry settings and a local archive. Shared by the shell and a11y tests.
export const REGISTRIES_MOCK = `{
    list_local: () => [{ id: "local:0", path: "/home/me/images/web-2.1.0.tar", name: "web-2.1.0.tar", kind: "docker-archive", opened: true, compressed: false,
      images: [{ index: 0, names: ["team-a/web:2.1.0"], kind: "image", platform: "linux/amd64", layers: 3, size: 271_000_000, digest: "sha256:" + "9".repeat(64), target_repository: "team-a/web", target_tags: ["2.1.0"] }] }],
    repository_settings: ({ name }) => ({ name, uri: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/" + name, created_at: 1_700_000_000,
      tag_mutability: "IMMUTABLE_WITH_EXCLUSION", mutability_exclusions: ["latest", "dev-*"], scan_on_push: true, encryption: "KMS",
      kms_key: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd" }),
    sign_in_help: () => ({ command: "aws ecr get-login-password --region eu-west-1 --profile dev | docker login --username AWS --password-stdin 123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      note: "The AWS CLI fetches a 12-hour token with the same profile; docker keeps it until it expires.", token_expires_at: Math.floor(Date.now() / 1000) + 40_000 }),
    archived_images: () => [
      { digest: "sha256:" + "7".repeat(64), tags: ["0.9.0", "0.9"], size: 262_000_000, pushed_at: Date.now() / 1000 - 86400 * 400,
        status: "ARCHIVED", archived_at: Date.now() / 1000 - 86400 * 30, activated_at: null },
      { digest: "sha256:" + "8".repeat(64), tags: [], size: 259_000_000, pushed_at: Date.now() / 1000 - 86400 * 500,
        status: "ACTIVATING", archived_at: Date.now() / 1000 - 86400 * 200, activated_at: null },
    ],
    replication: () => ({ rules: [{ destinations: [{ region: "eu-central-1", registry_id: "123456789012" }, { region: "us-east-1", registry_id: "444455556666" }], filters: ["team-a/"] }] }),
    pull_through_rules: () => [
      { prefix: "docker-hub", upstream_url: "registry-1.docker.io", credential_arn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf",
        upstream: "docker-hub", created_at: Date.now() / 1000 - 86400 * 90 },
      { prefix: "ecr-public", upstream_url: "public.ecr.aws", credential_arn: null, upstream: "ecr-public", created_at: Date.now() / 1000 - 86400 * 10 },
    ],
    creation_templates: () => [
      { prefix: "ROOT", description: "Defaults for pushed repositories", applied_for: ["CREATE_ON_PUSH"], mutability: "IMMUTABLE",
        tags: [{ key: "team", value: "platform" }], lifecycle_policy: '{"rules":[]}', repository_policy: null },
    ],
    registry_policy: () => JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "AllowReplication", Effect: "Allow", Principal: { AWS: ["arn:aws:iam::444455556666:root"] },
      Action: ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource: "arn:aws:ecr:eu-west-1:123456789012:repository/*" }] }),
    check_repository_policy: () => ({ issues: [], lints: [] }),
    repository_tags: () => [{ key: "cost-centre", value: "4410" }, { key: "team", value: "team-a" }],
    app_info: () => ({ name: "lading-app", version: "0.1.0", os: "linux", arch: "x86_64" }),
    aws_profiles: () => [{ name: "dev", kind: "sso", region: "eu-west-1" }],
    list_registries: () => ({
      registries: [
        { id: "ecr:dev@eu-west-1", name: "dev · eu-west-1", kind: "ecr", address: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
          auth: "aws", username: null, insecure: false, profile: "dev", region: "eu-west-1", account: "123456789012" },
        { id: "oci:registry.example.com", name: "registry.example.com", kind: "oci", address: "registry.example.com",
          auth: "keychain", username: "alice", insecure: false, profile: null, region: null, account: null },
        { id: "oci:localhost:5000", name: "localhost:5000", kind: "oci", address: "localhost:5000",
          auth: "anonymous", username: null, insecure: false, profile: null, region: null, account: null },
      ],
      docker_logins: ["ghcr.example.com"],
      notice: null,
    }),
    list_repositories: () => ({ repositories: ["team-a/api", "team-a/web", "team-b/worker", "tools"].map((name) => ({ name, uri: null })), catalog_unreadable: null }),
    stream_images: ({ onEvent }) => {
      const rows = [
      { digest: "sha256:" + "1".repeat(64), tags: ["2.0.0", "latest"], kind: "index", media_type: "application/vnd.oci.image.index.v1+json",
        size: null, platforms: ["linux/amd64", "linux/arm64"], children: [], child_labels: [], pushed_at: Date.now() / 1000 - 3600, last_pulled_at: Date.now() / 1000 - 600, scan_status: "COMPLETE",
        scan_counts: { CRITICAL: 1, HIGH: 2 } },
      { digest: "sha256:" + "2".repeat(64), tags: ["1.1.0"], kind: "image", media_type: "application/vnd.docker.distribution.manifest.v2+json",
        size: 271000000, platforms: [], pushed_at: Date.now() / 1000 - 86400 * 3, last_pulled_at: null, scan_status: "COMPLETE", scan_counts: {}, subject: null, config: "sha256:" + "c2".repeat(32) },
      { digest: "sha256:" + "3".repeat(64), tags: ["1.0.0"], kind: "image", media_type: "application/vnd.docker.distribution.manifest.v2+json",
        size: 268000000, platforms: [], pushed_at: Date.now() / 1000 - 86400 * 40, last_pulled_at: null, scan_status: null, scan_counts: {}, subject: null, config: "sha256:" + "c3".repeat(32) },
      { digest: "sha256:" + "4".repeat(64), tags: [], kind: "artifact", media_type: "application/vnd.oci.image.manifest.v1+json",
        size: 1200, platforms: [], pushed_at: Date.now() / 1000 - 86400 * 2, last_pulled_at: null, scan_status: null, scan_counts: {}, subject: null, config: null },
      ];
      onEvent.onmessage({ event: "rows", rows });
      onEvent.onmessage({ event: "done", images: rows.length, failed: 0, cached: false, elapsed_ms: 3 });
      return null;
    },
    // Created a day per image apart; the index's platforms 98 and 97 MB.
    row_details: ({ rows }) => rows.map((r, i) => ({
      digest: r.digest, created: Math.floor(Date.now() / 1000) - 86400 * (3 + 37 * i),
      platform_sizes: r.config ? [] : [{ platform: "linux/amd64", size: 98_000_000 }, { platform: "linux/arm64", size: 97_000_000 }],
    })),
    local_image_detail: ({ digest }) => ({ ...window.__LADING_MOCK__.image_detail({ digest }), manifest_json: "", scan: null,
      media_type: "docker save archive: the registry manifest is made on push" }),
    image_detail: ({ digest }) => ({
      digest, media_type: "application/vnd.docker.distribution.manifest.v2+json", kind: "image", platforms: [],
      layers: [
        { digest: "sha256:" + "a1".repeat(32), size: 29_000_000, media_type: "application/vnd.docker.image.rootfs.diff.tar.gzip" },
        { digest: "sha256:" + "b2".repeat(32), size: 180_000_000, media_type: "application/vnd.docker.image.rootfs.diff.tar.gzip" },
        { digest: "sha256:" + "c3".repeat(32), size: 62_000_000, media_type: "application/vnd.docker.image.rootfs.diff.tar.gzip" },
      ],
      history: [{ created_by: "ADD file:debian.tar /", created: null, empty_layer: false }],
      os: "linux", architecture: "amd64", created: "2026-11-20T09:14:02Z", entrypoint: ["/usr/local/bin/web"],
      cmd: ["--port", "8080"], env: ["PATH=/usr/local/bin:/usr/bin", "LANG=C.UTF-8"],
      labels: [["org.opencontainers.image.source", "https://git.example.com/team-a/web"]], working_dir: "/srv",
      user: "web", exposed_ports: ["8080/tcp"], manifest_json: "{}", config_json: "{}",
      scan: { status: "ACTIVE", status_description: null, completed_at: 1_764_230_000, enhanced: true,
        counts: { CRITICAL: 1, HIGH: 1, MEDIUM: 1 }, error: null, findings: [
          { id: "CVE-2026-0101", title: "CVE-2026-0101 - openssl", description: "A heap overflow in the TLS handshake.", severity: "CRITICAL",
            score: 9.8, package: "openssl", installed_version: "3.0.15-1~deb12u1", fixed_in: "3.0.16-1~deb12u1", status: "ACTIVE",
            url: "https://security-tracker.debian.org/tracker/CVE-2026-0101" },
          { id: "CVE-2026-0102", title: null, description: null, severity: "HIGH", score: 7.5, package: "zlib", installed_version: "1.2.13",
            fixed_in: "1.3.1", status: "ACTIVE", url: null },
          { id: "GHSA-xxxx-yyyy-zzzz", title: "Prototype pollution in a JavaScript dependency", description: null, severity: "MEDIUM",
            score: 5.3, package: "lodash", installed_version: "4.17.20", fixed_in: "NotAvailable", status: "SUPPRESSED", url: null },
        ] },
    }),
    scanning_configuration: () => ({ scan_type: "ENHANCED", rules: [
      { frequency: "CONTINUOUS_SCAN", filters: ["team-a/*", "prod-*"] }, { frequency: "SCAN_ON_PUSH", filters: ["*"] }] }),
    image_referrers: () => [
      { digest: "sha256:" + "5e".repeat(32), media_type: "application/vnd.oci.image.manifest.v1+json", artifact_type: "application/spdx+json",
        size: 48_213, annotations: { "org.opencontainers.image.created": "2026-11-20T09:20:00Z" }, found: "referrers API" },
      { digest: "sha256:" + "6f".repeat(32), media_type: "application/vnd.oci.image.manifest.v1+json", artifact_type: "cosign signature",
        size: 712, annotations: {}, found: "tag sha256-" + "d4".repeat(32) + ".sig" },
    ],
    image_files: ({ onEvent }) => {
      const file = (path, size, kind = "file", mode = 0o644) => ({ path, size, mode, kind, target: null });
      onEvent.onmessage({ event: "started", layers: 3 });
      onEvent.onmessage({ event: "layer", index: 0, digest: "sha256:" + "a1".repeat(32), files: [
        file("etc", 0, "dir", 0o755), file("etc/os-release", 267), file("usr", 0, "dir", 0o755), file("usr/bin", 0, "dir", 0o755),
        file("usr/bin/bash", 1_265_648, "file", 0o755), { path: "usr/bin/sh", size: 0, mode: 0o777, kind: "symlink", target: "bash" },
        file("var/lib/apt/lists", 0, "dir", 0o755), file("var/lib/apt/lists/deb.debian.org_main_Packages", 9_175_040),
      ] });
      onEvent.onmessage({ event: "layer", index: 1, digest: "sha256:" + "b2".repeat(32), files: [
        file("srv", 0, "dir", 0o755), file("srv/web", 48_000_000, "file", 0o755), file("tmp/build-cache.tar", 120_000_000),
      ] });
      onEvent.onmessage({ event: "layer", index: 2, digest: "sha256:" + "c3".repeat(32), files: [
        file("tmp/build-cache.tar", 0, "whiteout"), file("var/lib/apt/lists", 0, "opaque"), file("srv/web", 31_000_000, "file", 0o755),
      ] });
      onEvent.onmessage({ event: "done", wasted_bytes: 208_175_040, wasted: [
        { path: "tmp/build-cache.tar", size: 120_000_000, layer: 1, hidden_by: 2, deleted: true },
        { path: "srv/web", size: 48_000_000, layer: 1, hidden_by: 2, deleted: false },
        { path: "var/lib/apt/lists/deb.debian.org_main_Packages", size: 9_175_040, layer: 0, hidden_by: 2, deleted: true },
      ] });
      return null;
    },
    check_registry: ({ id }) => id.startsWith("ecr") ? { state: "connected", reason: null }
      : id.includes("localhost") ? { state: "unreachable", reason: "cannot reach localhost:5000: connection refused" }
      : { state: "auth_needed", reason: "registry.example.com rejected the credentials for alice" },
  }`;
