//! The admin side over HTTP, on both stores: sign-in (one answer for unknown users and
//! wrong passwords, rate limit, token checks), `/api/nodes` with a bearer token or the
//! cookie, the pages (escaping, redirect, language), readiness, metrics, the OpenAPI
//! description and its committed copy; admin tokens that end (`tokens`);
//! admins limited to clinics (`scope`); OIDC sign-in against a real provider (`oidc`).

#[allow(dead_code)]
mod common;

#[path = "admin/api.rs"]
mod api;
#[path = "admin/oidc.rs"]
mod oidc;
#[path = "admin/pages.rs"]
mod pages;
#[path = "admin/scope.rs"]
mod scope;
#[path = "admin/tokens.rs"]
mod tokens;
