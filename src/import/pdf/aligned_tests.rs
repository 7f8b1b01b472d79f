//! Tests of the tables read from the alignment of words ([`super`]).

use super::*;

/// A line of words at character positions, as monospaced text lays them out.
fn line(y: f64, text: &str) -> TextLine {
    let mut words = Vec::new();
    let mut start = None;
    let chars: Vec<char> = text.chars().collect();
    for i in 0..=chars.len() {
        let space = i == chars.len() || chars[i] == ' ';
        match (start, space) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                words.push(Word {
                    x0: s as f64 * 5.0,
                    x1: i as f64 * 5.0,
                    first: 5.0,
                    text: chars[s..i].iter().collect(),
                });
                start = None;
            }
            _ => {}
        }
    }
    TextLine {
        x0: words.first().map_or(0.0, |w| w.x0),
        x1: words.last().map_or(0.0, |w| w.x1),
        y,
        size: 10.0,
        words,
        trailing_space: false,
        after_break: false,
    }
}

fn lines(text: &str) -> Vec<TextLine> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| line(1000.0 - 12.0 * i as f64, l))
        .collect()
}

fn cells(t: &PageTable) -> Vec<Vec<String>> {
    t.rows
        .iter()
        .map(|r| {
            r.cells
                .iter()
                .map(|c| {
                    c.lines
                        .iter()
                        .map(|l| {
                            l.words
                                .iter()
                                .map(|w| w.text.as_str())
                                .collect::<Vec<_>>()
                                .join(" ")
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        })
        .collect()
}

#[test]
fn lines_whose_words_line_up_in_columns_are_a_table_and_a_heading_ends_it() {
    let text = "\
Въведение към плана, който се чете като обикновен текст.

Цели         Дейности            Срок
 
Образование  Обучение на деца     2022 г.
             от разстояние
 
Здраве       Ваксинации за        2023 г.
             всички деца
Приоритет 2 Заетост и други неща по плана
";
    let pieces = split_run(lines(text));
    let kinds: Vec<&str> = pieces
        .iter()
        .map(|p| match p {
            Piece::Lines(_) => "lines",
            Piece::Table(_) => "table",
        })
        .collect();
    assert_eq!(kinds, vec!["lines", "table", "lines"]);
    let Piece::Table(t) = &pieces[1] else {
        unreachable!()
    };
    assert_eq!(
        cells(t),
        vec![
            vec!["Цели", "Дейности", "Срок"],
            vec!["Образование", "Обучение на деца от разстояние", "2022 г."],
            vec!["Здраве", "Ваксинации за всички деца", "2023 г."],
        ]
    );
}

#[test]
fn a_goal_or_a_line_over_the_tables_width_between_rows_is_a_heading_not_a_row() {
    let text = "\
Мерки              Срок       Институция    Индикатори

Обучение на деца   2022 г.    Община        Брой деца
за работа          2023 г.    РУО           обучени

Цел 2. Здраве
и профилактика

Ваксинации за      2023 г.    РЗИ           Брой
всички деца                                 ваксинирани
Мерки за подкрепа на семействата в кварталите на града
Кампании за        2024 г.    Община        Брой
родители                                    кампании
";
    let pieces = split_run(lines(text));
    let kinds: Vec<String> = pieces
        .iter()
        .map(|p| match p {
            Piece::Lines(l) => format!("lines {}", l.len()),
            Piece::Table(t) => format!("table {}", t.rows.len()),
        })
        .collect();
    assert_eq!(
        kinds,
        vec!["table 2", "lines 2", "table 1", "lines 1", "table 1"]
    );
}

#[test]
fn a_priority_and_its_tables_header_at_a_pages_foot_under_running_text_are_a_table() {
    // The running text runs across both tables' columns, so the lines together show none.
    let text = "\
Цели         Дейности            Срок

Образование  Обучение на деца     2022 г.
             от разстояние
  Текстът на плана продължава тук с дълъг ред, който минава през колоните.
  Още един дълъг ред с обикновен текст, който също минава през колоните.
  И трети дълъг ред с текст, който минава през колоните на таблицата.
Приоритет 4 Жилищни условия
Цели         Дейности            Срок

Жилища       Ремонт на жилища     2024 г.
             в кварталите
";
    let pieces = split_run(lines(text));
    let Some(Piece::Table(t)) = pieces.last() else {
        panic!("no table at the foot");
    };
    assert_eq!(
        cells(t),
        vec![
            vec!["Цели", "Дейности", "Срок"],
            vec!["Жилища", "Ремонт на жилища в кварталите", "2024 г."],
        ]
    );
}

#[test]
fn a_paragraph_is_not_a_table() {
    let text = "\
Общината изпълнява плана в сътрудничество с институциите,
неправителствените организации и представителите на общността,
като отчита напредъка всяка година пред общинския съвет.
";
    let pieces = split_run(lines(text));
    assert!(matches!(pieces.as_slice(), [Piece::Lines(l)] if l.len() == 3));
}
