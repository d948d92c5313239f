//! Dependency graphs into plan skeletons: `terraform graph`, `terragrunt dag graph` and
//! `terragrunt find --json --dependencies`.
//!
//! A DOT edge `"a" -> "b"` means a depends on b. The reader keeps only what it needs from DOT
//! (node and edge statements, with attribute lists, `subgraph` wrappers, ports and comments
//! skipped) and ignores any text before `digraph` and after its closing brace, such as log lines
//! Terragrunt prints. A small reader of our own is used because the DOT parser crates either
//! cover less than this or carry a licence the project cannot ship under.
//!
//! Terraform node names such as `"[root] module.db.aws_rds_cluster.main (expand)"` become
//! resource addresses; providers, variables, locals, outputs, data sources and Terraform's
//! bookkeeping nodes are dropped while the dependencies through them are kept, and the result is
//! transitively reduced. Terragrunt unit paths, absolute or relative, lose their shared prefix.

use std::collections::HashMap;

use serde_json::Value;

use super::{ImportError, ImportWarning, normalize_unit_paths, sanitize_id};
use crate::plan::graph::topo_order;

/// One step of a skeleton.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkeletonStep {
    /// The step id.
    pub id: String,
    /// The system, when the source groups steps (Terraform modules).
    pub system: Option<String>,
    /// The step ids it waits for.
    pub after: Vec<String>,
}

/// A plan skeleton: steps and dependencies, for the user to complete.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Skeleton {
    /// Steps, dependencies first.
    pub steps: Vec<SkeletonStep>,
    /// Notes on what was dropped or merged.
    pub warnings: Vec<ImportWarning>,
}

/// Reads a DOT graph or the JSON of `terragrunt find --json --dependencies` (told apart by the
/// first character: `[` means JSON).
pub fn parse(text: &str, file: &str) -> Result<Skeleton, ImportError> {
    if text.trim_start().starts_with('[') {
        find_json(text, file)
    } else {
        dot(text, file)
    }
}

// ---------------------------------------------------------------------------------------------
// DOT

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Id(String),
    Arrow,
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Eq,
    Colon,
    Other,
}

/// Tokens of the DOT text from `digraph` to its closing brace, with their lines.
fn tokens(text: &str, file: &str) -> Result<Vec<(Tok, u64)>, ImportError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0usize, 1u64);
    let mut started = false;
    let mut depth = 0usize;
    let mut at_line_start = true;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
            at_line_start = true;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let line_start = std::mem::replace(&mut at_line_start, false);
        // Comments, and preprocessor-style lines starting with '#'.
        if (c == '/' && chars.get(i + 1) == Some(&'/')) || (c == '#' && line_start) {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                if chars[i] == '\n' {
                    line += 1;
                }
                i += 1;
            }
            i += 2;
            continue;
        }
        let tok_line = line;
        let tok = if c == '"' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => {
                        return Err(ImportError::at(
                            file,
                            Some(tok_line),
                            "a quoted name is never closed",
                        )
                        .with_hint("the graph looks cut off; export it again"));
                    }
                    Some('"') => break,
                    Some('\\') if chars.get(i + 1) == Some(&'"') => {
                        s.push('"');
                        i += 1;
                    }
                    Some('\\') if chars.get(i + 1) == Some(&'\n') => {
                        line += 1;
                        i += 1;
                    }
                    Some(&ch) => {
                        if ch == '\n' {
                            line += 1;
                        }
                        s.push(ch);
                    }
                }
                i += 1;
            }
            i += 1;
            Tok::Id(s)
        } else if c == '<' && started {
            // An HTML label: balanced angle brackets.
            let mut level = 0;
            let mut s = String::new();
            while let Some(&ch) = chars.get(i) {
                if ch == '\n' {
                    line += 1;
                }
                if ch == '<' {
                    level += 1;
                } else if ch == '>' {
                    level -= 1;
                }
                s.push(ch);
                i += 1;
                if level == 0 {
                    break;
                }
            }
            Tok::Id(s)
        } else if c.is_alphanumeric()
            || c == '_'
            || c == '.'
            || (c == '-'
                && chars
                    .get(i + 1)
                    .is_some_and(|d| d.is_ascii_digit() || *d == '.'))
        {
            let mut s = String::new();
            while let Some(&ch) = chars.get(i) {
                if ch.is_alphanumeric() || ch == '_' || ch == '.' || (ch == '-' && s.is_empty()) {
                    s.push(ch);
                    i += 1;
                } else {
                    break;
                }
            }
            Tok::Id(s)
        } else if c == '-' && chars.get(i + 1) == Some(&'>') {
            i += 2;
            Tok::Arrow
        } else {
            i += 1;
            match c {
                '{' => Tok::Open,
                '}' => Tok::Close,
                '[' => Tok::OpenBracket,
                ']' => Tok::CloseBracket,
                '=' => Tok::Eq,
                ':' => Tok::Colon,
                _ => Tok::Other,
            }
        };
        if !started {
            // Skip everything before the `digraph` keyword's opening brace.
            if matches!(&tok, Tok::Id(s) if s.eq_ignore_ascii_case("digraph")) {
                started = true;
            }
            continue;
        }
        match tok {
            Tok::Open => depth += 1,
            Tok::Close => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    out.push((Tok::Close, tok_line));
                    return Ok(out);
                }
            }
            _ => {}
        }
        out.push((tok, tok_line));
    }
    if !started {
        return Err(ImportError::at(file, None, "no `digraph` in the file").with_hint(
            "give the output of `terraform graph`, `terragrunt dag graph` or `terragrunt find --json --dependencies`",
        ));
    }
    Err(
        ImportError::at(file, Some(line), "the digraph is never closed")
            .with_hint("the graph looks cut off; export it again"),
    )
}

