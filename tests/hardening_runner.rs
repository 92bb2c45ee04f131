//! The runner under bad scenarios: one that hangs, one that fails, one that does not load, one
//! whose bridge cannot start, and parties that cannot bind (too few file descriptors). Each is
//! reported with its reason while the rest of the suite runs and the report stays complete. A
//! timed-out scenario's servers are stopped, and a run leaves no temporary files behind.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use rsa_verify_sim::cli::run::report;
use rsa_verify_sim::scenario::suite::{self, SuiteOptions};
use rsa_verify_sim::scenario::{RunOptions, Status};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn guide() -> String {
    std::fs::read_to_string(repo().join("scenarios/guide/delivers.toml")).expect("guide scenario")
}

/// A folder of scenario files: good ones around bad ones, in this (file name) order.
fn mixed_suite(dir: &Path) {
    let good = guide();
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).expect("write");
    write("a-delivers.toml", &good);
    write(
        "b-hangs.toml",
        &good
            .replace("name = \"Integration-guide", "name = \"Hanging bridge, guide")
            .replace(
                "certificate = \"root\"",
                "certificate = \"root\"\nread_timeout_ms = 600000",
            )
            .replace(
                "[user]",
                "[[bridge.faults]]\non = \"any\"\nfault = { kind = \"hang\", max_ms = 600000 }\n\n[user]",
            ),
    );
    write(
        "c-fails.toml",
        &good.replace("delivered = true", "delivered = false"),
    );
    write("d-unloadable.toml", "name = \"broken\n[rsa]\n");
    write(
        "e-bridge-cannot-start.toml",
        &good.replace(
            "[user]",
            "[bridge]\nkind = \"function\"\nfile = \"does-not-exist.js\"\n\n[user]",
        ),
    );
    write(
        "f-delivers.toml",
        &good.replace("Integration-guide", "Second"),
    );
}

