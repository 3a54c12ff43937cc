//! The registry list, connections and repositories as the window sees them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub os: String,
    pub arch: String,
}

/// A registry as the sidebar shows it. Never carries a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RegistryView {
    pub id: String,
    pub name: String,
    /// `oci` or `ecr`.
    pub kind: String,
    /// `host[:port]` for OCI registries, the registry host for ECR once known.
    pub address: Option<String>,
    /// `anonymous`, `keychain`, `docker_login` (OCI) or `aws` (ECR).
    pub auth: String,
    pub username: Option<String>,
    pub insecure: bool,
    /// Whether a custom CA is trusted for this registry.
    pub custom_ca: bool,
    pub profile: Option<String>,
    pub region: Option<String>,
    pub account: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RegistryList {
    pub registries: Vec<RegistryView>,
    /// Hosts with a docker login that are not in the list yet (offered as one-click adds).
    pub docker_logins: Vec<String>,
    /// Said once, e.g. when an unreadable settings file was moved aside.
    pub notice: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ConnectionStatus {
    /// `connected`, `auth_needed`, `unreachable` or `error`.
    pub state: String,
    pub reason: Option<String>,
    /// What the UI can offer to fix it: `sso_login` (run `aws sso login` for the profile).
    pub action: Option<String>,
    /// ECR: when the registry token Lading keeps expires (Unix seconds), once one was fetched.
    #[ts(type = "number | null")]
    pub token_expires_at: Option<i64>,
}

/// How to sign in to the registry from a terminal, for `docker` and other tools. Never the
/// password: the command fetches it itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SignInHelp {
    pub command: String,
    /// What the command does, in words.
    pub note: String,
    /// ECR: when the token Lading keeps expires (Unix seconds).
    #[ts(type = "number | null")]
    pub token_expires_at: Option<i64>,
}

/// How to sign in to an OCI registry being added. The password travels UI → backend once and
/// goes straight into the keychain.
#[derive(Debug, Clone, serde::Deserialize, TS)]
pub struct OciAuthInput {
    /// `anonymous`, `password` or `docker_login`.
    pub mode: String,
    pub username: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Clone, serde::Deserialize, TS)]
pub struct AddOciRegistry {
    pub address: String,
    pub auth: OciAuthInput,
    pub insecure: bool,
    /// Path of a PEM file with the registry's own CA (read by the backend, never by the page).
    pub ca_file: Option<String>,
}

#[derive(Debug, Clone, serde::Deserialize, TS)]
pub struct AddEcrRegistry {
    pub profile: Option<String>,
    pub region: String,
    /// Another account's registry this profile may read (12 digits); `None`: the profile's own.
    #[serde(default)]
    pub registry_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AwsProfile {
    pub name: String,
    pub kind: String,
    pub region: Option<String>,
}

/// One repository of a registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RepositoryView {
    /// Full path, e.g. `team-a/web-app`.
    pub name: String,
    /// Where the registry says (ECR): `<account>.dkr.ecr.<region>.amazonaws.com/<name>`.
    pub uri: Option<String>,
}

/// The repository pane's list: the catalog's (or ECR's) repositories with those opened by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RepositoryList {
    pub repositories: Vec<RepositoryView>,
    /// Why the registry's catalog could not be read (refused or not offered): the list then holds
    /// only the repositories opened by name.
    pub catalog_unreadable: Option<String>,
}

/// An ECR repository's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RepositorySettings {
    pub name: String,
    pub uri: String,
    #[ts(type = "number | null")]
    pub created_at: Option<i64>,
    /// `MUTABLE`, `IMMUTABLE`, `MUTABLE_WITH_EXCLUSION` or `IMMUTABLE_WITH_EXCLUSION`.
    pub tag_mutability: String,
    /// Tag filters exempt from the mutability setting (`latest`, `dev-*`).
    pub mutability_exclusions: Vec<String>,
    pub scan_on_push: bool,
    /// `AES256` or `KMS` (fixed at creation).
    pub encryption: String,
    pub kms_key: Option<String>,
}

/// A new ECR repository with every setting ECR takes at creation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct NewRepositoryRequest {
    pub name: String,
    /// `MUTABLE`, `IMMUTABLE`, `MUTABLE_WITH_EXCLUSION` or `IMMUTABLE_WITH_EXCLUSION`.
    pub mutability: String,
    /// For the `…_WITH_EXCLUSION` modes: tag filters that behave the other way.
    pub exclusions: Vec<String>,
    pub scan_on_push: bool,
    /// `AES256` (ECR's default) or `KMS`.
    pub encryption: String,
    /// With `KMS`: a key ID, ARN or alias; none for the AWS managed key.
    pub kms_key: Option<String>,
    pub tags: Vec<ResourceTag>,
}

/// A resource tag of a repository (cost allocation, ownership): key and value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ResourceTag {
    pub key: String,
    pub value: String,
}

/// Developer endpoints: whether `LADING_REGISTRY_MAP` is honoured, and what it would redirect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DeveloperEndpoints {
    pub on: bool,
    /// `host → URL`, one per entry of `LADING_REGISTRY_MAP` (listed when off too: set, ignored).
    pub redirects: Vec<String>,
}

/// A pasted reference, read ("Go to"): the registry of the list it names, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Located {
    /// The registry in the list, or none: `registry` is then for the user to add.
    pub registry_id: Option<String>,
    /// `host[:port]` (Docker Hub as `registry-1.docker.io`).
    pub registry: String,
    /// An ECR registry host (added by AWS profile, not by address).
    pub is_ecr: bool,
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}
