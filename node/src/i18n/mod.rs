//! Everything language-dependent in the node. Languages, messages and locale-aware
//! formatting are shared with the hub and live in `dermis_model::i18n` (re-exported
//! here); this module adds the fonts that can draw all six languages ([`install_fonts`]).

mod fonts;

pub use dermis_model::i18n::*;
pub use fonts::{NOTO_SANS, NOTO_SANS_ARMENIAN, font_definitions, install_fonts};
