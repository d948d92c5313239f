//! The DOT reader: node and edge statements of the first `digraph`, in one pass over the text.
//!
//! Tokens are slices of the text (a quoted name is copied only when it holds an escape), read
//! one at a time with at most two of lookahead, so memory holds the node names and the edges
//! and nothing per token: a 100 MB graph is read in about the memory of its names.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::VecDeque;

use super::super::ImportError;

/// Node names in order of first appearance, and edges as (dependent, dependency) indices.
#[derive(Debug, Default)]
pub(super) struct Graph<'a> {
    /// Node names.
    pub names: Vec<Cow<'a, str>>,
    /// Edges `a -> b` as `(a, b)`.
    pub edges: Vec<(u32, u32)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    Id(Cow<'a, str>),
    Arrow,
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Eq,
    Colon,
    Other,
}

/// Tokens of the text from `digraph` to its closing brace, with their lines.
struct Lexer<'a, 'f> {
    text: &'a str,
    file: &'f str,
    at: usize,
    line: u64,
    at_line_start: bool,
    started: bool,
    depth: usize,
    done: bool,
    ahead: VecDeque<(Tok<'a>, u64)>,
}

/// Bytes that continue an unquoted DOT id; bytes of multi-byte UTF-8 characters count as
/// letters, as DOT's own grammar has them.
fn id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b >= 0x80
}

impl<'a, 'f> Lexer<'a, 'f> {
    fn new(text: &'a str, file: &'f str) -> Lexer<'a, 'f> {
        Lexer {
            text,
            file,
            at: 0,
            line: 1,
            at_line_start: true,
            started: false,
            depth: 0,
            done: false,
            ahead: VecDeque::new(),
        }
    }

