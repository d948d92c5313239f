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
//! transitively reduced. Terragrunt unit paths, absolute, relative or plain unit names (what
//! `terragrunt dag graph` prints when run from the units' folder), lose their shared prefix. A
//! graph that yields no step is an error, never an empty skeleton.
//!
//! Memory stays linear in the size of the graph: names stay slices of the text, and the
//! dependencies live in flat index arrays (see `reduce`), so a 100 MB graph imports in about
//! twice its size.

mod dot;
mod reduce;

use std::borrow::Cow;
use std::collections::HashMap;

use super::json::{self, Entry, Stop, Val};
use super::{ImportError, ImportWarning, common_components, sanitize_id, unit_id};
use reduce::Csr;

/// "No system" in the per-step system indices.
const NO_SYSTEM: u32 = u32::MAX;

/// One step of a skeleton, as [`Skeleton::steps`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkeletonStep<'s> {
    /// The step id.
    pub id: &'s str,
    /// The system, when the source groups steps (Terraform modules).
    pub system: Option<&'s str>,
    /// The step ids it waits for.
    pub after: Vec<&'s str>,
}

/// A plan skeleton: steps and dependencies, for the user to complete. Step ids borrow the text
/// the graph was read from wherever they appear in it unchanged.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Skeleton<'a> {
    ids: Vec<Cow<'a, str>>,
    systems: Vec<u32>,
    system_names: Vec<String>,
    order: Vec<u32>,
    deps: Csr,
    /// Notes on what was dropped or merged.
    pub warnings: Vec<ImportWarning>,
}

impl<'a> Skeleton<'a> {
    /// The number of steps.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no steps (never the case for a skeleton [`parse`] returns).
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The steps, dependencies first.
    pub fn steps(&self) -> impl Iterator<Item = SkeletonStep<'_>> + '_ {
        self.order.iter().map(move |&s| {
            let s = s as usize;
            SkeletonStep {
                id: &self.ids[s],
                system: match self.systems[s] {
                    NO_SYSTEM => None,
                    k => Some(self.system_names[k as usize].as_str()),
                },
                after: self
                    .deps
                    .of(s)
                    .iter()
                    .map(|&d| &*self.ids[d as usize])
                    .collect(),
            }
        })
    }
}

/// Reads a DOT graph or the JSON of `terragrunt find --json --dependencies` (told apart by the
/// first character: `[` means JSON).
pub fn parse<'a>(text: &'a str, file: &str) -> Result<Skeleton<'a>, ImportError> {
    if text.trim().is_empty() {
        return Err(ImportError::at(file, None, "the file is empty").with_hint(
            "give the output of `terraform graph`, `terragrunt dag graph` or `terragrunt find --json --dependencies`",
        ));
    }
    if text.trim_start().starts_with('[') {
        find_json(text, file)
    } else {
        dot_skeleton(text, file)
    }
}

// ---------------------------------------------------------------------------------------------
// DOT

