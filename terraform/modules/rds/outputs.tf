output "address" {
  description = "Endpoint host name."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "Endpoint port."
  value       = aws_db_instance.this.port
}

output "identifier" {
  description = "DB instance identifier (CloudWatch dimension DBInstanceIdentifier)."
  value       = aws_db_instance.this.identifier
}

output "security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.db.id
}

output "db_name" {
  description = "Database name."
  value       = aws_db_instance.this.db_name
}
