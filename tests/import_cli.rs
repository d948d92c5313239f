//! `rtosim import` on the sample logs shipped in scenarios/drills, and on broken input.

mod common;

use common::{rtosim, stderr, stdout};

/// Parses the importers' CSV into (step, duration, outcome, drill) rows.
fn rows(csv: &str) -> Vec<(String, f64, String, String)> {
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("step,started,ended,duration,outcome,drill,source")
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].to_string(),
                f[3].parse().unwrap(),
                f[4].to_string(),
                f[5].to_string(),
            )
        })
        .collect()
}

#[test]
fn terraform_logs_give_one_attempt_per_apply() {
    let out = rtosim(&[
        "import",
        "terraform",
        "--drill",
        "gd-2025-06",
        "--resources",
        "scenarios/drills/terraform/vpc.log",
        "scenarios/drills/terraform/subnets.log",
        "scenarios/drills/terraform/orders-db-restore.log",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let got = rows(&stdout(&out));
    let summary: Vec<(&str, f64, &str)> = got
        .iter()
        .map(|r| (r.0.as_str(), r.1, r.2.as_str()))
        .collect();
    // First apply_start to last apply_complete/apply_errored, on the microsecond timestamps.
    assert_eq!(
        summary,
        [
            ("vpc", 17.0, "succeeded"),
            ("subnets", 159.2, "succeeded"),
            ("orders-db-restore", 725.5, "failed"),
        ]
    );
    assert!(got.iter().all(|r| r.3 == "gd-2025-06"));
    let err = stderr(&out);
    assert!(err.contains("aws_nat_gateway.c (create)"), "{err}");
    assert!(err.contains("aws_rds_cluster.orders FAILED"), "{err}");
}

#[test]
fn one_step_named_for_every_log_and_output_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("obs.csv");
    let out = rtosim(&[
        "import",
        "terraform",
        "--step",
        "network",
        "scenarios/drills/terraform/vpc.log",
        "scenarios/drills/terraform/security-groups.log",
        "-o",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    let got = rows(&std::fs::read_to_string(&out_file).unwrap());
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|r| r.0 == "network"));
}

#[test]
fn terragrunt_reports_csv_and_json_agree() {
    let csv = rtosim(&[
        "import",
        "terragrunt",
        "scenarios/drills/terragrunt/report.csv",
    ]);
    let json = rtosim(&[
        "import",
        "terragrunt",
        "scenarios/drills/terragrunt/report.json",
    ]);
    assert_eq!(csv.status.code(), Some(0), "{}", stderr(&csv));
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let (a, b) = (rows(&stdout(&csv)), rows(&stdout(&json)));
    let steps = |r: &[(String, f64, String, String)]| -> Vec<(String, String)> {
        r.iter().map(|x| (x.0.clone(), x.2.clone())).collect()
    };
    assert_eq!(steps(&a), steps(&b));
    assert_eq!(
        a.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
        [
            "vpc",
            "iam-service-roles",
            "subnets",
            "security-groups",
            "orders-db-restore",
            "ecs-cluster"
        ]
    );
    // The CSV has whole seconds, the JSON microseconds: within a second of each other.
    for (x, y) in a.iter().zip(&b) {
        assert!((x.1 - y.1).abs() < 1.0, "{x:?} {y:?}");
    }
    assert_eq!(a[4].2, "failed");
    assert!(stderr(&csv).contains("skipped 3 units that did not run"));
}

#[test]
fn graphs_become_plan_skeletons_that_check_once_completed() {
    let dir = tempfile::tempdir().unwrap();
    for file in [
        "scenarios/drills/graphs/terragrunt-dag.dot",
        "scenarios/drills/graphs/terragrunt-find.json",
        "scenarios/drills/graphs/terraform-graph.dot",
    ] {
        let out = rtosim(&["import", "graph", file]);
        assert_eq!(out.status.code(), Some(0), "{file}: {}", stderr(&out));
        let skeleton = stdout(&out);
        assert!(skeleton.contains("[[step]]"), "{skeleton}");
        // Completed with durations, the skeleton is a sound plan.
        let completed = skeleton.replace("# duration", "duration");
        let path = dir.path().join("plan.toml");
        std::fs::write(&path, completed).unwrap();
        let check = rtosim(&["check", path.to_str().unwrap()]);
        assert_eq!(check.status.code(), Some(0), "{file}: {}", stderr(&check));
    }
    let dag = stdout(&rtosim(&[
        "import",
        "graph",
        "scenarios/drills/graphs/terragrunt-dag.dot",
    ]));
    let find = stdout(&rtosim(&[
        "import",
        "graph",
        "scenarios/drills/graphs/terragrunt-find.json",
    ]));
    let body = |s: &str| s[s.find("[[step]]").unwrap()..].to_string();
    assert_eq!(
        body(&dag),
        body(&find),
        "the DAG and find outputs describe the same units"
    );
    assert!(dag.contains("id = \"orders-db-restore\"\nafter = [\"security-groups\", \"subnets\"]"));
}

#[test]
fn broken_input_is_a_clear_error_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let cases = [
        (
            vec![
                "terraform".to_string(),
                write(
                    "a.log",
                    "{\"type\":\"apply_start\",\"@timestamp\":\"noon\"}\n",
                ),
            ],
            "a.log:1: @timestamp: \"noon\" is not a timestamp",
        ),
        (
            vec![
                "terragrunt".to_string(),
                write(
                    "r.csv",
                    "Name,Started,Ended,Result\na,2025-06-05T16:28:41Z,2025-06-05T16:29:41Z,succeeded\na,2025-06-05T16:28:41Z,2025-06-05T16:29:41Z,succeeded\n",
                ),
            ],
            "r.csv:3: unit \"a\" appears twice (first at line 2)",
        ),
        (
            vec![
                "graph".to_string(),
                write("g.dot", "digraph {\n \"a\" -> \"b\n"),
            ],
            "g.dot:2: a quoted name is never closed",
        ),
        (
            vec![
                "terraform".to_string(),
                dir.path().join("missing.log").to_str().unwrap().to_string(),
            ],
            "cannot read",
        ),
    ];
    for (args, expected) in cases {
        let mut full = vec!["import"];
        full.extend(args.iter().map(String::as_str));
        let out = rtosim(&full);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.starts_with("error: "), "{err}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn terragrunt_dag_graph_with_plain_unit_names_imports_its_units() {
    let out = rtosim(&[
        "import",
        "graph",
        "tests/fixtures/import/terragrunt-dag-plain.dot",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("id = \"vpc\"\n")
            && text.contains("id = \"db\"\nafter = [\"vpc\"]\n")
            && text.contains("id = \"app\"\nafter = [\"db\"]\n"),
        "{text}"
    );
    // A graph that yields no step is an error, not an empty skeleton.
    let out = rtosim(&[
        "import",
        "graph",
        "tests/fixtures/import/terraform-no-resources.dot",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out)
            .contains("terraform-no-resources.dot: the graph has 2 nodes but no managed resource"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn imports_that_yield_nothing_are_errors_that_say_why() {
    for (args, expected) in [
        (
            ["terraform", "tests/fixtures/import/empty.log"],
            "error: tests/fixtures/import/empty.log: the file is empty (hint: record the apply with `terraform apply -json > LOG`",
        ),
        (
            ["terragrunt", "tests/fixtures/import/empty-report.json"],
            "error: tests/fixtures/import/empty-report.json: the file is empty (hint: write the report with",
        ),
        (
            ["terraform", "tests/fixtures/import/plan-read-failed.log"],
            "error: tests/fixtures/import/plan-read-failed.log:3: the run failed before any resource changed (Your query returned no results.",
        ),
    ] {
        let mut full = vec!["import"];
        full.extend(args);
        let out = rtosim(&full);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout(&out));
        assert!(stdout(&out).is_empty(), "{args:?}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(err.starts_with(expected), "{args:?}: {err}");
        assert!(!err.contains("truncated log"), "{err}");
        assert!(!err.contains("header"), "{err}");
    }
}

#[test]
fn terragrunt_retries_and_ignored_errors_keep_their_failed_attempts() {
    let out = rtosim(&[
        "import",
        "terragrunt",
        "tests/fixtures/import/report-retry.csv",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let got: Vec<(String, f64, String)> = rows(&stdout(&out))
        .into_iter()
        .map(|r| (r.0, r.1, r.2))
        .collect();
    let want = [
        ("vpc", 300.0, "failed"),
        ("vpc", 300.0, "succeeded"),
        ("dns", 0.0, "succeeded"),
        ("db", 120.0, "failed"),
    ];
    assert_eq!(got, want.map(|(a, b, c)| (a.to_string(), b, c.to_string())));
    let err = stderr(&out);
    assert!(err.contains("1 unit succeeded on a retry"), "{err}");
    assert!(
        err.contains("1 unit failed with the error ignored"),
        "{err}"
    );
    assert!(
        err.contains("1 unit took 0 s, under the report's 1 s resolution"),
        "{err}"
    );
}
