//! Property tests of the plan format: random DAGs pass, any back edge is reported as a cycle,
//! and no input, however broken, makes the parser panic.

use proptest::prelude::*;
use rtosim::plan::{Format, parse_plan};

/// A plan of `n` steps where `edges` lists (step, dependency) pairs.
fn plan_text(n: usize, edges: &[(usize, usize)]) -> String {
    let mut s = String::new();
    for i in 0..n {
        let after: Vec<String> = edges
            .iter()
            .filter(|(a, _)| *a == i)
            .map(|(_, b)| format!("\"s{b}\""))
            .collect();
        s.push_str(&format!(
            "[[step]]\nid = \"s{i}\"\nafter = [{}]\nduration = \"{}m\"\n\n",
            after.join(", "),
            i % 7 + 1
        ));
    }
    s
}

/// Random DAGs: every edge goes from a later step to an earlier one.
fn dag() -> impl Strategy<Value = (usize, Vec<(usize, usize)>)> {
    (2usize..30).prop_flat_map(|n| {
        let edges = proptest::collection::vec((1..n, 0..n), 0..n * 2)
            .prop_map(|pairs| pairs.into_iter().filter(|(a, b)| b < a).collect::<Vec<_>>());
        (Just(n), edges)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_dags_pass((n, edges) in dag()) {
        let text = plan_text(n, &edges);
        let result = parse_plan(&text, Format::Toml, "dag");
        prop_assert!(result.is_ok(), "{:?}", result.err());
    }

    #[test]
    fn any_back_edge_is_reported_as_a_cycle_containing_it(
        (n, edges) in dag(),
        pick in any::<prop::sample::Index>(),
    ) {
        // Close a cycle: pick an edge a -> b (a waits for b) or a self-loop, and make b wait for a.
        let (a, b) = if edges.is_empty() { (0, 0) } else { edges[pick.index(edges.len())] };
        let mut with_back = edges.clone();
        with_back.push((b, a));
        let text = plan_text(n, &with_back);
        let errors = parse_plan(&text, Format::Toml, "dag").expect_err("a cycle must be rejected");
        let cycles: Vec<&str> = errors
            .iter()
            .map(|d| d.message.as_str())
            .filter(|m| m.starts_with("circular dependency: ") || m.ends_with("depends on itself"))
            .collect();
        prop_assert!(!cycles.is_empty(), "{:?}", errors);
        let (sa, sb) = (format!("s{a}"), format!("s{b}"));
        for message in cycles {
            if let Some(chain) = message.strip_prefix("circular dependency: ") {
                let ids: Vec<&str> = chain.split(" -> ").collect();
                let has_back_edge = ids.windows(2).any(|w| w[0] == sb && w[1] == sa);
                prop_assert!(has_back_edge, "{} lacks {} -> {}", chain, sb, sa);
                prop_assert_eq!(ids.first(), ids.last());
            } else {
                prop_assert_eq!(a, b);
                let quoted = format!("\"{}\"", sa);
                prop_assert!(message.contains(&quoted));
            }
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_plan(&text, Format::Toml, "x");
        let _ = parse_plan(&text, Format::Json, "x");
    }

    #[test]
    fn truncated_plans_never_panic(cut in 0usize..2000) {
        let text = include_str!("fixtures/warn/warnings.toml");
        let mut end = cut.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let _ = parse_plan(&text[..end], Format::Toml, "x");
    }

    #[test]
    fn huge_and_odd_numbers_never_panic(
        groups in any::<i64>(),
        p in any::<f64>(),
        max in any::<i64>(),
        elasticity in any::<f64>(),
        minutes in any::<u64>(),
    ) {
        let text = format!(
            "size-elasticity = {elasticity:?}\n[teams.t]\ngroups = {groups}\n[[step]]\nid = \"a\"\nteam = \"t\"\nduration = \"{minutes}m\"\nretry = {{ p = {p:?}, max = {max} }}\n"
        );
        let _ = parse_plan(&text, Format::Toml, "x");
    }
}

#[test]
fn time_spans_overflowing_f64_are_rejected() {
    let text = format!(
        "[[step]]\nid = \"a\"\nduration = \"{}d\"\n",
        "9".repeat(400)
    );
    let errors = parse_plan(&text, Format::Toml, "x").unwrap_err();
    assert!(errors[0].message.contains("too long"), "{:?}", errors);
}

#[test]
fn a_dependency_implied_only_through_a_surviving_system_is_not_called_redundant() {
    // backend waits for the database and for internal DNS, which itself waits for the database.
    // When only the database is lost, internal DNS survives, so backend's own dependency on the
    // database is what makes it wait: it must not be flagged as redundant.
    let text = r#"
        [[step]]
        id = "orders-db"
        duration = "2h"
        [[step]]
        id = "internal-dns"
        after = ["orders-db"]
        duration = "10m"
        [[step]]
        id = "backend"
        after = ["internal-dns", "orders-db"]
        duration = "20m"
        [[scenario]]
        name = "everything"
        lost = ["*"]
        [[scenario]]
        name = "db-only"
        lost = ["orders-db", "backend"]
    "#;
    let loaded = parse_plan(text, Format::Toml, "x").unwrap();
    assert!(
        loaded
            .warnings
            .iter()
            .all(|w| !w.message.contains("already implied")),
        "{:?}",
        loaded.warnings
    );
    // Without the partial scenario the dependency really is implied.
    let everything_only = text.replace(
        "[[scenario]]\n        name = \"db-only\"\n        lost = [\"orders-db\", \"backend\"]",
        "",
    );
    let loaded = parse_plan(&everything_only, Format::Toml, "x").unwrap();
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.message.contains("already implied")),
        "{:?}",
        loaded.warnings
    );
}
