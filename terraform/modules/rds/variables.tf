variable "name" {
  description = "Instance identifier and name prefix, e.g. spymeo-production."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the database security group."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets (two AZs at least)."
  type        = list(string)
}

variable "app_security_group_id" {
  description = "Security group of the ECS tasks: the only source allowed on 5432."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for storage and Performance Insights encryption."
  type        = string
}

variable "engine_major_version" {
  description = "PostgreSQL major version (the tests run against 15)."
  type        = string
  default     = "15"
}

variable "instance_class" {
  description = "Instance class; max_connections follows its memory."
  type        = string
  default     = "db.t4g.medium"
}

variable "allocated_storage" {
  description = "Initial storage in GiB."
  type        = number
  default     = 50
}

variable "max_allocated_storage" {
  description = "Storage autoscaling ceiling in GiB."
  type        = number
  default     = 200
}

variable "multi_az" {
  description = "Standby in a second AZ (production: true)."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Automated backup retention (point-in-time recovery window)."
  type        = number
  default     = 14
}

variable "db_name" {
  description = "Database created at launch."
  type        = string
  default     = "spymeo"
}

variable "username" {
  description = "Master user (the application's role)."
  type        = string
  default     = "spymeo"
}

variable "master_password" {
  description = "Initial master password (from the secrets module; rotated later by spymeo rotate-secrets)."
  type        = string
  sensitive   = true
}
