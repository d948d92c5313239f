//! Reading the files rtosim is given (plans, their timings files, and the logs, reports and
//! graphs the importers take), all through [`read_text`], so every input gets the same three
//! guarantees:
//!
//! - **A size cap.** No file is read past its cap ([`PLAN_LIMIT`] for plans, [`LOG_LIMIT`] for
//!   logs), not even a FIFO or a device that never ends: the reader stops one byte after the
//!   cap and reports the file as too large.
//! - **Byte-order marks decoded.** A UTF-8 BOM is dropped, and UTF-16 text with a BOM (what a
//!   PowerShell `>` redirect writes) is decoded, by `encoding_rs`; so a format sniffed from the
//!   first character (JSON or DOT, JSON or CSV) sees that character, not the mark.
//! - **Non-text placed.** Bytes that are not valid text, or a NUL character (UTF-16 without a
//!   BOM), are an error naming the line and column of the first bad one.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use encoding_rs::{Encoding, UTF_8};

use crate::text::LineIndex;

const MIB: u64 = 1024 * 1024;

/// The largest plan rtosim reads: far beyond any real plan (a 100,000-step plan is about
/// 10 MiB), small enough that a mistaken path cannot exhaust memory.
pub const PLAN_LIMIT: u64 = 256 * MIB;

/// The largest log, report, graph or drill CSV rtosim reads. Importers hold the whole text,
/// so this bounds their memory too; machine-written logs of large applies run to hundreds of
/// MiB, hence the larger cap.
pub const LOG_LIMIT: u64 = 1024 * MIB;

/// A size for people: whole MiB when it is one, else bytes.
fn size(bytes: u64) -> String {
    if bytes >= MIB && bytes % MIB == 0 {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Why a text could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// The encoding the text was read as: `"UTF-8"`, `"UTF-16LE"` or `"UTF-16BE"`.
    pub encoding: &'static str,
    /// The line of the first bad character, from 1.
    pub line: usize,
    /// Its column in characters, from 1.
    pub column: usize,
    /// Whether it is a NUL character rather than an invalid byte sequence.
    pub nul: bool,
}

impl DecodeError {
    /// What is wrong, as a lowercase fragment.
    pub fn message(&self) -> String {
        if self.nul {
            "the file holds a NUL character, so it is not a text file".to_string()
        } else {
            format!("the file is not {} text", self.encoding)
        }
    }

    /// How to fix it.
    pub fn hint(&self) -> &'static str {
        if self.nul {
            "if it is UTF-16 without a byte-order mark, save it as UTF-8 (or as UTF-16 with a byte-order mark)"
        } else {
            "save the file as UTF-8 text; UTF-16 is read when it starts with a byte-order mark"
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {} (hint: {})",
            self.line,
            self.column,
            self.message(),
            self.hint()
        )
    }
}

/// Why a file could not be read as text.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be opened or read.
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        error: std::io::Error,
    },
    /// The file is larger than its cap.
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The cap, in bytes.
        limit: u64,
    },
    /// The file is not text.
    NotText {
        /// The file.
        path: PathBuf,
        /// Where and why.
        error: DecodeError,
    },
}

impl ReadError {
    /// The file.
    pub fn path(&self) -> &Path {
        match self {
            ReadError::Io { path, .. }
            | ReadError::TooLarge { path, .. }
            | ReadError::NotText { path, .. } => path,
        }
    }

    /// What is wrong, as a lowercase fragment (without the file's name).
    pub fn message(&self) -> String {
        match self {
            ReadError::Io { error, .. } => format!("cannot read the file: {error}"),
            ReadError::TooLarge { limit, .. } => format!(
                "the file is larger than {}, the most rtosim reads for this kind of file",
                size(*limit)
            ),
            ReadError::NotText { error, .. } => error.message(),
        }
    }

    /// How to fix it, where that is clear.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            ReadError::Io { .. } => None,
            ReadError::TooLarge { .. } => {
                Some("check that the path names the file you meant, not a device, a pipe or a dump")
            }
            ReadError::NotText { error, .. } => Some(error.hint()),
        }
    }

    /// The line and column of the problem, when it has one.
    pub fn line_column(&self) -> Option<(usize, usize)> {
        match self {
            ReadError::NotText { error, .. } => Some((error.line, error.column)),
            _ => None,
        }
    }
}

