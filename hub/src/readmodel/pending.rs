//! Placeholder answers until the projector's tables land (the `readmodel` branch brings
//! the real `impl ReadModel` for both stores and this file goes): every list is empty
//! and every single read is not found, so the API's own logic can be built and tested.

use dermis_model::{ClinicId, Millis};
use uuid::Uuid;

use super::records::{
    AppointmentRecord, EncounterRecord, PatientRecord, PhotoRecord, ProductRecord, SaleRecord,
    StockRecord,
};
use super::{ClinicianVisits, Page, PatientQuery, RangeQuery, ReadModel, RecordQuery, SalesDay};
use crate::store::StoreError;
use crate::store::postgres::PgStore;
use crate::store::sqlite::SqliteStore;

fn empty<T>() -> Result<Page<T>, StoreError> {
    Ok(Page {
        items: Vec::new(),
        next_cursor: None,
    })
}

macro_rules! pending {
    ($store:ty) => {
        impl ReadModel for $store {
            async fn patients(
                &self,
                _: ClinicId,
                _: &PatientQuery,
            ) -> Result<Page<PatientRecord>, StoreError> {
                empty()
            }
            async fn patient(
                &self,
                _: ClinicId,
                _: Uuid,
            ) -> Result<Option<PatientRecord>, StoreError> {
                Ok(None)
            }
            async fn encounters(
                &self,
                _: ClinicId,
                _: &RecordQuery,
            ) -> Result<Page<EncounterRecord>, StoreError> {
                empty()
            }
            async fn encounter(
                &self,
                _: ClinicId,
                _: Uuid,
            ) -> Result<Option<EncounterRecord>, StoreError> {
                Ok(None)
            }
            async fn photos(
                &self,
                _: ClinicId,
                _: &RecordQuery,
            ) -> Result<Page<PhotoRecord>, StoreError> {
                empty()
            }
            async fn products(
                &self,
                _: ClinicId,
                _: &RecordQuery,
            ) -> Result<Page<ProductRecord>, StoreError> {
                empty()
            }
            async fn stock(&self, _: ClinicId) -> Result<Vec<StockRecord>, StoreError> {
                Ok(Vec::new())
            }
            async fn sales(
                &self,
                _: ClinicId,
                _: &RangeQuery,
            ) -> Result<Page<SaleRecord>, StoreError> {
                empty()
            }
            async fn appointments(
                &self,
                _: ClinicId,
                _: &RangeQuery,
            ) -> Result<Page<AppointmentRecord>, StoreError> {
                empty()
            }
            async fn appointment(
                &self,
                _: ClinicId,
                _: Uuid,
            ) -> Result<Option<AppointmentRecord>, StoreError> {
                Ok(None)
            }
            async fn sales_by_day(
                &self,
                _: ClinicId,
                _: Millis,
                _: Millis,
            ) -> Result<Vec<SalesDay>, StoreError> {
                Ok(Vec::new())
            }
            async fn visits_by_clinician(
                &self,
                _: ClinicId,
                _: Millis,
                _: Millis,
            ) -> Result<Vec<ClinicianVisits>, StoreError> {
                Ok(Vec::new())
            }
            async fn new_patients_by_day(
                &self,
                _: ClinicId,
                _: Millis,
                _: Millis,
            ) -> Result<Vec<(String, u64)>, StoreError> {
                Ok(Vec::new())
            }
        }
    };
}

pending!(PgStore);
pending!(SqliteStore);
