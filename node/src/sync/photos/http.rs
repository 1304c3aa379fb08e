//! The hub's photo API as the node calls it (docs/PHOTOS.md on the hub side): upload
//! status, chunk upload and blob download, on a connection of their own (reqwest), with
//! the node's bearer token. Answers are turned into the state machine's [`Answer`] here,
//! once; no caller looks at a status code.

use std::time::Duration;

use serde::Deserialize;

use super::upload::{Answer, Refusal};
use crate::sync::link::{HubLink, certificate_problem};

/// The image sizes the hub serves.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Variant {
    /// Longest side 320, JPEG.
    Gallery,
    /// Longest side 1600, JPEG.
    Full,
    /// The original, stripped of metadata.
    Original,
}

impl Variant {
    pub fn as_str(&self) -> &'static str {
        match self {
            Variant::Gallery => "gallery",
            Variant::Full => "full",
            Variant::Original => "original",
        }
    }

    pub fn parse(s: &str) -> Option<Variant> {
        [Variant::Gallery, Variant::Full, Variant::Original]
            .into_iter()
            .find(|v| v.as_str() == s.trim())
    }
}

/// Why a download brought no image.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("the hub does not have this image (yet)")]
    NotFound,
    #[error("the hub refused this node ({reason}); ask the hub admin for a new enrollment code")]
    Unauthorized { reason: String },
    #[error("the hub could not be reached ({reason})")]
    Unreachable { reason: String },
    #[error("the hub sent {size} bytes, more than the {limit} a photo may have")]
    TooLarge { size: u64, limit: u64 },
}

#[derive(Deserialize)]
struct Progress {
    received: u64,
    #[serde(default)]
    complete: bool,
}

#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    error: String,
    #[serde(default)]
    message: String,
    received: Option<u64>,
}

/// Timeouts of the photo connection.
#[derive(Clone, Copy, Debug)]
pub struct HttpOptions {
    pub connect_timeout: Duration,
    /// For one request, body included (a chunk of at most 4 MiB, or one image).
    pub request_timeout: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(120),
        }
    }
}

/// A client of one hub's photo API. The path and query values it puts in URLs are
/// hex digests, UUIDs and numbers, read from the node's own store: nothing to escape.
#[derive(Clone)]
pub struct HubPhotos {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl std::fmt::Debug for HubPhotos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubPhotos")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// The reason of a failed request: the certificate problem when there is one.
fn failure(e: &reqwest::Error) -> String {
    certificate_problem(e).unwrap_or_else(|| error_chain(e))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

impl HubPhotos {
    /// A client of the hub `link` reaches, with its trust and transport.
    pub fn new(link: &HubLink, token: &str, options: HttpOptions) -> Result<HubPhotos, String> {
        let client = link
            .http_client(
                reqwest::Client::builder()
                    .connect_timeout(options.connect_timeout)
                    .timeout(options.request_timeout),
            )
            .map_err(|e| error_chain(&e))?;
        Ok(HubPhotos {
            client,
            base: link.base().to_owned(),
            token: token.to_owned(),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// `GET /api/uploads/{sha256}`: how much of the photo the hub holds.
    pub async fn status(&self, sha256: &str, patient: &str, photo: &str) -> Answer {
        let request = self
            .client
            .get(format!(
                "{}/api/uploads/{sha256}?patient={patient}&photo={photo}",
                self.base
            ))
            .bearer_auth(&self.token);
        answer(request.send().await).await
    }

    /// `PUT /api/uploads/{sha256}?offset=..&total=..`: one chunk.
    pub async fn put(
        &self,
        sha256: &str,
        offset: u64,
        total: u64,
        patient: &str,
        photo: &str,
        chunk: Vec<u8>,
    ) -> Answer {
        let request = self
            .client
            .put(format!(
                "{}/api/uploads/{sha256}?offset={offset}&total={total}&patient={patient}&photo={photo}",
                self.base
            ))
            .bearer_auth(&self.token)
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(chunk);
        answer(request.send().await).await
    }

    /// `GET /api/blobs/{sha256}?variant=..`: one image, at most `limit` bytes.
    pub async fn download(
        &self,
        sha256: &str,
        variant: Variant,
        limit: u64,
    ) -> Result<Vec<u8>, DownloadError> {
        let unreachable = |e: reqwest::Error| DownloadError::Unreachable {
            reason: failure(&e),
        };
        let response = self
            .client
            .get(format!(
                "{}/api/blobs/{sha256}?variant={}",
                self.base,
                variant.as_str()
            ))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status().as_u16();
        match status {
            200 => {}
            404 => return Err(DownloadError::NotFound),
            401 | 403 => {
                let body: ErrorBody = response.json().await.unwrap_or_default();
                return Err(DownloadError::Unauthorized {
                    reason: if body.error.is_empty() {
                        format!("HTTP {status}")
                    } else {
                        body.error
                    },
                });
            }
            _ => {
                return Err(DownloadError::Unreachable {
                    reason: format!("the hub answered HTTP {status}"),
                });
            }
        }
        if let Some(size) = response.content_length().filter(|s| *s > limit) {
            return Err(DownloadError::TooLarge { size, limit });
        }
        let bytes = response.bytes().await.map_err(unreachable)?;
        if bytes.len() as u64 > limit {
            return Err(DownloadError::TooLarge {
                size: bytes.len() as u64,
                limit,
            });
        }
        Ok(bytes.to_vec())
    }
}

async fn answer(sent: Result<reqwest::Response, reqwest::Error>) -> Answer {
    let response = match sent {
        Ok(r) => r,
        Err(e) => {
            return Answer::Transient {
                reason: format!("connection to the hub failed: {}", failure(&e)),
            };
        }
    };
    let status = response.status().as_u16();
    if status == 200 {
        return match response.json::<Progress>().await {
            Ok(p) => Answer::Status {
                received: p.received,
                complete: p.complete,
            },
            Err(e) => Answer::Transient {
                reason: format!(
                    "the hub's answer was cut or not understood: {}",
                    error_chain(&e)
                ),
            },
        };
    }
    let body: ErrorBody = response.json().await.unwrap_or_default();
    let message = if body.message.is_empty() {
        body.error.clone()
    } else {
        body.message.clone()
    };
    let refused = |refusal| Answer::Refused {
        refusal,
        message: message.clone(),
    };
    match status {
        409 => match body.received {
            Some(received) => Answer::Mismatch { received },
            None => Answer::Transient {
                reason: "the hub answered 409 without its offset".into(),
            },
        },
        413 => refused(Refusal::TooLarge),
        415 => refused(Refusal::Unsupported),
        422 => refused(Refusal::HashMismatch),
        401 | 403 => Answer::Unauthorized {
            reason: format!(
                "the hub refused the photo upload ({})",
                if body.error.is_empty() {
                    status.to_string()
                } else {
                    body.error
                }
            ),
        },
        404 => Answer::Transient {
            reason: "the hub has no photo upload API (HTTP 404); it may need an upgrade".into(),
        },
        _ => Answer::Transient {
            reason: format!(
                "the hub answered HTTP {status}{}",
                if body.error.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", body.error)
                }
            ),
        },
    }
}