impl ReadError {
    /// The file, the line and column when there is one, and what is wrong, without the hint:
    /// `plan.toml:3:7: the file is not UTF-8 text`, or `cannot read plan.toml: ...`.
    pub fn headline(&self) -> String {
        let path = crate::text::escape_control(&self.path().to_string_lossy()).into_owned();
        match (self, self.line_column()) {
            (ReadError::Io { error, .. }, _) => format!("cannot read {path}: {error}"),
            (_, Some((line, column))) => format!("{path}:{line}:{column}: {}", self.message()),
            (_, None) => format!("{path}: {}", self.message()),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())?;
        match self.hint() {
            Some(hint) => write!(f, " (hint: {hint})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Reads `path` as text: at most `limit` bytes (see the module documentation), its byte-order
/// mark decoded, valid text or an error placing the first bad character.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let io = |error| ReadError::Io {
        path: path.to_path_buf(),
        error,
    };
    let too_large = || ReadError::TooLarge {
        path: path.to_path_buf(),
        limit,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    // A regular file's size is known: refuse it before reading, and read it into one buffer
    // of the right size. Anything else (a FIFO, a device) is read until the cap.
    let known = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    if known.is_some_and(|len| len > limit) {
        return Err(too_large());
    }
    let capacity = known
        .map_or(8 * 1024, |len| len.saturating_add(1))
        .min(limit);
    let mut bytes = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    // One byte past the cap tells a file of exactly the cap from a larger one.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    decode(bytes).map_err(|error| ReadError::NotText {
        path: path.to_path_buf(),
        error,
    })
}

/// Decodes the bytes of a text file: UTF-8, or UTF-16 (either byte order) when the text starts
/// with its byte-order mark; the mark itself is dropped. UTF-8 text is taken over without a
/// copy. Text holding a NUL character is refused, since no text format rtosim reads has one
/// and it is the mark of UTF-16 without a byte-order mark.
pub fn decode(mut bytes: Vec<u8>) -> Result<String, DecodeError> {
    let text = match Encoding::for_bom(&bytes) {
        Some((encoding, bom)) if encoding != UTF_8 => decode_with(encoding, &bytes[bom..])?,
        found => {
            if let Some((_, bom)) = found {
                bytes.drain(..bom);
            }
            decode_utf8(bytes)?
        }
    };
    match text.find('\0') {
        Some(at) => {
            let (line, column) = LineIndex::new(&text).line_column(at);
            Err(DecodeError {
                encoding: "UTF-8",
                line,
                column,
                nul: true,
            })
        }
        None => Ok(text),
    }
}

fn decode_utf8(bytes: Vec<u8>) -> Result<String, DecodeError> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        // The prefix up to the first bad byte is valid by definition.
        let before = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
        error_after(UTF_8, before)
    })
}

/// Decodes text in a non-UTF-8 encoding, stopping at the first malformed sequence.
fn decode_with(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, DecodeError> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len()),
    );
    let mut rest = bytes;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(rest, &mut out, true);
        rest = &rest[read..];
        match result {
            encoding_rs::DecoderResult::InputEmpty => return Ok(out),
            encoding_rs::DecoderResult::OutputFull => out.reserve(rest.len().max(16) * 3),
            encoding_rs::DecoderResult::Malformed(..) => return Err(error_after(encoding, &out)),
        }
    }
}

/// The error for a bad character right after the text `before`.
fn error_after(encoding: &'static Encoding, before: &str) -> DecodeError {
    let (line, column) = LineIndex::new(before).line_column(before.len());
    DecodeError {
        encoding: encoding.name(),
        line,
        column,
        nul: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut out = if big_endian {
            vec![0xfe, 0xff]
        } else {
            vec![0xff, 0xfe]
        };
        for unit in text.encode_utf16() {
            let bytes = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            out.extend(bytes);
        }
        out
    }

    #[test]
    fn byte_order_marks_are_decoded_and_dropped() {
        let text = "digraph {\n  \"é\" -> \"b\"\n}\n";
        assert_eq!(decode(text.as_bytes().to_vec()).unwrap(), text);
        let mut with_bom = vec![0xef, 0xbb, 0xbf];
        with_bom.extend(text.as_bytes());
        assert_eq!(decode(with_bom).unwrap(), text);
        assert_eq!(decode(utf16(text, false)).unwrap(), text);
        assert_eq!(decode(utf16(text, true)).unwrap(), text);
        assert_eq!(decode(vec![0xef, 0xbb, 0xbf]).unwrap(), "");
    }

    #[test]
    fn bad_bytes_are_placed_by_line_and_column() {
        let e = decode(b"a = 1\nb\xc3\xa9 = \xff\n".to_vec()).unwrap_err();
        assert_eq!(
            (e.encoding, e.line, e.column, e.nul),
            ("UTF-8", 2, 6, false)
        );
        // An unpaired surrogate in UTF-16, on the second line.
        let mut bytes = utf16("x\nab", false);
        bytes.extend([0x00, 0xd8, 0x41, 0x00]);
        let e = decode(bytes).unwrap_err();
        assert_eq!((e.encoding, e.line, e.column), ("UTF-16LE", 2, 3));
        // An odd byte at the end of UTF-16.
        let mut bytes = utf16("ab", true);
        bytes.push(0x41);
        assert_eq!(decode(bytes).unwrap_err().column, 3);
    }

    #[test]
    fn utf16_without_a_mark_is_named() {
        let bytes: Vec<u8> = "[[step]]"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let e = decode(bytes).unwrap_err();
        assert!(e.nul && e.line == 1 && e.column == 2, "{e:?}");
        assert!(e.hint().contains("UTF-16"));
    }

    #[test]
    fn files_past_the_cap_are_refused_even_when_endless() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.log");
        std::fs::write(&path, vec![b'y'; 1_001]).unwrap();
        assert!(matches!(
            read_text(&path, 1_000),
            Err(ReadError::TooLarge { .. })
        ));
        assert_eq!(read_text(&path, 1_001).unwrap().len(), 1_001);
        // An endless device is read up to the cap and no further.
        let endless = Path::new("/dev/zero");
        if endless.exists() {
            let e = read_text(endless, 4_096).unwrap_err();
            assert!(matches!(e, ReadError::TooLarge { .. }), "{e}");
            assert!(e.to_string().contains("larger than"), "{e}");
        }
        let missing = read_text(&dir.path().join("none"), 10).unwrap_err();
        assert!(missing.to_string().starts_with("cannot read "), "{missing}");
    }
}
