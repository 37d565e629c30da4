################################################################################
# Existing network (looked up by tag: users bring their own VPC)
################################################################################

module "network" {
  source = "../modules/private_subnets"

  private_vpc_name            = var.private_vpc_name
  private_subnet_name_pattern = var.private_subnet_name_pattern
}

# GovCloud and China have their own ARN partition and endpoint service prefix (e.g. cn.com.amazonaws).
data "aws_partition" "current" {}

# association.subnet-id matches explicit associations only, so each private subnet is looked up on its own:
# an empty answer means that subnet uses the VPC's main route table, which then needs the S3 route too.
data "aws_route_tables" "private_subnet" {
  for_each = toset(module.network.subnet_ids)

  vpc_id = module.network.vpc_id

  filter {
    name   = "association.subnet-id"
    values = [each.key]
  }
}

data "aws_route_tables" "main" {
  vpc_id = module.network.vpc_id

  filter {
    name   = "association.main"
    values = ["true"]
  }
}

locals {
  # Private subnets without an explicit route table association route through the VPC's main route table.
  subnets_on_main_route_table = [for id, tables in data.aws_route_tables.private_subnet : id if length(tables.ids) == 0]

  private_route_table_ids = sort(distinct(concat(
    flatten([for tables in data.aws_route_tables.private_subnet : tables.ids]),
    length(local.subnets_on_main_route_table) > 0 ? data.aws_route_tables.main.ids : [],
  )))
  repository_name = coalesce(var.repository_name, var.project_name)

  # Interface endpoints Fargate needs to pull from ECR and write logs without a NAT gateway, each behind its
  # own switch: a VPC that already has one with private DNS refuses a second.
  interface_endpoints = toset([for service, create in {
    "ecr.api" = var.vpc_endpoints.ecr_api
    "ecr.dkr" = var.vpc_endpoints.ecr_dkr
    "logs"    = var.vpc_endpoints.logs
  } : service if create])
  endpoint_service_prefix = "${data.aws_partition.current.reverse_dns_prefix}.${var.aws_region}"
}

################################################################################
# Repository
################################################################################

resource "aws_ecr_repository" "this" {
  #checkov:skip=CKV_AWS_136:AES256 (AWS-owned key) encryption at rest; a customer-managed KMS key adds cost and a key policy to manage for public-source images.
  name                 = local.repository_name
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_delete

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }
}

resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name

  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Expire untagged images after ${var.untagged_image_expiry_days} days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = var.untagged_image_expiry_days
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the newest ${var.max_image_count} images"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.max_image_count
        }
        action = { type = "expire" }
      },
    ]
  })
}

################################################################################
# VPC endpoints
################################################################################

resource "aws_security_group" "endpoints" {
  count = length(local.interface_endpoints) > 0 ? 1 : 0

  name        = "${var.project_name}-vpc-endpoints"
  description = "Interface VPC endpoints of ${var.project_name}: HTTPS from the VPC"
  vpc_id      = module.network.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
  count = length(aws_security_group.endpoints)

  security_group_id = aws_security_group.endpoints[0].id
  description       = "HTTPS from the VPC (tasks pulling images and writing logs)"
  cidr_ipv4         = module.network.vpc_cidr_block
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_endpoints

  vpc_id              = module.network.vpc_id
  service_name        = "${local.endpoint_service_prefix}.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = module.network.subnet_ids
  security_group_ids  = [aws_security_group.endpoints[0].id]
  private_dns_enabled = true

  tags = {
    Name = "${var.project_name}-${each.key}"
  }

  lifecycle {
    # CreateVpcEndpoint, PrivateDnsEnabled: "To use a private hosted zone, you must set the following VPC
    # attributes to true: enableDnsHostnames and enableDnsSupport."
    precondition {
      condition     = module.network.vpc_dns_enabled
      error_message = "The VPC ${var.private_vpc_name} needs both DNS support and DNS hostnames enabled for the private DNS of the ${each.key} interface endpoint (ModifyVpcAttribute), or switch that endpoint off in vpc_endpoints if the VPC reaches ${each.key} another way."
    }
  }
}

# ECR stores image layers in S3; a gateway endpoint on the private route tables reaches it for free.
resource "aws_vpc_endpoint" "s3" {
  count = var.vpc_endpoints.s3 ? 1 : 0

  vpc_id            = module.network.vpc_id
  service_name      = "${local.endpoint_service_prefix}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = local.private_route_table_ids

  tags = {
    Name = "${var.project_name}-s3"
  }

  lifecycle {
    precondition {
      condition     = length(local.private_route_table_ids) > 0
      error_message = "No route table found for the private subnets (neither explicitly associated nor the VPC's main route table): without an S3 route Fargate cannot pull image layers from ECR."
    }
  }
}
