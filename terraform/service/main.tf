################################################################################
# Existing network (looked up by tag: users bring their own VPC)
################################################################################

module "network" {
  source = "../modules/private_subnets"

  private_vpc_name            = var.private_vpc_name
  private_subnet_name_pattern = var.private_subnet_name_pattern
}

# GovCloud and China have their own ARN partition and service name prefix.
data "aws_partition" "current" {}

# Fargate pulls image layers from S3 through the ecr root's gateway endpoint; its addresses are this list.
data "aws_ec2_managed_prefix_list" "s3" {
  name = "${data.aws_partition.current.reverse_dns_prefix}.${var.aws_region}.s3"
}

################################################################################
# Task definition (from the task root, applied before this one)
################################################################################

data "terraform_remote_state" "task" {
  backend = "s3"

  config = {
    bucket = var.state_bucket
    key    = var.task_state_key
    region = var.aws_region
  }
}

locals {
  task = data.terraform_remote_state.task.outputs

  health_check_path = "/health"
  listener_port     = 80

  # Named after the project, so two stacks in one account never share them (the deploy role's ELB rights
  # are scoped to targetgroup/<project_name>-*). At most 32 characters (CreateTargetGroup Name): with the
  # longest project_name (27) "-blue" just fits, so green is "-grn".
  target_group_names = {
    blue  = "${var.project_name}-blue"
    green = "${var.project_name}-grn"
  }
}

################################################################################
# Cluster
################################################################################

resource "aws_ecs_cluster" "this" {
  name = var.project_name

  setting {
    name  = "containerInsights"
    value = var.enable_container_insights ? "enabled" : "disabled"
  }
}

################################################################################
# Security groups: API Gateway VPC link -> ALB :80 -> tasks :container_port
################################################################################

resource "aws_security_group" "alb" {
  name        = "${var.project_name}-alb"
  description = "Internal ALB of ${var.project_name}; HTTP ingress from the VPC link is added by the network root"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "${var.project_name}-alb"
  }
}

# Rules are separate resources (no inline blocks) so this root never removes the network root's ingress rule.
resource "aws_vpc_security_group_egress_rule" "alb_to_tasks" {
  security_group_id            = aws_security_group.alb.id
  description                  = "HTTP to the tasks"
  referenced_security_group_id = aws_security_group.tasks.id
  ip_protocol                  = "tcp"
  from_port                    = local.task.container_port
  to_port                      = local.task.container_port
}

resource "aws_security_group" "tasks" {
  name        = "${var.project_name}-tasks"
  description = "Tasks of ${var.project_name}: app port from the ALB, HTTPS out to the VPC endpoints and S3"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "${var.project_name}-tasks"
  }
}

resource "aws_vpc_security_group_ingress_rule" "tasks_from_alb" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "App port from the ALB"
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = local.task.container_port
  to_port                      = local.task.container_port
}

