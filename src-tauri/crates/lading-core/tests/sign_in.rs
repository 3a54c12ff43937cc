//! The sign-in command the window offers to copy, against moto's ECR: the AWS CLI line with the
//! registry's own host, never the password, and the kept token's expiry on the status.

mod common;

use lading_config::ConfigStore;
use lading_core::{registries, sign_in, AppState};
use lading_testkit::Moto;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docker_login_line_and_the_token_expiry() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    common::use_moto_profile(dir.path(), &moto);
    let app = AppState::new(ConfigStore::load(&dir.path().join("config")).unwrap(), None);
    let id = common::add_moto_ecr(&app, "us-east-1").await;
    // No token fetched yet: the status says nothing of one.
    assert_eq!(
        registries::check(&app, &id).await.unwrap().token_expires_at,
        None
    );

    let help = sign_in::sign_in_help(&app, &id).await.unwrap();
    let ecr = common::moto_client("us-east-1").await;
    let token = ecr.authorization_token().await.unwrap();
    let host = token.proxy_endpoint.trim_start_matches("https://");
    assert_eq!(
        help.command,
        format!("aws ecr get-login-password --region us-east-1 --profile dev | docker login --username AWS --password-stdin {host}")
    );
    assert!(!help.command.contains(token.password.expose()));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let expires = help.token_expires_at.expect("the token's expiry");
    assert!(
        expires > now + 11 * 3600 && expires <= now + 12 * 3600 + 60,
        "{expires} vs {now}"
    );
    // Kept: the status now says when it expires.
    assert_eq!(
        registries::check(&app, &id).await.unwrap().token_expires_at,
        Some(expires)
    );
}
