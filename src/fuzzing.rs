//! Fuzzing entry points: one function per cargo-fuzz target in `fuzz/`.
//!
//! Each takes arbitrary bytes, runs the real parser on them and asserts what
//! must hold for every input (a panic is a finding). The `corpus` tests
//! below replay the committed corpora through the same functions on stable,
//! so the normal test suite keeps them green. Compiled only for tests and
//! for cargo-fuzz (`--cfg fuzzing`): nothing here ships in the service.

#![doc(hidden)]

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Uri};
use serde_json::Value;

use crate::cloud::Cloud;
use crate::graph::{
    CallKind, GraphDiagnostics, GraphErrorBody, GraphRejection, GraphResponse, Verdict, classify,
    parse_retry_after,
};
use crate::http::decoded_share_url;
use crate::identity::{
    BearerToken, IdentityError, PERSONAL_ACCOUNT_TENANT, TokenClaims, UserKey,
    check_sharepoint_token,
};
use crate::share_id::{HostAllowList, ShareId, SharingUrl};

/// A fixed "now" (2023-11-14), so that every input replays the same way.
const NOW_SECS: u64 = 1_700_000_000;
/// The longest wait `parse_retry_after` may return (its numeric bound).
const MAX_RETRY_AFTER_SECS: u64 = 1_000_000_000;
/// `GraphErrorBody::parse` follows at most this many nested inner errors.
const MAX_INNER_ERRORS: usize = 9;
/// The user and host a SharePoint token is checked against.
const TID: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const OID: &str = "0b3c4d5e-1111-2222-3333-444455556666";
const SHAREPOINT_HOST: &str = "contoso.sharepoint.com";
/// A JWT header (`{"alg":"RS256","typ":"JWT"}`) for claims-only inputs.
const JWT_HEADER: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9";

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW_SECS)
}

/// `fuzz_targets/share_id.rs`: a `u!`/`s!` id or a raw sharing URL, as the
/// GET route's path segment or the POST body carries it.
pub fn share_id(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let hosts = HostAllowList::default();
    if let Ok(id) = ShareId::parse(input, &hosts) {
        check_share_id(input, &id, &hosts);
    }
    // The POST body's `shareUrl` and the warm-up's URL go through this alone.
    if let Ok(url) = SharingUrl::parse(input, &hosts) {
        check_sharing_url(&url, &hosts);
        assert_eq!(url.as_str(), input.trim());
    }
}

/// `fuzz_targets/token_peek.rs`: the first byte picks the mode. Even: the
/// rest is the claims JSON, wrapped in a JWT (so the fuzzer works on the
/// JSON, not on its base64). Odd: the rest is an `Authorization` header.
pub fn token_peek(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let header = if mode % 2 == 0 {
        format!("Bearer {JWT_HEADER}.{}.c2ln", URL_SAFE_NO_PAD.encode(rest))
    } else {
        match std::str::from_utf8(rest) {
            Ok(header) => header.to_owned(),
            Err(_) => return,
        }
    };

    match BearerToken::from_authorization(Some(&header)) {
        Ok(token) => {
            assert_eq!(format!("{token:?}"), "BearerToken([REDACTED])");
            let secret = token.expose();
            assert!(!secret.is_empty() && secret == secret.trim());
            match TokenClaims::peek(&token, now(), Cloud::Global) {
                Ok(claims) => check_claims(&claims),
                Err(error) => assert_hidden(secret, &error),
            }
        }
        Err(error) => assert_eq!(error, IdentityError::Missing),
    }

    let user = UserKey::new(TID, OID).expect("a valid user key");
    let secret = header
        .trim()
        .split_once(' ')
        .map_or("", |(_, token)| token.trim());
    for host in [Some(SHAREPOINT_HOST), None] {
        match check_sharepoint_token(&header, host, &user, now()) {
            Ok(token) => {
                assert_eq!(token.expose(), secret);
                assert_eq!(format!("{token:?}"), "BearerToken([REDACTED])");
            }
            Err(error) => assert_hidden(secret, &error),
        }
    }
}

