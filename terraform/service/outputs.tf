################################################################################
# Cluster and service
################################################################################

output "cluster_name" {
  description = "ECS cluster name."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ECS cluster ARN."
  value       = aws_ecs_cluster.this.arn
}

output "service_name" {
  description = "ECS service name."
  value       = aws_ecs_service.this.name
}

output "tasks_security_group_id" {
  description = "Security group of the tasks; the AppSpec's NetworkConfiguration carries it (the service ignores network changes, see README)."
  value       = aws_security_group.tasks.id
}

output "task_subnet_ids" {
  description = "Private subnets of the tasks, one per availability zone; the AppSpec's NetworkConfiguration carries them (the service ignores network changes, see README)."
  value       = module.network.subnet_ids
}

################################################################################
# Load balancer
################################################################################

output "alb_arn" {
  description = "ARN of the internal ALB."
  value       = aws_lb.this.arn
}

output "alb_dns_name" {
  description = "DNS name of the internal ALB (reachable only inside the VPC)."
  value       = aws_lb.this.dns_name
}

output "alb_security_group_id" {
  description = "Security group of the ALB; the network root adds the VPC link's ingress rule to it."
  value       = aws_security_group.alb.id
}

output "listener_arn" {
  description = "ARN of the ALB's HTTP listener (the API Gateway integration target and CodeDeploy's production route)."
  value       = aws_lb_listener.this.arn
}

output "listener_port" {
  description = "Port of the ALB listener."
  value       = aws_lb_listener.this.port
}

output "blue_target_group_name" {
  description = "Name of the blue target group (serves traffic after the first apply)."
  value       = aws_lb_target_group.this["blue"].name
}

output "green_target_group_name" {
  description = "Name of the green target group."
  value       = aws_lb_target_group.this["green"].name
}

output "blue_target_group_arn" {
  description = "ARN of the blue target group."
  value       = aws_lb_target_group.this["blue"].arn
}

output "green_target_group_arn" {
  description = "ARN of the green target group."
  value       = aws_lb_target_group.this["green"].arn
}

################################################################################
# CodeDeploy
################################################################################

output "codedeploy_app_name" {
  description = "CodeDeploy application name."
  value       = aws_codedeploy_app.this.name
}

output "codedeploy_deployment_group_name" {
  description = "CodeDeploy deployment group name."
  value       = aws_codedeploy_deployment_group.this.deployment_group_name
}

output "rollback_alarm_name" {
  description = "Alarm (target 5xx) that rolls a deployment back."
  value       = aws_cloudwatch_metric_alarm.target_5xx.alarm_name
}

################################################################################
# Autoscaling
################################################################################

output "scale_up_alarm_name" {
  description = "CPU alarm that triggers the scale-up policy."
  value       = aws_cloudwatch_metric_alarm.cpu_high.alarm_name
}

output "scale_down_alarm_name" {
  description = "CPU alarm that triggers the scale-down policy."
  value       = aws_cloudwatch_metric_alarm.cpu_low.alarm_name
}

output "scale_up_policy_arn" {
  description = "ARN of the step scaling policy that adds tasks."
  value       = aws_appautoscaling_policy.scale_up.arn
}

output "scale_down_policy_arn" {
  description = "ARN of the step scaling policy that removes tasks."
  value       = aws_appautoscaling_policy.scale_down.arn
}

################################################################################
# Dashboard
################################################################################

output "dashboard_url" {
  description = "Console URL of the CloudWatch dashboard (null when enable_dashboard is false)."
  value       = try("https://${var.aws_region}.console.aws.amazon.com/cloudwatch/home?region=${var.aws_region}#dashboards/dashboard/${aws_cloudwatch_dashboard.this[0].dashboard_name}", null)
}
