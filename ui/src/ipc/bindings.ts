// Generated from src-tauri/crates/lading-core/src/view by `./dev bindings`. Do not edit by hand.

export type ErrorCode = "invalid_registry" | "invalid_reference" | "invalid_auth" | "invalid_ca" | "invalid_compression" | "invalid_format" | "invalid_kind" | "invalid_path" | "invalid_platform" | "invalid_policy" | "invalid_profile" | "invalid_source" | "invalid_tags" | "invalid_input" | "missing_username" | "missing_password" | "unknown_registry" | "unknown_account" | "unknown_source" | "unknown_image" | "unknown_transfer" | "declined" | "dry_run_needed" | "auth_required" | "unauthorized" | "denied" | "not_found" | "registry_error" | "unreachable" | "plain_http" | "certificate" | "not_a_registry" | "protocol_error" | "invalid_manifest" | "digest_mismatch" | "untag_unsupported" | "not_an_image" | "not_supported" | "refused" | "rate_limited" | "no_space" | "repository_not_found" | "repository_exists" | "repository_not_empty" | "access_denied" | "image_not_found" | "aws_credentials" | "ecr_error" | "aws_cli_missing" | "sso_login_failed" | "sso_login_timeout" | "not_signed_in" | "duplicate_registry" | "settings_too_new" | "settings_write_failed" | "secret_not_found" | "keychain_unavailable" | "keychain_error" | "io_error" | "cancelled" | "listing_superseded" | "transfer_failed" | "dialog_failed" | "unexpected";

export type IpcError = { code: ErrorCode, message: string, 
/**
 * What the libraries said, for whoever wants it (shown one click away): the message is
 * the plain-words version.
 */
detail: string | null, };

export type AppInfo = { name: string, version: string, os: string, arch: string, };

export type RegistryView = { id: string, name: string, 
/**
 * `oci` or `ecr`.
 */
kind: string, 
/**
 * `host[:port]` for OCI registries, the registry host for ECR once known.
 */
address: string | null, 
/**
 * `anonymous`, `keychain`, `docker_login` (OCI) or `aws` (ECR).
 */
auth: string, username: string | null, insecure: boolean, 
/**
 * Whether a custom CA is trusted for this registry.
 */
custom_ca: boolean, profile: string | null, region: string | null, account: string | null, };

export type RegistryList = { registries: Array<RegistryView>, 
/**
 * Hosts with a docker login that are not in the list yet (offered as one-click adds).
 */
docker_logins: Array<string>, 
/**
 * Said once, e.g. when an unreadable settings file was moved aside.
 */
notice: string | null, };

export type DeveloperEndpoints = { on: boolean, 
/**
 * `host → URL`, one per entry of `LADING_REGISTRY_MAP` (listed when off too: set, ignored).
 */
redirects: Array<string>, };

export type ConnectionStatus = { 
/**
 * `connected`, `auth_needed`, `unreachable` or `error`.
 */
state: string, reason: string | null, 
/**
 * What the UI can offer to fix it: `sso_login` (run `aws sso login` for the profile).
 */
action: string | null, 
/**
 * ECR: when the registry token Lading keeps expires (Unix seconds), once one was fetched.
 */
token_expires_at: number | null, };

export type SignInHelp = { command: string, 
/**
 * What the command does, in words.
 */
note: string, 
/**
 * ECR: when the token Lading keeps expires (Unix seconds).
 */
token_expires_at: number | null, };

export type OciAuthInput = { 
/**
 * `anonymous`, `password` or `docker_login`.
 */
mode: string, username: string | null, password: string | null, };

export type AddOciRegistry = { address: string, auth: OciAuthInput, insecure: boolean, 
/**
 * Path of a PEM file with the registry's own CA (read by the backend, never by the page).
 */
ca_file: string | null, };

export type AddEcrRegistry = { profile: string | null, region: string, 
/**
 * Another account's registry this profile may read (12 digits); `None`: the profile's own.
 */
registry_id: string | null, };

export type AwsProfile = { name: string, kind: string, region: string | null, };

