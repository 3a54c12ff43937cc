//! What a failed command reports: a code and a message (`--json` prints both).

pub(crate) struct Failure {
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn usage(message: String) -> Self {
        Failure {
            code: "usage",
            message,
        }
    }
}

impl From<lading_oci::OciError> for Failure {
    fn from(e: lading_oci::OciError) -> Self {
        Failure {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl From<lading_ecr::EcrError> for Failure {
    fn from(e: lading_ecr::EcrError) -> Self {
        Failure {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

pub(crate) fn print_list(items: &[String], json: bool) {
    if json {
        println!("{}", serde_json::Value::from(items.to_vec()));
    } else {
        for item in items {
            println!("{item}");
        }
    }
}
