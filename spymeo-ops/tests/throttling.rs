//! Throttling and transient errors, which moto cannot produce: the SDK's standard retry
//! mode with our attempt budget rides them out, and a persistent throttle surfaces as one
//! `Error::Aws` with its AWS code.

use aws_sdk_ecs::Client;
use aws_sdk_ecs::config::http::HttpResponse;
use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
use aws_sdk_ecs::types::{Deployment, DeploymentRolloutState, Service};
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use aws_smithy_types::body::SdkBody;

fn throttled() -> HttpResponse {
    HttpResponse::new(
        400.try_into().unwrap(),
        SdkBody::from(r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#),
    )
}

fn service() -> DescribeServicesOutput {
    DescribeServicesOutput::builder()
        .services(
            Service::builder()
                .service_name("spymeo-web")
                .status("ACTIVE")
                .task_definition("arn:aws:ecs:eu-west-3:1:task-definition/spymeo:42")
                .desired_count(2)
                .running_count(2)
                .deployments(
                    Deployment::builder()
                        .id("ecs-svc/1")
                        .status("PRIMARY")
                        .task_definition("arn:aws:ecs:eu-west-3:1:task-definition/spymeo:42")
                        .desired_count(2)
                        .running_count(2)
                        .rollout_state(DeploymentRolloutState::Completed)
                        .build(),
                )
                .build(),
        )
        .build()
}

#[tokio::test]
async fn throttling_and_503s_are_retried() {
    let rule = mock!(Client::describe_services)
        .sequence()
        .http_response(throttled)
        .http_status(503, None)
        .output(service)
        .build();
    let ecs = mock_client!(aws_sdk_ecs, RuleMode::Sequential, [&rule], |c| c
        .retry_config(spymeo_ops::aws::retry_config()));
    let s = spymeo_ops::fetch::service(&ecs, "spymeo-prod", "spymeo-web")
        .await
        .expect("retried to success");
    assert_eq!(rule.num_calls(), 3);
    assert_eq!(s.deployments[0].rollout_state.as_deref(), Some("COMPLETED"));
    assert_eq!(s.running, 2);
}

#[tokio::test]
async fn a_persistent_throttle_is_one_error_with_its_code() {
    let rule = mock!(Client::describe_services)
        .sequence()
        .http_response(throttled)
        .times(spymeo_ops::aws::MAX_ATTEMPTS as usize)
        .build();
    let ecs = mock_client!(aws_sdk_ecs, RuleMode::Sequential, [&rule], |c| c
        .retry_config(spymeo_ops::aws::retry_config()));
    let err = spymeo_ops::fetch::service(&ecs, "spymeo-prod", "spymeo-web")
        .await
        .unwrap_err();
    assert_eq!(rule.num_calls(), spymeo_ops::aws::MAX_ATTEMPTS as usize);
    assert_eq!(err.code(), Some("ThrottlingException"));
    assert_eq!(
        err.to_string(),
        "ecs:DescribeServices: ThrottlingException: Rate exceeded"
    );
}
