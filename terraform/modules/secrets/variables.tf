variable "name_prefix" {
  description = "Secret name prefix, e.g. spymeo/production (secrets: <prefix>/db, /session, /smtp)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key encrypting the secrets (the ECS execution role gets kms:Decrypt on it)."
  type        = string
}

variable "db_username" {
  description = "PostgreSQL role of the application (the RDS master user)."
  type        = string
  default     = "spymeo"
}

variable "db_host" {
  description = "RDS endpoint address."
  type        = string
}

variable "db_port" {
  description = "RDS port."
  type        = number
  default     = 5432
}

variable "db_name" {
  description = "Database name."
  type        = string
  default     = "spymeo"
}

variable "recovery_window_in_days" {
  description = "Days a deleted secret can be restored."
  type        = number
  default     = 30
}
