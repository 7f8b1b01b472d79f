//! Fuzzing on the stable toolchain, for every parser and renderer: `scripts/fuzz.sh N [TARGET…]`
//! (or `cargo run --example fuzz -- N [TARGET…]`) gives each target N inputs and prints, per
//! target, how many ran, were read, were refused (an error or the budget) and panicked, and the
//! slowest input. Inputs are the import fixtures and the hostile files of issue 18 (small
//! variants of them, made by `tests/app/hostile_files.rs`) mutated byte by byte, and inputs
//! built with their structure in mind: ZIP containers unpacked, their XML mutated and packed
//! again; PDFs with their streams unpacked, mutated and stored again; generated tag soup;
//! generated CSV; reports with random text in every field. A panic
//! is caught, counted and its input saved under `target/fuzz/crashes/` to become a test.
//! `FUZZ_SECONDS` caps the time per target (the printed counts are what ran); `FUZZ_SEED`
//! repeats a run.

#[path = "../tests/app/hostile_files.rs"]
mod hostile_files;
#[path = "../tests/app/hostile_more.rs"]
mod hostile_more;

use planmon::import::ImportOptions;
use planmon::import::load::import_bytes;
use planmon::import::read_document;
use std::io::{Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

/// xorshift64*: fast, reproducible from the seed printed at the start.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Values that break parsers: huge, negative, empty, not numbers.
const NASTY: [&str; 14] = [
    "0",
    "-1",
    "4294967295",
    "4294967296",
    "18446744073709551616",
    "99999999999999999999999",
    "1e308",
    "NaN",
    "",
    " ",
    "XFD1048576",
    "A0",
    "&#0;",
    "\u{feff}",
];

const WORDS: [&str; 16] = [
    "Мярка",
    "Община",
    "ЗДРАВНООБРАЗОВАТЕЛНИШШШЖЖЖЮЮЮ",
    "2024",
    "1 500,50 лв.",
    "\t",
    "\n",
    ";",
    "\"",
    "<b>",
    "й\u{301}",
    "👩‍👩‍👧",
    "\u{202e}",
    "\u{200b}",
    "ﷺ",
    "x",
];

/// One mutation of `data` in place: flips, inserts, deletions, repeats, splices, nasty values.
fn mutate(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8]) {
    let len = data.len();
    match rng.below(9) {
        0 if len > 0 => {
            let i = rng.below(len);
            data[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            data[i] = rng.next() as u8;
        }
        2 => {
            let at = rng.below(len + 1);
            let word = rng.pick(&WORDS).as_bytes().to_vec();
            data.splice(at..at, word);
        }
        3 if len > 0 => {
            let at = rng.below(len);
            let n = rng.below((len - at).min(256)) + 1;
            data.drain(at..at + n);
        }
        4 if len > 0 => {
            // Repeat a chunk: nesting and long runs.
            let at = rng.below(len);
            let n = rng.below((len - at).min(64)) + 1;
            let chunk = data[at..at + n].to_vec();
            let times = 1 + rng.below(64);
            let rep = chunk.repeat(times);
            data.splice(at..at, rep);
        }
        5 if !other.is_empty() => {
            // Splice in part of another input.
            let at = rng.below(len + 1);
            let from = rng.below(other.len());
            let n = rng.below((other.len() - from).min(512)) + 1;
            data.splice(at..at, other[from..from + n].iter().copied());
        }
        6 => {
            let at = rng.below(len + 1);
            data.splice(at..at, rng.pick(&NASTY).bytes());
        }
        7 if len > 0 => data.truncate(rng.below(len)),
        _ => {
            // Replace a number with a nasty one.
            if let Some(start) = (0..8)
                .map(|_| rng.below(len.max(1)))
                .find(|&i| data.get(i).is_some_and(u8::is_ascii_digit))
            {
                let end = data[start..]
                    .iter()
                    .position(|c| !c.is_ascii_digit())
                    .map_or(len, |p| start + p);
                data.splice(start..end, rng.pick(&NASTY).bytes());
            }
        }
    }
}

fn mutated(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = rng.pick(seeds).clone();
    let other = rng.pick(seeds).clone();
    for _ in 0..1 + rng.below(8) {
        mutate(rng, &mut data, &other);
    }
    data
}

/// A ZIP container with one or more entries' content mutated, packed again (stored or
/// deflated at random), sometimes with an entry dropped or doubled.
fn zip_variant(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let seed = rng.pick(seeds);
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(seed.as_slice())) else {
        return seed.clone();
    };
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..archive.len() {
        let Ok(mut e) = archive.by_index(i) else {
            continue;
        };
        let Ok(name) = e.name().map(|n| n.to_string()) else {
            continue;
        };
        let mut data = Vec::new();
        // Seeds are small; a bomb seed stops at 4 MB here.
        let _ = (&mut e).take(4 << 20).read_to_end(&mut data);
        entries.push((name, data));
    }
    let xml: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i].0.ends_with(".xml"))
        .collect();
    let others: Vec<Vec<u8>> = entries.iter().map(|e| e.1.clone()).collect();
    for _ in 0..1 + rng.below(3) {
        if xml.is_empty() {
            break;
        }
        let i = *rng.pick(&xml);
        let other = rng.pick(&others).clone();
        for _ in 0..1 + rng.below(6) {
            mutate(rng, &mut entries[i].1, &other);
        }
    }
    if rng.chance(10) && !entries.is_empty() {
        let i = rng.below(entries.len());
        entries.remove(i);
    }
    if rng.chance(10) && !entries.is_empty() {
        let i = rng.below(entries.len());
        entries.push(entries[i].clone());
    }
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in &entries {
        let method = if rng.chance(2) {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        if w.start_file(name.as_str(), options).is_err() || w.write_all(data).is_err() {
            continue;
        }
    }
    w.finish().map(|c| c.into_inner()).unwrap_or_default()
}

