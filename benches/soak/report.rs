//! The report: the run's figures against the targets, then the breakdowns
//! (outcomes, store calls, DynamoDB calls by proxy mode, EMF and logs).

use std::io::Write as _;
use std::sync::atomic::Ordering::SeqCst;

use share_resolver_testkit::ProxyMode;

use crate::audit::TableCheck;
use crate::run::{CLIENT_SLACK, Ending, FAULT_EVERY, GRACE, Soak};
use crate::tally::PANICS;

/// The targets checked so far: how many were met, which were missed.
#[derive(Default)]
struct Targets {
    met: usize,
    missed: Vec<String>,
}

/// The report's text, and the names of the targets it missed. Its last
/// line counts the targets as `N passed, N failed`, the form
/// `scripts/test.sh` sums.
pub fn render(soak: &Soak, end: &Ending, table: &TableCheck) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut targets = Targets::default();
    header(&mut out, soak, end);
    measures(&mut out, &mut targets, soak, end, table);
    breakdowns(&mut out, soak, table);
    let Targets { met, missed } = targets;
    if missed.is_empty() {
        out.push_str("\nall targets met\n");
    } else {
        out.push_str(&format!("\nTARGETS MISSED: {}\n", missed.join("; ")));
    }
    out.push_str(&format!(
        "{met} passed, {} failed (soak targets)\n",
        missed.len()
    ));
    (out, missed)
}

/// Prints the report and writes it to `.tmp/soak/report.txt`.
pub fn publish(out: &str) {
    println!("\n{out}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".tmp/soak");
    let written = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::File::create(dir.join("report.txt")))
        .and_then(|mut f| f.write_all(out.as_bytes()));
    match written {
        Ok(()) => println!("report written to {}", dir.join("report.txt").display()),
        Err(e) => eprintln!("soak: could not write the report: {e}"),
    }
}

/// What ran: the load, the faults, the DynamoDB windows.
fn header(out: &mut String, soak: &Soak, end: &Ending) {
    let cfg = &soak.cfg;
    let n = cfg.requests as u64;
    let never = cfg.never_hydrating();
    let deadline = soak.deadline;
    let (started, elapsed) = (soak.started, end.elapsed);
    out.push_str(&format!(
        "share-resolver fault soak: {} requests ({} % as batches of {}-20 links) from {} guests ({never} never hydrate), {} in flight, \
         {} % forged; Graph RTT {} ms, hydration lag {} ms; deadline {} s, client timeout {} s\n",
        cfg.requests,
        cfg.batch_pct,
        crate::batch::MIN_LINKS,
        cfg.users,
        cfg.concurrency,
        cfg.forged_pct,
        cfg.rtt.as_millis(),
        cfg.lag.as_millis(),
        deadline.as_secs_f64(),
        (deadline + CLIENT_SLACK).as_secs_f64(),
    ));
    out.push_str(&format!(
        "ran {:.1} s ({:.0} requests/s); {} Graph faults injected (every {FAULT_EVERY} requests: 503 Retry-After 1, 429 Retry-After 0.5, dropped connection, 2 s delay)\n",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64().max(1e-9),
        soak.faults_injected.load(SeqCst)
    ));
    {
        let windows = soak.windows.lock().unwrap_or_else(|e| e.into_inner());
        let mut line = String::from("DynamoDB windows (through the proxy):");
        let end_of_run = (ProxyMode::Pass, started + elapsed, cfg.requests);
        for (i, &(mode, start, start_i)) in windows.iter().enumerate() {
            if mode == ProxyMode::Pass {
                continue;
            }
            let (_, end, end_i) = windows.get(i + 1).copied().unwrap_or(end_of_run);
            let lasted = end.duration_since(start).as_secs_f64();
            line.push_str(&format!(
                " {} from {:.1} s for {lasted:.1} s ({:.0} % of the run time, requests {start_i}..{end_i});",
                if mode == ProxyMode::Refuse { "refused" } else { "stalled" },
                start.duration_since(started).as_secs_f64(),
                100.0 * lasted / elapsed.as_secs_f64(),
            ));
        }
        out.push_str(&line);
        out.push_str(&format!(" {} proxy connections\n\n", soak.proxy.accepted()));
    }
}

