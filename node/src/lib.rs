//! stub
pub mod i18n;
pub mod icd10;
