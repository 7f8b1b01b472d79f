//! What lopdf may parse when it loads a file. lopdf parses every object of a file, and of its
//! object streams, into memory before planmon sees any (a number or a name costs about a
//! hundred bytes there): 50 MB of `0 0 0 …` in one array took 2 GB, and an object stream whose
//! entries all point at the same array parses it once per entry. So the file's object syntax is
//! counted before lopdf sees it (tokens outside stream data), every object stream is measured
//! as lopdf will parse it before it is unpacked into objects, and every object lopdf keeps is
//! counted as it comes: past [`MAX_OBJECTS`] the load stops.

use lopdf::{Document, LoadOptions, Object};
use std::cell::Cell;

/// The most objects (numbers, names, strings, arrays, dictionary entries…) a file may make
/// lopdf hold: about 100 MB. A 300-page plan has a few hundred thousand.
pub(super) const MAX_OBJECTS: usize = 1_000_000;

/// Why a load was stopped.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Stopped {
    /// More objects than [`MAX_OBJECTS`].
    TooManyObjects,
}

thread_local! {
    /// Objects kept so far by the load running on this thread.
    static KEPT: Cell<usize> = const { Cell::new(0) };
}

/// The unwinding payload that stops a load from inside lopdf's filter.
struct Stop;

/// Loads `bytes` with lopdf, counting what it parses; `Err(Ok(_))` when a limit stopped it,
/// `Err(Err(e))` for lopdf's own error.
pub(super) fn load(
    bytes: &[u8],
    mut options: LoadOptions,
) -> Result<Document, Result<Stopped, lopdf::Error>> {
    if file_tokens(bytes) > MAX_OBJECTS {
        return Err(Ok(Stopped::TooManyObjects));
    }
    options.filter = Some(count_object);
    KEPT.with(|k| k.set(0));
    // The filter cannot return an error: it unwinds with `Stop` (without the panic hook, so
    // nothing is printed) and the unwinding is caught here.
    let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Document::load_mem_with_options(bytes, options)
    }));
    KEPT.with(|k| k.set(0));
    match loaded {
        Ok(Ok(doc)) => Ok(doc),
        Ok(Err(e)) => Err(Err(e)),
        Err(payload) if payload.is::<Stop>() => Err(Ok(Stopped::TooManyObjects)),
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

/// lopdf's filter: called with each object it parsed (an object stream before it is unpacked).
/// The returned object is what lopdf keeps of an object from an object stream; of any other
/// object it keeps its own (the answer only says whether to keep it).
fn count_object(id: (u32, u16), object: &mut Object) -> Option<((u32, u16), Object)> {
    let cost = match &mut *object {
        Object::Stream(s) if s.dict.has_type(b"ObjStm") => {
            let cost = object_stream_cost(s);
            if cost.is_none() {
                // Entries that do not point at objects: nothing of it is read.
                s.set_plain_content(Vec::new());
            }
            cost.unwrap_or(0)
        }
        o => objects_in(o),
    };
    let kept = KEPT.with(|k| {
        let kept = k.get().saturating_add(cost);
        k.set(kept);
        kept
    });
    if kept > MAX_OBJECTS {
        std::panic::resume_unwind(Box::new(Stop));
    }
    match object {
        // Only top-level objects are streams, and of those lopdf keeps its own.
        Object::Stream(_) => Some((id, Object::Null)),
        o => Some((id, o.clone())),
    }
}

/// Objects in `o`, itself included (a stream's dictionary; its data is bytes of the file).
fn objects_in(o: &Object) -> usize {
    let mut n = 0usize;
    let mut stack = vec![o];
    while let Some(o) = stack.pop() {
        n += 1;
        match o {
            Object::Array(a) => stack.extend(a.iter()),
            Object::Dictionary(d) => stack.extend(d.iter().map(|(_, v)| v)),
            Object::Stream(s) => stack.extend(s.dict.iter().map(|(_, v)| v)),
            _ => {}
        }
    }
    n
}

/// The objects lopdf will parse out of an object stream (each entry is parsed from its offset,
/// so entries pointing into one array parse it again and again); `None` when an entry points
/// anywhere but at the start of an object.
fn object_stream_cost(s: &lopdf::Stream) -> Option<usize> {
    let limit = MAX_OBJECTS * 64;
    let content = s.get_plain_content_with_limit(limit).ok()?;
    let first = usize::try_from(s.dict.get(b"First").ok()?.as_i64().ok()?).ok()?;
    let header = content.get(..first)?;
    let numbers: Vec<Option<u32>> = std::str::from_utf8(header)
        .ok()?
        .split(['\r', '\n'])
        .flat_map(|line| {
            line.split('%')
                .next()
                .unwrap_or_default()
                .split_whitespace()
        })
        .map(|n| n.parse().ok())
        .collect();
    let Some(tokens) = tokens(&content[first..], MAX_OBJECTS) else {
        return Some(usize::MAX);
    };
    let starts: Vec<usize> = tokens.iter().map(|t| t.start).collect();
    let mut cost = 0usize;
    for pair in numbers.chunks_exact(2) {
        let (Some(_), Some(offset)) = (pair[0], pair[1]) else {
            continue;
        };
        let offset = offset as usize;
        if offset >= content.len() - first {
            continue;
        }
        let at = starts.partition_point(|&s| s < offset);
        let Some(token) = tokens.get(at) else {
            continue;
        };
        // Only white space may lie between the offset and the object.
        if !content[first + offset..first + token.start]
            .iter()
            .all(|b| is_white(*b))
        {
            return None;
        }
        cost = cost.saturating_add(token.extent);
        if cost > MAX_OBJECTS {
            return Some(cost);
        }
    }
    Some(cost)
}

fn is_white(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// A token of PDF object syntax: where it starts and how many tokens the object starting with
/// it has (an array or dictionary to its end, a reference `1 0 R` three, else one).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Token {
    start: usize,
    extent: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Open,
    Close,
    Number,
    R,
    Other,
}

/// The tokens of PDF object syntax in `s`, one at a time: where each starts and what it is.
/// With `skip_streams` the data between `stream` and `endstream` is skipped (a whole file).
struct Lexer<'s> {
    s: &'s [u8],
    i: usize,
    skip_streams: bool,
}

