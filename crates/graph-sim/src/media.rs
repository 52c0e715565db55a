//! What a page loads straight from SharePoint, no token needed: thumbnail
//! images and file downloads, served by the simulator itself so a browser
//! can show and fetch them (GRAPH-FACTS sections 8 and 9: thumbnail URLs
//! and `@microsoft.graph.downloadUrl` are pre-authenticated and
//! short-lived). Also the thumbnail sets `$expand=thumbnails` adds, and the
//! `{sim}` placeholder that lets a scenario built before its port is known
//! point at these endpoints.
//!
//! - `GET /_media/thumbnails/{driveId}/{itemId}/{small|medium|large}`: an
//!   SVG card coloured by the file's kind, named after it;
//! - `GET /_media/download/{driveId}/{itemId}`: the file's bytes (a real PNG
//!   for images, a line of text otherwise), as an attachment.

use base64::Engine;
use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use http_body_util::Full;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use super::call::decode_segment;
use super::responses::{self, Body, Ids};
use super::state::{ItemKey, State};

/// Stands for the simulator's root URL (`http://127.0.0.1:4000`) at the
/// start of any string of a stored item: answers carry the real one.
pub const SIM_ROOT_PLACEHOLDER: &str = "{sim}";

/// Path segments keep Graph ids' characters (`b!`, base64url) as they are.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~');

/// A 1×1 PNG: what an image download answers.
const PIXEL_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/// Graph's three sizes, longest edge in pixels.
const SIZES: [(&str, u32); 3] = [("small", 96), ("medium", 176), ("large", 800)];

/// A `downloadUrl` for an item of a scenario: on the simulator (through
/// [`SIM_ROOT_PLACEHOLDER`]), no token needed.
pub fn sim_download_url(drive_id: &str, item_id: &str) -> String {
    format!(
        "{SIM_ROOT_PLACEHOLDER}/_media/download/{}/{}?tempauth=sim",
        utf8_percent_encode(drive_id, SEGMENT),
        utf8_percent_encode(item_id, SEGMENT)
    )
}

/// Replaces [`SIM_ROOT_PLACEHOLDER`] at the start of every string in
/// `value` with `root`.
pub(crate) fn resolve_root(value: &mut Value, root: &str) {
    match value {
        Value::String(s) if s.starts_with(SIM_ROOT_PLACEHOLDER) => {
            *s = format!("{root}{}", &s[SIM_ROOT_PLACEHOLDER.len()..]);
        }
        Value::Array(items) => items.iter_mut().for_each(|v| resolve_root(v, root)),
        Value::Object(fields) => fields.values_mut().for_each(|v| resolve_root(v, root)),
        _ => {}
    }
}

/// Documents are portrait, everything else landscape: `(width, height)`
/// for a longest edge of `edge`.
fn dimensions(item: &Value, edge: u32) -> (u32, u32) {
    let short = edge * 3 / 4;
    match kind(item) {
        Kind::Word | Kind::Pdf => (short, edge),
        _ => (edge, short),
    }
}

/// The thumbnail sets of `item` at `key`: one set (`id` `"0"`) for a file,
/// none for a folder, as Graph lists them.
pub(crate) fn thumbnail_sets(root: &str, key: &ItemKey, item: &Value) -> Value {
    if item.get("file").is_none() {
        return json!([]);
    }
    let mut set = json!({"id": "0"});
    for (size, edge) in SIZES {
        let (width, height) = dimensions(item, edge);
        set[size] = json!({
            "height": height,
            "width": width,
            "url": format!(
                "{root}/_media/thumbnails/{}/{}/{size}?tempauth=sim",
                utf8_percent_encode(&key.0, SEGMENT),
                utf8_percent_encode(&key.1, SEGMENT)
            ),
        });
    }
    json!([set])
}

/// What a file is, for its thumbnail's colour and label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    Excel,
    PowerPoint,
    Pdf,
    Image,
    Other,
}

fn kind(item: &Value) -> Kind {
    let name = item["name"]
        .as_str()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
    match extension {
        "doc" | "docx" => Kind::Word,
        "xls" | "xlsx" => Kind::Excel,
        "ppt" | "pptx" => Kind::PowerPoint,
        "pdf" => Kind::Pdf,
        "png" | "jpg" | "jpeg" | "gif" | "svg" => Kind::Image,
        _ => Kind::Other,
    }
}

/// `(background, label)` of a kind's card.
fn look(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Word => ("#185abd", "W"),
        Kind::Excel => ("#107c41", "X"),
        Kind::PowerPoint => ("#c43e1c", "P"),
        Kind::Pdf => ("#b30b00", "PDF"),
        Kind::Image => ("#6b2fba", "IMG"),
        Kind::Other => ("#605e5c", "FILE"),
    }
}

/// `text` safe inside SVG markup.
fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

/// The SVG card of `item` at longest edge `edge`.
fn thumbnail_svg(item: &Value, edge: u32) -> String {
    let (width, height) = dimensions(item, edge);
    let (colour, label) = look(kind(item));
    let name = escape(item["name"].as_str().unwrap_or_default());
    let big = height / 3;
    let small = (height / 12).max(8);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"><rect width="100%" height="100%" fill="{colour}"/><text x="50%" y="50%" fill="#fff" font-family="sans-serif" font-size="{big}" font-weight="bold" text-anchor="middle" dominant-baseline="middle">{label}</text><text x="50%" y="88%" fill="#fff" font-family="sans-serif" font-size="{small}" text-anchor="middle">{name}</text></svg>"##
    )
}

