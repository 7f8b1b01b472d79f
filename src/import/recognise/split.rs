//! Splitting a cell's lines into list items, indicators, values and names.
//!
//! Extraction flattens many line breaks into spaces, so besides the lines a cell keeps, items are
//! also split at list markers that continue a numbering ("1. … 2. …"), at dash bullets glued to
//! their word ("-семеен консултинг"), at sentence ends, and, for names, where one name obviously
//! ends and the next begins ("МЗ РЗИ", "Община Пловдив Проекти"). The item's own punctuation is
//! kept; list markers and name separators are dropped.

use crate::registry::AliasIndex;

/// Short words after which a capitalised word still belongs to the same name or sentence.
const FUNCTION_WORDS: [&str; 20] = [
    "на",
    "за",
    "по",
    "от",
    "в",
    "във",
    "към",
    "и",
    "или",
    "чрез",
    "с",
    "със",
    "при",
    "до",
    "към",
    "както",
    "към",
    "без",
    "между",
    "под",
];

/// Abbreviations ending with a dot that do not end a sentence.
const ABBREVIATIONS: [&str; 22] = [
    "гр", "кв", "с", "ул", "вкл", "др", "т.ч", "т", "ч", "бул", "ал", "чл", "бр", "г", "напр",
    "ж.к", "им", "пл", "стр", "св", "ст", "вж",
];

fn is_function_word(w: &str) -> bool {
    FUNCTION_WORDS.contains(&w)
}

fn starts_upper(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

fn starts_lower(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_lowercase)
}

/// An abbreviation in capitals ("МЗ", "РЗИ", "ЦОП-Казанлък" does not count).
fn is_acronym(w: &str) -> bool {
    let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
}

/// A list marker at the start of a word: "3." / "3.Брой" / (at line start) "1Брой".
/// Returns the number and the rest of the word after the marker.
pub fn word_marker(word: &str, line_start: bool) -> Option<(u32, &str)> {
    let digits = word.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 2 {
        return None;
    }
    let n: u32 = word[..digits].parse().ok()?;
    let rest = &word[digits..];
    if let Some(after) = rest.strip_prefix('.') {
        if after.is_empty() || after.chars().next().is_some_and(char::is_alphabetic) {
            return Some((n, after));
        }
        return None;
    }
    if line_start && rest.chars().next().is_some_and(char::is_uppercase) {
        return Some((n, rest));
    }
    if line_start && rest.is_empty() && n > 0 {
        // "1 Брой" at the start of a line: a marker without its dot.
        return None;
    }
    None
}

/// One piece of a line between item boundaries, with the number of the marker that opened it.
struct Piece {
    number: Option<u32>,
    words: Vec<String>,
}

/// Finds list markers in a line; returns pieces. Mid-line markers count when they continue the
/// numbering, or restart it at 1 after punctuation.
fn numbered_pieces(line: &str, last: &mut Option<u32>) -> Vec<Piece> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut pieces = vec![Piece {
        number: None,
        words: Vec::new(),
    }];
    for (i, w) in words.iter().enumerate() {
        let prev = if i > 0 { Some(words[i - 1]) } else { None };
        match marker(prev, w, *last) {
            Some((n, rest)) => {
                *last = Some(n);
                pieces.push(Piece {
                    number: Some(n),
                    words: if rest.is_empty() {
                        Vec::new()
                    } else {
                        vec![rest.to_string()]
                    },
                });
            }
            None => {
                if let Some(p) = pieces.last_mut() {
                    p.words.push((*w).to_string());
                }
            }
        }
    }
    pieces
        .into_iter()
        .filter(|p| !p.words.is_empty() || p.number.is_some())
        .collect()
}

/// The list marker that word `w` is, after word `prev` of the same line (None at the line's
/// start), when the list so far ended at `last`.
fn marker<'a>(prev: Option<&str>, w: &'a str, last: Option<u32>) -> Option<(u32, &'a str)> {
    word_marker(w, prev.is_none()).filter(|(n, _)| {
        let Some(p) = prev else {
            return *n <= 50;
        };
        if ["чл.", "ал.", "т.", "№", "Цел", "цел"].contains(&p) {
            return false;
        }
        let after_punct = p.ends_with(['.', ';', ':', ',', ')', '“', '”', '"']);
        match last {
            Some(l) => *n == l + 1 || (*n == 1 && after_punct),
            None => after_punct && *n <= 50 || *n == 1,
        }
    })
}

