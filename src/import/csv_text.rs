//! A CSV reader whose fields are slices of the text (RFC 4180: comma-separated, fields in double
//! quotes may hold commas, line breaks and doubled quotes), for reports too large to copy.
//!
//! The `csv` crate copies every record into buffers of its own; a report of millions of units
//! then needs a second copy of its names to remember them. Here a field is borrowed unless it
//! holds a doubled quote, and whitespace around each field is trimmed.

use std::borrow::Cow;

/// Why a record could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CsvError {
    /// The line the record starts on.
    pub line: u64,
    /// What is wrong.
    pub message: String,
}

/// Records of a CSV text, in order, skipping blank lines (and comment lines, when asked).
pub(crate) struct Records<'t> {
    text: &'t str,
    at: usize,
    line: u64,
    comments: bool,
    starts: Vec<usize>,
}

impl<'t> Records<'t> {
    /// The records of `text`.
    pub(crate) fn new(text: &'t str) -> Records<'t> {
        Records {
            text,
            at: 0,
            line: 1,
            comments: false,
            starts: Vec::new(),
        }
    }

    /// Skips lines that start with `#` between records.
    pub(crate) fn with_comments(mut self) -> Records<'t> {
        self.comments = true;
        self
    }

    /// The column (in characters, from 1) where field `i` of the record last read starts, past
    /// leading blanks: where an error about the field points.
    pub(crate) fn column(&self, i: usize) -> u64 {
        let at = self
            .starts
            .get(i)
            .copied()
            .unwrap_or_else(|| self.starts.last().copied().unwrap_or(0));
        let line_start = self.text[..at].rfind('\n').map_or(0, |n| n + 1);
        self.text[line_start..at].chars().count() as u64 + 1
    }

    /// Whether nothing but whitespace follows the record last read.
    pub(crate) fn at_end(&self) -> bool {
        self.text[self.at..].trim().is_empty()
    }

    /// Reads the next record into `fields` (cleared first) and returns the line it starts on,
    /// or `None` at the end of the text.
    pub(crate) fn next_into(
        &mut self,
        fields: &mut Vec<Cow<'t, str>>,
    ) -> Result<Option<u64>, CsvError> {
        fields.clear();
        self.starts.clear();
        let bytes = self.text.as_bytes();
        // Blank lines (and comments) between records are not records.
        loop {
            let rest = &self.text[self.at..];
            let line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
            let line = &rest[..line_end];
            if !line.trim().is_empty() && (!self.comments || !line.starts_with('#')) {
                break;
            }
            if line_end == 0 {
                return Ok(None);
            }
            self.at += line_end;
            self.line += 1;
        }
        let start_line = self.line;
        loop {
            // One field, from `self.at`.
            while matches!(bytes.get(self.at), Some(b' ' | b'\t')) {
                self.at += 1;
            }
            self.starts.push(self.at);
            if bytes.get(self.at) == Some(&b'"') {
                self.at += 1;
                let begin = self.at;
                let mut owned: Option<String> = None;
                let mut chunk = begin;
                loop {
                    match bytes.get(self.at) {
                        None => {
                            return Err(CsvError {
                                line: start_line,
                                message: "a quoted field is never closed".to_string(),
                            });
                        }
                        Some(b'"') if bytes.get(self.at + 1) == Some(&b'"') => {
                            let s = owned.get_or_insert_with(String::new);
                            s.push_str(&self.text[chunk..=self.at]);
                            self.at += 2;
                            chunk = self.at;
                        }
                        Some(b'"') => break,
                        Some(&c) => {
                            if c == b'\n' {
                                self.line += 1;
                            }
                            self.at += 1;
                        }
                    }
                }
                let value = match owned {
                    Some(mut s) => {
                        s.push_str(&self.text[chunk..self.at]);
                        Cow::Owned(s.trim().to_string())
                    }
                    None => Cow::Borrowed(self.text[begin..self.at].trim()),
                };
                fields.push(value);
                self.at += 1;
                // Text between the closing quote and the separator is kept, as other readers do.
                let tail_begin = self.at;
                while !matches!(bytes.get(self.at), None | Some(b',' | b'\n')) {
                    self.at += 1;
                }
                let tail = self.text[tail_begin..self.at].trim();
                if !tail.is_empty() {
                    let last = fields.pop().unwrap_or_default();
                    fields.push(Cow::Owned(format!("{last}{tail}")));
                }
            } else {
                let begin = self.at;
                while !matches!(bytes.get(self.at), None | Some(b',' | b'\n')) {
                    self.at += 1;
                }
                fields.push(Cow::Borrowed(self.text[begin..self.at].trim()));
            }
            match bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b'\n') => {
                    self.at += 1;
                    self.line += 1;
                    return Ok(Some(start_line));
                }
                _ => return Ok(Some(start_line)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Result<Vec<(u64, Vec<String>)>, CsvError> {
        let mut r = Records::new(text);
        let mut fields = Vec::new();
        let mut out = Vec::new();
        while let Some(line) = r.next_into(&mut fields)? {
            out.push((line, fields.iter().map(|f| f.to_string()).collect()));
        }
        Ok(out)
    }

    #[test]
    fn fields_quotes_blank_lines_and_crlf() {
        let text = "a, b ,c\r\n\n\"x, \"\"y\"\"\",\"two\nlines\",\nlast";
        let got = all(text).unwrap();
        assert_eq!(
            got,
            [
                (1, vec!["a".into(), "b".into(), "c".into()]),
                (3, vec!["x, \"y\"".into(), "two\nlines".into(), "".into()]),
                (5, vec!["last".into()]),
            ]
        );
        assert_eq!(all("").unwrap(), []);
        assert_eq!(
            all("a\n\"open").unwrap_err(),
            CsvError {
                line: 2,
                message: "a quoted field is never closed".into()
            }
        );
    }

    #[test]
    fn unquoted_fields_borrow_the_text() {
        let text = "name,x\nlive/vpc,\"q\"\n";
        let mut r = Records::new(text);
        let mut fields = Vec::new();
        r.next_into(&mut fields).unwrap();
        r.next_into(&mut fields).unwrap();
        assert!(matches!(fields[0], Cow::Borrowed("live/vpc")));
        assert!(matches!(fields[1], Cow::Borrowed("q")));
        assert!(r.at_end());
        assert_eq!((r.column(0), r.column(1)), (1, 10));
        let mut c = Records::new("# note\na,  é,b\n").with_comments();
        assert_eq!(c.next_into(&mut fields).unwrap(), Some(2));
        assert_eq!((c.column(1), c.column(2)), (5, 7));
    }
}
