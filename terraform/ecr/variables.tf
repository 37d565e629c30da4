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

variable "create_vpc_endpoints" {
  description = "Create the ecr.api, ecr.dkr, logs (interface) and s3 (gateway) VPC endpoints that tasks in private subnets without NAT need. Set false if the VPC already has them. Default: true."
  type        = bool
  default     = true
  nullable    = false
}
