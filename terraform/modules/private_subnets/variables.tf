################################################################################
# Lookup
################################################################################

variable "private_vpc_name" {
  description = "Name tag of the existing VPC. Required."
  type        = string
  nullable    = false

  validation {
    condition     = length(var.private_vpc_name) > 0
    error_message = "private_vpc_name must not be empty."
  }
}

variable "private_subnet_name_pattern" {
  description = "Pattern (EC2 filter syntax, * wildcards) of the private subnets' Name tag. Required."
  type        = string
  nullable    = false

  validation {
    condition     = length(trimspace(var.private_subnet_name_pattern)) > 0
    error_message = "private_subnet_name_pattern must not be empty."
  }
}
