# Settings shared by every root module; every workflow passes this file with -var-file.
# Each root declares all of these variables (even one it does not use) so that this file never
# triggers "undeclared variable" warnings. Root-specific settings keep their defaults in
# <root>/variables.tf; override them with -var or a <root>/terraform.tfvars file.

# Prefix of every resource name (ECR repository, cluster, service, task family, roles, API).
project_name = "fargate-auto-scaled-backend"

# Region every root deploys into.
aws_region = "eu-west-2"

# Value of the Name tag of your existing VPC; its private subnets are found by their Name tag
# (by default *-private-*; see private_subnet_name_pattern in the ecr, service and network roots).
private_vpc_name = "private-vpc"

# API Gateway stage name; also the app's BASE_PATH, so URLs look like <invoke_url>/host.
stage_name = "dev"

# Extra tags for every resource (on top of Project and ManagedBy).
tags = {}
