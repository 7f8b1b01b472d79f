//! Prints a PDF page's rulings and lines of glyphs within a band of y, for looking at what the
//! PDF reader sees. Usage: cargo run --example pdf_page -- FILE PAGE [YMIN YMAX]
use anyhow::{Context, Result};
use planmon::import::budget::{ReadBudget, ReadLimits};
use planmon::import::pdf::{PdfLimits, read_pages};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let file = args.first().context("FILE")?;
    let page: usize = args.get(1).context("PAGE")?.parse()?;
    let lo: f64 = args.get(2).map_or(Ok(f64::NEG_INFINITY), |s| s.parse())?;
    let hi: f64 = args.get(3).map_or(Ok(f64::INFINITY), |s| s.parse())?;
    let bytes = std::fs::read(file)?;
    let mut budget = ReadBudget::new(file, ReadLimits::DEFAULT);
    let pages = read_pages(file, &bytes, &PdfLimits::default(), &mut budget)?;
    let p = pages.get(page - 1).context("no such page")?;
    println!("page {} {}x{}", p.number, p.width, p.height);
    for s in &p.segments {
        if s.y0.max(s.y1) >= lo && s.y0.min(s.y1) <= hi {
            println!("seg {:.1},{:.1} -> {:.1},{:.1}", s.x0, s.y0, s.x1, s.y1);
        }
    }
    let mut gl: Vec<_> = p.glyphs.iter().filter(|g| g.y >= lo && g.y <= hi).collect();
    gl.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    let mut line = String::new();
    let mut y = f64::INFINITY;
    for g in gl {
        if (g.y - y).abs() > 0.5 {
            if !line.is_empty() {
                println!("{line}");
            }
            line = format!("y {:.1} s {:.1}:", g.y, g.size);
            y = g.y;
        }
        line.push_str(&format!(" [{:.1}-{:.1} {:?}]", g.x0, g.x1, g.text));
    }
    println!("{line}");
    Ok(())
}