/// `(driveId, itemId, rest)` of a `/_media/{what}/{drive}/{item}[/{rest}]` path.
fn media_key(path: &str, what: &str) -> Option<(ItemKey, Option<String>)> {
    let rest = path.strip_prefix("/_media/")?.strip_prefix(what)?;
    let mut segments = rest.strip_prefix('/')?.split('/');
    let drive = decode_segment(segments.next()?)?;
    let item = decode_segment(segments.next()?)?;
    let tail = segments.next().map(str::to_owned);
    if segments.next().is_some() || drive.is_empty() || item.is_empty() {
        return None;
    }
    Some(((drive, item), tail))
}

/// A media answer: bytes of `content_type`, readable from any page.
fn bytes_response(content_type: &str, bytes: Vec<u8>) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(bytes)));
    *response.status_mut() = StatusCode::OK;
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    response
}

/// `GET /_media/thumbnails/…` or `/_media/download/…`: no token; 404 for
/// an item the simulator does not hold, a folder, or an unknown size.
pub(crate) fn answer(s: &State, path: &str, ids: &Ids) -> Response<Body> {
    let not_found =
        || responses::error(404, "itemNotFound", "The resource could not be found.", ids);
    if let Some((key, Some(size))) = media_key(path, "thumbnails") {
        let edge = SIZES
            .iter()
            .find(|(name, _)| *name == size)
            .map(|(_, e)| *e);
        return match (s.item(&key), edge) {
            (Some(stored), Some(edge)) if stored.item.get("file").is_some() => bytes_response(
                "image/svg+xml",
                thumbnail_svg(&stored.item, edge).into_bytes(),
            ),
            _ => not_found(),
        };
    }
    let Some((key, None)) = media_key(path, "download") else {
        return not_found();
    };
    let Some(item) = s
        .item(&key)
        .map(|stored| &stored.item)
        .filter(|i| i.get("file").is_some())
    else {
        return not_found();
    };
    let name = item["name"].as_str().unwrap_or("download");
    let mime = item["file"]["mimeType"]
        .as_str()
        .unwrap_or("application/octet-stream");
    let bytes = if kind(item) == Kind::Image {
        base64::engine::general_purpose::STANDARD
            .decode(PIXEL_PNG)
            .unwrap_or_default()
    } else {
        format!("Simulated content of {name}\n").into_bytes()
    };
    let content_type = if kind(item) == Kind::Image {
        "image/png"
    } else {
        mime
    };
    let mut response = bytes_response(content_type, bytes);
    let file_name: String = name
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_paths_name_a_drive_an_item_and_a_size() {
        assert_eq!(
            media_key("/_media/thumbnails/b!x-_y/01A/small", "thumbnails"),
            Some((("b!x-_y".into(), "01A".into()), Some("small".into())))
        );
        assert_eq!(
            media_key("/_media/download/b%21x/01A", "download"),
            Some((("b!x".into(), "01A".into()), None))
        );
        for bad in [
            "/_media/download/b!x",
            "/_media/download//01A",
            "/_media/download/b!x/01A/small/more",
            "/_media/downloads/b!x/01A",
        ] {
            assert!(
                media_key(bad, "download").is_none_or(|(_, tail)| tail.is_some()),
                "{bad}"
            );
        }
        assert_eq!(
            sim_download_url("b!x", "01 A"),
            "{sim}/_media/download/b!x/01%20A?tempauth=sim"
        );
    }

    #[test]
    fn the_root_placeholder_is_resolved_everywhere_in_an_item() {
        let mut item = json!({"a": "{sim}/x", "b": ["{sim}"], "c": {"d": "x{sim}"}, "e": 1});
        resolve_root(&mut item, "http://127.0.0.1:9");
        assert_eq!(
            item,
            json!({"a": "http://127.0.0.1:9/x", "b": ["http://127.0.0.1:9"], "c": {"d": "x{sim}"}, "e": 1})
        );
    }

    #[test]
    fn thumbnails_are_sized_like_graphs_and_escape_the_name() {
        let doc = json!({"name": "A <b>&\"c\".docx", "file": {}});
        let sets = thumbnail_sets("http://s", &("b!d".into(), "01A".into()), &doc);
        assert_eq!(sets[0]["id"], "0");
        assert_eq!(sets[0]["small"]["height"], 96);
        assert_eq!(sets[0]["small"]["width"], 72);
        assert_eq!(sets[0]["large"]["height"], 800);
        assert_eq!(
            sets[0]["medium"]["url"],
            "http://s/_media/thumbnails/b!d/01A/medium?tempauth=sim"
        );
        let png = json!({"name": "p.PNG", "file": {}});
        let sets = thumbnail_sets("http://s", &("d".into(), "i".into()), &png);
        assert_eq!(sets[0]["small"]["width"], 96);
        let folder = json!({"name": "f", "folder": {}});
        assert_eq!(
            thumbnail_sets("http://s", &("d".into(), "i".into()), &folder),
            json!([])
        );
        let svg = thumbnail_svg(&doc, 96);
        assert!(svg.contains("A &lt;b&gt;&amp;&quot;c&quot;.docx"), "{svg}");
        assert!(!svg.contains("<b>"));
    }

    #[test]
    fn the_pixel_is_a_png() {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(PIXEL_PNG)
            .unwrap_or_default();
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    }
}
