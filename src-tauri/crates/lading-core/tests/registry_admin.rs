//! An ECR registry's own settings on moto: the registry policy saved (a risky one only after a
//! yes) and deleted, replication changed only after a yes naming what changes, and bad input —
//! replication destinations, pull-through upstreams, template prefixes — refused whole before any
//! call. moto has no pull-through cache rules or creation templates (their SDK calls are
//! replay-tested in lading-ecr).

mod common;

use lading_core::view::{
    CreationTemplateView, PullThroughRuleView, ReplicationRuleView, ReplicationTarget,
    ReplicationView,
};
use lading_core::{registry_admin as admin, AppState, Code};
use lading_testkit::Moto;

const CROSS_ACCOUNT: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReplicateFromProd","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["ecr:CreateRepository","ecr:ReplicateImage"],"Resource":"arn:aws:ecr:us-east-1:123456789012:repository/*"}]}"#;
const PUBLIC: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Anyone","Effect":"Allow","Principal":"*","Action":["ecr:ReplicateImage"],"Resource":"arn:aws:ecr:us-east-1:123456789012:repository/*"}]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registry_settings_on_moto() {
    let common::MotoApp {
        moto,
        app,
        answers,
        id,
        dir: _dir,
    } = common::moto_app("us-east-1").await;

    // The policy: none, then a cross-account one (no risk flagged: saved without a question).
    assert_eq!(admin::registry_policy(&app, &id).await.unwrap(), None);
    admin::save_registry_policy(&app, &id, CROSS_ACCOUNT)
        .await
        .unwrap();
    let stored: serde_json::Value =
        serde_json::from_str(&admin::registry_policy(&app, &id).await.unwrap().unwrap()).unwrap();
    assert_eq!(stored["Statement"][0]["Sid"], "ReplicateFromProd");

    // A public one asks first; "no" keeps the stored policy.
    let declined = admin::save_registry_policy(&app, &id, PUBLIC)
        .await
        .unwrap_err();
    assert_eq!(declined.code, Code::Declined);
    let asked = answers.asked();
    assert_eq!(asked[0].title, "Save a risky registry policy?");
    assert!(asked[0].detail.contains("DANGER"), "{}", asked[0].detail);
    let kept = admin::registry_policy(&app, &id).await.unwrap().unwrap();
    assert!(kept.contains("ReplicateFromProd"));

    // Text ECR would refuse is refused here, with the field.
    let bad = admin::save_registry_policy(&app, &id, r#"{"Statement":[]}"#)
        .await
        .unwrap_err();
    assert_eq!(bad.code, Code::InvalidPolicy);

    // Delete asks; yes deletes.
    answers.next(true);
    admin::delete_registry_policy(&app, &id).await.unwrap();
    assert_eq!(answers.asked()[0].title, "Delete the registry policy?");
    assert_eq!(admin::registry_policy(&app, &id).await.unwrap(), None);

    // Replication: every problem named, nothing sent.
    moto.start_recording();
    let rule = |region: &str, account: &str, filters: &[&str]| ReplicationRuleView {
        destinations: vec![ReplicationTarget {
            region: region.into(),
            registry_id: account.into(),
        }],
        filters: filters.iter().map(|f| f.to_string()).collect(),
    };
    let bad = admin::set_replication(
        &app,
        &id,
        ReplicationView {
            rules: vec![rule("europe", "1234", &["Team/"])],
        },
    )
    .await
    .unwrap_err();
    assert_eq!(bad.code, Code::InvalidInput);
    for part in [
        "\"europe\" is not an AWS region",
        "destination 1",
        "filter \"Team/\"",
    ] {
        assert!(bad.message.contains(part), "{part} in {}", bad.message);
    }
    assert!(answers.asked().is_empty());
    assert!(!moto
        .recorded_operations()
        .iter()
        .any(|op| op == "PutReplicationConfiguration"));

    // A good one: the question says before and after; "no" sends nothing, "yes" stores it.
    // (moto takes one rule only.) A destination with no account is this one's.
    let mut both = rule("eu-west-1", "", &["team-a/"]);
    both.destinations.push(ReplicationTarget {
        region: "us-west-2".into(),
        registry_id: "111122223333".into(),
    });
    let typed = ReplicationView { rules: vec![both] };
    let mut wanted = typed.clone();
    wanted.rules[0].destinations[0].registry_id = "123456789012".into();
    let declined = admin::set_replication(&app, &id, typed.clone())
        .await
        .unwrap_err();
    assert_eq!(declined.code, Code::Declined);
    let asked = answers.asked();
    for part in [
        "(no replication)",
        "repositories starting team-a/ → eu-west-1, us-west-2 in account 111122223333",
        "billed",
    ] {
        assert!(
            asked[0].detail.contains(part),
            "{part} in {}",
            asked[0].detail
        );
    }
    assert!(!moto
        .recorded_operations()
        .iter()
        .any(|op| op == "PutReplicationConfiguration"));
    answers.next(true);
    let stored = admin::set_replication(&app, &id, typed.clone())
        .await
        .unwrap();
    assert_eq!(stored, wanted);
    assert_eq!(answers.asked().len(), 1);
    assert_eq!(admin::replication(&app, &id).await.unwrap(), wanted);
    // The same again: nothing to ask.
    admin::set_replication(&app, &id, wanted).await.unwrap();
    assert!(answers.asked().is_empty());

    pull_through_rules_and_templates_are_checked_before_any_call(&app, &id, &moto).await;
}

/// One moto for the file: the SDK's endpoint is process-wide (an environment variable).
async fn pull_through_rules_and_templates_are_checked_before_any_call(
    app: &AppState,
    id: &str,
    moto: &Moto,
) {
    let earlier = moto.recorded_operations().len();

    let bad = admin::create_pull_through_rule(
        app,
        id,
        PullThroughRuleView {
            prefix: "Docker Hub".into(),
            upstream_url: "registry-1.docker.io".into(),
            credential_arn: Some("  ".into()),
            upstream: None,
            created_at: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(bad.code, Code::InvalidInput);
    assert!(bad.message.contains("Docker Hub"), "{}", bad.message);
    // Docker Hub needs a credential; a blank one counts as none.
    assert!(
        bad.message.contains("ecr-pullthroughcache/"),
        "{}",
        bad.message
    );

    let bad = admin::create_creation_template(
        app,
        id,
        CreationTemplateView {
            prefix: "Team A/".into(),
            description: None,
            applied_for: vec!["ON_PUSH".into()],
            mutability: None,
            tags: vec![],
            lifecycle_policy: Some(r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":0},"action":{"type":"expire"}}]}"#.into()),
            repository_policy: Some("  ".into()),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(bad.code, Code::InvalidInput);
    assert!(bad.message.contains("Team A/"), "{}", bad.message);
    assert!(bad.message.contains("ON_PUSH"), "{}", bad.message);
    // The lifecycle policy it carries is checked as a repository's (a blank repository policy is
    // none, not a mistake).
    assert!(
        bad.message
            .contains("lifecycle policy: rules[0].selection.countNumber"),
        "{}",
        bad.message
    );
    assert!(
        !bad.message.contains("repository policy"),
        "{}",
        bad.message
    );
    let sent = moto.recorded_operations().split_off(earlier);
    assert!(sent.is_empty(), "{sent:?}");
}
