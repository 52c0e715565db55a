//! The schemas of the OpenAPI document that no derive can write: Graph's
//! driveItem and collection (passed through, no Rust type here), the caller
//! headers, query options and path parameters, the response sets the routes
//! share, and the request bodies' "exactly one of" (on the real
//! `ResolveBody` and `WarmupBody`). Share ids and drive ids describe
//! themselves (`share_id`, `drive_item`), from their own limits.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::response::{ResponseBuilder, ResponsesBuilder};
use utoipa::openapi::schema::{
    AdditionalProperties, KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat,
    SchemaType, Type,
};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, Response};
use utoipa::{IntoParams, IntoResponses, PartialSchema, ToSchema};

use crate::drive_item::{DriveId, ItemId};
use crate::http::extract::{ResolveBody, WarmupBody};
use crate::http::problem::Problem;
use crate::resolver::Hydration;
use crate::share_id::{EXAMPLE_SHARE_URL, ShareId, sharepoint_host, sharing_url};
use crate::warmup::WarmupOutcome;

/// Headers every resolve and warm-up request may send.
pub(crate) struct CallerHeaders;

impl IntoParams for CallerHeaders {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let header = |name: &str, description: &str, schema: ObjectBuilder| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Header)
                .description(Some(description))
                .required(Required::False)
                .schema(Some(schema))
                .build()
        };
        let string = || ObjectBuilder::new().schema_type(Type::String);
        vec![
            header(
                "client-request-id",
                "Forwarded to Graph as its `client-request-id`; a fresh GUID replaces\none that is absent, blank, over 128 characters or not printable ASCII.",
                string(),
            ),
            header(
                "X-SharePoint-Authorization",
                "`Bearer <token>`: a delegated token for the sharing URL's SharePoint\nhost (scope `https://{host}/.default`) of the same user. Enables the\n`sharepoint` warm-up; sent only to that host, never logged or stored.\nA malformed one, or one for another host or user, is `bad_request`.",
                string().pattern(Some(
                    r"^[Bb]earer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$",
                )),
            ),
        ]
    }
}

/// A problem response: `description` names its codes.
fn problem(description: &str, headers: &[(&str, RefOr<Schema>, &str)]) -> RefOr<Response> {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name(Problem::name())))
        .build();
    with_headers(
        ResponseBuilder::new()
            .description(description)
            .content("application/problem+json", content),
        headers,
    )
}

fn with_headers(
    mut response: ResponseBuilder,
    headers: &[(&str, RefOr<Schema>, &str)],
) -> RefOr<Response> {
    for (name, schema, description) in headers {
        response = response.header(
            *name,
            HeaderBuilder::new()
                .schema(schema.clone())
                .description(Some(*description))
                .build(),
        );
    }
    response.build().into()
}

/// `Retry-After` of a problem that always sets it.
fn retry_after() -> (&'static str, RefOr<Schema>, &'static str) {
    ("Retry-After", u64::schema(), "Seconds, 1 to 300")
}

/// `Retry-After` of `graph_unavailable`: only when Graph sent one.
const GRAPH_RETRY_AFTER: &str = "Seconds (at most 300), when Graph sent one";

/// The problems every API route answers: bad input and token problems.
pub(crate) struct InputProblems;

impl IntoResponses for InputProblems {
    fn responses() -> std::collections::BTreeMap<String, RefOr<Response>> {
        input_problems("`invalid_share`, `bad_request`")
            .build()
            .into()
    }
}

/// What the preview routes answer besides their [`Preview`]: the input
/// problems (`preview_unsupported` among them) and an over-long body.
pub(crate) struct PreviewProblems;

impl IntoResponses for PreviewProblems {
    fn responses() -> std::collections::BTreeMap<String, RefOr<Response>> {
        input_problems("`invalid_share`, `bad_request`, `preview_unsupported` (a personal OneDrive link: no Graph call)")
            .response("413", problem("`payload_too_large`", &[]))
            .build()
            .into()
    }
}

