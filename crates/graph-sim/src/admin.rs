//! The simulator's own routes under `/_sim`, for out-of-process use (the
//! standalone binary driven by other processes, e.g. the browser client's
//! tests): health, the request log and a reset, and what the in-process API
//! offers as methods: adding users, shares (with their permission) and
//! folder items, queueing (and clearing) faults and token endpoint faults,
//! registering the demo guest's "shared with you" page, pointing previews
//! at a hostile origin, and minting tokens, Graph's or
//! the API's (the arguments are read in `admin_args`). A reset empties the
//! log and drops faults, hydration and a hostile preview origin.

use std::sync::Mutex;

use http::{Method, Response};
use serde::de::DeserializeOwned;
use serde_json::json;

use super::admin_args::{
    FaultArgs, ItemArgs, PreviewArgs, ShareArgs, TokenArgs, TokenFaultArgs, UserArgs,
};
use super::call::Call;
use super::demo::{DEMO_GUEST_OID, DEMO_TENANT};
use super::responses::{self, Body, Ids};
use super::state::{State, lock};

pub(crate) fn answer(state: &Mutex<State>, call: &Call<'_>) -> Response<Body> {
    let ids = call.ids;
    match (call.method, call.path) {
        (&Method::GET, "/_sim/health") => {
            responses::json_response(200, &json!({"status": "ok"}), ids)
        }
        (&Method::GET, "/_sim/requests") => {
            let log = lock(state).requests(Some(call.seq));
            let log = serde_json::to_value(log).unwrap_or_default();
            responses::json_response(200, &log, ids)
        }
        (&Method::POST, "/_sim/reset") => {
            let mut s = lock(state);
            // The log goes too, this call included.
            s.clear_requests();
            s.faults.clear();
            s.token_faults.clear();
            s.hydration.clear();
            s.preview_origin = None;
            responses::json_response(200, &json!({"reset": true}), ids)
        }
        (&Method::POST, "/_sim/users") => with_args(call, |args: UserArgs| {
            let user = args.user();
            let answer = json!({"tid": user.tid, "oid": user.oid, "guest": user.guest});
            lock(state).add_user(user);
            Ok(answer)
        }),
        (&Method::POST, "/_sim/faults") => with_args(call, |args: FaultArgs| {
            let fault = args.fault()?;
            let times = fault.times;
            lock(state).faults.push(fault);
            Ok(json!({"queued": times}))
        }),
        (&Method::DELETE, "/_sim/faults") => {
            // Faults only: hydration and the log stay, unlike a reset.
            lock(state).faults.clear();
            responses::json_response(200, &json!({"cleared": true}), ids)
        }
        (&Method::POST, "/_sim/tokens") => with_args(call, |args: TokenArgs| {
            let (base, scope) = {
                let s = lock(state);
                (s.login_base_url.clone(), s.api.scope.clone())
            };
            Ok(json!({"token": args.token(&base, &scope)?}))
        }),
        (&Method::POST, "/_sim/token-faults") => with_args(call, |args: TokenFaultArgs| {
            let (fault, times) = args.fault()?;
            lock(state).token_faults.push(fault, times);
            Ok(json!({"queued": times}))
        }),
        (&Method::DELETE, "/_sim/token-faults") => {
            lock(state).token_faults.clear();
            responses::json_response(200, &json!({"cleared": true}), ids)
        }
        (&Method::POST, "/_sim/shares") => with_args(call, |args: ShareArgs| {
            let share = args.share();
            let answer = json!({"url": share.url, "sId": share.s_id()});
            lock(state).add_share(share);
            Ok(answer)
        }),
        (&Method::POST, "/_sim/shared-with-you") => {
            let links = lock(state).add_shared_with_you();
            let answer = json!({
                "tid": DEMO_TENANT,
                "oid": DEMO_GUEST_OID,
                "links": links,
            });
            responses::json_response(200, &answer, ids)
        }
        (&Method::POST, "/_sim/preview") => with_args(call, |args: PreviewArgs| {
            let answer = json!({"getUrlOrigin": args.get_url_origin});
            lock(state).preview_origin = args.get_url_origin;
            Ok(answer)
        }),
        (&Method::POST, "/_sim/items") => with_args(call, |args: ItemArgs| {
            let item = args.item()?;
            let answer = json!({"driveId": item.drive_id, "parentId": item.parent_id});
            lock(state).add_item(item);
            Ok(answer)
        }),
        _ => responses::error(404, "itemNotFound", "No such simulator route.", ids),
    }
}

/// Reads the call's JSON body as `A` and answers `act`'s JSON with `200`;
/// a body that does not read, or arguments `act` refuses, answer `400`
/// `invalidRequest` saying why.
fn with_args<A: DeserializeOwned>(
    call: &Call<'_>,
    act: impl FnOnce(A) -> Result<serde_json::Value, String>,
) -> Response<Body> {
    let ids: &Ids = call.ids;
    let result = serde_json::from_slice::<A>(call.body)
        .map_err(|e| e.to_string())
        .and_then(act);
    match result {
        Ok(answer) => responses::json_response(200, &answer, ids),
        Err(why) => responses::error(400, "invalidRequest", &why, ids),
    }
}
