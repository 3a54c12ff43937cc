//! The lifecycle and repository policy editors.

use serde::Serialize;
use ts_rs::TS;

/// A problem in a policy, at a field (`rules[1].selection.countNumber`) or a JSON position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PolicyIssueView {
    pub path: String,
    pub message: String,
}

impl From<lading_ecr::lifecycle::PolicyIssue> for PolicyIssueView {
    fn from(i: lading_ecr::lifecycle::PolicyIssue) -> Self {
        Self {
            path: i.path,
            message: i.message,
        }
    }
}

/// What a lifecycle policy would do to one image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LifecycleVerdict {
    pub digest: String,
    pub tags: Vec<String>,
    #[ts(type = "number | null")]
    pub size: Option<i64>,
    #[ts(type = "number | null")]
    pub pushed_at: Option<i64>,
    #[ts(type = "number | null")]
    pub last_pulled_at: Option<i64>,
    /// `expire`, `transition` or `keep`.
    pub action: String,
    /// The rule that acts on the image, or (kept) the highest-priority rule that selected it and
    /// so protects it from lower ones; none when no rule selected it.
    #[ts(type = "number | null")]
    pub rule_priority: Option<i64>,
    /// In ECR's archive storage class (active images are not).
    pub archived: bool,
    /// Since when (Unix seconds), which archive rules count from; `None` when ECR does not say.
    #[ts(type = "number | null")]
    pub archived_at: Option<i64>,
}

/// The local dry run of a lifecycle policy on the repository's current images.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LifecycleDryRun {
    /// Every problem in the text; when there are any, nothing was evaluated.
    pub issues: Vec<PolicyIssueView>,
    pub verdicts: Vec<LifecycleVerdict>,
    pub expiring: u32,
    pub transitioning: u32,
    pub kept: u32,
    /// The sizes of the images that expire, as ECR reports them.
    #[ts(type = "number")]
    pub bytes_reclaimed: i64,
    /// Plain-words warnings: a protected tag that would go, the image of a kept index that would go.
    pub warnings: Vec<String>,
    /// When the images were read from ECR and the moment they were judged at (seconds since the epoch).
    #[ts(type = "number")]
    pub images_read_at: i64,
    #[ts(type = "number")]
    pub now: i64,
}

/// ECR's own preview (StartLifecyclePolicyPreview) next to ours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ServerPreview {
    /// False where the endpoint has no preview (moto); `message` says why.
    pub available: bool,
    pub message: String,
    /// Digests ECR would act on.
    pub acting: Vec<String>,
    /// Digests on which ECR's answer and ours differ.
    pub disagreements: Vec<String>,
}

/// A risk in a repository policy, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PolicyLint {
    /// The statement concerned (its index in the document).
    pub statement: Option<u32>,
    /// `danger` (public access, locking yourself out: saving asks again) or `warning`.
    pub severity: String,
    pub message: String,
}

/// What is wrong with a repository policy text (`issues`: ECR would refuse it) and what is risky.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PolicyCheck {
    pub issues: Vec<PolicyIssueView>,
    pub lints: Vec<PolicyLint>,
}
