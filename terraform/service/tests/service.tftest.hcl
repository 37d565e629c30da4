# Plan-time checks of the service root against a mocked AWS provider. The task root's outputs come
# from an overridden terraform_remote_state.

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

override_data {
  target = data.terraform_remote_state.task
  values = {
    outputs = {
      task_definition_arn = "arn:aws:ecs:eu-west-2:123456789012:task-definition/fargate-auto-scaled-backend:1"
      container_name      = "app"
      container_port      = 3000
    }
  }
}

# Zones of the mocked subnets: a and c share eu-west-2a, so one of them must be left out.
override_data {
  target = module.network.data.aws_subnet.private["subnet-0aaaaaaaaaaaaaaaa"]
  values = { availability_zone = "eu-west-2a" }
}

override_data {
  target = module.network.data.aws_subnet.private["subnet-0bbbbbbbbbbbbbbbb"]
  values = { availability_zone = "eu-west-2b" }
}

override_data {
  target = module.network.data.aws_subnet.private["subnet-0cccccccccccccccc"]
  values = { availability_zone = "eu-west-2a" }
}

# Distinct, valid ARNs for the two policies, so the alarm wiring below can tell them apart.
override_resource {
  target          = aws_appautoscaling_policy.scale_up
  override_during = plan
  values = {
    arn = "arn:aws:autoscaling:eu-west-2:123456789012:scalingPolicy:11111111-1111-1111-1111-111111111111:resource/ecs/service/fargate-auto-scaled-backend/fargate-auto-scaled-backend:policyName/fargate-auto-scaled-backend-cpu-scale-up"
  }
}

override_resource {
  target          = aws_appautoscaling_policy.scale_down
  override_during = plan
  values = {
    arn = "arn:aws:autoscaling:eu-west-2:123456789012:scalingPolicy:22222222-2222-2222-2222-222222222222:resource/ecs/service/fargate-auto-scaled-backend/fargate-auto-scaled-backend:policyName/fargate-auto-scaled-backend-cpu-scale-down"
  }
}

override_resource {
  target          = aws_lb_target_group.this["blue"]
  override_during = plan
  values = {
    arn = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/fargate-auto-scaled-backend-blue/0123456789abcdef"
  }
}

override_resource {
  target          = aws_lb_target_group.this["green"]
  override_during = plan
  values = {
    arn = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/fargate-auto-scaled-backend-green/0123456789abcdef"
  }
}

override_resource {
  target          = aws_lb.this
  override_during = plan
  values = {
    arn        = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/fargate-auto-scaled-backend/0123456789abcdef"
    arn_suffix = "app/fargate-auto-scaled-backend/0123456789abcdef"
  }
}

override_resource {
  target          = aws_lb_listener.this
  override_during = plan
  values = {
    arn = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:listener/app/fargate-auto-scaled-backend/0123456789abcdef/0123456789abcdef"
  }
}

variables {
  state_bucket = "fasb-test-tfstate"
}

run "cpu_alarms_watch_the_service_and_fire_their_own_policy" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.cpu_high.threshold == 70 && aws_cloudwatch_metric_alarm.cpu_high.comparison_operator == "GreaterThanOrEqualToThreshold"
    error_message = "The scale-up alarm fires at or above cpu_scale_up_threshold (70)."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.cpu_low.threshold == 20 && aws_cloudwatch_metric_alarm.cpu_low.comparison_operator == "LessThanOrEqualToThreshold"
    error_message = "The scale-down alarm fires at or below cpu_scale_down_threshold (20)."
  }

  assert {
    condition = alltrue([for a in [aws_cloudwatch_metric_alarm.cpu_high, aws_cloudwatch_metric_alarm.cpu_low] :
      a.namespace == "AWS/ECS" && a.metric_name == "CPUUtilization" && a.statistic == "Average" && a.period == 60
    ])
    error_message = "Both alarms watch the average AWS/ECS CPUUtilization per 60 s."
  }

  assert {
    condition = alltrue([for a in [aws_cloudwatch_metric_alarm.cpu_high, aws_cloudwatch_metric_alarm.cpu_low] :
      a.dimensions == tomap({ ClusterName = aws_ecs_cluster.this.name, ServiceName = aws_ecs_service.this.name })
    ])
    error_message = "Both alarms are scoped to the service (ClusterName, ServiceName)."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.cpu_high.alarm_actions == toset([aws_appautoscaling_policy.scale_up.arn])
    error_message = "The scale-up alarm fires only the scale-up policy."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.cpu_low.alarm_actions == toset([aws_appautoscaling_policy.scale_down.arn])
    error_message = "The scale-down alarm fires only the scale-down policy."
  }

  assert {
    condition     = aws_appautoscaling_policy.scale_up.arn != aws_appautoscaling_policy.scale_down.arn
    error_message = "The two policies are distinct (so the wiring checks above mean something)."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.cpu_high.evaluation_periods == 1 && aws_cloudwatch_metric_alarm.cpu_low.evaluation_periods == 3
    error_message = "Scale up after 1 high period, down after 3 low ones."
  }
}

