#!/usr/bin/env python3
"""Writes the API Gateway HTTP API (payload v2) events in this folder.

The events are committed; run this only to change them:
    python3 events/make-events.py
It uses the standard library only, and its output is deterministic.
"""

import base64
import hashlib
import json
import pathlib
import time
import urllib.parse

HERE = pathlib.Path(__file__).resolve().parent

TENANT = "5f1c2f7a-7d4e-4e7b-9a51-1d2c3b4a5f60"
GUEST_OID = "a1b2c3d4-0000-4000-8000-000000000001"
SHARE_EVERYONE = "https://contoso.sharepoint.com/:w:/s/Marketing/EaBcDeFgHiJkLmNoPqRsTuVw?e=4f2Kx9"
SHARE_MEMBER_ONLY = "https://contoso.sharepoint.com/:b:/s/Marketing/EPrivateOnlyForMember000?e=q1"
# The simulator's demo shared folder (graph_sim::DEMO_FOLDER_URL, DEMO_FOLDER_ID).
SHARE_FOLDER = "https://contoso.sharepoint.com/:f:/s/Marketing/EFolderProjectFiles0000000?e=Fo1d3r"
FOLDER_ID = "01FOLDERPROJECTFILES00000000000000"
# A personal OneDrive link: Graph has no preview action there.
SHARE_PERSONAL = "https://1drv.ms/w/s!AmKbC0dEfGhIjKlMnOpQrStUv?e=1a2B3c"

API_ID = "r3s0lv3r1a"
REGION = "eu-west-1"
DOMAIN = f"{API_ID}.execute-api.{REGION}.amazonaws.com"
FURL_ID = "k7v2q3xwz4bgnd5yhj6f2cmw3u0ropsa"
FURL_DOMAIN = f"{FURL_ID}.lambda-url.{REGION}.on.aws"
ORIGIN = "https://app.contoso.example"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
SOURCE_IP = "198.51.100.24"
# 2026-01-15T09:30:00Z, plus a few seconds per event.
EPOCH_MS = 1768469400000


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def share_id(url: str) -> str:
    """Graph's u!-id: 'u!' + unpadded base64url of the sharing URL."""
    return "u!" + b64url(url.encode("utf-8"))


def demo_token() -> str:
    """A real-shaped, UNSIGNED delegated token of the demo guest.

    Only the Graph simulator accepts it (it never checks signatures); the
    service only peeks at the claims, as it does with every token.
    """
    header = {"typ": "JWT", "alg": "RS256", "kid": "demo"}
    claims = {
        "aud": "00000003-0000-0000-c000-000000000000",
        "tid": TENANT,
        "oid": GUEST_OID,
        "scp": "Files.Read.All Sites.Read.All User.Read",
        "exp": 4102444800,
        "iat": 1767225600,
        "nbf": 1767225600,
        "upn": "guest_example.com#EXT#@contoso.onmicrosoft.com",
        "acct": 1,
    }
    compact = lambda v: json.dumps(v, separators=(",", ":")).encode()  # noqa: E731
    return ".".join([b64url(compact(header)), b64url(compact(claims)), "ZGVtby1zaWduYXR1cmU"])


TOKEN = demo_token()


def guid_from(seed: str) -> str:
    """graph_sim's deterministic GUID of a seed (sites.rs)."""
    h = hashlib.sha256(seed.encode()).digest()[:16].hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"


def demo_drive_id() -> str:
    """graph_sim::demo_drive_id(): the Marketing site's document library."""
    site = "sites/Marketing"
    seed = guid_from(site) + guid_from("drive:" + site)
    hexdigits = bytes(c for c in seed.encode() if chr(c) in "0123456789abcdef")
    return "b!" + b64url(hexdigits[:48])


