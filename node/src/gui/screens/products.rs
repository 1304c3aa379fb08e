//! Products and stock: the catalog with stock on hand, the low-stock list, the product
//! form, stock in / out / adjustments with a reason, and the movement history of a SKU.

use dermis_model::clinic::Permission;
use dermis_model::ledger::MovementKind;
use dermis_model::product::ProductForm;
use dermis_model::{ProductId, ValidationErrors};
use egui::{RichText, Ui};

use super::Ctx;
use crate::gui::backend::{Command, UiError};
use crate::gui::widgets;
use crate::i18n::currency_exponent;
use crate::store::queries::{MovementRow, ProductRow};

#[derive(Debug)]
pub struct ProductEdit {
    pub id: Option<ProductId>,
    pub form: ProductForm,
    pub errors: ValidationErrors,
    pub error: Option<UiError>,
    pub busy: bool,
}

#[derive(Debug)]
pub struct MovementForm {
    pub kind: MovementKind,
    pub qty: String,
    pub reason: String,
    pub errors: ValidationErrors,
    pub error: Option<UiError>,
    pub busy: bool,
    pub done: bool,
}

impl Default for MovementForm {
    fn default() -> Self {
        MovementForm {
            kind: MovementKind::In,
            qty: String::new(),
            reason: String::new(),
            errors: ValidationErrors::default(),
            error: None,
            busy: false,
            done: false,
        }
    }
}

#[derive(Debug, Default)]
pub struct ProductsState {
    pub products: Vec<ProductRow>,
    pub loaded: bool,
    pub filter: String,
    /// The product the right-hand side shows (its id), or a new one being made.
    pub selected: Option<String>,
    pub edit: Option<ProductEdit>,
    pub movement: MovementForm,
    pub movements: Vec<MovementRow>,
    movements_for: Option<String>,
    pub saved: bool,
}

fn form_of(p: &ProductRow) -> ProductForm {
    ProductForm {
        sku: p.sku.clone(),
        name: p.name.clone(),
        price: dermis_model::money::format_minor(p.price_minor, currency_exponent(&p.currency)),
        currency: p.currency.clone(),
        category: p.category.clone().unwrap_or_default(),
        barcode: p.barcode.clone().unwrap_or_default(),
        active: p.active,
        reorder_level: p.reorder_level.to_string(),
        tax_class: p.tax_class.clone(),
    }
}

impl ProductsState {
    pub fn on_catalog(&mut self, products: Vec<ProductRow>) {
        self.products = products;
        self.loaded = true;
    }

    pub fn on_movements(&mut self, product_id: String, rows: Vec<MovementRow>) {
        if self.selected.as_deref() == Some(product_id.as_str()) {
            self.movements = rows;
            self.movements_for = Some(product_id);
        }
    }

    pub fn on_saved(&mut self, id: ProductId) {
        self.edit = None;
        self.selected = Some(id.to_string());
        self.movements_for = None;
        self.saved = true;
    }

    pub fn on_stock_moved(&mut self) {
        self.movement = MovementForm {
            kind: self.movement.kind,
            done: true,
            ..MovementForm::default()
        };
    }

    pub fn failed_save(&mut self, error: UiError) {
        if let Some(edit) = &mut self.edit {
            edit.busy = false;
            match error {
                UiError::Invalid(errors) => edit.errors = errors,
                other => edit.error = Some(other),
            }
        }
    }

    pub fn failed_move(&mut self, error: UiError) {
        self.movement.busy = false;
        match error {
            UiError::Invalid(errors) => self.movement.errors = errors,
            other => self.movement.error = Some(other),
        }
    }

    fn select(&mut self, p: &ProductRow, ctx: &mut Ctx<'_>) {
        self.selected = Some(p.id.clone());
        self.saved = false;
        self.movement = MovementForm::default();
        self.edit = ctx.can(Permission::ManageProducts).then(|| ProductEdit {
            id: p.id.parse().ok(),
            form: form_of(p),
            errors: ValidationErrors::default(),
            error: None,
            busy: false,
        });
        if self.movements_for.as_deref() != Some(p.id.as_str()) {
            self.movements.clear();
            ctx.send(Command::Movements {
                product_id: p.id.clone(),
            });
        }
    }
}

