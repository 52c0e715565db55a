//! Replays every committed fuzz input (fuzz/corpus/<target>/) and every crash
//! artifact (fuzz/artifacts/<target>/, regressions until fixed) through the
//! functions the fuzz targets call, on stable, as part of `cargo test`.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use share_resolver::fuzzing;

type Target = fn(&[u8]);

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs every input of `name`'s corpus and artifacts; fails listing those
/// that panic (each panic's message is printed above the list).
fn replay(name: &str, target: Target) {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let corpus = files_in(&fuzz.join("corpus").join(name));
    assert!(!corpus.is_empty(), "fuzz/corpus/{name}/ has no inputs");
    let artifacts = files_in(&fuzz.join("artifacts").join(name));
    let failures: Vec<String> = corpus
        .iter()
        .chain(&artifacts)
        .filter(|file| {
            let data = fs::read(file).expect("a readable corpus file");
            catch_unwind(AssertUnwindSafe(|| target(&data))).is_err()
        })
        .map(|file| file.display().to_string())
        .collect();
    assert!(
        failures.is_empty(),
        "{name}: {} of {} inputs fail:\n{}",
        failures.len(),
        corpus.len() + artifacts.len(),
        failures.join("\n")
    );
}

#[test]
fn share_id_corpus() {
    replay("share_id", fuzzing::share_id);
}

#[test]
fn token_peek_corpus() {
    replay("token_peek", fuzzing::token_peek);
}

#[test]
fn retry_after_corpus() {
    replay("retry_after", fuzzing::retry_after);
}

#[test]
fn graph_error_body_corpus() {
    replay("graph_error_body", fuzzing::graph_error_body);
}

#[test]
fn decoded_url_corpus() {
    replay("decoded_url", fuzzing::decoded_url);
}
