################################################################################
# State bucket
################################################################################

variable "state_bucket" {
  description = "Name of the S3 bucket to create for the other roots' states (globally unique). 3-63 lowercase letters, digits, dots and hyphens. Required."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket))
    error_message = "state_bucket must be a valid S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)."
  }
}

variable "state_bucket_force_destroy" {
  description = "Allow destroying the state bucket while it still holds states. Default: false."
  type        = bool
  default     = false
  nullable    = false
}

variable "noncurrent_state_retention_days" {
  description = "Days old state versions are kept before they expire. 1-3650. Default: 90."
  type        = number
  default     = 90
  nullable    = false

  validation {
    condition     = var.noncurrent_state_retention_days >= 1 && var.noncurrent_state_retention_days <= 3650 && floor(var.noncurrent_state_retention_days) == var.noncurrent_state_retention_days
    error_message = "noncurrent_state_retention_days must be a whole number from 1 to 3650."
  }
}

################################################################################
# GitHub OIDC and deploy role
################################################################################

variable "github_repository" {
  description = "GitHub repository (owner/name) whose workflows may assume the deploy role. Required."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.github_repository))
    error_message = "github_repository must be owner/name, e.g. octo-org/fargate-auto-scaled-backend."
  }
}

variable "github_oidc_subjects" {
  description = "Token subjects (after repo:<github_repository>:) allowed to assume the deploy role, e.g. ref:refs/heads/main or environment:production; * wildcards allowed. Default: [\"ref:refs/heads/main\"]."
  type        = list(string)
  default     = ["ref:refs/heads/main"]
  nullable    = false

  validation {
    condition     = length(var.github_oidc_subjects) > 0 && alltrue([for s in var.github_oidc_subjects : can(regex("^(ref:refs/(heads|tags)/|environment:|pull_request$)", s))])
    error_message = "github_oidc_subjects must be a non-empty list of ref:refs/heads/..., ref:refs/tags/..., environment:... or pull_request."
  }
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider; set false if the account already has one (it is then looked up). Default: true."
  type        = bool
  default     = true
  nullable    = false
}

variable "deploy_role_name" {
  description = "Name of the role the workflows assume; null means <project_name>-deploy. Default: null."
  type        = string
  default     = null

  validation {
    condition     = var.deploy_role_name == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.deploy_role_name))
    error_message = "deploy_role_name must be 1-64 characters of letters, digits and +=,.@_-."
  }
}

variable "target_group_names" {
  description = "Target group names the deploy role may manage; must match the service root's blue_target_group_name and green_target_group_name. Default: [\"fargate-backend-blue\", \"fargate-backend-green\"]."
  type        = list(string)
  default     = ["fargate-backend-blue", "fargate-backend-green"]
  nullable    = false

  validation {
    condition     = length(var.target_group_names) > 0 && alltrue([for n in var.target_group_names : can(regex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$", n))])
    error_message = "target_group_names must be a non-empty list of valid target group names (1-32 letters, digits, hyphens)."
  }
}
