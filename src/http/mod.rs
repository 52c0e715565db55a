//! The HTTP surface: routes, CORS, body limit, problem responses. The same
//! `Router` serves under the Lambda runtime and as a local server.

mod problem;
mod routes;

pub use problem::Problem;
pub use routes::{MAX_BODY_BYTES, router};
