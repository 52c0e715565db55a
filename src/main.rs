//! The one binary: Lambda runtime when `AWS_LAMBDA_RUNTIME_API` is set (in
//! Lambda and under `cargo lambda watch`), a local HTTP server otherwise.

use std::process::ExitCode;

use share_resolver::configuration::Settings;
use share_resolver::startup::{App, serve};
use share_resolver::telemetry::{filter_from_env, get_subscriber, init_subscriber};

#[tokio::main]
async fn main() -> ExitCode {
    init_subscriber(get_subscriber("info", std::io::stdout));
    if let Err(e) = filter_from_env() {
        tracing::error!(error = %e, "invalid configuration");
        return ExitCode::FAILURE;
    }
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(e) => {
            tracing::error!(variable = e.name, error = %e, "invalid configuration");
            return ExitCode::FAILURE;
        }
    };
    let app = match App::build(&settings).await {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "start-up failed");
            return ExitCode::FAILURE;
        }
    };
    let result = if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        tracing::info!(
            store = app.resolver.store_name(),
            "starting under the Lambda runtime"
        );
        lambda_http::run(app.router)
            .await
            .map_err(|e| e.to_string())
    } else {
        match tokio::net::TcpListener::bind(settings.listen_addr).await {
            Ok(listener) => {
                tracing::info!(addr = %settings.listen_addr, store = app.resolver.store_name(), graph = %settings.graph_base_url, "listening");
                serve(listener, app.router).await.map_err(|e| e.to_string())
            }
            Err(e) => Err(format!("binding {}: {e}", settings.listen_addr)),
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "server stopped with an error");
            ExitCode::FAILURE
        }
    }
}
