//! The release shape of `obo` mode: the `share-resolver` binary itself,
//! configured only through its environment, at `RUST_LOG=trace`, with its
//! secret given directly or read from Secrets Manager (moto).

use std::process::Stdio;
use std::time::Duration;

use graph_sim::{DEMO_TENANT, GraphSimulator, SIM_API_CLIENT_ID, SIM_API_CLIENT_SECRET, Scenario};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

use crate::helpers::{ApiUser, SHARE_URL, TestApp};

/// The running binary and what it wrote before it was listening.
struct Binary {
    child: tokio::process::Child,
    stdout: BufReader<tokio::process::ChildStdout>,
    before: String,
}

/// The binary's command against `graph` in `obo` mode, with `extra` as
/// its further environment (an empty value removes a variable).
fn binary_command(
    graph: &GraphSimulator,
    port: u16,
    extra: &[(&str, String)],
) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_share-resolver"));
    command
        .env_clear()
        .env("RUST_LOG", "trace")
        .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .env("GRAPH_BASE_URL", graph.base_url())
        .env(
            "SHAREPOINT_BASE_URL_OVERRIDE",
            format!("http://{}", graph.addr()),
        )
        .env("LOGIN_BASE_URL", graph.login_base_url())
        .env("AUTH_MODE", "obo")
        .env("ALLOWED_TENANTS", DEMO_TENANT)
        .env("ALLOWED_CLIENT_APPS", graph_sim::SIM_SPA_CLIENT_ID)
        .env("API_AUDIENCE", SIM_API_CLIENT_ID)
        .env("OBO_CLIENT_ID", SIM_API_CLIENT_ID)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (name, value) in extra {
        if value.is_empty() {
            command.env_remove(name);
        } else {
            command.env(name, value);
        }
    }
    command
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The binary on a free port against `graph`, with `extra` as its further
/// environment; returns its address once it logs that it is listening.
async fn spawn_binary(graph: &GraphSimulator, extra: &[(&str, String)]) -> (String, Binary) {
    let port = free_port();
    let mut child = binary_command(graph, port, extra)
        .spawn()
        .expect("the binary starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let mut before = String::new();
    // It logs "listening" once bound: no polling.
    while !before
        .lines()
        .last()
        .is_some_and(|l| l.contains("listening"))
    {
        let read = stdout.read_line(&mut before).await.expect("its output");
        assert!(read > 0, "the binary did not come up: {before}");
    }
    let address = format!("http://127.0.0.1:{port}");
    let binary = Binary {
        child,
        stdout,
        before,
    };
    (address, binary)
}

/// Everything the binary wrote, once it is stopped.
async fn output_of(binary: Binary) -> String {
    let Binary {
        mut child,
        mut stdout,
        before: mut out,
    } = binary;
    let _ = child.start_kill();
    let _ = stdout.read_to_string(&mut out).await;
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut out).await;
    }
    out
}

/// A cold guest, a forged token and a member through the binary.
async fn exercise(address: &str, app: &TestApp) -> ApiUser {
    let client = reqwest::Client::new();
    let guest = ApiUser::guest(app);
    let member = ApiUser::member(app);
    for (token, expected) in [
        (guest.token.clone(), 200),
        (guest.token.clone(), 200),
        (member.token.clone(), 200),
        (guest.builder().build_forged(), 401),
    ] {
        let r = client
            .post(format!("{address}/v1/resolve"))
            .bearer_auth(&token)
            .body(json!({"shareUrl": SHARE_URL}).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), expected);
    }
    guest
}

/// A graph-sim "app" for minting users (the binary is the service here).
async fn simulator() -> TestApp {
    crate::helpers::spawn_obo_app_with(Scenario::demo(), |_| {}).await
}

#[tokio::test]
async fn at_trace_level_no_token_exchanged_token_or_secret_is_logged() {
    let app = simulator().await;
    let (address, child) = spawn_binary(
        &app.graph,
        &[("OBO_CLIENT_SECRET", SIM_API_CLIENT_SECRET.to_owned())],
    )
    .await;

    let guest = exercise(&address, &app).await;
    let logs = output_of(child).await;

    let requests = logs.lines().filter(|l| l.contains("\"_aws\"")).count();
    assert_eq!(requests, 4, "one line a request: {logs}");
    // Every token here (the API's, and those exchanged for Graph and
    // SharePoint) is a JWT, whose JSON header encodes to `eyJ`.
    assert!(!logs.contains("eyJ"), "a JWT in the logs");
    assert!(
        !logs.contains(SIM_API_CLIENT_SECRET),
        "the secret in the logs"
    );
    assert!(!logs.contains(guest.token.split('.').nth(1).unwrap()));
}

#[tokio::test]
#[ignore = "needs a local Secrets Manager (moto): scripts/test.sh runs it"]
async fn the_secret_is_read_from_secrets_manager_at_cold_start() {
    let endpoint = crate::helpers::dynamo::endpoint();
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .test_credentials()
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(&endpoint)
        .load()
        .await;
    let secrets = aws_sdk_secretsmanager::Client::new(&config);
    let name = format!("share-resolver-obo-{}", uuid::Uuid::new_v4());
    let created = secrets
        .create_secret()
        .name(&name)
        .secret_string(SIM_API_CLIENT_SECRET)
        .send()
        .await
        .expect("secret created");
    let arn = created.arn().unwrap().to_owned();
    let app = simulator().await;

    let (address, child) = spawn_binary(
        &app.graph,
        &[
            ("OBO_CLIENT_SECRET_ARN", arn),
            ("AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoint),
            ("AWS_REGION", "us-east-1".to_owned()),
            ("AWS_ACCESS_KEY_ID", "test".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "test".to_owned()),
        ],
    )
    .await;
    exercise(&address, &app).await;
    let logs = output_of(child).await;
    assert!(!logs.contains(SIM_API_CLIENT_SECRET));
}

/// The AWS environment of a Lambda role, STS at the simulator's.
fn aws_environment(graph: &GraphSimulator) -> Vec<(&'static str, String)> {
    vec![
        ("OBO_CLIENT_ASSERTION", "aws-web-identity".to_owned()),
        ("AWS_ENDPOINT_URL_STS", graph.sts_endpoint_url()),
        ("AWS_REGION", "eu-west-1".to_owned()),
        ("AWS_ACCESS_KEY_ID", "ASIASIMULATED".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "not-a-secret-simulated".to_owned()),
        ("AWS_SESSION_TOKEN", "simulated-session".to_owned()),
    ]
}

/// The lines of `logs` holding `needle` (a secret that must be in none).
fn lines_with<'a>(logs: &'a str, needle: &str) -> Vec<&'a str> {
    logs.lines().filter(|l| l.contains(needle)).collect()
}

