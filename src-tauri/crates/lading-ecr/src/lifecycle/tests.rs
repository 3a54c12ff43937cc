use super::*;

const NOW: i64 = 1_750_000_000;
const DAY: i64 = 86_400;

fn image(name: &str, tags: &[&str], days_ago: f64) -> EvalImage {
    EvalImage {
        digest: name.to_owned(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        pushed_at: NOW - (days_ago * DAY as f64) as i64,
        last_pulled_at: None,
        transitioned_at: None,
        storage_class: StorageClass::Standard,
        size: None,
    }
}

fn run(policy: &str, images: &[EvalImage]) -> (Vec<String>, Vec<ImageVerdict>) {
    let policy = LifecyclePolicy::parse(policy).unwrap_or_else(|e| panic!("{e:?}"));
    let verdicts = policy.evaluate(images, NOW);
    let expired = verdicts
        .iter()
        .filter(|v| matches!(v.outcome, Outcome::Expired { .. }))
        .map(|v| v.digest.clone())
        .collect();
    (expired, verdicts)
}

fn rule(priority: i64, selection: &str) -> String {
    format!(
        r#"{{"rulePriority":{priority},"description":"Rule {priority}","selection":{selection},"action":{{"type":"expire"}}}}"#
    )
}

fn policy(rules: &[String]) -> String {
    format!(r#"{{"rules":[{}]}}"#, rules.join(","))
}

// The user guide's "Examples of lifecycle policies" page, each worked example.

#[test]
fn guide_filtering_on_image_age() {
    let p = policy(&[rule(
        1,
        r#"{"tagStatus":"tagged","tagPatternList":["prod*"],"countType":"sinceImagePushed","countUnit":"days","countNumber":14}"#,
    )]);
    let images = [
        image("old-prod", &["prod-1"], 20.0),
        image("new-prod", &["prod-2"], 3.0),
        image("old-dev", &["dev-1"], 30.0),
    ];
    assert_eq!(run(&p, &images).0, ["old-prod"]);
}

#[test]
fn guide_filtering_on_image_count() {
    let p = policy(&[rule(
        1,
        r#"{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1}"#,
    )]);
    let images = [
        image("u1", &[], 3.0),
        image("u2", &[], 2.0),
        image("u3", &[], 1.0),
        image("t", &["v1"], 9.0),
    ];
    assert_eq!(run(&p, &images).0, ["u1", "u2"]);
}

fn beta_prod_repository() -> Vec<EvalImage> {
    vec![
        image("A", &["beta-1", "prod-1"], 10.0),
        image("B", &["beta-2", "prod-2"], 9.0),
        image("C", &["beta-3"], 8.0),
    ]
}

#[test]
fn guide_multiple_rules_example_a() {
    let p = policy(&[
        rule(
            1,
            r#"{"tagStatus":"tagged","tagPrefixList":["prod"],"countType":"imageCountMoreThan","countNumber":1}"#,
        ),
        rule(
            2,
            r#"{"tagStatus":"tagged","tagPrefixList":["beta"],"countType":"imageCountMoreThan","countNumber":1}"#,
        ),
    ]);
    let (expired, verdicts) = run(&p, &beta_prod_repository());
    assert_eq!(expired, ["A"]);
    // B survives rule 2 because rule 1 selected it.
    assert_eq!(
        verdicts[1].outcome,
        Outcome::Kept {
            protected_by: Some(1)
        }
    );
}

#[test]
fn guide_multiple_rules_example_b() {
    let p = policy(&[
        rule(
            1,
            r#"{"tagStatus":"tagged","tagPrefixList":["beta"],"countType":"imageCountMoreThan","countNumber":1}"#,
        ),
        rule(
            2,
            r#"{"tagStatus":"tagged","tagPrefixList":["prod"],"countType":"imageCountMoreThan","countNumber":1}"#,
        ),
    ]);
    assert_eq!(run(&p, &beta_prod_repository()).0, ["A", "B"]);
}

#[test]
fn guide_multiple_tags_in_one_rule_example_a() {
    let p = policy(&[rule(
        1,
        r#"{"tagStatus":"tagged","tagPrefixList":["alpha","beta"],"countType":"sinceImagePushed","countNumber":5,"countUnit":"days"}"#,
    )]);
    let images = [
        image("A", &["alpha-1"], 12.0),
        image("B", &["beta-1"], 11.0),
        image("C", &["alpha-2", "beta-2"], 10.0),
        image("D", &["alpha-3"], 4.0),
        image("E", &["beta-3"], 3.0),
        image("F", &["alpha-4", "beta-4"], 2.0),
    ];
    assert_eq!(run(&p, &images).0, ["C"]);
}

#[test]
fn guide_multiple_tags_in_one_rule_example_b() {
    let p = policy(&[rule(
        1,
        r#"{"tagStatus":"tagged","tagPrefixList":["alpha","beta"],"countType":"imageCountMoreThan","countNumber":1}"#,
    )]);
    let images = [
        image("A", &["alpha-1", "beta-1", "gamma-1"], 10.0),
        image("B", &["alpha-2", "beta-2"], 9.0),
        image("C", &["alpha-3", "beta-3", "gamma-2"], 8.0),
    ];
    assert_eq!(run(&p, &images).0, ["A", "B"]);
}

#[test]
fn guide_all_images_example_a() {
    let p = policy(&[rule(
        1,
        r#"{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1}"#,
    )]);
    let images = [
        image("A", &["alpha-1"], 4.0),
        image("B", &["beta-1"], 3.0),
        image("C", &[], 2.0),
        image("D", &["alpha-2"], 1.0),
    ];
    assert_eq!(run(&p, &images).0, ["A", "B", "C"]);
}

#[test]
fn guide_all_images_example_b_combines_every_rule_type() {
    let p = policy(&[
        rule(
            1,
            r#"{"tagStatus":"tagged","tagPrefixList":["alpha"],"countType":"imageCountMoreThan","countNumber":1}"#,
        ),
        rule(
            2,
            r#"{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1}"#,
        ),
        rule(
            3,
            r#"{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1}"#,
        ),
    ]);
    // The guide lists D and E as both pushed "1 day ago" and keeps E as the newest; E is a
    // minute younger here so that order is explicit.
    let images = [
        image("A", &["alpha-1", "beta-1"], 4.0),
        image("B", &[], 3.0),
        image("C", &["alpha-2"], 2.0),
        image("D", &["git hash"], 1.0),
        image("E", &[], 1.0 - 1.0 / 1440.0),
    ];
    let (expired, verdicts) = run(&p, &images);
    assert_eq!(expired, ["A", "B", "D"]);
    assert_eq!(verdicts[0].outcome, Outcome::Expired { rule_priority: 1 });
    assert_eq!(verdicts[1].outcome, Outcome::Expired { rule_priority: 2 });
    assert_eq!(
        verdicts[2].outcome,
        Outcome::Kept {
            protected_by: Some(1)
        }
    );
    assert_eq!(verdicts[3].outcome, Outcome::Expired { rule_priority: 3 });
    assert_eq!(
        verdicts[4].outcome,
        Outcome::Kept {
            protected_by: Some(2)
        }
    );
}

// Validation: each documented constraint, with the path of the offending field.

fn issues(policy_text: &str) -> Vec<String> {
    match LifecyclePolicy::parse(policy_text) {
        Ok(_) => Vec::new(),
        Err(issues) => issues.into_iter().map(|i| i.to_string()).collect(),
    }
}

#[test]
fn every_documented_constraint_is_checked() {
    let any_low = policy(&[
        rule(
            1,
            r#"{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1}"#,
        ),
        rule(
            2,
            r#"{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1}"#,
        ),
    ]);
    assert!(
        issues(&any_low)[0].starts_with("rules[0].rulePriority: a rule with tagStatus \"any\""),
        "{:?}",
        issues(&any_low)
    );

    let cases: &[(&str, &str)] = &[
        (
            r#"{"tagStatus":"tagged","countType":"imageCountMoreThan","countNumber":1}"#,
            "rules[0].selection: a rule for tagged images needs",
        ),
        (
            r#"{"tagStatus":"tagged","tagPrefixList":["a"],"tagPatternList":["a*"],"countType":"imageCountMoreThan","countNumber":1}"#,
            "cannot both be used",
        ),
        (
            r#"{"tagStatus":"untagged","tagPrefixList":["a"],"countType":"imageCountMoreThan","countNumber":1}"#,
            "rules[0].selection.tagStatus: a rule for untagged images cannot",
        ),
        (
            r#"{"tagStatus":"tagged","tagPatternList":["a*b*c*d*e*f"],"countType":"imageCountMoreThan","countNumber":1}"#,
            "rules[0].selection.tagPatternList[0]",
        ),
        (
            r#"{"tagStatus":"untagged","countType":"imageCountMoreThan","countUnit":"days","countNumber":1}"#,
            "rules[0].selection.countUnit: imageCountMoreThan counts images",
        ),
        (
            r#"{"tagStatus":"untagged","countType":"sinceImagePushed","countNumber":1}"#,
            "rules[0].selection.countUnit: a since",
        ),
        (
            r#"{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":0}"#,
            "rules[0].selection.countNumber",
        ),
        (
            r#"{"tagStatus":"untagged","countType":"sinceImageTransitioned","countUnit":"days","countNumber":3}"#,
            "storageClass",
        ),
        (
            r#"{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":89}"#,
            "rules[0].selection.countNumber: ECR keeps an archived image at least 90 days",
        ),
        (
            r#"{"tagStatus":"any","storageClass":"archive","countType":"sinceImagePushed","countUnit":"days","countNumber":30}"#,
            "rules[0].selection.storageClass: archived images are selected only by time in the archive",
        ),
    ];
    for (selection, needle) in cases {
        let found = issues(&policy(&[rule(1, selection)]));
        assert!(
            found.iter().any(|i| i.contains(needle)),
            "{selection}: {found:?}"
        );
    }

    let dup = policy(&[
        rule(
            1,
            r#"{"tagStatus":"tagged","tagPrefixList":["a","b"],"countType":"imageCountMoreThan","countNumber":1}"#,
        ),
        rule(
            1,
            r#"{"tagStatus":"tagged","tagPrefixList":["b","a"],"countType":"imageCountMoreThan","countNumber":2}"#,
        ),
        rule(
            3,
            r#"{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1}"#,
        ),
        rule(
            4,
            r#"{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1}"#,
        ),
    ]);
    let found = issues(&dup);
    assert!(
        found
            .iter()
            .any(|i| i.contains("rules[1].rulePriority: priority 1 is used by another rule")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|i| i.contains("rules[0] uses the same tag prefixes")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|i| i.contains("rules[3].selection.tagStatus: only one rule may select untagged")),
        "{found:?}"
    );

    let transition = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":30},"action":{"type":"transition"}}]}"#;
    assert!(issues(transition)[0].contains("targetStorageClass"));
    assert!(
        issues(r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"nope"}}]}"#)[0]
            .contains("unknown variant")
    );
    assert!(issues(r#"{"rules":[],"extra":1}"#)[0].contains("unknown field `extra`"));
    assert!(issues(&" ".repeat(MAX_POLICY_CHARS + 1))[0].contains("longer than"));
    assert!(issues(r#"{"rules":[]}"#)[0].contains("at least one rule"));
}

#[test]
fn wildcards_match_like_ecr() {
    assert!(wildcard_match("prod*", "prod-1"));
    assert!(wildcard_match("prod*", "prod"));
    assert!(!wildcard_match("prod*", "preprod"));
    assert!(wildcard_match("*test*1*2*3", "my-test-x1y2z3"));
    assert!(!wildcard_match("*test*1*2*3", "my-test-x1y2z3w"));
    assert!(wildcard_match("v1.*.0", "v1.22.0"));
    assert!(wildcard_match("exact", "exact"));
    assert!(!wildcard_match("exact", "exactly"));
    assert!(wildcard_match("*", ""));
}

#[test]
fn a_wrong_value_is_named_at_its_field() {
    // What an editor sends when a number box is emptied: the field, in words, not serde's.
    let emptied = policy(&[rule(
        1,
        r#"{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":null}"#,
    )]);
    assert_eq!(
        issues(&emptied),
        ["rules[0].selection.countNumber: needs a whole number, not null"]
    );
    let typo = policy(&[rule(
        1,
        r#"{"tagStatus":"untaged","countType":"imageCountMoreThan","countNumber":1}"#,
    )]);
    let said = issues(&typo);
    assert!(
        said[0].starts_with("rules[0].selection.tagStatus: unknown variant `untaged`"),
        "{said:?}"
    );
    // Broken JSON has no field: its place is the line and column.
    assert!(
        issues("{\"rules\": [")[0].starts_with("line 1 column 11: "),
        "{:?}",
        issues("{\"rules\": [")
    );
    let trailing = issues("{\"rules\": []} x");
    assert!(
        trailing[0].starts_with("line 1 column 15: trailing characters"),
        "{trailing:?}"
    );
}

#[test]
fn round_trips_through_json() {
    let text = policy(&[rule(
        1,
        r#"{"tagStatus":"tagged","tagPatternList":["v*"],"countType":"imageCountMoreThan","countNumber":5}"#,
    )]);
    let parsed = LifecyclePolicy::parse(&text).unwrap();
    assert_eq!(LifecyclePolicy::parse(&parsed.to_json()).unwrap(), parsed);
}

// Properties over many random policies and repositories.

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_case(rng: &mut Rng) -> (LifecyclePolicy, Vec<EvalImage>) {
    let prefixes = ["a", "b", "rel", "v1"];
    let n_rules = 1 + rng.below(4) as usize;
    let mut rules = Vec::new();
    for i in 0..n_rules {
        let last = i + 1 == n_rules;
        let tag_status = match rng.below(3) {
            0 if last => TagStatus::Any,
            1 if i == 0 => TagStatus::Untagged,
            _ => TagStatus::Tagged,
        };
        let tag_prefix_list = (tag_status == TagStatus::Tagged)
            .then(|| vec![prefixes[i % prefixes.len()].to_owned()]);
        let (count_type, count_unit) = if rng.below(2) == 0 {
            (CountType::ImageCountMoreThan, None)
        } else {
            (CountType::SinceImagePushed, Some(CountUnit::Days))
        };
        rules.push(LifecycleRule {
            rule_priority: (i as i64 + 1) * 10,
            description: None,
            selection: Selection {
                tag_status,
                tag_prefix_list,
                tag_pattern_list: None,
                storage_class: None,
                count_type,
                count_unit,
                count_number: 1 + rng.below(5) as i64,
            },
            action: Action {
                kind: ActionType::Expire,
                target_storage_class: None,
            },
        });
    }
    let tags = ["a-1", "a-2", "b-1", "rel-3", "v1.2", "x"];
    let images = (0..1 + rng.below(12))
        .map(|i| {
            let n_tags = rng.below(3) as usize;
            let image_tags: Vec<&str> = (0..n_tags)
                .map(|_| tags[rng.below(tags.len() as u64) as usize])
                .collect();
            image(
                &format!("img{i}"),
                &image_tags,
                rng.below(40) as f64 + i as f64 / 1000.0,
            )
        })
        .collect();
    (LifecyclePolicy { rules }, images)
}

#[test]
fn properties_hold_for_random_policies() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..2000 {
        let (policy, images) = random_case(&mut rng);
        assert!(policy.validate().is_empty(), "{:?}", policy.validate());
        let verdicts = policy.evaluate(&images, NOW);

        // Order of the rules in the list does not matter, only their priorities.
        let mut reversed = policy.clone();
        reversed.rules.reverse();
        assert_eq!(reversed.evaluate(&images, NOW), verdicts);

        for (image, verdict) in images.iter().zip(&verdicts) {
            if let Outcome::Expired { rule_priority } = verdict.outcome {
                let rule = policy
                    .rules
                    .iter()
                    .find(|r| r.rule_priority == rule_priority)
                    .unwrap();
                // The expiring rule selected the image …
                assert!(rule.selection.selects(image));
                // … and no higher-priority rule did (which would have protected it).
                assert!(policy
                    .rules
                    .iter()
                    .filter(|r| r.rule_priority < rule_priority)
                    .all(|r| !r.selection.selects(image)));
            }
        }
    }
}
