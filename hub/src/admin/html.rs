//! HTML building blocks for the admin pages: escaping (every value that is not a
//! literal of ours goes through [`esc`]), the page frame with its navigation, and the
//! locale-aware formatting of times, sizes and ages.

use std::fmt::Write;

use dermis_model::Millis;
use dermis_model::i18n::{
    FluentArg, Locale, Localizer, format_datetime, format_decimal, format_integer,
};

use super::Section;

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters have no business on a page (and a CR would split an
            // SSE data line).
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The language of one request, with its messages.
#[derive(Clone)]
pub struct Ui {
    pub locale: Locale,
    localizer: Localizer,
}

impl Ui {
    pub fn new(locale: Locale, localizer: Localizer) -> Ui {
        Ui { locale, localizer }
    }

    /// A message, escaped.
    /// Whether the catalog has message `id`.
    pub fn has(&self, id: &str) -> bool {
        self.localizer.has_message(self.locale, id)
    }

    pub fn t(&self, id: &str) -> String {
        esc(&self.localizer.t(self.locale, id))
    }

    /// A message NOT escaped: only for a builder that escapes what it is given (a chart's
    /// labels, a Fluent argument).
    pub fn plain(&self, id: &str) -> String {
        self.localizer.t(self.locale, id)
    }

    /// A message with variables, escaped (the variables too).
    pub fn ta(&self, id: &str, args: &[(&str, FluentArg<'_>)]) -> String {
        esc(&self.localizer.t_args(self.locale, id, args))
    }

    /// A count with the locale's grouping.
    pub fn int(&self, n: u64) -> String {
        format_integer(i64::try_from(n).unwrap_or(i64::MAX), self.locale)
    }

    /// Date and time (UTC), escaped.
    pub fn time(&self, ms: Millis) -> String {
        let at = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        esc(&format!("{} UTC", format_datetime(at, self.locale)))
    }

    pub fn time_or_never(&self, ms: Option<Millis>) -> String {
        ms.map_or_else(|| self.t("admin-never"), |ms| self.time(ms))
    }

    /// A byte count in B, KB, MB or GB (1024-based, one decimal above bytes). The
    /// unit names are one message, `admin-size-units`, four words apart.
    pub fn size(&self, bytes: u64) -> String {
        let names = self.localizer.t(self.locale, "admin-size-units");
        let units: Vec<&str> = names.split_whitespace().collect();
        let mut unit = 0;
        let mut scaled = bytes as f64;
        while scaled >= 1024.0 && unit < 3 {
            scaled /= 1024.0;
            unit += 1;
        }
        let value = if unit == 0 {
            self.int(bytes)
        } else {
            format_decimal((scaled * 10.0).round() as i64, 1, self.locale)
        };
        let name = units.get(unit).copied().unwrap_or("");
        esc(&format!("{value}\u{a0}{name}"))
    }

    /// How long ago, from an age in milliseconds: "5 minutes ago".
    pub fn ago(&self, age_ms: u64) -> String {
        let seconds = age_ms / 1000;
        let (id, count) = match seconds {
            0..60 => ("admin-ago-seconds", seconds),
            60..3600 => ("admin-ago-minutes", seconds / 60),
            3600..86_400 => ("admin-ago-hours", seconds / 3600),
            _ => ("admin-ago-days", seconds / 86_400),
        };
        self.ta(id, &[("count", count.into())])
    }

    pub fn yes_no(&self, yes: bool) -> String {
        self.t(if yes { "admin-yes" } else { "admin-no" })
    }
}

/// What the page frame needs besides the body.
pub struct Frame<'a> {
    /// Already escaped.
    pub title: &'a str,
    /// The section to mark current in the navigation.
    pub current: Option<&'a str>,
    /// The signed-in admin, if any (the login page has none).
    pub username: Option<&'a str>,
    /// The SSE URL whose `update` events replace the `#live` element.
    pub live: Option<&'a str>,
}

/// A whole page: head, navigation, language links, body.
pub fn page(ui: &Ui, sections: &[Section], frame: &Frame<'_>, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 2048);
    let lang = ui.locale.code();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} · {}</title>\n<link rel=\"stylesheet\" href=\"/admin/assets/admin.css\">\n\
         <link rel=\"icon\" href=\"/admin/assets/icon.svg\" type=\"image/svg+xml\">\n\
         <script src=\"/admin/assets/live.js\" defer></script>\n</head>\n<body>\n<header>\n\
         <strong class=\"brand\">{}</strong>\n",
        frame.title,
        ui.t("admin-title"),
        ui.t("admin-title"),
    );
    if let Some(username) = frame.username {
        out.push_str("<nav>\n");
        for section in sections {
            let current = if frame.current == Some(section.id) {
                " aria-current=\"page\""
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "<a href=\"{}?lang={lang}\"{current}>{}</a>",
                section.path,
                ui.t(section.label)
            );
        }
        let _ = write!(
            out,
            "</nav>\n<form method=\"post\" action=\"/admin/logout\" class=\"who\">\
             <span>{} <b>{}</b></span> <button type=\"submit\">{}</button></form>\n",
            ui.t("admin-signed-in-as"),
            esc(username),
            ui.t("admin-sign-out"),
        );
    }
    let _ = write!(
        out,
        "<p class=\"langs\" aria-label=\"{}\">",
        ui.t("admin-language")
    );
    for locale in Locale::ALL {
        let _ = write!(
            out,
            "<a href=\"?lang={}\" lang=\"{}\">{}</a> ",
            locale.code(),
            locale.code(),
            esc(locale.native_name())
        );
    }
    out.push_str("</p>\n</header>\n<main>\n");
    let _ = writeln!(out, "<h1>{}</h1>", frame.title);
    match frame.live {
        Some(url) => {
            let _ = write!(
                out,
                "<p class=\"live-state\" id=\"live-state\" data-connected=\"{}\" data-reconnecting=\"{}\"></p>\n\
                 <div id=\"live\" data-live=\"{}\">\n{body}</div>\n",
                ui.t("admin-live-connected"),
                ui.t("admin-live-reconnecting"),
                esc(url),
            );
        }
        None => out.push_str(body),
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_quotes_and_control_characters() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(esc("a\rb\u{7}"), "a\u{FFFD}b\u{FFFD}");
        assert_eq!(esc("line\nnext"), "line\nnext");
    }

    #[test]
    fn sizes_and_ages_follow_the_locale() {
        let ui = Ui::new(Locale::Ru, Localizer::new());
        assert!(ui.size(1536).starts_with("1,5"), "{}", ui.size(1536));
        let en = Ui::new(Locale::En, Localizer::new());
        assert_eq!(en.size(512), "512\u{a0}B");
        assert_eq!(en.size(1536), "1.5\u{a0}KB");
        assert_eq!(en.size(3 << 30), "3.0\u{a0}GB");
        assert_eq!(en.ago(5 * 60_000), "5 minutes ago");
        assert_eq!(en.ago(1000), "1 second ago");
    }
}
