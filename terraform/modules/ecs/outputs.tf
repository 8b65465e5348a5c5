output "cluster_name" {
  description = "ECS cluster (spymeo --cluster)."
  value       = aws_ecs_cluster.this.name
}

output "service_name" {
  description = "ECS service (spymeo --service)."
  value       = aws_ecs_service.app.name
}

output "task_definition_family" {
  description = "Task definition family."
  value       = aws_ecs_task_definition.app.family
}

output "service_security_group_id" {
  description = "Security group of the tasks (the only source admitted by RDS)."
  value       = aws_security_group.service.id
}

output "alb_dns_name" {
  description = "DNS name of the ALB."
  value       = aws_lb.this.dns_name
}

output "alb_arn_suffix" {
  description = "ALB ARN suffix (CloudWatch dimension LoadBalancer)."
  value       = aws_lb.this.arn_suffix
}

output "target_group_arn" {
  description = "Target group of the service."
  value       = aws_lb_target_group.app.arn
}

output "target_group_arn_suffix" {
  description = "Target group ARN suffix (CloudWatch dimension TargetGroup)."
  value       = aws_lb_target_group.app.arn_suffix
}

output "execution_role_arn" {
  description = "Task execution role (the deploy role may pass it)."
  value       = aws_iam_role.execution.arn
}

output "task_role_arn" {
  description = "Task role (the deploy role may pass it)."
  value       = aws_iam_role.task.arn
}

output "log_group_name" {
  description = "CloudWatch log group of the containers."
  value       = aws_cloudwatch_log_group.app.name
}