/// The list numbers found in a cell, in order (the markers of [`numbered_pieces`], without
/// building the pieces: this runs on every cell of every row).
pub fn numbers(lines: &[String]) -> Vec<u32> {
    let mut last = None;
    let mut out = Vec::new();
    for line in lines {
        let mut prev = None;
        for w in line.split_whitespace() {
            if let Some((n, _)) = marker(prev, w, last) {
                last = Some(n);
                out.push(n);
            }
            prev = Some(w);
        }
    }
    out
}

/// Whether the first line of a cell opens with a list marker or bullet.
pub fn starts_with_marker(lines: &[String]) -> bool {
    let Some(first) = lines.first() else {
        return false;
    };
    let word = first.split_whitespace().next().unwrap_or("");
    word_marker(word, true).is_some() || is_bullet(word)
}

fn is_bullet(word: &str) -> bool {
    let mut chars = word.chars();
    match chars.next() {
        Some('-' | '–' | '•' | '·' | '*' | '▪' | '\u{f0b7}') => {
            let rest: String = chars.collect();
            rest.is_empty() || rest.chars().next().is_some_and(char::is_alphabetic)
        }
        _ => false,
    }
}

fn strip_bullet(word: &str) -> &str {
    word.trim_start_matches(['-', '–', '•', '·', '*', '▪', '\u{f0b7}'])
}

/// Tasks and activities: one item per line, list item, bullet or sentence.
pub fn list_items(lines: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut last = None;
    // The code opening the last item ("1.2.1."): the next one ("1.2.2.") opens another.
    let mut last_code: Option<Vec<u32>> = None;
    for line in lines {
        for piece in numbered_pieces(line, &mut last) {
            let mut current: Vec<String> = Vec::new();
            for (wi, w) in piece.words.iter().enumerate() {
                if let Some(parts) = code_parts(w) {
                    let next = last_code.as_ref().is_some_and(|l| code_follows(l, &parts));
                    if next {
                        flush(&mut out, &mut current);
                    }
                    if next || current.is_empty() {
                        last_code = Some(parts);
                    }
                }
                let lone_dash = strip_bullet(w).is_empty();
                if is_bullet(w) && (wi == 0 || !lone_dash) {
                    flush(&mut out, &mut current);
                    let rest = strip_bullet(w);
                    if !rest.is_empty() {
                        current.push(rest.to_string());
                    }
                    continue;
                }
                if !current.is_empty() && starts_upper(w) {
                    let prev = current.last().map(String::as_str).unwrap_or("");
                    if ends_sentence(prev) || is_verbal_noun_start(prev, w) || prev == "." {
                        flush(&mut out, &mut current);
                    }
                }
                current.push(w.clone());
            }
            flush(&mut out, &mut current);
        }
    }
    out
}

/// The numbers of a code of two levels or more ("1.2.", "1.2.3"), each of one to three digits.
pub fn code_parts(word: &str) -> Option<Vec<u32>> {
    let parts: Vec<&str> = word.trim_end_matches('.').split('.').collect();
    if parts.len() < 2
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 3 || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    parts.iter().map(|p| p.parse().ok()).collect()
}

/// "1.2.2." after "1.2.1.": the same parent, the next number.
fn code_follows(last: &[u32], next: &[u32]) -> bool {
    let n = last.len();
    n == next.len() && last[..n - 1] == next[..n - 1] && next[n - 1] == last[n - 1] + 1
}

/// What the codes opening a measure's items share ("1.1.1.", "1.1.2." → "1.1."), when each
/// item opens with a code and there are two or more.
pub fn shared_code(items: &[String]) -> Option<String> {
    if items.len() < 2 {
        return None;
    }
    let codes: Vec<(Vec<u32>, bool)> = items
        .iter()
        .map(|i| {
            let w = i.split_whitespace().next()?;
            Some((code_parts(w)?, w.ends_with('.')))
        })
        .collect::<Option<_>>()?;
    let first = &codes[0].0;
    let mut shared = first.len() - 1;
    for (c, _) in &codes[1..] {
        shared = shared.min(first.iter().zip(c).take_while(|(a, b)| a == b).count());
    }
    if shared == 0 {
        return None;
    }
    let text: Vec<String> = first[..shared].iter().map(u32::to_string).collect();
    Some(format!(
        "{}{}",
        text.join("."),
        if codes[0].1 { "." } else { "" }
    ))
}

fn flush(out: &mut Vec<String>, current: &mut Vec<String>) {
    if !current.is_empty() {
        out.push(current.join(" "));
        current.clear();
    }
}