def event(n, method, path, route_key, *, body=None, token=True, path_params=None,
          function_url=False, query=""):
    """One payload-v2 event, shaped like what API Gateway's HTTP API sends
    (or, with function_url, what a Lambda function URL sends: the same
    format, but routeKey "$default" and a path still percent-encoded)."""
    api_id = FURL_ID if function_url else API_ID
    domain = FURL_DOMAIN if function_url else DOMAIN
    time_ms = EPOCH_MS + n * 7000
    request_id = b64url(f"req-{n:04d}-share-resolver".encode())[:16]
    headers = {
        "accept": "application/json",
        "accept-encoding": "gzip, deflate, br",
        "accept-language": "en-GB,en;q=0.7",
        "host": domain,
        "origin": ORIGIN,
        "referer": ORIGIN + "/",
        "user-agent": USER_AGENT,
        "x-amzn-trace-id": f"Root=1-{time_ms // 1000:08x}-{n:024x}",
        "x-forwarded-for": SOURCE_IP,
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    }
    if token:
        headers["authorization"] = "Bearer " + TOKEN
    if body is not None:
        headers["content-type"] = "application/json"
        headers["content-length"] = str(len(body.encode("utf-8")))
    # Real events keep raw header order arbitrary; sorted reads better.
    headers = dict(sorted(headers.items()))
    when = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(time_ms // 1000))
    ev = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            # A function URL without IAM auth says "anonymous".
            "accountId": "anonymous" if function_url else "123456789012",
            "apiId": api_id,
            "domainName": domain,
            "domainPrefix": api_id,
            "http": {
                "method": method,
                # An HTTP API reports the decoded path here (and, in fact, in
                # rawPath too); a function URL keeps the encoding.
                "path": path if function_url else urllib.parse.unquote(path),
                "protocol": "HTTP/1.1",
                "sourceIp": SOURCE_IP,
                "userAgent": USER_AGENT,
            },
            "requestId": request_id,
            "routeKey": route_key,
            "stage": "$default",
            "time": when,
            "timeEpoch": time_ms,
        },
        "isBase64Encoded": False,
    }
    if query:
        ev["queryStringParameters"] = dict(urllib.parse.parse_qsl(query))
    if path_params:
        ev["pathParameters"] = path_params
    if body is not None:
        ev["body"] = body
    return ev


GET_ROUTE = "GET /v1/shares/{proxy+}"
POST_ROUTE = "POST /v1/resolve"
WARMUP_ROUTE = "POST /v1/warmup"
DRIVES_ROUTE = "GET /v1/drives/{proxy+}"
PREVIEW_SHARE_ROUTE = "POST /v1/shares/{proxy+}"
PREVIEW_ITEM_ROUTE = "POST /v1/drives/{proxy+}"
# POST /v1/$batch and /v1/batch: one route with a path variable (no `$` in
# a route key; infra/template.yaml says why).
BATCH_ROUTE = "POST /v1/{batch}"


def get_share(n, share):
    return event(n, "GET", f"/v1/shares/{share}/driveItem", GET_ROUTE,
                 path_params={"proxy": urllib.parse.unquote(share) + "/driveItem"})


def get_share_decoded(n, url):
    # What an HTTP API is reported to deliver for a percent-encoded raw URL:
    # rawPath decoded, so the URL's own "?" sits inside it.
    path = f"/v1/shares/{url}/driveItem"
    return event(n, "GET", path, GET_ROUTE, path_params={"proxy": f"{url}/driveItem"})


def get_share_function_url(n, share):
    return event(n, "GET", f"/v1/shares/{share}/driveItem", "$default", function_url=True)


def get_children(n, share, query):
    return event(n, "GET", f"/v1/shares/{share}/driveItem/children", GET_ROUTE, query=query,
                 path_params={"proxy": share + "/driveItem/children"})


def get_drive_children(n, drive, item):
    tail = f"{drive}/items/{item}/children"
    return event(n, "GET", f"/v1/drives/{tail}", DRIVES_ROUTE, path_params={"proxy": tail})


def get_permission(n, share):
    return event(n, "GET", f"/v1/shares/{share}/permission", GET_ROUTE,
                 path_params={"proxy": share + "/permission"})


def post_share_preview(n, share, body):
    tail = f"{share}/driveItem/preview"
    return event(n, "POST", f"/v1/shares/{tail}", PREVIEW_SHARE_ROUTE, body=body,
                 path_params={"proxy": tail})


def post_drive_preview(n, drive, item, body):
    tail = f"{drive}/items/{item}/preview"
    return event(n, "POST", f"/v1/drives/{tail}", PREVIEW_ITEM_ROUTE, body=body,
                 path_params={"proxy": tail})


def post_batch(n, name, requests):
    body = json.dumps({"requests": requests})
    return event(n, "POST", f"/v1/{name}", BATCH_ROUTE, body=body, path_params={"batch": name})


def batch_get(request_id, url):
    return {"id": request_id, "method": "GET", "url": url}


def post(n, payload, **kw):
    return event(n, "POST", "/v1/resolve", POST_ROUTE, body=json.dumps(payload), **kw)


big = {"shareUrl": SHARE_EVERYONE, "note": "x" * (17 * 1024)}