fn dot_skeleton<'a>(text: &'a str, file: &str) -> Result<Skeleton<'a>, ImportError> {
    let graph = dot::read(text, file)?;
    let names = graph.names;
    if names.is_empty() {
        return Err(ImportError::at(file, None, "the graph has no nodes")
            .with_hint("the digraph lists no node or edge; export it again"));
    }
    let deps = Csr::from_pairs(
        names.len(),
        graph.edges.iter().copied().filter(|(a, b)| a != b),
    );
    drop(graph.edges);
    // Terraform's graphs name nodes `[root] ...` (before 1.7) or by address (`aws_vpc.main`);
    // Terragrunt's name units by path, or by plain name when run from the units' folder.
    let terraform = names
        .iter()
        .any(|n| n.starts_with("[root] ") || n.starts_with("provider["))
        || names
            .iter()
            .all(|n| !n.contains(['/', '\\']) && split_address(bare_address(n)).len() >= 2);
    let mut warnings = Vec::new();
    let mut kept: Vec<u32> = Vec::new();
    let mut ids: Vec<Cow<'a, str>> = Vec::new();
    let mut systems: Vec<u32> = Vec::new();
    let mut system_names: Vec<String> = Vec::new();
    if terraform {
        let mut system_index: HashMap<String, u32> = HashMap::new();
        for (v, name) in names.iter().enumerate() {
            let Some((addr, system)) = terraform_resource(name) else {
                continue;
            };
            kept.push(v as u32);
            ids.push(match name {
                Cow::Borrowed(whole) => {
                    // `addr` is a slice of `name`, which is a slice of the text.
                    let whole: &'a str = whole;
                    let at = addr.as_ptr() as usize - whole.as_ptr() as usize;
                    borrowed_id(&whole[at..at + addr.len()], sanitize_id)
                }
                Cow::Owned(_) => Cow::Owned(sanitize_id(addr)),
            });
            let next = system_names.len() as u32;
            let k = *system_index.entry(system).or_insert_with_key(|s| {
                system_names.push(s.clone());
                next
            });
            systems.push(k);
        }
        let dropped = names.len() - kept.len();
        if kept.is_empty() {
            return Err(ImportError::at(
                file,
                None,
                format!(
                    "the graph has {} node{} but no managed resource to make a step of",
                    names.len(),
                    if names.len() == 1 { "" } else { "s" }
                ),
            )
            .with_hint("run `terraform graph` in a root module that declares resources; for Terragrunt units give `terragrunt dag graph`"));
        }
        if dropped > 0 {
            warnings.push(ImportWarning::at(
                file,
                None,
                format!("kept {} resources; dropped {dropped} providers, variables, outputs, data sources and bookkeeping nodes, keeping the dependencies through them", kept.len()),
            ));
        }
    } else {
        let common = common_components(names.iter().map(|n| n.as_ref()));
        for (v, name) in names.iter().enumerate() {
            kept.push(v as u32);
            ids.push(match name {
                Cow::Borrowed(path) => borrowed_id(path, |p| unit_id(p, common)),
                Cow::Owned(path) => Cow::Owned(unit_id(path.as_str(), common)),
            });
            systems.push(NO_SYSTEM);
        }
    }
    build(
        file,
        &names,
        &kept,
        ids,
        systems,
        system_names,
        &deps,
        warnings,
    )
}

/// The id `make` gives `text`, as a slice of the text when it is the tail of it (as a unit
/// path's id or an address usually is), so the id costs no copy.
fn borrowed_id<'a>(text: &'a str, make: impl Fn(&str) -> String) -> Cow<'a, str> {
    let id = make(text);
    if text.ends_with(id.as_str()) {
        Cow::Borrowed(&text[text.len() - id.len()..])
    } else {
        Cow::Owned(id)
    }
}

/// A Terraform node name without its `[root] ` prefix and suffixes such as ` (expand)`,
/// ` (close)`, ` (destroy)` or ` (prepare state)`.
fn bare_address(name: &str) -> &str {
    let mut n = name.trim();
    n = n.strip_prefix("[root] ").unwrap_or(n);
    if n.ends_with(')') {
        if let Some(p) = n.rfind(" (") {
            n = &n[..p];
        }
    }
    n
}

