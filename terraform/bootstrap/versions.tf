################################################################################
# Versions and provider
################################################################################

terraform {
  required_version = ">= 1.11"

  # No backend: this root creates the state bucket, so it keeps a local state (see README.md).

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = merge({ Project = var.project_name, ManagedBy = "terraform", TerraformRoot = "bootstrap" }, var.tags)
  }
}
