-- The /admin staff page lists the latest `staff.changed` events of the admin's clinics.
CREATE INDEX webhook_events_type_created ON webhook_events (event_type, created_at DESC);