    /// The `k`-th token ahead (0 is the next), without consuming it.
    fn peek(&mut self, k: usize) -> Result<Option<&Tok<'a>>, ImportError> {
        while self.ahead.len() <= k {
            match self.lex()? {
                Some(t) => self.ahead.push_back(t),
                None => return Ok(None),
            }
        }
        Ok(self.ahead.get(k).map(|t| &t.0))
    }

    /// The next token and its line.
    fn next(&mut self) -> Result<Option<(Tok<'a>, u64)>, ImportError> {
        match self.ahead.pop_front() {
            Some(t) => Ok(Some(t)),
            None => self.lex(),
        }
    }

    fn lex(&mut self) -> Result<Option<(Tok<'a>, u64)>, ImportError> {
        if self.done {
            return Ok(None);
        }
        loop {
            let Some(tok) = self.raw()? else {
                if !self.started {
                    return Err(ImportError::at(self.file, None, "no `digraph` in the file").with_hint(
                        "give the output of `terraform graph`, `terragrunt dag graph` or `terragrunt find --json --dependencies`",
                    ));
                }
                return Err(ImportError::at(
                    self.file,
                    Some(self.line),
                    "the digraph is never closed",
                )
                .with_hint("the graph looks cut off; export it again"));
            };
            if !self.started {
                // Everything before the `digraph` keyword (log lines, `strict`) is skipped.
                if matches!(&tok.0, Tok::Id(s) if s.eq_ignore_ascii_case("digraph")) {
                    self.started = true;
                }
                continue;
            }
            match tok.0 {
                Tok::Open => self.depth += 1,
                Tok::Close => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        self.done = true;
                    }
                }
                _ => {}
            }
            return Ok(Some(tok));
        }
    }

    /// The next token of the text, whether or not the digraph has started.
    fn raw(&mut self) -> Result<Option<(Tok<'a>, u64)>, ImportError> {
        let bytes = self.text.as_bytes();
        loop {
            let Some(&c) = bytes.get(self.at) else {
                return Ok(None);
            };
            if c == b'\n' {
                self.line += 1;
                self.at += 1;
                self.at_line_start = true;
                continue;
            }
            if c.is_ascii_whitespace() {
                self.at += 1;
                continue;
            }
            let line_start = std::mem::replace(&mut self.at_line_start, false);
            let next = bytes.get(self.at + 1).copied();
            // Comments, and preprocessor-style lines starting with '#'.
            if (c == b'/' && next == Some(b'/')) || (c == b'#' && line_start) {
                while self.at < bytes.len() && bytes[self.at] != b'\n' {
                    self.at += 1;
                }
                continue;
            }
            if c == b'/' && next == Some(b'*') {
                self.at += 2;
                while self.at < bytes.len()
                    && !(bytes[self.at] == b'*' && bytes.get(self.at + 1) == Some(&b'/'))
                {
                    if bytes[self.at] == b'\n' {
                        self.line += 1;
                    }
                    self.at += 1;
                }
                self.at += 2;
                continue;
            }
            let line = self.line;
            let tok = if c == b'"' {
                self.quoted(line)?
            } else if c == b'<' && self.started {
                // An HTML label: balanced angle brackets.
                let begin = self.at;
                let mut level = 0i64;
                while let Some(&ch) = bytes.get(self.at) {
                    if ch == b'\n' {
                        self.line += 1;
                    }
                    if ch == b'<' {
                        level += 1;
                    } else if ch == b'>' {
                        level -= 1;
                    }
                    self.at += 1;
                    if level == 0 {
                        break;
                    }
                }
                Tok::Id(Cow::Borrowed(&self.text[begin..self.at]))
            } else if id_byte(c)
                || (c == b'-' && next.is_some_and(|d| d.is_ascii_digit() || d == b'.'))
            {
                let begin = self.at;
                self.at += 1;
                while bytes.get(self.at).copied().is_some_and(id_byte) {
                    self.at += 1;
                }
                Tok::Id(Cow::Borrowed(&self.text[begin..self.at]))
            } else if c == b'-' && next == Some(b'>') {
                self.at += 2;
                Tok::Arrow
            } else {
                self.at += 1;
                match c {
                    b'{' => Tok::Open,
                    b'}' => Tok::Close,
                    b'[' => Tok::OpenBracket,
                    b']' => Tok::CloseBracket,
                    b'=' => Tok::Eq,
                    b':' => Tok::Colon,
                    _ => Tok::Other,
                }
            };
            return Ok(Some((tok, line)));
        }
    }

    /// A quoted id from the opening quote at `self.at`: borrowed unless it holds an escaped
    /// quote or a line continuation.
    fn quoted(&mut self, line: u64) -> Result<Tok<'a>, ImportError> {
        let bytes = self.text.as_bytes();
        self.at += 1;
        let begin = self.at;
        let mut owned: Option<String> = None;
        let mut chunk = begin;
        loop {
            let Some(&ch) = bytes.get(self.at) else {
                return Err(ImportError::at(
                    self.file,
                    Some(line),
                    "a quoted name is never closed",
                )
                .with_hint("the graph looks cut off; export it again"));
            };
            match ch {
                b'"' => break,
                b'\\' if matches!(bytes.get(self.at + 1), Some(b'"') | Some(b'\n')) => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[chunk..self.at]);
                    if bytes[self.at + 1] == b'"' {
                        s.push('"');
                    } else {
                        self.line += 1;
                    }
                    self.at += 2;
                    chunk = self.at;
                    continue;
                }
                b'\n' => self.line += 1,
                _ => {}
            }
            self.at += 1;
        }
        let tok = match owned {
            Some(mut s) => {
                s.push_str(&self.text[chunk..self.at]);
                Tok::Id(Cow::Owned(s))
            }
            None => Tok::Id(Cow::Borrowed(&self.text[begin..self.at])),
        };
        self.at += 1;
        Ok(tok)
    }
}

/// Interns node names: each name once, numbered in order of first appearance.
#[derive(Default)]
struct Names<'a> {
    names: Vec<Cow<'a, str>>,
    index: HashMap<Cow<'a, str>, u32>,
}