fn open_descriptors() -> Option<usize> {
    std::fs::read_dir("/proc/self/fd").ok().map(|d| d.count())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_a_failing_an_unloadable_and_an_unstartable_scenario_are_each_reported_while_the_rest_run(
) {
    let dir = tempfile::tempdir().expect("temp dir");
    mixed_suite(dir.path());
    let before = open_descriptors();
    let options = SuiteOptions {
        jobs: 2,
        run: RunOptions {
            scenario_timeout: Duration::from_secs(2),
            ..RunOptions::default()
        },
        ..SuiteOptions::default()
    };
    let outcomes = tokio::time::timeout(
        Duration::from_secs(60),
        suite::run_paths(&[dir.path().to_path_buf()], &options),
    )
    .await
    .expect("the suite finished: the hanging scenario was stopped")
    .expect("the folder exists");

    let summary: Vec<(String, Status)> = outcomes
        .iter()
        .map(|o| {
            (
                o.file
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                o.status,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("a-delivers.toml".to_string(), Status::Passed),
            ("b-hangs.toml".to_string(), Status::Error),
            ("c-fails.toml".to_string(), Status::Failed),
            ("d-unloadable.toml".to_string(), Status::Error),
            ("e-bridge-cannot-start.toml".to_string(), Status::Error),
            ("f-delivers.toml".to_string(), Status::Passed),
        ],
        "one outcome per file, in file order"
    );
    let reason = |i: usize| outcomes[i].reason().unwrap_or_default();
    assert!(
        reason(1).contains("did not finish within 2 s and was stopped"),
        "{}",
        reason(1)
    );
    assert!(
        reason(2).contains("expected delivered = false"),
        "{}",
        reason(2)
    );
    assert!(
        reason(3).contains("d-unloadable.toml:1:15"),
        "{}",
        reason(3)
    );
    assert!(
        reason(4).contains("Function file") && reason(4).contains("cannot be read"),
        "{}",
        reason(4)
    );

    // The report names every file, with its verdict, and the reasons.
    let text = report(&outcomes, false, false);
    for (name, status) in &summary {
        let label = match status {
            Status::Passed => "PASS ",
            Status::Failed => "FAIL ",
            Status::Error => "ERROR",
            Status::Skipped => "SKIP ",
        };
        assert!(
            text.lines()
                .any(|l| l.starts_with(label) && l.contains(name.as_str())),
            "no {label} line for {name}:\n{text}"
        );
    }
    assert!(text.contains("did not finish within 2 s"), "{text}");

    // The stopped scenario's servers and connections are gone: descriptors return to where they
    // were (polled, since closing is asynchronous; other tests in this binary open few).
    if let Some(before) = before {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut now = open_descriptors().unwrap_or(0);
        while now > before && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
            now = open_descriptors().unwrap_or(0);
        }
        println!("descriptors: {before} before the suite, {now} after");
        assert!(
            now <= before + 4,
            "{now} descriptors open after the suite, {before} before: a stopped scenario leaks its servers"
        );
    }
}

/// Runs the binary with a bound; kills it if it outlives the bound.
fn run_binary(args: &[&str], envs: &[(&str, &Path)], cwd: &Path, bound: Duration) -> Output {
    use std::io::Read;
    let mut cmd = Command::new(args[0]);
    cmd.args(&args[1..])
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("the binary starts");
    // Read both pipes while the child runs: a verbose run writes more than a pipe holds, and a
    // child blocked on a full pipe never exits.
    let mut out_pipe = child.stdout.take().expect("piped stdout");
    let mut err_pipe = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out_pipe.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err_pipe.read_to_end(&mut v);
        v
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > bound {
            let _ = child.kill();
            let _ = child.wait();
            let stdout = out_reader.join().unwrap_or_default();
            panic!(
                "{args:?} still running after {bound:?}; stdout:\n{}",
                String::from_utf8_lossy(&stdout)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    }
}

fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(tree(&p));
            }
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn a_run_of_every_bundled_scenario_leaves_no_temporary_files_and_writes_nothing_beside_them() {
    let tmp = tempfile::tempdir().expect("TMPDIR for the run");
    let cwd = tempfile::tempdir().expect("working directory for the run");
    let scenarios = cwd.path().join("scenarios");
    // A copy of the bundled scenarios, so anything written beside them is seen.
    for src in tree(&repo().join("scenarios")) {
        let rel = src.strip_prefix(repo()).expect("inside the repo");
        let dst = cwd.path().join(rel);
        if src.is_dir() {
            std::fs::create_dir_all(&dst).expect("mkdir");
        } else {
            std::fs::create_dir_all(dst.parent().expect("parent")).expect("mkdir");
            std::fs::copy(&src, &dst).expect("copy");
        }
    }
    let before = tree(cwd.path());
    let out = run_binary(
        &[
            env!("CARGO_BIN_EXE_rsa-verify-sim"),
            "run",
            "scenarios",
            "-v",
        ],
        &[("TMPDIR", tmp.path())],
        cwd.path(),
        Duration::from_secs(240),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("scenarios: "), "{stdout}");
    assert_eq!(
        tree(tmp.path()),
        Vec::<PathBuf>::new(),
        "temporary files left behind"
    );
    assert_eq!(
        tree(cwd.path()),
        before,
        "the run wrote files beside the scenarios"
    );
    assert!(scenarios.is_dir());
}

#[test]
fn parties_that_cannot_bind_are_reported_as_errors_and_the_report_is_complete() {
    if Command::new("prlimit").arg("--version").output().is_err() {
        println!("prlimit is not installed; skipped");
        return;
    }
    let cwd = repo();
    let mut reported_bind_failure = false;
    // Too few descriptors for the servers to bind: the exact count depends on the runtime, so
    // raise the limit until a party fails to bind. Every run must end in a report (or a clean
    // refusal to start), never a crash. Stop there: just above it, connections wait in the
    // listen backlog until the plug-in's read timeout.
    for limit in 8..=16 {
        let nofile = format!("--nofile={limit}:{limit}");
        let out = run_binary(
            &[
                "prlimit",
                &nofile,
                env!("CARGO_BIN_EXE_rsa-verify-sim"),
                "run",
                "-j",
                "1",
                "--timeout",
                "20",
                "scenarios/guide",
            ],
            &[],
            cwd,
            Duration::from_secs(60),
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "limit {limit}: exit {code:?} (a crash?)\n{stdout}\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "limit {limit}: {stderr}");
        if !stdout.contains("\nscenarios: ") {
            // Too few descriptors to start the runtime or read the folder: a clean refusal.
            assert!(
                stderr.starts_with("error: ") && code == Some(2),
                "limit {limit}: exit {code:?}, no report and no error line\n{stdout}\n{stderr}"
            );
            continue;
        }
        assert!(
            stdout.contains("\nscenarios: ") && stdout.contains("delivers.toml"),
            "limit {limit}: incomplete report\n{stdout}"
        );
        if stdout
            .lines()
            .any(|l| l.contains("could not start") && l.contains("Too many open files"))
        {
            reported_bind_failure = true;
            assert_eq!(code, Some(2), "limit {limit}: {stdout}");
            assert!(stdout.contains("ERROR "), "{stdout}");
            break;
        }
    }
    assert!(
        reported_bind_failure,
        "no descriptor limit from 8 to 16 made a party fail to bind"
    );
}

/// A look-ahead pattern that fails on a 30 KB body scans for about 20 s in a debug build
/// (quadratic, which the backtracking limit does not count). The decision runs off the async
/// workers, so the scenario timeout still stops the scenario and reports it; the bound below is a
/// correctness bound on the timeout (2 s asked), not a speed target.
#[test]
fn the_scenario_timeout_stops_a_slow_response_format_decision() {
    let dir = tempfile::tempdir().expect("temp dir");
    let body = "x".repeat(30_000);
    let text = guide()
        .replace(
            r#"response_format = '.*status":\s?"([a-zA-Z]*)'"#,
            "response_format = '(?=.*x)status'",
        )
        .replace(
            "[user]",
            &format!("[rsa.quirks]\nerror_status = \"body_decides\"\n\n[[bridge.faults]]\non = \"any\"\nfault = {{ kind = \"status\", status = 200, body = \"{body}\" }}\n\n[user]"),
        );
    std::fs::write(dir.path().join("slow.toml"), text).expect("write");
    let options = SuiteOptions {
        run: RunOptions {
            scenario_timeout: Duration::from_secs(2),
            ..RunOptions::default()
        },
        ..SuiteOptions::default()
    };
    // An own runtime, shut down without waiting: the regex thread is still scanning when the
    // scenario has been reported, as the `run` command does at exit.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let started = Instant::now();
    let outcomes = runtime.block_on(async {
        tokio::time::timeout(
            Duration::from_secs(60),
            suite::run_paths(&[dir.path().to_path_buf()], &options),
        )
        .await
    });
    let took = started.elapsed();
    runtime.shutdown_background();
    let outcomes = outcomes
        .expect("the suite returned")
        .expect("the folder exists");
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].status, Status::Error, "{:?}", outcomes[0].error);
    assert!(
        outcomes[0]
            .error
            .as_deref()
            .unwrap_or("")
            .contains("did not finish within 2 s"),
        "{:?}",
        outcomes[0].error
    );
    assert!(
        took < Duration::from_secs(6),
        "a 2 s scenario timeout took {took:?} to stop the scenario"
    );
}

