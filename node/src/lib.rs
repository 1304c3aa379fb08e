//! stub
pub mod i18n;
