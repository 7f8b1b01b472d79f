//! Columns a coded table's header does not show but its body does: codes written at the left
//! of the first column with the column's text after them ("1.2. Осигуряване …", the header's
//! first name over both) are a column of their own.

use super::GridLine;
use super::coded::is_code;

/// Where the text after the codes starts, when the codes stand at the left of the first
/// column with its text after them: the column most code lines give their second word, left
/// of the next header cell (`next`), on two lines at least.
pub(super) fn after_codes(lines: &[GridLine], body: &[usize], next: usize) -> Option<usize> {
    let mut at: Vec<usize> = body
        .iter()
        .map(|k| &lines[*k].words)
        .filter(|w| w.first().is_some_and(|c| is_code(&c.text)))
        .filter_map(|w| w.get(1).filter(|x| x.start + 2 < next).map(|x| x.start))
        .collect();
    let n = at.len();
    at.sort_unstable();
    let (x, count) = at
        .chunk_by(|a, b| a == b)
        .map(|c| (c[0], c.len()))
        .max_by_key(|(x, c)| (*c, std::cmp::Reverse(*x)))?;
    (count >= 2 && count * 2 > n).then_some(x)
}
