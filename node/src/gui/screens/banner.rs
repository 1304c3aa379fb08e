//! The patient banner: drawn above every screen about one patient (the chart, a visit,
//! the photos) so that name, age, record number and allergies are always in view. An
//! allergy is a red chip; "No known allergies" (asked and recorded) and "Allergies not
//! recorded" (never asked) look different, because a doctor must act differently on them.

use dermis_model::patient::{Allergy, AllergyStatus, Severity, age_on};
use egui::{RichText, Ui};

use crate::gui::backend::PatientBanner;
use crate::gui::theme;
use crate::gui::tr::Tr;
use crate::gui::widgets;
use crate::i18n::message_id;

/// Draws `banner` across the screen; `today` gives the age.
pub fn banner_ui(ui: &mut Ui, banner: &PatientBanner, tr: &Tr, today: time::Date) {
    let visuals = ui.visuals();
    let fill = theme::banner_fill(visuals);
    egui::Frame::new()
        .fill(fill)
        .stroke(visuals.widgets.noninteractive.bg_stroke)
        .corner_radius(6.0)
        .inner_margin(egui::Margin::symmetric(10, 6))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(&banner.name).heading().strong());
                ui.add_space(8.0);
                ui.label(facts(banner, tr, today));
            });
            if let Some(allergies) = &banner.allergies {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(tr.t("field-allergies")).strong());
                    match allergies.status {
                        AllergyStatus::Listed => {
                            for allergy in &allergies.listed {
                                allergy_chip(ui, allergy, tr, fill);
                            }
                        }
                        AllergyStatus::NoneKnown => {
                            widgets::badge(
                                ui,
                                &tr.t("gui-allergies-none-known"),
                                widgets::ok_color(ui),
                            );
                        }
                        AllergyStatus::NotRecorded => {
                            widgets::badge(
                                ui,
                                &tr.t("gui-allergies-not-recorded"),
                                widgets::warn_color(ui),
                            );
                        }
                    }
                });
            }
        });
    ui.add_space(6.0);
}

/// "41 years · 9 Mar 1984 · Female · Record N1-P000001": what is known, in that order.
fn facts(banner: &PatientBanner, tr: &Tr, today: time::Date) -> String {
    let mut parts = Vec::with_capacity(4);
    if let Some(born) = banner.birth_date {
        if let Some(years) = age_on(born, today) {
            parts.push(tr.count("gui-banner-age", i64::from(years)));
        }
        parts.push(tr.date(born));
    }
    parts.push(tr.t(&message_id("sex", banner.sex.as_str())));
    if !banner.mrn.is_empty() {
        parts.push(tr.t_args("gui-banner-mrn", &[("mrn", banner.mrn.as_str().into())]));
    }
    parts.join(" · ")
}

/// One allergy as a filled red chip: the substance in bold, its severity after it; the
/// reaction on hover.
fn allergy_chip(ui: &mut Ui, allergy: &Allergy, tr: &Tr, under: egui::Color32) {
    let alarm = ui.visuals().error_fg_color;
    let severity = tr.t(&message_id("gui-severity", allergy.severity.as_str()));
    let width = if allergy.severity == Severity::Severe {
        2.0
    } else {
        1.0
    };
    let chip = egui::Frame::new()
        .fill(theme::blend(under, alarm, theme::ALARM_TINT))
        .stroke(egui::Stroke::new(width, alarm))
        .corner_radius(10.0)
        .inner_margin(egui::Margin::symmetric(8, 2))
        .show(ui, |ui| {
            ui.label(
                RichText::new(format!("{} — {severity}", allergy.substance))
                    .strong()
                    .color(alarm),
            );
        })
        .response;
    if !allergy.reaction.is_empty() {
        chip.on_hover_text(&allergy.reaction);
    }
}
