# Plan-time checks of the ecr root against a mocked AWS provider (no credentials, no network).
# The shared settings (project_name, aws_region, private_vpc_name, stage_name) are declared identically in
# every root (scripts/test-terraform.sh checks that), so their rejections are tested here once.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_vpc" {
    defaults = {
      id                   = "vpc-0123456789abcdef0"
      cidr_block           = "10.55.0.0/16"
      enable_dns_support   = true
      enable_dns_hostnames = true
    }
  }

  # Three private subnets, two of them in eu-west-2a (zones below).
  mock_data "aws_subnets" {
    defaults = {
      ids = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb", "subnet-0cccccccccccccccc"]
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition          = "aws"
      dns_suffix         = "amazonaws.com"
      reverse_dns_prefix = "com.amazonaws"
    }
  }

  mock_data "aws_route_tables" {
    defaults = {
      ids = ["rtb-0aaaaaaaaaaaaaaaa"]
    }
  }
}

override_data {
  target = module.network.data.aws_subnet.private["subnet-0aaaaaaaaaaaaaaaa"]
  values = { availability_zone = "eu-west-2a" }
}

override_data {
  target = module.network.data.aws_subnet.private["subnet-0bbbbbbbbbbbbbbbb"]
  values = { availability_zone = "eu-west-2b" }
}

override_data {
  target = module.network.data.aws_subnet.private["subnet-0cccccccccccccccc"]
  values = { availability_zone = "eu-west-2a" }
}

run "repository_is_immutable_scanned_and_expiring" {
  command = plan

  assert {
    condition     = aws_ecr_repository.this.name == "fargate-auto-scaled-backend"
    error_message = "The repository is named after project_name by default."
  }

  assert {
    condition     = aws_ecr_repository.this.image_tag_mutability == "IMMUTABLE"
    error_message = "Image tags must be immutable."
  }

  assert {
    condition     = aws_ecr_repository.this.image_scanning_configuration[0].scan_on_push
    error_message = "Images must be scanned on push."
  }

  assert {
    condition     = [for r in jsondecode(aws_ecr_lifecycle_policy.this.policy).rules : r.selection.countType] == ["sinceImagePushed", "imageCountMoreThan"]
    error_message = "The lifecycle policy expires untagged images by age, then keeps the newest max_image_count."
  }

  assert {
    condition     = jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[1].selection.countNumber == 30
    error_message = "By default the newest 30 images are kept."
  }
}

run "endpoints_in_private_subnets_with_https_from_vpc" {
  command = plan

  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["ecr.api", "ecr.dkr", "logs"])
    error_message = "Interface endpoints for ecr.api, ecr.dkr and logs are created."
  }

  assert {
    condition     = aws_vpc_endpoint.interface["ecr.dkr"].service_name == "com.amazonaws.eu-west-2.ecr.dkr" && aws_vpc_endpoint.interface["ecr.dkr"].private_dns_enabled
    error_message = "Interface endpoints use the region's service names with private DNS."
  }

  assert {
    condition     = aws_vpc_endpoint.interface["logs"].subnet_ids == toset(["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"])
    error_message = "Interface endpoints sit in one private subnet per zone (an endpoint refuses two subnets in one zone)."
  }

  assert {
    condition     = aws_vpc_endpoint.s3[0].vpc_endpoint_type == "Gateway" && aws_vpc_endpoint.s3[0].route_table_ids == toset(["rtb-0aaaaaaaaaaaaaaaa"])
    error_message = "S3 is reached through a gateway endpoint on the private route tables."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.endpoints_https[0].cidr_ipv4 == "10.55.0.0/16" &&
      aws_vpc_security_group_ingress_rule.endpoints_https[0].from_port == 443 &&
      aws_vpc_security_group_ingress_rule.endpoints_https[0].to_port == 443
    )
    error_message = "The endpoints' security group admits only HTTPS from the VPC CIDR."
  }
}

# association.subnet-id matches explicit associations only; a subnet without one routes through the main table.
run "s3_route_reaches_subnets_on_the_main_route_table" {
  command = plan

  override_data {
    target = data.aws_route_tables.private_subnet
    values = {
      ids = []
    }
  }

  override_data {
    target = data.aws_route_tables.main
    values = {
      ids = ["rtb-0mmmmmmmmmmmmmmmm"]
    }
  }

  assert {
    condition     = aws_vpc_endpoint.s3[0].route_table_ids == toset(["rtb-0mmmmmmmmmmmmmmmm"])
    error_message = "Private subnets without an explicit association get the S3 route on the VPC's main route table."
  }
}

run "s3_route_covers_explicit_and_main_route_tables" {
  command = plan

  override_data {
    target = data.aws_route_tables.private_subnet["subnet-0bbbbbbbbbbbbbbbb"]
    values = {
      ids = []
    }
  }

  override_data {
    target = data.aws_route_tables.main
    values = {
      ids = ["rtb-0mmmmmmmmmmmmmmmm"]
    }
  }

  assert {
    condition     = aws_vpc_endpoint.s3[0].route_table_ids == toset(["rtb-0aaaaaaaaaaaaaaaa", "rtb-0mmmmmmmmmmmmmmmm"])
    error_message = "With one subnet explicitly associated and one not, both its table and the main table get the S3 route."
  }
}

