variable "name" {
  description = "Name prefix of every resource, e.g. spymeo-production."
  type        = string
}

variable "region" {
  description = "AWS region (for the S3 gateway endpoint's service name)."
  type        = string
}

variable "cidr_block" {
  description = "CIDR of the VPC; subnets are /24 slices of it (public: 0-9, private: 100-109)."
  type        = string
  default     = "10.0.0.0/16"
}

variable "availability_zones" {
  description = "At least two AZs: the ALB and RDS Multi-AZ need two."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 2
    error_message = "Give at least two availability zones."
  }
}

variable "nat_gateway_count" {
  description = "NAT gateways: one per AZ in production (an AZ outage keeps egress), one in staging (cost)."
  type        = number
  default     = 2
}

variable "kms_key_arn" {
  description = "KMS key encrypting the flow-log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the flow logs."
  type        = number
  default     = 365
}
