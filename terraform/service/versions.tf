################################################################################
# Versions and provider
################################################################################

terraform {
  required_version = ">= 1.11"

  # Settings come from -backend-config (see ../backend.hcl.example) so nobody edits code to use their bucket.
  backend "s3" {}

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
    tags = merge({ Project = var.project_name, ManagedBy = "terraform", TerraformRoot = "service" }, var.tags)
  }
}