/// A Terraform graph node as (resource address, module path used as the system), or `None` for
/// nodes that are not managed resources.
fn terraform_resource(name: &str) -> Option<(&str, String)> {
    let n = bare_address(name);
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
    Some((n, system))
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

fn find_json<'a>(text: &'a str, file: &str) -> Result<Skeleton<'a>, ImportError> {
    const HINT: &str = "give the output of `terragrunt find --json --dependencies`";
    let mut names: Vec<Cow<'a, str>> = Vec::new();
    let mut index: HashMap<Cow<'a, str>, u32> = HashMap::new();
    let mut edges: Vec<(u32, u32)> = Vec::new();
    // The entry that first listed each unit, to warn about units listed twice.
    let mut declared: Vec<u32> = Vec::new();
    let mut warnings = Vec::new();
    let mut any_dependencies = false;
    let mut intern = |p: &Cow<'a, str>, names: &mut Vec<Cow<'a, str>>, declared: &mut Vec<u32>| {
        let p: Cow<'a, str> = match p {
            Cow::Borrowed(s) => Cow::Borrowed(s.trim_end_matches('/')),
            Cow::Owned(s) => Cow::Owned(s.trim_end_matches('/').to_string()),
        };
        *index.entry(p).or_insert_with_key(|p| {
            names.push(p.clone());
            declared.push(u32::MAX);
            names.len() as u32 - 1
        })
    };
    let mut k = 0u32;
    let walked = json::for_each_entry(text, |line, item: Entry<'a>| {
        k += 1;
        if item
            .get("type")
            .and_then(Val::as_str)
            .is_some_and(|t| !t.eq_ignore_ascii_case("unit"))
        {
            return Ok(());
        }
        let Some(Val::Str(path)) = item.get("path") else {
            return Err(
                ImportError::at(file, Some(line), format!("entry {k} has no `path`"))
                    .with_hint("each entry of `terragrunt find --json` has a type and a path"),
            );
        };
        let s = intern(path, &mut names, &mut declared);
        match declared[s as usize] {
            u32::MAX => declared[s as usize] = k,
            first => warnings.push(ImportWarning::at(
                file,
                Some(line),
                format!("unit \"{path}\" is listed twice (entries {first} and {k}); its dependencies are merged"),
            )),
        }
        if let Some(list) = item.get("dependencies") {
            any_dependencies = true;
            let Val::List(list) = list else {
                return Err(ImportError::at(
                    file,
                    Some(line),
                    format!("entry {k} (\"{path}\") has dependencies that are not a list"),
                )
                .with_hint(HINT));
            };
            for d in list {
                let Val::Str(d) = d else {
                    return Err(ImportError::at(
                        file,
                        Some(line),
                        format!("entry {k} (\"{path}\") lists a dependency that is not a path"),
                    )
                    .with_hint(HINT));
                };
                let d = intern(d, &mut names, &mut declared);
                if d != s {
                    edges.push((s, d));
                }
            }
        }
        Ok(())
    });
    match walked {
        Ok(()) => {}
        Err(Stop::Callback(e)) => return Err(e),
        Err(Stop::NotArray) => {
            return Err(
                ImportError::at(file, Some(1), "the file is not a JSON array").with_hint(HINT),
            );
        }
        Err(Stop::Malformed(line, m)) => {
            return Err(
                ImportError::at(file, Some(line), format!("malformed JSON: {m}")).with_hint(HINT),
            );
        }
    }
    drop(index);
    if names.is_empty() {
        return Err(ImportError::at(file, None, "no units in the file").with_hint(HINT));
    }
    if !any_dependencies {
        warnings.push(ImportWarning::at(
            file,
            None,
            "no entry lists dependencies; run `terragrunt find --json --dependencies`",
        ));
    }
    let deps = Csr::from_pairs(names.len(), edges.iter().copied());
    drop(edges);
    let common = common_components(names.iter().map(|n| n.as_ref()));
    let ids = names
        .iter()
        .map(|name| match name {
            Cow::Borrowed(path) => borrowed_id(path, |p| unit_id(p, common)),
            Cow::Owned(path) => Cow::Owned(unit_id(path, common)),
        })
        .collect();
    let n = names.len();
    let kept: Vec<u32> = (0..n as u32).collect();
    build(
        file,
        &names,
        &kept,
        ids,
        vec![NO_SYSTEM; n],
        Vec::new(),
        &deps,
        warnings,
    )
}

// ---------------------------------------------------------------------------------------------
// Shared: keep, reduce, order.

