//! The OData query options a caller may pass through to Graph (`$select`,
//! `$expand`; on children listings also `$top`, `$orderby`, `$skiptoken`),
//! checked once at the edge and forwarded as sent.
//!
//! # Implementation Notes
//! A value is judged decoded (`+` is a space, as in any form-encoded
//! query) and re-encoded for Graph with only spaces escaped: every other
//! character the check lets through is literal in a query, so Graph reads
//! exactly what the caller sent.

pub use crate::scope::Scope;

/// Longest value accepted for one option.
pub const MAX_VALUE: usize = 1024;
/// Characters allowed in a value besides ASCII letters and digits.
const PUNCTUATION: &str = " $@._-,/()=;:'";

/// One of the options forwarded to Graph, named as Graph spells it; Graph
/// reads option names case-insensitively (`$skipToken` too).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString, strum::Display,
)]
#[strum(ascii_case_insensitive)]
pub enum OptionName {
    #[strum(serialize = "$select")]
    Select,
    #[strum(serialize = "$expand")]
    Expand,
    #[strum(serialize = "$top")]
    Top,
    #[strum(serialize = "$orderby")]
    OrderBy,
    #[strum(serialize = "$skiptoken")]
    SkipToken,
}

impl OptionName {
    /// The option as Graph spells it.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    fn of(name: &str) -> Option<Self> {
        name.parse().ok()
    }

    /// `$select` and `$expand` on every GET route; paging on listings;
    /// nothing on the preview action (a POST).
    fn allowed_on(self, scope: &Scope) -> bool {
        match (self, scope) {
            (_, Scope::Preview(_)) => false,
            (Self::Select | Self::Expand, _) => true,
            (Self::Top | Self::OrderBy | Self::SkipToken, scope) => *scope == Scope::Children,
        }
    }
}

/// Why the query is refused (`bad_request`, naming the parameter).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryOptionError {
    #[error("the query parameter {0} is not supported here")]
    Unknown(String),
    #[error("the query parameter {0} is given more than once")]
    Repeated(OptionName),
    #[error(
        "the query parameter {0} must be 1 to {MAX_VALUE} characters of letters, digits, spaces and $@._-,/()=;:'"
    )]
    Malformed(OptionName),
    #[error("the query parameter $top must be a whole number from 1 to 999 (no leading zero)")]
    Top,
}

/// The options of one request, in the order sent, with their names as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryOptions(Vec<(OptionName, String, String)>);

impl QueryOptions {
    /// Reads a raw query string (`None`: no `?`) for a route of `scope`.
    pub fn parse(query: Option<&str>, scope: &Scope) -> Result<Self, QueryOptionError> {
        let mut options = Self::default();
        for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            let option = OptionName::of(&name)
                .filter(|o| o.allowed_on(scope))
                .ok_or_else(|| QueryOptionError::Unknown(printable(&name)))?;
            options.push(option, &name, &value)?;
        }
        Ok(options)
    }

    /// `POST /v1/resolve`'s `select` and `expand`.
    pub fn from_body(select: Option<&str>, expand: Option<&str>) -> Result<Self, QueryOptionError> {
        let mut options = Self::default();
        for (option, value) in [(OptionName::Select, select), (OptionName::Expand, expand)] {
            if let Some(value) = value {
                options.push(option, option.as_str(), value)?;
            }
        }
        Ok(options)
    }

    fn push(
        &mut self,
        option: OptionName,
        name: &str,
        value: &str,
    ) -> Result<(), QueryOptionError> {
        if self.get(option).is_some() {
            return Err(QueryOptionError::Repeated(option));
        }
        check(option, value)?;
        self.0.push((option, name.to_owned(), value.to_owned()));
        Ok(())
    }

    /// The value of `option`, if sent.
    pub fn get(&self, option: OptionName) -> Option<&str> {
        self.0
            .iter()
            .find(|(o, _, _)| *o == option)
            .map(|(_, _, v)| v.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The same options with Graph's `$skiptoken` for the next page
    /// instead of any sent: where a rewritten next link points. `None`
    /// when the token is not one this API would accept.
    pub fn with_skiptoken(&self, token: &str) -> Option<Self> {
        check(OptionName::SkipToken, token).ok()?;
        let mut next = Self(
            self.0
                .iter()
                .filter(|(o, _, _)| *o != OptionName::SkipToken)
                .cloned()
                .collect(),
        );
        next.0.push((
            OptionName::SkipToken,
            OptionName::SkipToken.as_str().to_owned(),
            token.to_owned(),
        ));
        Some(next)
    }

    /// `name=value&…` for a URL (without `?`); `None` when there are none.
    pub fn to_query(&self) -> Option<String> {
        if self.0.is_empty() {
            return None;
        }
        let pairs: Vec<String> = self
            .0
            .iter()
            .map(|(_, name, value)| format!("{}={}", encode(name), encode(value)))
            .collect();
        Some(pairs.join("&"))
    }
}

/// The `$skiptoken` of a next link Graph sent, decoded.
pub fn skiptoken_of(next_link: &str) -> Option<String> {
    let (_, query) = next_link.split_once('?')?;
    let query = query.split('#').next().unwrap_or_default();
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| OptionName::of(name) == Some(OptionName::SkipToken))
        .map(|(_, value)| value.into_owned())
}

