//! A page's content stream decoded a piece at a time: lopdf parses a whole stream into
//! operations at once (several hundred bytes of memory per operation, so a few megabytes of
//! operators became gigabytes), and its parser recurses into nested arrays. Here the stream is
//! cut after an operator every [`PIECE`] bytes or so, each piece decoded when the operations
//! before it are used up; nesting deeper than [`MAX_NESTING`] and a piece with no operator in
//! [`MAX_PIECE`] bytes are refused before lopdf sees them.

use lopdf::content::{Content, Operation};

/// About how many bytes of the stream are decoded at once.
pub const PIECE: usize = 64 * 1024;
/// The most bytes of operands one operator may have (an inline image is at most 4 KB).
pub const MAX_PIECE: usize = 1024 * 1024;
/// The deepest nesting of arrays and dictionaries in a content stream.
pub const MAX_NESTING: usize = 64;

/// The operations of a content stream, decoded piece by piece.
pub struct Operations<'c> {
    rest: &'c [u8],
    current: std::vec::IntoIter<Operation>,
}

impl<'c> Operations<'c> {
    pub fn new(content: &'c [u8]) -> Self {
        Operations {
            rest: content,
            current: Vec::new().into_iter(),
        }
    }
}

impl Iterator for Operations<'_> {
    type Item = Result<Operation, String>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(op) = self.current.next() {
                return Some(Ok(op));
            }
            if self.rest.is_empty() {
                return None;
            }
            let end = match cut(self.rest, PIECE) {
                Ok(end) => end,
                Err(e) => {
                    self.rest = &[];
                    return Some(Err(e));
                }
            };
            let (piece, rest) = self.rest.split_at(end);
            self.rest = rest;
            match Content::decode(piece) {
                // lopdf leaves room for four operands on every operation (480 bytes): what
                // waits of a piece while a form is painted is held at every level of nesting.
                Ok(c) => {
                    let mut ops = c.operations;
                    for op in &mut ops {
                        op.operands.shrink_to_fit();
                    }
                    self.current = ops.into_iter();
                }
                Err(e) => {
                    self.rest = &[];
                    return Some(Err(format!("съдържанието на страницата е повредено ({e})")));
                }
            }
        }
    }
}

fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\0')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// Where the first piece of `s` ends: just after the first operator at the top level once
/// `target` bytes are passed, or the whole of `s`.
fn cut(s: &[u8], target: usize) -> Result<usize, String> {
    let mut i = 0;
    let mut depth = 0usize;
    let mut last_operator_end = None;
    while i < s.len() {
        if let Some(end) = last_operator_end
            && end >= target
        {
            return Ok(end);
        }
        if i >= MAX_PIECE + last_operator_end.unwrap_or(0) {
            return Err(format!(
                "съдържанието на страницата има операция с повече от {} KB данни",
                MAX_PIECE / 1024
            ));
        }
        let b = s[i];
        match b {
            _ if is_white(b) => i += 1,
            b'%' => {
                while i < s.len() && s[i] != b'\n' && s[i] != b'\r' {
                    i += 1;
                }
            }
            b'(' => i = skip_string(s, i),
            b'<' if s.get(i + 1) == Some(&b'<') => {
                depth += 1;
                i += 2;
            }
            b'>' if s.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 2;
            }
            b'<' => {
                while i < s.len() && s[i] != b'>' {
                    i += 1;
                }
                i += 1;
            }
            b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => {
                let start = i;
                i += 1;
                while i < s.len() && !is_white(s[i]) && !is_delimiter(s[i]) {
                    i += 1;
                }
                let token = &s[start..i];
                if b == b'/' || depth > 0 || !is_operator(token) {
                    // A name, a number or a keyword operand.
                } else if token == b"BI" {
                    i = skip_inline_image(s, i);
                    last_operator_end = Some(i);
                } else {
                    last_operator_end = Some(i);
                }
            }
        }
        if depth > MAX_NESTING {
            return Err(format!(
                "съдържанието на страницата има масиви, вложени повече от {MAX_NESTING} нива"
            ));
        }
    }
    Ok(s.len())
}

