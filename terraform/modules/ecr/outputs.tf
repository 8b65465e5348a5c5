output "repository_url" {
  description = "URL to tag and push to (ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME)."
  value       = aws_ecr_repository.this.repository_url
}

output "arn" {
  description = "Repository ARN (for the deploy role's push permission)."
  value       = aws_ecr_repository.this.arn
}

output "name" {
  description = "Repository name."
  value       = aws_ecr_repository.this.name
}
