################################################################################
# Versions and provider, the same for every root (linked into each as versions.tf); the root's own
# directory name becomes its TerraformRoot tag. The backend is in each root's backend.tf.
################################################################################

terraform {
  required_version = ">= 1.11"

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
    tags = merge({ Project = var.project_name, ManagedBy = "terraform", TerraformRoot = basename(abspath(path.root)) }, var.tags)
  }
}
