//! What the three warm-up calls answer (they hydrate whatever they answer):
//! the root site, a known site by path or 404, and 403 for a group's drive.

use http::Response;
use percent_encoding::percent_decode_str;

use super::record::RequestKind;
use super::responses::{self, Body, Ids};
use super::sites::site_json;
use super::state::State;

/// The root site's host: the tenant's SharePoint.
const ROOT_HOST: &str = "contoso.sharepoint.com";

pub(crate) fn answer(s: &State, kind: RequestKind, path: &str, ids: &Ids) -> Response<Body> {
    match kind {
        RequestKind::WarmupRoot => responses::json_response(200, &site_json(ROOT_HOST, ""), ids),
        // The legacy trick: a group the guest is not in.
        RequestKind::WarmupGroupDrive => {
            responses::error(403, "accessDenied", "Access denied", ids)
        }
        _ => site_by_path(s, path, ids),
    }
}

/// `/v1.0/sites/{host}:/{sites|teams}/{name}`, matched raw; only the
/// segments are decoded, for the lookup, so `a%2F..%2Fb` stays one name.
fn site_by_path(s: &State, path: &str, ids: &Ids) -> Response<Body> {
    let segments: Vec<&str> = path.split('/').collect();
    let decode = |i: usize| {
        segments
            .get(i)
            .and_then(|seg| percent_decode_str(seg).decode_utf8().ok())
            .map(|seg| seg.into_owned())
    };
    let (Some(host), Some(collection), Some(name)) = (decode(3), decode(4), decode(5)) else {
        return responses::error(
            400,
            "invalidRequest",
            "Invalid hostname for this tenancy",
            ids,
        );
    };
    let host = host.trim_end_matches(':');
    let site = format!("{collection}/{name}");
    if s.knows_site(host, &site) {
        responses::json_response(200, &site_json(host, &site), ids)
    } else {
        responses::error(
            404,
            "itemNotFound",
            "Requested site could not be found",
            ids,
        )
    }
}
