################################################################################
# VPC
################################################################################

output "vpc_id" {
  description = "ID of the VPC."
  value       = data.aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "Primary CIDR block of the VPC."
  value       = data.aws_vpc.this.cidr_block
}

output "vpc_dns_enabled" {
  description = "Whether the VPC has both DNS support and DNS hostnames enabled (needed by private DNS on interface endpoints)."
  value       = data.aws_vpc.this.enable_dns_support && data.aws_vpc.this.enable_dns_hostnames
}

################################################################################
# Subnets
################################################################################

output "subnet_ids" {
  description = "One private subnet per availability zone (the lowest ID of each zone), in zone order; at least two zones."
  value       = [for zone in local.zones : local.subnet_per_zone[zone]]

  # CreateLoadBalancer (Application Load Balancers): "You must specify subnets from at least two Availability
  # Zones. You can specify only one subnet per Availability Zone."
  precondition {
    condition     = length(local.zones) >= 2
    error_message = "The private subnets (Name tag matching private_subnet_name_pattern in the VPC named private_vpc_name) must span at least two availability zones; found ${length(data.aws_subnets.private.ids)} subnet(s) in ${length(local.zones)} zone(s) ${jsonencode(local.zones)}. The internal ALB needs two zones."
  }
}