#[tokio::test]
async fn at_trace_level_no_private_key_assertion_or_sts_token_is_logged() {
    let app = simulator().await;
    let pem = std::env::temp_dir().join(format!("sr-cert-{}.pem", uuid::Uuid::new_v4()));
    let key = graph_sim::token::SIM_API_CLIENT_KEY_PEM;
    std::fs::write(
        &pem,
        format!("{key}\n{}", graph_sim::token::SIM_API_CLIENT_CERT_PEM),
    )
    .expect("the PEM is written");
    let certificate = vec![("OBO_CLIENT_CERTIFICATE_PATH", pem.display().to_string())];
    let mut logged = String::new();
    for (kind, credential) in [
        ("certificate", certificate),
        ("aws-web-identity", aws_environment(&app.graph)),
    ] {
        let (address, child) = spawn_binary(&app.graph, &credential).await;
        exercise(&address, &app).await;
        let logs = output_of(child).await;
        assert!(
            logs.lines().filter(|l| l.contains("\"_aws\"")).count() >= 4,
            "{kind}: the run logged its requests: {logs}"
        );
        logged.push_str(&logs);
    }
    let _ = std::fs::remove_file(&pem);

    // What the simulator received and issued, verbatim: the certificate's
    // assertions, then the STS tokens sent as assertions.
    let assertions = app.graph.client_assertions_received();
    let sts_tokens = app.graph.web_identity_tokens_issued();
    assert!(
        assertions.len() >= 4,
        "both runs exchanged with an assertion"
    );
    assert!(!sts_tokens.is_empty(), "STS issued a token");
    for secret in assertions.iter().chain(&sts_tokens) {
        // Whole, or any of its parts (the signature alone is the secret).
        for part in std::iter::once(secret.as_str()).chain(secret.split('.').skip(1)) {
            assert_eq!(
                lines_with(&logged, part),
                Vec::<&str>::new(),
                "an assertion or STS token"
            );
        }
    }
    // Every line of the key's PEM body.
    let body: Vec<&str> = key
        .lines()
        .filter(|l| !l.starts_with("-----") && !l.trim().is_empty())
        .collect();
    assert!(body.len() > 20, "a 2048-bit key's body");
    for line in body {
        assert_eq!(
            lines_with(&logged, line),
            Vec::<&str>::new(),
            "the private key"
        );
    }
    assert!(!logged.contains("PRIVATE KEY"), "the key's PEM markers");
    // Assertions and STS tokens are JWTs, whose JSON header encodes to `eyJ`.
    assert!(!logged.contains("eyJ"), "a JWT in the logs");
}

/// The binary's exit status and everything it wrote, when it refuses to start.
async fn refused_start(graph: &GraphSimulator, extra: &[(&str, String)]) -> String {
    let child = binary_command(graph, free_port(), extra)
        .spawn()
        .expect("the binary starts");
    let output = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("the binary exits by itself")
        .expect("its output");
    assert!(!output.status.success(), "{extra:?} must fail start-up");
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test]
async fn start_up_refuses_zero_or_two_credentials_and_obo_without_client_apps() {
    let app = simulator().await;
    let secret = ("OBO_CLIENT_SECRET", SIM_API_CLIENT_SECRET.to_owned());
    let none = refused_start(&app.graph, &[]).await;
    assert!(
        none.contains("OBO_CLIENT_SECRET")
            && none.contains("OBO_CLIENT_CERTIFICATE_ARN")
            && none.contains("OBO_CLIENT_ASSERTION"),
        "{none}"
    );
    let two = refused_start(
        &app.graph,
        &[
            secret.clone(),
            ("OBO_CLIENT_ASSERTION", "aws-web-identity".to_owned()),
        ],
    )
    .await;
    assert!(
        two.contains("OBO_CLIENT_SECRET") && two.contains("OBO_CLIENT_ASSERTION"),
        "{two}"
    );
    let no_apps = refused_start(
        &app.graph,
        &[secret, ("ALLOWED_CLIENT_APPS", String::new())],
    )
    .await;
    assert!(no_apps.contains("ALLOWED_CLIENT_APPS"), "{no_apps}");
}

#[tokio::test]
async fn start_up_refuses_an_unknown_cloud_naming_cloud() {
    let app = simulator().await;
    let secret = ("OBO_CLIENT_SECRET", SIM_API_CLIENT_SECRET.to_owned());
    for bogus in ["bogus", "gcchigh"] {
        let refused =
            refused_start(&app.graph, &[secret.clone(), ("CLOUD", bogus.to_owned())]).await;
        assert!(refused.contains("CLOUD"), "{refused}");
        assert!(
            refused.contains("usgovdod"),
            "says what it takes: {refused}"
        );
    }
}
