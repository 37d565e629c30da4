################################################################################
# Remote state (the task root's outputs)
################################################################################

variable "state_bucket" {
  description = "S3 bucket holding the roots' states (the bucket in your -backend-config file); the task definition is read from the task root's state there. Required."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket))
    error_message = "state_bucket must be a valid S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)."
  }
}

variable "task_state_key" {
  description = "Key of the task root's state in state_bucket. Default: task.tfstate."
  type        = string
  default     = "task.tfstate"
  nullable    = false

  validation {
    condition     = length(var.task_state_key) > 0
    error_message = "task_state_key must not be empty."
  }
}

################################################################################
# Service
################################################################################

variable "min_task_count" {
  description = "Initial desired task count and the autoscaling minimum. 1-100. Default: 1."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.min_task_count >= 1 && var.min_task_count <= 100 && floor(var.min_task_count) == var.min_task_count
    error_message = "min_task_count must be a whole number from 1 to 100."
  }
}

variable "max_scaled_task_count" {
  description = "Maximum task count autoscaling may reach; at least min_task_count, at most 100. Default: 4."
  type        = number
  default     = 4
  nullable    = false

  validation {
    condition     = var.max_scaled_task_count >= var.min_task_count && var.max_scaled_task_count <= 100 && floor(var.max_scaled_task_count) == var.max_scaled_task_count
    error_message = "max_scaled_task_count must be a whole number from min_task_count to 100."
  }
}

variable "health_check_grace_period_seconds" {
  description = "Seconds the service ignores failing load balancer health checks of a new task. 0-2147483647. Default: 60."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.health_check_grace_period_seconds >= 0 && var.health_check_grace_period_seconds <= 2147483647 && floor(var.health_check_grace_period_seconds) == var.health_check_grace_period_seconds
    error_message = "health_check_grace_period_seconds must be a whole number from 0 to 2147483647."
  }
}

variable "enable_container_insights" {
  description = "Enable CloudWatch Container Insights on the cluster. Default: true."
  type        = bool
  default     = true
  nullable    = false
}

################################################################################
# Load balancer
################################################################################

variable "deregistration_delay_seconds" {
  description = "Seconds a target group drains a deregistered task; must be below the task's stopTimeout (checked against the task root). 0-3600. Default: 30."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.deregistration_delay_seconds >= 0 && var.deregistration_delay_seconds <= 3600 && floor(var.deregistration_delay_seconds) == var.deregistration_delay_seconds
    error_message = "deregistration_delay_seconds must be a whole number from 0 to 3600."
  }
}

variable "target_health_check" {
  description = "Target group health check on /health: interval 5-300 s, timeout 2-120 s and below interval, healthy and unhealthy thresholds 2-10. Default: {interval=15, timeout=5, healthy_threshold=2, unhealthy_threshold=3}."
  type = object({
    interval            = optional(number, 15)
    timeout             = optional(number, 5)
    healthy_threshold   = optional(number, 2)
    unhealthy_threshold = optional(number, 3)
  })
  default  = {}
  nullable = false

  validation {
    condition = (
      var.target_health_check.interval >= 5 && var.target_health_check.interval <= 300 &&
      var.target_health_check.timeout >= 2 && var.target_health_check.timeout <= 120 && var.target_health_check.timeout < var.target_health_check.interval &&
      var.target_health_check.healthy_threshold >= 2 && var.target_health_check.healthy_threshold <= 10 &&
      var.target_health_check.unhealthy_threshold >= 2 && var.target_health_check.unhealthy_threshold <= 10
    )
    error_message = "target_health_check must have interval 5-300, timeout 2-120 and below interval, thresholds 2-10."
  }
}

################################################################################
# CodeDeploy
################################################################################