/// The skeleton of the nodes `kept` (with their `ids` and `systems`) of a graph of `names`
/// whose dependencies are `deps`.
#[expect(
    clippy::too_many_arguments,
    reason = "the parts of a skeleton, moved in"
)]
fn build<'a>(
    file: &str,
    names: &[Cow<'a, str>],
    kept: &[u32],
    ids: Vec<Cow<'a, str>>,
    systems: Vec<u32>,
    system_names: Vec<String>,
    deps: &Csr,
    mut warnings: Vec<ImportWarning>,
) -> Result<Skeleton<'a>, ImportError> {
    {
        let mut owner: HashMap<&str, usize> = HashMap::with_capacity(ids.len());
        for (k, id) in ids.iter().enumerate() {
            if let Some(o) = owner.insert(id, k) {
                return Err(ImportError::at(
                    file,
                    None,
                    format!(
                        "\"{}\" and \"{}\" both become step id \"{id}\"",
                        names[kept[o] as usize], names[kept[k] as usize]
                    ),
                )
                .with_hint("rename one of them; ids keep letters, digits and - _ . /"));
            }
        }
    }
    let kdeps = reduce::kept_dependencies(deps, kept);
    let (order, deps) = match reduce::topo_order(&kdeps) {
        Some(order) => {
            let reduced = reduce::reduce(&kdeps, &order);
            (order, reduced)
        }
        None => {
            warnings.push(ImportWarning::at(
                file,
                None,
                "the graph has a cycle; `rtosim check` will show it",
            ));
            ((0..kept.len() as u32).collect(), kdeps)
        }
    };
    Ok(Skeleton {
        ids,
        systems,
        system_names,
        order,
        deps,
        warnings,
    })
}

/// A TOML string: plain text in double quotes without going through `toml` (the common case,
/// and the one a large graph takes millions of times), else as `toml` writes it.
fn push_quoted(out: &mut String, s: &str) {
    if s.chars().all(|c| c != '"' && c != '\\' && !c.is_control()) {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&toml::Value::String(s.to_string()).to_string());
    }
}

/// Renders a skeleton as a commented plan for the user to complete.
pub fn render_skeleton(skeleton: &Skeleton<'_>, source: &str, name: &str) -> String {
    let mut head = String::new();
    push_quoted(&mut head, name);
    let mut out = format!(
        "# Plan skeleton written by `rtosim import graph` from {source}.\n\
         # Each step still needs a duration: write one, or list drill logs under `timings` and\n\
         # leave `duration` out. Add [teams] and a team per step, and [[scenario]] tables, then\n\
         # run `rtosim check` on this file.\n\
         name = {head}\n\
         # rto-target = \"24h\"\n\
         # timings = [\"drills/*.csv\"]\n"
    );
    // Sized once: growing a string of hundreds of megabytes copies it each time it doubles.
    let ids: usize = skeleton.ids.iter().map(|i| i.len() + 70).sum();
    let after: usize = skeleton.steps_deps_len();
    out.reserve(ids + after + 16);
    for step in skeleton.steps() {
        out.push_str("\n[[step]]\nid = ");
        push_quoted(&mut out, step.id);
        out.push('\n');
        if let Some(system) = step.system {
            out.push_str("system = ");
            push_quoted(&mut out, system);
            out.push('\n');
        }
        if !step.after.is_empty() {
            out.push_str("after = [");
            for (k, a) in step.after.iter().enumerate() {
                if k > 0 {
                    out.push_str(", ");
                }
                push_quoted(&mut out, a);
            }
            out.push_str("]\n");
        }
        out.push_str("# team = \"platform\"\n# duration = \"20m\"\n");
    }
    out
}

impl Skeleton<'_> {
    /// An upper bound of the text the steps' `after` lists and systems take.
    fn steps_deps_len(&self) -> usize {
        let after: usize = (0..self.len())
            .map(|s| {
                self.deps
                    .of(s)
                    .iter()
                    .map(|&d| self.ids[d as usize].len() + 4)
                    .sum::<usize>()
                    + 12
            })
            .sum();
        let systems: usize = self
            .systems
            .iter()
            .map(|&k| match k {
                NO_SYSTEM => 0,
                k => self.system_names[k as usize].len() + 12,
            })
            .sum();
        after + systems
    }
}

#[cfg(test)]
mod tests;