/// `400` (with `bad_input`'s codes) and the token problems.
fn input_problems(bad_input: &str) -> ResponsesBuilder {
    ResponsesBuilder::new()
            .response("400", problem(bad_input, &[]))
            .response(
                "401",
                problem(
                    "`missing_token`, `malformed_token`, `token_expired`, `wrong_audience`, `invalid_token`, `claims_challenge`",
                    &[(
                        "WWW-Authenticate",
                        String::schema(),
                        "A `Bearer` challenge; for `claims_challenge`, Graph's own (`graph` mode) or one with the identity platform's `authorization_uri` and the base64 `claims` (`obo` mode)",
                    )],
                ),
            )
}

/// What both resolve routes answer besides [`InputProblems`]. `Cache-Control`,
/// `client-request-id` and `request-id`, on every response, are documented
/// by the document's `finish`.
pub(crate) struct Resolution;

impl IntoResponses for Resolution {
    fn responses() -> std::collections::BTreeMap<String, RefOr<Response>> {
        resolution(
            "The driveItem, exactly as Graph returned it",
            &DriveItem::name(),
        )
    }
}

/// What the children routes answer besides [`InputProblems`].
pub(crate) struct Children;

impl IntoResponses for Children {
    fn responses() -> std::collections::BTreeMap<String, RefOr<Response>> {
        resolution(
            "Graph's page of children, unchanged but for `@odata.nextLink`, which points at this route on this API",
            &DriveItemCollection::name(),
        )
    }
}

/// What the permission route answers besides [`InputProblems`].
pub(crate) struct LinkPermission;

impl IntoResponses for LinkPermission {
    fn responses() -> std::collections::BTreeMap<String, RefOr<Response>> {
        resolution(
            "The sharing link's permission, exactly as Graph returned it",
            &Permission::name(),
        )
    }
}

/// What the preview routes answer besides [`PreviewProblems`].
pub(crate) struct Preview;

impl IntoResponses for Preview {
    fn responses() -> std::collections::BTreeMap<String, RefOr<Response>> {
        resolution(
            "Graph's preview, exactly as Graph returned it: `getUrl` carries an access token of the caller's",
            &ItemPreviewInfo::name(),
        )
    }
}

/// A resolve route's answers besides [`InputProblems`]: `body` on success.
fn resolution(
    description: &str,
    body: &str,
) -> std::collections::BTreeMap<String, RefOr<Response>> {
    let drive_item = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name(body)))
        .build();
    let resolved = with_headers(
        ResponseBuilder::new()
            .description(description)
            .content("application/json", drive_item),
        &[
            (
                "x-resolver-hydration",
                Ref::from_schema_name(Hydration::name()).into(),
                "What the service knew of the user (success only)",
            ),
            (
                "x-resolver-warmup",
                Ref::from_schema_name(WarmupOutcome::name()).into(),
                "`skipped`, or the strategy that ran (success only)",
            ),
            (
                "x-resolver-attempts",
                u32::schema(),
                "Calls of the route's Graph request (`/shares…` or `/drives…`) made (success only)",
            ),
            (
                "server-timing",
                String::schema(),
                "`store;dur=…, warmup;dur=…, graph;dur=…, total;dur=…` (ms; success only)",
            ),
        ],
    );
    ResponsesBuilder::new()
        .response("200", resolved)
        .response(
            "403",
            problem(
                "`tenant_not_allowed`, `client_not_allowed`, `consent_required`, `mfa_required`, `personal_account_unsupported`, `missing_scope`, `access_denied`",
                &[],
            ),
        )
        .response("404", problem("`share_not_found`", &[]))
        .response("429", problem("`throttled`", &[retry_after()]))
        .response(
            "502",
            problem(
                "`graph_unavailable`, `identity_unavailable`",
                &[("Retry-After", u64::schema(), GRAPH_RETRY_AFTER)],
            ),
        )
        .response("503", problem("`hydration_exhausted`", &[retry_after()]))
        .response("504", problem("`deadline_exceeded`", &[]))
        .build()
        .into()
}