export type RepositoryView = { 
/**
 * Full path, e.g. `team-a/web-app`.
 */
name: string, 
/**
 * Where the registry says (ECR): `<account>.dkr.ecr.<region>.amazonaws.com/<name>`.
 */
uri: string | null, };

export type RepositoryList = { repositories: Array<RepositoryView>, 
/**
 * Why the registry's catalog could not be read (refused or not offered): the list then holds
 * only the repositories opened by name.
 */
catalog_unreadable: string | null, };

export type Located = { 
/**
 * The registry in the list, or none: `registry` is then for the user to add.
 */
registry_id: string | null, 
/**
 * `host[:port]` (Docker Hub as `registry-1.docker.io`).
 */
registry: string, 
/**
 * An ECR registry host (added by AWS profile, not by address).
 */
is_ecr: boolean, repository: string, tag: string | null, digest: string | null, };

export type RepositorySettings = { name: string, uri: string, created_at: number | null, 
/**
 * `MUTABLE`, `IMMUTABLE`, `MUTABLE_WITH_EXCLUSION` or `IMMUTABLE_WITH_EXCLUSION`.
 */
tag_mutability: string, 
/**
 * Tag filters exempt from the mutability setting (`latest`, `dev-*`).
 */
mutability_exclusions: Array<string>, scan_on_push: boolean, 
/**
 * `AES256` or `KMS` (fixed at creation).
 */
encryption: string, kms_key: string | null, };

export type LocalView = { id: string, path: string, 
/**
 * The file or folder name.
 */
name: string, 
/**
 * `docker-archive`, `oci-archive` or `oci-layout`; empty until opened.
 */
kind: string, images: Array<LocalImageView>, 
/**
 * False for a source remembered from the last run and not read yet: opening it (the same
 * path again) reads it.
 */
opened: boolean, 
/**
 * Compressed as a whole: opening decompresses it into the data folder first.
 */
compressed: boolean, };

export type LocalImageView = { index: number, 
/**
 * RepoTags of a docker archive, the ref name in an OCI layout.
 */
names: Array<string>, 
/**
 * `image` or `index`.
 */
kind: string, 
/**
 * `os/arch` where the archive says.
 */
platform: string, layers: number, 
/**
 * Bytes as stored (an index: 0, see its platforms).
 */
size: number, 
/**
 * The config digest (docker archives have no manifest yet) or the manifest digest.
 */
digest: string, 
/**
 * Where its names say it goes: the push sheet's default repository (no registry host) and tags.
 */
target_repository: string, target_tags: Array<string>, };

export type PushRequest = { source_id: string, image: number, registry_id: string, repository: string, 
/**
 * Tags to apply; none pushes by digest only.
 */
tags: Array<string>, 
/**
 * `gzip` (default elsewhere) or `zstd`, for layers that are not compressed yet.
 */
compression: string, 
/**
 * ECR: create the repository first if it does not exist.
 */
create_repository: boolean, };

export type BlobProgress = { 
/**
 * Layers first, then the config.
 */
blob: number, 
/**
 * `checking`, `exists`, `mounted`, `uploading`, `downloading` or `done`.
 */
state: string, done: number, total: number, };

export type TransferEvent = { "event": "started", transfer_id: string, } | { "event": "progress", blobs: Array<BlobProgress>, } | { "event": "finished", manifest_digest: string, tags: Array<string>, 
/**
 * Bytes sent (push, copy) or received (export).
 */
bytes: number, 
/**
 * An export whose manifests were given OCI media types: the registry's digest, for
 * `manifest_digest` is then the layout's.
 */
registry_digest: string | null, 
/**
 * Attached manifests (signatures, SBOMs, attestations) carried along.
 */
referrers: number, };

export type ExportRequest = { registry_id: string, repository: string, 
/**
 * A tag or digest.
 */
reference: string, 
/**
 * `docker-archive` (a `docker load`-able .tar; one platform) or `oci-layout` (a folder).
 */
format: string, path: string, 
/**
 * `os/arch[/variant]` for an index; a docker archive defaults to this machine's.
 */
platform: string | null, 
/**
 * An OCI layout keeps the registry's manifests byte for byte (Docker media types too);
 * otherwise Docker manifests are given OCI media types and new digests.
 */
preserve_digests: boolean, 
/**
 * An OCI layout also gets what is attached to the image (signatures, SBOMs, attestations).
 */
referrers: boolean, };

