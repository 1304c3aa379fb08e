//! The till's buyer: a sale may name the patient who buys, found by name or record
//! number, so that the chart lists their purchases and a refund finds its customer.
//! Attaching is optional and never blocks a sale.

use dermis_model::PatientId;
use egui::Ui;

use super::Ctx;
use crate::gui::backend::Command;
use crate::gui::widgets;
use crate::store::queries::PatientRow;

/// The patient a sale is attached to, as the till shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Buyer {
    pub id: PatientId,
    pub name: String,
    pub mrn: String,
}

#[derive(Debug, Default)]
pub struct BuyerState {
    pub query: String,
    generation: u64,
    pub results: Vec<PatientRow>,
    pub chosen: Option<Buyer>,
}

impl BuyerState {
    pub fn on_results(&mut self, generation: u64, rows: Vec<PatientRow>) {
        if generation == self.generation {
            self.results = rows;
        }
    }

    /// The patient the next sale is for.
    pub fn patient(&self) -> Option<PatientId> {
        self.chosen.as_ref().map(|b| b.id)
    }

    /// The sale is done: the next customer starts without a patient.
    pub fn clear(&mut self) {
        *self = BuyerState {
            generation: self.generation + 1,
            ..BuyerState::default()
        };
    }

    fn choose(&mut self, row: &PatientRow) {
        let Ok(id) = row.id.parse() else { return };
        self.chosen = Some(Buyer {
            id,
            name: format!("{} {}", row.first_name, row.last_name),
            mrn: row.mrn.clone(),
        });
        self.query.clear();
        self.results.clear();
        self.generation += 1;
    }
}

pub fn buyer_ui(ui: &mut Ui, state: &mut BuyerState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    if let Some(buyer) = &state.chosen {
        let mut remove = false;
        ui.horizontal(|ui| {
            ui.label(tr.t("gui-pos-buyer"));
            ui.strong(format!("{} · {}", buyer.name, buyer.mrn));
            remove = ui
                .button(tr.t("gui-pos-buyer-remove"))
                .on_hover_text(tr.t("gui-pos-buyer-remove-hint"))
                .clicked();
        });
        if remove {
            state.chosen = None;
        }
        return;
    }
    let search = widgets::labelled_input(
        ui,
        &tr.t("gui-pos-buyer"),
        &tr.t("gui-pos-buyer-hint"),
        &mut state.query,
        260.0,
    );
    if search.changed() {
        state.generation += 1;
        if state.query.trim().is_empty() {
            state.results.clear();
        } else {
            ctx.send(Command::FindBuyers {
                generation: state.generation,
                query: state.query.clone(),
            });
        }
    }
    if state.query.trim().is_empty() {
        return;
    }
    let mut chosen = None;
    for row in &state.results {
        let mut text = format!("{} {} · {}", row.first_name, row.last_name, row.mrn);
        if let Some(born) = &row.birth_date {
            text.push_str(&format!(" · {}", tr.stored_date(born)));
        }
        if ui.button(text).clicked() {
            chosen = Some(row.clone());
        }
    }
    if let Some(row) = chosen {
        state.choose(&row);
        if let Some(patient) = state.patient() {
            ctx.send(Command::LoadBanner { patient });
        }
    }
}
