output "db_secret_arn" {
  description = "ARN of the database secret (DATABASE_URL = <arn>:url::)."
  value       = aws_secretsmanager_secret.db.arn
}

output "session_secret_arn" {
  description = "ARN of the session secret (SESSION_SECRET, SESSION_SECRET_PREVIOUS keys)."
  value       = aws_secretsmanager_secret.session.arn
}

output "smtp_secret_arn" {
  description = "ARN of the SMTP secret (SMTP_URL key)."
  value       = aws_secretsmanager_secret.smtp.arn
}

output "db_password" {
  description = "Initial master password, handed to the rds module only."
  value       = random_password.db.result
  sensitive   = true
}
