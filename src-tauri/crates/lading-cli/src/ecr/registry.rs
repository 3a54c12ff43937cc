//! `lading ecr replication|pull-through|templates`: registry-level settings, as a table or JSON.

use super::print_json;

pub(super) fn replication(config: &lading_ecr::Replication, json: bool) {
    if json {
        print_json(config);
        return;
    }
    if config.rules.is_empty() {
        println!("no replication");
    }
    for (i, rule) in config.rules.iter().enumerate() {
        let to: Vec<String> = rule
            .destinations
            .iter()
            .map(|d| format!("{} in {}", d.registry_id, d.region))
            .collect();
        let which = if rule.filters.is_empty() {
            "every repository".to_owned()
        } else {
            format!("repositories starting {}", rule.filters.join(", "))
        };
        println!("rule {}: {which} → {}", i + 1, to.join("; "));
    }
}

pub(super) fn pull_through(rules: &[lading_ecr::pull_through::PullThroughRule], json: bool) {
    if json {
        print_json(&rules);
        return;
    }
    if rules.is_empty() {
        println!("no pull-through cache rules");
    }
    for r in rules {
        println!(
            "{:<24} {:<40} {}",
            r.prefix,
            r.upstream_url,
            r.credential_arn.as_deref().unwrap_or("")
        );
    }
}

pub(super) fn templates(templates: &[lading_ecr::templates::CreationTemplate], json: bool) {
    if json {
        print_json(&templates);
        return;
    }
    if templates.is_empty() {
        println!("no repository creation templates");
    }
    for t in templates {
        println!(
            "{:<24} {:<40} {}",
            t.prefix,
            t.applied_for.join(", "),
            t.description.as_deref().unwrap_or("")
        );
    }
}