/// Node names in order of first appearance, and edges (from, to) between their indices.
/// Node names, and edges as (dependent, dependency) index pairs.
type NamedEdges = (Vec<String>, Vec<(usize, usize)>);

fn dot_graph(text: &str, file: &str) -> Result<NamedEdges, ImportError> {
    let toks = tokens(text, file)?;
    let mut names: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut node = |name: &str, names: &mut Vec<String>| -> usize {
        *index.entry(name.to_string()).or_insert_with(|| {
            names.push(name.to_string());
            names.len() - 1
        })
    };
    let mut edges = Vec::new();
    let mut i = 0;
    // Skip the graph's own name up to its opening brace.
    while i < toks.len() && toks[i].0 != Tok::Open {
        i += 1;
    }
    i += 1;
    let skip_attrs = |i: &mut usize| {
        if toks.get(*i).map(|t| &t.0) == Some(&Tok::OpenBracket) {
            while *i < toks.len() && toks[*i].0 != Tok::CloseBracket {
                *i += 1;
            }
            *i += 1;
        }
    };
    while i < toks.len() {
        match &toks[i].0 {
            Tok::Id(s) if s.eq_ignore_ascii_case("subgraph") => {
                i += 1;
                if matches!(toks.get(i).map(|t| &t.0), Some(Tok::Id(_))) {
                    i += 1;
                }
            }
            Tok::Id(s)
                if ["graph", "node", "edge"]
                    .iter()
                    .any(|k| s.eq_ignore_ascii_case(k))
                    && toks.get(i + 1).map(|t| &t.0) == Some(&Tok::OpenBracket) =>
            {
                i += 1;
                skip_attrs(&mut i);
            }
            Tok::Id(first) => {
                // `a = b` sets a graph attribute.
                if toks.get(i + 1).map(|t| &t.0) == Some(&Tok::Eq) {
                    i += 3;
                    continue;
                }
                let mut from = node(first, &mut names);
                i += 1;
                skip_port(&toks, &mut i);
                while toks.get(i).map(|t| &t.0) == Some(&Tok::Arrow) {
                    let line = toks[i].1;
                    let Some((Tok::Id(to), _)) = toks.get(i + 1) else {
                        return Err(ImportError::at(
                            file,
                            Some(line),
                            "an edge `->` has no target",
                        )
                        .with_hint("edges are written \"a\" -> \"b\""));
                    };
                    let to = node(to, &mut names);
                    edges.push((from, to));
                    from = to;
                    i += 2;
                    skip_port(&toks, &mut i);
                }
                skip_attrs(&mut i);
            }
            Tok::OpenBracket => skip_attrs(&mut i),
            Tok::Arrow => {
                return Err(
                    ImportError::at(file, Some(toks[i].1), "an edge `->` has no source")
                        .with_hint("edges are written \"a\" -> \"b\""),
                );
            }
            _ => i += 1,
        }
    }
    Ok((names, edges))
}

