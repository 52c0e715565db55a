//! The simulator's own routes under `/_sim`, for out-of-process use (the
//! standalone binary): health, the request log, and a reset.

use std::sync::Mutex;

use http::{Method, Response};
use serde_json::json;

use super::responses::{self, Body};
use super::routes::Call;
use super::state::{State, lock};

pub(crate) fn answer(state: &Mutex<State>, call: &Call<'_>) -> Response<Body> {
    let ids = call.ids;
    let mut s = lock(state);
    match (call.method, call.path) {
        (&Method::GET, "/_sim/health") => {
            responses::json_response(200, &json!({"status": "ok"}), ids)
        }
        (&Method::GET, "/_sim/requests") => {
            let log = serde_json::to_value(s.requests(Some(call.seq))).unwrap_or_default();
            responses::json_response(200, &log, ids)
        }
        (&Method::POST, "/_sim/reset") => {
            // The log goes too, this call included.
            s.clear_requests();
            s.faults.clear();
            s.hydration.clear();
            responses::json_response(200, &json!({"reset": true}), ids)
        }
        _ => responses::error(404, "itemNotFound", "No such simulator route.", ids),
    }
}
