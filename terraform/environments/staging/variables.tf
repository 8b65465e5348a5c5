variable "environment" {
  description = "production or staging (APP_ENV, names, GitHub environment)."
  type        = string
}

variable "region" {
  description = "AWS region."
  type        = string
  default     = "eu-west-3"
}

variable "availability_zones" {
  description = "Two AZs or more."
  type        = list(string)
  default     = ["eu-west-3a", "eu-west-3b"]
}

variable "vpc_cidr_block" {
  description = "CIDR of the VPC."
  type        = string
  default     = "10.0.0.0/16"
}

variable "nat_gateway_count" {
  description = "NAT gateways (one per AZ for production)."
  type        = number
  default     = 2
}

variable "zone_name" {
  description = "Existing public Route53 zone, e.g. spymeo.fr."
  type        = string
}

variable "domain_name" {
  description = "Site apex (APP_URL = https://<domain_name>)."
  type        = string
}

variable "image_tag" {
  description = "Tag of the first image (pushed before the first full apply); later releases go through spymeo deploy."
  type        = string
}

variable "task_cpu" {
  description = "Fargate CPU units per task."
  type        = number
  default     = 512
}

variable "task_memory" {
  description = "Fargate memory (MiB) per task."
  type        = number
  default     = 1024
}

variable "desired_count" {
  description = "Tasks at creation."
  type        = number
  default     = 2
}

variable "database_pool_size" {
  description = "DATABASE_POOL_SIZE per task."
  type        = number
  default     = 10
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "db_multi_az" {
  description = "RDS Multi-AZ."
  type        = bool
  default     = true
}

variable "rds_connections_threshold" {
  description = "Alarm threshold on DatabaseConnections."
  type        = number
  default     = 300
}

variable "mail_from" {
  description = "MAIL_FROM of outgoing email."
  type        = string
  default     = "SPYMEO <no-reply@spymeo.fr>"
}

variable "alarm_emails" {
  description = "Addresses receiving the alarms."
  type        = list(string)
  default     = []
}

variable "github_repository" {
  description = "owner/name of the repository whose deploy workflow may assume the deploy role."
  type        = string
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (first environment of the account only)."
  type        = bool
  default     = false
}