export type DestinationView = { 
/**
 * The full path it would write (a relative one is under the home folder).
 */
path: string, 
/**
 * A file is there, and would be replaced (after the native yes).
 */
replaces: boolean, 
/**
 * Why it cannot go there, in words for the field.
 */
problem: string | null, };

export type CopyRequest = { registry_id: string, repository: string, reference: string, target_registry_id: string, target_repository: string, tags: Array<string>, 
/**
 * ECR target: create the repository first if it does not exist.
 */
create_repository: boolean, 
/**
 * Take what is attached to the image along: signatures, SBOMs, attestations.
 */
referrers: boolean, };

export type ImageRow = { digest: string, tags: Array<string>, 
/**
 * `image`, `index` or `artifact`.
 */
kind: string, media_type: string, 
/**
 * Compressed size: config and layers (an index: unknown until opened).
 */
size: number | null, 
/**
 * `os/arch` of an index's images.
 */
platforms: Array<string>, 
/**
 * For an index: the digests of its images (deleting one of them breaks the index).
 */
children: Array<string>, 
/**
 * Each child's platform ("linux/arm64/v8", "attestation of linux/amd64"), in `children`'s order.
 */
child_labels: Array<string>, 
/**
 * Seconds since the epoch, where the registry says (ECR).
 */
pushed_at: number | null, last_pulled_at: number | null, scan_status: string | null, 
/**
 * ECR: findings per severity from the last scan (empty elsewhere, or none found).
 */
scan_counts: { [key in string]: number }, 
/**
 * An artifact attached to an image (a signature, an SBOM…): the image's digest.
 */
subject: string | null, 
/**
 * An image's config digest (what `docker images` calls the image ID); for reading its
 * created time without asking for the manifest again (`row_details`).
 */
config: string | null, };

export type RowDetailRequest = { digest: string, config: string | null, };

export type RowDetail = { digest: string, 
/**
 * Seconds since the epoch, from the image config's `created` (an index: its newest
 * platform's); none where the config says nothing or could not be read.
 */
created: number | null, 
/**
 * An index: each platform's size (config and layers, compressed), attestations left out.
 * Empty for an image, and for an index where reading its images would count as pulls.
 */
platform_sizes: Array<PlatformSize>, };

export type PlatformSize = { platform: string, size: number | null, };

export type ImageListEvent = { "event": "tags", tags: Array<string>, } | { "event": "rows", rows: Array<ImageRow>, } | { "event": "tag_failed", tag: string, message: string, } | { "event": "paused", unread: number, } | { "event": "rate_limit", limit: number, remaining: number, window_seconds: number | null, } | { "event": "done", images: number, failed: number, 
/**
 * Served from the listing kept since the last refresh, without asking the registry.
 */
cached: boolean, elapsed_ms: number, };

export type ReferrerView = { digest: string, media_type: string, 
/**
 * What it is (an SPDX or in-toto type…; for a cosign tag, cosign's name for it).
 */
artifact_type: string | null, size: number, annotations: { [key in string]: string }, 
/**
 * Where it was found: `referrers API`, `referrers tag schema`, or `tag <name>` (cosign).
 */
found: string, };

export type FileView = { 
/**
 * For `whiteout` and `opaque`: the path deleted or hidden from the layers below.
 */
path: string, size: number, mode: number, 
/**
 * `file`, `dir`, `symlink`, `hardlink`, `whiteout`, `opaque` or `other`.
 */
kind: string, target: string | null, };

export type WastedView = { path: string, size: number, layer: number, hidden_by: number, deleted: boolean, };

export type ImageFilesEvent = { "event": "started", layers: number, } | { "event": "layer", index: number, digest: string, files: Array<FileView>, } | { "event": "done", wasted_bytes: number, wasted: Array<WastedView>, };

