//! Tests of the graph importers.

use super::*;

fn after(sk: &Skeleton) -> Vec<(String, Vec<String>)> {
    sk.steps()
        .map(|s| {
            (
                s.id.to_string(),
                s.after.iter().map(|a| a.to_string()).collect(),
            )
        })
        .collect()
}

fn pairs(v: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.iter().map(|s| s.to_string()).collect()))
        .collect()
}

#[test]
fn terragrunt_dag_graph_with_log_noise_and_absolute_paths() {
    let text = "INFO   Discovering units\n\
        digraph {\n\
        \t\"/srv/infra/live/app\" ;\n\
        \t\"/srv/infra/live/app\" -> \"/srv/infra/live/db\";\n\
        \t\"/srv/infra/live/app\" -> \"/srv/infra/live/vpc\";\n\
        \t\"/srv/infra/live/db\" ;\n\
        \t\"/srv/infra/live/db\" -> \"/srv/infra/live/vpc\";\n\
        \t\"/srv/infra/live/vpc\" ;\n\
        }\n\
        INFO   done {not a graph}\n";
    let sk = parse(text, "dag.dot").unwrap();
    assert_eq!(
        after(&sk),
        pairs(&[("vpc", &[]), ("db", &["vpc"]), ("app", &["db"])])
    );
}

#[test]
fn terraform_graph_keeps_resources_through_dropped_nodes() {
    let text = r#"digraph {
	compound = "true"
	newrank = "true"
	subgraph "root" {
		"[root] aws_ecs_service.api (expand)" [label = "aws_ecs_service.api", shape = "box"]
		"[root] module.network.aws_vpc.main (expand)" [label = "module.network.aws_vpc.main", shape = "box"]
		"[root] module.network.aws_subnet.private (expand)" [label = "module.network.aws_subnet.private", shape = "box"]
		"[root] module.network.output.subnet_ids (expand)" [label = "module.network.output.subnet_ids", shape = "note"]
		"[root] provider[\"registry.terraform.io/hashicorp/aws\"]" [label = "provider[\"registry.terraform.io/hashicorp/aws\"]", shape = "diamond"]
		"[root] aws_ecs_service.api (expand)" -> "[root] module.network.output.subnet_ids (expand)"
		"[root] module.network.output.subnet_ids (expand)" -> "[root] module.network.aws_subnet.private (expand)"
		"[root] module.network.aws_subnet.private (expand)" -> "[root] module.network.aws_vpc.main (expand)"
		"[root] module.network.aws_vpc.main (expand)" -> "[root] provider[\"registry.terraform.io/hashicorp/aws\"]"
		"[root] root" -> "[root] aws_ecs_service.api (expand)"
	}
}
"#;
    let sk = parse(text, "tf.dot").unwrap();
    assert_eq!(
        after(&sk),
        pairs(&[
            ("module.network.aws_vpc.main", &[]),
            (
                "module.network.aws_subnet.private",
                &["module.network.aws_vpc.main"]
            ),
            (
                "aws_ecs_service.api",
                &["module.network.aws_subnet.private"]
            ),
        ])
    );
    let systems: Vec<Option<&str>> = sk.steps().map(|s| s.system).collect();
    assert_eq!(systems, [Some("network"), Some("network"), Some("root")]);
}

#[test]
fn redundant_edges_are_reduced() {
    let text = "digraph { \"a/x\" -> \"a/y\" -> \"a/z\"; \"a/x\" -> \"a/z\" [style=dashed]; }";
    let sk = parse(text, "g").unwrap();
    assert_eq!(
        after(&sk),
        pairs(&[("z", &[]), ("y", &["z"]), ("x", &["y"])])
    );
}

#[test]
fn find_json_with_duplicates_and_stacks() {
    let text = r#"[
      {"type": "stack", "path": "stacks/prod"},
      {"type": "unit", "path": "live/prod/app", "dependencies": ["live/prod/db"]},
      {"type": "unit", "path": "live/prod/db", "dependencies": ["live/prod/vpc"]},
      {"type": "unit", "path": "live/prod/vpc", "dependencies": []},
      {"type": "unit", "path": "live/prod/app", "dependencies": ["live/prod/vpc"]}
    ]"#;
    let sk = parse(text, "find.json").unwrap();
    assert_eq!(
        after(&sk),
        pairs(&[("vpc", &[]), ("db", &["vpc"]), ("app", &["db"])])
    );
    assert!(sk.warnings[0].message.contains("listed twice"));
}