EVENTS = {
    # (file, event, expected status, expected problem code or "-")
    "healthz.json": (event(1, "GET", "/healthz", "GET /healthz", token=False), 200, "-"),
    "get-drive-item.json": (get_share(2, share_id(SHARE_EVERYONE)), 200, "-"),
    "post-resolve.json": (post(3, {"shareUrl": SHARE_EVERYONE}), 200, "-"),
    # The raw URL percent-encoded into one path segment (the CONTRACT's third
    # shareId form), as a Lambda function URL delivers it: rawPath keeps %2F
    # and %3F.
    "get-drive-item-encoded-url.json": (
        get_share_function_url(4, urllib.parse.quote(SHARE_EVERYONE, safe="")), 200, "-"),
    # The same request through an HTTP API, which decodes rawPath: the
    # function reassembles the URL from path and query.
    "get-drive-item-decoded-url.json": (get_share_decoded(9, SHARE_EVERYONE), 200, "-"),
    "missing-token.json": (post(5, {"shareUrl": SHARE_EVERYONE}, token=False), 401, "missing_token"),
    "invalid-share.json": (post(6, {"shareUrl": "https://evil.example/x"}), 400, "invalid_share"),
    "payload-too-large.json": (post(7, big), 413, "payload_too_large"),
    "access-denied.json": (get_share(8, share_id(SHARE_MEMBER_ONLY)), 403, "access_denied"),
    # Pre-warm right after sign-in: the demo guest is cold, root answers.
    "post-warmup.json": (event(10, "POST", "/v1/warmup", WARMUP_ROUTE, body="{}"), 200, "-"),
    "openapi.json": (event(11, "GET", "/openapi.json", "GET /openapi.json", token=False), 200, "-"),
    # A shared folder's first page of two children (the guest is known by
    # now); its next link points at this API on the event's host.
    "get-children.json": (get_children(12, share_id(SHARE_FOLDER), "$top=2"), 200, "-"),
    # Browsing inside it, as a client does with parentReference.driveId.
    "get-drive-children.json": (get_drive_children(13, demo_drive_id(), FOLDER_ID), 200, "-"),
    # The link's permission (view, for everyone in the simulator).
    "get-permission.json": (get_permission(14, share_id(SHARE_EVERYONE)), 200, "-"),
    # An embeddable preview of the shared file, and of an item inside the
    # shared folder (no body: Graph's defaults).
    "post-preview.json": (
        post_share_preview(15, share_id(SHARE_EVERYONE), '{"viewer":"onedrive"}'), 200, "-"),
    "post-drive-preview.json": (post_drive_preview(16, demo_drive_id(), FOLDER_ID, None), 200, "-"),
    # Refused before any Graph call: an option Graph's preview does not
    # take, and a personal OneDrive link.
    "preview-bad-body.json": (
        post_share_preview(17, share_id(SHARE_EVERYONE), '{"viewer":"word"}'), 400, "bad_request"),
    "preview-unsupported.json": (
        post_share_preview(18, share_id(SHARE_PERSONAL), "{}"), 400, "preview_unsupported"),
    # A page of links in one request: each answered as its route would, in
    # request order (the member-only link 403, the bad id 400, no Graph
    # call for it), the listing's next link on the event's host.
    "post-batch.json": (post_batch(19, "$batch", [
        batch_get("item", f"/shares/{share_id(SHARE_EVERYONE)}/driveItem"),
        batch_get("permission", f"/shares/{share_id(SHARE_EVERYONE)}/permission"),
        batch_get("folder", f"/shares/{share_id(SHARE_FOLDER)}/driveItem/children?$top=2"),
        batch_get("private", f"/shares/{share_id(SHARE_MEMBER_ONLY)}/driveItem"),
        {"id": "preview", "method": "POST",
         "url": f"/drives/{demo_drive_id()}/items/{FOLDER_ID}/preview",
         "headers": {"Content-Type": "application/json"}, "body": {"viewer": "onedrive"}},
        batch_get("bad", "/shares/not-a-share-id/driveItem"),
    ]), 200, "-"),
    # dependsOn is refused for the whole batch, before any call.
    "batch-depends-on.json": (post_batch(20, "batch", [
        batch_get("1", f"/shares/{share_id(SHARE_EVERYONE)}/driveItem"),
        {**batch_get("2", f"/shares/{share_id(SHARE_FOLDER)}/driveItem"), "dependsOn": ["1"]},
    ]), 400, "bad_request"),
}


def main():
    lines = ["# event file\texpected HTTP status\texpected problem code (- for none)"]
    for name, (ev, status, code) in EVENTS.items():
        (HERE / name).write_text(json.dumps(ev, indent=2) + "\n")
        lines.append(f"{name}\t{status}\t{code}")
    (HERE / "expected.tsv").write_text("\n".join(lines) + "\n")
    print(f"wrote {len(EVENTS)} events and expected.tsv; token:\n{TOKEN}")


if __name__ == "__main__":
    main()