fn skip_port(toks: &[(Tok, u64)], i: &mut usize) {
    // `node:port` and `node:port:compass`.
    while toks.get(*i).map(|t| &t.0) == Some(&Tok::Colon)
        && matches!(toks.get(*i + 1), Some((Tok::Id(_), _)))
    {
        *i += 2;
    }
}

fn dot(text: &str, file: &str) -> Result<Skeleton, ImportError> {
    let (names, edges) = dot_graph(text, file)?;
    if names.is_empty() {
        return Err(ImportError::at(file, None, "the graph has no nodes"));
    }
    let terraform = names
        .iter()
        .any(|n| n.starts_with("[root] ") || n.starts_with("provider["))
        || names.iter().all(|n| !n.contains('/'));
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    for &(a, b) in &edges {
        if a != b {
            deps[a].push(b);
        }
    }
    let mut warnings = Vec::new();
    let (ids, systems, kept): (Vec<String>, Vec<Option<String>>, Vec<bool>) = if terraform {
        let parsed: Vec<Option<(String, String)>> =
            names.iter().map(|n| terraform_resource(n)).collect();
        let dropped = parsed.iter().filter(|p| p.is_none()).count();
        if dropped > 0 {
            warnings.push(ImportWarning::at(
                file,
                None,
                format!("kept {} resources; dropped {dropped} providers, variables, outputs, data sources and bookkeeping nodes, keeping the dependencies through them", parsed.len() - dropped),
            ));
        }
        let kept = parsed.iter().map(Option::is_some).collect();
        let ids = parsed
            .iter()
            .map(|p| p.as_ref().map_or(String::new(), |p| sanitize_id(&p.0)))
            .collect();
        let systems = parsed
            .iter()
            .map(|p| p.as_ref().map(|p| p.1.clone()))
            .collect();
        (ids, systems, kept)
    } else {
        (
            normalize_unit_paths(&names),
            vec![None; names.len()],
            vec![true; names.len()],
        )
    };
    build(file, &names, &ids, systems, &kept, &deps, warnings)
}

/// A Terraform graph node as (resource address, module path used as the system), or `None` for
/// nodes that are not managed resources.
fn terraform_resource(name: &str) -> Option<(String, String)> {
    let mut n = name.trim();
    n = n.strip_prefix("[root] ").unwrap_or(n);
    // Suffixes such as " (expand)", " (close)", " (destroy)", " (prepare state)".
    if n.ends_with(')') {
        if let Some(p) = n.rfind(" (") {
            n = &n[..p];
        }
    }
    let parts: Vec<&str> = split_address(n);
    let mut modules = Vec::new();
    let mut k = 0;
    while k + 1 < parts.len() && parts[k] == "module" {
        modules.push(parts[k + 1]);
        k += 2;
    }
    let rest = &parts[k..];
    // A managed resource is `type.name`; `data.type.name`, `var.x`, `local.x`, `output.x`,
    // `provider[...]`, `meta.*`, `root` and bare module nodes are not.
    if rest.len() != 2
        || [
            "data",
            "var",
            "local",
            "output",
            "meta",
            "module",
            "path",
            "terraform",
        ]
        .contains(&rest[0])
        || rest[0].starts_with("provider")
    {
        return None;
    }
    let system = if modules.is_empty() {
        "root".to_string()
    } else {
        sanitize_id(&modules.join("/"))
    };
    Some((n.to_string(), system))
}

