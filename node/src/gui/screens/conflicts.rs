//! Conflicts: fields two workstations changed at the same time, every value side by
//! side, and a button to keep one. The choice is an ordinary edit and syncs.

use egui::{RichText, Ui};

use super::Ctx;
use crate::gui::backend::{Command, ConflictItem, UiError, ValueSourceView, Workstation, Writer};
use crate::gui::tr::Tr;
use crate::gui::widgets;
use crate::i18n::message_id;

#[derive(Debug, Default)]
pub struct ConflictsState {
    pub items: Option<Vec<ConflictItem>>,
    pub error: Option<UiError>,
    pub busy: bool,
}

impl ConflictsState {
    pub fn on_items(&mut self, items: Vec<ConflictItem>) {
        self.items = Some(items);
        self.busy = false;
    }

    pub fn failed(&mut self, error: UiError) {
        self.busy = false;
        self.error = Some(error);
    }
}

/// A stored value as a user reads it.
fn shown(value: &serde_json::Value, empty: &str) -> String {
    match value {
        serde_json::Value::Null => empty.to_owned(),
        serde_json::Value::String(s) if s.is_empty() => empty.to_owned(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// "Anna Petrova · Front desk · 5 Dec 2026, 14:02": who wrote a value, where, when.
fn origin(tr: &Tr, source: &ValueSourceView) -> String {
    let who = match &source.who {
        Writer::User(Some(name)) => name.clone(),
        Writer::User(None) => tr.t("gui-conflicts-by-former-user"),
        Writer::Operator => tr.t("gui-conflicts-by-operator"),
        Writer::Hub => tr.t("gui-conflicts-by-hub"),
        Writer::Unknown => tr.t("gui-conflicts-by-unknown"),
    };
    let when = tr.datetime(source.at);
    match &source.workstation {
        Workstation::This(name) => tr.t_args(
            "gui-conflicts-origin-here",
            &[
                ("who", who.into()),
                ("name", name.as_str().into()),
                ("when", when.into()),
            ],
        ),
        Workstation::Other(code) => tr.t_args(
            "gui-conflicts-origin",
            &[
                ("who", who.into()),
                ("name", code.as_str().into()),
                ("when", when.into()),
            ],
        ),
        Workstation::None => format!("{who} · {when}"),
    }
}

pub fn conflicts_ui(ui: &mut Ui, state: &mut ConflictsState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    ui.heading(tr.t("gui-nav-conflicts"));
    ui.label(tr.t("gui-conflicts-intro"));
    if let Some(error) = &state.error {
        widgets::error_line(ui, &tr.ui_error(error));
    }
    let Some(items) = &state.items else {
        ui.spinner();
        return;
    };
    if items.is_empty() {
        ui.weak(tr.t("gui-conflicts-none"));
        return;
    }
    let empty = tr.t("gui-conflicts-empty-value");
    let mut chosen = None;
    egui::ScrollArea::vertical().show(ui, |ui| {
        for (i, item) in items.iter().enumerate() {
            let row = &item.row;
            let field = row
                .path
                .last()
                .map(|f| tr.field_label(f))
                .unwrap_or_default();
            let kind = tr.t(&message_id("gui-doc", &row.doc_type));
            let title = match &item.subject {
                Some(subject) => format!("{kind}: {subject} — {field}"),
                None => format!("{kind} — {field}"),
            };
            widgets::section(ui, &title, |ui| {
                ui.columns(row.values.len().max(1), |columns| {
                    for (j, (column, value)) in columns.iter_mut().zip(&row.values).enumerate() {
                        column.label(RichText::new(shown(value, &empty)).size(16.0));
                        if let Some(Some(source)) = item.sources.get(j) {
                            column.label(origin(tr, source));
                        }
                        if j == 0 {
                            column.weak(tr.t("gui-conflicts-shown-now"));
                        }
                        let keep = column
                            .add_enabled(!state.busy, egui::Button::new(tr.t("gui-conflicts-keep")))
                            .accessible_name(format!(
                                "{} {}",
                                tr.t("gui-conflicts-keep"),
                                shown(value, &empty)
                            ));
                        if keep.clicked() {
                            chosen = Some((i, value.clone()));
                        }
                    }
                });
            });
            ui.add_space(6.0);
        }
    });
    if let Some((i, value)) = chosen
        && let Some(item) = items.get(i)
    {
        state.busy = true;
        state.error = None;
        ctx.send(Command::ResolveConflict {
            doc_id: item.row.doc_id.clone(),
            path: item.row.path.clone(),
            value,
        });
    }
}