/// "среда." ends a sentence; "гр." or "вкл." does not.
fn ends_sentence(word: &str) -> bool {
    let Some(stem) = word.strip_suffix('.') else {
        return false;
    };
    // A code of two levels or more ("1.1.") opens an item; it ends none.
    let code = stem.contains('.') && stem.chars().all(|c| c.is_ascii_digit() || c == '.');
    if stem.is_empty() || stem.ends_with('.') || code {
        return false;
    }
    let lower = stem.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) || lower.chars().count() == 1 {
        return false;
    }
    !is_acronym(stem) || stem.chars().count() > 5
}

/// "ученици Популяризиране": a capitalised verbal noun after a lowercase word starts a new item
/// whose line break the extraction flattened.
fn is_verbal_noun_start(prev: &str, word: &str) -> bool {
    if !prev.chars().last().is_some_and(char::is_lowercase) || is_function_word(prev) {
        return false;
    }
    if is_acronym(word) {
        return false;
    }
    let lower = word.to_lowercase();
    ["ане", "яне", "ение", "ения", "ания", "яния"]
        .iter()
        .any(|s| lower.ends_with(s))
        && lower.chars().count() > 6
}

/// Indicators: one per line that opens a statement ("Брой …", a list item); lines that do not
/// (a breakdown "- по чл. 36 …", a sub-heading) stay with the indicator before them.
pub fn indicator_items(lines: &[String]) -> Vec<String> {
    statements(lines, false)
}

/// Current and target values: split like the indicators they mirror; short lines ("0", "12")
/// are values of their own.
pub fn value_items(lines: &[String]) -> Vec<String> {
    statements(lines, true)
}

fn is_count_word(w: &str) -> bool {
    matches!(w, "Брой" | "Бр." | "Броя" | "Броят" | "Бр" | "БРОЙ")
}

fn statements(lines: &[String], values: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut last = None;
    for (li, line) in lines.iter().enumerate() {
        let short = values && line.chars().count() <= 25;
        for (pi, piece) in numbered_pieces(line, &mut last).into_iter().enumerate() {
            let mut current: Vec<String> = Vec::new();
            let opens = piece.number.is_some()
                || short
                || piece.words.first().is_some_and(|w| is_count_word(w))
                || (li == 0 && pi == 0);
            let mut joined_to_previous = !opens && !out.is_empty() && pi == 0;
            for w in &piece.words {
                if !current.is_empty() {
                    let prev = current.last().map(String::as_str).unwrap_or("");
                    let new_count = is_count_word(w) && !is_function_word(prev)
                        || (w == "брой" && prev.ends_with(';'));
                    if new_count {
                        emit(&mut out, &mut current, joined_to_previous);
                        joined_to_previous = false;
                    }
                }
                current.push(w.clone());
            }
            emit(&mut out, &mut current, joined_to_previous);
        }
    }
    out
}

fn emit(out: &mut Vec<String>, current: &mut Vec<String>, join: bool) {
    if current.is_empty() {
        return;
    }
    let text = current.join(" ");
    current.clear();
    match out.last_mut() {
        Some(prev) if join => {
            prev.push(' ');
            prev.push_str(&text);
        }
        _ => out.push(text),
    }
}

/// Institutions and funding sources: split on commas, semicolons, lines and at the boundaries
/// between names that the extraction flattened; never on " и " or "/".
pub fn name_items(lines: &[String], known: &AliasIndex) -> Vec<String> {
    let mut out = Vec::new();
    for line in &dashed_lines_joined(lines) {
        for part in line.split([',', ';']) {
            let words: Vec<&str> = part.split_whitespace().collect();
            let keys = Keys::of(&words);
            let mut current: Vec<&str> = Vec::new();
            for (k, w) in words.iter().enumerate() {
                if k > 0 && !current.is_empty() && name_boundary(&words, k, &keys, known) {
                    out.push(current.join(" "));
                    current.clear();
                }
                current.push(w);
            }
            if !current.is_empty() {
                out.push(current.join(" "));
            }
        }
    }
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && s != "-" && s != "–")
        .collect()
}

/// A line opened by a dash goes on from the line before ("РУО" + "– Пловдив", a line wrapped
/// before the dash of "РУО – Пловдив"), unless that line ends its name with a comma or a
/// semicolon, or opens with a dash itself (a list of names, each after a dash).
fn dashed_lines_joined(lines: &[String]) -> Vec<String> {
    let dashed = |l: &str| l.trim_start().starts_with(['–', '-', '—']);
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for line in lines {
        match out.last_mut() {
            Some(prev)
                if dashed(line)
                    && !dashed(prev)
                    && !prev.trim_end().ends_with([',', ';'])
                    && !prev.trim().is_empty() =>
            {
                prev.push(' ');
                prev.push_str(line.trim());
            }
            _ => out.push(line.clone()),
        }
    }
    out
}

