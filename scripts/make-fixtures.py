#!/usr/bin/env python3
"""Builds the import fixtures in tests/fixtures/import/ from the seed texts in demo/.

planmon's own text reader reads each seed (`cargo run --example dump_document`); its blocks
become an HTML page that keeps them exactly: headings, paragraphs (lines as <br>), and tables
with one row per row and one cell per cell, each line of a cell a <p> of its own. A table's
two-row header (a row whose next row only fills columns under an empty cell or under a cell
followed by empty cells, like "Финансиране" over "Средства | Източник") becomes real merged
cells: colspan for the group heading, rowspan for the others.

LibreOffice converts the page to DOCX (Word tables with gridSpan/vMerge). The XLSX (with merged
header ranges) and the CSV are written by `cargo run --example make_sheet_fixtures` from the
page as the recogniser repairs it (one row per measure, every cell under its column, as a
person types a plan into a sheet): headings and paragraphs as one-cell rows, each table cell's
lines as lines of the spreadsheet cell. LibreOffice converts the XLSX to ODS.

Run: python3 scripts/make-fixtures.py   (needs libreoffice-writer-nogui, libreoffice-calc-nogui)
The outputs are committed, so tests do not need LibreOffice.
"""

import html
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = ["plovdiv-2022-2024", "kazanlak-2021-2023"]
OUT = os.path.join(ROOT, "tests", "fixtures", "import")


def blocks(seed_path):
    """[("h", level, text) | ("p", text) | ("table", [[lines]])] as the text reader reads them."""
    out = subprocess.run(
        ["cargo", "run", "--quiet", "--example", "dump_document", "--", seed_path],
        check=True, cwd=ROOT, stdout=subprocess.PIPE,
    ).stdout
    doc = json.loads(out)
    result = []
    for b in doc["blocks"]:
        if "heading" in b:
            result.append(("h", b["heading"], b["text"]))
        elif "paragraph" in b:
            result.append(("p", b["paragraph"]))
        else:
            rows = []
            for row in b["table"]:
                cells = []
                for c in row:
                    if c["col_span"] != 1 or c["merged_from_above"]:
                        raise SystemExit("the text reader gave a merged cell; extend this script")
                    cells.append(c["lines"])
                rows.append(cells)
            result.append(("table", rows))
    return result


def header_merge(top, sub):
    """Spans for a two-row header, or None: {col: (colspan, rowspan)} for `top`, and the set of
    columns of `sub` that are covered by a rowspan."""
    width = max(len(top), len(sub))
    top = [" ".join(c) for c in top] + [""] * (width - len(top))
    sub = [" ".join(c) for c in sub] + [""] * (width - len(sub))
    filled_top = [c for c in range(width) if top[c].strip()]
    filled_sub = [c for c in range(width) if sub[c].strip()]
    if len(filled_sub) < 2 or len(filled_top) < 2:
        return None
    anchors = {}
    for c in filled_sub:
        left = [a for a in filled_top if a <= c]
        if not left:
            return None
        a = left[-1]
        if any(top[k].strip() for k in range(a + 1, c + 1)):
            return None
        anchors.setdefault(a, []).append(c)
    # A real group heading spans at least two sub-headings.
    if not all(len(v) >= 2 and v[0] == a for a, v in anchors.items()):
        return None
    spans = {}
    for c in filled_top:
        if c in anchors:
            spans[c] = (anchors[c][-1] - c + 1, 1)
        else:
            spans[c] = (1, 2)
    return spans


def cell_html(lines):
    return "".join(f"<p>{html.escape(line)}</p>" for line in lines)


def table_html(rows):
    parts = ["<table border=\"1\">"]
    i = 0
    while i < len(rows):
        row = rows[i]
        merge = header_merge(row, rows[i + 1]) if i + 1 < len(rows) else None
        if merge:
            sub = rows[i + 1]
            parts.append("<tr>")
            c = 0
            width = max(len(row), len(sub))
            padded = row + [[]] * (width - len(row))
            covered = set()
            while c < width:
                if c in merge:
                    colspan, rowspan = merge[c]
                    attrs = ""
                    if colspan > 1:
                        attrs += f" colspan=\"{colspan}\""
                    if rowspan > 1:
                        attrs += f" rowspan=\"{rowspan}\""
                        covered.add(c)
                    parts.append(f"<th{attrs}>{cell_html(padded[c])}</th>")
                    c += colspan
                else:
                    parts.append(f"<th>{cell_html(padded[c])}</th>")
                    c += 1
            parts.append("</tr><tr>")
            sub = sub + [[]] * (width - len(sub))
            for c in range(width):
                if c not in covered:
                    parts.append(f"<th>{cell_html(sub[c])}</th>")
            parts.append("</tr>")
            i += 2
            continue
        parts.append("<tr>")
        for cell in row:
            parts.append(f"<td>{cell_html(cell)}</td>")
        parts.append("</tr>")
        i += 1
    parts.append("</table>")
    return "\n".join(parts)


def page(title, doc):
    body = []
    for b in doc:
        if b[0] == "h":
            body.append(f"<h{b[1]}>{html.escape(b[2])}</h{b[1]}>")
        elif b[0] == "p":
            body.append("<p>" + "<br>".join(html.escape(l) for l in b[1].split("\n")) + "</p>")
        else:
            body.append(table_html(b[1]))
    return (
        "<!DOCTYPE html>\n<html lang=\"bg\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def convert(src, fmt, outdir):
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    try:
        subprocess.run(
            ["libreoffice", f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", fmt, "--outdir", outdir, src],
            check=True, stdout=subprocess.DEVNULL,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    have_lo = shutil.which("libreoffice") is not None
    if not have_lo:
        print("libreoffice not found: DOCX and ODS are not written", file=sys.stderr)
    for seed in SEEDS:
        doc = blocks(os.path.join(ROOT, "demo", seed + ".txt"))
        html_path = os.path.join(OUT, seed + ".html")
        with open(html_path, "w", encoding="utf-8") as f:
            f.write(page(seed, doc))
        xlsx = os.path.join(OUT, seed + ".xlsx")
        subprocess.run(
            ["cargo", "run", "--quiet", "--example", "make_sheet_fixtures", "--",
             html_path, xlsx, os.path.join(OUT, seed + ".csv")],
            check=True, cwd=ROOT,
        )
        if have_lo:
            convert(html_path, "docx:MS Word 2007 XML", OUT)
            convert(xlsx, "ods", OUT)
        print(f"{seed}: {sum(1 for b in doc if b[0] == 'table')} tables, {len(doc)} blocks")


if __name__ == "__main__":
    main()
