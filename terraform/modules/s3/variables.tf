variable "name" {
  description = "Globally unique bucket name."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for SSE-KMS; null means SSE-S3 (AES256), required for a bucket receiving ALB access logs."
  type        = string
  default     = null
}

variable "access_log_bucket" {
  description = "Bucket receiving this bucket's server access logs; null for the log sink itself."
  type        = string
  default     = null
}

variable "receive_logs" {
  description = "Allow the ALB log delivery and S3 logging services of this account to write here."
  type        = bool
  default     = false
}

variable "noncurrent_version_expiration_days" {
  description = "Days an overwritten or deleted object version is kept (recovery window)."
  type        = number
  default     = 90
}

variable "expiration_days" {
  description = "Days current objects are kept (logs); null keeps them forever (uploads, releases)."
  type        = number
  default     = null
}
