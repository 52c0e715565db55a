//! The HTTP side: one hyper connection per accepted socket, so a fault can
//! drop a connection without answering, and a shutdown can close them all.
//! Each request is logged on arrival, delayed, faulted or handled.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::request::Parts;
use http::{HeaderValue, Request, Response, header};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};

use super::aad;
use super::auth;
use super::batch;
use super::call::Call;
use super::faults::{FaultAction, TokenFault};
use super::obo;
use super::record::{RecordedRequest, RequestKind};
use super::responses::{self, Body, Ids};
use super::routes;
use super::state::{State, lock};
use super::sts;
use super::token::claims_of;

/// Accepts until `stop` turns true. If the sender is dropped without a
/// stop, it keeps serving (a dropped handle does not end the simulator).
pub(crate) async fn accept_loop(
    listener: TcpListener,
    state: Arc<Mutex<State>>,
    mut stop: watch::Receiver<bool>,
) {
    let mut stop_open = true;
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    tokio::spawn(serve_connection(stream, state.clone(), stop.clone()));
                }
            }
            changed = stop.changed(), if stop_open => {
                stop_open = changed.is_ok();
                if *stop.borrow() {
                    return;
                }
            }
        }
    }
}

/// Serves one connection until the client closes it, a fault drops it
/// (dropping the hyper future closes the socket unanswered), or the
/// simulator stops (in-flight answers finish, then it closes).
async fn serve_connection(
    stream: TcpStream,
    state: Arc<Mutex<State>>,
    mut stop: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let drop_now = Arc::new(Notify::new());
    let signal = drop_now.clone();
    let service = service_fn(move |request| {
        let (state, signal) = (state.clone(), signal.clone());
        async move { Ok::<_, Infallible>(handle(&state, request, &signal).await) }
    });
    let connection =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    let mut stop_open = !*stop.borrow();
    if !stop_open {
        connection.as_mut().graceful_shutdown();
    }
    loop {
        tokio::select! {
            _ = connection.as_mut() => return,
            () = drop_now.notified() => return,
            changed = stop.changed(), if stop_open => {
                stop_open = false;
                if changed.is_ok() && *stop.borrow() {
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// Largest body an admin call may send (a share's driveItem included).
const MAX_ADMIN_BODY: usize = 256 * 1024;

fn header_str<'a>(request: &'a Parts, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The body of an admin call (its JSON arguments), a token request (its
/// form) or a Graph `POST` (a `$batch`); other Graph calls are `GET`s, so
/// theirs is never read. `None` when it is too large or broken.
async fn request_body(kind: RequestKind, body: Incoming) -> Option<Bytes> {
    if !kind.has_body() {
        return Some(Bytes::new());
    }
    let collected = Limited::new(body, MAX_ADMIN_BODY).collect().await.ok()?;
    Some(collected.to_bytes())
}

async fn handle(
    state: &Mutex<State>,
    request: Request<Incoming>,
    drop_now: &Notify,
) -> Response<Body> {
    let (request, incoming) = request.into_parts();
    let path = request.uri.path();
    let kind = RequestKind::of(path);
    let client_request_id = header_str(&request, "client-request-id");
    let authorization = request.headers.get(header::AUTHORIZATION);
    let token = auth::bearer(authorization.and_then(|v| v.to_str().ok()));
    let claims = token.and_then(claims_of);
    let ids = Ids::new(client_request_id);

    let record = RecordedRequest {
        seq: 0,
        method: request.method.to_string(),
        path: path.to_owned(),
        query: request.uri.query().map(str::to_owned),
        client_request_id: client_request_id.map(str::to_owned),
        has_authorization: authorization.is_some(),
        user: claims
            .as_ref()
            .and_then(auth::user_of)
            .map(|(tid, oid)| format!("{tid}#{oid}")),
        audience: claims
            .as_ref()
            .and_then(|c| c.get("aud"))
            .and_then(|a| a.as_str())
            .map(str::to_owned),
        scope: None,
        prefer: header_str(&request, "prefer").map(str::to_owned),
        status: 0,
        kind,
        client_auth: None,
        sts: None,
        batch: None,
    };
    let (seq, latency, fault, token_fault) = {
        let mut s = lock(state);
        let seq = s.log(record);
        if kind == RequestKind::Admin || kind == RequestKind::Sts || kind.is_media() {
            // The harness talking to the simulator, AWS, or a page loading a
            // thumbnail or download: no latency, no faults.
            (seq, None, None, None)
        } else if kind.is_identity() {
            // The identity platform: no Graph latency; only the faults
            // aimed at it (`FaultTarget::Keys`; the token endpoint has its own).
            if kind == RequestKind::Token {
                (seq, None, None, s.token_faults.take())
            } else {
                (seq, None, s.faults.take(kind), None)
            }
        } else {
            (seq, Some(s.latency), s.faults.take(kind), None)
        }
    };
    if let Some(latency) = latency.filter(|l| !l.is_zero()) {
        tokio::time::sleep(latency).await;
    }
    let Some(body) = request_body(kind, incoming).await else {
        lock(state).answered(seq, 413);
        return responses::error(
            413,
            "BadRequest",
            "Admin request body too large or broken.",
            &ids,
        );
    };
    let raw_authorization = authorization.and_then(|v| v.to_str().ok());
    if kind == RequestKind::Token {
        let mut s = lock(state);
        s.note_token_request(seq, obo::loggable(&body));
        if let Some(assertion) = obo::Form::parse(&body).get("client_assertion") {
            s.assertions_received.push(assertion.to_owned());
        }
    }
    if kind == RequestKind::Sts {
        lock(state).note_sts_request(seq, sts::loggable(&body, raw_authorization));
    }
    let call = Call {
        seq,
        method: &request.method,
        path,
        content_type: header_str(&request, "content-type"),
        query: request.uri.query(),
        host: header_str(&request, "host"),
        body: &body,
        kind,
        token,
        authorization: raw_authorization,
        claims: claims.as_ref(),
        ids: &ids,
    };

    let fault = match token_fault {
        Some(TokenFault::DropConnection) => Some(FaultAction::DropConnection),
        Some(TokenFault::Delay(delay)) => Some(FaultAction::Delay(delay)),
        Some(token_fault) => {
            let client_id = lock(state).api.client_id.clone();
            if let Some(error) = aad::token_fault(&token_fault, &client_id) {
                let response = error.response(&ids);
                lock(state).answered(seq, response.status().as_u16());
                return response;
            }
            None
        }
        None => fault,
    };
    let response = match fault {
        Some(FaultAction::DropConnection) => {
            // Logged with status 0; the connection task drops the socket.
            drop_now.notify_one();
            return std::future::pending().await;
        }
        Some(FaultAction::Status {
            status,
            retry_after,
        }) => {
            let mut r = if kind.is_identity() {
                aad::status_response(status, &ids)
            } else {
                responses::for_status(status, kind, &ids)
            };
            if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                r.headers_mut().insert(header::RETRY_AFTER, value);
            }
            r
        }
        Some(FaultAction::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            answer(state, &call, drop_now).await
        }
        None => answer(state, &call, drop_now).await,
    };
    lock(state).answered(seq, response.status().as_u16());
    response
}

/// Normal handling: a `$batch` runs its requests (a fault on one of them
/// may drop the round trip's connection), anything else its route.
async fn answer(state: &Mutex<State>, call: &Call<'_>, drop_now: &Notify) -> Response<Body> {
    if call.kind != RequestKind::Batch {
        return routes::answer(state, call);
    }
    match batch::answer(state, call).await {
        Some(response) => response,
        None => {
            drop_now.notify_one();
            std::future::pending().await
        }
    }
}
