//! Ready-made statements for the common cases.

use super::*;
fn allow(sid: &str, principal: Principal, actions: &[&str], condition: Option<Value>) -> Statement {
    Statement {
        sid: Some(sid.to_owned()),
        effect: Effect::Allow,
        principal: Some(principal),
        action: Some(OneOrMany::Many(
            actions.iter().map(|a| (*a).to_owned()).collect(),
        )),
        condition,
        other: Map::new(),
    }
}

fn accounts(ids: &[&str]) -> Principal {
    Principal::Keyed(
        [(
            "AWS".to_owned(),
            OneOrMany::Many(
                ids.iter()
                    .map(|a| format!("arn:aws:iam::{a}:root"))
                    .collect(),
            ),
        )]
        .into(),
    )
}

pub fn pull_for_accounts(ids: &[&str]) -> Statement {
    allow("AllowPull", accounts(ids), PULL_ACTIONS, None)
}

pub fn push_pull_for_accounts(ids: &[&str]) -> Statement {
    let actions: Vec<&str> = PULL_ACTIONS.iter().chain(PUSH_ACTIONS).copied().collect();
    allow("AllowPushPull", accounts(ids), &actions, None)
}

/// Pull for every principal of an AWS Organization.
pub fn pull_for_organization(org_id: &str) -> Statement {
    allow(
        "AllowPullInOrganization",
        Principal::Everyone("*".into()),
        PULL_ACTIONS,
        Some(serde_json::json!({ "StringEquals": { "aws:PrincipalOrgID": org_id } })),
    )
}

pub fn lambda_pull() -> Statement {
    allow(
        "LambdaECRImageRetrievalPolicy",
        Principal::Keyed(
            [(
                "Service".to_owned(),
                OneOrMany::One("lambda.amazonaws.com".into()),
            )]
            .into(),
        ),
        &["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        None,
    )
}