resource "aws_vpc_security_group_egress_rule" "tasks_to_endpoints" {
  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS to the interface VPC endpoints (ECR, CloudWatch Logs)"
  cidr_ipv4         = module.network.vpc_cidr_block
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "tasks_to_s3" {
  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS to S3 (image layers) through the gateway endpoint"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.s3.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

################################################################################
# Internal load balancer, blue/green target groups, listener
################################################################################

resource "aws_lb" "this" {
  #checkov:skip=CKV_AWS_91:Access is logged at the only entrance, the API Gateway stage (network root); the ALB is internal.
  #checkov:skip=CKV_AWS_150:The Destroy workflow deletes the ALB; deletion protection would make it fail.
  #checkov:skip=CKV2_AWS_20:TLS ends at API Gateway; the internal listener has no HTTPS to redirect to.
  #checkov:skip=CKV2_AWS_28:Internal ALB reachable only from the VPC link; API Gateway throttles in front of it.
  name                       = var.project_name
  internal                   = true
  load_balancer_type         = "application"
  subnets                    = module.network.subnet_ids
  security_groups            = [aws_security_group.alb.id]
  drop_invalid_header_fields = true
}

# Blue and green are the same target group twice: CodeDeploy shifts the listener from the one serving to the
# other (keys are the deployment's roles, values the names).
resource "aws_lb_target_group" "this" {
  #checkov:skip=CKV_AWS_378:TLS ends at API Gateway; ALB to task traffic stays in the private subnets.
  for_each = local.target_group_names

  name                 = each.value
  port                 = local.task.container_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = module.network.vpc_id
  deregistration_delay = var.deregistration_delay_seconds

  health_check {
    path                = local.health_check_path
    matcher             = "200"
    interval            = var.target_health_check.interval
    timeout             = var.target_health_check.timeout
    healthy_threshold   = var.target_health_check.healthy_threshold
    unhealthy_threshold = var.target_health_check.unhealthy_threshold
  }
}

# Stacks created before the two groups became one for_each keep their target groups.
moved {
  from = aws_lb_target_group.blue
  to   = aws_lb_target_group.this["blue"]
}

moved {
  from = aws_lb_target_group.green
  to   = aws_lb_target_group.this["green"]
}

resource "aws_lb_listener" "this" {
  #checkov:skip=CKV_AWS_2:TLS ends at API Gateway; the VPC link reaches this internal listener over HTTP inside the VPC.
  #checkov:skip=CKV_AWS_103:No TLS on this internal listener (see CKV_AWS_2).
  load_balancer_arn = aws_lb.this.arn
  port              = local.listener_port
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this["blue"].arn
  }

  # CodeDeploy switches the listener between blue and green; an apply must not switch it back.
  lifecycle {
    ignore_changes = [default_action]
  }

  # After a deployment made green live the listener forwards to green, and ELB refuses to delete a target
  # group a listener still uses (ResourceInUse): destroy must remove the listener before either group.
  depends_on = [aws_lb_target_group.this]
}

################################################################################
# ECS service
################################################################################

resource "aws_ecs_service" "this" {
  name                              = var.project_name
  cluster                           = aws_ecs_cluster.this.id
  task_definition                   = local.task.task_definition_arn
  desired_count                     = var.min_task_count
  launch_type                       = "FARGATE"
  health_check_grace_period_seconds = var.health_check_grace_period_seconds
  enable_ecs_managed_tags           = true
  propagate_tags                    = "SERVICE"

  deployment_controller {
    type = "CODE_DEPLOY"
  }

  network_configuration {
    subnets          = module.network.subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.this["blue"].arn
    container_name   = local.task.container_name
    container_port   = local.task.container_port
  }

  # CodeDeploy owns the task definition, the live target group and the network configuration; autoscaling
  # owns the count. UpdateService refuses network changes for the CODE_DEPLOY controller ("If the network
  # configuration, platform version, task definition, or load balancer need to be updated, create a new
  # CodeDeploy deployment"), so new subnets or a new tasks group reach the service through the next
  # deployment's AppSpec (outputs task_subnet_ids, tasks_security_group_id), without downtime.
  lifecycle {
    ignore_changes = [task_definition, load_balancer, desired_count, network_configuration]
  }

  depends_on = [aws_lb_listener.this]
}

################################################################################
# CodeDeploy blue/green
################################################################################

resource "aws_codedeploy_app" "this" {
  name             = var.project_name
  compute_platform = "ECS"
}

data "aws_iam_policy_document" "codedeploy_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["codedeploy.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "codedeploy" {
  name               = "${var.project_name}-codedeploy"
  description        = "CodeDeploy role of ${var.project_name}: shifts ECS traffic between the blue and green target groups"
  assume_role_policy = data.aws_iam_policy_document.codedeploy_assume.json
}

resource "aws_iam_role_policy_attachment" "codedeploy" {
  role       = aws_iam_role.codedeploy.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSCodeDeployRoleForECS"
}

# Raises during a deployment when the new tasks answer with 5xx; CodeDeploy then rolls back.
resource "aws_cloudwatch_metric_alarm" "target_5xx" {
  alarm_name          = "${var.project_name}-target-5xx"
  alarm_description   = "Targets of ${var.project_name} answer 5xx; stops and rolls back a CodeDeploy deployment"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = var.rollback_5xx_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"

  dimensions = {
    LoadBalancer = aws_lb.this.arn_suffix
  }
}

resource "aws_codedeploy_deployment_group" "this" {
  app_name               = aws_codedeploy_app.this.name
  deployment_group_name  = var.project_name
  deployment_config_name = var.deployment_config_name
  service_role_arn       = aws_iam_role.codedeploy.arn

  deployment_style {
    deployment_type   = "BLUE_GREEN"
    deployment_option = "WITH_TRAFFIC_CONTROL"
  }

  blue_green_deployment_config {
    deployment_ready_option {
      action_on_timeout = "CONTINUE_DEPLOYMENT"
    }

    terminate_blue_instances_on_deployment_success {
      action                           = "TERMINATE"
      termination_wait_time_in_minutes = var.termination_wait_minutes
    }
  }

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]
  }

  alarm_configuration {
    enabled = true
    alarms  = [aws_cloudwatch_metric_alarm.target_5xx.alarm_name]
  }

  ecs_service {
    cluster_name = aws_ecs_cluster.this.name
    service_name = aws_ecs_service.this.name
  }

  load_balancer_info {
    target_group_pair_info {
      prod_traffic_route {
        listener_arns = [aws_lb_listener.this.arn]
      }

      target_group {
        name = aws_lb_target_group.this["blue"].name
      }

      target_group {
        name = aws_lb_target_group.this["green"].name
      }
    }
  }

  depends_on = [aws_iam_role_policy_attachment.codedeploy]
}

