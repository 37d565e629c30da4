################################################################################
# Repository
################################################################################

variable "repository_name" {
  description = "ECR repository name; null means project_name. Lowercase letters, digits and . _ - / separators, 2-256 characters. Default: null."
  type        = string
  default     = null

  validation {
    condition     = var.repository_name == null ? true : length(var.repository_name) >= 2 && length(var.repository_name) <= 256 && can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", var.repository_name))
    error_message = "repository_name must be a valid ECR repository name (2-256 characters: lowercase, digits, . _ - and / separators)."
  }
}

variable "max_image_count" {
  description = "Lifecycle policy: how many images to keep (older ones expire). 1-1000. Default: 30."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.max_image_count >= 1 && var.max_image_count <= 1000 && floor(var.max_image_count) == var.max_image_count
    error_message = "max_image_count must be a whole number from 1 to 1000."
  }
}

variable "untagged_image_expiry_days" {
  description = "Lifecycle policy: untagged images expire after this many days. 1-365. Default: 7."
  type        = number
  default     = 7
  nullable    = false

  validation {
    condition     = var.untagged_image_expiry_days >= 1 && var.untagged_image_expiry_days <= 365 && floor(var.untagged_image_expiry_days) == var.untagged_image_expiry_days
    error_message = "untagged_image_expiry_days must be a whole number from 1 to 365."
  }
}

variable "force_delete" {
  description = "Delete the repository even if it holds images (the Destroy workflow removes ECR and its images). Default: true."
  type        = bool
  default     = true
  nullable    = false
}

################################################################################
# VPC endpoints
################################################################################

variable "vpc_endpoints" {
  description = "Which VPC endpoints to create for tasks in private subnets without NAT: ecr_api, ecr_dkr, logs (interface, private DNS, need the VPC's DNS support and DNS hostnames) and s3 (gateway, on the private subnets' route tables). Switch off any the VPC already has: a second S3 gateway endpoint on the same route tables fails with RouteAlreadyExists, a second private-DNS interface endpoint for one service is refused. Default: all true."
  type = object({
    ecr_api = optional(bool, true)
    ecr_dkr = optional(bool, true)
    logs    = optional(bool, true)
    s3      = optional(bool, true)
  })
  default  = {}
  nullable = false
}
