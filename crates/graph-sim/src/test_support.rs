//! What the simulator's own tests share: one simulator with one client,
//! and the calls they make to it over real HTTP.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::token::random_guest;
use super::*;

/// A simulator and one client for the test (a client per call is slow
/// enough to upset the timing tests).
pub(crate) struct Sim {
    pub(crate) sim: GraphSimulator,
    pub(crate) client: reqwest::Client,
}

impl std::ops::Deref for Sim {
    type Target = GraphSimulator;
    fn deref(&self) -> &GraphSimulator {
        &self.sim
    }
}

pub(crate) async fn start(scenario: Scenario) -> Sim {
    Sim {
        sim: GraphSimulator::start(scenario)
            .await
            .expect("simulator starts"),
        client: reqwest::Client::new(),
    }
}

pub(crate) async fn sim() -> Sim {
    start(Scenario::demo()).await
}

pub(crate) async fn get(sim: &Sim, path: &str, token: &str) -> reqwest::Response {
    sim.client
        .get(format!("{}{path}", sim.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .expect("an answer")
}

pub(crate) async fn status(sim: &Sim, path: &str, token: &str) -> u16 {
    get(sim, path, token).await.status().as_u16()
}

pub(crate) async fn body(response: reqwest::Response) -> Value {
    response.json().await.expect("a JSON body")
}

pub(crate) fn share_path(url: &str) -> String {
    format!("/shares/u!{}/driveItem", URL_SAFE_NO_PAD.encode(url))
}

/// A fresh guest's token, hydrated or not.
pub(crate) fn guest(sim: &GraphSimulator, hydrated: bool) -> (String, String, String) {
    let (builder, tid, oid) = random_guest();
    if hydrated {
        sim.hydrate(&tid, &oid);
    }
    (builder.build(), tid, oid)
}

/// `POST /_sim/{path}` with a JSON body: `(status, body)`.
pub(crate) async fn admin_post(sim: &Sim, path: &str, body: Value) -> (u16, Value) {
    let r = sim
        .client
        .post(format!("http://{}/_sim/{path}", sim.addr()))
        .json(&body)
        .send()
        .await
        .expect("an answer");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

/// Posts `{"requests": requests}` to `$batch` with `token`.
pub(crate) async fn post_batch(
    sim: &Sim,
    token: Option<&str>,
    requests: Value,
) -> reqwest::Response {
    let mut request = sim
        .client
        .post(format!("{}/$batch", sim.base_url()))
        .json(&json!({ "requests": requests }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("an answer")
}

/// A `GET` inner request.
pub(crate) fn get_request(id: &str, url: &str) -> Value {
    json!({"id": id, "method": "GET", "url": url})
}

/// The answers of a `200` batch by id, and the ids in answer order.
pub(crate) async fn answers(response: reqwest::Response) -> (HashMap<String, Value>, Vec<String>) {
    assert_eq!(response.status(), 200);
    let all = body(response).await;
    let list = all["responses"].as_array().cloned().unwrap_or_default();
    let order = list
        .iter()
        .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    let by_id = list
        .into_iter()
        .map(|r| (r["id"].as_str().unwrap_or_default().to_owned(), r))
        .collect();
    (by_id, order)
}
