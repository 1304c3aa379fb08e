//! [`ReadModel`] for the embedded store: each query of `readquery` run on the store's
//! thread, and the rebuild (`reproject`) as one `BEGIN IMMEDIATE` transaction.

use dermis_model::{ClinicId, Millis};
use uuid::Uuid;

use super::readquery::{
    allergies_of, allergy, appointment, appointments, encounter, encounters, new_patients, patient,
    patients, photo, photos, prescription, products, sale_rows, stock, visits,
};
use super::{SqliteStore, lite};
use crate::readmodel::derive::DocRows;
use crate::readmodel::records::{
    AllergyRecord, AppointmentRecord, EncounterRecord, PatientRecord, PhotoRecord,
    PrescriptionRecord, ProductRecord, SaleRecord, StockRecord,
};
use crate::readmodel::{
    ClinicianVisits, Cursor, Page, PatientQuery, RangeQuery, ReadModel, RecordQuery, SalesDay,
    page_limit, paginate, report,
};
use crate::store::StoreError;

impl ReadModel for SqliteStore {
    async fn patients(
        &self,
        clinic: ClinicId,
        query: &PatientQuery,
    ) -> Result<Page<PatientRecord>, StoreError> {
        let query = query.clone();
        self.call(move |conn| patients(conn, clinic, &query)).await
    }

    async fn patient(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> Result<Option<PatientRecord>, StoreError> {
        self.call(move |conn| patient(conn, clinic, id)).await
    }

    async fn encounters(
        &self,
        clinic: ClinicId,
        query: &RecordQuery,
    ) -> Result<Page<EncounterRecord>, StoreError> {
        let query = query.clone();
        self.call(move |conn| encounters(conn, clinic, &query))
            .await
    }

    async fn encounter(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> Result<Option<EncounterRecord>, StoreError> {
        self.call(move |conn| encounter(conn, clinic, id)).await
    }

    async fn photos(
        &self,
        clinic: ClinicId,
        query: &RecordQuery,
    ) -> Result<Page<PhotoRecord>, StoreError> {
        let query = query.clone();
        self.call(move |conn| photos(conn, clinic, &query)).await
    }

    async fn products(
        &self,
        clinic: ClinicId,
        query: &RecordQuery,
    ) -> Result<Page<ProductRecord>, StoreError> {
        let query = query.clone();
        self.call(move |conn| products(conn, clinic, &query)).await
    }

    async fn stock(&self, clinic: ClinicId) -> Result<Vec<StockRecord>, StoreError> {
        self.call(move |conn| stock(conn, clinic)).await
    }

    async fn sales(
        &self,
        clinic: ClinicId,
        query: &RangeQuery,
    ) -> Result<Page<SaleRecord>, StoreError> {
        let query = query.clone();
        self.call(move |conn| {
            let limit = page_limit(query.limit);
            let items = sale_rows(conn, clinic, &query, Some(limit))?;
            Ok(paginate(items, limit, |s| Cursor {
                key: s.at,
                id: s.id,
            }))
        })
        .await
    }

    async fn appointments(
        &self,
        clinic: ClinicId,
        query: &RangeQuery,
    ) -> Result<Page<AppointmentRecord>, StoreError> {
        let query = query.clone();
        self.call(move |conn| appointments(conn, clinic, &query))
            .await
    }

    async fn appointment(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> Result<Option<AppointmentRecord>, StoreError> {
        self.call(move |conn| appointment(conn, clinic, id)).await
    }

    async fn sales_by_day(
        &self,
        clinic: ClinicId,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<SalesDay>, StoreError> {
        self.call(move |conn| {
            let q = RangeQuery {
                from: Some(from),
                to: Some(to),
                ..RangeQuery::default()
            };
            Ok(report::sales_by_day(&sale_rows(conn, clinic, &q, None)?))
        })
        .await
    }

    async fn visits_by_clinician(
        &self,
        clinic: ClinicId,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<ClinicianVisits>, StoreError> {
        self.call(move |conn| visits(conn, clinic, from, to)).await
    }

    async fn new_patients_by_day(
        &self,
        clinic: ClinicId,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        self.call(move |conn| new_patients(conn, clinic, from, to))
            .await
    }

    async fn prescription(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> Result<Option<PrescriptionRecord>, StoreError> {
        self.call(move |conn| prescription(conn, clinic, id)).await
    }

    async fn photo(&self, clinic: ClinicId, id: Uuid) -> Result<Option<PhotoRecord>, StoreError> {
        self.call(move |conn| photo(conn, clinic, id)).await
    }

    async fn allergy(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> Result<Option<AllergyRecord>, StoreError> {
        self.call(move |conn| allergy(conn, clinic, id)).await
    }

    async fn allergies_of(
        &self,
        clinic: ClinicId,
        patients: &[Uuid],
    ) -> Result<Vec<AllergyRecord>, StoreError> {
        let patients = patients.to_vec();
        self.call(move |conn| allergies_of(conn, clinic, &patients))
            .await
    }

    async fn replace_read_models(
        &self,
        clinic: ClinicId,
        docs: Vec<(Uuid, DocRows)>,
        now: Millis,
    ) -> Result<(), StoreError> {
        self.call(move |conn| {
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(lite("begin"))?;
            super::readmodel::clear_clinic(&tx, clinic)?;
            let erased = super::readmodel::erased(&tx, clinic)?;
            for (doc_id, rows) in crate::readmodel::derive::identity_first(&docs) {
                super::readmodel::write_doc(&tx, clinic, *doc_id, rows, &erased, now)?;
            }
            tx.commit().map_err(lite("commit"))
        })
        .await
    }
}
