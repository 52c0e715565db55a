//! Normal handling of one request (no fault): admin routes, then for Graph
//! routes the token checks, the caller's behaviour, and the route itself.

use std::sync::Mutex;

use http::Response;

use super::call::Call;
use super::record::{self, RequestKind};
use super::responses::{self, Body};
use super::scenario::Behaviour;
use super::state::{State, lock};
use super::{admin, auth, login, media, sharepoint, shares, sts, warmup_calls};

pub(crate) fn answer(state: &Mutex<State>, call: &Call<'_>) -> Response<Body> {
    if call.kind == RequestKind::Admin {
        return admin::answer(state, call);
    }
    if call.kind.is_identity() {
        return login::answer(state, call);
    }
    if call.kind.is_media() {
        return media::answer(&lock(state), call.path, call.ids);
    }
    if call.kind == RequestKind::Sts {
        return sts::answer(state, call);
    }
    if let Some(host) = record::sharepoint_host(call.path) {
        return sharepoint::answer(&mut lock(state), host, call.token, call.claims, call.ids);
    }
    let ids = call.ids;
    if call.path != "/v1.0" && !call.path.starts_with("/v1.0/") {
        return responses::error(400, "BadRequest", "Invalid version.", ids);
    }
    if *call.method != call.kind.method() {
        return responses::error(
            405,
            "BadRequest",
            "Specified HTTP method is not allowed for the request target.",
            ids,
        );
    }
    let (keys, resource) = {
        let s = lock(state);
        (s.published.clone(), s.graph_resource.clone())
    };
    let key = match auth::check(call.token, call.claims, &keys, &resource) {
        Ok(key) => key,
        Err(rejection) => return rejection.response(ids),
    };

    let mut s = lock(state);
    let Some(user) = s.caller(&key) else {
        return responses::error(403, "accessDenied", "Access denied", ids);
    };
    // Revocation and other token trouble show on every route.
    match user.behaviour {
        Behaviour::TokenExpiredAtGraph => {
            return responses::invalid_token("Access token has expired or is not yet valid.", ids);
        }
        Behaviour::TokenInvalidAtGraph => {
            return responses::invalid_token(
                "CompactToken validation failed with reason code: 80049228.",
                ids,
            );
        }
        _ => {}
    }
    let now = s.now();
    match call.kind {
        RequestKind::Shares
        | RequestKind::SharesChildren
        | RequestKind::SharesPermission
        | RequestKind::SharesPreview => shares::answer(&s, &user, call, now),
        RequestKind::DriveItem | RequestKind::DriveItemChildren | RequestKind::DriveItemPreview => {
            shares::answer_drives(&s, &user, call, now)
        }
        kind if kind.is_warmup() => {
            // Any SharePoint-backed call hydrates, whatever it answers.
            s.hydration.warm_up(&key, now);
            warmup_calls::answer(&s, kind, call.path, ids)
        }
        _ => responses::error(400, "BadRequest", "Invalid request", ids),
    }
}