variable "deployment_config_name" {
  description = "CodeDeploy ECS deployment configuration: CodeDeployDefault.ECSAllAtOnce, ECSLinear10PercentEvery1Minutes, ECSLinear10PercentEvery3Minutes, ECSCanary10Percent5Minutes or ECSCanary10Percent15Minutes (with the CodeDeployDefault. prefix). Default: CodeDeployDefault.ECSAllAtOnce."
  type        = string
  default     = "CodeDeployDefault.ECSAllAtOnce"
  nullable    = false

  validation {
    condition = contains([
      "CodeDeployDefault.ECSAllAtOnce",
      "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
      "CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
      "CodeDeployDefault.ECSCanary10Percent5Minutes",
      "CodeDeployDefault.ECSCanary10Percent15Minutes",
    ], var.deployment_config_name)
    error_message = "deployment_config_name must be one of the predefined CodeDeployDefault.ECS* configurations."
  }
}

variable "termination_wait_minutes" {
  description = "Minutes CodeDeploy keeps the old (blue) tasks after traffic moved, so a rollback is instant. 0-2880. Default: 5."
  type        = number
  default     = 5
  nullable    = false

  validation {
    condition     = var.termination_wait_minutes >= 0 && var.termination_wait_minutes <= 2880 && floor(var.termination_wait_minutes) == var.termination_wait_minutes
    error_message = "termination_wait_minutes must be a whole number from 0 to 2880."
  }
}

variable "rollback_5xx_threshold" {
  description = "Target 5xx responses per minute that raise the alarm which rolls a deployment back. 1-100000. Default: 10."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.rollback_5xx_threshold >= 1 && var.rollback_5xx_threshold <= 100000 && floor(var.rollback_5xx_threshold) == var.rollback_5xx_threshold
    error_message = "rollback_5xx_threshold must be a whole number from 1 to 100000."
  }
}

################################################################################
# CPU autoscaling
################################################################################

variable "cpu_scale_up_threshold" {
  description = "Service CPU (percent, 0-100) at or above which tasks are added. Default: 70."
  type        = number
  default     = 70
  nullable    = false

  validation {
    condition     = var.cpu_scale_up_threshold >= 0 && var.cpu_scale_up_threshold <= 100
    error_message = "cpu_scale_up_threshold must be a percentage from 0 to 100."
  }
}

variable "cpu_scale_down_threshold" {
  description = "Service CPU (percent, 0-100) at or below which tasks are removed; must be below cpu_scale_up_threshold. Default: 20."
  type        = number
  default     = 20
  nullable    = false

  validation {
    condition     = var.cpu_scale_down_threshold >= 0 && var.cpu_scale_down_threshold <= 100 && var.cpu_scale_down_threshold < var.cpu_scale_up_threshold
    error_message = "cpu_scale_down_threshold must be a percentage from 0 to 100 and below cpu_scale_up_threshold."
  }
}

variable "scale_up_steps" {
  description = "Tasks added per scale-up: `small` while CPU is less than `large_breach` points above cpu_scale_up_threshold, `large` beyond (larger steps for larger breaches). small 1-10, large small-20, large_breach above 0 and cpu_scale_up_threshold + large_breach below 100. Default: {small=1, large=2, large_breach=20}."
  type = object({
    small        = optional(number, 1)
    large        = optional(number, 2)
    large_breach = optional(number, 20)
  })
  default  = {}
  nullable = false

  validation {
    condition = (
      var.scale_up_steps.small >= 1 && var.scale_up_steps.small <= 10 && floor(var.scale_up_steps.small) == var.scale_up_steps.small &&
      var.scale_up_steps.large >= var.scale_up_steps.small && var.scale_up_steps.large <= 20 && floor(var.scale_up_steps.large) == var.scale_up_steps.large &&
      var.scale_up_steps.large_breach > 0 && var.cpu_scale_up_threshold + var.scale_up_steps.large_breach < 100
    )
    error_message = "scale_up_steps needs whole numbers small 1-10 and large small-20, and large_breach above 0 with cpu_scale_up_threshold + large_breach below 100."
  }
}

variable "scale_down_step" {
  description = "Tasks removed per scale-down. 1-10. Default: 1."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.scale_down_step >= 1 && var.scale_down_step <= 10 && floor(var.scale_down_step) == var.scale_down_step
    error_message = "scale_down_step must be a whole number from 1 to 10."
  }
}

