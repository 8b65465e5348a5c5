//! AWS clients from the standard chain: credentials, `--profile`, `--region`, and
//! `AWS_ENDPOINT_URL` (moto in tests). One `SdkConfig` shared by every client.

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region};

#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub profile: Option<String>,
    pub region: Option<String>,
    /// Overrides `AWS_ENDPOINT_URL` (which aws-config reads by itself otherwise).
    pub endpoint_url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Clients {
    pub ecs: aws_sdk_ecs::Client,
    pub elb: aws_sdk_elasticloadbalancingv2::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
    pub s3: aws_sdk_s3::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub sts: aws_sdk_sts::Client,
}

/// The SDK's standard retry mode with a little more patience: throttling
/// (`ThrottlingException`, 429, 503) is retried with exponential backoff and jitter.
pub const MAX_ATTEMPTS: u32 = 5;

pub fn retry_config() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS)
}

pub async fn sdk_config(s: &Settings) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).retry_config(retry_config());
    if let Some(p) = &s.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &s.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(e) = &s.endpoint_url {
        loader = loader.endpoint_url(e);
    }
    loader.load().await
}

impl Clients {
    pub async fn new(s: &Settings) -> Clients {
        Clients::from_config(&sdk_config(s).await)
    }

    pub fn from_config(conf: &aws_config::SdkConfig) -> Clients {
        // A custom endpoint (moto, LocalStack, a VPC endpoint by IP) needs path-style S3.
        let s3 = aws_sdk_s3::config::Builder::from(conf)
            .force_path_style(conf.endpoint_url().is_some())
            .build();
        Clients {
            ecs: aws_sdk_ecs::Client::new(conf),
            elb: aws_sdk_elasticloadbalancingv2::Client::new(conf),
            secrets: aws_sdk_secretsmanager::Client::new(conf),
            s3: aws_sdk_s3::Client::from_conf(s3),
            cloudwatch: aws_sdk_cloudwatch::Client::new(conf),
            logs: aws_sdk_cloudwatchlogs::Client::new(conf),
            sts: aws_sdk_sts::Client::new(conf),
        }
    }

    /// The caller's ARN, or `None` when STS cannot tell (it only labels release records).
    pub async fn caller_arn(&self) -> Option<String> {
        self.sts
            .get_caller_identity()
            .send()
            .await
            .ok()
            .and_then(|r| r.arn)
    }
}
