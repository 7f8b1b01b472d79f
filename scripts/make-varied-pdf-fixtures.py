#!/usr/bin/env python3
"""Builds small PDF fixtures of a plan that is not a seed, in layouts the seeds do not have.

One made-up plan (Община Сливен, 2024-2026; its text, tab-separated as the seeds are, is the
truth) is written as HTML in several layouts and printed to PDF by two generators:

  varied.txt                  the plan as text (what every layout must import as)
  varied.LAYOUT.pdf           LibreOffice Writer (from the HTML) or Chromium (--print-to-pdf)
  varied.LAYOUT.layout.txt    `pdftotext -layout` of that PDF
  varied.LAYOUT.raw.txt       `pdftotext` (without -layout) of that PDF

Layouts differ in page size and orientation, fonts and their sizes, column widths, ruled or
unruled tables, and the table's header repeated on each page or not.

Run: python3 scripts/make-varied-pdf-fixtures.py [LAYOUT...]   (only the layouts named, if any)
     (needs libreoffice-writer-nogui, chromium and poppler-utils; the outputs are committed)
"""

import html
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "import")

TITLE = "ПЛАН ЗА ДЕЙСТВИЕ"
SUBTITLE = ("на Община Сливен за интегриране на уязвимите групи от населението "
            "за периода 2024 – 2026 г.")
DECISION = ("Приет с Решение № 1187 по Протокол № 63 от 29.02.2024 г. "
            "на Общински съвет – Сливен")
HEADER = ["№", "Мярка", "Отговорни институции", "Срок", "Средства", "Източник на финансиране",
          "Индикатор"]

PRIORITIES = [
    ("Приоритет 1. Образование", [
        ["1.1.", "Записване и задържане в детските градини на децата от уязвимите групи, "
         "включително чрез безплатен транспорт до съседните населени места",
         "Община Сливен, РУО – Сливен", "2024 – 2026 г.", "45 000 лв.",
         "Общински бюджет", "Брой записани деца"],
        ["1.2.", "Допълнителни занимания по български език за учениците, за които той не е "
         "майчин, в началните класове",
         "Училища, РУО – Сливен", "2024 г.", "12 500 лв.",
         "Национални програми", "Брой ученици в групите"],
        ["1.3.", "Назначаване на образователни медиатори в училищата с много отпаднали ученици",
         "Община Сливен, Училища", "2025 – 2026 г.", "60 000 лв.",
         "Програма „Образование“ 2021-2027", "Брой назначени медиатори"],
        ["1.4.", "Кампания срещу ранните бракове и отпадането от училище",
         "МКБППМН – Сливен, НПО", "2024 – 2026 г.", "",
         "Без финансиране", "Брой проведени срещи"],
    ]),
    ("Приоритет 2. Здравеопазване", [
        ["2.1.", "Мобилни кабинети за профилактични прегледи на децата и бременните жени в "
         "кварталите „Надежда“ и „Българка“",
         "РЗИ – Сливен, Община Сливен, Здравни медиатори", "2024 – 2026 г.", "30 000 лв.",
         "Държавен бюджет, Общински бюджет", "Брой прегледани лица"],
        ["2.2.", "Имунизационни кампании с личните лекари",
         "Общопрактикуващи лекари, Здравни медиатори", "2025 г.", "8 000 лв.",
         "Държавен бюджет", "Дял на имунизираните деца"],
        ["2.3.", "Здравни беседи в училищата за репродуктивното здраве",
         "РЗИ – Сливен, Училища", "2024 – 2026 г.", "",
         "Проекти", "Брой беседи"],
    ]),
    ("Приоритет 3. Заетост и жилищни условия", [
        ["3.1.", "Обучения за професионална квалификация на безработните с основно или по-ниско "
         "образование",
         "Дирекция „Бюро по труда“ – Сливен", "2024 – 2026 г.", "120 000 лв.",
         "Програма „Развитие на човешките ресурси“ 2021-2027", "Брой обучени лица"],
        ["3.2.", "Узаконяване на жилищата в кварталите с компактно население",
         "Община Сливен", "2026 г.", "25 000 лв.",
         "Общински бюджет", "Брой узаконени жилища"],
        ["3.3.", "Ремонт на уличното осветление и водопровода в кв. „Надежда“",
         "Община Сливен, МРРБ", "2025 – 2026 г.", "350 000 лв.",
         "Средства от ЕС", "Дължина на ремонтираната мрежа"],
    ]),
]


def text():
    out = [TITLE, "", SUBTITLE, "", DECISION, ""]
    for title, rows in PRIORITIES:
        out += [title, "", "\t".join(HEADER)]
        out += ["\t".join(r) for r in rows]
        out.append("")
    return "\n".join(out)


