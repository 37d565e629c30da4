################################################################################
# The user's VPC and its private subnets, looked up by tag, one subnet per availability zone
################################################################################

data "aws_vpc" "this" {
  tags = {
    Name = var.private_vpc_name
  }
}

data "aws_subnets" "private" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.this.id]
  }

  filter {
    name   = "tag:Name"
    values = [var.private_subnet_name_pattern]
  }
}

data "aws_subnet" "private" {
  for_each = toset(data.aws_subnets.private.ids)

  id = each.key
}

locals {
  # The ALB, the VPC link and interface endpoints refuse two subnets in one zone, so the lowest subnet ID
  # of each zone is taken (stable across plans) and the rest are left alone.
  subnet_ids_by_zone = { for s in data.aws_subnet.private : s.availability_zone => s.id... }
  subnet_per_zone    = { for zone, ids in local.subnet_ids_by_zone : zone => sort(ids)[0] }
  zones              = sort(keys(local.subnet_per_zone))
}
