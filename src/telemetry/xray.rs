//! X-Ray subsegments for the calls a request makes, under Lambda with
//! `Tracing: Active`.
//!
//! `tracing` spans become OpenTelemetry spans (`tracing-opentelemetry`),
//! which `opentelemetry-aws` translates into X-Ray segment documents and
//! sends over UDP to the X-Ray daemon that Lambda runs beside the function
//! (`AWS_XRAY_DAEMON_ADDRESS`): no collector layer, no OTLP, no thread.
//!
//! What is traced, and nothing else:
//! - the request: `share-resolver`, a subsegment of the invocation's segment
//!   (the `Parent` of Lambda's trace header), with the route and Lambda's
//!   request id as annotations (the request's log line names that id, so
//!   a trace finds its line, and the X-Ray filter
//!   `annotation.lambda_request_id = "…"` a line's trace);
//! - each Graph call (`Microsoft Graph`) and SharePoint REST call
//!   (`SharePoint`), with the HTTP status;
//! - each DynamoDB call, from the AWS SDK's own operation span.
//!
//! Spans keep only the attributes listed here ([`shape`]): never a token,
//! a share or a path, whatever a span records for the logs. Only requests
//! Lambda sampled are traced (the trace header's `Sampled=1`); with no
//! header, nothing is.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::{SpanKind, TracerProvider as _};
use opentelemetry::{Context, KeyValue, Value};
use opentelemetry_aws::trace::{XrayIdGenerator, XrayPropagator};
use opentelemetry_aws::xray_exporter::daemon_client::XrayDaemonClient;
use opentelemetry_aws::xray_exporter::{SegmentTranslator, XrayExporter};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{
    Sampler, SdkTracerProvider, SimpleSpanProcessor, Span, SpanData, SpanProcessor,
};
use tracing::Subscriber;
use tracing::level_filters::LevelFilter;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::registry::LookupSpan;

/// The request span's name; its subsegment is called [`SERVICE`].
pub const REQUEST_SPAN: &str = "request";
/// The request's subsegment name.
pub const SERVICE: &str = "share-resolver";

/// The daemon Lambda names in `AWS_XRAY_DAEMON_ADDRESS` (`host:port`, or
/// the SDKs' `tcp:host:port udp:host:port` form), when tracing is active.
pub fn daemon_from_env() -> Option<SocketAddr> {
    parse_daemon(&std::env::var("AWS_XRAY_DAEMON_ADDRESS").ok()?)
}

fn parse_daemon(value: &str) -> Option<SocketAddr> {
    let words: Vec<&str> = value.split_whitespace().collect();
    let udp = words
        .iter()
        .find_map(|w| w.strip_prefix("udp:"))
        .or_else(|| words.iter().copied().find(|w| !w.contains("p:")))?;
    udp.parse().ok()
}

/// The layer that sends the traced spans to the daemon at `daemon`.
pub fn layer<S>(daemon: SocketAddr) -> io::Result<impl Layer<S> + Send + Sync>
where
    S: Subscriber + for<'a> LookupSpan<'a> + Send + Sync,
{
    let exporter = XrayExporter::new(XrayDaemonClient::new(daemon)?).with_translator(
        SegmentTranslator::new()
            .with_indexed_attrs(["route".to_owned(), "lambda_request_id".to_owned()]),
    );
    let provider = SdkTracerProvider::builder()
        .with_id_generator(XrayIdGenerator::default())
        // Lambda decides: only what its trace header samples.
        .with_sampler(Sampler::ParentBased(Box::new(Sampler::AlwaysOff)))
        .with_span_processor(Subsegments(SimpleSpanProcessor::new(exporter)))
        .build();
    let tracer = provider.tracer(SERVICE);
    Ok(tracing_opentelemetry::layer()
        .with_tracer(tracer)
        .with_tracked_inactivity(false)
        .with_location(false)
        .with_threads(false)
        .with_filter(filter_fn(traced).with_max_level_hint(LevelFilter::DEBUG)))
}

