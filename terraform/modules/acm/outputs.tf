output "certificate_arn" {
  description = "ARN of the validated certificate (from aws_acm_certificate_validation, so only once issued)."
  value       = aws_acm_certificate_validation.this.certificate_arn
}
