//! Streaming reads of the JSON the importers take: a top-level array of flat objects
//! (Terragrunt's run report, `terragrunt find --json`), one entry at a time.
//!
//! `serde_json::Value` holds a whole document as a tree of maps, about ten times the size of
//! the text; here each entry is handed to the caller as soon as it is read and then dropped,
//! and strings without escapes stay slices of the text.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer as _, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A JSON value, as much of it as the importers look at.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val<'de> {
    /// A string.
    Str(Cow<'de, str>),
    /// An array.
    List(Vec<Val<'de>>),
    /// Anything else: a number, a boolean, null or an object.
    Other,
}

impl Val<'_> {
    /// The string, when the value is one.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// One entry of the top-level array.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Entry<'de> {
    /// An object: its fields, keys as written, in order.
    Object(Vec<(Cow<'de, str>, Val<'de>)>),
    /// Anything that is not an object.
    NotObject,
}

impl<'de> Entry<'de> {
    /// The value of `key`, matched case-insensitively (Terragrunt's CSV capitalises its
    /// columns, its JSON does not).
    pub(crate) fn get(&self, key: &str) -> Option<&Val<'de>> {
        match self {
            Entry::Object(fields) => fields
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v),
            Entry::NotObject => None,
        }
    }
}

/// Why the walk stopped.
#[derive(Debug)]
pub(crate) enum Stop<E> {
    /// The text is not JSON; the line serde found the problem on and its message.
    Malformed(u64, String),
    /// The text is JSON but not an array.
    NotArray,
    /// The callback failed.
    Callback(E),
}

/// Calls `f` with each entry of the top-level array of `text`, and the line it starts on.
pub(crate) fn for_each_entry<'de, E>(
    text: &'de str,
    f: impl FnMut(u64, Entry<'de>) -> Result<(), E>,
) -> Result<(), Stop<E>> {
    let mut de = serde_json::Deserializer::from_str(text);
    let mut walk = Walk {
        f,
        lines: ElementLines::new(text),
        failed: None,
        not_array: false,
    };
    let result = (&mut de).deserialize_any(&mut walk).and_then(|()| de.end());
    if let Some(e) = walk.failed {
        return Err(Stop::Callback(e));
    }
    if walk.not_array {
        return Err(Stop::NotArray);
    }
    result.map_err(|e| {
        let full = e.to_string();
        // serde_json appends " at line L column C"; the caller places the message itself.
        let message = full
            .rfind(" at line ")
            .map_or(full.as_str(), |i| &full[..i])
            .to_string();
        Stop::Malformed(e.line().max(1) as u64, message)
    })
}

struct Walk<'t, F, E> {
    f: F,
    lines: ElementLines<'t>,
    failed: Option<E>,
    not_array: bool,
}

impl<'de, F, E> Visitor<'de> for &mut Walk<'de, F, E>
where
    F: FnMut(u64, Entry<'de>) -> Result<(), E>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(entry) = seq.next_element::<Entry<'de>>()? {
            let line = self.lines.next().unwrap_or(1);
            if let Err(e) = (self.f)(line, entry) {
                self.failed = Some(e);
                return Err(de::Error::custom("stopped"));
            }
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.not_array = true;
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_str<Er: de::Error>(self, _: &str) -> Result<(), Er> {
        self.not_array = true;
        Ok(())
    }

    fn visit_bool<Er: de::Error>(self, _: bool) -> Result<(), Er> {
        self.not_array = true;
        Ok(())
    }

    fn visit_i64<Er: de::Error>(self, _: i64) -> Result<(), Er> {
        self.not_array = true;
        Ok(())
    }

    fn visit_u64<Er: de::Error>(self, _: u64) -> Result<(), Er> {
        self.not_array = true;
        Ok(())
    }

    fn visit_f64<Er: de::Error>(self, _: f64) -> Result<(), Er> {
        self.not_array = true;
        Ok(())
    }

    fn visit_unit<Er: de::Error>(self) -> Result<(), Er> {
        self.not_array = true;
        Ok(())
    }
}

impl<'de> de::Deserialize<'de> for Entry<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Entry<'de>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entry<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entry<'de>, A::Error> {
                let mut fields = Vec::new();
                while let Some((Key(k), v)) = map.next_entry::<Key<'de>, Val<'de>>()? {
                    fields.push((k, v));
                }
                Ok(Entry::Object(fields))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Entry<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Entry::NotObject)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Entry<'de>, E> {
                Ok(Entry::NotObject)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Entry<'de>, E> {
                Ok(Entry::NotObject)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Entry<'de>, E> {
                Ok(Entry::NotObject)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Entry<'de>, E> {
                Ok(Entry::NotObject)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Entry<'de>, E> {
                Ok(Entry::NotObject)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Entry<'de>, E> {
                Ok(Entry::NotObject)
            }
        }
        d.deserialize_any(V)
    }
}

