//! Fonts for every UI language. egui's defaults draw Latin and Cyrillic; Armenian
//! and the rouble sign need the bundled Noto fonts (see `node/assets/fonts/README.md`).

use egui::{FontData, FontDefinitions, FontFamily, FontInsert, FontPriority, InsertFontFamily};

/// Armenian script and the dram sign ֏.
pub const NOTO_SANS_ARMENIAN: &[u8] =
    include_bytes!("../../assets/fonts/NotoSansArmenian-Regular.ttf");

/// The rouble sign ₽, which neither of egui's text fonts has.
pub const NOTO_SANS: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Regular.ttf");

/// Where each bundled font goes: Noto Sans leads the proportional family (a regular
/// weight for Latin and Cyrillic, where egui's default is a light one that is hard to
/// read at body size); the rest follow egui's fonts as fallbacks.
const PLACES: [(&str, &[u8], FontFamily, FontPriority); 4] = [
    (
        "NotoSans-Regular",
        NOTO_SANS,
        FontFamily::Proportional,
        FontPriority::Highest,
    ),
    (
        "NotoSansArmenian-Regular",
        NOTO_SANS_ARMENIAN,
        FontFamily::Proportional,
        FontPriority::Lowest,
    ),
    (
        "NotoSans-Regular",
        NOTO_SANS,
        FontFamily::Monospace,
        FontPriority::Lowest,
    ),
    (
        "NotoSansArmenian-Regular",
        NOTO_SANS_ARMENIAN,
        FontFamily::Monospace,
        FontPriority::Lowest,
    ),
];

/// Installs the bundled fonts. Call once, before the first frame.
pub fn install_fonts(ctx: &egui::Context) {
    for (name, data) in [
        ("NotoSans-Regular", NOTO_SANS),
        ("NotoSansArmenian-Regular", NOTO_SANS_ARMENIAN),
    ] {
        let families = PLACES
            .iter()
            .filter(|place| place.0 == name)
            .map(|(_, _, family, priority)| InsertFontFamily {
                family: family.clone(),
                priority: *priority,
            })
            .collect();
        ctx.add_font(FontInsert::new(name, FontData::from_static(data), families));
    }
}

/// egui's default definitions with the bundled fonts placed as [`install_fonts`] does,
/// for code that builds its own [`egui::text::Fonts`] or calls `set_fonts`.
pub fn font_definitions() -> FontDefinitions {
    let mut definitions = FontDefinitions::default();
    for (name, data, family, priority) in PLACES {
        definitions
            .font_data
            .entry(name.to_owned())
            .or_insert_with(|| std::sync::Arc::new(FontData::from_static(data)));
        let list = definitions.families.entry(family).or_default();
        match priority {
            FontPriority::Highest => list.insert(0, name.to_owned()),
            FontPriority::Lowest => list.push(name.to_owned()),
        }
    }
    definitions
}

#[cfg(test)]
mod tests {
    use egui::{Context, FontId, MissingGlyphPolicy, RawInput};

    use super::*;
    use crate::i18n::{Locale, Localizer, format_money};

    const ARMENIAN: &str = "Հայերեն";
    const CYRILLIC: &str = "Пациенты Українська ґєії";
    const FRENCH: &str = "é à ç Français œ";
    const SPANISH: &str = "Español ñ ¿¡";

    /// Runs one pass that shows `texts`, then reports which of them the fonts can't draw
    /// in each family.
    fn missing_after_pass(ctx: &Context, texts: &[String]) -> Vec<String> {
        ctx.run_ui(RawInput::default(), |ui| {
            for text in texts {
                ui.label(text.as_str());
                ui.monospace(text.as_str());
            }
        })
        .drop_without_applying_deltas();
        let mut missing = Vec::new();
        ctx.fonts_mut(|fonts| {
            for font_id in [FontId::proportional(14.0), FontId::monospace(14.0)] {
                for text in texts {
                    for c in text.chars().filter(|c| !c.is_control()) {
                        if !fonts.has_glyph(&font_id, c) {
                            missing.push(format!(
                                "{c:?} U+{:04X} {:?} in {text:?}",
                                c as u32, font_id.family
                            ));
                        }
                    }
                }
            }
        });
        missing
    }

    #[test]
    fn egui_defaults_cover_latin_and_cyrillic_but_not_armenian() {
        let ctx = Context::default();
        let latin_cyrillic = [CYRILLIC, FRENCH, SPANISH].map(String::from);
        assert_eq!(
            missing_after_pass(&ctx, &latin_cyrillic),
            Vec::<String>::new()
        );
        // The reason the fonts are bundled: without them these are tofu.
        assert!(!missing_after_pass(&ctx, &[ARMENIAN.to_owned()]).is_empty());
        assert!(!missing_after_pass(&ctx, &["₽".to_owned()]).is_empty());
    }

    #[test]
    fn installed_fonts_draw_every_ui_language_and_currency() {
        let ctx = Context::default();
        ctx.set_missing_glyph_policy(MissingGlyphPolicy::Panic);
        install_fonts(&ctx);
        let mut texts: Vec<String> = [ARMENIAN, CYRILLIC, FRENCH, SPANISH]
            .map(String::from)
            .to_vec();
        for locale in Locale::ALL {
            texts.push(locale.native_name().to_owned());
            for currency in ["EUR", "USD", "GBP", "RUB", "UAH", "AMD", "CHF"] {
                texts.push(format_money(-123_456_789, currency, locale));
            }
        }
        assert_eq!(missing_after_pass(&ctx, &texts), Vec::<String>::new());
    }

    #[test]
    fn installed_fonts_draw_every_translated_message() {
        let ctx = Context::default();
        ctx.set_missing_glyph_policy(MissingGlyphPolicy::Panic);
        install_fonts(&ctx);
        let localizer = Localizer::new();
        let texts = dermis_model::i18n::catalog::all_formatted_messages(&localizer);
        assert!(texts.len() > 6 * 100, "only {} messages", texts.len());
        assert_eq!(missing_after_pass(&ctx, &texts), Vec::<String>::new());
    }

    #[test]
    fn noto_sans_leads_the_text_fonts_and_the_fallbacks_follow_egui() {
        let ctx = Context::default();
        install_fonts(&ctx);
        ctx.run_ui(RawInput::default(), |_| {})
            .drop_without_applying_deltas();
        let defaults = FontDefinitions::default();
        let installed = ctx.fonts(|fonts| fonts.definitions().clone());
        assert_eq!(installed, font_definitions());
        let text = &installed.families[&FontFamily::Proportional];
        let egui_text = &defaults.families[&FontFamily::Proportional];
        assert_eq!(text[0], "NotoSans-Regular", "a regular weight first");
        assert_eq!(&text[1..=egui_text.len()], &egui_text[..]);
        assert_eq!(text[egui_text.len() + 1..], ["NotoSansArmenian-Regular"]);
        let mono = &installed.families[&FontFamily::Monospace];
        let egui_mono = &defaults.families[&FontFamily::Monospace];
        assert_eq!(&mono[..egui_mono.len()], &egui_mono[..]);
        assert_eq!(
            mono[egui_mono.len()..],
            ["NotoSans-Regular", "NotoSansArmenian-Regular"]
        );
    }
}
