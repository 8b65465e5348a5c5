variable "name" {
  description = "Environment name prefix, e.g. spymeo-production (alarms are <name>-*)."
  type        = string
}

variable "region" {
  description = "AWS region of the stack."
  type        = string
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (true in the first environment of an account only)."
  type        = bool
  default     = false
}

variable "github_repository" {
  description = "owner/name of the repository allowed to deploy."
  type        = string
}

variable "github_environment" {
  description = "GitHub environment whose jobs may assume the role (production, staging)."
  type        = string
}

variable "cluster_name" {
  description = "ECS cluster."
  type        = string
}

variable "service_name" {
  description = "ECS service."
  type        = string
}

variable "task_definition_family" {
  description = "Task definition family (migration task)."
  type        = string
}

variable "pass_role_arns" {
  description = "Execution and task roles a new revision may carry."
  type        = list(string)
}

variable "secret_arns" {
  description = "Secrets the pre-flight checks for existence."
  type        = list(string)
}

variable "ecr_repository_arn" {
  description = "Repository CI pushes to."
  type        = string
}

variable "log_group_name" {
  description = "Log group of the containers (migration task output)."
  type        = string
}

variable "releases_bucket_arn" {
  description = "Bucket of release records."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the releases bucket and the ECR repository."
  type        = string
}