/// Which spans the layer sees (by callsite, so decided once per callsite):
/// ours that [`shape`] keeps, and the AWS SDK's DynamoDB operation spans
/// (at debug level, which the log filter does not let through). No events.
fn traced(meta: &tracing::Metadata<'_>) -> bool {
    meta.is_span()
        && ((meta.target().starts_with("share_resolver")
            && matches!(meta.name(), REQUEST_SPAN | "graph" | "sharepoint"))
            || meta.target().starts_with("aws_sdk_dynamodb"))
}

/// The span a request runs in: under Lambda, a child of the invocation's
/// segment named by `trace_header` (`Root=…;Parent=…;Sampled=…`), with
/// the invocation's `lambda_request_id`.
pub fn request_span(
    route: &str,
    trace_header: Option<&str>,
    lambda_request_id: Option<&str>,
) -> tracing::Span {
    let span = tracing::info_span!(REQUEST_SPAN, route, lambda_request_id);
    if let Some(header) = trace_header {
        let carrier = HashMap::from([("x-amzn-trace-id".to_owned(), header.to_owned())]);
        let parent = XrayPropagator::default().extract_with_context(&Context::new(), &carrier);
        // Without the X-Ray layer there is nothing to attach: fine.
        let _ = span.set_parent(parent);
    }
    span
}

/// Hands the exporter only the spans [`shape`] keeps, as it shapes them.
#[derive(Debug)]
struct Subsegments<P>(P);

impl<P: SpanProcessor> SpanProcessor for Subsegments<P> {
    fn on_start(&self, span: &mut Span, cx: &Context) {
        self.0.on_start(span, cx);
    }
    fn on_end(&self, span: SpanData) {
        if let Some(span) = shape(span) {
            self.0.on_end(span);
        }
    }
    fn force_flush(&self) -> OTelSdkResult {
        self.0.force_flush()
    }
    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.0.shutdown_with_timeout(timeout)
    }
}