/// A page of children: Graph's collection.
pub(crate) struct DriveItemCollection;

impl PartialSchema for DriveItemCollection {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "Graph's collection of driveItems; `@odata.nextLink`, when there are more, is this route on this API with Graph's `$skiptoken`.",
            ))
            .property(
                "value",
                utoipa::openapi::schema::ArrayBuilder::new()
                    .items(Ref::from_schema_name(DriveItem::name())),
            )
            .required("value")
            .property(
                "@odata.nextLink",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::Custom("uri".to_owned()))),
            )
            .additional_properties(Some(AdditionalProperties::RefOr(
                ObjectBuilder::new().schema_type(SchemaType::AnyValue).into(),
            )))
            .into()
    }
}

impl ToSchema for DriveItemCollection {}

/// What a forwarded query option's value may hold (`query_options`).
const OPTION_PATTERN: &str = r"^[A-Za-z0-9 $@._,/()=;:'-]+$";

fn option(name: &str, description: &str, schema: ObjectBuilder) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .description(Some(description))
        .required(Required::False)
        .schema(Some(schema))
        .build()
}

fn option_value(example: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(OPTION_PATTERN))
        .min_length(Some(1))
        .max_length(Some(crate::query_options::MAX_VALUE))
        .examples([example])
}

/// `$select` and `$expand`, forwarded to Graph as sent.
fn item_options() -> Vec<Parameter> {
    vec![
        option(
            "$select",
            "Graph's `$select`: only these properties (comma-separated).",
            option_value("id,name,size"),
        ),
        option(
            "$expand",
            "Graph's `$expand`, e.g. `children`.",
            option_value("children"),
        ),
    ]
}

/// The query options of an item route.
pub(crate) struct ItemOptions;

impl IntoParams for ItemOptions {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        item_options()
    }
}

/// The query options of a children route.
pub(crate) struct ChildrenOptions;

impl IntoParams for ChildrenOptions {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut options = item_options();
        options.extend([
            option(
                "$top",
                "Page size, 1 to 999.",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some("^[1-9][0-9]{0,2}$"))
                    .examples(["2"]),
            ),
            option(
                "$orderby",
                "Graph's `$orderby`, e.g. `name desc`.",
                option_value("name"),
            ),
            option(
                "$skiptoken",
                "Graph's page token, as a next link carries it.",
                option_value("UGFnZWQ9VFJVRSZwX0lEPTI"),
            ),
        ]);
        options
    }
}

/// `Prefer` on the `/shares` routes.
pub(crate) struct PreferHeader;

impl IntoParams for PreferHeader {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            ParameterBuilder::new()
                .name("Prefer")
                .parameter_in(ParameterIn::Header)
                .description(Some(
                    "`redeemSharingLink` (durable access) or `redeemSharingLinkIfNecessary` is forwarded to Graph's `/shares` call; other preferences are not.",
                ))
                .required(Required::False)
                .schema(Some(ObjectBuilder::new().schema_type(Type::String).examples(["redeemSharingLink"])))
                .build(),
        ]
    }
}

fn path_param(name: &str, schema: &str, description: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .description(Some(description))
        .required(Required::True)
        .schema(Some(Ref::from_schema_name(schema)))
        .build()
}

/// The `{shareId}` of the `/v1/shares/…` routes.
pub(crate) struct SharePathParam;

impl IntoParams for SharePathParam {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![path_param(
            "shareId",
            &ShareId::name(),
            "`u!…` (unpadded base64url of the sharing URL), `s!…`, or the percent-encoded raw sharing URL",
        )]
    }
}

