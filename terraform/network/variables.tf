################################################################################
# Shared settings (terraform/config.tfvars)
# Declared identically in every root so that one -var-file serves them all.
################################################################################

variable "project_name" {
  description = "Prefix of every resource name. 2-27 characters: lowercase letters, digits and hyphens, starting with a letter. Default: fargate-auto-scaled-backend."
  type        = string
  default     = "fargate-auto-scaled-backend"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,25}[a-z0-9]$", var.project_name))
    error_message = "project_name must be 2-27 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

variable "aws_region" {
  description = "AWS region to deploy into, e.g. eu-west-2. Default: eu-west-2."
  type        = string
  default     = "eu-west-2"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must look like an AWS region name, e.g. eu-west-2."
  }
}

variable "private_vpc_name" {
  description = "Name tag of the existing VPC that holds the private subnets. Default: private-vpc."
  type        = string
  default     = "private-vpc"
  nullable    = false

  validation {
    condition     = length(var.private_vpc_name) > 0 && length(var.private_vpc_name) <= 255
    error_message = "private_vpc_name must be 1-255 characters."
  }
}

variable "stage_name" {
  description = "API Gateway stage name, which is also the app's BASE_PATH. 1-64 of [A-Za-z0-9_-]. Default: dev."
  type        = string
  default     = "dev"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.stage_name))
    error_message = "stage_name must be 1-64 characters of letters, digits, '_' and '-' (it is also the app's BASE_PATH)."
  }
}

variable "tags" {
  description = "Extra tags for every resource, merged over Project and ManagedBy. Default: {}."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "private_subnet_name_pattern" {
  description = "Pattern (EC2 filter syntax, * wildcards) of the Name tag of the private subnets inside the VPC; the default matches the <vpc>-private-<az> names of terraform-aws-modules/vpc and, unlike *private*, not a public subnet of a VPC whose own name contains \"private\". Default: *-private-*."
  type        = string
  default     = "*-private-*"
  nullable    = false

  validation {
    condition     = length(trimspace(var.private_subnet_name_pattern)) > 0
    error_message = "private_subnet_name_pattern must not be empty."
  }
}

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