/// A PDF with some of its streams (page contents, fonts' ToUnicode maps, images) unpacked,
/// mutated and stored again, and sometimes a number of a dictionary made nasty; saved with a
/// fresh cross-reference table so the reader gets past the file's structure.
fn pdf_variant(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let seed = rng.pick(seeds);
    let Ok(mut doc) = lopdf::Document::load_mem(seed) else {
        return seed.clone();
    };
    let ids: Vec<lopdf::ObjectId> = doc.objects.keys().copied().collect();
    let streams: Vec<lopdf::ObjectId> = ids
        .iter()
        .copied()
        .filter(|id| matches!(doc.objects.get(id), Some(lopdf::Object::Stream(_))))
        .collect();
    for _ in 0..1 + rng.below(3) {
        if streams.is_empty() {
            break;
        }
        let id = *rng.pick(&streams);
        if let Some(lopdf::Object::Stream(stream)) = doc.objects.get_mut(&id) {
            let mut data = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            let other = data.clone();
            for _ in 0..1 + rng.below(6) {
                mutate(rng, &mut data, &other);
            }
            stream.set_plain_content(data);
        }
    }
    if rng.chance(3) && !ids.is_empty() {
        let id = *rng.pick(&ids);
        if let Some(lopdf::Object::Dictionary(dict)) = doc.objects.get_mut(&id) {
            let keys: Vec<Vec<u8>> = dict.iter().map(|(k, _)| k.clone()).collect();
            if !keys.is_empty() {
                let key = rng.pick(&keys).clone();
                let nasty = [i64::MIN, -1, 0, i64::MAX, 1 << 40][rng.below(5)];
                dict.set(key, lopdf::Object::Integer(nasty));
            }
        }
    }
    let mut out = Vec::new();
    match doc.save_to(&mut out) {
        Ok(_) => out,
        Err(_) => seed.clone(),
    }
}

const TAGS: [&str; 22] = [
    "table", "tr", "td", "th", "tbody", "thead", "div", "p", "li", "ul", "ol", "br", "b", "span",
    "h1", "h3", "script", "style", "caption", "font", "select", "template",
];

/// Tag soup: nested and unclosed elements, spans, comments, entities and text.
fn html_soup(rng: &mut Rng) -> Vec<u8> {
    let mut out = String::from("<!DOCTYPE html><html><body>");
    let mut open: Vec<&str> = Vec::new();
    for _ in 0..rng.below(400) {
        match rng.below(10) {
            0..=3 => {
                let tag = *rng.pick(&TAGS);
                let attrs = match rng.below(4) {
                    0 => format!(" colspan={}", rng.pick(&NASTY)),
                    1 => format!(" rowspan=\"{}\"", rng.pick(&NASTY)),
                    _ => String::new(),
                };
                out.push_str(&format!("<{tag}{attrs}>"));
                open.push(tag);
            }
            4..=5 => {
                if let Some(tag) = open.pop() {
                    out.push_str(&format!("</{tag}>"));
                }
            }
            6 => out.push_str(&format!("</{}>", rng.pick(&TAGS))),
            7 => out
                .push_str(["<!-- x -->", "&amp;", "&#1055;", "&bogus;", "<!--", "<"][rng.below(6)]),
            _ => out.push_str(rng.pick::<&str>(&WORDS)),
        }
    }
    if rng.chance(3) {
        let depth = rng.below(2000);
        let tag = *rng.pick(&TAGS);
        out.push_str(&format!("<{tag}>").repeat(depth));
    }
    out.into_bytes()
}

