//! Operations moto does not serve (pull-through cache rules, repository creation templates), tested with the AWS SDK's own
//! replay client (`aws_smithy_http_client::test_util::StaticReplayClient`): each response body is
//! in the shape of the ECR API reference's "Response Syntax" for the operation, and each request
//! the SDK sends is checked against the body that reference documents. No server is involved.

use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
use aws_smithy_types::body::SdkBody;
use lading_ecr::pull_through::PullThroughRule;
use lading_ecr::EcrClient;

const ENDPOINT: &str = "https://api.ecr.us-east-1.amazonaws.com/";

/// Headers that differ per run (signature, time, SDK version, retry ids): not compared.
const VARYING_HEADERS: &[&str] = &[
    "authorization",
    "x-amz-date",
    "x-amz-user-agent",
    "user-agent",
    "amz-sdk-invocation-id",
    "amz-sdk-request",
    "content-length",
];

fn event(operation: &str, request: serde_json::Value, response: serde_json::Value) -> ReplayEvent {
    ReplayEvent::new(
        http::Request::builder()
            .uri(ENDPOINT)
            .header(
                "x-amz-target",
                format!("AmazonEC2ContainerRegistry_V20150921.{operation}"),
            )
            .header("content-type", "application/x-amz-json-1.1")
            .body(SdkBody::from(request.to_string()))
            .unwrap(),
        http::Response::builder()
            .status(200)
            .header("content-type", "application/x-amz-json-1.1")
            .body(SdkBody::from(response.to_string()))
            .unwrap(),
    )
}

fn client(replay: &StaticReplayClient) -> EcrClient {
    let config = aws_config::SdkConfig::builder()
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new(
                    "AKIDEXAMPLE",
                    "secret",
                    None,
                    None,
                    "replay",
                ),
            ),
        )
        .http_client(replay.clone())
        .behavior_version(aws_config::BehaviorVersion::latest())
        .build();
    EcrClient::from_sdk_config(&config)
}

#[tokio::test]
async fn pull_through_cache_rules_are_created_listed_and_deleted() {
    let secret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:ecr-pullthroughcache/docker-hub-AbCdEf";
    let replay = StaticReplayClient::new(vec![
        event(
            "CreatePullThroughCacheRule",
            serde_json::json!({"ecrRepositoryPrefix": "docker-hub", "upstreamRegistryUrl": "registry-1.docker.io", "credentialArn": secret}),
            serde_json::json!({
                "createdAt": 1_764_000_000, "credentialArn": secret, "ecrRepositoryPrefix": "docker-hub",
                "registryId": "111122223333", "upstreamRegistry": "docker-hub", "upstreamRegistryUrl": "registry-1.docker.io"
            }),
        ),
        event(
            "DescribePullThroughCacheRules",
            serde_json::json!({}),
            serde_json::json!({"pullThroughCacheRules": [
                {"createdAt": 1_764_000_000, "credentialArn": secret, "ecrRepositoryPrefix": "docker-hub", "registryId": "111122223333",
                 "upstreamRegistry": "docker-hub", "upstreamRegistryUrl": "registry-1.docker.io"},
                {"createdAt": 1_763_000_000, "ecrRepositoryPrefix": "ecr-public", "registryId": "111122223333",
                 "upstreamRegistry": "ecr-public", "upstreamRegistryUrl": "public.ecr.aws"}
            ]}),
        ),
        event(
            "DeletePullThroughCacheRule",
            serde_json::json!({"ecrRepositoryPrefix": "ecr-public"}),
            serde_json::json!({"ecrRepositoryPrefix": "ecr-public", "registryId": "111122223333", "upstreamRegistryUrl": "public.ecr.aws"}),
        ),
    ]);
    let ecr = client(&replay);
    let made = ecr
        .create_pull_through_rule(&PullThroughRule {
            prefix: "docker-hub".into(),
            upstream_url: "https://registry-1.docker.io/".into(),
            credential_arn: Some(secret.into()),
            upstream: None,
            created_at: None,
        })
        .await
        .unwrap();
    assert_eq!(
        (made.upstream.as_deref(), made.created_at),
        (Some("docker-hub"), Some(1_764_000_000))
    );
    let rules = ecr.pull_through_rules().await.unwrap();
    assert_eq!(
        rules
            .iter()
            .map(|r| (r.prefix.as_str(), r.upstream_url.as_str()))
            .collect::<Vec<_>>(),
        [
            ("docker-hub", "registry-1.docker.io"),
            ("ecr-public", "public.ecr.aws")
        ]
    );
    assert_eq!(rules[1].credential_arn, None);
    ecr.delete_pull_through_rule("ecr-public").await.unwrap();
    // The SDK sent exactly the documented requests (the URL given with https:// and a slash was
    // sent as the bare host ECR documents).
    replay.assert_requests_match(VARYING_HEADERS);
}

