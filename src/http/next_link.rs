//! A children page's `@odata.nextLink`, pointed back at this API: the same
//! route, the same options, Graph's `$skiptoken`, so a client that follows
//! next links (the Graph JS client's `PageIterator`) pages through the
//! service and its hydration handling, never around it.

use bytes::Bytes;
use serde_json::Value;

use crate::query_options::{QueryOptions, skiptoken_of};

const NEXT_LINK: &str = "@odata.nextLink";

/// `body` with its next link rewritten to `{route_url}?{options with
/// Graph's $skiptoken}`; everything else stays byte for byte. A body
/// without a next link, or one whose link carries no `$skiptoken` this API
/// would accept, is returned as it came.
pub(crate) fn rewrite(body: Bytes, route_url: &str, options: &QueryOptions) -> Bytes {
    let Ok(Value::Object(mut page)) = serde_json::from_slice::<Value>(&body) else {
        return body;
    };
    let Some(Value::String(link)) = page.get(NEXT_LINK) else {
        return body;
    };
    let Some(next) = skiptoken_of(link).and_then(|token| options.with_skiptoken(&token)) else {
        return body;
    };
    let ours = match next.to_query() {
        Some(query) => format!("{route_url}?{query}"),
        None => route_url.to_owned(),
    };
    // Replace the link's JSON text where Graph wrote it, so the rest of the
    // body is untouched; re-serialize only if it was written unusually.
    let (old, new) = (
        Value::String(link.clone()).to_string(),
        Value::String(ours.clone()).to_string(),
    );
    let text = String::from_utf8_lossy(&body);
    if text.matches(old.as_str()).count() == 1 {
        return Bytes::from(text.replacen(old.as_str(), &new, 1));
    }
    page.insert(NEXT_LINK.to_owned(), Value::String(ours));
    serde_json::to_vec(&page).map_or(body, Bytes::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query_options::Scope;

    const OURS: &str = "https://api.example.com/v1/drives/b!x/items/01A/children";

    #[test]
    fn the_next_link_comes_back_to_this_api_with_graphs_skiptoken() {
        let options =
            QueryOptions::parse(Some("$top=2&$select=id,name"), &Scope::Children).unwrap();
        let graph = r#"{"@odata.context":"c","value":[{"id":"1"}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/drives/b!x/items/01A/children?$top=2&$select=id,name&$skiptoken=Paged%3dTRUE%26p_ID%3d2"}"#;

        // `&` is not a character a forwarded option may hold: a token that
        // would not pass this API's own check leaves Graph's link as it is.
        assert_eq!(
            rewrite(Bytes::from(graph), OURS, &options),
            Bytes::from(graph)
        );

        let graph = graph.replace("Paged%3dTRUE%26p_ID%3d2", "UGFnZWQ9VFJVRSZwX0lEPTI");
        let body = rewrite(Bytes::from(graph.clone()), OURS, &options);
        assert_eq!(
            body,
            Bytes::from(graph.replace(
                "https://graph.microsoft.com/v1.0/drives/b!x/items/01A/children?$top=2&$select=id,name&$skiptoken=UGFnZWQ9VFJVRSZwX0lEPTI",
                "https://api.example.com/v1/drives/b!x/items/01A/children?$top=2&$select=id,name&$skiptoken=UGFnZWQ9VFJVRSZwX0lEPTI",
            ))
        );
    }

    #[test]
    fn a_page_without_a_next_link_or_json_is_untouched() {
        let options = QueryOptions::default();
        for body in [
            r#"{"value":[]}"#,
            "not json",
            r#"[1,2]"#,
            r#"{"@odata.nextLink":"https://g/x?$top=2"}"#,
        ] {
            assert_eq!(
                rewrite(Bytes::from(body), OURS, &options),
                Bytes::from(body),
                "{body}"
            );
        }
        let escaped = r#"{"@odata.nextLink":"https:\/\/g\/x?$skiptoken=abc","value":[]}"#;
        let body: Value =
            serde_json::from_slice(&rewrite(Bytes::from(escaped), OURS, &options)).unwrap();
        assert_eq!(body["@odata.nextLink"], format!("{OURS}?$skiptoken=abc"));
    }
}
