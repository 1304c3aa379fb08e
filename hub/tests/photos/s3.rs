//! A real S3-protocol server in the test process: `s3s` over an `s3s-fs` folder on
//! 127.0.0.1:0, checking SigV4 signatures with one access key, as MinIO would.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use dermis_hub::config::{S3Config, Secret};
use hyper_util::rt::TokioIo;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use tokio::net::TcpListener;

pub const ACCESS_KEY: &str = "dermis-test-access";
pub const SECRET_KEY: &str = "dermis-test-secret-key";

pub struct S3Server {
    pub addr: SocketAddr,
    pub root: PathBuf,
    task: tokio::task::JoinHandle<()>,
}

impl S3Server {
    /// Serves the folder `root` (each bucket a subfolder) until dropped.
    pub async fn start(root: &Path) -> S3Server {
        std::fs::create_dir_all(root).unwrap_or_else(|e| panic!("{e}"));
        let fs = s3s_fs::FileSystem::new(root).unwrap_or_else(|e| panic!("s3s-fs: {e:?}"));
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        let service = builder.build();
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let service = service.clone();
                tokio::spawn(async move {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        });
        S3Server {
            addr,
            root: root.to_owned(),
            task,
        }
    }

    pub fn config(&self, bucket: &str, secret: &str) -> S3Config {
        S3Config {
            endpoint: format!("http://{}", self.addr),
            region: "us-east-1".into(),
            bucket: bucket.into(),
            access_key_id: Secret::new(ACCESS_KEY),
            secret_access_key: Secret::new(secret),
        }
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}