#[test]
fn the_certs_command_leaves_only_its_pem_files_even_when_it_fails() {
    let tmp = tempfile::tempdir().expect("TMPDIR");
    let out = tempfile::tempdir().expect("out");
    let bin = env!("CARGO_BIN_EXE_rsa-verify-sim");
    let dir = out.path().join("certs");
    let dir_arg = dir.display().to_string();
    let ok = run_binary(
        &[
            bin,
            "certs",
            "--host",
            "demo.twil.io",
            "--event",
            "all",
            &dir_arg,
        ],
        &[("TMPDIR", tmp.path())],
        out.path(),
        Duration::from_secs(120),
    );
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let written = tree(&dir);
    assert!(written.len() >= 6, "{written:?}");
    for f in &written {
        let name = f.file_name().unwrap_or_default().to_string_lossy();
        assert!(name.ends_with(".pem"), "a stray file: {}", f.display());
    }
    // A failing run (dates out of range) into a fresh folder, and one refusing to overwrite.
    let failed_dir = out.path().join("failed");
    let failed_arg = failed_dir.display().to_string();
    for args in [
        vec![
            bin,
            "certs",
            "--host",
            "demo.twil.io",
            "--now",
            "0000-01-01",
            failed_arg.as_str(),
        ],
        vec![bin, "certs", "--host", "demo.twil.io", dir_arg.as_str()],
    ] {
        let o = run_binary(
            &args,
            &[("TMPDIR", tmp.path())],
            out.path(),
            Duration::from_secs(120),
        );
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert_eq!(
        tree(&dir),
        written,
        "a refused overwrite changed the folder"
    );
    assert!(
        tree(&failed_dir).iter().all(|f| f.is_dir()),
        "a failed run left files: {:?}",
        tree(&failed_dir)
    );
    assert_eq!(
        tree(tmp.path()),
        Vec::<PathBuf>::new(),
        "temporary files left behind"
    );
}