fn check(option: OptionName, value: &str) -> Result<(), QueryOptionError> {
    let plain = !value.is_empty()
        && value.len() <= MAX_VALUE
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || PUNCTUATION.contains(c));
    if !plain {
        return Err(QueryOptionError::Malformed(option));
    }
    if option == OptionName::Top {
        // Plain decimal, no leading zero (what the OpenAPI pattern says).
        let in_range = value.len() <= 3
            && !value.starts_with('0')
            && value.bytes().all(|b| b.is_ascii_digit());
        if !in_range {
            return Err(QueryOptionError::Top);
        }
    }
    Ok(())
}

/// Spaces are the only checked character a query cannot carry literally
/// (names are the known ones, whose `$` is literal too).
fn encode(s: &str) -> String {
    s.replace(' ', "%20")
}

/// An unknown parameter's name, for the problem's detail: short and
/// printable, or not repeated at all.
fn printable(name: &str) -> String {
    let plain = !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_graphic());
    if plain {
        name.to_owned()
    } else {
        "(unprintable name)".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str, scope: Scope) -> Result<QueryOptions, QueryOptionError> {
        QueryOptions::parse(Some(query), &scope)
    }

    #[test]
    fn options_are_forwarded_as_sent() {
        for (query, scope, forwarded) in [
            ("$select=id,name", Scope::Item, Some("$select=id,name")),
            (
                "%24select=id%2Cname&$expand=children",
                Scope::Item,
                Some("$select=id,name&$expand=children"),
            ),
            (
                "$orderby=name+desc&$top=2",
                Scope::Children,
                Some("$orderby=name%20desc&$top=2"),
            ),
            (
                "$expand=children($select=id;$top=5)",
                Scope::Item,
                Some("$expand=children($select=id;$top=5)"),
            ),
            (
                "$skipToken=UGFnZWQ9VFJVRSZwX0lEPTI",
                Scope::Children,
                Some("$skipToken=UGFnZWQ9VFJVRSZwX0lEPTI"),
            ),
            ("", Scope::Item, None),
            ("&&", Scope::Item, None),
            (
                "$select=link,roles",
                Scope::Permission,
                Some("$select=link,roles"),
            ),
            ("", Scope::Preview(Default::default()), None),
        ] {
            let options = parse(query, scope).unwrap();
            assert_eq!(options.to_query().as_deref(), forwarded, "{query}");
        }
    }

    #[test]
    fn every_malformed_option_is_refused_naming_it() {
        let long = format!("$select={}", "a".repeat(1025));
        for (query, scope, expected) in [
            (
                "select=id",
                Scope::Item,
                QueryOptionError::Unknown("select".into()),
            ),
            (
                "$filter=x",
                Scope::Children,
                QueryOptionError::Unknown("$filter".into()),
            ),
            (
                "$top=2",
                Scope::Item,
                QueryOptionError::Unknown("$top".into()),
            ),
            (
                "$skiptoken=a",
                Scope::Item,
                QueryOptionError::Unknown("$skiptoken".into()),
            ),
            (
                "$orderby=name",
                Scope::Item,
                QueryOptionError::Unknown("$orderby".into()),
            ),
            ("e=x", Scope::Item, QueryOptionError::Unknown("e".into())),
            (
                "$top=2",
                Scope::Permission,
                QueryOptionError::Unknown("$top".into()),
            ),
            (
                "$select=getUrl",
                Scope::Preview(Default::default()),
                QueryOptionError::Unknown("$select".into()),
            ),
            (
                "$select",
                Scope::Item,
                QueryOptionError::Malformed(OptionName::Select),
            ),
            (
                "$select=",
                Scope::Item,
                QueryOptionError::Malformed(OptionName::Select),
            ),
            (
                "$select=a%26b",
                Scope::Item,
                QueryOptionError::Malformed(OptionName::Select),
            ),
            (
                "$select=a%0Ab",
                Scope::Item,
                QueryOptionError::Malformed(OptionName::Select),
            ),
            (
                "$select=a\"b",
                Scope::Item,
                QueryOptionError::Malformed(OptionName::Select),
            ),
            (
                "$select=a%25b",
                Scope::Item,
                QueryOptionError::Malformed(OptionName::Select),
            ),
            (
                "$expand=%C3%A9",
                Scope::Item,
                QueryOptionError::Malformed(OptionName::Expand),
            ),
            (
                long.as_str(),
                Scope::Item,
                QueryOptionError::Malformed(OptionName::Select),
            ),
            (
                "$select=a&$SELECT=b",
                Scope::Item,
                QueryOptionError::Repeated(OptionName::Select),
            ),
            ("$top=0", Scope::Children, QueryOptionError::Top),
            ("$top=1000", Scope::Children, QueryOptionError::Top),
            ("$top=-1", Scope::Children, QueryOptionError::Top),
            ("$top=2.5", Scope::Children, QueryOptionError::Top),
            ("$top= 2", Scope::Children, QueryOptionError::Top),
            ("$top=abc", Scope::Children, QueryOptionError::Top),
            ("$top=05", Scope::Children, QueryOptionError::Top),
        ] {
            assert_eq!(parse(query, scope), Err(expected), "{query}");
        }
        for top in ["1", "10", "999"] {
            assert!(
                parse(&format!("$top={top}"), Scope::Children).is_ok(),
                "{top}"
            );
        }
    }

    #[test]
    fn a_next_page_keeps_the_options_and_takes_graphs_skiptoken() {
        let options = parse("$top=2&$skiptoken=old&$select=id", Scope::Children).unwrap();
        let link = "https://graph.microsoft.com/v1.0/drives/b!x/items/01A/children?$top=2&$skiptoken=Paged%3DTRUE";
        let token = skiptoken_of(link).unwrap();
        assert_eq!(token, "Paged=TRUE");
        assert_eq!(
            options
                .with_skiptoken(&token)
                .unwrap()
                .to_query()
                .as_deref(),
            Some("$top=2&$select=id&$skiptoken=Paged=TRUE")
        );
        assert_eq!(options.with_skiptoken("a&b"), None);
        assert_eq!(skiptoken_of("https://g/x?$top=2"), None);
    }

    #[test]
    fn the_resolve_body_takes_select_and_expand() {
        let options = QueryOptions::from_body(Some("id,name"), Some("children")).unwrap();
        assert_eq!(
            options.to_query().as_deref(),
            Some("$select=id,name&$expand=children")
        );
        assert_eq!(
            QueryOptions::from_body(Some("a&b"), None),
            Err(QueryOptionError::Malformed(OptionName::Select))
        );
        assert!(QueryOptions::from_body(None, None).unwrap().is_empty());
    }
}
