variable "name" {
  description = "Repository name, e.g. spymeo-production."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key encrypting the images."
  type        = string
}

variable "keep_images" {
  description = "Images kept; older ones expire (rollback reach)."
  type        = number
  default     = 50
}
