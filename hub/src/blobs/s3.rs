//! Blobs in an S3 bucket (aws-sdk-s3): path-style addressing, a custom endpoint and
//! static credentials, so it works with MinIO and other S3-compatible servers. The
//! bucket is created when it is missing: at start, and again whenever a write finds it
//! gone.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use aws_sdk_s3::Client;
use aws_sdk_s3::config::{
    BehaviorVersion, Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
use bytes::Bytes;

use super::BlobError;
use crate::settings::S3Config;

/// Longest wait for one S3 call (a 25 MB put on a slow link included).
const CALL_TIMEOUT: Duration = Duration::from_secs(120);
/// Longest wait for the health check.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct S3Blobs {
    client: Client,
    bucket: Arc<str>,
    endpoint: Arc<str>,
    region: Arc<str>,
    /// The bucket is known to exist.
    ready: Arc<AtomicBool>,
}

impl std::fmt::Debug for S3Blobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

fn s3_error<E>(
    op: &'static str,
    key: &str,
    e: SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> BlobError
where
    E: std::error::Error + Send + Sync + 'static,
{
    BlobError::S3 {
        op,
        key: key.to_owned(),
        source: Box::new(Described(DisplayErrorContext(e).to_string())),
    }
}

/// The SDK's error with its whole context (code, message, HTTP status) as text: its own
/// `Display` says only "service error".
#[derive(Debug)]
struct Described(String);

impl std::fmt::Display for Described {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Described {}

async fn within<T>(
    op: &'static str,
    key: &str,
    limit: Duration,
    f: impl Future<Output = Result<T, BlobError>>,
) -> Result<T, BlobError> {
    tokio::time::timeout(limit, f).await.unwrap_or_else(|_| {
        Err(BlobError::Timeout {
            op,
            key: key.to_owned(),
            seconds: limit.as_secs(),
        })
    })
}

impl S3Blobs {
    /// A client for the configured bucket. Makes no request: see [`S3Blobs::ensure_bucket`].
    pub fn new(config: &S3Config) -> S3Blobs {
        let credentials = Credentials::new(
            config.access_key_id.expose(),
            config.secret_access_key.expose(),
            None,
            None,
            "dermis-config",
        );
        let conf = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(config.region.clone()))
            .endpoint_url(config.endpoint.clone())
            .credentials_provider(credentials)
            .force_path_style(true)
            // Plain checksums only where S3 requires them: older MinIO releases and other
            // S3-compatible servers refuse the newer default trailers.
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
            .build();
        S3Blobs {
            client: Client::from_conf(conf),
            bucket: config.bucket.as_str().into(),
            endpoint: config.endpoint.as_str().into(),
            region: config.region.as_str().into(),
            ready: Arc::new(AtomicBool::new(false)),
        }
    }

    pub fn describe(&self) -> String {
        format!("s3://{} at {}", self.bucket, self.endpoint)
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// Creates the bucket when it does not exist.
    pub async fn ensure_bucket(&self) -> Result<(), BlobError> {
        let bucket = self.bucket.to_string();
        within("create bucket", &bucket, CHECK_TIMEOUT, async {
            match self.client.head_bucket().bucket(&*self.bucket).send().await {
                Ok(_) => {
                    self.ready.store(true, Ordering::Relaxed);
                    return Ok(());
                }
                Err(SdkError::ServiceError(e)) if e.err().is_not_found() => {}
                Err(e) => return Err(s3_error("head bucket", &bucket, e)),
            }
            let mut create = self.client.create_bucket().bucket(&*self.bucket);
            if &*self.region != "us-east-1" {
                create = create.create_bucket_configuration(
                    CreateBucketConfiguration::builder()
                        .location_constraint(BucketLocationConstraint::from(&*self.region))
                        .build(),
                );
            }
            match create.send().await {
                Ok(_) => {}
                // Another hub instance made it first.
                Err(SdkError::ServiceError(e))
                    if e.err().is_bucket_already_owned_by_you()
                        || e.err().is_bucket_already_exists() => {}
                Err(e) => return Err(s3_error("create bucket", &bucket, e)),
            }
            tracing::info!(bucket = %self.bucket, "created the blob bucket");
            self.ready.store(true, Ordering::Relaxed);
            Ok(())
        })
        .await
    }

    async fn ready(&self) -> Result<(), BlobError> {
        if self.ready.load(Ordering::Relaxed) {
            Ok(())
        } else {
            self.ensure_bucket().await
        }
    }

    pub(super) async fn put(
        &self,
        key: &str,
        bytes: Bytes,
        content_type: &str,
    ) -> Result<(), BlobError> {
        self.ready().await?;
        within("put", key, CALL_TIMEOUT, async {
            let put = || {
                self.client
                    .put_object()
                    .bucket(&*self.bucket)
                    .key(key)
                    .content_type(content_type)
                    .body(ByteStream::from(bytes.clone()))
                    .send()
            };
            match put().await {
                Ok(_) => Ok(()),
                // The bucket was removed behind our back: make it again, once.
                Err(SdkError::ServiceError(e)) if e.err().code() == Some("NoSuchBucket") => {
                    self.ready.store(false, Ordering::Relaxed);
                    self.ensure_bucket().await?;
                    put().await.map(|_| ()).map_err(|e| s3_error("put", key, e))
                }
                Err(e) => Err(s3_error("put", key, e)),
            }
        })
        .await
    }

    pub(super) async fn get(&self, key: &str) -> Result<Option<Bytes>, BlobError> {
        within("get", key, CALL_TIMEOUT, async {
            let got = self
                .client
                .get_object()
                .bucket(&*self.bucket)
                .key(key)
                .send()
                .await;
            let output = match got {
                Ok(output) => output,
                Err(SdkError::ServiceError(e))
                    if e.err().is_no_such_key() || e.err().code() == Some("NoSuchBucket") =>
                {
                    return Ok(None);
                }
                Err(e) => return Err(s3_error("get", key, e)),
            };
            let data = output.body.collect().await.map_err(|e| BlobError::S3 {
                op: "read body",
                key: key.to_owned(),
                source: Box::new(e),
            })?;
            Ok(Some(data.into_bytes()))
        })
        .await
    }

    pub(super) async fn exists(&self, key: &str) -> Result<bool, BlobError> {
        within("head", key, CALL_TIMEOUT, async {
            match self
                .client
                .head_object()
                .bucket(&*self.bucket)
                .key(key)
                .send()
                .await
            {
                Ok(_) => Ok(true),
                Err(SdkError::ServiceError(e)) if e.err().is_not_found() => Ok(false),
                Err(e) => Err(s3_error("head", key, e)),
            }
        })
        .await
    }

    pub(super) async fn delete(&self, key: &str) -> Result<(), BlobError> {
        within("delete", key, CALL_TIMEOUT, async {
            self.client
                .delete_object()
                .bucket(&*self.bucket)
                .key(key)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| s3_error("delete", key, e))
        })
        .await
    }

    /// The bucket answers with our credentials (it is created if missing).
    pub(super) async fn check(&self) -> Result<(), BlobError> {
        self.ready.store(false, Ordering::Relaxed);
        self.ensure_bucket().await
    }
}
