//! Logs are JSON lines through `tracing`. The token never reaches them: no
//! span or event records it (`skip_all` on instrumented I/O), and a test
//! checks every captured line.

use tracing::Subscriber;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{EnvFilter, Registry};

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
/// `main` checks them first with [`filter_from_env`]).
pub fn get_subscriber<W>(default_filter: &str, sink: W) -> impl Subscriber + Send + Sync
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
    let in_lambda = std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some();
    let json = tracing_subscriber::fmt::layer()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(true)
        .with_writer(sink);
    // CloudWatch stamps every line; a second timestamp is noise there.
    let json = if in_lambda {
        json.without_time().boxed()
    } else {
        json.boxed()
    };
    Registry::default().with(filter).with(json)
}

/// Installs `subscriber` as the global default (once per process).
pub fn init_subscriber(subscriber: impl Subscriber + Send + Sync) {
    // A second call (tests) is harmless: the first subscriber stays.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

use tracing_subscriber::Layer as _;

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
}
