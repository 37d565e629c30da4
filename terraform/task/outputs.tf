################################################################################
# Task definition
################################################################################

output "task_definition_arn" {
  description = "ARN (with revision) of the task definition; CodeDeploy deploys it."
  value       = aws_ecs_task_definition.this.arn
}

output "task_definition_family" {
  description = "Family of the task definition."
  value       = aws_ecs_task_definition.this.family
}

output "task_definition_revision" {
  description = "Revision number of the task definition."
  value       = aws_ecs_task_definition.this.revision
}

output "container_name" {
  description = "Name of the container the load balancer sends traffic to."
  value       = local.container_name
}

output "container_port" {
  description = "Port of that container."
  value       = var.container_port
}

################################################################################
# Roles and logs
################################################################################

output "task_execution_role_arn" {
  description = "ARN of the task execution role."
  value       = aws_iam_role.task_exec.arn
}

output "log_group_name" {
  description = "Name of the container log group."
  value       = aws_cloudwatch_log_group.this.name
}