export type PlatformEntry = { platform: string, digest: string, manifest_size: number, 
/**
 * What this platform's image takes: its config and layers, compressed (unknown where its
 * manifest could not be read).
 */
size: number | null, };

export type LayerEntry = { digest: string, size: number, media_type: string, };

export type HistoryEntry = { created_by: string, created: string | null, 
/**
 * A step that changed no files (ENV, CMD, …): it has no layer.
 */
empty_layer: boolean, };

export type ScanView = { 
/**
 * ECR's status (`COMPLETE`, `IN_PROGRESS`, `ACTIVE`, `FAILED`, …); `None`: never scanned.
 */
status: string | null, 
/**
 * ECR's words on the status (why it failed, what is unsupported).
 */
status_description: string | null, 
/**
 * Unix seconds.
 */
completed_at: number | null, enhanced: boolean, 
/**
 * Severity → count, as ECR counts them.
 */
counts: { [key in string]: number }, 
/**
 * Every finding (all pages), in ECR's order.
 */
findings: Array<FindingView>, 
/**
 * The findings could not be read: why.
 */
error: string | null, };

export type FindingView = { 
/**
 * The CVE or advisory id.
 */
id: string, title: string | null, description: string | null, severity: string, 
/**
 * CVSS base score.
 */
score: number | null, package: string | null, installed_version: string | null, 
/**
 * `NotAvailable` when Inspector knows of no fix yet.
 */
fixed_in: string | null, 
/**
 * Enhanced scanning: `ACTIVE`, `SUPPRESSED`, `CLOSED`.
 */
status: string | null, 
/**
 * The advisory.
 */
url: string | null, };

export type NewRepositoryRequest = { name: string, 
/**
 * `MUTABLE`, `IMMUTABLE`, `MUTABLE_WITH_EXCLUSION` or `IMMUTABLE_WITH_EXCLUSION`.
 */
mutability: string, 
/**
 * For the `…_WITH_EXCLUSION` modes: tag filters that behave the other way.
 */
exclusions: Array<string>, scan_on_push: boolean, 
/**
 * `AES256` (ECR's default) or `KMS`.
 */
encryption: string, 
/**
 * With `KMS`: a key ID, ARN or alias; none for the AWS managed key.
 */
kms_key: string | null, tags: Array<ResourceTag>, };

export type ResourceTag = { key: string, value: string, };

export type ScanningConfigView = { 
/**
 * `BASIC` or `ENHANCED`.
 */
scan_type: string, rules: Array<ScanningRuleView>, };

export type ScanningRuleView = { 
/**
 * `SCAN_ON_PUSH` or (enhanced) `CONTINUOUS_SCAN`.
 */
frequency: string, 
/**
 * Repository name filters; `*` is a wildcard.
 */
filters: Array<string>, };

export type ArchivedImage = { digest: string, tags: Array<string>, size: number | null, 
/**
 * Unix seconds.
 */
pushed_at: number | null, 
/**
 * `ARCHIVED`, or `ACTIVATING` while a restore runs.
 */
status: string, 
/**
 * Unix seconds: when it was last archived, last restored.
 */
archived_at: number | null, activated_at: number | null, };

export type StorageClassChange = { digest: string, 
/**
 * ECR's new status: `ARCHIVED`, or `ACTIVATING` while a restore runs.
 */
status: string, };

export type StorageClassResult = { changed: Array<StorageClassChange>, failures: Array<DeleteFailure>, };

export type ReplicationTarget = { region: string, 
/**
 * The destination account (12 digits): this registry's own for another region.
 */
registry_id: string, };

export type ReplicationRuleView = { destinations: Array<ReplicationTarget>, 
/**
 * Repository name prefixes; none: every repository.
 */
filters: Array<string>, };

export type ReplicationView = { rules: Array<ReplicationRuleView>, };

export type PullThroughRuleView = { 
/**
 * The repository prefix here (`docker-hub` → `docker-hub/library/nginx`).
 */
prefix: string, upstream_url: string, 
/**
 * A Secrets Manager secret (`ecr-pullthroughcache/…`) for upstreams that need a sign-in.
 */
credential_arn: string | null, 
/**
 * ECR's name for the upstream (`docker-hub`, …); `None` on a rule not made yet.
 */
upstream: string | null, 
/**
 * Unix seconds.
 */
created_at: number | null, };