################################################################################
# CPU step scaling
################################################################################

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this.name}"
  min_capacity       = var.min_task_count
  max_capacity       = var.max_scaled_task_count
}

# Step bounds are offsets from the alarm threshold: a breach of less than large_breach points adds
# `small` tasks, a larger one adds `large`.
resource "aws_appautoscaling_policy" "scale_up" {
  name               = "${var.project_name}-cpu-scale-up"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension
  resource_id        = aws_appautoscaling_target.this.resource_id

  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = var.scale_up_cooldown_seconds
    metric_aggregation_type = "Average"

    step_adjustment {
      metric_interval_lower_bound = 0
      metric_interval_upper_bound = var.scale_up_steps.large_breach
      scaling_adjustment          = var.scale_up_steps.small
    }

    step_adjustment {
      metric_interval_lower_bound = var.scale_up_steps.large_breach
      scaling_adjustment          = var.scale_up_steps.large
    }
  }
}

resource "aws_appautoscaling_policy" "scale_down" {
  name               = "${var.project_name}-cpu-scale-down"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension
  resource_id        = aws_appautoscaling_target.this.resource_id

  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = var.scale_down_cooldown_seconds
    metric_aggregation_type = "Average"

    step_adjustment {
      metric_interval_upper_bound = 0
      scaling_adjustment          = -var.scale_down_step
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "cpu_high" {
  alarm_name          = "${var.project_name}-cpu-scale-up"
  alarm_description   = "Service CPU at or above ${var.cpu_scale_up_threshold}%: add tasks"
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = var.cpu_alarm_period_seconds
  evaluation_periods  = var.scale_up_evaluation_periods
  threshold           = var.cpu_scale_up_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = [aws_appautoscaling_policy.scale_up.arn]

  dimensions = {
    ClusterName = aws_ecs_cluster.this.name
    ServiceName = aws_ecs_service.this.name
  }
}

# In alarm whenever the service idles at its minimum; that is expected and does nothing below min_capacity.
resource "aws_cloudwatch_metric_alarm" "cpu_low" {
  alarm_name          = "${var.project_name}-cpu-scale-down"
  alarm_description   = "Service CPU at or below ${var.cpu_scale_down_threshold}%: remove tasks"
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = var.cpu_alarm_period_seconds
  evaluation_periods  = var.scale_down_evaluation_periods
  threshold           = var.cpu_scale_down_threshold
  comparison_operator = "LessThanOrEqualToThreshold"
  alarm_actions       = [aws_appautoscaling_policy.scale_down.arn]

  dimensions = {
    ClusterName = aws_ecs_cluster.this.name
    ServiceName = aws_ecs_service.this.name
  }
}