#[test]
fn malformed_graphs() {
    let e = |t: &str| parse(t, "g.dot").unwrap_err().to_string();
    assert!(e("nothing here").starts_with("g.dot: no `digraph` in the file"));
    assert!(
        e("digraph {\n \"a\" -> \"b\n}\n").starts_with("g.dot:2: a quoted name is never closed")
    );
    assert!(
        e("digraph {\n \"a\" -> \"b\";\n").starts_with("g.dot:3: the digraph is never closed"),
        "{}",
        e("digraph {\n \"a\" -> \"b\";\n")
    );
    assert!(e("digraph {\n \"a\" -> ;\n}").starts_with("g.dot:2: an edge `->` has no target"));
    assert!(e("digraph { }").contains("no nodes"));
    assert!(e("[{\"type\": \"unit\"}]").contains("entry 1 has no `path`"));
    assert!(e("[{\"type\": \"unit\", \"path\": \"a\",").starts_with("g.dot:1: malformed JSON"));
    assert!(e("digraph { \"x/a b\" ; \"x/a-b\" ; }").contains("both become step id \"a-b\""));
}

#[test]
fn skeletons_are_valid_plans_once_durations_are_added() {
    let text = "digraph { \"live/app\" -> \"live/db\" -> \"live/vpc\"; }";
    let sk = parse(text, "g").unwrap();
    let toml_text = render_skeleton(&sk, "g", "imported").replace("# duration", "duration");
    let loaded = crate::plan::parse_plan(&toml_text, crate::plan::Format::Toml, "x").unwrap();
    let plan = loaded.plan;
    assert_eq!(plan.steps.len(), 3);
    assert_eq!(plan.steps[2].id, "app");
    assert_eq!(plan.steps[2].after, vec![1]);
}

#[test]
fn terragrunt_dag_graph_with_plain_unit_names() {
    // What `terragrunt dag graph` prints run from the units' folder (Terragrunt's own tests).
    let text = "digraph {\n\t\"app\" ;\n\t\"app\" -> \"vpc\";\n\t\"app\" -> \"db\";\n\t\"db\" ;\n\t\"db\" -> \"vpc\";\n\t\"vpc\" ;\n}\n";
    let sk = parse(text, "dag.dot").unwrap();
    assert_eq!(
        after(&sk),
        pairs(&[("vpc", &[]), ("db", &["vpc"]), ("app", &["db"])])
    );
    assert!(sk.warnings.is_empty(), "{:?}", sk.warnings);
}

#[test]
fn terraform_graphs_with_plain_addresses() {
    // `terraform graph` from Terraform 1.7 on names resources by address alone.
    let text = "digraph G {\n  rankdir = \"RL\";\n  node [shape = rect, fontname = \"sans-serif\"];\n  \"aws_instance.web\" [label=\"aws_instance.web\"];\n  \"aws_vpc.main\" [label=\"aws_vpc.main\"];\n  \"aws_instance.web\" -> \"aws_vpc.main\";\n}\n";
    let sk = parse(text, "tf.dot").unwrap();
    assert_eq!(
        after(&sk),
        pairs(&[
            ("aws_vpc.main", &[]),
            ("aws_instance.web", &["aws_vpc.main"])
        ])
    );
}

#[test]
fn a_graph_that_yields_no_step_is_an_error() {
    let e = |t: &str| parse(t, "g.dot").unwrap_err().to_string();
    let only_plumbing = "digraph {\n \"[root] var.region\" -> \"[root] provider[\\\"registry.terraform.io/hashicorp/aws\\\"]\";\n}\n";
    assert!(
        e(only_plumbing).starts_with("g.dot: the graph has 2 nodes but no managed resource"),
        "{}",
        e(only_plumbing)
    );
    assert!(e("").starts_with("g.dot: the file is empty"), "{}", e(""));
    assert!(e("[]").contains("no units in the file"));
    assert!(e("[{\"type\": \"stack\", \"path\": \"s\"}]").contains("no units in the file"));
}

#[test]
fn names_with_escapes_and_many_blocks_of_candidates() {
    // A quoted name with an escaped quote and a line continuation is one name.
    let text = "digraph {\n \"x/a\\\"b\" -> \"x/c\";\n \"x/a\\\"b\" -> \"x/c\\\n\";\n}";
    let sk = parse(text, "g").unwrap();
    assert_eq!(after(&sk), pairs(&[("c", &[]), ("a-b", &["c"])]));
    // A chain of 3,000 units, each also depending on the one two below: every second edge is
    // implied, across many blocks of candidates.
    let mut big = String::from("digraph {\n");
    for i in 2..3000 {
        big.push_str(&format!(
            " \"u/{i}\" -> \"u/{}\";\n \"u/{i}\" -> \"u/{}\";\n",
            i - 1,
            i - 2
        ));
    }
    big.push_str(" \"u/1\" -> \"u/0\";\n}\n");
    let sk = parse(&big, "g").unwrap();
    assert_eq!(sk.len(), 3000);
    assert!(sk.steps().skip(1).all(|s| s.after.len() == 1));
}