/// `fuzz_targets/retry_after.rs`: a `Retry-After` value.
pub fn retry_after(data: &[u8]) {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let max = Duration::from_secs(MAX_RETRY_AFTER_SECS);
    let wait = parse_retry_after(value, now());
    if let Some(wait) = wait {
        assert!(wait <= max, "{value:?} gave {wait:?}");
    }
    // Delta-seconds, fractions included, are read exactly.
    if let Ok(secs) = value.trim().parse::<f64>() {
        let expected =
            (secs.is_finite() && (0.0..1e9).contains(&secs)).then(|| Duration::from_secs_f64(secs));
        assert_eq!(wait, expected, "{value:?}");
    } else if let Ok(at) = httpdate::parse_http_date(value.trim()) {
        // A date in the past means now.
        if at <= now() {
            assert_eq!(wait, Some(Duration::ZERO), "{value:?}");
        }
    } else {
        assert_eq!(wait, None, "{value:?}");
    }
    // And as Graph sends it: a header on a 429 or 503.
    let Ok(header) = HeaderValue::from_str(value) else {
        return;
    };
    for status in [429, 503] {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", header.clone());
        match classify(&response(status, headers, b"")) {
            Verdict::Throttled { retry_after } | Verdict::Unavailable { retry_after, .. } => {
                assert!(retry_after.is_none_or(|wait| wait <= max), "{value:?}");
            }
            other => panic!("{status} classified as {other:?}"),
        }
    }
}

/// `fuzz_targets/graph_error_body.rs`: a Graph error body. The same bytes,
/// when they make a header value, also go into the headers Graph's answer
/// is read from (`WWW-Authenticate`, `x-ms-ags-diagnostic`, ids, `Retry-After`).
pub fn graph_error_body(data: &[u8]) {
    let parsed = GraphErrorBody::parse(data);
    let json: Option<Value> = serde_json::from_slice(data).ok();
    let shaped = json.as_ref().and_then(|v| v.get("error")).is_some();
    assert_eq!(parsed.is_some(), shaped, "parsed iff JSON with an `error`");
    if let Some(error) = &parsed {
        assert!(error.inner_codes.len() <= MAX_INNER_ERRORS);
        assert!(error.has_code(&error.code));
        for code in &error.inner_codes {
            assert!(error.has_code(code));
            assert!(error.has_code(&code.to_ascii_uppercase()));
        }
    }

    let header = HeaderValue::from_bytes(data).ok();
    let text = header.as_ref().and_then(|h| h.to_str().ok());
    for with_headers in [false, true] {
        let mut headers = HeaderMap::new();
        if with_headers {
            let Some(header) = &header else { continue };
            for name in [
                "www-authenticate",
                "x-ms-ags-diagnostic",
                "request-id",
                "client-request-id",
                "date",
                "retry-after",
            ] {
                headers.insert(name, header.clone());
            }
        }
        for status in [400, 401, 403, 429, 503] {
            let answer = response(status, headers.clone(), data);
            check_diagnostics(
                &answer,
                parsed.as_ref(),
                with_headers.then_some(text).flatten(),
            );
            let verdict = classify(&answer);
            let challenge = with_headers && text.is_some_and(|t| t.contains("insufficient_claims"));
            match (status, &verdict) {
                (
                    401 | 403,
                    Verdict::Rejected(GraphRejection::ClaimsChallenge {
                        www_authenticate, ..
                    }),
                ) => {
                    if challenge {
                        assert_eq!(www_authenticate.as_deref(), text);
                    }
                }
                (401 | 403, _) if challenge => panic!("a claims challenge read as {verdict:?}"),
                (401, Verdict::Hydration | Verdict::Rejected(_)) => {}
                (403 | 400, Verdict::Rejected(_)) => {}
                (429, Verdict::Throttled { retry_after })
                | (503, Verdict::Unavailable { retry_after, .. }) => {
                    assert!(retry_after.is_none_or(|w| w.as_secs() <= MAX_RETRY_AFTER_SECS));
                }
                _ => panic!("{status} classified as {verdict:?}"),
            }
            if let Verdict::Rejected(rejection) = &verdict {
                assert!(!rejection.to_string().is_empty());
            }
        }
    }
}