export type CreationTemplateView = { 
/**
 * A repository-name prefix (`team-a/`), or `ROOT` for every repository no other matches.
 */
prefix: string, description: string | null, 
/**
 * `CREATE_ON_PUSH`, `PULL_THROUGH_CACHE`, `REPLICATION`.
 */
applied_for: Array<string>, 
/**
 * `MUTABLE` or `IMMUTABLE`; `None`: ECR's default.
 */
mutability: string | null, tags: Array<ResourceTag>, 
/**
 * The lifecycle policy and repository policy (JSON) it gives the repositories it makes.
 */
lifecycle_policy: string | null, repository_policy: string | null, };

export type ImageDetail = { digest: string, media_type: string, 
/**
 * `image`, `index` or `artifact`.
 */
kind: string, 
/**
 * For an index: its images.
 */
platforms: Array<PlatformEntry>, layers: Array<LayerEntry>, history: Array<HistoryEntry>, os: string | null, architecture: string | null, created: string | null, entrypoint: Array<string>, cmd: Array<string>, env: Array<string>, labels: Array<[string, string]>, working_dir: string | null, user: string | null, exposed_ports: Array<string>, 
/**
 * The manifest and config, pretty-printed for reading (the stored bytes are untouched).
 */
manifest_json: string, config_json: string | null, 
/**
 * Why the config could not be read (ECR's registry endpoint unreachable); the rest stands.
 */
config_error: string | null, 
/**
 * ECR: the findings of the image's last scan.
 */
scan: ScanView | null, };

export type DeleteFailure = { 
/**
 * The digest or tag that stayed.
 */
reference: string, reason: string, 
/**
 * Why, as an error code (`untag_unsupported`: the registry cannot remove a tag on its own;
 * `ecr_error` for what ECR refused).
 */
code: ErrorCode, };

export type DeleteResult = { 
/**
 * The digests (images deleted) or tags (removed, images kept) that went.
 */
deleted: Array<string>, failures: Array<DeleteFailure>, };

export type PolicyIssueView = { path: string, message: string, };

export type LifecycleVerdict = { digest: string, tags: Array<string>, size: number | null, pushed_at: number | null, last_pulled_at: number | null, 
/**
 * `expire`, `transition` or `keep`.
 */
action: string, 
/**
 * The rule that acts on the image, or (kept) the highest-priority rule that selected it and
 * so protects it from lower ones; none when no rule selected it.
 */
rule_priority: number | null, 
/**
 * In ECR's archive storage class (active images are not).
 */
archived: boolean, 
/**
 * Since when (Unix seconds), which archive rules count from; `None` when ECR does not say.
 */
archived_at: number | null, };

export type LifecycleDryRun = { 
/**
 * Every problem in the text; when there are any, nothing was evaluated.
 */
issues: Array<PolicyIssueView>, verdicts: Array<LifecycleVerdict>, expiring: number, transitioning: number, kept: number, 
/**
 * The sizes of the images that expire, as ECR reports them.
 */
bytes_reclaimed: number, 
/**
 * Plain-words warnings: a protected tag that would go, the image of a kept index that would go.
 */
warnings: Array<string>, 
/**
 * When the images were read from ECR and the moment they were judged at (seconds since the epoch).
 */
images_read_at: number, now: number, };

export type ServerPreview = { 
/**
 * False where the endpoint has no preview (moto); `message` says why.
 */
available: boolean, message: string, 
/**
 * Digests ECR would act on.
 */
acting: Array<string>, 
/**
 * Digests on which ECR's answer and ours differ.
 */
disagreements: Array<string>, };

export type PolicyLint = { 
/**
 * The statement concerned (its index in the document).
 */
statement: number | null, 
/**
 * `danger` (public access, locking yourself out: saving asks again) or `warning`.
 */
severity: string, message: string, };

export type PolicyCheck = { issues: Array<PolicyIssueView>, lints: Array<PolicyLint>, };