pub fn products_ui(ui: &mut Ui, state: &mut ProductsState, ctx: &mut Ctx<'_>) {
    ui.horizontal(|ui| {
        ui.heading(ctx.t("gui-nav-products"));
        if ctx.can(Permission::ManageProducts) && ui.button(ctx.t("gui-products-new")).clicked() {
            state.selected = None;
            state.saved = false;
            state.edit = Some(ProductEdit {
                id: None,
                form: ProductForm {
                    sku: String::new(),
                    name: String::new(),
                    price: String::new(),
                    currency: ctx.session.currency.clone(),
                    category: String::new(),
                    barcode: String::new(),
                    active: true,
                    reorder_level: "0".into(),
                    tax_class: ctx
                        .session
                        .tax_classes
                        .iter()
                        .find(|c| c.as_str() == "standard")
                        .or(ctx.session.tax_classes.first())
                        .cloned()
                        .unwrap_or_default(),
                },
                errors: ValidationErrors::default(),
                error: None,
                busy: false,
            });
        }
    });
    if !state.loaded {
        ui.spinner();
        return;
    }
    ui.columns(2, |columns| {
        let [left, right] = columns else { return };
        catalog_ui(left, state, ctx);
        detail_ui(right, state, ctx);
    });
}

fn catalog_ui(ui: &mut Ui, state: &mut ProductsState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let low: Vec<&ProductRow> = state
        .products
        .iter()
        .filter(|p| p.active && p.on_hand <= p.reorder_level)
        .collect();
    widgets::section(ui, &tr.t("gui-products-low-stock"), |ui| {
        if low.is_empty() {
            ui.weak(tr.t("gui-products-no-low-stock"));
        }
        for p in &low {
            ui.label(
                RichText::new(tr.t_args(
                    "gui-products-low-line",
                    &[
                        ("name", p.name.as_str().into()),
                        ("count", p.on_hand.into()),
                        ("level", p.reorder_level.into()),
                    ],
                ))
                .color(widgets::warn_color(ui)),
            );
        }
    });
    ui.add_space(6.0);
    widgets::labelled_input(
        ui,
        &tr.t("gui-products-filter"),
        &tr.t("gui-pos-search-hint"),
        &mut state.filter,
        240.0,
    );
    let needle = state.filter.trim().to_lowercase();
    let mut chosen = None;
    egui::ScrollArea::vertical()
        .id_salt("catalog")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("catalog-grid")
                .striped(true)
                .num_columns(4)
                .show(ui, |ui| {
                    widgets::header_row(
                        ui,
                        &[
                            tr.t("field-sku"),
                            tr.t("field-name"),
                            tr.t("field-price"),
                            tr.t("gui-col-stock"),
                        ],
                    );
                    for p in state.products.iter().filter(|p| {
                        needle.is_empty()
                            || p.name.to_lowercase().contains(&needle)
                            || p.sku.to_lowercase().contains(&needle)
                    }) {
                        let selected = state.selected.as_deref() == Some(p.id.as_str());
                        if ui.selectable_label(selected, &p.sku).clicked() {
                            chosen = Some(p.clone());
                        }
                        ui.label(&p.name);
                        ui.label(tr.money(p.price_minor, &p.currency));
                        let stock = tr.t_args("gui-pos-on-hand", &[("count", p.on_hand.into())]);
                        if p.on_hand <= p.reorder_level {
                            ui.label(RichText::new(stock).color(widgets::warn_color(ui)));
                        } else {
                            ui.label(stock);
                        }
                        ui.end_row();
                    }
                });
        });
    if let Some(p) = chosen {
        state.select(&p, ctx);
    }
}

fn detail_ui(ui: &mut Ui, state: &mut ProductsState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    egui::ScrollArea::vertical()
        .id_salt("product-detail")
        .show(ui, |ui| {
            if state.saved {
                ui.label(RichText::new(tr.t("gui-saved")).color(widgets::ok_color(ui)));
            }
            if let Some(edit) = &mut state.edit {
                form_ui(ui, edit, ctx);
                ui.add_space(8.0);
            }
            let Some(selected) = state.selected.clone() else {
                if state.edit.is_none() {
                    ui.weak(tr.t("gui-products-pick"));
                }
                return;
            };
            let Some(product) = state.products.iter().find(|p| p.id == selected).cloned() else {
                return;
            };
            if ctx.can(Permission::ManageStock) {
                stock_ui(ui, state, &product, ctx);
                ui.add_space(8.0);
            }
            history_ui(ui, state, &product, ctx);
        });
}