/// `fuzz_targets/decoded_url.rs`: the request target a gateway hands over
/// after percent-decoding the path. Three readings of the input: the whole
/// target; a sharing URL decoded into `/v1/shares/{url}/driveItem`; the same
/// with the `//` collapsed by a proxy.
pub fn decoded_url(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let hosts = HostAllowList::default();
    if let Ok(uri) = Uri::try_from(input) {
        check_decoded(&uri, &hosts);
    }
    // Round trip: what was decoded into the path comes back whole.
    let url = if input.starts_with("https://") {
        input.to_owned()
    } else {
        format!("https://{input}")
    };
    if url.contains('#') {
        return; // a fragment never reaches the function
    }
    let tail = &url["https://".len()..];
    let collapsed = (!tail.starts_with('/')).then(|| format!("/v1/shares/https:/{tail}/driveItem"));
    for target in [Some(format!("/v1/shares/{url}/driveItem")), collapsed]
        .into_iter()
        .flatten()
    {
        let Ok(uri) = Uri::try_from(target.as_str()) else {
            continue; // not a request target http accepts
        };
        if uri.path_and_query().map(|p| p.as_str()) != Some(target.as_str()) {
            continue; // http normalised it
        }
        assert_eq!(
            decoded_share_url(&uri).as_deref(),
            Some(url.as_str()),
            "{target:?}"
        );
        check_decoded(&uri, &hosts);
    }
}

// ---- invariants ----

/// A parsed share id: a Graph-safe id, and for a URL, one that round-trips.
fn check_share_id(input: &str, id: &ShareId, hosts: &HostAllowList) {
    let text = id.as_str();
    assert_eq!(id.to_string(), text);
    let body = text
        .strip_prefix("u!")
        .or_else(|| text.strip_prefix("s!"))
        .unwrap_or_else(|| panic!("{text:?} has no u!/s! prefix"));
    assert!(!body.is_empty());
    assert!(
        body.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{text:?} is not base64url"
    );
    match id.sharing_url() {
        None => {
            assert!(text.starts_with("s!") && text.len() <= 1024);
        }
        Some(url) => {
            assert!(text.starts_with("u!"));
            check_sharing_url(url, hosts);
            // What the id encodes is what the allow-list judged.
            let decoded = URL_SAFE_NO_PAD
                .decode(body)
                .expect("an accepted u! id decodes");
            let decoded = String::from_utf8(decoded).expect("an accepted u! id is UTF-8");
            assert_eq!(
                decoded,
                url.as_str(),
                "the id encodes exactly the judged URL"
            );
            if !input.trim().starts_with("u!") {
                assert_eq!(input.trim(), url.as_str(), "a raw URL is kept verbatim");
            }
            // Encoding the URL gives an id that parses back to the same URL.
            let encoded_again = ShareId::from_url(url.clone());
            // (Found by this target: ids were once capped at the URL limit.)
            let reparsed = ShareId::parse(encoded_again.as_str(), hosts)
                .expect("the u! id of an accepted URL parses");
            assert_eq!(reparsed, encoded_again);
            assert_eq!(
                reparsed.sharing_url().map(SharingUrl::as_str),
                Some(url.as_str())
            );
        }
    }
}

/// An accepted sharing URL: plain https text whose host is spelled in it and
/// allowed.
fn check_sharing_url(url: &SharingUrl, hosts: &HostAllowList) {
    let raw = url.as_str();
    assert!(!raw.is_empty() && raw.len() <= 4096);
    assert!(
        !raw.chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\'),
        "{raw:?} is not plain text"
    );
    assert!(
        raw.get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
    );
    let host = url.host();
    let written = raw[8..].split(['/', '?', '#']).next().unwrap_or_default();
    assert!(
        written.eq_ignore_ascii_case(host),
        "host {host:?} is not spelled as {written:?} in {raw:?}"
    );
    assert!(!host.is_empty() && !host.ends_with('.'));
    assert!(hosts.allows(host));
    assert!(default_hosts_allow(host), "{host:?} passed the allow-list");
    // Judging it again gives the same answer.
    assert_eq!(SharingUrl::parse(raw, hosts).as_ref(), Ok(url));
}

/// The default allow-list, written out independently.
fn default_hosts_allow(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host == "onedrive.live.com"
        || host == "1drv.ms"
        || [
            ".sharepoint.com",
            ".sharepoint.us",
            ".sharepoint.de",
            ".sharepoint.cn",
        ]
        .iter()
        .any(|domain| host.strip_suffix(domain).is_some_and(|sub| !sub.is_empty()))
}

fn check_claims(claims: &TokenClaims) {
    assert!(claims.exp.saturating_add(60) > NOW_SECS);
    assert!(
        !claims
            .user
            .tid()
            .eq_ignore_ascii_case(PERSONAL_ACCOUNT_TENANT)
    );
    assert_eq!(
        UserKey::parse(&claims.user.to_string()).as_ref(),
        Some(&claims.user)
    );
    assert!(
        claims.scopes.iter().any(|s| {
            matches!(
                s.as_str(),
                "Files.Read" | "Files.Read.All" | "Sites.Read.All" | "Sites.ReadWrite.All"
            ) || s.starts_with("Files.ReadWrite")
        }),
        "{:?} has no read scope",
        claims.scopes
    );
    assert!(
        claims
            .scopes
            .iter()
            .all(|s| !s.is_empty() && !s.contains(char::is_whitespace))
    );
}