/// Delimited text with quotes, embedded delimiters and line breaks, ragged rows.
fn csv_text(rng: &mut Rng) -> Vec<u8> {
    let delimiter = *rng.pick(&[";", ",", "\t", "|"]);
    let mut out = String::new();
    let cols = 1 + rng.below(12);
    for _ in 0..rng.below(300) {
        let n = if rng.chance(5) { rng.below(30) } else { cols };
        let fields: Vec<String> = (0..n)
            .map(|_| match rng.below(6) {
                0 => format!("\"{}\"", rng.pick(&WORDS).replace('"', "\"\"")),
                1 => format!("\"{}\n{}\"", rng.pick(&WORDS), rng.pick(&WORDS)),
                2 => rng.pick(&NASTY).to_string(),
                3 => "\"unclosed".to_string(),
                _ => rng.pick(&WORDS).to_string(),
            })
            .collect();
        out.push_str(&fields.join(delimiter));
        out.push_str(if rng.chance(4) { "\r\n" } else { "\n" });
    }
    out.into_bytes()
}

fn random_text(rng: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..rng.below(40) {
        s.push_str(rng.pick::<&str>(&WORDS));
        if rng.chance(2) {
            s.push(' ');
        }
    }
    if rng.chance(8) {
        s.push_str(&"Ш".repeat(rng.below(500)));
    }
    s
}

/// The sample report with random text in its fields and tables of random shape.
fn report_variant(rng: &mut Rng, base: &planmon::report::Report) -> planmon::report::Report {
    let mut r = base.clone();
    let text = |rng: &mut Rng, s: &mut String| {
        if rng.chance(3) {
            *s = random_text(rng);
        }
    };
    text(rng, &mut r.title);
    text(rng, &mut r.municipality);
    text(rng, &mut r.plan_title);
    for p in r
        .introduction
        .iter_mut()
        .chain(r.summary.iter_mut())
        .chain(r.conclusions.iter_mut())
        .chain(r.recommendations.iter_mut())
    {
        text(rng, p);
    }
    for (k, v) in &mut r.figures {
        text(rng, k);
        text(rng, v);
    }
    for c in &mut r.chapters {
        text(rng, &mut c.title);
        for m in &mut c.measures {
            text(rng, &mut m.label);
            text(rng, &mut m.headline);
            text(rng, &mut m.institutions);
            for d in &mut m.done {
                text(rng, d);
            }
        }
    }
    for t in r.annexes.iter_mut().chain(std::iter::once(&mut r.silent)) {
        if rng.chance(2) {
            let cols = rng.below(9);
            t.headers = (0..cols).map(|_| random_text(rng)).collect();
            t.rows = (0..rng.below(60))
                .map(|_| (0..rng.below(cols + 2)).map(|_| random_text(rng)).collect())
                .collect();
        }
    }
    r
}

#[derive(Default)]
struct Tally {
    ran: u64,
    ok: u64,
    refused: u64,
    panics: u64,
    slowest: Duration,
}

fn save_crash(target: &str, n: u64, data: &[u8]) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/target/fuzz/crashes");
    let _ = std::fs::create_dir_all(dir);
    let _ = std::fs::write(format!("{dir}/{target}-{n}.bin"), data);
}

