//! `GET /v1.0/shares/{shareId}/driveItem[/children]`, `/permission`, the
//! `preview` action, and `/v1.0/drives/{driveId}/items/{itemId}[/children]`
//! and its `preview`: the caller's MFA/claims trouble, the share key, a
//! preview's body, the guest hydration anomaly, then the lookup.

use std::time::{Instant, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::Response;
use percent_encoding::percent_decode_str;

use super::call::Call;
use super::folders;
use super::permission;
use super::preview;
use super::record::RequestKind;
use super::responses::{self, Body, Ids};
use super::scenario::{Behaviour, SimShare, SimUser};
use super::state::State;

/// A share id as Graph reads it.
#[derive(Debug, PartialEq, Eq)]
enum ShareKey {
    /// `u!…`: the sharing URL itself.
    Url(String),
    /// `s!…`: a sharing token.
    Token(String),
}

/// Reads the `{shareId}` path segment. Graph decodes percent-escapes in a
/// segment, so `u%21…` is `u!…`; padding or non-base64url characters make
/// the key invalid.
fn parse(segment: &str) -> Option<ShareKey> {
    let id = percent_decode_str(segment).decode_utf8().ok()?;
    if let Some(encoded) = id.strip_prefix("u!") {
        let bytes = URL_SAFE_NO_PAD.decode(encoded).ok()?;
        let url = String::from_utf8(bytes).ok()?;
        return (!url.is_empty()).then_some(ShareKey::Url(url));
    }
    let token = id.strip_prefix("s!")?;
    let base64url = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    (!token.is_empty() && token.chars().all(base64url)).then(|| ShareKey::Token(id.into_owned()))
}

/// What a user's behaviour answers before any lookup (MFA, a claims
/// challenge, throttling), on every route that may hit the anomaly.
fn behaviour(user: &SimUser, ids: &Ids) -> Option<Response<Body>> {
    match user.behaviour {
        Behaviour::MfaMissing => Some(responses::mfa_missing(ids)),
        Behaviour::ClaimsChallenge { status } => Some(responses::claims_challenge(status, ids)),
        Behaviour::Throttled { retry_after_secs } => {
            let mut r = responses::for_status(429, RequestKind::Shares, ids);
            r.headers_mut()
                .insert(http::header::RETRY_AFTER, retry_after_secs.into());
            Some(r)
        }
        _ => None,
    }
}

/// The checked body of a preview (Graph's OData layer reads an action's
/// parameters before SharePoint sees the call, so a bad one is a `400`
/// even for a cold guest); `Ok(None)` for the other routes, `Err` the
/// message of that `400`.
fn preview_options(call: &Call<'_>) -> Result<Option<preview::Options>, String> {
    if !matches!(
        call.kind,
        RequestKind::SharesPreview | RequestKind::DriveItemPreview
    ) {
        return Ok(None);
    }
    preview::options(call.body).map(Some)
}

/// `/shares/{id}/driveItem`, its `/children` and `preview`, and
/// `/shares/{id}/permission`.
pub(crate) fn answer(s: &State, user: &SimUser, call: &Call<'_>, now: Instant) -> Response<Body> {
    let ids = call.ids;
    if let Some(refusal) = behaviour(user, ids) {
        return refusal;
    }
    // The kind was matched as /v1.0/shares/{id}/driveItem[/children], so
    // segment 3 is the id.
    let segment = call.path.split('/').nth(3).unwrap_or_default();
    let Some(key) = parse(segment) else {
        return responses::error(400, "invalidRequest", "Invalid shares key.", ids);
    };
    let options = match preview_options(call) {
        Ok(options) => options,
        Err(message) => return responses::error(400, "invalidRequest", &message, ids),
    };
    if !s.is_hydrated(&(user.tid.clone(), user.oid.clone()), now) {
        // The documented guest anomaly (docs/graph-facts.md#6-the-guest-hydration-anomaly).
        return responses::not_hydrated(ids);
    }
    let share: Option<&SimShare> = match &key {
        ShareKey::Url(url) => s.share_by_url(url),
        ShareKey::Token(id) => s.share_by_s_id(id),
    };
    // An expired link is a removed one (GRAPH-FACTS section 9).
    let Some(share) = share.filter(|share| !share.permission.is_expired(SystemTime::now())) else {
        return responses::error(
            404,
            "itemNotFound",
            "The sharing link no longer exists, or you do not have permission to access it.",
            ids,
        );
    };
    if !share.admits(&user.oid) {
        return responses::error(403, "accessDenied", "Access denied", ids);
    }
    let item = share.item_key();
    match (call.kind, options) {
        (RequestKind::SharesChildren, _) => {
            folders::listing(s, item.as_ref(), call.path, call.query, call.host, ids)
        }
        (RequestKind::SharesPermission, _) => {
            let body = permission::json(share, segment, &user.oid);
            folders::selected(&body, call.query, ids)
        }
        (_, Some(options)) => {
            let origin = s.preview_origin.clone().or_else(|| {
                preview::https_origin(&share.url)
                    .or_else(|| preview::item_origin(&share.drive_item))
            });
            preview::answer(
                origin.as_deref().unwrap_or(DEFAULT_ORIGIN),
                &share.drive_item,
                &options,
                ids,
            )
        }
        _ => folders::item(s, item.as_ref(), &share.drive_item, call.query, ids),
    }
}

/// Where a viewer lives when nothing says: the tenant's SharePoint.
const DEFAULT_ORIGIN: &str = "https://contoso.sharepoint.com";

/// `/drives/{driveId}/items/{itemId}` and its `/children`: the same
/// anomaly as `/shares` (GRAPH-FACTS section 5: "a direct call to
/// /drives/{id}/items/{id} with the same token also returns 401").
pub(crate) fn answer_drives(
    s: &State,
    user: &SimUser,
    call: &Call<'_>,
    now: Instant,
) -> Response<Body> {
    let ids = call.ids;
    if let Some(refusal) = behaviour(user, ids) {
        return refusal;
    }
    let options = match preview_options(call) {
        Ok(options) => options,
        Err(message) => return responses::error(400, "invalidRequest", &message, ids),
    };
    if !s.is_hydrated(&(user.tid.clone(), user.oid.clone()), now) {
        return responses::not_hydrated(ids);
    }
    let Some(key) = folders::drive_key(call.path) else {
        return responses::error(400, "invalidRequest", "Invalid drive or item id.", ids);
    };
    let Some(stored) = s.item(&key).map(|stored| &stored.item) else {
        return folders::not_found(ids);
    };
    match (call.kind, options) {
        (RequestKind::DriveItemChildren, _) => {
            folders::listing(s, Some(&key), call.path, call.query, call.host, ids)
        }
        (_, Some(options)) => {
            let origin = s
                .preview_origin
                .clone()
                .or_else(|| preview::item_origin(stored));
            preview::answer(
                origin.as_deref().unwrap_or(DEFAULT_ORIGIN),
                stored,
                &options,
                ids,
            )
        }
        _ => folders::item(s, Some(&key), stored, call.query, ids),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_keys_are_read_like_graph_reads_them() {
        let url = "https://contoso.sharepoint.com/:w:/s/Team/EaBc?e=x~y>?";
        let u = "u!aHR0cHM6Ly9jb250b3NvLnNoYXJlcG9pbnQuY29tLzp3Oi9zL1RlYW0vRWFCYz9lPXh-eT4_";
        assert_eq!(parse(u), Some(ShareKey::Url(url.to_owned())));
        assert_eq!(
            parse(&u.replacen('!', "%21", 1)),
            Some(ShareKey::Url(url.to_owned()))
        );
        assert_eq!(parse("s!AbC-_9"), Some(ShareKey::Token("s!AbC-_9".into())));
        for bad in [
            "u!",
            "u!aHR0cA==",
            "u!a",
            "u!%FF",
            "s!",
            "s!..",
            "s!a%2Fb",
            "garbage",
            "x!abc",
            "",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
