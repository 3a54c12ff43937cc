//! What an image's names in its source (RepoTags, an OCI ref name) say about where it goes:
//! `registry.example.com:5000/team/app:2` → repository `team/app`, tag `2`. The push sheet's
//! defaults and the CLI's tags both come from here.

use super::SourceImage;

/// Where an image goes by default: the repository its first name points to, and its tags there.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PushTarget {
    /// Without a registry host; empty when the names name no repository.
    pub repository: String,
    pub tags: Vec<String>,
}

/// `(repository, tag)` of one name. A bare name without `/` or `:` is an OCI ref name that is
/// only a tag; a name without a tag means `latest`.
fn split_name(name: &str) -> (Option<String>, String) {
    let (path, tag) = match (name.rfind(':'), name.rfind('/')) {
        (Some(at), slash) if slash.is_none_or(|s| at > s) => (&name[..at], &name[at + 1..]),
        (None, None) => return (None, name.to_owned()),
        _ => (name, "latest"),
    };
    let mut parts: Vec<&str> = path.split('/').collect();
    // A first component with a dot or a port, or `localhost`, names a registry, not a namespace.
    let first = parts.first().copied().unwrap_or_default();
    if parts.len() > 1 && (first.contains('.') || first.contains(':') || first == "localhost") {
        parts.remove(0);
    }
    let repository = parts.join("/");
    (
        (!repository.is_empty()).then_some(repository),
        tag.to_owned(),
    )
}

impl SourceImage {
    /// Every tag the image's names carry, whatever repository they name, in order, once each.
    pub fn tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = Vec::new();
        for (_, tag) in self.names().iter().map(|n| split_name(n)) {
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        tags
    }

    /// The repository the first name points to and the tags the names give it there.
    pub fn push_target(&self) -> PushTarget {
        target_of(&self.names())
    }
}

fn target_of(names: &[String]) -> PushTarget {
    let parsed: Vec<(Option<String>, String)> = names.iter().map(|n| split_name(n)).collect();
    let repository = parsed
        .iter()
        .find_map(|(r, _)| r.clone())
        .unwrap_or_default();
    let mut tags: Vec<String> = Vec::new();
    for (r, tag) in parsed {
        if r.is_none_or(|r| r == repository) && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    PushTarget { repository, tags }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(names: &[&str]) -> PushTarget {
        target_of(&names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn names_give_the_repository_without_a_registry_host_and_its_tags() {
        assert_eq!(
            split_name("team/app:1.0"),
            (Some("team/app".into()), "1.0".into())
        );
        assert_eq!(
            split_name("registry.example.com:5000/team/app:2"),
            (Some("team/app".into()), "2".into())
        );
        assert_eq!(
            split_name("localhost/app"),
            (Some("app".into()), "latest".into())
        );
        assert_eq!(split_name("1.0"), (None, "1.0".into()), "an OCI ref name");
        assert_eq!(
            target(&["team/app:1.0", "team/app:latest", "other/x:9"]),
            PushTarget {
                repository: "team/app".into(),
                tags: vec!["1.0".into(), "latest".into()]
            }
        );
        assert_eq!(target(&[]), PushTarget::default());
    }
}
