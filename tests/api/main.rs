//! Integration tests: the real router over HTTP against the Graph simulator.
mod dynamo;
mod errors;
mod folders;
mod health;
mod helpers;
mod hydration;
mod lambda;
mod logs;
mod metrics;
mod options;
mod prefer;
mod prewarm;
mod resolve;
mod retry;
mod security;
mod throttle;
mod warmup;
