//! A small PDF layer for whatever the node prints (receipts now; prescriptions and visit
//! summaries later): pages of positioned text and rules, written with `krilla`, which
//! embeds the bundled Noto fonts as subsets so Latin, Cyrillic and Armenian all print
//! and stay extractable as text.
//!
//! Coordinates are PDF points (1/72 inch) from the top-left corner; `y` is a baseline.
//! Text is split into runs by script: Armenian letters take Noto Sans Armenian, the rest
//! Noto Sans (the fonts the window bundles, `crate::i18n`).

use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};

use crate::i18n::{NOTO_SANS, NOTO_SANS_ARMENIAN};

/// Millimetres to points.
pub fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Align {
    /// `x` is where the text starts.
    Left,
    /// `x` is where the text ends.
    Right,
    /// `x` is the text's middle.
    Center,
}

#[derive(Clone, Debug)]
enum Item {
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
        align: Align,
    },
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
    },
}

/// One page: its size and what is on it.
#[derive(Clone, Debug)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    items: Vec<Item>,
}

impl Page {
    pub fn new(width: f32, height: f32) -> Page {
        Page {
            width,
            height,
            items: Vec::new(),
        }
    }

    pub fn text(&mut self, x: f32, y: f32, size: f32, text: &str, align: Align) {
        self.items.push(Item::Text {
            x,
            y,
            size,
            text: text.to_owned(),
            align,
        });
    }

    /// A horizontal line `width` points thick.
    pub fn rule(&mut self, x1: f32, x2: f32, y: f32, width: f32) {
        self.items.push(Item::Rule { x1, x2, y, width });
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("a bundled font does not load")]
    Font,
    #[error("a page of {width}×{height} points is not a page")]
    PageSize { width: f32, height: f32 },
    #[error("cannot write the PDF: {0}")]
    Write(String),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Face {
    Sans,
    Armenian,
}

fn face_of(c: char) -> Face {
    match c {
        '\u{0530}'..='\u{058F}' | '\u{FB13}'..='\u{FB17}' => Face::Armenian,
        _ => Face::Sans,
    }
}

fn data(face: Face) -> &'static [u8] {
    match face {
        Face::Sans => NOTO_SANS,
        Face::Armenian => NOTO_SANS_ARMENIAN,
    }
}

/// `text` cut into runs of one face each.
fn runs(text: &str) -> Vec<(Face, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut current = None;
    for (i, c) in text.char_indices() {
        let f = face_of(c);
        if current.is_some_and(|cur| cur != f) {
            if let Some(cur) = current {
                out.push((cur, &text[start..i]));
            }
            start = i;
        }
        current = Some(f);
    }
    if let Some(cur) = current {
        out.push((cur, &text[start..]));
    }
    out
}

fn run_width(face: Face, text: &str, size: f32) -> f32 {
    let Ok(parsed) = ttf_parser::Face::parse(data(face), 0) else {
        return 0.0;
    };
    let per_unit = size / f32::from(parsed.units_per_em());
    text.chars()
        .map(|c| {
            parsed
                .glyph_index(c)
                .and_then(|g| parsed.glyph_hor_advance(g))
                .map_or(0.0, |a| f32::from(a) * per_unit)
        })
        .sum()
}

/// The width of `text` at `size` points, as it will be drawn.
pub fn text_width(text: &str, size: f32) -> f32 {
    runs(text)
        .into_iter()
        .map(|(face, run)| run_width(face, run, size))
        .sum()
}

/// Writes the pages as one PDF document.
pub fn render(pages: &[Page]) -> Result<Vec<u8>, PdfError> {
    let sans = Font::new(NOTO_SANS.into(), 0).ok_or(PdfError::Font)?;
    let armenian = Font::new(NOTO_SANS_ARMENIAN.into(), 0).ok_or(PdfError::Font)?;
    let mut document = Document::new();
    for p in pages {
        let settings = PageSettings::from_wh(p.width, p.height).ok_or(PdfError::PageSize {
            width: p.width,
            height: p.height,
        })?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for item in &p.items {
            match item {
                Item::Text {
                    x,
                    y,
                    size,
                    text,
                    align,
                } => {
                    let width = text_width(text, *size);
                    let mut at = match align {
                        Align::Left => *x,
                        Align::Right => x - width,
                        Align::Center => x - width / 2.0,
                    };
                    for (face, run) in runs(text) {
                        let font = match face {
                            Face::Sans => sans.clone(),
                            Face::Armenian => armenian.clone(),
                        };
                        surface.draw_text(
                            Point::from_xy(at, *y),
                            font,
                            *size,
                            run,
                            false,
                            TextDirection::Auto,
                        );
                        at += run_width(face, run, *size);
                    }
                }
                Item::Rule { x1, x2, y, width } => {
                    let mut path = PathBuilder::new();
                    if let Some(rect) = Rect::from_xywh(*x1, y - width / 2.0, x2 - x1, *width) {
                        path.push_rect(rect);
                    }
                    if let Some(path) = path.finish() {
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| PdfError::Write(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_into_runs_by_script() {
        let r = runs("Tax Երևան 1 ООО");
        let faces: Vec<bool> = r.iter().map(|(f, _)| *f == Face::Armenian).collect();
        assert_eq!(faces, [false, true, false]);
        assert_eq!(r[1].1, "Երևան");
        assert!(text_width("Երևան", 10.0) > 0.0);
        assert!(text_width("WWW", 10.0) > text_width("iii", 10.0));
    }
}