run "step_policies_scale_the_service_desired_count" {
  command = plan

  assert {
    condition = (
      aws_appautoscaling_target.this.resource_id == "service/fargate-auto-scaled-backend/fargate-auto-scaled-backend" &&
      aws_appautoscaling_target.this.scalable_dimension == "ecs:service:DesiredCount" &&
      aws_appautoscaling_target.this.min_capacity == 1 && aws_appautoscaling_target.this.max_capacity == 4
    )
    error_message = "The target is the service's DesiredCount from min_task_count (1) to max_scaled_task_count (4)."
  }

  assert {
    condition = alltrue([for p in [aws_appautoscaling_policy.scale_up, aws_appautoscaling_policy.scale_down] :
      p.policy_type == "StepScaling" && p.resource_id == aws_appautoscaling_target.this.resource_id &&
      p.step_scaling_policy_configuration[0].adjustment_type == "ChangeInCapacity"
    ])
    error_message = "Both policies step-scale the target by a change in capacity."
  }

  assert {
    condition = toset([
      for s in aws_appautoscaling_policy.scale_up.step_scaling_policy_configuration[0].step_adjustment :
      format("%s..%s:%+d", coalesce(s.metric_interval_lower_bound, "-inf"), coalesce(s.metric_interval_upper_bound, "+inf"), s.scaling_adjustment)
    ]) == toset(["0..20:+1", "20..+inf:+2"])
    error_message = "Scale up adds 1 task for a breach under 20 points and 2 beyond (larger steps for larger breaches)."
  }

  assert {
    condition = toset([
      for s in aws_appautoscaling_policy.scale_down.step_scaling_policy_configuration[0].step_adjustment :
      format("%s..%s:%+d", coalesce(s.metric_interval_lower_bound, "-inf"), coalesce(s.metric_interval_upper_bound, "+inf"), s.scaling_adjustment)
    ]) == toset(["-inf..0:-1"])
    error_message = "Scale down removes 1 task below the threshold."
  }

  assert {
    condition     = aws_appautoscaling_policy.scale_up.step_scaling_policy_configuration[0].cooldown == 60 && aws_appautoscaling_policy.scale_down.step_scaling_policy_configuration[0].cooldown == 120
    error_message = "Cooldowns default to 60 s up and 120 s down."
  }
}

run "larger_steps_follow_the_variables" {
  command = plan

  variables {
    scale_up_steps  = { small = 2, large = 4, large_breach = 10 }
    scale_down_step = 2
  }

  assert {
    condition = toset([
      for s in aws_appautoscaling_policy.scale_up.step_scaling_policy_configuration[0].step_adjustment :
      format("%s..%s:%+d", coalesce(s.metric_interval_lower_bound, "-inf"), coalesce(s.metric_interval_upper_bound, "+inf"), s.scaling_adjustment)
    ]) == toset(["0..10:+2", "10..+inf:+4"])
    error_message = "scale_up_steps sets the step sizes and the breach boundary."
  }

  assert {
    condition     = one(aws_appautoscaling_policy.scale_down.step_scaling_policy_configuration[0].step_adjustment).scaling_adjustment == -2
    error_message = "scale_down_step sets how many tasks are removed."
  }
}