impl Iterator for Lexer<'_> {
    type Item = (usize, Kind);

    fn next(&mut self) -> Option<(usize, Kind)> {
        let s = self.s;
        loop {
            let b = *s.get(self.i)?;
            let start = self.i;
            let i = &mut self.i;
            if is_white(b) {
                *i += 1;
                continue;
            }
            let kind = match b {
                b'%' => {
                    while *i < s.len() && s[*i] != b'\n' && s[*i] != b'\r' {
                        *i += 1;
                    }
                    continue;
                }
                b'(' => {
                    let mut depth = 0usize;
                    while *i < s.len() {
                        match s[*i] {
                            b'\\' => *i += 1,
                            b'(' => depth += 1,
                            b')' => {
                                depth = depth.saturating_sub(1);
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        *i += 1;
                    }
                    *i += 1;
                    Kind::Other
                }
                b'<' if s.get(*i + 1) == Some(&b'<') => {
                    *i += 2;
                    Kind::Open
                }
                b'>' if s.get(*i + 1) == Some(&b'>') => {
                    *i += 2;
                    Kind::Close
                }
                b'<' => {
                    while *i < s.len() && s[*i] != b'>' {
                        *i += 1;
                    }
                    *i += 1;
                    Kind::Other
                }
                b'[' => {
                    *i += 1;
                    Kind::Open
                }
                b']' => {
                    *i += 1;
                    Kind::Close
                }
                b'/' => {
                    *i += 1;
                    while *i < s.len() && !is_white(s[*i]) && !is_delimiter(s[*i]) {
                        *i += 1;
                    }
                    Kind::Other
                }
                b')' | b'>' | b'{' | b'}' => {
                    *i += 1;
                    Kind::Other
                }
                _ => {
                    while *i < s.len() && !is_white(s[*i]) && !is_delimiter(s[*i]) {
                        *i += 1;
                    }
                    let word = &s[start..*i];
                    if self.skip_streams && word == b"stream" {
                        *i = find(s, *i, b"endstream").map_or(s.len(), |p| p + b"endstream".len());
                        continue;
                    }
                    match word {
                        b"R" => Kind::R,
                        w if w.iter().all(|c| c.is_ascii_digit()) => Kind::Number,
                        _ => Kind::Other,
                    }
                }
            };
            return Some((start, kind));
        }
    }
}

/// The tokens of `s` with their extents, or `None` past `max` tokens.
fn tokens(s: &[u8], max: usize) -> Option<Vec<Token>> {
    let mut out: Vec<Token> = Vec::new();
    let mut kinds: Vec<Kind> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let lexer = Lexer {
        s,
        i: 0,
        skip_streams: false,
    };
    for (start, kind) in lexer {
        let index = out.len();
        if index >= max {
            return None;
        }
        out.push(Token { start, extent: 1 });
        kinds.push(kind);
        match kind {
            Kind::Open => open.push(index),
            Kind::Close => {
                if let Some(o) = open.pop() {
                    out[o].extent = index - o + 1;
                }
            }
            Kind::R
                if index >= 2
                    && kinds[index - 1] == Kind::Number
                    && kinds[index - 2] == Kind::Number =>
            {
                out[index - 2].extent = 3;
            }
            _ => {}
        }
    }
    // An array or dictionary never closed runs to the end.
    for o in open {
        out[o].extent = out.len() - o;
    }
    Some(out)
}

fn find(s: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    s.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// Tokens of object syntax in a whole file, outside the data of its streams.
pub(super) fn file_tokens(bytes: &[u8]) -> usize {
    Lexer {
        s: bytes,
        i: 0,
        skip_streams: true,
    }
    .take(MAX_OBJECTS + 1)
    .count()
}
