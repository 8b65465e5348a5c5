//! Blob store for uploads (documents, avatars, receipts): S3 in production, a local
//! directory in `spymeo dev`. Keys are relative, slash-separated paths chosen by the server.

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use aws_sdk_s3::primitives::ByteStream;

use crate::{Error, Result};

#[derive(Debug, Clone)]
pub enum Storage {
    Local {
        root: PathBuf,
    },
    S3 {
        client: aws_sdk_s3::Client,
        bucket: String,
    },
}

impl Storage {
    /// A local directory, created if missing.
    pub fn local(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(&root)
            .map_err(|e| Error::Storage(format!("{}: {e}", root.display())))?;
        Ok(Storage::Local { root })
    }

    /// An S3 bucket, configured by the standard AWS chain (environment, profile, ECS task
    /// role). When `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT_URL_S3`) points at an S3-compatible
    /// endpoint such as moto, path-style addressing is used because such endpoints do not
    /// serve virtual-hosted bucket names.
    pub async fn s3(bucket: impl Into<String>) -> Self {
        let shared = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let custom_endpoint = std::env::var_os("AWS_ENDPOINT_URL_S3").is_some()
            || std::env::var_os("AWS_ENDPOINT_URL").is_some();
        let config = aws_sdk_s3::config::Builder::from(&shared)
            .force_path_style(custom_endpoint)
            .build();
        Storage::S3 {
            client: aws_sdk_s3::Client::from_conf(config),
            bucket: bucket.into(),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Storage::Local { root } => format!("local:{}", root.display()),
            Storage::S3 { bucket, .. } => format!("s3://{bucket}"),
        }
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<()> {
        check_key(key)?;
        match self {
            Storage::Local { root } => {
                let path = root.join(key);
                if let Some(parent) = path.parent() {
                    tokio::fs::create_dir_all(parent).await.map_err(io_err)?;
                }
                // Write then rename, so a reader never sees half a file.
                let tmp = path.with_extension("part");
                tokio::fs::write(&tmp, &bytes).await.map_err(io_err)?;
                tokio::fs::rename(&tmp, &path).await.map_err(io_err)
            }
            Storage::S3 { client, bucket } => client
                .put_object()
                .bucket(bucket)
                .key(key)
                .content_type(content_type)
                .body(ByteStream::from(bytes))
                .send()
                .await
                .map(|_| ())
                .map_err(|e| Error::Storage(aws_cause(&e))),
        }
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>> {
        check_key(key)?;
        match self {
            Storage::Local { root } => match tokio::fs::read(root.join(key)).await {
                Ok(bytes) => Ok(bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::NotFound),
                Err(e) => Err(io_err(e)),
            },
            Storage::S3 { client, bucket } => {
                let out = client
                    .get_object()
                    .bucket(bucket)
                    .key(key)
                    .send()
                    .await
                    .map_err(|e| match e.as_service_error() {
                        Some(se) if se.is_no_such_key() => Error::NotFound,
                        _ => Error::Storage(aws_cause(&e)),
                    })?;
                let data = out
                    .body
                    .collect()
                    .await
                    .map_err(|e| Error::Storage(e.to_string()))?;
                Ok(data.into_bytes().to_vec())
            }
        }
    }

    pub async fn delete(&self, key: &str) -> Result<()> {
        check_key(key)?;
        match self {
            Storage::Local { root } => match tokio::fs::remove_file(root.join(key)).await {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(io_err(e)),
            },
            Storage::S3 { client, bucket } => client
                .delete_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| Error::Storage(aws_cause(&e))),
        }
    }

    /// Health probe: the directory is writable / the bucket answers, within `timeout`.
    pub async fn check(&self, timeout: Duration) -> bool {
        let probe = async {
            match self {
                Storage::Local { root } => {
                    let probe = root.join(".health-probe");
                    tokio::fs::write(&probe, b"ok").await.is_ok()
                        && tokio::fs::remove_file(&probe).await.is_ok()
                }
                Storage::S3 { client, bucket } => {
                    client.head_bucket().bucket(bucket).send().await.is_ok()
                }
            }
        };
        tokio::time::timeout(timeout, probe).await.unwrap_or(false)
    }
}

/// Keys are generated by the server, but a key must never escape the store's root.
fn check_key(key: &str) -> Result<()> {
    let path = Path::new(key);
    let ok = !key.is_empty()
        && key.len() <= 512
        && path.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(())
    } else {
        Err(Error::Storage(format!("clé de stockage refusée: {key:?}")))
    }
}

fn io_err(e: std::io::Error) -> Error {
    Error::Storage(e.to_string())
}

fn aws_cause<E: std::error::Error>(e: &E) -> String {
    // The SDK's Display is only "service error"; the source chain says why.
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_escape_the_root() {
        assert!(check_key("documents/2026/a.pdf").is_ok());
        assert!(check_key("../etc/passwd").is_err());
        assert!(check_key("/etc/passwd").is_err());
        assert!(check_key("a/../../b").is_err());
        assert!(check_key("").is_err());
    }

    #[tokio::test]
    async fn local_store_round_trip_and_health() {
        let dir = tempfile::tempdir().unwrap();
        let store = Storage::local(dir.path().join("files")).unwrap();
        store
            .put("a/b.txt", b"bonjour".to_vec(), "text/plain")
            .await
            .unwrap();
        assert_eq!(store.get("a/b.txt").await.unwrap(), b"bonjour");
        assert!(store.check(Duration::from_secs(1)).await);
        store.delete("a/b.txt").await.unwrap();
        assert!(matches!(store.get("a/b.txt").await, Err(Error::NotFound)));
    }
}
