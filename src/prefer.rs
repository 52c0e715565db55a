//! `Prefer` on the `/shares` routes: the two sharing-link preferences Graph
//! documents are forwarded, nothing else (GRAPH-FACTS section 8).

/// A sharing-link redemption the caller asked for, named as Graph spells
/// it; `Prefer` tokens compare case-insensitively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(ascii_case_insensitive)]
pub enum Redeem {
    /// `redeemSharingLink`: durable access to the item.
    #[strum(serialize = "redeemSharingLink")]
    Always,
    /// `redeemSharingLinkIfNecessary`: access for this request only.
    #[strum(serialize = "redeemSharingLinkIfNecessary")]
    IfNecessary,
}

impl Redeem {
    /// The preference as Graph spells it.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The first redemption among `Prefer` header values (each a
    /// comma-separated list of preferences, RFC 7240); tokens compare
    /// case-insensitively, and any other preference is dropped.
    pub fn from_prefer<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<Self> {
        values
            .into_iter()
            .flat_map(|v| v.split(','))
            .map(|p| p.split(';').next().unwrap_or_default().trim())
            .find_map(|token| token.parse().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_two_redemptions_are_kept() {
        for (values, expected) in [
            (vec!["redeemSharingLink"], Some(Redeem::Always)),
            (
                vec!["redeemSharingLinkIfNecessary"],
                Some(Redeem::IfNecessary),
            ),
            (vec!["REDEEMSHARINGLINK"], Some(Redeem::Always)),
            (
                vec!["respond-async, redeemSharingLink"],
                Some(Redeem::Always),
            ),
            (
                vec!["return=minimal", " redeemSharingLinkIfNecessary "],
                Some(Redeem::IfNecessary),
            ),
            (vec!["respond-async"], None),
            (vec!["odata.maxpagesize=2"], None),
            (vec!["redeemSharingLinkX"], None),
            (vec![], None),
        ] {
            assert_eq!(Redeem::from_prefer(values.clone()), expected, "{values:?}");
        }
    }
}