/// Splits an address on dots outside brackets and quotes: `module.a["x.y"].aws_b.c` has the
/// parts `module`, `a["x.y"]`, `aws_b`, `c`.
fn split_address(addr: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut depth, mut quoted) = (0, 0i32, false);
    for (i, c) in addr.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth -= 1,
            '.' if !quoted && depth == 0 => {
                parts.push(&addr[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&addr[start..]);
    // Instance keys belong to the name: `a["x"]` is the module or resource `a`.
    parts
        .into_iter()
        .map(|p| p.split('[').next().unwrap_or(p))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// terragrunt find --json --dependencies

fn find_json(text: &str, file: &str) -> Result<Skeleton, ImportError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        ImportError::at(file, Some(e.line() as u64), format!("malformed JSON: {e}"))
            .with_hint("give the output of `terragrunt find --json --dependencies`")
    })?;
    let Value::Array(items) = value else {
        return Err(ImportError::at(
            file,
            Some(1),
            "the file is not a JSON array",
        ));
    };
    let mut names: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut deps: Vec<Vec<usize>> = Vec::new();
    let mut warnings = Vec::new();
    let mut any_dependencies = false;
    let mut declared: HashMap<String, usize> = HashMap::new();
    let mut intern = |p: &str, names: &mut Vec<String>, deps: &mut Vec<Vec<usize>>| -> usize {
        let p = p.trim_end_matches('/').to_string();
        *index.entry(p.clone()).or_insert_with(|| {
            names.push(p);
            deps.push(Vec::new());
            names.len() - 1
        })
    };
    for (k, item) in items.iter().enumerate() {
        let get = |key: &str| {
            item.as_object().and_then(|m| {
                m.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                    .map(|(_, v)| v)
            })
        };
        if get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| !t.eq_ignore_ascii_case("unit"))
        {
            continue;
        }
        let Some(path) = get("path").and_then(Value::as_str) else {
            return Err(
                ImportError::at(file, None, format!("entry {} has no `path`", k + 1))
                    .with_hint("each entry of `terragrunt find --json` has a type and a path"),
            );
        };
        let s = intern(path, &mut names, &mut deps);
        if let Some(first) = declared.insert(names[s].clone(), k) {
            warnings.push(ImportWarning::at(
                file,
                None,
                format!("unit \"{path}\" is listed twice (entries {} and {}); its dependencies are merged", first + 1, k + 1),
            ));
        }
        if let Some(list) = get("dependencies") {
            any_dependencies = true;
            let Value::Array(list) = list else {
                return Err(ImportError::at(
                    file,
                    None,
                    format!(
                        "entry {} (\"{path}\") has dependencies that are not a list",
                        k + 1
                    ),
                ));
            };
            for d in list {
                let Some(d) = d.as_str() else {
                    return Err(ImportError::at(
                        file,
                        None,
                        format!(
                            "entry {} (\"{path}\") lists a dependency that is not a path",
                            k + 1
                        ),
                    ));
                };
                let d = intern(d, &mut names, &mut deps);
                if d != s {
                    deps[s].push(d);
                }
            }
        }
    }
    if names.is_empty() {
        return Err(ImportError::at(file, None, "no units in the file"));
    }
    if !any_dependencies {
        warnings.push(ImportWarning::at(
            file,
            None,
            "no entry lists dependencies; run `terragrunt find --json --dependencies`",
        ));
    }
    let ids = normalize_unit_paths(&names);
    let n = names.len();
    build(
        file,
        &names,
        &ids,
        vec![None; n],
        &vec![true; n],
        &deps,
        warnings,
    )
}

// ---------------------------------------------------------------------------------------------
// Shared: keep, reduce, order.