/// The token's text never shows in an error. Only tokens with a `.` are
/// checked: the messages have none, and claims taken from a token are always
/// shorter than it, so a short dot-less token could match a message by chance.
fn assert_hidden<E: fmt::Debug + fmt::Display>(secret: &str, error: &E) {
    if !secret.contains('.') || SHAREPOINT_HOST.contains(secret) {
        return;
    }
    let (debug, display) = (format!("{error:?}"), error.to_string());
    assert!(!debug.contains(secret), "the token shows in {debug}");
    assert!(!display.contains(secret), "the token shows in {display}");
}

/// A request target: reassembled only from `/v1/shares/https:/…/driveItem`,
/// and the result is judged like any share id.
fn check_decoded(uri: &Uri, hosts: &HostAllowList) {
    let decoded = decoded_share_url(uri);
    let full = match uri.query() {
        Some(query) => format!("{}?{query}", uri.path()),
        None => uri.path().to_owned(),
    };
    let expected = full
        .strip_prefix("/v1/shares/")
        .and_then(|rest| rest.strip_suffix("/driveItem"))
        .and_then(|url| url.strip_prefix("https:/"))
        .map(|tail| {
            format!(
                "https:/{}{tail}",
                if tail.starts_with('/') { "" } else { "/" }
            )
        });
    assert_eq!(decoded, expected, "{uri}");
    if let Some(raw) = decoded {
        assert!(raw.starts_with("https://"));
        if let Ok(id) = ShareId::parse(&raw, hosts) {
            check_share_id(&raw, &id, hosts);
        }
    }
}

/// A Graph answer as the client builds it.
fn response(status: u16, headers: HeaderMap, body: &[u8]) -> GraphResponse {
    let error = GraphErrorBody::parse(body);
    let diagnostics = GraphDiagnostics::from_response(
        CallKind::Shares,
        None,
        status,
        &headers,
        error.as_ref(),
        0,
    );
    GraphResponse {
        status,
        headers,
        body: Bytes::copy_from_slice(body),
        error,
        diagnostics,
    }
}

/// Headers win over the body's inner error for ids; all of it serialises.
fn check_diagnostics(
    answer: &GraphResponse,
    parsed: Option<&GraphErrorBody>,
    header_text: Option<&str>,
) {
    let d = &answer.diagnostics;
    assert_eq!(d.status, Some(answer.status));
    assert_eq!(d.code.as_deref(), parsed.map(|e| e.code.as_str()));
    let from_body = parsed.and_then(|e| e.request_id.as_deref());
    assert_eq!(d.request_id.as_deref(), header_text.or(from_body));
    assert_eq!(d.ags_diagnostic.is_some(), header_text.is_some());
    serde_json::to_string(d).expect("diagnostics serialise");
}

/// Replays every committed fuzz input (fuzz/corpus/<target>/) and every crash
/// artifact (fuzz/artifacts/<target>/, regressions until fixed) through the
/// functions the fuzz targets call, on stable, as part of `cargo test`.
/// `fuzz_targets/batch.rs`: the first byte picks the mode. Even: the rest is
/// a `POST /v1/$batch` body, checked as a whole and each request parsed.
/// Odd: the rest is one request's `url`, its method `GET` or (bit 1) `POST`:
/// the fuzzer then works on the URL forms alone. Whatever parses names only
/// the Graph paths of this API's routes, with checked options.
pub fn batch(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let hosts = HostAllowList::default();
    if mode % 2 == 0 {
        let Ok(requests) = crate::http::batch_requests(rest, &hosts) else {
            return;
        };
        assert!((1..=20).contains(&requests.len()), "{}", requests.len());
        let mut ids = std::collections::HashSet::new();
        for (id, target) in &requests {
            assert!(ids.insert(id.as_str()), "{id} twice");
            assert!(
                (1..=64).contains(&id.len())
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "{id:?}"
            );
            match target {
                Ok(target) => check_batch_target(target),
                Err(code) => check_batch_refusal(*code),
            }
        }
    } else {
        let Ok(url) = std::str::from_utf8(rest) else {
            return;
        };
        let method = if mode & 2 == 0 { "GET" } else { "POST" };
        match crate::http::batch_request(method, url, &hosts) {
            Ok(target) => {
                check_batch_target(&target);
                assert_eq!(target.graph_request().method.as_str(), method, "{url:?}");
            }
            Err(code) => check_batch_refusal(code),
        }
    }
}

