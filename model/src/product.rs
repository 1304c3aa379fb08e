//! The product document: one per product in the clinic's cosmetics catalog.

use automerge::{ActorId, AutoCommit, ReadDoc};
use serde::Serialize;

use crate::doc::{self, DocMeta, DocType, SchemaError};
use crate::validate::{ErrorCode, ValidationErrors, text_field};
use crate::{ClinicId, Currency, DocId, Millis, Money, ProductId};

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Product {
    pub id: ProductId,
    pub clinic_id: ClinicId,
    /// Unique per clinic (checked against the local index when added or renamed).
    pub sku: String,
    pub name: String,
    pub category: Option<String>,
    pub price: Money,
    pub barcode: Option<String>,
    pub active: bool,
    pub reorder_level: i64,
    pub tax_class: String,
    pub created_at: Millis,
}

/// A product form as typed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ProductForm {
    pub sku: String,
    pub name: String,
    pub price: String,
    pub currency: String,
    pub category: String,
    pub barcode: String,
    pub active: bool,
    pub reorder_level: String,
    pub tax_class: String,
}

impl Default for ProductForm {
    fn default() -> Self {
        ProductForm {
            sku: String::new(),
            name: String::new(),
            price: String::new(),
            currency: String::new(),
            category: String::new(),
            barcode: String::new(),
            active: true,
            reorder_level: String::new(),
            tax_class: String::new(),
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ProductDraft {
    pub sku: String,
    pub name: String,
    pub price: Money,
    pub category: Option<String>,
    pub barcode: Option<String>,
    pub active: bool,
    pub reorder_level: i64,
    pub tax_class: String,
}

/// Normalises a SKU for uniqueness checks: trimmed and upper-cased.
pub fn normalize_sku(s: &str) -> String {
    s.trim().to_uppercase()
}

impl ProductForm {
    pub fn from_product(p: &Product) -> ProductForm {
        ProductForm {
            sku: p.sku.clone(),
            name: p.name.clone(),
            price: p.price.to_decimal_string(),
            currency: p.price.currency.to_string(),
            category: p.category.clone().unwrap_or_default(),
            barcode: p.barcode.clone().unwrap_or_default(),
            active: p.active,
            reorder_level: p.reorder_level.to_string(),
            tax_class: p.tax_class.clone(),
        }
    }

    /// Checks the form against the clinic's currency and tax classes. SKU uniqueness needs
    /// the catalog and is checked by the store.
    pub fn validate(
        &self,
        clinic_currency: Currency,
        tax_classes: &[String],
    ) -> Result<ProductDraft, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let sku = normalize_sku(&self.sku);
        let sku_ok = !sku.is_empty()
            && sku.chars().count() <= 40
            && sku
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
        if sku.is_empty() {
            e.add("sku", ErrorCode::Required, "sku is required");
        } else if !sku_ok {
            e.add(
                "sku",
                ErrorCode::InvalidSku,
                "sku must be at most 40 letters, digits and - _ . /",
            );
        }
        let name = text_field(&mut e, "name", &self.name, true, 200, false);
        let currency = if self.currency.trim().is_empty() {
            Some(clinic_currency)
        } else {
            match Currency::parse(&self.currency) {
                Ok(c) if c == clinic_currency => Some(c),
                Ok(c) => {
                    e.add(
                        "currency",
                        ErrorCode::CurrencyMismatch,
                        format!("the clinic sells in {clinic_currency}, not {c}"),
                    );
                    None
                }
                Err(_) => {
                    e.add(
                        "currency",
                        ErrorCode::InvalidCurrency,
                        "currency must be a three-letter ISO code such as EUR",
                    );
                    None
                }
            }
        };
        let price = match currency {
            Some(c) if self.price.trim().is_empty() => {
                e.add("price", ErrorCode::Required, "price is required");
                Money::zero(c)
            }
            Some(c) => match Money::parse(&self.price, c) {
                Ok(m) if m.minor < 0 => {
                    e.add(
                        "price",
                        ErrorCode::NegativeAmount,
                        "price cannot be negative",
                    );
                    m
                }
                Ok(m) => m,
                Err(err) => {
                    e.add("price", ErrorCode::InvalidAmount, err.to_string());
                    Money::zero(c)
                }
            },
            None => Money::zero(clinic_currency),
        };
        let category = text_field(&mut e, "category", &self.category, false, 100, false);
        let barcode =
            text_field(&mut e, "barcode", &self.barcode, false, 64, false).and_then(|b| {
                if b.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                    Some(b)
                } else {
                    e.add(
                        "barcode",
                        ErrorCode::InvalidBarcode,
                        "barcode may hold letters, digits and dashes only",
                    );
                    None
                }
            });
        let reorder_level = if self.reorder_level.trim().is_empty() {
            0
        } else {
            match self.reorder_level.trim().parse::<i64>() {
                Ok(n) if n >= 0 => n,
                _ => {
                    e.add(
                        "reorder_level",
                        ErrorCode::InvalidQuantity,
                        "reorder_level must be a whole number, zero or more",
                    );
                    0
                }
            }
        };
        let tax_class = if self.tax_class.trim().is_empty() {
            "standard".to_owned()
        } else {
            self.tax_class.trim().to_lowercase()
        };
        if !tax_classes.contains(&tax_class) {
            e.add(
                "tax_class",
                ErrorCode::InvalidTaxRate,
                format!("tax_class must be one of: {}", tax_classes.join(", ")),
            );
        }
        let draft = ProductDraft {
            sku,
            name: name.unwrap_or_default(),
            price,
            category,
            barcode,
            active: self.active,
            reorder_level,
            tax_class,
        };
        e.into_result(draft)
    }
}

pub fn create_product(
    id: ProductId,
    clinic: ClinicId,
    draft: &ProductDraft,
    created_at: Millis,
    actor: ActorId,
) -> Result<AutoCommit, SchemaError> {
    let meta = DocMeta::new(DocType::Product, clinic, DocId(id.0));
    let mut doc = doc::create(&meta, actor)?;
    doc::put_ts(&mut doc, &automerge::ROOT, "created_at", created_at)?;
    update_product(&mut doc, draft)?;
    Ok(doc)
}

pub fn update_product(doc: &mut AutoCommit, draft: &ProductDraft) -> Result<(), SchemaError> {
    let root = automerge::ROOT;
    doc::put_str(doc, &root, "sku", &draft.sku)?;
    doc::put_str(doc, &root, "name", &draft.name)?;
    doc::put_i64(doc, &root, "price_minor", draft.price.minor)?;
    doc::put_str(doc, &root, "currency", draft.price.currency.code())?;
    doc::put_opt_str(doc, &root, "category", draft.category.as_deref())?;
    doc::put_opt_str(doc, &root, "barcode", draft.barcode.as_deref())?;
    doc::put_bool(doc, &root, "active", draft.active)?;
    doc::put_i64(doc, &root, "reorder_level", draft.reorder_level)?;
    doc::put_str(doc, &root, "tax_class", &draft.tax_class)?;
    Ok(())
}

pub fn read_product(doc: &impl ReadDoc) -> Result<Product, SchemaError> {
    let meta = doc::expect_type(doc, DocType::Product)?;
    let root = automerge::ROOT;
    let currency = Currency::parse(&doc::required_str(doc, &root, "currency")?).map_err(|_| {
        SchemaError::Invalid {
            field: "currency".into(),
        }
    })?;
    Ok(Product {
        id: ProductId(meta.id.0),
        clinic_id: meta.clinic_id,
        sku: doc::required_str(doc, &root, "sku")?,
        name: doc::str_at(doc, &root, "name")?.unwrap_or_default(),
        category: doc::str_at(doc, &root, "category")?,
        price: Money::new(
            doc::i64_at(doc, &root, "price_minor")?.unwrap_or(0),
            currency,
        ),
        barcode: doc::str_at(doc, &root, "barcode")?,
        active: doc::bool_at(doc, &root, "active")?.unwrap_or(true),
        reorder_level: doc::i64_at(doc, &root, "reorder_level")?.unwrap_or(0),
        tax_class: doc::str_at(doc, &root, "tax_class")?.unwrap_or_else(|| "standard".into()),
        created_at: doc::i64_at(doc, &root, "created_at")?.unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes() -> Vec<String> {
        vec!["standard".into(), "zero".into()]
    }

    #[test]
    fn a_product_round_trips() {
        let form = ProductForm {
            sku: " spf-50 ".into(),
            name: "Sunscreen SPF 50".into(),
            price: "12.50".into(),
            category: "Sun".into(),
            ..Default::default()
        };
        let draft = form.validate(Currency::EUR, &classes()).expect("valid");
        assert_eq!(draft.sku, "SPF-50");
        let doc = create_product(
            ProductId::new(),
            ClinicId::new(),
            &draft,
            5,
            ActorId::random(),
        )
        .expect("create");
        let p = read_product(&doc).expect("read");
        assert_eq!(p.price, Money::new(1250, Currency::EUR));
        assert_eq!(p.tax_class, "standard");
        assert_eq!(
            ProductForm::from_product(&p)
                .validate(Currency::EUR, &classes())
                .expect("again"),
            draft
        );
    }

    #[test]
    fn bad_products_name_each_field() {
        let form = ProductForm {
            sku: "a b".into(),
            price: "-1".into(),
            currency: "USD".into(),
            reorder_level: "-3".into(),
            tax_class: "luxury".into(),
            ..Default::default()
        };
        let errors = form.validate(Currency::EUR, &classes()).unwrap_err();
        let got: Vec<_> = errors
            .0
            .iter()
            .map(|e| (e.field.as_str(), e.code))
            .collect();
        assert_eq!(
            got,
            vec![
                ("sku", ErrorCode::InvalidSku),
                ("name", ErrorCode::Required),
                ("currency", ErrorCode::CurrencyMismatch),
                ("reorder_level", ErrorCode::InvalidQuantity),
                ("tax_class", ErrorCode::InvalidTaxRate),
            ]
        );
        let neg = ProductForm {
            sku: "X".into(),
            name: "n".into(),
            price: "-1".into(),
            ..Default::default()
        };
        assert_eq!(
            neg.validate(Currency::EUR, &classes()).unwrap_err().0[0].code,
            ErrorCode::NegativeAmount
        );
    }
}