fn build(
    file: &str,
    names: &[String],
    ids: &[String],
    systems: Vec<Option<String>>,
    kept: &[bool],
    deps: &[Vec<usize>],
    mut warnings: Vec<ImportWarning>,
) -> Result<Skeleton, ImportError> {
    let n = names.len();
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for s in (0..n).filter(|&s| kept[s]) {
        if let Some(&o) = owner.get(ids[s].as_str()) {
            return Err(ImportError::at(
                file,
                None,
                format!(
                    "\"{}\" and \"{}\" both become step id \"{}\"",
                    names[o], names[s], ids[s]
                ),
            )
            .with_hint("rename one of them; ids keep letters, digits and - _ . /"));
        }
        owner.insert(&ids[s], s);
    }
    // Dependencies of each kept node on kept nodes, looking through dropped ones.
    let mut kdeps: Vec<Vec<usize>> = vec![Vec::new(); n];
    for s in (0..n).filter(|&s| kept[s]) {
        let mut seen = vec![false; n];
        let mut stack: Vec<usize> = deps[s].clone();
        while let Some(d) = stack.pop() {
            if std::mem::replace(&mut seen[d], true) {
                continue;
            }
            if kept[d] {
                if d != s {
                    kdeps[s].push(d);
                }
            } else {
                stack.extend(&deps[d]);
            }
        }
        kdeps[s].sort_unstable();
        kdeps[s].dedup();
    }
    let order = match topo_order(&kdeps) {
        Some(order) => {
            reduce(&mut kdeps, &order);
            order
        }
        None => {
            warnings.push(ImportWarning::at(
                file,
                None,
                "the graph has a cycle; `rtosim check` will show it",
            ));
            (0..n).collect()
        }
    };
    let steps = order
        .into_iter()
        .filter(|&s| kept[s])
        .map(|s| SkeletonStep {
            id: ids[s].clone(),
            system: systems[s].clone(),
            after: kdeps[s].iter().map(|&d| ids[d].clone()).collect(),
        })
        .collect();
    Ok(Skeleton { steps, warnings })
}

/// Removes dependencies implied by others (transitive reduction of a DAG), visiting nodes in
/// topological order so each node's reachable set is complete when needed.
fn reduce(deps: &mut [Vec<usize>], order: &[usize]) {
    let n = deps.len();
    let words = n.div_ceil(64);
    let mut reach: Vec<Vec<u64>> = vec![vec![0; words]; n];
    for &s in order {
        let mut through_others = vec![0u64; words];
        for &d in &deps[s] {
            for w in 0..words {
                through_others[w] |= reach[d][w];
            }
        }
        deps[s].retain(|&d| through_others[d / 64] & (1 << (d % 64)) == 0);
        let mut mine = through_others;
        for &d in &deps[s] {
            mine[d / 64] |= 1 << (d % 64);
        }
        reach[s] = mine;
    }
}

/// Renders a skeleton as a commented plan for the user to complete.
pub fn render_skeleton(skeleton: &Skeleton, source: &str, name: &str) -> String {
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut out = format!(
        "# Plan skeleton written by `rtosim import graph` from {source}.\n\
         # Each step still needs a duration: write one, or list drill logs under `timings` and\n\
         # leave `duration` out. Add [teams] and a team per step, and [[scenario]] tables, then\n\
         # run `rtosim check` on this file.\n\
         name = {}\n\
         # rto-target = \"24h\"\n\
         # timings = [\"drills/*.csv\"]\n",
        q(name)
    );
    for step in &skeleton.steps {
        out.push_str(&format!("\n[[step]]\nid = {}\n", q(&step.id)));
        if let Some(system) = &step.system {
            out.push_str(&format!("system = {}\n", q(system)));
        }
        if !step.after.is_empty() {
            let after: Vec<String> = step.after.iter().map(|a| q(a)).collect();
            out.push_str(&format!("after = [{}]\n", after.join(", ")));
        }
        out.push_str("# team = \"platform\"\n# duration = \"20m\"\n");
    }
    out
}

#[cfg(test)]
#[path = "graph_tests.rs"]
mod tests;
