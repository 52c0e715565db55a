//! Logs are JSON lines through `tracing`. The token never reaches them: no
//! span or event records it (`skip_all` on instrumented I/O), and a test
//! checks every captured line.
//!
//! The lines are one flat JSON object per event (`timestamp`, `level`, the
//! event's fields, `target`), as `tracing-subscriber`'s JSON format writes
//! them. The request's own line is not one of them: it is also the
//! request's metrics (EMF), so `http::accounting` writes it through the
//! metrics' sink, whatever the log level.
//!
//! Traces: under Lambda with active tracing (`AWS_XRAY_DAEMON_ADDRESS` set),
//! a second layer turns the request's span and its Graph, SharePoint and
//! DynamoDB spans into X-Ray subsegments of the invocation's segment, sent
//! over UDP to the X-Ray daemon (see [`xray`]).

use std::fmt;
use std::net::SocketAddr;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::{EnvFilter, Layer as _, Registry};

pub mod xray;

/// Crates whose verbose levels can print HTTP headers or Lambda payloads.
const HEADER_LOGGING_CRATES: [&str; 7] = [
    "lambda_runtime",
    "lambda_runtime_api_client",
    "lambda_http",
    "hyper",
    "hyper_util",
    "reqwest",
    "h2",
];

/// The filter the environment asks for: `AWS_LAMBDA_LOG_LEVEL`, else
/// `RUST_LOG`; `Ok(None)` when neither is set, `Err` naming the variable
/// when its value is not a valid filter (the start-up then fails, rather
/// than logging at a level nobody asked for).
pub fn filter_from_env() -> Result<Option<EnvFilter>, String> {
    let (name, value) = match (
        std::env::var("AWS_LAMBDA_LOG_LEVEL"),
        std::env::var("RUST_LOG"),
    ) {
        (Ok(level), _) if !level.trim().is_empty() => {
            ("AWS_LAMBDA_LOG_LEVEL", level.to_ascii_lowercase())
        }
        (_, Ok(filter)) if !filter.trim().is_empty() => ("RUST_LOG", filter),
        _ => return Ok(None),
    };
    parse_filter(&value)
        .map(Some)
        .map_err(|e| format!("{name}={value:?} is not a valid log filter: {e}"))
}

fn parse_filter(value: &str) -> Result<EnvFilter, String> {
    EnvFilter::builder()
        .with_regex(false)
        .parse(value)
        .map_err(|e| e.to_string())
}

/// A JSON subscriber writing to `sink`, filtered by `AWS_LAMBDA_LOG_LEVEL`,
/// then `RUST_LOG`, then `default_filter` (also when those are invalid:
/// `main` checks them first with [`filter_from_env`]); with X-Ray
/// subsegments when `AWS_XRAY_DAEMON_ADDRESS` names the daemon (Lambda sets
/// it when tracing is active).
pub fn get_subscriber<W>(default_filter: &str, sink: W) -> impl Subscriber + Send + Sync
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    get_subscriber_with_xray(default_filter, sink, xray::daemon_from_env())
}

/// [`get_subscriber`], sending X-Ray subsegments to `xray_daemon` if given.
pub fn get_subscriber_with_xray<W>(
    default_filter: &str,
    sink: W,
    xray_daemon: Option<SocketAddr>,
) -> impl Subscriber + Send + Sync
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = filter_from_env()
        .ok()
        .flatten()
        .unwrap_or_else(|| EnvFilter::new(default_filter));
    // At debug/trace these crates log raw events and request headers, the
    // caller's `Authorization` among them: cap them whatever RUST_LOG says.
    let filter = HEADER_LOGGING_CRATES.iter().fold(filter, |f, target| {
        match format!("{target}=info").parse() {
            Ok(directive) => f.add_directive(directive),
            Err(_) => f,
        }
    });
    // CloudWatch stamps every line; a second timestamp is noise there.
    let in_lambda = std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some();
    let json = tracing_subscriber::fmt::layer()
        .event_format(JsonLines {
            timestamps: !in_lambda,
        })
        .with_writer(sink)
        .with_filter(filter);
    // A socket that cannot be opened costs the traces, not the service.
    let xray = xray_daemon.and_then(|daemon| match xray::layer(daemon) {
        Ok(layer) => Some(layer),
        Err(e) => {
            eprintln!("X-Ray tracing off: no UDP socket for the daemon at {daemon}: {e}");
            None
        }
    });
    Registry::default().with(json).with(xray)
}

/// The event formatter: one flat JSON object per line (module docs).
struct JsonLines {
    timestamps: bool,
}

impl<S, N> FormatEvent<S, N> for JsonLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        let mut line = Map::new();
        if self.timestamps {
            let mut timestamp = String::new();
            SystemTime.format_time(&mut Writer::new(&mut timestamp))?;
            line.insert("timestamp".into(), Value::String(timestamp));
        }
        line.insert("level".into(), Value::String(meta.level().to_string()));
        event.record(&mut Fields(&mut line));
        line.insert("target".into(), Value::String(meta.target().to_owned()));
        let text = serde_json::to_string(&line).map_err(|_| fmt::Error)?;
        writeln!(writer, "{text}")
    }
}

/// Collects an event's fields into the line's map.
struct Fields<'a>(&'a mut Map<String, Value>);

impl Fields<'_> {
    fn put(&mut self, field: &Field, value: Value) {
        let name = field.name();
        self.0
            .insert(name.strip_prefix("r#").unwrap_or(name).to_owned(), value);
    }
}

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::String(value.to_owned()));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        // `%value` arrives here too, formatted by its `Display`.
        self.put(field, Value::String(format!("{value:?}")));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::Bool(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::from(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, Value::from(value));
    }
}

/// Installs `subscriber` as the global default (once per process).
pub fn init_subscriber(subscriber: impl Subscriber + Send + Sync) {
    // A second call (tests) is harmless: the first subscriber stays.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_filters_are_parsed_strictly() {
        for (filter, ok) in [
            ("info", true),
            ("warn,share_resolver=debug", true),
            ("share_resolver[request]=info", true),
            ("info,=", false),
            ("debug,foo=bar=baz", false),
            ("share_resolver=loud", false),
        ] {
            assert_eq!(parse_filter(filter).is_ok(), ok, "{filter}");
        }
    }

    /// What one event writes with [`JsonLines`].
    fn line_of(event: impl FnOnce()) -> Value {
        #[derive(Clone, Default)]
        struct Sink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl std::io::Write for Sink {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let sink = Sink::default();
        let writer = sink.clone();
        let subscriber = Registry::default().with(
            tracing_subscriber::fmt::layer()
                .event_format(JsonLines { timestamps: true })
                .with_writer(move || writer.clone()),
        );
        tracing::subscriber::with_default(subscriber, event);
        let bytes = sink.0.lock().unwrap().clone();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text.lines().count(), 1, "{text}");
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn lines_are_flat_json() {
        let line = line_of(|| {
            tracing::info!(
                status = 200u16,
                ok = true,
                ms = 1.5,
                user = Some("t#o"),
                absent = None::<&str>,
                error = %"boom",
                "request"
            );
        });
        assert_eq!(line["message"], "request");
        assert_eq!(line["level"], "INFO");
        assert_eq!(line["status"], 200);
        assert_eq!(line["ok"], true);
        assert_eq!(line["ms"], 1.5);
        assert_eq!(line["user"], "t#o");
        assert_eq!(line["error"], "boom");
        assert!(line.get("absent").is_none(), "{line}");
        assert!(line["timestamp"].as_str().unwrap().ends_with('Z'), "{line}");
        assert_eq!(line["target"], module_path!());
    }
}