fn form_ui(ui: &mut Ui, edit: &mut ProductEdit, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let title = if edit.id.is_some() {
        "gui-products-edit"
    } else {
        "gui-products-new"
    };
    widgets::section(ui, &tr.t(title), |ui| {
        let errors = |field: &str| tr.errors_for(&edit.errors, field);
        let classes: Vec<(String, String)> = ctx
            .session
            .tax_classes
            .iter()
            .map(|c| {
                (
                    c.clone(),
                    tr.t_or(&crate::i18n::message_id("gui-tax", c), c),
                )
            })
            .collect();
        widgets::form_grid(ui, "product-form", |ui| {
            let f = &mut edit.form;
            widgets::text_row(ui, &tr.t("field-sku"), &mut f.sku, &errors("sku"));
            widgets::text_row(ui, &tr.t("field-name"), &mut f.name, &errors("name"));
            widgets::text_row(ui, &tr.t("field-price"), &mut f.price, &errors("price"));
            widgets::text_row(
                ui,
                &tr.t("field-category"),
                &mut f.category,
                &errors("category"),
            );
            widgets::text_row(
                ui,
                &tr.t("field-barcode"),
                &mut f.barcode,
                &errors("barcode"),
            );
            widgets::text_row(
                ui,
                &tr.t("field-reorder-level"),
                &mut f.reorder_level,
                &errors("reorder_level"),
            );
            widgets::combo_row(
                ui,
                &tr.t("field-tax-class"),
                &mut f.tax_class,
                &classes,
                &errors("tax_class"),
            );
            ui.label("");
            ui.checkbox(&mut f.active, tr.t("field-active"));
            ui.end_row();
        });
        for error in tr.errors_for(&edit.errors, "currency") {
            widgets::error_line(ui, &error);
        }
        if let Some(error) = &edit.error {
            widgets::error_line(ui, &tr.ui_error(error));
        }
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!edit.busy, egui::Button::new(tr.t("gui-save")))
                .clicked()
            {
                edit.busy = true;
                edit.errors = ValidationErrors::default();
                edit.error = None;
                ctx.send(Command::SaveProduct {
                    id: edit.id,
                    form: edit.form.clone(),
                });
            }
            if edit.busy {
                ui.spinner();
            }
        });
    });
}

fn stock_ui(ui: &mut Ui, state: &mut ProductsState, product: &ProductRow, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let m = &mut state.movement;
    let title = tr.t_args(
        "gui-products-stock-of",
        &[
            ("name", product.name.as_str().into()),
            ("count", product.on_hand.into()),
        ],
    );
    widgets::section(ui, &title, |ui| {
        let kinds: Vec<(MovementKind, String)> =
            [MovementKind::In, MovementKind::Out, MovementKind::Adjust]
                .into_iter()
                .map(|k| (k, tr.t(&format!("stock-{}", k.as_str()))))
                .collect();
        let errors = |field: &str| tr.errors_for(&m.errors, field);
        let (qty_errors, reason_errors) = (errors("qty"), errors("reason"));
        widgets::form_grid(ui, "movement-form", |ui| {
            widgets::combo_row(ui, &tr.t("gui-products-movement"), &mut m.kind, &kinds, &[]);
            widgets::text_row(ui, &tr.t("field-quantity"), &mut m.qty, &qty_errors)
                .on_hover_text(tr.t("gui-products-adjust-hint"));
            widgets::text_row(ui, &tr.t("field-reason"), &mut m.reason, &reason_errors);
        });
        if let Some(error) = &m.error {
            widgets::error_line(ui, &tr.ui_error(error));
        }
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!m.busy, egui::Button::new(tr.t("gui-products-record")))
                .clicked()
            {
                m.busy = true;
                m.done = false;
                m.errors = ValidationErrors::default();
                m.error = None;
                ctx.send(Command::MoveStock {
                    sku: product.sku.clone(),
                    kind: m.kind,
                    qty: m.qty.clone(),
                    reason: m.reason.clone(),
                });
            }
            if m.done {
                ui.label(RichText::new(tr.t("gui-saved")).color(widgets::ok_color(ui)));
            }
        });
    });
}

fn history_ui(ui: &mut Ui, state: &ProductsState, product: &ProductRow, ctx: &Ctx<'_>) {
    let tr = ctx.tr;
    widgets::section(
        ui,
        &tr.t_args(
            "gui-products-history",
            &[("sku", product.sku.as_str().into())],
        ),
        |ui| {
            if state.movements_for.as_deref() != Some(product.id.as_str()) {
                ui.spinner();
                return;
            }
            if state.movements.is_empty() {
                ui.weak(tr.t("gui-none"));
            }
            egui::Grid::new("movements")
                .striped(true)
                .num_columns(5)
                .show(ui, |ui| {
                    widgets::header_row(
                        ui,
                        &[
                            tr.t("gui-col-time"),
                            tr.t("gui-col-kind"),
                            tr.t("gui-col-change"),
                            tr.t("field-reason"),
                            tr.t("gui-col-by"),
                        ],
                    );
                    for m in &state.movements {
                        ui.label(tr.datetime(m.at));
                        ui.label(tr.t(&format!("stock-{}", m.kind)));
                        let delta = if m.delta > 0 {
                            format!("+{}", tr.int(m.delta))
                        } else {
                            tr.int(m.delta)
                        };
                        ui.label(delta);
                        ui.label(&m.reason);
                        ui.label(m.user.clone().unwrap_or_default());
                        ui.end_row();
                    }
                });
        },
    );
}
