-- Schema 19: the photo lane's inputs kept as running counts. The sync client tells the
-- lane after every caught-up sync, which is after every edit anywhere in the clinic; the
-- lane then compared three counts taken with COUNT(*) and SUM(..) over the whole `photos`
-- table and the waiting uploads, so every received edit cost two scans growing with the
-- clinic's photos. Triggers keep the three figures in one row instead, in the same
-- transaction as the rows they count, so reading them costs one page whatever the count.
CREATE TABLE photo_lane_counts (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    photos            INTEGER NOT NULL,
    thumbnails_ready  INTEGER NOT NULL,
    waiting           INTEGER NOT NULL
);
INSERT INTO photo_lane_counts(id, photos, thumbnails_ready, waiting) VALUES (1,
    (SELECT COUNT(*) FROM photos),
    (SELECT COALESCE(SUM(thumbnails_ready), 0) FROM photos),
    (SELECT COUNT(*) FROM photo_uploads WHERE state IN ('local', 'uploading')));

CREATE TRIGGER photo_lane_photo_added AFTER INSERT ON photos BEGIN
    UPDATE photo_lane_counts SET photos = photos + 1,
        thumbnails_ready = thumbnails_ready + NEW.thumbnails_ready WHERE id = 1;
END;
CREATE TRIGGER photo_lane_photo_gone AFTER DELETE ON photos BEGIN
    UPDATE photo_lane_counts SET photos = photos - 1,
        thumbnails_ready = thumbnails_ready - OLD.thumbnails_ready WHERE id = 1;
END;
CREATE TRIGGER photo_lane_thumbnails AFTER UPDATE OF thumbnails_ready ON photos
    WHEN OLD.thumbnails_ready IS NOT NEW.thumbnails_ready BEGIN
    UPDATE photo_lane_counts
        SET thumbnails_ready = thumbnails_ready - OLD.thumbnails_ready + NEW.thumbnails_ready
        WHERE id = 1;
END;

CREATE TRIGGER photo_lane_upload_added AFTER INSERT ON photo_uploads
    WHEN NEW.state IN ('local', 'uploading') BEGIN
    UPDATE photo_lane_counts SET waiting = waiting + 1 WHERE id = 1;
END;
CREATE TRIGGER photo_lane_upload_gone AFTER DELETE ON photo_uploads
    WHEN OLD.state IN ('local', 'uploading') BEGIN
    UPDATE photo_lane_counts SET waiting = waiting - 1 WHERE id = 1;
END;
CREATE TRIGGER photo_lane_upload_state AFTER UPDATE OF state ON photo_uploads
    WHEN (OLD.state IN ('local', 'uploading')) IS NOT (NEW.state IN ('local', 'uploading')) BEGIN
    UPDATE photo_lane_counts
        SET waiting = waiting + (NEW.state IN ('local', 'uploading')) - (OLD.state IN ('local', 'uploading'))
        WHERE id = 1;
END;