/// An object key, borrowed from the text when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Key<'de>, D::Error> {
        match Val::deserialize(d)? {
            Val::Str(s) => Ok(Key(s)),
            _ => Err(de::Error::custom("a key that is not a string")),
        }
    }
}

impl<'de> de::Deserialize<'de> for Val<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Val<'de>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Val<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Val<'de>, E> {
                Ok(Val::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Val<'de>, E> {
                Ok(Val::Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Val<'de>, E> {
                Ok(Val::Str(Cow::Owned(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Val<'de>, A::Error> {
                let mut items = Vec::new();
                while let Some(v) = seq.next_element::<Val<'de>>()? {
                    items.push(v);
                }
                Ok(Val::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Val<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Val::Other)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Val<'de>, E> {
                Ok(Val::Other)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Val<'de>, E> {
                Ok(Val::Other)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Val<'de>, E> {
                Ok(Val::Other)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Val<'de>, E> {
                Ok(Val::Other)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Val<'de>, E> {
                Ok(Val::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// The line on which each element of the top-level array starts, found by a scan of its own
/// that runs alongside the parse (`serde_json` keeps no positions), so an error about an entry
/// can name its line.
struct ElementLines<'t> {
    bytes: &'t [u8],
    at: usize,
    line: u64,
    depth: usize,
    in_string: bool,
    escaped: bool,
    expecting: bool,
}

impl<'t> ElementLines<'t> {
    fn new(text: &'t str) -> ElementLines<'t> {
        ElementLines {
            bytes: text.as_bytes(),
            at: 0,
            line: 1,
            depth: 0,
            in_string: false,
            escaped: false,
            expecting: false,
        }
    }
}

impl Iterator for ElementLines<'_> {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        while let Some(&c) = self.bytes.get(self.at) {
            self.at += 1;
            if c == b'\n' {
                self.line += 1;
            }
            if self.in_string {
                match (self.escaped, c) {
                    (true, _) => self.escaped = false,
                    (false, b'\\') => self.escaped = true,
                    (false, b'"') => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            if c.is_ascii_whitespace() {
                continue;
            }
            let start = self.depth == 1 && self.expecting && c != b',' && c != b']';
            if start {
                self.expecting = false;
            }
            match c {
                b'"' => self.in_string = true,
                b'[' | b'{' => {
                    self.depth += 1;
                    if self.depth == 1 {
                        self.expecting = true;
                    }
                }
                b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                b',' if self.depth == 1 => self.expecting = true,
                _ => {}
            }
            if start {
                return Some(self.line);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(text: &str) -> Result<Vec<(u64, Entry<'_>)>, Stop<()>> {
        let mut out = Vec::new();
        for_each_entry(text, |line, e| {
            out.push((line, e));
            Ok::<(), ()>(())
        })?;
        Ok(out)
    }

    #[test]
    fn entries_come_with_their_lines_and_borrow_the_text() {
        let text = "[\n {\"Name\": \"a\", \"n\": 3},\n \"x\",\n {\"name\": \"b\\\"c\", \"deps\": [\"d\", 1]}\n]";
        let got = collect(text).unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].0, 2);
        assert!(matches!(
            got[0].1.get("name"),
            Some(Val::Str(Cow::Borrowed("a")))
        ));
        assert_eq!(got[1], (3, Entry::NotObject));
        assert_eq!(got[2].0, 4);
        assert_eq!(got[2].1.get("NAME").and_then(Val::as_str), Some("b\"c"));
        assert_eq!(
            got[2].1.get("deps"),
            Some(&Val::List(vec![Val::Str(Cow::Borrowed("d")), Val::Other]))
        );
    }

    #[test]
    fn not_arrays_and_malformed_text() {
        assert!(matches!(collect("{\"a\": 1}"), Err(Stop::NotArray)));
        assert!(matches!(collect("[1, 2"), Err(Stop::Malformed(1, _))));
        assert!(matches!(collect("[1]\n[2]"), Err(Stop::Malformed(2, _))));
        let stopped = for_each_entry("[1, 2, 3]", |_, _| Err("no"));
        assert!(matches!(stopped, Err(Stop::Callback("no"))));
    }
}