variable "cpu_alarm_period_seconds" {
  description = "Period of the CPU alarms in seconds: a multiple of 60 from 60 to 86400 (AWS/ECS publishes CPUUtilization once a minute, so a shorter period never leaves INSUFFICIENT_DATA). Default: 60."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.cpu_alarm_period_seconds >= 60 && var.cpu_alarm_period_seconds <= 86400 && var.cpu_alarm_period_seconds % 60 == 0
    error_message = "cpu_alarm_period_seconds must be a multiple of 60 from 60 to 86400: AWS/ECS CPUUtilization is a one-minute metric."
  }
}

variable "scale_up_evaluation_periods" {
  description = "Consecutive periods CPU must be high before scaling up. 1-100, and times cpu_alarm_period_seconds at most one day (seven days for periods of an hour or more). Default: 1."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.scale_up_evaluation_periods >= 1 && var.scale_up_evaluation_periods <= 100 && floor(var.scale_up_evaluation_periods) == var.scale_up_evaluation_periods
    error_message = "scale_up_evaluation_periods must be a whole number from 1 to 100."
  }

  # PutMetricAlarm, Period: period x evaluation periods at most 604,800 s, and at most 86,400 s (one day)
  # for periods under an hour.
  validation {
    condition     = var.cpu_alarm_period_seconds * var.scale_up_evaluation_periods <= (var.cpu_alarm_period_seconds < 3600 ? 86400 : 604800)
    error_message = "cpu_alarm_period_seconds x scale_up_evaluation_periods must be at most 86400 s (one day) for periods under 3600 s, and at most 604800 s (seven days) otherwise (CloudWatch PutMetricAlarm)."
  }
}

variable "scale_down_evaluation_periods" {
  description = "Consecutive periods CPU must be low before scaling down. 1-100, and times cpu_alarm_period_seconds at most one day (seven days for periods of an hour or more). Default: 3."
  type        = number
  default     = 3
  nullable    = false

  validation {
    condition     = var.scale_down_evaluation_periods >= 1 && var.scale_down_evaluation_periods <= 100 && floor(var.scale_down_evaluation_periods) == var.scale_down_evaluation_periods
    error_message = "scale_down_evaluation_periods must be a whole number from 1 to 100."
  }

  # PutMetricAlarm, Period: period x evaluation periods at most 604,800 s, and at most 86,400 s (one day)
  # for periods under an hour.
  validation {
    condition     = var.cpu_alarm_period_seconds * var.scale_down_evaluation_periods <= (var.cpu_alarm_period_seconds < 3600 ? 86400 : 604800)
    error_message = "cpu_alarm_period_seconds x scale_down_evaluation_periods must be at most 86400 s (one day) for periods under 3600 s, and at most 604800 s (seven days) otherwise (CloudWatch PutMetricAlarm)."
  }
}

variable "scale_up_cooldown_seconds" {
  description = "Seconds after a scale-up before another scaling activity. 0-3600. Default: 60."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.scale_up_cooldown_seconds >= 0 && var.scale_up_cooldown_seconds <= 3600 && floor(var.scale_up_cooldown_seconds) == var.scale_up_cooldown_seconds
    error_message = "scale_up_cooldown_seconds must be a whole number from 0 to 3600."
  }
}

variable "scale_down_cooldown_seconds" {
  description = "Seconds after a scale-down before another scaling activity. 0-3600. Default: 120."
  type        = number
  default     = 120
  nullable    = false

  validation {
    condition     = var.scale_down_cooldown_seconds >= 0 && var.scale_down_cooldown_seconds <= 3600 && floor(var.scale_down_cooldown_seconds) == var.scale_down_cooldown_seconds
    error_message = "scale_down_cooldown_seconds must be a whole number from 0 to 3600."
  }
}

################################################################################
# Dashboard
################################################################################

variable "enable_dashboard" {
  description = "Create the CloudWatch dashboard (service CPU with both scaling thresholds, healthy tasks, alarm states, ALB requests, p99 response time, target 5xx); its task-count graph adds Container Insights' counts when enable_container_insights is true. Default: true."
  type        = bool
  default     = true
  nullable    = false
}
