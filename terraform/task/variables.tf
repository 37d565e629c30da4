################################################################################
# Container
################################################################################

variable "image_uri" {
  description = "Image reference with digest, e.g. 123456789012.dkr.ecr.eu-west-2.amazonaws.com/repo@sha256:<64 hex>. Becomes the container image and its IMAGE variable (reported by /host). Required."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[^@\\s]+@sha256:[0-9a-f]{64}$", var.image_uri))
    error_message = "image_uri must be an image reference pinned by digest: <repository>@sha256:<64 lowercase hex digits>."
  }
}

variable "container_port" {
  description = "Port nginx listens on inside the container (the app's PORT); the target groups and security groups use it too. 1024-65535 (the container runs as non-root). Default: 3000."
  type        = number
  default     = 3000
  nullable    = false

  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535 && floor(var.container_port) == var.container_port
    error_message = "container_port must be a whole number from 1024 to 65535 (non-root processes cannot bind lower ports)."
  }
}

variable "container_user" {
  description = "User the container runs as (name or uid, optionally :group or :gid); the user must not be root (neither the name root nor uid 0 in any spelling, e.g. 00 or 0:10001). Default: app (created by the Dockerfile)."
  type        = string
  default     = "app"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$", var.container_user))
    error_message = "container_user must be a user name or uid, optionally followed by :group or :gid."
  }

  # The user part alone decides (a group, even 0, does not make a process root); a uid is read as a
  # number, so 0, 00 and 000 are all root.
  validation {
    condition     = !can(regex("^(root|0+)(:|$)", var.container_user))
    error_message = "container_user must not be root: the user part (before any ':') is root or uid 0."
  }
}

variable "container_environment" {
  description = "Extra environment variables for the container (e.g. FCGI_WORKERS, NGINX_WORKER_PROCESSES). BASE_PATH, IMAGE and PORT are set by this module and cannot be overridden. Default: {}."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = length(setintersection(keys(var.container_environment), ["BASE_PATH", "IMAGE", "PORT"])) == 0
    error_message = "container_environment must not set BASE_PATH, IMAGE or PORT; they come from stage_name, image_uri and container_port."
  }
}

variable "stop_timeout_seconds" {
  description = "Seconds ECS waits after SIGTERM before SIGKILL. At least 10: the container's own stop (lame duck, nginx drain, app drain) takes up to 10 s. 10-120 (Fargate limit 120). Default: 45."
  type        = number
  default     = 45
  nullable    = false

  validation {
    condition     = var.stop_timeout_seconds >= 10 && var.stop_timeout_seconds <= 120 && floor(var.stop_timeout_seconds) == var.stop_timeout_seconds
    error_message = "stop_timeout_seconds must be a whole number from 10 (the container's stop budget) to 120 (the Fargate maximum)."
  }
}

variable "health_check" {
  description = "Container health check timing in seconds (command: FCGIApp healthcheck). interval 5-300, timeout 2-60 and below interval, retries 1-10, start_period 0-300. Default: {interval=15, timeout=5, retries=3, start_period=10}."
  type = object({
    interval     = optional(number, 15)
    timeout      = optional(number, 5)
    retries      = optional(number, 3)
    start_period = optional(number, 10)
  })
  default  = {}
  nullable = false

  validation {
    condition = (
      var.health_check.interval >= 5 && var.health_check.interval <= 300 &&
      var.health_check.timeout >= 2 && var.health_check.timeout <= 60 && var.health_check.timeout < var.health_check.interval &&
      var.health_check.retries >= 1 && var.health_check.retries <= 10 &&
      var.health_check.start_period >= 0 && var.health_check.start_period <= 300
    )
    error_message = "health_check must have interval 5-300, timeout 2-60 and below interval, retries 1-10, start_period 0-300."
  }
}

################################################################################
# Task size
################################################################################

variable "task_cpu" {
  description = "Fargate task CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384. Default: 256."
  type        = number
  default     = 256
  nullable    = false

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.task_cpu)
    error_message = "task_cpu must be one of the Fargate values 256, 512, 1024, 2048, 4096, 8192, 16384."
  }
}

variable "task_memory" {
  description = "Fargate task memory in MiB; must be valid for task_cpu (256: 512/1024/2048; 512: 1024-4096; 1024: 2048-8192; 2048: 4096-16384; 4096: 8192-30720, in 1024 steps; 8192: 16384-61440 in 4096 steps; 16384: 32768-122880 in 8192 steps). Default: 512."
  type        = number
  default     = 512
  nullable    = false

  validation {
    condition = (
      var.task_cpu == 256 ? contains([512, 1024, 2048], var.task_memory) :
      var.task_cpu == 512 ? var.task_memory >= 1024 && var.task_memory <= 4096 && var.task_memory % 1024 == 0 :
      var.task_cpu == 1024 ? var.task_memory >= 2048 && var.task_memory <= 8192 && var.task_memory % 1024 == 0 :
      var.task_cpu == 2048 ? var.task_memory >= 4096 && var.task_memory <= 16384 && var.task_memory % 1024 == 0 :
      var.task_cpu == 4096 ? var.task_memory >= 8192 && var.task_memory <= 30720 && var.task_memory % 1024 == 0 :
      var.task_cpu == 8192 ? var.task_memory >= 16384 && var.task_memory <= 61440 && var.task_memory % 4096 == 0 :
      var.task_cpu == 16384 ? var.task_memory >= 32768 && var.task_memory <= 122880 && var.task_memory % 8192 == 0 :
      false
    )
    error_message = "task_memory is not a valid Fargate memory size for the chosen task_cpu (see the variable description for the valid pairs)."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture of the image: X86_64 or ARM64. Default: X86_64."
  type        = string
  default     = "X86_64"
  nullable    = false

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

################################################################################
# Logs and revisions
################################################################################

variable "log_retention_days" {
  description = "Retention of the container log group, in days; one of the CloudWatch Logs values (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653). Default: 30."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the CloudWatch Logs retention values (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "retain_task_definition_revisions" {
  description = "Keep old task definition revisions registered when a new one replaces them (and on destroy), so CodeDeploy can roll back to them. Default: true."
  type        = bool
  default     = true
  nullable    = false
}
