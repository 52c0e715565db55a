//! Folders: an item and its children under `/shares/{id}/driveItem` and
//! `/drives/{driveId}/items/{itemId}`, with the query options a browsing
//! client sends (`$select`, `$expand=children` and `thumbnails`, `$top`,
//! `$orderby`, `$skiptoken`) and absolute `@odata.nextLink`s, as Graph
//! pages (GRAPH-FACTS section 8). Stored items are answered with the
//! simulator's root in place of [`media::SIM_ROOT_PLACEHOLDER`].

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::Response;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value, json};

use super::call::decode_segment;
use super::media;
use super::responses::{self, Body, Ids};
use super::state::{ItemKey, State};

/// Graph's page size when `$top` is not given.
const DEFAULT_PAGE: usize = 200;

/// What a request asks of a listing or an item.
#[derive(Debug, Default, PartialEq)]
struct Options {
    select: Option<Vec<String>>,
    expand_children: bool,
    expand_thumbnails: bool,
    top: Option<usize>,
    skip: usize,
    order_by: Option<(String, bool)>,
}

/// Reads the query as Graph would; `Err` is the message of its `400`.
fn options(query: Option<&str>) -> Result<Options, String> {
    let mut options = Options::default();
    for (name, value) in pairs(query) {
        match name.to_ascii_lowercase().as_str() {
            "$select" => {
                options.select = Some(value.split(',').map(|f| f.trim().to_owned()).collect());
            }
            "$expand" => {
                for expanded in top_level(&value) {
                    match expanded.split('(').next().unwrap_or_default().trim() {
                        "children" => options.expand_children = true,
                        "thumbnails" => options.expand_thumbnails = true,
                        what => {
                            return Err(format!(
                                "Parsing OData Select and Expand failed: Could not find a property named '{what}'."
                            ));
                        }
                    }
                }
            }
            "$top" => match value.parse::<usize>() {
                Ok(n) if (1..=999).contains(&n) => options.top = Some(n),
                _ => return Err(format!("Invalid page size specified: '{value}'.")),
            },
            "$skiptoken" => options.skip = skip_of(&value).ok_or("Invalid skip token.")?,
            "$orderby" => {
                let mut words = value.split_whitespace();
                let field = words.next().unwrap_or_default().to_owned();
                let desc = match words.next() {
                    None | Some("asc") => false,
                    Some("desc") => true,
                    Some(_) => return Err("Invalid $orderby direction.".to_owned()),
                };
                if !["name", "size", "lastModifiedDateTime"].contains(&field.as_str()) {
                    return Err(format!("Invalid $orderby property '{field}'."));
                }
                options.order_by = Some((field, desc));
            }
            other if other.starts_with('$') => {
                return Err(format!("Query option '{name}' is not allowed."));
            }
            _ => {}
        }
    }
    Ok(options)
}

/// The comma-separated parts of `value` outside parentheses
/// (`children($select=id),thumbnails` is two).
fn top_level(value: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0usize, 0);
    for (at, c) in value.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&value[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&value[start..]);
    parts
}

/// `stored` as answered: `$select`ed, the simulator's root in place of
/// the placeholder, and its thumbnail sets when asked for (none without a
/// key to serve them by).
fn answered(
    s: &State,
    key: Option<&ItemKey>,
    stored: &Value,
    select: Option<&[String]>,
    thumbnails: bool,
) -> Value {
    let mut item = project(stored, select);
    media::resolve_root(&mut item, s.root_url());
    if thumbnails && let Value::Object(fields) = &mut item {
        let sets = key.map_or_else(
            || json!([]),
            |key| media::thumbnail_sets(s.root_url(), key, stored),
        );
        fields.insert("thumbnails".to_owned(), sets);
    }
    item
}

/// `name=value` pairs, decoded (`+` is a space).
fn pairs(query: Option<&str>) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            (decode(name), decode(value))
        })
        .collect()
}

/// A skip token like SharePoint's: base64url of `Paged=TRUE&p_ID={offset}`.
fn skip_token(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("Paged=TRUE&p_ID={offset}"))
}

fn skip_of(token: &str) -> Option<usize> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
    text.strip_prefix("Paged=TRUE&p_ID=")?.parse().ok()
}

