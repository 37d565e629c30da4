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
  description = "GitHub repository (owner/name) whose workflows may assume the deploy role; owner up to 39 and name up to 100 characters (GitHub's limits). Required."
  type        = string
  nullable    = false

  # Bounded so that the trust policy stays within IAM's 2,048 characters (checked on the largest plan by
  # Tests/terraform).
  validation {
    condition     = can(regex("^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$", var.github_repository))
    error_message = "github_repository must be owner/name (owner up to 39, name up to 100 characters), e.g. octo-org/fargate-auto-scaled-backend."
  }
}

variable "github_oidc_subjects" {
  description = "Token subjects (after repo:<github_repository>:) allowed to assume the deploy role, e.g. ref:refs/heads/main or environment:production; * wildcards allowed. 1-5 subjects of up to 128 characters. Default: [\"ref:refs/heads/main\"]."
  type        = list(string)
  default     = ["ref:refs/heads/main"]
  nullable    = false

  validation {
    condition     = length(var.github_oidc_subjects) > 0 && alltrue([for s in var.github_oidc_subjects : can(regex("^(ref:refs/(heads|tags)/|environment:|pull_request$)", s))])
    error_message = "github_oidc_subjects must be a non-empty list of ref:refs/heads/..., ref:refs/tags/..., environment:... or pull_request."
  }

  # Each subject adds to the trust policy, which IAM caps at 2,048 characters ("IAM and AWS STS quotas").
  validation {
    condition     = length(var.github_oidc_subjects) <= 5 && alltrue([for s in var.github_oidc_subjects : length(s) <= 128])
    error_message = "github_oidc_subjects may hold at most 5 subjects of at most 128 characters (the trust policy must stay within IAM's 2,048 characters)."
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

variable "create_plan_role" {
  description = "Create the read-only role pull requests assume to plan the roots they touch (.github/workflows/plan.yml). Default: true."
  type        = bool
  default     = true
  nullable    = false
}

variable "plan_role_name" {
  description = "Name of the read-only plan role; null means <project_name>-plan. Default: null."
  type        = string
  default     = null

  validation {
    condition     = var.plan_role_name == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.plan_role_name))
    error_message = "plan_role_name must be 1-64 characters of letters, digits and +=,.@_-."
  }
}
