//! Webhooks out, the event projector and Calendly in, against both stores: a real HTTP
//! receiver checks the Standard Webhooks signature with the secret `webhook add`
//! printed, failed deliveries are retried with the same webhook-id, a change seen twice
//! is one delivery, stock sold below zero on two nodes is one `stock.negative`, a
//! photo uploaded through the photo lane is announced once its thumbnails are made, and
//! Calendly bookings become appointment documents in the change log.

#[allow(dead_code)]
mod common;

#[path = "hooks/calendly.rs"]
mod calendly;
#[allow(dead_code)]
#[path = "photos/helpers.rs"]
mod helpers;
#[path = "common/images.rs"]
mod images;
#[path = "hooks/support.rs"]
mod support;
#[path = "hooks/webhooks.rs"]
mod webhooks;