/// The measures, each against its target if it has one.
fn measures(
    out: &mut String,
    targets: &mut Targets,
    soak: &Soak,
    end: &Ending,
    table: &TableCheck,
) {
    let r = soak.results.lock().unwrap_or_else(|e| e.into_inner());
    let g = soak.graph_tally.lock().unwrap_or_else(|e| e.into_inner());
    let emf = soak.service.emf.lock().unwrap_or_else(|e| e.into_inner());
    let n = soak.cfg.requests as u64;
    let deadline = soak.deadline;
    let mut latencies = r.latencies.clone();
    latencies.sort_by(f64::total_cmp);
    let mut success_latencies = r.success_latencies.clone();
    success_latencies.sort_by(f64::total_cmp);
    let panics = PANICS.load(SeqCst) + soak.logs.panics.load(SeqCst) + end.worker_panics;
    let wrong = &table.wrong;
    let wrongly_written: u64 = wrong.values().sum();
    let lost = &table.lost;
    let records_lost: u64 = lost.values().sum();
    let (final_rss, peak_rss) = (end.final_rss, end.peak_rss);
    out.push_str(&format!(
        "{:<58} {:<24} {:<8} {}\n",
        "measure", "value", "target", "verdict"
    ));
    check(
        out,
        targets,
        "requests (single; batches)",
        format!("{n} ({}; {})", n - r.batches, r.batches),
        "",
        true,
    );
    check(
        out,
        targets,
        "links (single; inside batches)",
        format!(
            "{} ({}; {})",
            r.links,
            r.links - r.batch_links,
            r.batch_links
        ),
        "",
        true,
    );
    check(
        out,
        targets,
        &format!(
            "requests answered by the deadline ({} s + {} ms)",
            deadline.as_secs(),
            GRACE.as_millis()
        ),
        format!(
            "{} ({:.2} %), slowest {:.0} ms",
            r.in_time,
            pct(r.in_time, n),
            r.max_latency
        ),
        "100 %",
        r.in_time == n,
    );
    check(
        out,
        targets,
        "links answered by the deadline (each inner answer)",
        format!(
            "{} ({:.2} %)",
            r.links_in_time,
            pct(r.links_in_time, r.links)
        ),
        "100 %",
        r.links_in_time == r.links,
    );
    check(
        out,
        targets,
        "link successes (% of all; of legitimate tokens)",
        format!(
            "{} ({:.2} %; {:.2} %)",
            r.successes,
            pct(r.successes, r.links),
            pct(r.successes, r.links - r.forged_links)
        ),
        "",
        true,
    );
    check(out, targets, "panics", panics.to_string(), "0", panics == 0);
    check(
        out,
        targets,
        "own 5xx, links (not graph_unavailable/deadline_exceeded)",
        format!(
            "{}{}",
            r.own_5xx,
            if r.own_5xx_codes.is_empty() {
                String::new()
            } else {
                format!(" {:?}", r.own_5xx_codes)
            }
        ),
        "0",
        r.own_5xx == 0,
    );
    let never_exhausted = r.codes.get("hydration_exhausted").map_or(0, |c| c[1]);
    if never_exhausted > 0 {
        out.push_str(&format!(
            "    not counted: {never_exhausted} hydration_exhausted to never-hydrating guests (the right answer for them)\n"
        ));
    }
    if r.own_5xx > 0 {
        let after_faulted_warmup: u64 = soak
            .audit
            .users
            .iter()
            .filter(|u| u.faulted_warmups.load(SeqCst) > 0)
            .map(|u| u.own_5xx.load(SeqCst))
            .sum();
        out.push_str(&format!(
            "    {after_faulted_warmup} of them from guests one of whose warm-ups Graph answered 429/503 (an injected fault; {} such warm-ups in all)\n",
            g.faulted_warmups
        ));
    }
    check(
        out,
        targets,
        "records wrongly written",
        format!(
            "{wrongly_written}{}",
            if wrong.is_empty() {
                String::new()
            } else {
                format!(" {wrong:?}")
            }
        ),
        "0",
        wrongly_written == 0,
    );
    let forged_writes = soak.audit.forged_window_writes.load(SeqCst);
    check(
        out,
        targets,
        "store writes/deletes for a forged request's victim",
        forged_writes.to_string(),
        "0",
        forged_writes == 0,
    );
    let forged_claims = soak.audit.forged_window_claims.load(SeqCst);
    if forged_claims > 0 {
        out.push_str(&format!(
            "    not counted: {forged_claims} warming lease(s) claimed for a forged request's victim (the contract claims before anything proves the token; the fingerprint keeps the victim from waiting on it)\n"
        ));
    }
    check(
        out,
        targets,
        "forged tokens answered 200 (requests; of them batches)",
        format!("{} of {} ({})", r.forged_ok, r.forged, r.forged_batches),
        "0",
        r.forged_ok == 0,
    );
    check(
        out,
        targets,
        "records lost (healthy-store success, no record)",
        format!("{records_lost}"),
        "",
        true,
    );
    for (reason, count) in lost {
        out.push_str(&format!("    {count} {reason}\n"));
    }
    let mut batch_latencies = r.batch_latencies.clone();
    batch_latencies.sort_by(f64::total_cmp);
    check(
        out,
        targets,
        "latency p50 / p90 / p99 / max, single requests (ms)",
        spread(&latencies),
        "",
        true,
    );
    check(
        out,
        targets,
        "latency p50 / p99, single successes (ms)",
        format!(
            "{:.0} / {:.0}",
            percentile(&success_latencies, 0.5),
            percentile(&success_latencies, 0.99)
        ),
        "",
        true,
    );
    check(
        out,
        targets,
        "latency p50 / p90 / p99 / max, batches (ms)",
        spread(&batch_latencies),
        "",
        true,
    );
    check(
        out,
        targets,
        "Graph round trips per link success (simulator log)",
        format!("{:.2}", g.calls as f64 / r.successes.max(1) as f64),
        "",
        true,
    );
    out.push_str(&format!(
        "    {} Graph round trips: {} /shares, {} $batch carrying {} requests, {} warm-ups, {} other, {} with status 0 (dropped by a fault, or in flight when the log was tallied), {} warm-ups answered 429/503 (a fault); service's own count (EMF GraphCalls) {}\n",
        g.calls, g.shares, g.batches, g.inner, g.warmups, g.other, g.dropped, g.faulted_warmups, emf.graph_calls
    ));
    check(
        out,
        targets,
        "peak RSS (VmHWM), whole process",
        format!("{peak_rss} KiB"),
        "",
        true,
    );
    {
        let rss = soak.rss.lock().unwrap_or_else(|e| e.into_inner());
        let samples: Vec<String> = rss
            .iter()
            .map(|(done, kib)| format!("{done}:{}", kib / 1024))
            .chain(std::iter::once(format!("final:{}", final_rss / 1024)))
            .collect();
        out.push_str(&format!(
            "    RSS MiB by requests done: {}\n",
            samples.join(" ")
        ));
    }
}

