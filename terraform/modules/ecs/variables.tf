variable "name" {
  description = "Name of the cluster, task family, ALB and target group, e.g. spymeo-production."
  type        = string
}

variable "service_name" {
  description = "ECS service name (what `spymeo deploy --service` takes)."
  type        = string
  default     = "spymeo-web"
}

variable "environment" {
  description = "APP_ENV of the container: production or staging."
  type        = string

  validation {
    condition     = contains(["production", "staging"], var.environment)
    error_message = "environment is production or staging."
  }
}

variable "region" {
  description = "AWS region (AWS_REGION of the container, awslogs region)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the ALB and the tasks."
  type        = string
}

variable "vpc_cidr_block" {
  description = "CIDR of the VPC (the tasks' PostgreSQL egress stays inside it)."
  type        = string
}

variable "public_subnet_ids" {
  description = "Subnets of the ALB."
  type        = list(string)
}

variable "private_subnet_ids" {
  description = "Subnets of the tasks (no public IP)."
  type        = list(string)
}

variable "domain_name" {
  description = "Apex of the site (APP_URL is https://<domain_name>; www redirects to it)."
  type        = string
}

variable "zone_id" {
  description = "Route53 zone of domain_name (alias records to the ALB)."
  type        = string
}

variable "certificate_arn" {
  description = "Validated ACM certificate for the HTTPS listener (module.acm.certificate_arn)."
  type        = string
}

variable "ssl_policy" {
  description = "HTTPS listener policy: TLS 1.3 (with 1.2 fallback for older browsers)."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = startswith(var.ssl_policy, "ELBSecurityPolicy-TLS13-")
    error_message = "Use an ELBSecurityPolicy-TLS13-* policy."
  }
}

variable "image" {
  description = "Image of the first task definition (REPOSITORY_URL:TAG); later releases go through `spymeo deploy`."
  type        = string
}

variable "ecr_repository_arn" {
  description = "Repository the execution role may pull from."
  type        = string
}

variable "cpu" {
  description = "Fargate task CPU units."
  type        = number
  default     = 512
}

variable "memory" {
  description = "Fargate task memory (MiB)."
  type        = number
  default     = 1024
}

variable "desired_count" {
  description = "Tasks at creation (ignored afterwards: scaling and deploys own it)."
  type        = number
  default     = 2
}

variable "database_pool_size" {
  description = "DATABASE_POOL_SIZE: RDS max_connections / max task count, minus headroom."
  type        = number
  default     = 10
}

variable "shutdown_grace_seconds" {
  description = "SHUTDOWN_GRACE_SECS of the app (in-flight requests get this long after SIGTERM)."
  type        = number
  default     = 25
}

variable "stop_timeout_seconds" {
  description = "Container stopTimeout: must exceed shutdown_grace_seconds (Fargate maximum 120)."
  type        = number
  default     = 40

  validation {
    condition     = var.stop_timeout_seconds > 25 && var.stop_timeout_seconds <= 120
    error_message = "stopTimeout must be above the app's 25 s shutdown grace and at most 120 s."
  }
}

variable "deregistration_delay_seconds" {
  description = "Target group draining time; in-flight requests finish before a task stops."
  type        = number
  default     = 30
}

variable "health_check_grace_period_seconds" {
  description = "Time after a task starts (migrations included) before ALB health checks count."
  type        = number
  default     = 120
}

variable "mail_from" {
  description = "MAIL_FROM of outgoing email."
  type        = string
  default     = "SPYMEO <no-reply@spymeo.fr>"
}

variable "uploads_bucket_name" {
  description = "S3_BUCKET_NAME of the app."
  type        = string
}

variable "uploads_bucket_arn" {
  description = "ARN of the uploads bucket (task role)."
  type        = string
}

variable "access_logs_bucket" {
  description = "Bucket receiving the ALB access logs (SSE-S3)."
  type        = string
}

variable "db_secret_arn" {
  description = "Secrets Manager ARN of the database secret (DATABASE_URL from its url key)."
  type        = string
}

variable "session_secret_arn" {
  description = "Secrets Manager ARN of the session secret."
  type        = string
}

variable "smtp_secret_arn" {
  description = "Secrets Manager ARN of the SMTP secret."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the secrets, the log groups and the uploads."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the application and WAF logs."
  type        = number
  default     = 365
}

variable "waf_rate_limit" {
  description = "Requests per 5 minutes from one IP before the WAF blocks it."
  type        = number
  default     = 2000
}
