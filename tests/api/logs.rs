//! The token never appears in a log line; every request leaves one line.

use graph_sim::{Behaviour, Fault, FaultAction, SimUser};

use crate::helpers::{Guest, LOGS, SHARE_URL, spawn_app, u_id};

#[tokio::test]
async fn the_token_appears_in_no_log_line_whatever_happens() {
    let app = spawn_app().await;
    let ok = Guest::new();
    let never = Guest::new();
    app.graph
        .add_user(SimUser::guest(&never.tid, &never.oid).with(Behaviour::NeverHydrates));
    let expired = Guest::with(|b| b.expires_in(-3600));
    let dropped = Guest::new();

    assert_eq!(app.resolve_demo(&ok).await.status(), 200);
    assert_eq!(app.resolve_demo(&never).await.status(), 503);
    assert_eq!(app.resolve_demo(&expired).await.status(), 401);
    app.graph
        .inject(Fault::shares(FaultAction::DropConnection).times(4));
    assert_eq!(app.resolve_demo(&dropped).await.status(), 502);
    let garbage = "Bearer-looking.garbage-token.value";
    assert_eq!(
        app.get_drive_item(&u_id(SHARE_URL), Some(garbage))
            .await
            .status(),
        401
    );

    let logs = LOGS.text();
    for line in logs.lines() {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
    }
    for (who, token) in [
        ("ok", &ok.token),
        ("never", &never.token),
        ("expired", &expired.token),
        ("dropped", &dropped.token),
    ] {
        // The claims part alone would also identify the token.
        let claims_part = token.split('.').nth(1).unwrap();
        assert!(
            !logs.contains(claims_part),
            "{who}'s token leaked into the logs"
        );
    }
    assert!(!logs.contains(garbage));
    // The lines do exist: one per request, with the user and the outcome.
    let line = logs
        .lines()
        .find(|l| l.contains(&never.key()) && l.contains("\"outcome\":\"hydration_exhausted\""))
        .expect("a request line for the guest who never hydrates");
    assert!(line.contains("\"attempts\":4"), "{line}");
}
