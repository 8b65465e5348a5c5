# State in S3, encrypted, with S3-native locking (use_lockfile, Terraform >= 1.11): a
# second `terraform apply` waits instead of corrupting the state. Bucket and region come
# from backend.hcl (see backend.hcl.example): terraform init -backend-config=backend.hcl
# To lock with DynamoDB instead (older Terraform), set dynamodb_table in backend.hcl.
terraform {
  backend "s3" {
    key          = "spymeo/production/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}
