-- Dermis hub store (Postgres), schema 6: photo uploads. Chunks of an upload in progress
-- are staged here (any hub instance can continue an upload, a restart loses nothing);
-- once the bytes hash to their name they move to the blob store and the staging rows go.

CREATE TABLE blob_uploads (
    clinic_id   uuid NOT NULL REFERENCES clinics (id),
    -- The name the node gave the upload: the SHA-256 (lowercase hex) of its bytes.
    sha256      text NOT NULL,
    -- The announced size in bytes, and how many have arrived (the sum of the chunks).
    total       bigint NOT NULL CHECK (total > 0),
    received    bigint NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= total),
    patient_id  uuid NOT NULL,
    photo_id    uuid NOT NULL,
    -- Sniffed from the first bytes: image/jpeg, image/png or image/webp.
    mime        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (clinic_id, sha256)
);

CREATE TABLE blob_upload_chunks (
    clinic_id  uuid NOT NULL,
    sha256     text NOT NULL,
    -- Where the chunk starts in the blob; chunks are contiguous.
    "offset"   bigint NOT NULL,
    data       bytea NOT NULL,
    PRIMARY KEY (clinic_id, sha256, "offset"),
    FOREIGN KEY (clinic_id, sha256) REFERENCES blob_uploads (clinic_id, sha256) ON DELETE CASCADE
);

-- A photo whose original is complete in the blob store, and where its thumbnails are.
CREATE TABLE photo_blobs (
    clinic_id   uuid NOT NULL REFERENCES clinics (id),
    photo_id    uuid NOT NULL,
    patient_id  uuid NOT NULL,
    sha256      text NOT NULL,
    mime        text NOT NULL,
    size        bigint NOT NULL,
    -- pending: the thumbnail job has not finished; ready: gallery and full exist;
    -- failed: the image cannot be processed (the reason is in `error`).
    thumbnails  text NOT NULL DEFAULT 'pending' CHECK (thumbnails IN ('pending', 'ready', 'failed')),
    error       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (clinic_id, photo_id)
);
CREATE INDEX photo_blobs_sha ON photo_blobs (clinic_id, sha256);