/// Whether a token at the top level is an operator: not a number, not true/false/null.
fn is_operator(token: &[u8]) -> bool {
    let first = token.first().copied().unwrap_or(b'0');
    let number = first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.');
    !(number || matches!(token, b"true" | b"false" | b"null"))
}

/// The index just past a literal string starting at `at` (balanced parentheses, escapes).
fn skip_string(s: &[u8], at: usize) -> usize {
    let mut i = at + 1;
    let mut open = 1usize;
    while i < s.len() && open > 0 {
        match s[i] {
            b'\\' => i += 1,
            b'(' => open += 1,
            b')' => open -= 1,
            _ => {}
        }
        i += 1;
    }
    i.min(s.len())
}

/// The index just past the `EI` that ends an inline image whose `BI` ended at `at` (its data
/// after `ID` is binary, so `EI` counts only between white space).
fn skip_inline_image(s: &[u8], at: usize) -> usize {
    let mut i = at;
    while i + 1 < s.len() {
        if s[i] == b'E'
            && s[i + 1] == b'I'
            && i > 0
            && is_white(s[i - 1])
            && s.get(i + 2).is_none_or(|b| is_white(*b))
        {
            return i + 2;
        }
        i += 1;
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(content: &[u8]) -> Result<Vec<Operation>, String> {
        Operations::new(content).collect()
    }

    fn names(ops: &[Operation]) -> Vec<&str> {
        ops.iter().map(|o| o.operator.as_str()).collect()
    }

    #[test]
    fn a_stream_decoded_in_pieces_gives_the_same_operations_as_decoded_whole() {
        let mut content = Vec::new();
        for i in 0..20_000 {
            content.extend_from_slice(
                format!(
                    "BT /F1 9 Tf {i} 700 Td [(a\\)b) -20 (c(d)e)] TJ ET % note {i}\n<< /MCID {i} >> BDC EMC\n"
                )
                .as_bytes(),
            );
        }
        assert!(content.len() > 10 * PIECE);
        let whole = Content::decode(&content).expect("decodes").operations;
        let pieces = all(&content).expect("decodes in pieces");
        assert_eq!(pieces.len(), whole.len());
        assert_eq!(format!("{pieces:?}"), format!("{whole:?}"));
    }

    #[test]
    fn an_inline_image_stays_whole_inside_one_piece() {
        let mut content = b"q ".repeat(PIECE / 2);
        content.extend_from_slice(b"BI /W 2 /H 2 /BPC 8 /CS /G ID \x00EI\xff EI Q");
        content.extend_from_slice(&b" Q".repeat(PIECE / 2));
        let ops = all(&content).expect("decodes");
        assert!(
            names(&ops).contains(&"BI"),
            "{:?}",
            &names(&ops)[PIECE / 2 - 2..]
        );
        assert_eq!(
            names(&ops).iter().filter(|o| **o == "Q").count(),
            PIECE / 2 + 1
        );
    }

    #[test]
    fn arrays_nested_too_deep_are_refused_before_the_parser_recurses() {
        let mut content = b"[".repeat(1_000_000);
        content.extend_from_slice(b"] TJ");
        let e = all(&content).expect_err("too deep");
        assert!(e.contains("вложени"), "{e}");
    }

    #[test]
    fn a_megabyte_of_operands_without_an_operator_is_refused() {
        let content = b"0 ".repeat(MAX_PIECE);
        let e = all(&content).expect_err("no operator");
        assert!(e.contains("KB"), "{e}");
    }

    #[test]
    fn damaged_content_is_an_error_not_a_panic() {
        for content in [
            &b"BT (unclosed Tj"[..],
            b"<< /A",
            b"]]]] Tj",
            b"BI ID",
            b")",
        ] {
            let _ = all(content);
        }
    }
}