run "service_is_deployed_by_codedeploy_in_private_subnets" {
  command = plan

  assert {
    condition     = aws_ecs_service.this.deployment_controller[0].type == "CODE_DEPLOY"
    error_message = "CodeDeploy controls the service's deployments."
  }

  assert {
    condition = (
      aws_ecs_service.this.network_configuration[0].assign_public_ip == false &&
      aws_ecs_service.this.network_configuration[0].subnets == toset(["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"])
    )
    error_message = "Tasks run in one private subnet per zone without a public IP."
  }

  assert {
    condition     = output.task_subnet_ids == ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
    error_message = "The tasks' subnets are an output, for the AppSpec's NetworkConfiguration."
  }

  assert {
    condition     = aws_ecs_service.this.health_check_grace_period_seconds == 60 && aws_ecs_service.this.desired_count == 1
    error_message = "A 60 s health-check grace period; min_task_count tasks at first."
  }

  assert {
    condition = [
      for lb in aws_ecs_service.this.load_balancer : [lb.target_group_arn, lb.container_name, lb.container_port]
    ] == [[aws_lb_target_group.this["blue"].arn, "app", 3000]]
    error_message = "The service starts on the blue target group, container app:3000."
  }

  assert {
    condition     = aws_ecs_service.this.task_definition == "arn:aws:ecs:eu-west-2:123456789012:task-definition/fargate-auto-scaled-backend:1"
    error_message = "The first task definition comes from the task root's state."
  }
}

run "load_balancer_checks_health_and_forwards_to_blue" {
  command = plan

  assert {
    condition     = aws_lb.this.internal && aws_lb.this.load_balancer_type == "application" && aws_lb.this.drop_invalid_header_fields
    error_message = "An internal ALB that drops invalid headers."
  }

  assert {
    condition = alltrue([for tg in [aws_lb_target_group.this["blue"], aws_lb_target_group.this["green"]] :
      tg.health_check[0].path == "/health" && tg.port == 3000 && tg.target_type == "ip" && tg.deregistration_delay == "30"
    ])
    error_message = "Both target groups check /health on the app port with a 30 s deregistration delay."
  }

  assert {
    condition     = aws_lb_target_group.this["blue"].name == "fargate-auto-scaled-backend-blue" && aws_lb_target_group.this["green"].name == "fargate-auto-scaled-backend-grn"
    error_message = "Target group names are <project_name>-blue and <project_name>-grn."
  }

  assert {
    condition     = aws_lb.this.subnets == toset(["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"])
    error_message = "The ALB gets one private subnet per zone (CreateLoadBalancer refuses two in one zone)."
  }

  assert {
    condition     = aws_lb_listener.this.port == 80 && aws_lb_listener.this.default_action[0].target_group_arn == aws_lb_target_group.this["blue"].arn
    error_message = "The listener on 80 forwards to blue."
  }
}

run "codedeploy_blue_green_rolls_back_on_failure_and_5xx" {
  command = plan

  assert {
    condition = (
      aws_codedeploy_app.this.compute_platform == "ECS" &&
      aws_codedeploy_deployment_group.this.deployment_style[0].deployment_type == "BLUE_GREEN" &&
      aws_codedeploy_deployment_group.this.deployment_style[0].deployment_option == "WITH_TRAFFIC_CONTROL"
    )
    error_message = "An ECS application with a BLUE_GREEN, traffic-controlled deployment group."
  }

  assert {
    condition     = aws_codedeploy_deployment_group.this.blue_green_deployment_config[0].terminate_blue_instances_on_deployment_success[0].termination_wait_time_in_minutes == 5
    error_message = "Old tasks are kept 5 minutes after the switch."
  }

  assert {
    condition = (
      aws_codedeploy_deployment_group.this.auto_rollback_configuration[0].enabled &&
      aws_codedeploy_deployment_group.this.auto_rollback_configuration[0].events == toset(["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"])
    )
    error_message = "Deployments roll back on failure and on alarm."
  }

  assert {
    condition     = aws_codedeploy_deployment_group.this.alarm_configuration[0].alarms == toset([aws_cloudwatch_metric_alarm.target_5xx.alarm_name])
    error_message = "The rollback alarm is the target 5xx alarm."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.target_5xx.metric_name == "HTTPCode_Target_5XX_Count" &&
      aws_cloudwatch_metric_alarm.target_5xx.dimensions == tomap({ LoadBalancer = aws_lb.this.arn_suffix })
    )
    error_message = "The 5xx alarm counts target 5xx responses of this load balancer."
  }

  assert {
    condition = (
      [for tg in aws_codedeploy_deployment_group.this.load_balancer_info[0].target_group_pair_info[0].target_group : tg.name] == [aws_lb_target_group.this["blue"].name, aws_lb_target_group.this["green"].name] &&
      aws_codedeploy_deployment_group.this.load_balancer_info[0].target_group_pair_info[0].prod_traffic_route[0].listener_arns == toset([aws_lb_listener.this.arn])
    )
    error_message = "CodeDeploy switches the listener between blue and green."
  }
}