run "main_route_table_is_left_alone_when_every_subnet_is_associated" {
  command = plan

  override_data {
    target = data.aws_route_tables.main
    values = {
      ids = ["rtb-0mmmmmmmmmmmmmmmm"]
    }
  }

  assert {
    condition     = aws_vpc_endpoint.s3[0].route_table_ids == toset(["rtb-0aaaaaaaaaaaaaaaa"])
    error_message = "The main route table gets no S3 route when every private subnet has its own route table."
  }
}

run "reject_private_subnets_without_any_route_table" {
  command = plan

  override_data {
    target = data.aws_route_tables.private_subnet
    values = {
      ids = []
    }
  }

  override_data {
    target = data.aws_route_tables.main
    values = {
      ids = []
    }
  }

  expect_failures = [aws_vpc_endpoint.s3]
}

run "endpoints_can_be_left_to_an_existing_vpc" {
  command = plan

  variables {
    vpc_endpoints = { ecr_api = false, ecr_dkr = false, logs = false, s3 = false }
  }

  assert {
    condition     = length(aws_vpc_endpoint.interface) == 0 && length(aws_vpc_endpoint.s3) == 0 && length(aws_security_group.endpoints) == 0
    error_message = "With every endpoint switched off there are no endpoints and no security group."
  }

  assert {
    condition     = output.vpc_endpoint_ids == {}
    error_message = "vpc_endpoint_ids is empty without endpoints."
  }
}

# An S3 gateway endpoint the VPC already has makes a second one fail (RouteAlreadyExists on its route tables).
run "existing_s3_gateway_endpoint_is_left_alone" {
  command = plan

  variables {
    vpc_endpoints = { s3 = false }
  }

  assert {
    condition     = length(aws_vpc_endpoint.s3) == 0 && toset(keys(aws_vpc_endpoint.interface)) == toset(["ecr.api", "ecr.dkr", "logs"])
    error_message = "s3 = false skips only the S3 gateway endpoint; the interface endpoints are still created."
  }

  assert {
    condition     = toset(keys(output.vpc_endpoint_ids)) == toset(["ecr.api", "ecr.dkr", "logs"])
    error_message = "vpc_endpoint_ids lists only the endpoints this root created."
  }
}

# A second interface endpoint with private DNS for a service the VPC already has one for is refused.
run "existing_interface_endpoint_is_left_alone" {
  command = plan

  variables {
    vpc_endpoints = { logs = false }
  }

  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["ecr.api", "ecr.dkr"]) && length(aws_vpc_endpoint.s3) == 1 && length(aws_security_group.endpoints) == 1
    error_message = "logs = false skips only the logs interface endpoint."
  }
}

run "reject_private_dns_in_a_vpc_without_dns_hostnames" {
  command = plan

  override_data {
    target = module.network.data.aws_vpc.this
    values = {
      id                   = "vpc-0123456789abcdef0"
      cidr_block           = "10.55.0.0/16"
      enable_dns_support   = true
      enable_dns_hostnames = false
    }
  }

  expect_failures = [aws_vpc_endpoint.interface]
}

run "vpc_without_dns_hostnames_is_fine_without_interface_endpoints" {
  command = plan

  variables {
    vpc_endpoints = { ecr_api = false, ecr_dkr = false, logs = false }
  }

  override_data {
    target = module.network.data.aws_vpc.this
    values = {
      id                   = "vpc-0123456789abcdef0"
      cidr_block           = "10.55.0.0/16"
      enable_dns_support   = false
      enable_dns_hostnames = false
    }
  }

  assert {
    condition     = length(aws_vpc_endpoint.s3) == 1
    error_message = "The S3 gateway endpoint needs no VPC DNS settings."
  }
}

# GovCloud and China: service names come from the partition, not a hard-coded com.amazonaws.
run "endpoint_service_names_follow_the_partition" {
  command = plan

  variables {
    aws_region = "cn-north-1"
  }

  override_data {
    target = data.aws_partition.current
    values = {
      partition          = "aws-cn"
      dns_suffix         = "amazonaws.com.cn"
      reverse_dns_prefix = "cn.com.amazonaws"
    }
  }

  assert {
    condition     = aws_vpc_endpoint.interface["ecr.dkr"].service_name == "cn.com.amazonaws.cn-north-1.ecr.dkr"
    error_message = "Interface endpoint service names start with the partition's reverse DNS prefix."
  }
}

run "reject_repository_name_uppercase" {
  command = plan
  variables {
    repository_name = "Fargate"
  }
  expect_failures = [var.repository_name]
}

run "reject_max_image_count_zero" {
  command = plan
  variables {
    max_image_count = 0
  }
  expect_failures = [var.max_image_count]
}

run "reject_untagged_image_expiry_days_fraction" {
  command = plan
  variables {
    untagged_image_expiry_days = 1.5
  }
  expect_failures = [var.untagged_image_expiry_days]
}

run "reject_project_name_too_long" {
  command = plan
  variables {
    project_name = "a-project-name-that-is-too-long-for-an-alb"
  }
  expect_failures = [var.project_name]
}

run "reject_aws_region_not_a_region" {
  command = plan
  variables {
    aws_region = "europe"
  }
  expect_failures = [var.aws_region]
}

run "reject_private_vpc_name_empty" {
  command = plan
  variables {
    private_vpc_name = ""
  }
  expect_failures = [var.private_vpc_name]
}

run "reject_stage_name_with_slash" {
  command = plan
  variables {
    stage_name = "dev/v1"
  }
  expect_failures = [var.stage_name]
}

run "reject_private_subnet_name_pattern_blank" {
  command = plan
  variables {
    private_subnet_name_pattern = " "
  }
  expect_failures = [var.private_subnet_name_pattern]
}