impl<'a> Names<'a> {
    fn node(&mut self, name: Cow<'a, str>) -> u32 {
        if let Some(&i) = self.index.get(name.as_ref()) {
            return i;
        }
        let i = self.names.len() as u32;
        // A borrowed key costs a pointer, not a copy of the name.
        self.index.insert(name.clone(), i);
        self.names.push(name);
        i
    }
}

/// Reads the node and edge statements of the first `digraph` of `text`.
pub(super) fn read<'a>(text: &'a str, file: &str) -> Result<Graph<'a>, ImportError> {
    let mut lx = Lexer::new(text, file);
    let mut names = Names::default();
    let mut edges = Vec::new();
    // Skip the graph's own name up to its opening brace.
    while let Some((tok, _)) = lx.next()? {
        if tok == Tok::Open {
            break;
        }
    }
    while let Some((tok, line)) = lx.next()? {
        match tok {
            Tok::Id(s) if s.eq_ignore_ascii_case("subgraph") => {
                if matches!(lx.peek(0)?, Some(Tok::Id(_))) {
                    lx.next()?;
                }
            }
            Tok::Id(s)
                if ["graph", "node", "edge"]
                    .iter()
                    .any(|k| s.eq_ignore_ascii_case(k))
                    && lx.peek(0)? == Some(&Tok::OpenBracket) =>
            {
                skip_attrs(&mut lx)?;
            }
            Tok::Id(first) => {
                // `a = b` sets a graph attribute.
                if lx.peek(0)? == Some(&Tok::Eq) {
                    lx.next()?;
                    lx.next()?;
                    continue;
                }
                let mut from = names.node(first);
                skip_port(&mut lx)?;
                while lx.peek(0)? == Some(&Tok::Arrow) {
                    let (_, arrow_line) = lx.next()?.expect("peeked");
                    if !matches!(lx.peek(0)?, Some(Tok::Id(_))) {
                        return Err(ImportError::at(
                            file,
                            Some(arrow_line),
                            "an edge `->` has no target",
                        )
                        .with_hint("edges are written \"a\" -> \"b\""));
                    }
                    let Some((Tok::Id(to), _)) = lx.next()? else {
                        unreachable!("peeked an id");
                    };
                    let to = names.node(to);
                    edges.push((from, to));
                    from = to;
                    skip_port(&mut lx)?;
                }
                skip_attrs(&mut lx)?;
            }
            Tok::OpenBracket => skip_to_close_bracket(&mut lx)?,
            Tok::Arrow => {
                return Err(
                    ImportError::at(file, Some(line), "an edge `->` has no source")
                        .with_hint("edges are written \"a\" -> \"b\""),
                );
            }
            _ => {}
        }
    }
    Ok(Graph {
        names: names.names,
        edges,
    })
}

/// Skips an attribute list `[...]` when one comes next.
fn skip_attrs(lx: &mut Lexer<'_, '_>) -> Result<(), ImportError> {
    if lx.peek(0)? == Some(&Tok::OpenBracket) {
        lx.next()?;
        skip_to_close_bracket(lx)?;
    }
    Ok(())
}

/// Skips to just after the `]` that closes an attribute list already opened.
fn skip_to_close_bracket(lx: &mut Lexer<'_, '_>) -> Result<(), ImportError> {
    while let Some((tok, _)) = lx.next()? {
        if tok == Tok::CloseBracket {
            break;
        }
    }
    Ok(())
}

/// Skips `:port` and `:port:compass` after a node id.
fn skip_port(lx: &mut Lexer<'_, '_>) -> Result<(), ImportError> {
    while lx.peek(0)? == Some(&Tok::Colon) && matches!(lx.peek(1)?, Some(Tok::Id(_))) {
        lx.next()?;
        lx.next()?;
    }
    Ok(())
}