/// The `{driveId}` and `{itemId}` of the `/v1/drives/…` routes.
pub(crate) struct ItemPathParams;

impl IntoParams for ItemPathParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            path_param(
                "driveId",
                &DriveId::name(),
                "Graph's drive id (`parentReference.driveId`): `b!` and base64url, at most 256 after `b!`",
            ),
            path_param(
                "itemId",
                &ItemId::name(),
                "A driveItem id (letters and digits, at most 128) or `root`",
            ),
        ]
    }
}

/// Graph's driveItem, exactly as Graph returned it.
pub(crate) struct DriveItem;

impl PartialSchema for DriveItem {
    fn schema() -> RefOr<Schema> {
        let string = |example: &str| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .examples([example])
        };
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "Graph's driveItem, exactly as Graph returned it (with `$select`, only the selected properties).",
            ))
            .property("id", string("01J7TAN47MQKAQ52K64ZAZNORXENAPQ46L"))
            .property("name", string("Launch plan.docx"))
            .property(
                "size",
                ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64))),
            )
            .property(
                "webUrl",
                ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null])),
            )
            .additional_properties(Some(AdditionalProperties::RefOr(
                ObjectBuilder::new()
                    .schema_type(SchemaType::AnyValue)
                    .description(Some(
                        "Everything else Graph sends (facets, `@microsoft.graph.downloadUrl`, …).",
                    ))
                    .into(),
            )))
            .into()
    }
}

impl ToSchema for DriveItem {}

/// Graph's `permission` of a sharing link, exactly as Graph returned it.
pub(crate) struct Permission;

impl PartialSchema for Permission {
    fn schema() -> RefOr<Schema> {
        let string = |values: &[&str]| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .examples(values.iter().copied())
        };
        let link = ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "The sharing link: what it lets its holder do, and for whom.",
            ))
            .property(
                "type",
                string(&["view"]).description(Some("`view`, `edit` or `embed`.")),
            )
            .property(
                "scope",
                string(&["users"]).description(Some("`anonymous`, `organization` or `users`.")),
            )
            .property("webUrl", string(&[EXAMPLE_SHARE_URL]))
            .property(
                "preventsDownload",
                ObjectBuilder::new()
                    .schema_type(Type::Boolean)
                    .description(Some(
                        "Whether the link blocks downloads: a page hides its Download button.",
                    )),
            )
            .additional_properties(Some(AdditionalProperties::FreeForm(true)));
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "Graph's permission of the sharing link, exactly as Graph returned it (with `$select`, only the selected properties).",
            ))
            .property("id", string(&["b8b4a1f6-5f0c-4d46-9f1e-4c1f3f0e2a71"]))
            .property(
                "roles",
                utoipa::openapi::schema::ArrayBuilder::new()
                    .items(string(&["read"]))
                    .description(Some("`read` (a view link) or `write` (an edit link).")),
            )
            .property("link", link)
            .property(
                "expirationDateTime",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
                    .description(Some("When the link stops working, if it does.")),
            )
            .additional_properties(Some(AdditionalProperties::RefOr(
                ObjectBuilder::new()
                    .schema_type(SchemaType::AnyValue)
                    .description(Some(
                        "Everything else Graph sends (`hasPassword`, `grantedToIdentitiesV2`, …).",
                    ))
                    .into(),
            )))
            .into()
    }
}

impl ToSchema for Permission {}

/// Graph's answer to the preview action (`itemPreviewInfo`).
pub(crate) struct ItemPreviewInfo;