# (name, generator, @page size, font family, font size pt, column widths %, ruled, repeat header)
LAYOUTS = [
    ("writer-a4-landscape-serif", "writer", "A4 landscape", "DejaVu Serif", 10,
     [5, 30, 17, 10, 9, 15, 14], True, True),
    ("writer-letter-portrait-narrow", "writer", "Letter portrait", "Liberation Sans", 9,
     [6, 22, 16, 11, 11, 18, 16], True, False),
    # Another font, size and column widths in LibreOffice (which lays HTML on its own A4
    # landscape page, whatever @page says, and centres the cells vertically); made after the
    # layout rules for the other LibreOffice layouts, to check they are general.
    ("writer-a4-landscape-sans-small", "writer", "A5 landscape", "Liberation Sans", 8,
     [6, 26, 17, 11, 11, 15, 14], True, True),
    ("chromium-a4-portrait", "chromium", "A4 portrait", "Liberation Serif", 9,
     [5, 27, 18, 10, 10, 16, 14], True, True),
    ("chromium-letter-landscape-unruled", "chromium", "Letter landscape", "DejaVu Sans", 8,
     [5, 31, 16, 10, 9, 16, 13], False, False),
    # Unruled cells centred vertically, as LibreOffice lays them, by another generator.
    ("chromium-a4-landscape-unruled-centred", "chromium", "A4 landscape", "DejaVu Serif", 9,
     [6, 28, 18, 11, 10, 14, 13], False, True),
    # A small page in a large font: each table runs over pages, its header row repeated on
    # each and rows broken across them.
    ("chromium-a5-repeated-header", "chromium", "A5 portrait", "Liberation Sans", 9,
     [7, 23, 17, 12, 12, 14, 15], True, True),
    # Cells centred vertically: each code stands in the middle of its row.
    ("chromium-letter-portrait-centred", "chromium", "Letter portrait", "DejaVu Serif", 8,
     [6, 28, 17, 11, 10, 15, 13], True, False),
]


# CSS a layout adds: words broken inside narrow cells, as Word and LibreOffice break them.
EXTRA_CSS = {
    "chromium-a5-repeated-header": "td, th { overflow-wrap: anywhere; }",
    "chromium-a4-landscape-unruled-centred": "td, th { vertical-align: middle; }",
    "chromium-letter-portrait-centred": "td { vertical-align: middle; }",
}


def page_html(size, font, pt, widths, ruled, repeat, extra=""):
    # The text width in CSS pixels (96 per inch) between margins of 1.5 cm.
    page_w = {"A4": 21.0, "A5": 14.8, "Letter": 21.59}[size.split()[0]]
    page_h = {"A4": 29.7, "A5": 21.0, "Letter": 27.94}[size.split()[0]]
    across = page_h if size.endswith("landscape") else page_w
    text_px = int((across - 3.0) / 2.54 * 96)
    border = "0.6pt solid #000" if ruled else "none"
    css = f"""
@page {{ size: {size}; margin: 2cm 1.5cm; }}
body {{ font-family: '{font}'; font-size: {pt}pt; }}
p.title {{ text-align: center; font-weight: bold; font-size: {pt + 4}pt; }}
p.sub {{ text-align: center; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; }}
td, th {{ border: {border}; padding: 3pt 4pt; vertical-align: top; text-align: left; }}
th {{ font-weight: bold; }}
thead {{ display: {'table-header-group' if repeat else 'table-row-group'}; }}
tr {{ page-break-inside: auto; }}
{extra}
"""
    parts = [f"<!DOCTYPE html><html lang='bg'><head><meta charset='utf-8'><style>{css}</style>"
             "</head><body>",
             f"<p class='title'>{html.escape(TITLE)}</p>",
             f"<p class='sub'>{html.escape(SUBTITLE)}</p>",
             f"<p class='sub'>{html.escape(DECISION)}</p>"]
    for title, rows in PRIORITIES:
        parts.append(f"<h2 style='font-size:{pt + 2}pt'>{html.escape(title)}</h2>")
        # Column widths in pixels of the text width (LibreOffice ignores percentages).
        parts.append(f"<table width='{text_px}'><colgroup>"
                     + "".join(f"<col width='{w * text_px // 100}'>" for w in widths)
                     + "</colgroup>")
        head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADER)
        parts.append(f"<thead><tr>{head}</tr></thead><tbody>")
        for r in rows:
            parts.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def main():
    only = sys.argv[1:]
    with open(os.path.join(OUT, "varied.txt"), "w", encoding="utf-8") as f:
        f.write(text() + "\n")
    tmp = tempfile.mkdtemp()
    try:
        for name, gen, size, font, pt, widths, ruled, repeat in LAYOUTS:
            if only and name not in only:
                continue
            src = os.path.join(tmp, f"varied.{name}.html")
            with open(src, "w", encoding="utf-8") as f:
                f.write(page_html(size, font, pt, widths, ruled, repeat,
                                  EXTRA_CSS.get(name, "")))
            pdf = os.path.join(OUT, f"varied.{name}.pdf")
            if gen == "writer":
                subprocess.run(["soffice", "--headless", "--convert-to",
                                "pdf:writer_web_pdf_Export", "--outdir", tmp, src],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                shutil.copy(os.path.join(tmp, f"varied.{name}.pdf"), pdf)
            else:
                subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                                "file://" + src],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for suffix, args in [("raw", []), ("layout", ["-layout"])]:
                subprocess.run(["pdftotext", *args, "-enc", "UTF-8", pdf,
                                os.path.join(OUT, f"varied.{name}.{suffix}.txt")], check=True)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