/// A request inside a batch reads one of the routes' Graph paths, built
/// from checked segments, with checked options: nothing else reaches Graph.
fn check_batch_target(target: &crate::resolver::Target) {
    let request = target.graph_request();
    let full = request.path.as_str();
    let (path, query) = full.split_once('?').unwrap_or((full, ""));
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let base64url = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    match segments.as_slice() {
        ["shares", id, tail @ ..] => {
            let bare = id
                .strip_prefix("u!")
                .or_else(|| id.strip_prefix("s!"))
                .unwrap_or_default();
            assert!(base64url(bare), "share id {id:?} in {full:?}");
            assert!(
                matches!(
                    tail,
                    ["driveItem"]
                        | ["driveItem", "children"]
                        | ["permission"]
                        | ["driveItem", "preview"]
                ),
                "{full:?}"
            );
        }
        ["drives", drive, "items", item, tail @ ..] => {
            assert!(drive.strip_prefix("b!").is_some_and(base64url), "{full:?}");
            assert!(
                !item.is_empty() && item.bytes().all(|b| b.is_ascii_alphanumeric()),
                "{full:?}"
            );
            assert!(matches!(tail, [] | ["children"] | ["preview"]), "{full:?}");
        }
        _ => panic!("a Graph path no route makes: {full:?}"),
    }
    let preview = path.ends_with("/preview");
    assert_eq!(request.method == http::Method::POST, preview, "{full:?}");
    assert_eq!(request.body.is_some(), preview, "{full:?}");
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        assert!(
            ["$select", "$expand", "$top", "$orderby", "$skiptoken"]
                .iter()
                .any(|o| o.eq_ignore_ascii_case(name)),
            "option {name:?} in {full:?}"
        );
        assert!(
            value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"%$@._-,/()=;:'".contains(&b)),
            "value {value:?} in {full:?}"
        );
    }
}

/// A request refused inside a batch gets one of the input problems, never a
/// token's or Graph's.
fn check_batch_refusal(code: crate::problem_code::ProblemCode) {
    use crate::problem_code::ProblemCode as C;
    assert!(
        matches!(
            code,
            C::NotFound
                | C::MethodNotAllowed
                | C::BadRequest
                | C::InvalidShare
                | C::PreviewUnsupported
        ),
        "{code}"
    );
}

#[cfg(test)]
mod corpus {
    use std::fs;
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::path::{Path, PathBuf};

    type Target = fn(&[u8]);

    fn files_in(dir: &Path) -> Vec<PathBuf> {
        let Ok(entries) = fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = entries
            .map(|e| e.expect("a readable directory entry").path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        files
    }

    /// Runs every input of `name`'s corpus and artifacts; fails listing those
    /// that panic (each panic's message is printed above the list).
    fn replay(name: &str, target: Target) {
        let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
        let corpus = files_in(&fuzz.join("corpus").join(name));
        assert!(!corpus.is_empty(), "fuzz/corpus/{name}/ has no inputs");
        let artifacts = files_in(&fuzz.join("artifacts").join(name));
        let failures: Vec<String> = corpus
            .iter()
            .chain(&artifacts)
            .filter(|file| {
                let data = fs::read(file).expect("a readable corpus file");
                catch_unwind(AssertUnwindSafe(|| target(&data))).is_err()
            })
            .map(|file| file.display().to_string())
            .collect();
        assert!(
            failures.is_empty(),
            "{name}: {} of {} inputs fail:\n{}",
            failures.len(),
            corpus.len() + artifacts.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn share_id_corpus() {
        replay("share_id", super::share_id);
    }

    #[test]
    fn token_peek_corpus() {
        replay("token_peek", super::token_peek);
    }

    #[test]
    fn retry_after_corpus() {
        replay("retry_after", super::retry_after);
    }

    #[test]
    fn graph_error_body_corpus() {
        replay("graph_error_body", super::graph_error_body);
    }

    #[test]
    fn decoded_url_corpus() {
        replay("decoded_url", super::decoded_url);
    }

    #[test]
    fn batch_corpus() {
        replay("batch", super::batch);
    }
}