impl PartialSchema for ItemPreviewInfo {
    fn schema() -> RefOr<Schema> {
        // No `format: uri`: the service passes Graph's URLs on as sent,
        // and SharePoint's viewer URLs carry literal braces
        // (`WopiFrame.aspx?sourcedoc={…}`), which RFC 3986 does not allow.
        let url = |description: &str| {
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                .description(Some(description))
        };
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "Graph's preview, exactly as Graph returned it. Its URLs act as the caller (`getUrl` carries an `access_token`): use them at once, never log, store or share them.",
            ))
            .property(
                "getUrl",
                url("An embeddable viewer URL (e.g. in an iframe) on the tenant's SharePoint host."),
            )
            .property("postUrl", url("A viewer URL to open with a form POST of `postParameters`."))
            .property(
                "postParameters",
                ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                    .description(Some("The form body for `postUrl` (`application/x-www-form-urlencoded`).")),
            )
            .additional_properties(Some(AdditionalProperties::FreeForm(true)))
            .into()
    }
}

impl ToSchema for ItemPreviewInfo {}

/// `POST /v1/resolve`'s body: exactly one of `shareUrl` or `shareId`, and
/// optionally `select` and `expand`. Written out, not derived: a derived
/// schema cannot say "exactly one", and the API fuzzing sends what the
/// schema allows expecting it accepted.
impl PartialSchema for ResolveBody {
    fn schema() -> RefOr<Schema> {
        let options = |object: ObjectBuilder| {
            object
                .property(
                    "select",
                    option_value("id,name,size")
                        .description(Some("The value of Graph's `$select`.")),
                )
                .property(
                    "expand",
                    option_value("children").description(Some("The value of Graph's `$expand`.")),
                )
        };
        one_member_of_with(
            "`POST /v1/resolve`: exactly one of `shareUrl` or `shareId` (a `null` counts as left out; other members are ignored), and optionally `select` and `expand`.",
            &[
                ("shareUrl", sharing_url().into()),
                ("shareId", Ref::from_schema_name(ShareId::name()).into()),
            ],
            false,
            options,
        )
    }
}

impl ToSchema for ResolveBody {}

/// `POST /v1/warmup`'s body (optional): at most one of `shareUrl` or
/// `host` (written out for the same reason).
impl PartialSchema for WarmupBody {
    fn schema() -> RefOr<Schema> {
        one_member_of(
            "`POST /v1/warmup` (optional): where to warm up, at most one of `shareUrl` or `host` (a `null` counts as left out; other members are ignored).",
            &[
                ("shareUrl", sharing_url().into()),
                ("host", sharepoint_host().into()),
            ],
            true,
        )
    }
}

impl ToSchema for WarmupBody {}

/// An object with exactly one of `members` set to a string (or, when
/// `or_none`, none of them); the others absent or `null`. One branch per
/// case, so that the branches exclude each other.
fn one_member_of(
    description: &str,
    members: &[(&str, RefOr<Schema>)],
    or_none: bool,
) -> RefOr<Schema> {
    one_member_of_with(description, members, or_none, |object| object)
}

/// [`one_member_of`], each branch also carrying what `extra` adds.
fn one_member_of_with(
    description: &str,
    members: &[(&str, RefOr<Schema>)],
    or_none: bool,
    extra: impl Fn(ObjectBuilder) -> ObjectBuilder,
) -> RefOr<Schema> {
    let null = || ObjectBuilder::new().schema_type(Type::Null);
    let branch = |set: Option<usize>| {
        let mut object = extra(ObjectBuilder::new().schema_type(Type::Object));
        for (i, (name, schema)) in members.iter().enumerate() {
            object = if Some(i) == set {
                object.property(*name, schema.clone()).required(*name)
            } else {
                object.property(*name, null())
            };
        }
        object
    };
    let mut one_of = OneOfBuilder::new().description(Some(description));
    for i in 0..members.len() {
        one_of = one_of.item(branch(Some(i)));
    }
    if or_none {
        one_of = one_of.item(branch(None));
    }
    one_of.into()
}

// `GET /healthz`'s body (no doc comment: the document shows none).
#[derive(serde::Serialize, ToSchema)]
pub(crate) struct Health {
    #[schema(value_type = String, example = "ok")]
    pub status: &'static str,
}
