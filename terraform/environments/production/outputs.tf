output "cluster_name" {
  description = "spymeo --cluster"
  value       = module.ecs.cluster_name
}

output "service_name" {
  description = "spymeo --service"
  value       = module.ecs.service_name
}

output "ecr_repository_url" {
  description = "Where CI pushes the image."
  value       = module.ecr.repository_url
}

output "deploy_role_arn" {
  description = "GitHub environment variable AWS_DEPLOY_ROLE_ARN."
  value       = module.github_oidc.role_arn
}

output "releases_bucket" {
  description = "spymeo --releases-bucket (SPYMEO_RELEASES_BUCKET)."
  value       = module.releases.bucket
}

output "db_secret_id" {
  description = "spymeo rotate-secrets --db-secret-id"
  value       = module.secrets.db_secret_arn
}

output "session_secret_id" {
  description = "spymeo rotate-secrets --session-secret-id"
  value       = module.secrets.session_secret_arn
}

output "smtp_secret_id" {
  description = "Secret to put SMTP_URL into before the first deploy."
  value       = module.secrets.smtp_secret_arn
}

output "alb_dns_name" {
  description = "ALB DNS name (the apex and www alias to it)."
  value       = module.ecs.alb_dns_name
}

output "alarm_topic_arn" {
  description = "SNS topic of the alarms."
  value       = module.alarms.sns_topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard."
  value       = module.alarms.dashboard_name
}
