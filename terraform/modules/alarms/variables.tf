variable "name" {
  description = "Prefix of the alarm names, topic and dashboard (spymeo status --alarm-prefix)."
  type        = string
}

variable "region" {
  description = "Region shown by the dashboard widgets."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key encrypting the SNS topic."
  type        = string
}

variable "alarm_emails" {
  description = "Addresses subscribed to the topic (each confirms by email)."
  type        = list(string)
  default     = []
}

variable "cluster_name" {
  description = "ECS cluster name."
  type        = string
}

variable "service_name" {
  description = "ECS service name."
  type        = string
}

variable "alb_arn_suffix" {
  description = "ALB ARN suffix (dimension LoadBalancer)."
  type        = string
}

variable "target_group_arn_suffix" {
  description = "Target group ARN suffix (dimension TargetGroup)."
  type        = string
}

variable "db_instance_identifier" {
  description = "RDS instance identifier."
  type        = string
}

variable "ecs_cpu_threshold" {
  description = "ECS CPU % above which to alarm."
  type        = number
  default     = 80
}

variable "ecs_memory_threshold" {
  description = "ECS memory % above which to alarm."
  type        = number
  default     = 80
}

variable "alb_5xx_threshold" {
  description = "5xx per minute above which to alarm (2 minutes out of 5)."
  type        = number
  default     = 5
}

variable "p99_latency_threshold_seconds" {
  description = "Target p99 response time (seconds) above which to alarm."
  type        = number
  default     = 2
}

variable "rds_cpu_threshold" {
  description = "RDS CPU % above which to alarm."
  type        = number
  default     = 80
}

variable "rds_free_storage_threshold_bytes" {
  description = "Free storage (bytes) below which to alarm."
  type        = number
  default     = 10737418240 # 10 GiB
}

variable "rds_connections_threshold" {
  description = "Connections above which to alarm (about 80 % of max_connections)."
  type        = number
  default     = 300
}
