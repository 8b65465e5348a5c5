# The application's secrets in Secrets Manager, encrypted with the environment's KMS key.
# ECS injects them into the container by ARN (`secrets[].valueFrom`); no value ever appears
# in a task definition, a tfvars file or the repository.
#
# Shapes (the ones `spymeo rotate-secrets` reads and writes):
#   db      {"engine","username","password","host","port","dbname","url"}  DATABASE_URL ← url
#   session {"SESSION_SECRET","SESSION_SECRET_PREVIOUS"}
#   smtp    {"SMTP_URL"}  (value put by an operator: it comes from the mail provider)
#
# Values live in the Terraform state too (random_password): the state bucket is private,
# encrypted and versioned, and only the deploy and operator roles can read it.

resource "random_password" "db" {
  length = 40
  # Alphanumeric only: the password is embedded in a postgres:// URL without escaping.
  special = false
}

resource "random_password" "session" {
  length  = 64
  special = false
}

resource "aws_secretsmanager_secret" "db" {
  #checkov:skip=CKV2_AWS_57:Rotation is done by `spymeo rotate-secrets --db` (ALTER ROLE with a local SCRAM verifier, then a followed ECS redeploy), not by a Lambda; see README-DEPLOY.md.
  name                    = "${var.name_prefix}/db"
  description             = "PostgreSQL credentials of the spymeo role; DATABASE_URL is the url key."
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_in_days
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({
    engine   = "postgres"
    username = var.db_username
    password = random_password.db.result
    host     = var.db_host
    port     = var.db_port
    dbname   = var.db_name
    url      = "postgres://${var.db_username}:${random_password.db.result}@${var.db_host}:${var.db_port}/${var.db_name}?sslmode=require" # pragma: allowlist secret
  })

  # After the first apply the value belongs to `spymeo rotate-secrets`.
  lifecycle {
    ignore_changes = [secret_string]
  }
}

resource "aws_secretsmanager_secret" "session" {
  #checkov:skip=CKV2_AWS_57:Rotation is done by `spymeo rotate-secrets --session` (new SESSION_SECRET, the old one kept as SESSION_SECRET_PREVIOUS), not by a Lambda; see README-DEPLOY.md.
  name                    = "${var.name_prefix}/session"
  description             = "SESSION_SECRET and SESSION_SECRET_PREVIOUS (HMAC keys of the session tokens)."
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_in_days
}

resource "aws_secretsmanager_secret_version" "session" {
  secret_id = aws_secretsmanager_secret.session.id
  secret_string = jsonencode({
    SESSION_SECRET          = random_password.session.result
    SESSION_SECRET_PREVIOUS = ""
  })

  lifecycle {
    ignore_changes = [secret_string]
  }
}

resource "aws_secretsmanager_secret" "smtp" {
  #checkov:skip=CKV2_AWS_57:The SMTP credentials are issued by the mail provider; they are rotated there and put here by an operator (README-DEPLOY.md, secret rotation).
  name                    = "${var.name_prefix}/smtp"
  description             = "SMTP_URL: an smtp:// URL with user, password, host, port 587, ?tls=required; put by an operator."
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_in_days
}
