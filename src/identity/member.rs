//! The member rule: who is a member of the tenant (no guest hydration)
//! and who counts as a guest (docs/graph-facts.md#7-token-claims).

use super::peek::RawClaims;

/// A tenant member: `acct` = 0; or, without `acct`, no `idp` that differs
/// from `iss` (guests sign in at their home IdP) and no `#EXT#` in `upn` or
/// `unique_name` (a guest's UPN in the resource tenant)
/// (docs/graph-facts.md#7-token-claims).
pub(super) fn is_member(claims: &RawClaims) -> bool {
    member_rule(
        claims.acct,
        claims.idp.as_deref(),
        claims.iss.as_deref(),
        [claims.upn.as_deref(), claims.unique_name.as_deref()],
    )
}

/// The member rule over the claims it reads; the `obo` mode applies it to
/// a verified token's claims (with `preferred_username` among the names).
pub(crate) fn member_rule<'a>(
    acct: Option<u8>,
    idp: Option<&str>,
    iss: Option<&str>,
    names: impl IntoIterator<Item = Option<&'a str>>,
) -> bool {
    if let Some(acct) = acct {
        return acct == 0;
    }
    let foreign_idp = match (idp, iss) {
        (Some(idp), Some(iss)) => !idp.eq_ignore_ascii_case(iss),
        (Some(_), None) => true,
        (None, _) => false,
    };
    let external = names
        .into_iter()
        .flatten()
        .any(|name| name.contains("#EXT#"));
    !foreign_idp && !external
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use serde_json::json;

    use crate::cloud::Cloud;
    use crate::identity::peek::TokenClaims;
    use crate::identity::peek::tests::{good, jwt};

    #[test]
    fn only_a_token_that_says_member_skips_guest_hydration() {
        let iss = "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/";
        let base = || {
            let mut c = good();
            c.as_object_mut().unwrap().remove("upn");
            c
        };
        let set = |pairs: &[(&str, serde_json::Value)]| {
            let mut c = base();
            for (k, v) in pairs {
                c[*k] = v.clone();
            }
            c
        };
        for (claims, member, why) in [
            (set(&[("acct", json!(0))]), true, "acct 0"),
            (set(&[("acct", json!(1))]), false, "acct 1"),
            (
                set(&[("acct", json!(0)), ("upn", json!("x#EXT#@c.com"))]),
                true,
                "acct wins over the upn",
            ),
            (set(&[]), true, "no acct, no idp, no #EXT#"),
            (
                set(&[("iss", json!(iss)), ("idp", json!(iss))]),
                true,
                "idp equal to iss",
            ),
            (
                set(&[
                    ("iss", json!(iss)),
                    (
                        "idp",
                        json!("https://sts.windows.net/9188040d-6c67-4c5b-b112-36a304b66dad/"),
                    ),
                ]),
                false,
                "idp differs from iss",
            ),
            (
                set(&[("idp", json!("live.com"))]),
                false,
                "an idp and no iss",
            ),
            (
                set(&[("upn", json!("guest_gmail.com#EXT#@contoso.onmicrosoft.com"))]),
                false,
                "#EXT# in upn",
            ),
            (
                set(&[(
                    "unique_name",
                    json!("guest_gmail.com#EXT#@contoso.onmicrosoft.com"),
                )]),
                false,
                "#EXT# in unique_name",
            ),
            (
                set(&[("upn", json!("megan@contoso.com"))]),
                true,
                "a plain upn",
            ),
        ] {
            let peeked = TokenClaims::peek(&jwt(claims), SystemTime::now(), Cloud::Global).unwrap();
            assert_eq!(peeked.is_member, member, "{why}");
        }
    }
}