/// Runs `count` inputs of one target; `one` makes an input and runs it, giving Ok(true) when
/// read, Ok(false) when refused, and the input's bytes for a crash file.
fn run_target(
    name: &str,
    count: u64,
    rng: &mut Rng,
    mut one: impl FnMut(&mut Rng) -> (Vec<u8>, Box<dyn FnOnce() -> bool>),
) -> Tally {
    let mut t = Tally::default();
    let started = Instant::now();
    // FUZZ_SECONDS caps each target's time on a shared machine; the counts say what ran.
    let cap = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_secs);
    // FUZZ_CURRENT=FILE writes each input there before it runs: what was running when the
    // process was killed (out of memory, a time limit) stays behind.
    let current = std::env::var("FUZZ_CURRENT").ok();
    while t.ran < count && cap.is_none_or(|c| started.elapsed() < c) {
        let (input, run) = one(rng);
        if let Some(path) = &current {
            let _ = std::fs::write(path, &input);
        }
        let at = Instant::now();
        match catch_unwind(AssertUnwindSafe(run)) {
            Ok(true) => t.ok += 1,
            Ok(false) => t.refused += 1,
            Err(_) => {
                t.panics += 1;
                save_crash(name, t.ran, &input);
            }
        }
        t.slowest = t.slowest.max(at.elapsed());
        t.ran += 1;
        if t.ran % (count / 10).max(1) == 0 {
            eprintln!("{name}: {} of {count}, {} panics so far", t.ran, t.panics);
        }
    }
    println!(
        "{name:<14} {:>10} inputs  {:>9} read  {:>9} refused  {:>3} panics  slowest {:>6} ms  {:>7.1} s",
        t.ran,
        t.ok,
        t.refused,
        t.panics,
        t.slowest.as_millis(),
        started.elapsed().as_secs_f64()
    );
    t
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_default()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let only: Vec<String> = args.collect();
    let wanted = |t: &str| only.is_empty() || only.iter().any(|o| o == t);
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    println!("fuzz: {count} inputs per target, FUZZ_SEED={seed}");
    let mut rng = Rng(seed);
    // A panic is counted, not printed for every input.
    std::panic::set_hook(Box::new(|_| {}));

    let plans = ["plovdiv-2022-2024", "kazanlak-2021-2023"];
    let of = |ext: &str| -> Vec<Vec<u8>> {
        plans
            .iter()
            .map(|p| fixture(&format!("{p}.{ext}")))
            .collect()
    };
    let mut zips = [of("docx"), of("xlsx"), of("ods")].concat();
    zips.extend([
        hostile_files::far_cells_xlsx(&["Лист1"]),
        hostile_files::shared_strings_bomb(2),
        hostile_files::shared_strings_count_lie(),
        hostile_files::docx_table_bomb(1),
        hostile_files::ods_repeated_text(),
        hostile_files::ods_far_cells(),
        hostile_files::docx_breaks(1),
        hostile_files::docx_numbering_bomb(10),
        hostile_files::docx_wide_spans(100),
        hostile_files::xlsx_long_cell(1),
        hostile_files::ods_cell_of_paragraphs(1000),
    ]);
    let mut htmls = of("html");
    htmls.extend([
        hostile_files::nested_tables_html(300),
        hostile_files::nested_divs_html(300),
        hostile_files::html_many_attributes(300),
        hostile_files::html_many_cells(300),
    ]);
    let mut csvs = of("csv");
    csvs.push(hostile_files::csv_rows(2000));
    csvs.push(hostile_files::csv_wide_record(2000));
    let mut texts: Vec<Vec<u8>> = plans
        .iter()
        .filter_map(|p| std::fs::read(format!("{}/demo/{p}.txt", env!("CARGO_MANIFEST_DIR"))).ok())
        .collect();
    texts.push(hostile_files::text_of_tabs()[..20_000].to_vec());
    let mut pdfs: Vec<Vec<u8>> = [
        "varied.writer-letter-portrait-narrow.pdf",
        "varied.chromium-a5-repeated-header.pdf",
        "plovdiv-2022-2024.a4-landscape.pdf",
    ]
    .iter()
    .map(|n| fixture(n))
    .collect();
    pdfs.extend([
        hostile_files::pdf_many_words(2_000),
        hostile_files::pdf_nested_arrays(300),
        hostile_files::pdf_page_tree_loop(),
        hostile_files::pdf_content_bomb(1),
        hostile_files::pdf_to_unicode_wide_range(),
        hostile_files::pdf_cid_widths_again(100),
        hostile_files::pdf_form_painting_itself(1000),
        hostile_files::pdf_array_of_zeros(1000),
        hostile_files::pdf_xref_entries_at_one_array(100, 1000),
        hostile_files::pdf_object_stream_at_one_array(100, 100),
    ]);
    let all: Vec<Vec<u8>> = [zips.clone(), htmls.clone(), csvs.clone(), texts.clone()].concat();
    const NAMES: [&str; 9] = [
        "plan.docx",
        "plan.xlsx",
        "plan.ods",
        "plan.html",
        "plan.csv",
        "plan.txt",
        "plan.json",
        "plan",
        "plan.pdf",
    ];
    let read = |name: &str, bytes: &[u8]| read_document(name, bytes).is_ok();

    // The hostile files at full size, once each, as the first inputs.
    if wanted("hostile") {
        let full = hostile_files::all();
        let mut i = 0;
        run_target("hostile", full.len() as u64, &mut rng, |_| {
            let (name, bytes) = (full[i].name, full[i].bytes.clone());
            i += 1;
            (Vec::new(), Box::new(move || read(name, &bytes)))
        });
    }
    if wanted("bytes") {
        run_target("bytes", count, &mut rng, |rng| {
            let data = mutated(rng, &all);
            let name = *rng.pick(&NAMES);
            let copy = data.clone();
            (data, Box::new(move || read(name, &copy)))
        });
    }
    if wanted("zip") {
        run_target("zip", count, &mut rng, |rng| {
            let data = zip_variant(rng, &zips);
            let name = *rng.pick(&NAMES);
            let copy = data.clone();
            (data, Box::new(move || read(name, &copy)))
        });
    }
    if wanted("html") {
        run_target("html", count, &mut rng, |rng| {
            let data = if rng.chance(2) {
                html_soup(rng)
            } else {
                mutated(rng, &htmls)
            };
            let copy = data.clone();
            (data, Box::new(move || read("plan.html", &copy)))
        });
    }
    if wanted("csv") {
        run_target("csv", count, &mut rng, |rng| {
            let data = if rng.chance(2) {
                csv_text(rng)
            } else {
                mutated(rng, &csvs)
            };
            let copy = data.clone();
            (data, Box::new(move || read("plan.csv", &copy)))
        });
    }
    if wanted("text") {
        run_target("text", count, &mut rng, |rng| {
            let data = mutated(rng, &texts);
            let copy = data.clone();
            (data, Box::new(move || read("plan.txt", &copy)))
        });
    }
    if wanted("pdf") {
        run_target("pdf", count, &mut rng, |rng| {
            let data = if rng.chance(3) {
                mutated(rng, &pdfs)
            } else {
                pdf_variant(rng, &pdfs)
            };
            let copy = data.clone();
            (data, Box::new(move || read("plan.pdf", &copy)))
        });
    }
    if wanted("import") {
        // Reading and recognising: the recogniser on whatever the readers give.
        run_target("import", count, &mut rng, |rng| {
            let data = match rng.below(3) {
                0 => zip_variant(rng, &zips),
                _ => mutated(rng, &all),
            };
            let name = *rng.pick(&NAMES);
            let copy = data.clone();
            (
                data,
                Box::new(move || import_bytes(name, &copy, &ImportOptions::default()).is_ok()),
            )
        });
    }
    let plan = planmon::plan::format::parse_plan_json(include_str!(
        "../tests/fixtures/plans/sample.plan.json"
    ))
    .expect("sample plan");
    if wanted("json") {
        let json = planmon::plan::format::to_plan_json(&plan).into_bytes();
        run_target("json", count, &mut rng, |rng| {
            let data = mutated(rng, std::slice::from_ref(&json));
            let copy = data.clone();
            (
                data,
                Box::new(move || {
                    planmon::plan::format::parse_plan_json(&String::from_utf8_lossy(&copy)).is_ok()
                }),
            )
        });
    }
    if wanted("template") {
        use planmon::monitoring::xlsx::{
            TemplateHeader, TemplateItem, read_template, write_template,
        };
        let items: Vec<TemplateItem<'_>> = plan
            .measures()
            .map(|m| TemplateItem {
                measure: m,
                label: m.key.clone(),
                fields: vec![("status".into(), "completed".into())],
            })
            .collect();
        let header = TemplateHeader {
            round_id: 1,
            institution_id: 1,
            institution: "Община",
            plan_title: "План",
            year: 2024,
            deadline: "2025-03-31",
        };
        let mut seeds = vec![write_template(&header, &items).expect("template")];
        seeds.push(hostile_files::far_cells_xlsx(&[
            "planmon",
            "Мерки",
            "Индикатори",
        ]));
        run_target("template", count, &mut rng, |rng| {
            let data = if rng.chance(3) {
                mutated(rng, &seeds)
            } else {
                zip_variant(rng, &seeds)
            };
            let copy = data.clone();
            (
                data,
                Box::new(move || {
                    read_template(&copy, 1, 1, planmon::import::budget::ReadLimits::DEFAULT).is_ok()
                }),
            )
        });
    }
    let snap = planmon::snapshot::sample::sample_round(1, 1, &plan, 2024);
    let base = planmon::report::build(
        &snap,
        &[],
        &planmon::report::Narrative::default(),
        "проект".into(),
        true,
        &|s| s.to_string(),
    );
    use planmon::report::render::{Format, render};
    for (target, format, share) in [
        ("report-html", Format::Html, 1),
        ("report-docx", Format::Docx, 10),
        ("report-pdf", Format::Pdf, 100),
    ] {
        if !wanted(target) {
            continue;
        }
        // Documents are slow to render: a share of the count, at least one.
        run_target(target, (count / share).max(1), &mut rng, |rng| {
            let r = report_variant(rng, &base);
            let input = format!("{r:?}").into_bytes();
            (input, Box::new(move || render(&r, format).is_ok()))
        });
    }
}
