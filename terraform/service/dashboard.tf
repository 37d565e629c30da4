################################################################################
# CloudWatch dashboard: watch it scale
################################################################################

# One page for a scale test or an incident: service CPU against both alarm thresholds, healthy tasks per
# target group (and Container Insights' task counts when the cluster has them), the alarms' states, ALB
# requests, p99 target response time and target 5xx. Thresholds, dimensions and alarms are read from the
# resources that own them, so the dashboard cannot drift from the scaling wiring.
locals {
  dashboard_service_dimensions = ["ClusterName", aws_ecs_cluster.this.name, "ServiceName", aws_ecs_service.this.name]

  dashboard_task_counts = var.enable_container_insights ? [
    for metric in ["DesiredTaskCount", "RunningTaskCount", "PendingTaskCount"] :
    concat(["ECS/ContainerInsights", metric], local.dashboard_service_dimensions, [{ label = metric, stat = "Average" }])
  ] : []

  dashboard_widgets = [
    {
      type   = "metric"
      x      = 0
      y      = 0
      width  = 12
      height = 6
      properties = {
        title   = "Service CPU % (AWS/ECS CPUUtilization) and the scaling thresholds"
        region  = var.aws_region
        view    = "timeSeries"
        stat    = aws_cloudwatch_metric_alarm.cpu_high.statistic
        period  = aws_cloudwatch_metric_alarm.cpu_high.period
        metrics = [concat(["AWS/ECS", "CPUUtilization"], local.dashboard_service_dimensions, [{ label = "service CPU" }])]
        yAxis   = { left = { min = 0, max = 100 } }
        annotations = {
          horizontal = [
            { label = "scale up at or above", value = aws_cloudwatch_metric_alarm.cpu_high.threshold, color = "#d62728" },
            { label = "scale down at or below", value = aws_cloudwatch_metric_alarm.cpu_low.threshold, color = "#1f77b4" },
          ]
        }
      }
    },
    {
      type   = "metric"
      x      = 12
      y      = 0
      width  = 12
      height = 6
      properties = {
        title  = "Tasks: healthy per target group${var.enable_container_insights ? ", desired/running/pending (Container Insights)" : ""}"
        region = var.aws_region
        view   = "timeSeries"
        stat   = "Maximum"
        period = 60
        metrics = concat([
          for tg in [aws_lb_target_group.this["blue"], aws_lb_target_group.this["green"]] :
          ["AWS/ApplicationELB", "HealthyHostCount", "TargetGroup", tg.arn_suffix, "LoadBalancer", aws_lb.this.arn_suffix, { label = "healthy ${tg.name}" }]
        ], local.dashboard_task_counts)
        yAxis = { left = { min = 0 } }
      }
    },
    {
      type   = "alarm"
      x      = 0
      y      = 6
      width  = 24
      height = 3
      properties = {
        title = "Alarm states"
        alarms = [
          aws_cloudwatch_metric_alarm.cpu_high.arn,
          aws_cloudwatch_metric_alarm.cpu_low.arn,
          aws_cloudwatch_metric_alarm.target_5xx.arn,
        ]
      }
    },
    {
      type   = "metric"
      x      = 0
      y      = 9
      width  = 8
      height = 6
      properties = {
        title   = "ALB requests per minute"
        region  = var.aws_region
        view    = "timeSeries"
        stat    = "Sum"
        period  = 60
        metrics = [["AWS/ApplicationELB", "RequestCount", "LoadBalancer", aws_lb.this.arn_suffix, { label = "requests" }]]
      }
    },
    {
      type   = "metric"
      x      = 8
      y      = 9
      width  = 8
      height = 6
      properties = {
        title   = "Target response time p99 (seconds)"
        region  = var.aws_region
        view    = "timeSeries"
        stat    = "p99"
        period  = 60
        metrics = [["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", aws_lb.this.arn_suffix, { label = "p99" }]]
      }
    },
    {
      type   = "metric"
      x      = 16
      y      = 9
      width  = 8
      height = 6
      properties = {
        title   = "Target 5xx per minute (rollback alarm at ${aws_cloudwatch_metric_alarm.target_5xx.threshold})"
        region  = var.aws_region
        view    = "timeSeries"
        stat    = "Sum"
        period  = 60
        metrics = [["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", aws_lb.this.arn_suffix, { label = "target 5xx" }]]
      }
    },
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  count = var.enable_dashboard ? 1 : 0

  dashboard_name = var.project_name
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