#[tokio::test]
async fn a_rule_ecr_would_refuse_is_never_sent() {
    let replay = StaticReplayClient::new(vec![]);
    let err = client(&replay)
        .create_pull_through_rule(&PullThroughRule {
            prefix: "hub".into(),
            upstream_url: "registry-1.docker.io".into(),
            credential_arn: None,
            upstream: None,
            created_at: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(
        err.to_string()
            .contains("needs a Secrets Manager credential"),
        "{err}"
    );
    assert_eq!(replay.actual_requests().count(), 0);
}

#[tokio::test]
async fn repository_creation_templates_are_created_listed_and_deleted() {
    use lading_ecr::templates::CreationTemplate;
    let lifecycle = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}"#;
    let replay = StaticReplayClient::new(vec![
        event(
            "CreateRepositoryCreationTemplate",
            serde_json::json!({
                "prefix": "team-a/", "description": "Team A's pushes", "appliedFor": ["CREATE_ON_PUSH", "PULL_THROUGH_CACHE"],
                "imageTagMutability": "IMMUTABLE", "resourceTags": [{"Key": "team", "Value": "a"}], "lifecyclePolicy": lifecycle
            }),
            serde_json::json!({"registryId": "111122223333", "repositoryCreationTemplate": {
                "prefix": "team-a/", "description": "Team A's pushes", "appliedFor": ["CREATE_ON_PUSH", "PULL_THROUGH_CACHE"],
                "imageTagMutability": "IMMUTABLE", "resourceTags": [{"Key": "team", "Value": "a"}], "lifecyclePolicy": lifecycle,
                "createdAt": 1_764_000_000, "updatedAt": 1_764_000_000
            }}),
        ),
        event(
            "DescribeRepositoryCreationTemplates",
            serde_json::json!({}),
            serde_json::json!({"registryId": "111122223333", "repositoryCreationTemplates": [{
                "prefix": "team-a/", "description": "Team A's pushes", "appliedFor": ["CREATE_ON_PUSH", "PULL_THROUGH_CACHE"],
                "imageTagMutability": "IMMUTABLE", "resourceTags": [{"Key": "team", "Value": "a"}], "lifecyclePolicy": lifecycle
            }]}),
        ),
        event(
            "DeleteRepositoryCreationTemplate",
            serde_json::json!({"prefix": "team-a/"}),
            serde_json::json!({"registryId": "111122223333", "repositoryCreationTemplate": {"prefix": "team-a/", "appliedFor": ["CREATE_ON_PUSH"]}}),
        ),
    ]);
    let ecr = client(&replay);
    let template = CreationTemplate {
        prefix: "team-a/".into(),
        description: Some("Team A's pushes".into()),
        applied_for: vec!["CREATE_ON_PUSH".into(), "PULL_THROUGH_CACHE".into()],
        mutability: Some("IMMUTABLE".into()),
        tags: vec![("team".into(), "a".into())],
        lifecycle_policy: Some(lifecycle.into()),
        repository_policy: None,
    };
    ecr.create_creation_template(&template).await.unwrap();
    assert_eq!(ecr.creation_templates().await.unwrap(), [template]);
    ecr.delete_creation_template("team-a/").await.unwrap();
    replay.assert_requests_match(VARYING_HEADERS);
}

/// The archive storage class (2025): DescribeImages lists archived images only when asked
/// (`filter.imageStatus`), UpdateImageStorageClass moves one. moto has neither.
#[tokio::test]
async fn archived_images_are_listed_when_asked_archived_and_restored_and_the_evaluator_sees_them() {
    use lading_ecr::lifecycle::{EvalImage, LifecyclePolicy, Outcome};
    let digest = |c: char| format!("sha256:{}", c.to_string().repeat(64));
    let day = 86_400;
    let now = 1_770_000_000;
    let replay = StaticReplayClient::new(vec![
        event(
            "DescribeImages",
            serde_json::json!({"repositoryName": "team/app", "filter": {"imageStatus": "ANY"}, "maxResults": 1000}),
            serde_json::json!({"imageDetails": [
                {"imageDigest": digest('a'), "imageTags": ["1.0"], "imagePushedAt": now - 400 * day, "imageSizeInBytes": 100,
                 "imageStatus": "ARCHIVED", "lastArchivedAt": now - 200 * day, "repositoryName": "team/app", "registryId": "111122223333"},
                {"imageDigest": digest('b'), "imageTags": ["2.0"], "imagePushedAt": now - 300 * day, "imageSizeInBytes": 100,
                 "imageStatus": "ACTIVE", "lastRecordedPullTime": now - 100 * day, "repositoryName": "team/app", "registryId": "111122223333"},
                {"imageDigest": digest('c'), "imageTags": ["3.0"], "imagePushedAt": now - day, "imageSizeInBytes": 100,
                 "imageStatus": "ACTIVE", "repositoryName": "team/app", "registryId": "111122223333"}
            ]}),
        ),
        event(
            "UpdateImageStorageClass",
            serde_json::json!({"repositoryName": "team/app", "imageId": {"imageTag": "2.0"}, "targetStorageClass": "ARCHIVE"}),
            serde_json::json!({"registryId": "111122223333", "repositoryName": "team/app", "imageId": {"imageDigest": digest('b'), "imageTag": "2.0"}, "imageStatus": "ARCHIVED"}),
        ),
        event(
            "UpdateImageStorageClass",
            serde_json::json!({"repositoryName": "team/app", "imageId": {"imageDigest": digest('a')}, "targetStorageClass": "STANDARD"}),
            serde_json::json!({"registryId": "111122223333", "repositoryName": "team/app", "imageId": {"imageDigest": digest('a')}, "imageStatus": "ACTIVATING"}),
        ),
    ]);
    let ecr = client(&replay);
    let images = ecr.describe_all_images("team/app").await.unwrap();
    assert_eq!(images[0].image_status.as_deref(), Some("ARCHIVED"));
    assert_eq!(images[0].archived_at, Some(now - 200 * day));

    // The user guide's pattern: archive what was not pulled for 90 days, expire what has been in
    // the archive for 180. Image a (archived 200 days ago) expires, b (pulled 100 days ago)
    // moves to the archive, c stays.
    let policy = LifecyclePolicy::parse(r#"{"rules":[
        {"rulePriority":1,"selection":{"tagStatus":"tagged","tagPatternList":["*"],"storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":180},"action":{"type":"expire"}},
        {"rulePriority":2,"selection":{"tagStatus":"any","countType":"sinceImagePulled","countUnit":"days","countNumber":90},"action":{"type":"transition","targetStorageClass":"archive"}}
    ]}"#)
    .unwrap();
    let eval: Vec<EvalImage> = images.iter().map(EvalImage::from).collect();
    let outcomes: Vec<Outcome> = policy
        .evaluate(&eval, now)
        .into_iter()
        .map(|v| v.outcome)
        .collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Expired { rule_priority: 1 },
            Outcome::Transitioned { rule_priority: 2 },
            // Selected by rule 2 but pulled too recently: kept by it.
            Outcome::Kept {
                protected_by: Some(2)
            },
        ]
    );

    let to_archive = ecr
        .set_image_storage_class("team/app", &lading_ecr::ImageRef::parse("2.0"), true)
        .await
        .unwrap();
    assert_eq!(to_archive, "ARCHIVED");
    let restored = ecr
        .set_image_storage_class(
            "team/app",
            &lading_ecr::ImageRef::parse(&digest('a')),
            false,
        )
        .await
        .unwrap();
    assert_eq!(restored, "ACTIVATING");
    replay.assert_requests_match(VARYING_HEADERS);
}
