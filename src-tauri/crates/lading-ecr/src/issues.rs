//! A problem in a policy text (lifecycle or repository policy), at the field it concerns.

use serde::Serialize;

/// One problem, located by a JSON path such as `rules[1].selection.countUnit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyIssue {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for PolicyIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}
