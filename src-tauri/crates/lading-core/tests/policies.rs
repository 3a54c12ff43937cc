//! The policy editors' backend against moto's ECR. Lifecycle: the stored policy, the dry run on
//! the repository's images (issues located, verdicts, totals, warnings), save only after a dry
//! run, ECR's own preview reported as unavailable where the endpoint has none, delete.
//! Repository policy: check (issues, risks), a risky save only after a native yes, delete.

mod common;

use lading_config::ConfigStore;
use lading_core::lifecycle::{self, LifecycleSessions};
use lading_core::repo_policy;
use lading_core::{registries, AppState};
use lading_ecr::lifecycle::{EvalImage, LifecyclePolicy, Outcome};
use lading_testkit::Moto;

const KEEP_TWO_RELEASES: &str = r#"{"rules":[
  {"rulePriority":1,"description":"keep two releases","selection":{"tagStatus":"tagged","tagPatternList":["release-*"],"countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}},
  {"rulePriority":2,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}}
]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_policy_editors_check_dry_run_save_and_delete_on_the_emulator() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    common::use_moto_profile(dir.path(), &moto);
    let (app, answers) = common::Answers::on(
        AppState::new(ConfigStore::load(&dir.path().join("config")).unwrap(), None),
        true,
    );
    let id = common::add_moto_ecr(&app, "eu-west-1").await;
    let ecr = common::moto_client("eu-west-1").await;
    let repo = "team/web";
    ecr.create_repository(repo).await.unwrap();
    let mut releases = Vec::new();
    for n in 1..=5 {
        let digest = ecr
            .put_manifest(
                repo,
                Some(&format!("release-{n}")),
                &common::docker_manifest(n),
                None,
            )
            .await
            .unwrap();
        releases.push(digest);
    }
    // An index tagged "stable" that lists every release: kept, so expiring its images breaks it.
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": releases.iter().enumerate().map(|(n, d)| serde_json::json!({
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "size": common::docker_manifest(n as u32 + 1).len(), "digest": d,
            "platform": {"architecture": "amd64", "os": "linux"}
        })).collect::<Vec<_>>()
    })
    .to_string();
    ecr.put_manifest(
        repo,
        Some("stable"),
        &index,
        Some("application/vnd.oci.image.index.v1+json"),
    )
    .await
    .unwrap();

    assert_eq!(lifecycle::stored(&app, &id, repo).await.unwrap(), None);
    let sessions = LifecycleSessions::default();

    // Problems come back located at their field, with nothing evaluated.
    let broken = KEEP_TWO_RELEASES.replace(r#""countNumber":2"#, r#""countNumber":0"#);
    let run = sessions
        .dry_run(&app, &id, repo, &broken, &[], false)
        .await
        .unwrap();
    assert!(run.verdicts.is_empty());
    assert_eq!(run.issues[0].path, "rules[0].selection.countNumber");
    let syntax = sessions
        .dry_run(&app, &id, repo, "{\"rules\": [", &[], false)
        .await
        .unwrap();
    assert!(
        syntax.issues[0].path.starts_with("line 1 column"),
        "{:?}",
        syntax.issues
    );

    // A valid policy: three of five releases go, the newest two stay, the index is untouched.
    let run = sessions
        .dry_run(
            &app,
            &id,
            repo,
            KEEP_TWO_RELEASES,
            &["release-*".into()],
            false,
        )
        .await
        .unwrap();
    assert!(run.issues.is_empty(), "{:?}", run.issues);
    assert_eq!((run.expiring, run.kept, run.transitioning), (3, 3, 0));
    let going: Vec<_> = run
        .verdicts
        .iter()
        .filter(|v| v.action == "expire")
        .collect();
    assert!(going.iter().all(|v| v.rule_priority == Some(1)));
    assert_eq!(
        run.bytes_reclaimed,
        going.iter().map(|v| v.size.unwrap_or(0)).sum::<i64>()
    );
    let stable = run.verdicts.iter().find(|v| v.tags == ["stable"]).unwrap();
    assert_eq!(
        (stable.action.as_str(), stable.rule_priority),
        ("keep", None)
    );
    // Each expiring release is both protected by pattern and part of the kept index.
    assert_eq!(
        run.warnings
            .iter()
            .filter(|w| w.contains("matches the protected pattern release-*"))
            .count(),
        3,
        "{:?}",
        run.warnings
    );
    assert_eq!(
        run.warnings
            .iter()
            .filter(|w| w.contains("index stable") && w.contains("break the index"))
            .count(),
        3,
        "{:?}",
        run.warnings
    );

    // The same answer as the evaluator the CLI's `lifecycle preview` runs on the same images.
    let images: Vec<EvalImage> = ecr
        .describe_images(repo)
        .await
        .unwrap()
        .iter()
        .map(EvalImage::from)
        .collect();
    let cli = LifecyclePolicy::parse(KEEP_TWO_RELEASES)
        .unwrap()
        .evaluate(&images, run.now);
    let cli_expiring = cli
        .iter()
        .filter(|v| matches!(v.outcome, Outcome::Expired { .. }))
        .count();
    assert_eq!(cli_expiring as u32, run.expiring);

    // ECR's own preview: moto has none, and says so instead of failing the editor.
    let server = sessions
        .server_preview(&app, &id, repo, KEEP_TWO_RELEASES)
        .await
        .unwrap();
    assert!(!server.available);
    assert!(server
        .message
        .starts_with("ECR's own preview is not available here"));

    // Save: refused for a text whose dry run was not shown, then accepted, then read back.
    let unseen = KEEP_TWO_RELEASES.replace(r#""countNumber":2"#, r#""countNumber":3"#);
    let refused = sessions.save(&app, &id, repo, &unseen).await.unwrap_err();
    assert_eq!(refused.code, "dry_run_needed");
    assert_eq!(lifecycle::stored(&app, &id, repo).await.unwrap(), None);
    // A policy that expires images is saved only after a native yes giving the count, which
    // the backend works out itself from images it reads now.
    answers.next(false);
    let declined = sessions
        .save(&app, &id, repo, KEEP_TWO_RELEASES)
        .await
        .unwrap_err();
    assert_eq!(declined.code, "declined");
    assert_eq!(lifecycle::stored(&app, &id, repo).await.unwrap(), None);
    let asked = answers.asked();
    assert_eq!(asked[0].title, "Save the lifecycle policy of team/web?");
    assert!(
        asked[0]
            .detail
            .contains(&format!("this policy expires {} images", run.expiring)),
        "{}",
        asked[0].detail
    );
    sessions
        .save(&app, &id, repo, KEEP_TWO_RELEASES)
        .await
        .unwrap();
    let stored = lifecycle::stored(&app, &id, repo).await.unwrap().unwrap();
    assert_eq!(
        LifecyclePolicy::parse(&stored).unwrap(),
        LifecyclePolicy::parse(KEEP_TWO_RELEASES).unwrap()
    );

    answers.next(false);
    assert_eq!(
        lifecycle::delete(&app, &id, repo).await.unwrap_err().code,
        "declined"
    );
    assert!(lifecycle::stored(&app, &id, repo).await.unwrap().is_some());
    lifecycle::delete(&app, &id, repo).await.unwrap();
    assert_eq!(lifecycle::stored(&app, &id, repo).await.unwrap(), None);
    answers.asked();

    // The repository policy: ECR's constraints at their field, then the risks.
    assert_eq!(repo_policy::stored(&app, &id, repo).await.unwrap(), None);
    let checked = repo_policy::check(&app, &id, r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"12345"},"Action":"ecr:PullImage"}]}"#)
        .await
        .unwrap();
    let paths: Vec<&str> = checked.issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        ["Statement[0].Action[0]", "Statement[0].Principal.AWS[0]"]
    );
    let public = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Open","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}"#;
    let checked = repo_policy::check(&app, &id, public).await.unwrap();
    assert!(checked.issues.is_empty());
    assert_eq!(checked.lints.len(), 1);
    assert_eq!(checked.lints[0].severity, "danger");
    assert_eq!(
        checked.lints[0].message,
        "Statement 1 (Open) is public: anyone with an AWS account can pull from this repository."
    );
    // A risky policy is saved only after a native yes to a question naming the risk.
    answers.next(false);
    let refused = repo_policy::save(&app, &id, repo, public)
        .await
        .unwrap_err();
    assert_eq!(refused.code, "declined");
    assert_eq!(repo_policy::stored(&app, &id, repo).await.unwrap(), None);
    let asked = answers.asked();
    assert!(
        asked[0]
            .detail
            .contains("DANGER: Statement 1 (Open) is public"),
        "{}",
        asked[0].detail
    );
    repo_policy::save(&app, &id, repo, public).await.unwrap();
    let stored: serde_json::Value =
        serde_json::from_str(&repo_policy::stored(&app, &id, repo).await.unwrap().unwrap())
            .unwrap();
    assert_eq!(
        stored,
        serde_json::from_str::<serde_json::Value>(public).unwrap()
    );
    // A safe one needs no confirmation; the account's own Deny of policy changes is a danger.
    let account = registries::list(&app).await.unwrap().registries[0]
        .account
        .clone()
        .unwrap();
    let pull_only = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Pull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}"#;
    answers.asked();
    repo_policy::save(&app, &id, repo, pull_only).await.unwrap();
    assert!(answers.asked().is_empty(), "a safe policy asks nothing");
    let lock_out = format!(
        r#"{{"Statement":[{{"Effect":"Deny","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"ecr:*"}}]}}"#
    );
    let checked = repo_policy::check(&app, &id, &lock_out).await.unwrap();
    assert!(
        checked.lints[0].message.contains("to your own account"),
        "{:?}",
        checked.lints
    );
    answers.next(false);
    assert_eq!(
        repo_policy::delete(&app, &id, repo).await.unwrap_err().code,
        "declined"
    );
    assert!(repo_policy::stored(&app, &id, repo)
        .await
        .unwrap()
        .is_some());
    repo_policy::delete(&app, &id, repo).await.unwrap();
    assert_eq!(repo_policy::stored(&app, &id, repo).await.unwrap(), None);
}
