################################################################################
# Remote state (the service root's outputs)
################################################################################

variable "state_bucket" {
  description = "S3 bucket holding the roots' states (the bucket in your -backend-config file); the listener and ALB security group are read from the service root's state there. Required."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket))
    error_message = "state_bucket must be a valid S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)."
  }
}

variable "service_state_key" {
  description = "Key of the service root's state in state_bucket. Default: service.tfstate."
  type        = string
  default     = "service.tfstate"
  nullable    = false

  validation {
    condition     = length(var.service_state_key) > 0
    error_message = "service_state_key must not be empty."
  }
}

################################################################################
# API Gateway
################################################################################

variable "throttling_rate_limit" {
  description = "Default steady-state request rate limit of the stage (requests per second). 1-10000. Default: 100."
  type        = number
  default     = 100
  nullable    = false

  validation {
    condition     = var.throttling_rate_limit >= 1 && var.throttling_rate_limit <= 10000
    error_message = "throttling_rate_limit must be from 1 to 10000 requests per second."
  }
}

variable "throttling_burst_limit" {
  description = "Default burst limit of the stage (requests). 1-5000. Default: 200."
  type        = number
  default     = 200
  nullable    = false

  validation {
    condition     = var.throttling_burst_limit >= 1 && var.throttling_burst_limit <= 5000 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit must be a whole number from 1 to 5000."
  }
}

variable "integration_timeout_milliseconds" {
  description = "How long API Gateway waits for the ALB. 50-30000 ms. Default: 30000."
  type        = number
  default     = 30000
  nullable    = false

  validation {
    condition     = var.integration_timeout_milliseconds >= 50 && var.integration_timeout_milliseconds <= 30000 && floor(var.integration_timeout_milliseconds) == var.integration_timeout_milliseconds
    error_message = "integration_timeout_milliseconds must be a whole number from 50 to 30000."
  }
}

variable "access_log_retention_days" {
  description = "Retention of the API access log group, in days; one of the CloudWatch Logs values (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653). Default: 30."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.access_log_retention_days)
    error_message = "access_log_retention_days must be one of the CloudWatch Logs retention values (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}
