//! The simulator's HTTP side: one hyper connection per socket, so a fault
//! can drop a connection without answering, and hand-written routing on the
//! raw path (what a path-injection test must see).

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http::{HeaderValue, Request, Response, header};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::Notify;

use super::responses::{self, Body, Ids};
use super::token::claims_of;
use super::{Behaviour, FaultAction, RecordedRequest, RequestKind, SimUser, State};
use crate::simulator::scenario::Access;

/// Graph's own application id, one of the two audiences it accepts.
const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

pub(crate) async fn accept_loop(
    listener: TcpListener,
    state: Arc<Mutex<State>>,
    stop: Arc<Notify>,
) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
            () = stop.notified() => return,
        };
        let state = state.clone();
        tokio::spawn(async move {
            let drop_now = Arc::new(Notify::new());
            let signal = drop_now.clone();
            let service = service_fn(move |request| {
                let (state, signal) = (state.clone(), signal.clone());
                async move { Ok::<_, Infallible>(handle(&state, request, &signal).await) }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            // Dropping the connection future closes the socket unanswered.
            tokio::select! {
                _ = connection => {}
                () = drop_now.notified() => {}
            }
        });
    }
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

fn kind_of(path: &str) -> RequestKind {
    if path.starts_with("/_sim/") {
        return RequestKind::Admin;
    }
    let Some(rest) = path.strip_prefix("/v1.0/") else {
        return RequestKind::Other;
    };
    let segments: Vec<&str> = rest.split('/').collect();
    match segments.as_slice() {
        ["shares", id, "driveItem"] if !id.is_empty() => RequestKind::Shares,
        ["sites", "root"] => RequestKind::WarmupRoot,
        ["groups", id, "drive"] if !id.is_empty() => RequestKind::WarmupGroupDrive,
        ["sites", host, collection, name]
            if host.ends_with(':')
                && host.len() > 1
                && matches!(*collection, "sites" | "teams")
                && !name.is_empty() =>
        {
            RequestKind::WarmupSiteByPath
        }
        _ => RequestKind::Other,
    }
}

async fn handle(
    state: &Mutex<State>,
    request: Request<Incoming>,
    drop_now: &Notify,
) -> Response<Body> {
    let path = request.uri().path().to_owned();
    let kind = kind_of(&path);
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let client_request_id = header("client-request-id");
    let authorization = header("authorization");
    let request_id = uuid::Uuid::new_v4().to_string();
    let ids = Ids {
        client_request_id: client_request_id
            .clone()
            .unwrap_or_else(|| request_id.clone()),
        request_id,
    };
    let claims = authorization
        .as_deref()
        .and_then(|a| {
            a.strip_prefix("Bearer ")
                .or_else(|| a.strip_prefix("bearer "))
        })
        .and_then(claims_of);
    let user_key = claims.as_ref().and_then(|c| {
        let tid = c.get("tid")?.as_str()?;
        let oid = c.get("oid")?.as_str()?;
        Some((tid.to_owned(), oid.to_owned()))
    });
    let mut record = RecordedRequest {
        method: request.method().to_string(),
        path: path.clone(),
        query: request.uri().query().map(str::to_owned),
        client_request_id,
        has_authorization: authorization.is_some(),
        user: user_key.as_ref().map(|(t, o)| format!("{t}#{o}")),
        status: 0,
        kind,
    };

    let (latency, fault) = {
        let mut s = lock(state);
        (
            s.latency,
            if kind == RequestKind::Admin {
                None
            } else {
                s.take_fault(kind)
            },
        )
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let response = match fault.clone() {
        Some(FaultAction::DropConnection) => {
            lock(state).requests.push(record);
            drop_now.notify_one();
            return std::future::pending().await;
        }
        Some(FaultAction::Status {
            status,
            retry_after,
        }) => {
            let mut r = responses::for_status(status, &ids);
            if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                r.headers_mut().insert(header::RETRY_AFTER, value);
            }
            r
        }
        Some(FaultAction::Delay(_)) | None => {
            if let Some(FaultAction::Delay(delay)) = fault {
                tokio::time::sleep(delay).await;
            }
            answer(
                state,
                kind,
                &path,
                &request,
                authorization.as_deref(),
                claims.as_ref(),
                user_key,
                &ids,
            )
        }
    };
    record.status = response.status().as_u16();
    lock(state).requests.push(record);
    response
}

#[allow(clippy::too_many_arguments)]
fn answer(
    state: &Mutex<State>,
    kind: RequestKind,
    path: &str,
    request: &Request<Incoming>,
    authorization: Option<&str>,
    claims: Option<&serde_json::Map<String, Value>>,
    user_key: Option<(String, String)>,
    ids: &Ids,
) -> Response<Body> {
    if kind == RequestKind::Admin {
        return admin(state, path, request, ids);
    }
    if request.method() != http::Method::GET {
        return responses::error(
            405,
            "BadRequest",
            "The request method is not supported for this resource.",
            ids,
        );
    }
    // Token checks, in Graph's order (GRAPH-FACTS §3b, §3d).
    let Some(authorization) = authorization.filter(|a| a.len() > 7) else {
        return responses::invalid_token("Access token is empty.", ids);
    };
    if !authorization[..7].eq_ignore_ascii_case("bearer ") {
        return responses::invalid_token("Access token is empty.", ids);
    }
    let Some(claims) = claims else {
        return responses::invalid_token(
            "IDX14100: JWT is not well formed, there are no dots (.).",
            ids,
        );
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    if claims
        .get("exp")
        .and_then(Value::as_i64)
        .is_none_or(|exp| exp <= now)
    {
        return responses::invalid_token("Lifetime validation failed, the token is expired.", ids);
    }
    let aud_ok = claims.get("aud").and_then(Value::as_str).is_some_and(|a| {
        a == GRAPH_APP_ID || a.trim_end_matches('/') == "https://graph.microsoft.com"
    });
    if !aud_ok {
        return responses::invalid_token("Access token validation failure. Invalid audience.", ids);
    }
    if !claims.contains_key("scp") && !claims.contains_key("roles") {
        return responses::error(
            403,
            "AccessDenied",
            "Either scp or roles claim need to be present in the token.",
            ids,
        );
    }
    let Some(key) = user_key else {
        return responses::invalid_token("Access token validation failure.", ids);
    };

    let mut s = lock(state);
    if !s.users.contains_key(&key) {
        if !s.scenario.unknown_users_are_guests {
            return responses::error(403, "accessDenied", "Access denied", ids);
        }
        s.users.insert(key.clone(), SimUser::guest(&key.0, &key.1));
    }
    let user = s.users[&key].clone();
    match user.behaviour {
        Behaviour::TokenExpiredAtGraph => {
            return responses::invalid_token("Access token has expired or is not yet valid.", ids);
        }
        Behaviour::TokenInvalidAtGraph => {
            return responses::invalid_token("Access token validation failure.", ids);
        }
        _ => {}
    }

    match kind {
        RequestKind::Shares => shares(&mut s, path, &user, &key, ids),
        RequestKind::WarmupRoot | RequestKind::WarmupSiteByPath | RequestKind::WarmupGroupDrive => {
            // Any SharePoint-backed call hydrates, whatever it answers.
            s.warmed_at.insert(key, Instant::now());
            warmup(&s, kind, path, ids)
        }
        _ => responses::error(400, "BadRequest", "Invalid request", ids),
    }
}

fn shares(
    s: &mut State,
    path: &str,
    user: &SimUser,
    key: &(String, String),
    ids: &Ids,
) -> Response<Body> {
    let id = path.split('/').nth(3).unwrap_or_default();
    let share = if let Some(encoded) = id.strip_prefix("u!") {
        let url = URL_SAFE_NO_PAD
            .decode(encoded)
            .ok()
            .and_then(|b| String::from_utf8(b).ok());
        match url {
            Some(url) => Ok(s.scenario.shares.iter().find(|sh| sh.url == url).cloned()),
            None => Err(()),
        }
    } else if id.starts_with("s!") {
        Ok(s.scenario.shares.iter().find(|sh| sh.s_id() == id).cloned())
    } else {
        Err(())
    };
    let Ok(share) = share else {
        return responses::error(400, "invalidRequest", "Invalid shares key.", ids);
    };
    match &user.behaviour {
        Behaviour::MfaMissing => {
            let body = responses::error_body(
                "accessDenied",
                "Access denied",
                ids,
                Some("unauthorizedMissingMfaTokenClaim"),
            );
            return responses::json_response(403, &body, ids);
        }
        Behaviour::ClaimsChallenge { status } => return claims_challenge(*status, ids),
        _ => {}
    }
    if !s.is_hydrated(key, Instant::now()) {
        // The documented guest anomaly (GRAPH-FACTS §5).
        return responses::error(
            401,
            "accessDenied",
            "There has been an error authenticating the request.",
            ids,
        );
    }
    let Some(share) = share else {
        return responses::error(
            404,
            "itemNotFound",
            "The sharing link no longer exists, or you do not have permission to access it.",
            ids,
        );
    };
    if let Access::Only(oids) = &share.allowed
        && !oids.contains(&user.oid)
    {
        return responses::error(403, "accessDenied", "Access denied", ids);
    }
    responses::json_response(200, &share.drive_item, ids)
}

fn claims_challenge(status: u16, ids: &Ids) -> Response<Body> {
    let claims =
        STANDARD.encode(r#"{"access_token":{"nbf":{"essential":true,"value":"1604106651"}}}"#);
    let body = responses::error_body(
        "InvalidAuthenticationToken",
        "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp",
        ids,
        None,
    );
    let mut r = responses::json_response(status, &body, ids);
    let challenge = format!(
        r#"{}, error="insufficient_claims", claims="{claims}""#,
        responses::BEARER_CHALLENGE
    );
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    r
}

fn warmup(s: &State, kind: RequestKind, path: &str, ids: &Ids) -> Response<Body> {
    match kind {
        RequestKind::WarmupRoot => responses::json_response(
            200,
            &site_json("contoso.sharepoint.com", "", "Communication site"),
            ids,
        ),
        RequestKind::WarmupGroupDrive => {
            responses::error(403, "accessDenied", "Access denied", ids)
        }
        _ => {
            // /v1.0/sites/{host}:/{collection}/{name}
            let segments: Vec<&str> = path.split('/').collect();
            let host = segments.get(3).map_or("", |h| h.trim_end_matches(':'));
            let collection = segments.get(4).copied().unwrap_or_default();
            let name = segments
                .get(5)
                .and_then(|n| percent_encoding::percent_decode_str(n).decode_utf8().ok())
                .unwrap_or_default();
            let site = format!("{collection}/{name}");
            if s.scenario
                .sites
                .iter()
                .any(|(h, p)| h == host && *p == site)
            {
                responses::json_response(200, &site_json(host, &site, &name), ids)
            } else {
                responses::error(
                    404,
                    "itemNotFound",
                    "Requested site could not be found",
                    ids,
                )
            }
        }
    }
}

fn site_json(host: &str, path: &str, name: &str) -> Value {
    json!({
        "id": format!("{host},cc767111-5a47-4ef3-8b8f-23b4ab3a1c40,c0db7f82-3b6b-4d6e-9d4e-1f2a3b4c5d6e"),
        "webUrl": format!("https://{host}/{path}"),
        "displayName": name,
        "createdDateTime": "2024-01-10T08:00:00Z"
    })
}

fn admin(
    state: &Mutex<State>,
    path: &str,
    request: &Request<Incoming>,
    ids: &Ids,
) -> Response<Body> {
    let mut s = lock(state);
    match (request.method().as_str(), path) {
        ("GET", "/_sim/health") => responses::json_response(200, &json!({"status": "ok"}), ids),
        ("GET", "/_sim/requests") => {
            let log = serde_json::to_value(&s.requests).unwrap_or_default();
            responses::json_response(200, &log, ids)
        }
        ("POST", "/_sim/reset") => {
            s.requests.clear();
            s.faults.clear();
            s.warmed_at.clear();
            responses::json_response(200, &json!({"reset": true}), ids)
        }
        _ => responses::error(404, "itemNotFound", "No such admin route", ids),
    }
}