/// The registry key of each word, so the key of a run of words is the join of theirs (the key
/// normalises word by word) and is not recomputed for each of the runs tried.
struct Keys(Vec<String>);

impl Keys {
    fn of(words: &[&str]) -> Keys {
        Keys(words.iter().map(|w| crate::registry::name_key(w)).collect())
    }

    /// Whether words `s..e` together are a known name.
    fn known(&self, s: usize, e: usize, known: &AliasIndex) -> bool {
        let mut key = String::new();
        for k in self.0[s..e].iter().filter(|k| !k.is_empty()) {
            if !key.is_empty() {
                key.push(' ');
            }
            key.push_str(k);
        }
        !key.is_empty() && known.lookup_key(&key).is_some()
    }
}

/// Whether a new name begins at word `k`.
fn name_boundary(words: &[&str], k: usize, keys: &Keys, known: &AliasIndex) -> bool {
    let prev = words[k - 1];
    let w = words[k];
    let wrapped = prev.starts_with('/') && prev.ends_with('/');
    if (prev.ends_with(['-', '/', '–']) && !wrapped) || is_function_word(prev) {
        return false;
    }
    if w.starts_with(['„', '"', '“', '(', '/', '-', '–'])
        || w.chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        return false;
    }
    if spans_known_name(words, k, keys, known) {
        return false;
    }
    let starts_known = starts_known_name(words, k, keys, known);
    if starts_lower(w) {
        if is_function_word(w) {
            return false;
        }
        return starts_known || is_acronym(prev);
    }
    if !starts_upper(w) {
        return false;
    }
    let prev_lower = prev.to_lowercase();
    let place_word = [
        "община",
        "общината",
        "гр.",
        "град",
        "с.",
        "село",
        "област",
        "района",
    ]
    .contains(&prev_lower.as_str());
    if place_word && !starts_known {
        return false;
    }
    true
}

/// A known name covers words k-1 and k together ("РУО МОН", "Здравни Медиатори").
fn spans_known_name(words: &[&str], k: usize, keys: &Keys, known: &AliasIndex) -> bool {
    let lo = k.saturating_sub(6);
    for s in lo..k {
        for e in (k + 1)..=(words.len().min(s + 8)) {
            if keys.known(s, e, known) {
                return true;
            }
        }
    }
    false
}

fn starts_known_name(words: &[&str], k: usize, keys: &Keys, known: &AliasIndex) -> bool {
    (k + 1..=words.len().min(k + 8)).any(|e| keys.known(k, e, known))
}

/// Removes a trailing separator (",", ";") but keeps a trailing ".".
pub fn clean_name(s: &str) -> String {
    s.trim().trim_end_matches([',', ';']).trim().to_string()
}

/// "1.2. Обучение …" → ("1.2.", "Обучение …"): a code of two or more numbers joined by
/// dots opening a text, followed by a space and more text.
pub fn leading_code(text: &str) -> Option<(&str, &str)> {
    let (head, rest) = text.trim_start().split_once(' ')?;
    let parts: Vec<&str> = head.trim_end_matches('.').split('.').collect();
    let numbers = parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()));
    let rest = rest.trim_start();
    (numbers && !rest.is_empty()).then_some((head, rest))
}

/// "Брой деца – 150", "Обхват: 95%", "Асфалтирани улици – 2 км" → (name, target): a value
/// after a dash or colon ending the indicator, a number with at most a unit word after it.
/// A range of years ("ПРЧР 2021-2027 г.") is no target: the text before the dash ends in a
/// letter or a bracket.
pub fn stated_target(text: &str) -> Option<(&str, &str)> {
    let t = text.trim_end_matches(['.', ';', ' ']);
    let cut = t.rfind(['–', '—', '-', ':'])?;
    let (name, value) = (
        t[..cut].trim_end(),
        t[cut..].trim_start_matches(['–', '—', '-', ':']).trim(),
    );
    if !name.ends_with(|c: char| c.is_alphabetic() || c == ')') || name.chars().count() < 3 {
        return None;
    }
    let mut words = value.split_whitespace();
    let number = words.next()?;
    let digits = number.trim_end_matches('%');
    if digits.is_empty()
        || !digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        || !digits.starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let unit = words.next();
    if words.next().is_some()
        || unit.is_some_and(|u| u.chars().count() > 8 || u.chars().any(|c| c.is_ascii_digit()))
    {
        return None;
    }
    Some((name, value))
}

#[cfg(test)]
#[path = "split_tests.rs"]
mod tests;