/// The span as X-Ray gets it: a name, a kind and an allow-list of
/// attributes (the translator names a subsegment by `peer.service` or, for
/// AWS calls, `rpc.service`; `http.response.status_code` is its HTTP
/// status); `None` for a span that is not traced.
fn shape(mut span: SpanData) -> Option<SpanData> {
    let attribute = |key: &str| {
        span.attributes
            .iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| kv.value.clone())
    };
    // Recorded after the span started, a u16 arrives as its text.
    let status = attribute("status")
        .and_then(|v| match v {
            Value::I64(n) => Some(n),
            other => other.as_str().parse().ok(),
        })
        .map(|n| KeyValue::new("http.response.status_code", n));
    // `None`: the name stays (the SDK's `DynamoDB.GetItem` names its operation).
    let (name, kind, attributes): (Option<&'static str>, SpanKind, Vec<KeyValue>) =
        match span.name.as_ref() {
            REQUEST_SPAN => (
                Some(SERVICE),
                SpanKind::Internal,
                ["route", "lambda_request_id"]
                    .into_iter()
                    .filter_map(|key| attribute(key).map(|v| KeyValue::new(key, v)))
                    .collect(),
            ),
            "graph" => (
                Some("Microsoft Graph"),
                SpanKind::Client,
                std::iter::once(KeyValue::new("peer.service", "Microsoft Graph"))
                    .chain(status)
                    .collect(),
            ),
            "sharepoint" => (
                Some("SharePoint"),
                SpanKind::Client,
                std::iter::once(KeyValue::new("peer.service", "SharePoint"))
                    .chain(status)
                    .collect(),
            ),
            _ if attribute("rpc.system").is_some_and(|v| v.as_str() == "aws-api") => (
                None,
                SpanKind::Client,
                ["rpc.system", "rpc.service", "rpc.method"]
                    .into_iter()
                    .filter_map(|key| attribute(key).map(|v| KeyValue::new(key, v)))
                    .collect(),
            ),
            _ => return None,
        };
    if let Some(name) = name {
        span.name = name.into();
    }
    span.span_kind = kind;
    span.attributes = attributes;
    span.dropped_attributes_count = 0;
    span.events = Default::default();
    span.links = Default::default();
    Some(span)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documents a daemon on loopback gets for what `traced` does.
    fn sent(traced: impl FnOnce()) -> Vec<serde_json::Value> {
        let daemon = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        daemon
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let subscriber = crate::telemetry::get_subscriber_with_xray(
            "info",
            std::io::sink,
            Some(daemon.local_addr().unwrap()),
        );
        tracing::subscriber::with_default(subscriber, traced);
        let mut docs = Vec::new();
        let mut buf = vec![0u8; 65_536];
        while let Ok(n) = daemon.recv(&mut buf) {
            let text = std::str::from_utf8(&buf[..n]).unwrap();
            let (header, body) = text.split_once('\n').unwrap();
            assert_eq!(header, r#"{"format": "json", "version": 1}"#);
            docs.push(serde_json::from_str(body).unwrap());
        }
        docs
    }

    fn header_of_now(sampled: u8) -> (String, String) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let root = format!("1-{now:08x}-5759e988bd862e3fe1be46a9");
        let header = format!("Root={root};Parent=53995c3f42cd8ad8;Sampled={sampled}");
        (root, header)
    }

    #[test]
    fn a_sampled_request_and_its_graph_call_reach_the_daemon_without_their_fields() {
        let (root, header) = header_of_now(1);
        let docs = sent(|| {
            let span = request_span("/v1/resolve", Some(&header), Some("lambda-1"));
            span.in_scope(|| {
                let call = tracing::info_span!(
                    "graph",
                    path = "/shares/u!secret",
                    status = tracing::field::Empty
                );
                call.record("status", 401u16);
                call.in_scope(|| tracing::info!("an event is no subsegment"));
            });
        });
        assert_eq!(docs.len(), 2, "{docs:?}");
        let (graph, request) = (&docs[0], &docs[1]);
        assert_eq!(request["name"], SERVICE);
        assert_eq!(request["type"], "subsegment");
        assert_eq!(request["trace_id"], root);
        assert_eq!(request["parent_id"], "53995c3f42cd8ad8");
        assert_eq!(request["annotations"]["route"], "/v1/resolve");
        assert_eq!(request["annotations"]["lambda_request_id"], "lambda-1");
        assert_eq!(graph["name"], "Microsoft Graph");
        assert_eq!(graph["parent_id"], request["id"]);
        assert_eq!(graph["namespace"], "remote");
        assert_eq!(graph["http"]["response"]["status"], 401);
        let text = serde_json::to_string(&docs).unwrap();
        assert!(!text.contains("secret"), "{text}");
        assert!(!text.contains("event"), "{text}");
    }

    #[test]
    fn unsampled_or_untraced_requests_send_nothing() {
        let (_, header) = header_of_now(0);
        let docs = sent(|| {
            request_span("/v1/resolve", Some(&header), Some("lambda-1")).in_scope(|| {
                tracing::info_span!("graph").in_scope(|| {});
            });
            request_span("/v1/resolve", None, None).in_scope(|| {
                tracing::info_span!("graph").in_scope(|| {});
            });
        });
        assert_eq!(docs, Vec::<serde_json::Value>::new());
    }

    #[test]
    fn the_daemon_address_is_read_in_both_forms() {
        let daemon: SocketAddr = "169.254.79.129:2000".parse().unwrap();
        assert_eq!(parse_daemon("169.254.79.129:2000"), Some(daemon));
        assert_eq!(
            parse_daemon("tcp:127.0.0.1:2000 udp:169.254.79.129:2000"),
            Some(daemon)
        );
        assert_eq!(parse_daemon(""), None);
        assert_eq!(parse_daemon("not an address"), None);
    }
}
