# SPYMEO production: one VPC, RDS PostgreSQL, S3, ECR, ECS Fargate behind an ALB, alarms.
# Keep this file identical to staging/main.tf apart from these two comment lines.

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = "spymeo"
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}

locals {
  name = "spymeo-${var.environment}"
}

data "aws_caller_identity" "current" {}

data "aws_route53_zone" "this" {
  name         = var.zone_name
  private_zone = false
}

# One customer-managed key per environment: secrets, RDS, logs, SNS, ECR, uploads.
data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_109:A key policy's Resource "*" means this key only; the account root statement is the documented default that lets IAM policies grant use of the key.
  #checkov:skip=CKV_AWS_111:Same: write actions in a key policy apply to this key only, granted to this account and to the logs/alarms services under conditions.
  #checkov:skip=CKV_AWS_356:Same: in a key policy "*" cannot be narrowed further, it already designates the key the policy is attached to.
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"] # In a key policy, "*" is this key.
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogs"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:aws:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:*"]
    }
  }

  # CloudWatch alarms publish to the encrypted SNS topic.
  statement {
    sid       = "CloudWatchAlarmsToSns"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "main" {
  description             = "${local.name}: secrets, database, logs, images, uploads"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms.json
}

resource "aws_kms_alias" "main" {
  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.main.key_id
}

module "network" {
  source = "../../modules/network"

  name               = local.name
  region             = var.region
  cidr_block         = var.vpc_cidr_block
  availability_zones = var.availability_zones
  nat_gateway_count  = var.nat_gateway_count
  kms_key_arn        = aws_kms_key.main.arn
}

module "logs" {
  source = "../../modules/s3"

  name            = "${local.name}-logs-${data.aws_caller_identity.current.account_id}"
  receive_logs    = true
  expiration_days = 400
}

module "uploads" {
  source = "../../modules/s3"

  name              = "${local.name}-uploads-${data.aws_caller_identity.current.account_id}"
  kms_key_arn       = aws_kms_key.main.arn
  access_log_bucket = module.logs.bucket
}

module "releases" {
  source = "../../modules/s3"

  name              = "${local.name}-releases-${data.aws_caller_identity.current.account_id}"
  kms_key_arn       = aws_kms_key.main.arn
  access_log_bucket = module.logs.bucket
}

module "ecr" {
  source = "../../modules/ecr"

  name        = local.name
  kms_key_arn = aws_kms_key.main.arn
}

module "acm" {
  source = "../../modules/acm"

  domain_name = var.domain_name
  zone_id     = data.aws_route53_zone.this.zone_id
}

module "secrets" {
  source = "../../modules/secrets"

  name_prefix = "spymeo/${var.environment}"
  kms_key_arn = aws_kms_key.main.arn
  db_host     = module.rds.address
  db_port     = module.rds.port
  db_name     = module.rds.db_name
}

module "rds" {
  source = "../../modules/rds"

  name                  = local.name
  vpc_id                = module.network.vpc_id
  subnet_ids            = module.network.private_subnet_ids
  app_security_group_id = module.ecs.service_security_group_id
  kms_key_arn           = aws_kms_key.main.arn
  instance_class        = var.db_instance_class
  multi_az              = var.db_multi_az
  master_password       = module.secrets.db_password
}

module "ecs" {
  source = "../../modules/ecs"

  name                = local.name
  environment         = var.environment
  region              = var.region
  vpc_id              = module.network.vpc_id
  vpc_cidr_block      = module.network.vpc_cidr_block
  public_subnet_ids   = module.network.public_subnet_ids
  private_subnet_ids  = module.network.private_subnet_ids
  domain_name         = var.domain_name
  zone_id             = data.aws_route53_zone.this.zone_id
  certificate_arn     = module.acm.certificate_arn
  image               = "${module.ecr.repository_url}:${var.image_tag}"
  ecr_repository_arn  = module.ecr.arn
  cpu                 = var.task_cpu
  memory              = var.task_memory
  desired_count       = var.desired_count
  database_pool_size  = var.database_pool_size
  mail_from           = var.mail_from
  uploads_bucket_name = module.uploads.bucket
  uploads_bucket_arn  = module.uploads.arn
  access_logs_bucket  = module.logs.bucket
  db_secret_arn       = module.secrets.db_secret_arn
  session_secret_arn  = module.secrets.session_secret_arn
  smtp_secret_arn     = module.secrets.smtp_secret_arn
  kms_key_arn         = aws_kms_key.main.arn
}

module "alarms" {
  source = "../../modules/alarms"

  name                      = local.name
  region                    = var.region
  kms_key_arn               = aws_kms_key.main.arn
  alarm_emails              = var.alarm_emails
  cluster_name              = module.ecs.cluster_name
  service_name              = module.ecs.service_name
  alb_arn_suffix            = module.ecs.alb_arn_suffix
  target_group_arn_suffix   = module.ecs.target_group_arn_suffix
  db_instance_identifier    = module.rds.identifier
  rds_connections_threshold = var.rds_connections_threshold
}

module "github_oidc" {
  source = "../../modules/github-oidc"

  name                   = local.name
  region                 = var.region
  create_oidc_provider   = var.create_github_oidc_provider
  github_repository      = var.github_repository
  github_environment     = var.environment
  cluster_name           = module.ecs.cluster_name
  service_name           = module.ecs.service_name
  task_definition_family = module.ecs.task_definition_family
  pass_role_arns         = [module.ecs.execution_role_arn, module.ecs.task_role_arn]
  secret_arns            = [module.secrets.db_secret_arn, module.secrets.session_secret_arn, module.secrets.smtp_secret_arn]
  ecr_repository_arn     = module.ecr.arn
  log_group_name         = module.ecs.log_group_name
  releases_bucket_arn    = module.releases.arn
  kms_key_arn            = aws_kms_key.main.arn
}
