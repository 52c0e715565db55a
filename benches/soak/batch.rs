//! The batch traffic: the page of links the guests open through
//! `POST /v1/$batch`, the body of one batch, and each inner request's
//! answer read back from the batch's.

use graph_sim::SimShare;
use serde_json::{Value, json};
use share_resolver_testkit::u_id;

/// A batch carries this many links at least, and at most `PAGE.len()`
/// (Graph's limit of 20).
pub const MIN_LINKS: usize = 5;
const PAGE: usize = 20;

/// The page's sharing URLs: links on the demo tenant's Marketing site that
/// every guest may open, so a guest's batch warms up as its single
/// requests do.
fn page_urls() -> impl Iterator<Item = String> {
    (0..PAGE)
        .map(|i| format!("https://contoso.sharepoint.com/:t:/s/Marketing/ESoakPage{i:02}?e=s{i}"))
}

/// The simulator's shares for the page.
pub fn shares() -> Vec<SimShare> {
    page_urls()
        .enumerate()
        .map(|(i, url)| {
            let item = json!({"id": format!("01SOAKPAGE{i:02}"), "name": format!("page {i}.txt"),
                              "size": 42, "file": {"mimeType": "text/plain"}});
            SimShare::new(&url, item)
        })
        .collect()
}

/// The inner requests' URLs, as `tests/api/batch.rs` sends them:
/// `/shares/{u!…}/driveItem`, one per link of the page.
pub fn page() -> Vec<String> {
    page_urls()
        .map(|url| format!("/shares/{}/driveItem", u_id(&url)))
        .collect()
}

/// The body of a batch of `paths`, with ids `1`, `2`, ….
pub fn body(paths: &[&str]) -> String {
    let requests: Vec<Value> = paths
        .iter()
        .enumerate()
        .map(|(i, url)| json!({"id": (i + 1).to_string(), "method": "GET", "url": url}))
        .collect();
    json!({ "requests": requests }).to_string()
}

/// One inner request's answer: its status and outcome (`ok`, the
/// problem's `code`, or what is wrong with the answer), and for a 5xx the
/// body, to show.
pub struct Inner {
    pub status: u16,
    pub code: String,
    pub body: String,
}

/// What the batch answered (`200` with `body`) to each of its `n`
/// requests, in request order. An inner answer the batch lacks, or that
/// comes out of order, is `0 no_answer_inner_missing`: not answered.
pub fn inner_answers(body: &[u8], n: usize) -> Vec<Inner> {
    let missing = || Inner {
        status: 0,
        code: "no_answer_inner_missing".to_owned(),
        body: String::new(),
    };
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let responses = parsed
        .as_ref()
        .and_then(|v| v["responses"].as_array())
        .map_or(&[][..], Vec::as_slice);
    (0..n)
        .map(|i| {
            let Some(answer) = responses.get(i) else {
                return missing();
            };
            let status = answer["status"]
                .as_u64()
                .and_then(|s| u16::try_from(s).ok());
            let id = (i + 1).to_string();
            match status {
                Some(status) if answer["id"].as_str() == Some(id.as_str()) => Inner {
                    status,
                    code: outcome(status, &answer["body"]),
                    body: if status >= 500 {
                        answer["body"].to_string()
                    } else {
                        String::new()
                    },
                },
                _ => missing(),
            }
        })
        .collect()
}

/// `ok` for a 200 with a body, else the problem's `code`.
pub fn outcome(status: u16, body: &Value) -> String {
    match (status, body) {
        (200, Value::Object(fields)) if !fields.is_empty() => "ok".to_owned(),
        _ => body["code"]
            .as_str()
            .map_or_else(|| format!("http_{status}_not_a_problem"), str::to_owned),
    }
}