# ECS waits for the target to drain (the deregistration delay) before it sends SIGTERM, and only then counts
# stopTimeout ("Optimize load balancer connection draining parameters for Amazon ECS"): the two are independent,
# so a drain longer than the task's stop budget is a valid setting.
run "deregistration_delay_longer_than_stop_timeout" {
  command = plan
  variables {
    deregistration_delay_seconds = 300
  }
  assert {
    condition     = aws_lb_target_group.this["blue"].deregistration_delay == "300" && aws_lb_target_group.this["green"].deregistration_delay == "300"
    error_message = "A 300 s drain with the task's 45 s stopTimeout plans."
  }
}

run "reject_state_bucket_invalid" {
  command = plan
  variables {
    state_bucket = "Not_A_Bucket"
  }
  expect_failures = [var.state_bucket]
}

run "reject_task_state_key_empty" {
  command = plan
  variables {
    task_state_key = ""
  }
  expect_failures = [var.task_state_key]
}

run "reject_min_task_count_zero" {
  command = plan
  variables {
    min_task_count = 0
  }
  expect_failures = [var.min_task_count]
}

run "reject_max_scaled_task_count_below_min" {
  command = plan
  variables {
    min_task_count        = 3
    max_scaled_task_count = 2
  }
  expect_failures = [var.max_scaled_task_count]
}

run "reject_health_check_grace_period_negative" {
  command = plan
  variables {
    health_check_grace_period_seconds = -1
  }
  expect_failures = [var.health_check_grace_period_seconds]
}

# Two stacks in one account must not share target groups; the deploy role's ELB permissions are scoped to
# targetgroup/<project_name>-* (bootstrap root).
run "names_follow_project_name" {
  command = plan

  variables {
    project_name = "stack-two"
  }

  assert {
    condition     = aws_lb_target_group.this["blue"].name == "stack-two-blue" && aws_lb_target_group.this["green"].name == "stack-two-grn" && aws_lb.this.name == "stack-two"
    error_message = "The target groups are <project_name>-blue/-grn and the ALB is <project_name>."
  }
}

# Target group and load balancer names: at most 32 characters (CreateTargetGroup, CreateLoadBalancer Name).
run "longest_project_name_fits_elb_name_limits" {
  command = plan

  variables {
    project_name = "abcdefghijklmnopqrstuvwxyz0"
  }

  assert {
    condition     = length(var.project_name) == 27 && alltrue([for name in [aws_lb.this.name, aws_lb_target_group.this["blue"].name, aws_lb_target_group.this["green"].name] : length(name) <= 32])
    error_message = "With the longest project_name (27 characters) every ELB name still fits 32 characters."
  }
}

# GovCloud and China: the managed policy ARN and the S3 prefix list name come from the partition.
run "partition_specific_names" {
  command = plan

  variables {
    aws_region = "cn-north-1"
  }

  override_data {
    target = data.aws_partition.current
    values = {
      partition          = "aws-cn"
      dns_suffix         = "amazonaws.com.cn"
      reverse_dns_prefix = "cn.com.amazonaws"
    }
  }

  assert {
    condition     = aws_iam_role_policy_attachment.codedeploy.policy_arn == "arn:aws-cn:iam::aws:policy/AWSCodeDeployRoleForECS"
    error_message = "The CodeDeploy role's managed policy ARN uses the partition."
  }

  assert {
    condition     = data.aws_ec2_managed_prefix_list.s3.name == "cn.com.amazonaws.cn-north-1.s3"
    error_message = "The S3 prefix list is named with the partition's reverse DNS prefix."
  }
}

run "reject_deregistration_delay_over_3600" {
  command = plan
  variables {
    deregistration_delay_seconds = 3601
  }
  expect_failures = [var.deregistration_delay_seconds]
}

run "reject_target_health_check_threshold_1" {
  command = plan
  variables {
    target_health_check = { healthy_threshold = 1 }
  }
  expect_failures = [var.target_health_check]
}

run "reject_deployment_config_name_ec2" {
  command = plan
  variables {
    deployment_config_name = "CodeDeployDefault.OneAtATime"
  }
  expect_failures = [var.deployment_config_name]
}

run "reject_termination_wait_minutes_over_2880" {
  command = plan
  variables {
    termination_wait_minutes = 2881
  }
  expect_failures = [var.termination_wait_minutes]
}

run "reject_rollback_5xx_threshold_zero" {
  command = plan
  variables {
    rollback_5xx_threshold = 0
  }
  expect_failures = [var.rollback_5xx_threshold]
}

run "reject_cpu_scale_up_threshold_over_100" {
  command = plan
  variables {
    cpu_scale_up_threshold = 101
  }
  expect_failures = [var.cpu_scale_up_threshold]
}