/// Only the selected properties (Graph keeps none but those asked for).
fn project(item: &Value, select: Option<&[String]>) -> Value {
    let (Some(fields), Value::Object(all)) = (select, item) else {
        return item.clone();
    };
    let kept: Map<String, Value> = all
        .iter()
        .filter(|(k, _)| fields.iter().any(|f| f == *k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Value::Object(kept)
}

/// The children of `key`, in listing order (or `$orderby`'s).
fn children(s: &State, key: &ItemKey, order_by: Option<&(String, bool)>) -> Vec<Value> {
    let Some(stored) = s.item(key) else {
        return Vec::new();
    };
    let mut children: Vec<Value> = stored
        .children
        .iter()
        .filter_map(|id| s.item(&(key.0.clone(), id.clone())))
        .map(|child| child.item.clone())
        .collect();
    if let Some((field, desc)) = order_by {
        children.sort_by(|a, b| {
            let ordering = match (&a[field], &b[field]) {
                (Value::Number(x), Value::Number(y)) => x
                    .as_f64()
                    .partial_cmp(&y.as_f64())
                    .unwrap_or(std::cmp::Ordering::Equal),
                (x, y) => x.to_string().cmp(&y.to_string()),
            };
            if *desc { ordering.reverse() } else { ordering }
        });
    }
    children
}

/// An item: as stored when no option is given (byte for byte what a
/// share's driveItem always was), else selected and expanded.
pub(crate) fn item(
    s: &State,
    key: Option<&ItemKey>,
    stored: &Value,
    query: Option<&str>,
    ids: &Ids,
) -> Response<Body> {
    let options = match options(query) {
        Ok(options) => options,
        Err(message) => return responses::error(400, "invalidRequest", &message, ids),
    };
    let mut item = answered(
        s,
        key,
        stored,
        options.select.as_deref(),
        options.expand_thumbnails,
    );
    if options.expand_children
        && let (Some(key), Value::Object(fields)) = (key, &mut item)
    {
        let children: Vec<Value> = children(s, key, None)
            .into_iter()
            .map(|child| answered(s, None, &child, None, false))
            .collect();
        fields.insert("children".to_owned(), json!(children));
    }
    responses::json_response(200, &item, ids)
}

/// `body` with only the `$select`ed properties (no other option applies).
pub(crate) fn selected(body: &Value, query: Option<&str>, ids: &Ids) -> Response<Body> {
    match options(query) {
        Ok(options) => {
            responses::json_response(200, &project(body, options.select.as_deref()), ids)
        }
        Err(message) => responses::error(400, "invalidRequest", &message, ids),
    }
}

/// A page of `key`'s children, with an absolute next link to the same
/// path (on the `Host` the request named) when more follow.
pub(crate) fn listing(
    s: &State,
    key: Option<&ItemKey>,
    path: &str,
    query: Option<&str>,
    host: Option<&str>,
    ids: &Ids,
) -> Response<Body> {
    let options = match options(query) {
        Ok(options) => options,
        Err(message) => return responses::error(400, "invalidRequest", &message, ids),
    };
    let all = key.map_or_else(Vec::new, |key| children(s, key, options.order_by.as_ref()));
    let size = options.top.unwrap_or(DEFAULT_PAGE);
    let page: Vec<Value> = all
        .iter()
        .skip(options.skip)
        .take(size)
        .map(|child| {
            let child_key = key
                .zip(child["id"].as_str())
                .map(|(k, id)| (k.0.clone(), id.to_owned()));
            answered(
                s,
                child_key.as_ref(),
                child,
                options.select.as_deref(),
                options.expand_thumbnails,
            )
        })
        .collect();
    let mut body = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(driveItem)",
        "value": page,
    });
    let next = options.skip + size;
    if next < all.len() {
        let kept: Vec<&str> = query
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
            .filter(|p| {
                let name = p.split('=').next().unwrap_or_default();
                !percent_decode_str(name)
                    .decode_utf8_lossy()
                    .eq_ignore_ascii_case("$skiptoken")
            })
            .collect();
        let mut query = kept.join("&");
        if !query.is_empty() {
            query.push('&');
        }
        let host = host.unwrap_or("graph.microsoft.com");
        body["@odata.nextLink"] = json!(format!(
            "http://{host}{path}?{query}$skiptoken={}",
            skip_token(next)
        ));
    }
    responses::json_response(200, &body, ids)
}

/// `/v1.0/drives/{driveId}/items/{itemId}[/children]`: the ids, decoded.
pub(crate) fn drive_key(path: &str) -> Option<ItemKey> {
    let mut segments = path.split('/').skip(3);
    let drive = decode_segment(segments.next()?)?;
    let item = decode_segment(segments.nth(1)?)?;
    Some((drive, item))
}

/// Graph's 404 for an item it does not know.
pub(crate) fn not_found(ids: &Ids) -> Response<Body> {
    responses::error(404, "itemNotFound", "The resource could not be found.", ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_read_like_graph_reads_them() {
        let read = options(Some(
            "%24select=id%2Cname&$top=2&$orderby=name+desc&$expand=children($select=id)",
        ))
        .unwrap();
        assert_eq!(read.select, Some(vec!["id".to_owned(), "name".to_owned()]));
        assert_eq!(read.top, Some(2));
        assert_eq!(read.order_by, Some(("name".to_owned(), true)));
        assert!(read.expand_children);
        assert!(!read.expand_thumbnails);
        let both = options(Some("$expand=children($select=id,name),thumbnails")).unwrap();
        assert!(both.expand_children && both.expand_thumbnails);
        assert_eq!(top_level("a(b,c),d"), ["a(b,c)", "d"]);
        assert_eq!(
            options(Some(&format!("$skiptoken={}", skip_token(4))))
                .unwrap()
                .skip,
            4
        );
        for bad in [
            "$top=0",
            "$top=1000",
            "$skiptoken=abc",
            "$expand=thumbnail",
            "$expand=children,thumbnail",
            "$filter=x",
            "$orderby=id",
        ] {
            assert!(options(Some(bad)).is_err(), "{bad}");
        }
        assert_eq!(
            drive_key("/v1.0/drives/b!x/items/01A/children"),
            Some(("b!x".to_owned(), "01A".to_owned()))
        );
    }
}
