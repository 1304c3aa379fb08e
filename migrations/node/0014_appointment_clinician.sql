-- Schema 14: Appointments are booked with a clinician (a staff user id; NULL for appointments made
-- before, and Calendly bookings until one is assigned), and a Calendly invitee may have
-- left a phone number; a cancellation may say why. Existing rows keep NULL: their
-- documents have none of these fields.
ALTER TABLE appointments ADD COLUMN clinician_id TEXT;
ALTER TABLE appointments ADD COLUMN invitee_phone TEXT;
ALTER TABLE appointments ADD COLUMN cancel_reason TEXT;
CREATE INDEX appointments_clinician ON appointments(clinician_id, start_at);
