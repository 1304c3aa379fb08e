-- Dermis hub embedded store (SQLite), schema 6: photo uploads, as in
-- migrations/hub/0006_photos.sql. Times are milliseconds since the Unix epoch.

CREATE TABLE blob_uploads (
    clinic_id   TEXT NOT NULL REFERENCES clinics (id),
    sha256      TEXT NOT NULL,
    total       INTEGER NOT NULL CHECK (total > 0),
    received    INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= total),
    patient_id  TEXT NOT NULL,
    photo_id    TEXT NOT NULL,
    mime        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (clinic_id, sha256)
) WITHOUT ROWID;

CREATE TABLE blob_upload_chunks (
    clinic_id  TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    "offset"   INTEGER NOT NULL,
    data       BLOB NOT NULL,
    PRIMARY KEY (clinic_id, sha256, "offset"),
    FOREIGN KEY (clinic_id, sha256) REFERENCES blob_uploads (clinic_id, sha256) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE photo_blobs (
    clinic_id   TEXT NOT NULL REFERENCES clinics (id),
    photo_id    TEXT NOT NULL,
    patient_id  TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    mime        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    thumbnails  TEXT NOT NULL DEFAULT 'pending' CHECK (thumbnails IN ('pending', 'ready', 'failed')),
    error       TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (clinic_id, photo_id)
) WITHOUT ROWID;
CREATE INDEX photo_blobs_sha ON photo_blobs (clinic_id, sha256);
