//! Log capture: every line the service logs in a test process, searchable.

use std::io::Write;
use std::sync::{Arc, LazyLock, Mutex};

use share_resolver::telemetry::{get_subscriber, init_subscriber};

/// Every log line any test produced, so a test can search them. Installed as
/// the process's subscriber on first use.
pub static LOGS: LazyLock<CapturedLogs> = LazyLock::new(|| {
    let logs = CapturedLogs::default();
    init_subscriber(get_subscriber("info", logs.clone()));
    logs
});

/// A `MakeWriter` keeping lines in memory (and echoing them with `TEST_LOG`).
#[derive(Clone, Default)]
pub struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl CapturedLogs {
    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if std::env::var_os("TEST_LOG").is_some() {
            std::io::stdout().write_all(buf)?;
        }
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for CapturedLogs {
    type Writer = CapturedLogs;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
