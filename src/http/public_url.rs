//! Where this API is, as the caller reached it: the absolute base that a
//! children page's rewritten `@odata.nextLink` points at (the `Host` the
//! request came in on, and under API Gateway the stage from the event).

use axum::extract::FromRequestParts;
use http::request::Parts;
use http::uri::Authority;
use lambda_http::request::RequestContext;

/// The request's route on this API, absolute, as the caller reached it
/// (`https://api.example.com/prod/v1/drives/…/children`, no query), or
/// `None` when the request does not say where it came in (no usable `Host`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageUrl(pub Option<String>);

impl PageUrl {
    /// The same base, another path of this API (`/v1/…`).
    pub fn with_path(&self, path: &str, current: &str) -> Option<String> {
        let url = self.0.as_deref()?;
        let base = url.strip_suffix(current)?;
        Some(format!("{base}{path}"))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageUrl {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
        let host = header("host").or_else(|| parts.uri.authority().map(Authority::as_str));
        let stage = parts.extensions.get::<RequestContext>().and_then(stage_of);
        let path = parts.uri.path();
        let base = public_base(
            host,
            header("x-forwarded-proto"),
            parts.uri.scheme_str(),
            stage,
            path,
        );
        Ok(Self(base.map(|base| format!("{base}{path}"))))
    }
}

/// The stage an API Gateway event names.
fn stage_of(context: &RequestContext) -> Option<&str> {
    match context {
        RequestContext::ApiGatewayV2(c) => c.stage.as_deref(),
        RequestContext::ApiGatewayV1(c) => c.stage.as_deref(),
        _ => None,
    }
}

/// The base URL, pure: `host` must be a plain authority; the scheme is the
/// proxy's (`X-Forwarded-Proto`, as API Gateway sets it), else the
/// request's (lambda_http builds absolute URIs), else `http` (the local
/// server); a named stage is prefixed unless `path` already carries it
/// (lambda_http puts it there unless told not to), `$default` never.
pub(crate) fn public_base(
    host: Option<&str>,
    forwarded_proto: Option<&str>,
    scheme: Option<&str>,
    stage: Option<&str>,
    path: &str,
) -> Option<String> {
    let host: Authority = host?.parse().ok()?;
    if host.as_str().contains('@') {
        return None;
    }
    let scheme = [forwarded_proto, scheme]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|s| s.eq_ignore_ascii_case("https") || s.eq_ignore_ascii_case("http"))
        .unwrap_or("http")
        .to_ascii_lowercase();
    let stage = stage
        .filter(|s| *s != "$default" && !s.is_empty())
        .filter(|s| {
            s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .filter(|s| !path.starts_with(&format!("/{s}/")))
        .map_or_else(String::new, |s| format!("/{s}"));
    Some(format!("{scheme}://{}{stage}", host.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_is_where_the_caller_came_in() {
        let path = "/v1/shares/u!x/driveItem/children";
        for (host, proto, scheme, stage, expected, why) in [
            (
                Some("127.0.0.1:3000"),
                None,
                None,
                None,
                Some("http://127.0.0.1:3000"),
                "the local server",
            ),
            (
                Some("api.example.com"),
                Some("https"),
                Some("https"),
                Some("$default"),
                Some("https://api.example.com"),
                "API Gateway, $default stage",
            ),
            (
                Some("abc.execute-api.eu-west-1.amazonaws.com"),
                Some("https"),
                None,
                Some("prod"),
                Some("https://abc.execute-api.eu-west-1.amazonaws.com/prod"),
                "a named stage",
            ),
            (
                Some("x.lambda-url.eu-west-1.on.aws"),
                None,
                Some("https"),
                None,
                Some("https://x.lambda-url.eu-west-1.on.aws"),
                "a function URL",
            ),
            (
                Some("h"),
                Some("gopher"),
                None,
                None,
                Some("http://h"),
                "an unknown proto is ignored",
            ),
            (
                Some("h"),
                None,
                None,
                Some("a/b"),
                Some("http://h"),
                "a stage that is not a name is ignored",
            ),
            (
                Some("user@h"),
                None,
                None,
                None,
                None,
                "userinfo is not a host",
            ),
            (Some("h/x"), None, None, None, None, "a path is not a host"),
            (None, None, None, None, None, "no host"),
        ] {
            assert_eq!(
                public_base(host, proto, scheme, stage, path).as_deref(),
                expected,
                "{why}"
            );
        }
        assert_eq!(
            public_base(Some("h"), Some("https"), None, Some("prod"), "/prod/v1/x").as_deref(),
            Some("https://h"),
            "the stage already in the path"
        );
    }
}
