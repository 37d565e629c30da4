# Mocked AWS values shared by the service root's test files (loaded with `source` in mock_provider).

mock_data "aws_vpc" {
  defaults = {
    id         = "vpc-0123456789abcdef0"
    cidr_block = "10.55.0.0/16"
  }
}

# Three private subnets, two of them in one zone (each test file sets the zones with override_data).
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

mock_data "aws_ec2_managed_prefix_list" {
  defaults = {
    id = "pl-0123456789abcdef0"
  }
}

mock_data "aws_iam_policy_document" {
  defaults = {
    json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}

mock_resource "aws_ecs_cluster" {
  defaults = {
    name = "fargate-auto-scaled-backend"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::123456789012:role/fargate-auto-scaled-backend-codedeploy"
  }
}