run "reject_cpu_scale_down_threshold_not_below_up" {
  command = plan
  variables {
    cpu_scale_up_threshold   = 50
    cpu_scale_down_threshold = 50
  }
  expect_failures = [var.cpu_scale_down_threshold]
}

run "reject_cpu_scale_down_threshold_negative" {
  command = plan
  variables {
    cpu_scale_down_threshold = -1
  }
  expect_failures = [var.cpu_scale_down_threshold]
}

run "reject_scale_up_steps_large_smaller_than_small" {
  command = plan
  variables {
    scale_up_steps = { small = 3, large = 2 }
  }
  expect_failures = [var.scale_up_steps]
}

run "reject_scale_up_steps_breach_beyond_100_percent" {
  command = plan
  variables {
    cpu_scale_up_threshold = 90
    scale_up_steps         = { large_breach = 10 }
  }
  expect_failures = [var.scale_up_steps]
}

run "reject_scale_down_step_zero" {
  command = plan
  variables {
    scale_down_step = 0
  }
  expect_failures = [var.scale_down_step]
}

run "reject_cpu_alarm_period_seconds_45" {
  command = plan
  variables {
    cpu_alarm_period_seconds = 45
  }
  expect_failures = [var.cpu_alarm_period_seconds]
}

# AWS/ECS CPUUtilization is published once a minute: a 30 s (or 10 s) alarm never leaves INSUFFICIENT_DATA.
run "reject_cpu_alarm_period_seconds_30" {
  command = plan
  variables {
    cpu_alarm_period_seconds = 30
  }
  expect_failures = [var.cpu_alarm_period_seconds]
}

run "reject_cpu_alarm_period_seconds_10" {
  command = plan
  variables {
    cpu_alarm_period_seconds = 10
  }
  expect_failures = [var.cpu_alarm_period_seconds]
}

# PutMetricAlarm, Period: "Period multiplied by EvaluationPeriods can't be more than 604,800 seconds. For alarms
# with a period of less than one hour (3,600 seconds), the total evaluation period can't be longer than one
# day (86,400 seconds)."
run "reject_scale_up_alarm_window_over_one_day" {
  command = plan
  variables {
    cpu_alarm_period_seconds    = 1800
    scale_up_evaluation_periods = 49
  }
  expect_failures = [var.scale_up_evaluation_periods]
}

run "reject_scale_down_alarm_window_over_one_day" {
  command = plan
  variables {
    cpu_alarm_period_seconds      = 900
    scale_down_evaluation_periods = 97
  }
  expect_failures = [var.scale_down_evaluation_periods]
}

run "accept_alarm_window_of_exactly_one_day" {
  command = plan
  variables {
    cpu_alarm_period_seconds      = 1800
    scale_up_evaluation_periods   = 48
    scale_down_evaluation_periods = 48
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.cpu_high.period * aws_cloudwatch_metric_alarm.cpu_high.evaluation_periods == 86400
    error_message = "30 minutes x 48 periods (one day) is accepted."
  }
}

run "accept_hourly_alarm_window_over_one_day" {
  command = plan
  variables {
    cpu_alarm_period_seconds      = 3600
    scale_down_evaluation_periods = 100
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.cpu_low.period * aws_cloudwatch_metric_alarm.cpu_low.evaluation_periods == 360000
    error_message = "With a period of an hour or more the window may reach seven days."
  }
}

run "reject_alarm_window_over_seven_days" {
  command = plan
  variables {
    cpu_alarm_period_seconds      = 86400
    scale_down_evaluation_periods = 8
  }
  expect_failures = [var.scale_down_evaluation_periods]
}

run "reject_scale_up_evaluation_periods_zero" {
  command = plan
  variables {
    scale_up_evaluation_periods = 0
  }
  expect_failures = [var.scale_up_evaluation_periods]
}

run "reject_scale_down_evaluation_periods_over_100" {
  command = plan
  variables {
    scale_down_evaluation_periods = 101
  }
  expect_failures = [var.scale_down_evaluation_periods]
}

run "reject_scale_up_cooldown_seconds_negative" {
  command = plan
  variables {
    scale_up_cooldown_seconds = -5
  }
  expect_failures = [var.scale_up_cooldown_seconds]
}

run "reject_scale_down_cooldown_seconds_over_3600" {
  command = plan
  variables {
    scale_down_cooldown_seconds = 3601
  }
  expect_failures = [var.scale_down_cooldown_seconds]
}
