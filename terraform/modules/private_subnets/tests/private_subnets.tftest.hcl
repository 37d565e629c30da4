# Plan-time checks of the subnet lookup against a mocked AWS provider: three private subnets, two of them in
# one zone.

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

  mock_data "aws_subnets" {
    defaults = {
      ids = ["subnet-0ccccccccccccccc1", "subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb1"]
    }
  }
}

override_data {
  target = data.aws_subnet.private["subnet-0aaaaaaaaaaaaaaa1"]
  values = { availability_zone = "eu-west-2a" }
}

override_data {
  target = data.aws_subnet.private["subnet-0bbbbbbbbbbbbbbb1"]
  values = { availability_zone = "eu-west-2b" }
}

override_data {
  target = data.aws_subnet.private["subnet-0ccccccccccccccc1"]
  values = { availability_zone = "eu-west-2a" }
}

variables {
  private_vpc_name            = "private-vpc"
  private_subnet_name_pattern = "*-private-*"
}

run "one_subnet_per_zone" {
  command = plan

  assert {
    condition     = output.subnet_ids == ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb1"]
    error_message = "One subnet per zone (the lowest ID of each), in zone order; the second eu-west-2a subnet is left out."
  }

  assert {
    condition     = output.vpc_dns_enabled
    error_message = "DNS support and hostnames are reported as enabled."
  }
}

run "vpc_without_dns_hostnames_is_reported" {
  command = plan

  override_data {
    target = data.aws_vpc.this
    values = {
      id                   = "vpc-0123456789abcdef0"
      cidr_block           = "10.55.0.0/16"
      enable_dns_support   = true
      enable_dns_hostnames = false
    }
  }

  assert {
    condition     = !output.vpc_dns_enabled
    error_message = "A VPC without DNS hostnames is reported as not DNS-enabled."
  }
}

run "reject_subnets_in_one_zone" {
  command = plan

  override_data {
    target = data.aws_subnet.private["subnet-0bbbbbbbbbbbbbbb1"]
    values = { availability_zone = "eu-west-2a" }
  }

  expect_failures = [output.subnet_ids]
}

run "reject_no_subnets" {
  command = plan

  override_data {
    target = data.aws_subnets.private
    values = { ids = [] }
  }

  expect_failures = [output.subnet_ids]
}