/// Outcomes, store and DynamoDB calls, EMF and logs, the table; the first
/// own 5xx with their log lines.
fn breakdowns(out: &mut String, soak: &Soak, table: &TableCheck) {
    let r = soak.results.lock().unwrap_or_else(|e| e.into_inner());
    let emf = soak.service.emf.lock().unwrap_or_else(|e| e.into_inner());
    let logs = &soak.logs;
    let succeeded = soak
        .audit
        .users
        .iter()
        .filter(|u| u.successes.load(SeqCst) > 0)
        .count();
    out.push_str(&format!(
        "\n{:<34} {:>7} {:>7} {:>7} {:>7} {:>7}\n",
        "outcome per link", "total", "%", "normal", "never", "forged"
    ));
    for (code, [normal, never_col, forged_col]) in &r.codes {
        let total = normal + never_col + forged_col;
        out.push_str(&format!(
            "{code:<34} {total:>7} {:>6.2}% {normal:>7} {never_col:>7} {forged_col:>7}\n",
            pct(total, r.links)
        ));
    }
    out.push_str(&format!(
        "batches by their own answer: {}\n",
        r.batch_answers
            .iter()
            .map(|(answer, count)| format!("{count} x {answer}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));

    out.push_str(&format!(
        "\nstore calls as the service made them (in front of the L1, hits included)\n{:<8} {:>7} {:>7} {:>7} {:>13}\n{}\n{}\n{}\n",
        "op", "calls", "ok", "error", format!("cut ({} ms)", soak.service.settings.store_timeout.as_millis()),
        soak.audit.get.line("get"),
        soak.audit.put.line("put"),
        soak.audit.forget.line("forget"),
    ));
    out.push_str(&format!(
        "\nDynamoDB calls (under the L1) by proxy mode during the call\n{:<13} {:>7} {:>7} {:>7} {:>7} {:>8}\n{}\n{}\n{}\n{}\n",
        "mode", "calls", "ok", "error", "cut", "mean ms",
        soak.service.dynamo_calls.row(0),
        soak.service.dynamo_calls.row(1),
        soak.service.dynamo_calls.row(2),
        soak.service.dynamo_calls.row(3),
    ));
    for (kind, count) in soak
        .service
        .dynamo_calls
        .errors
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
    {
        out.push_str(&format!("    {count} error(s) {kind}\n"));
    }
    out.push_str(&format!(
        "EMF: {} documents ({} of batches, {} unparsable) counting {} requests, StoreErrors {}, StoreTimeouts {}; logs: {} lines, store warnings {:?}, lines with token text {}\n",
        emf.documents,
        emf.batch_documents,
        emf.unparsable,
        emf.requests,
        emf.store_errors,
        emf.store_timeouts,
        logs.lines.load(SeqCst),
        logs.store_failures.lock().unwrap_or_else(|e| e.into_inner()),
        logs.token_text.load(SeqCst),
    ));
    out.push_str(&format!(
        "table {}: {} items ({} warming leases); {succeeded} guests succeeded at least once, {} with a success while the store was healthy; {} writes for unknown users\n",
        soak.service.table,
        table.items,
        table.leases,
        soak.audit
            .users
            .iter()
            .filter(|u| u.healthy_success.load(SeqCst))
            .count(),
        soak.audit.unknown_user_writes.load(SeqCst),
    ));
    if !r.own_5xx_examples.is_empty() {
        out.push_str("\nown 5xx, first examples (answer, then the service's request lines of that user with a 5xx outcome):\n");
        let kept = logs.server_errors.lock().unwrap_or_else(|e| e.into_inner());
        for (key, latency, body) in &r.own_5xx_examples {
            out.push_str(&format!("  user {key}, {latency:.0} ms: {body}\n"));
            for line in kept.iter().filter(|l| l.contains(key.as_str())) {
                out.push_str(&format!("    log: {line}\n"));
            }
        }
    }
}

/// One report line: what, value, target, verdict.
fn check(
    out: &mut String,
    targets: &mut Targets,
    name: &str,
    value: String,
    target: &str,
    ok: bool,
) {
    let verdict = if target.is_empty() {
        ""
    } else if ok {
        targets.met += 1;
        "ok"
    } else {
        targets.missed.push(name.to_owned());
        "MISSED"
    };
    out.push_str(&format!("{name:<58} {value:<24} {target:<8} {verdict}\n"));
}

fn pct(part: u64, whole: u64) -> f64 {
    100.0 * part as f64 / whole.max(1) as f64
}

/// p50 / p90 / p99 / max of `sorted`, in whole ms.
fn spread(sorted: &[f64]) -> String {
    format!(
        "{:.0} / {:.0} / {:.0} / {:.0}",
        percentile(sorted, 0.5),
        percentile(sorted, 0.9),
        percentile(sorted, 0.99),
        sorted.last().copied().unwrap_or(0.0)
    )
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64) * p).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
