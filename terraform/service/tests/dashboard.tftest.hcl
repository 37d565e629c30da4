# The CloudWatch dashboard: what it draws comes from the resources that own it (alarm thresholds and ARNs,
# the service's dimensions, the ALB and target groups), checked on the decoded dashboard body.

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

# Valid ARNs where the provider validates references to them (the alarms' actions).
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

# Computed values the dashboard draws, known at plan so the body can be decoded.
override_resource {
  target          = aws_lb.this
  override_during = plan
  values = {
    arn        = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/fargate-auto-scaled-backend/0123456789abcdef"
    arn_suffix = "app/fargate-auto-scaled-backend/0123456789abcdef"
  }
}

override_resource {
  target          = aws_lb_target_group.this["blue"]
  override_during = plan
  values = {
    arn        = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/fargate-auto-scaled-backend-blue/0123456789abcdef"
    arn_suffix = "targetgroup/fargate-auto-scaled-backend-blue/0123456789abcdef"
    name       = "fargate-auto-scaled-backend-blue"
  }
}

override_resource {
  target          = aws_lb_target_group.this["green"]
  override_during = plan
  values = {
    arn        = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/fargate-auto-scaled-backend-grn/0123456789abcdef"
    arn_suffix = "targetgroup/fargate-auto-scaled-backend-grn/0123456789abcdef"
    name       = "fargate-auto-scaled-backend-grn"
  }
}

override_resource {
  target          = aws_cloudwatch_metric_alarm.cpu_high
  override_during = plan
  values = {
    arn = "arn:aws:cloudwatch:eu-west-2:123456789012:alarm:fargate-auto-scaled-backend-cpu-scale-up"
  }
}

override_resource {
  target          = aws_cloudwatch_metric_alarm.cpu_low
  override_during = plan
  values = {
    arn = "arn:aws:cloudwatch:eu-west-2:123456789012:alarm:fargate-auto-scaled-backend-cpu-scale-down"
  }
}

override_resource {
  target          = aws_cloudwatch_metric_alarm.target_5xx
  override_during = plan
  values = {
    arn = "arn:aws:cloudwatch:eu-west-2:123456789012:alarm:fargate-auto-scaled-backend-target-5xx"
  }
}

variables {
  state_bucket = "fasb-test-tfstate"
}

run "dashboard_draws_service_cpu_against_both_alarm_thresholds" {
  command = plan

  variables {
    cpu_scale_up_threshold   = 65
    cpu_scale_down_threshold = 25
  }

  assert {
    condition = one([
      for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets : [for a in w.properties.annotations.horizontal : a.value]
      if can(w.properties.annotations)
    ]) == [65, 25]
    error_message = "The CPU graph draws the scale-up and scale-down alarms' thresholds (65 and 25 here)."
  }

  assert {
    condition = one([
      for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets : w.properties.metrics
      if can(w.properties.annotations)
      ]) == [["AWS/ECS", "CPUUtilization", "ClusterName", aws_ecs_cluster.this.name, "ServiceName",
    aws_ecs_service.this.name, { label = "service CPU" }]]
    error_message = "The CPU graph shows the service's own AWS/ECS CPUUtilization (the alarms' metric and dimensions)."
  }

  assert {
    condition = one([
      for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets : w.properties.alarms if w.type == "alarm"
      ]) == [aws_cloudwatch_metric_alarm.cpu_high.arn, aws_cloudwatch_metric_alarm.cpu_low.arn,
    aws_cloudwatch_metric_alarm.target_5xx.arn]
    error_message = "The alarm widget shows the scale-up, scale-down and rollback alarms."
  }

  assert {
    condition = toset(flatten([
      for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets :
      [for m in try(w.properties.metrics, []) : "${m[0]}/${m[1]}"]
      ])) == toset([
      "AWS/ECS/CPUUtilization", "AWS/ApplicationELB/HealthyHostCount", "ECS/ContainerInsights/DesiredTaskCount",
      "ECS/ContainerInsights/RunningTaskCount", "ECS/ContainerInsights/PendingTaskCount",
      "AWS/ApplicationELB/RequestCount", "AWS/ApplicationELB/TargetResponseTime",
      "AWS/ApplicationELB/HTTPCode_Target_5XX_Count",
    ])
    error_message = "The dashboard graphs CPU, healthy hosts, Container Insights' task counts (enabled by default), requests, response time and target 5xx."
  }

  assert {
    condition = length([
      for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets : w
      if try(w.properties.stat, "") == "p99" && try(w.properties.metrics[0][1], "") == "TargetResponseTime"
    ]) == 1
    error_message = "Target response time is drawn as p99."
  }

  assert {
    condition = length([
      for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets : w
      if try(w.properties.metrics[0][1] == "HealthyHostCount" && length(w.properties.metrics) >= 2, false)
    ]) == 1
    error_message = "Healthy hosts are drawn for both target groups (blue and green) in one graph."
  }

  assert {
    condition     = output.dashboard_url == "https://eu-west-2.console.aws.amazon.com/cloudwatch/home?region=eu-west-2#dashboards/dashboard/fargate-auto-scaled-backend"
    error_message = "dashboard_url opens the dashboard in the console, in the stack's region."
  }
}

run "container_insights_task_counts_only_when_enabled" {
  command = plan

  variables {
    enable_container_insights = false
  }

  assert {
    condition = length([
      for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets : w
      if strcontains(jsonencode(try(w.properties.metrics, [])), "ECS/ContainerInsights")
    ]) == 0
    error_message = "Without Container Insights the dashboard graphs no ECS/ContainerInsights metric."
  }
}

run "dashboard_can_be_turned_off" {
  command = plan

  variables {
    enable_dashboard = false
  }

  assert {
    condition     = length(aws_cloudwatch_dashboard.this) == 0 && output.dashboard_url == null
    error_message = "enable_dashboard = false creates no dashboard and dashboard_url is null."
  }
}
