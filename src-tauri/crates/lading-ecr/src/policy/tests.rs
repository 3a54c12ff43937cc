use super::*;

#[test]
fn lints_name_public_access_lock_out_and_wildcards_in_plain_words() {
    let doc = PolicyDocument::parse(
        r#"{"Version":"2012-10-17","Statement":[
          {"Sid":"Open","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:PutImage"]},
          {"Sid":"Org","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}},
          {"Sid":"Stuck","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"ecr:Set*"},
          {"Sid":"Other","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"ecr:*"},
          {"Sid":"All","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"ecr:*"}
        ]}"#,
    )
    .unwrap();
    let lints = doc.lint(Some("123456789012"));
    let said: Vec<(Option<usize>, Severity, &str)> = lints
        .iter()
        .map(|l| (l.statement, l.severity, l.message.as_str()))
        .collect();
    assert_eq!(
        said,
        [
            (Some(0), Severity::Danger, "Statement 1 (Open) is public: anyone with an AWS account can push to this repository."),
            (Some(1), Severity::Warning, "Statement 2 (Org) allows every principal, narrowed only by its condition: check the condition is what you mean."),
            (Some(2), Severity::Danger, "Statement 3 (Stuck) denies ecr:SetRepositoryPolicy to your own account: once saved, you may be unable to change or remove this policy."),
            (Some(4), Severity::Warning, "Statement 5 (All) allows ecr:*: every ECR action, deleting images and the repository included. Name the actions instead."),
        ]
    );
    // Another account's Deny is its own business; without knowing the account, only "*" counts.
    assert!(doc.lint(None).iter().all(|l| l.statement != Some(2)));
    let role = PolicyDocument::parse(
        r#"{"Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:role/admin"},"Action":["ecr:DeleteRepositoryPolicy","ecr:SetRepositoryPolicy"]}]}"#,
    )
    .unwrap();
    assert_eq!(
        role.lint(Some("123456789012"))[0].message,
        "Statement 1 denies ecr:SetRepositoryPolicy, ecr:DeleteRepositoryPolicy to arn:aws:iam::123456789012:role/admin in your own account (if that is you): once saved, you may be unable to change or remove this policy."
    );
}

#[test]
fn unknown_fields_and_conditions_round_trip_unchanged() {
    let text = r#"{"Version":"2012-10-17","Id":"keep-me","Statement":[{"Sid":"A","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/ci"},"Action":["ecr:BatchGetImage","ecr:Get*"],"Condition":{"StringLike":{"aws:userid":["AIDA*"]}},"Resource":"*","X-Custom":[1,2]}]}"#;
    let doc = PolicyDocument::parse(text).unwrap();
    let again: Value = serde_json::from_str(&doc.to_json()).unwrap();
    assert_eq!(again, serde_json::from_str::<Value>(text).unwrap());
    assert!(!doc.is_public());
}

#[test]
fn validation_names_the_offending_field() {
    let bad = r#"{"Statement":[
        {"Sid":"X","Effect":"Allow","Principal":{"AWS":["12345","arn:aws:iam::123456789012:root"]},"Action":["ecr:PullImage","s3:GetObject","ecr:Describe*"]},
        {"Sid":"X","Effect":"Deny","Principal":"*"}
    ]}"#;
    let issues: Vec<String> = PolicyDocument::parse(bad)
        .unwrap_err()
        .iter()
        .map(|i| i.to_string())
        .collect();
    assert!(
        issues
            .iter()
            .any(|i| i
                .starts_with("Statement[0].Action[0]: \"ecr:PullImage\" is not an ecr: action")),
        "{issues:?}"
    );
    assert!(
        issues
            .iter()
            .any(|i| i.starts_with("Statement[0].Action[1]")),
        "{issues:?}"
    );
    assert!(
        !issues
            .iter()
            .any(|i| i.starts_with("Statement[0].Action[2]")),
        "ecr:Describe* is fine: {issues:?}"
    );
    assert!(
        issues
            .iter()
            .any(|i| i.starts_with("Statement[0].Principal.AWS[0]")),
        "{issues:?}"
    );
    assert!(
        issues.iter().any(|i| i.starts_with("Statement[1].Sid")),
        "{issues:?}"
    );
    assert!(
        issues
            .iter()
            .any(|i| i.starts_with("Statement[1].Action: the statement names no action")),
        "{issues:?}"
    );
    assert!(PolicyDocument::parse(r#"{"Statement":[{"Effect":"Maybe"}]}"#).is_err());
}

#[test]
fn templates_are_valid_and_public_access_is_flagged() {
    let doc = PolicyDocument {
        version: Some("2012-10-17".into()),
        statement: vec![
            templates::pull_for_accounts(&["111122223333"]),
            templates::push_pull_for_accounts(&["444455556666"]),
            templates::pull_for_organization("o-abc123"),
            templates::lambda_pull(),
        ],
        other: Map::new(),
    };
    assert!(doc.validate().is_empty(), "{:?}", doc.validate());
    assert!(!doc.is_public(), "the org template is conditioned");
    let public = PolicyDocument::parse(
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}"#,
    )
    .unwrap();
    assert!(public.is_public());
}
