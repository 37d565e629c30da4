################################################################################
# Repository
################################################################################

output "repository_url" {
  description = "Repository URL (registry/name) to push images to and build image_uri from."
  value       = aws_ecr_repository.this.repository_url
}

output "repository_name" {
  description = "Repository name."
  value       = aws_ecr_repository.this.name
}

output "repository_arn" {
  description = "Repository ARN."
  value       = aws_ecr_repository.this.arn
}

################################################################################
# VPC endpoints
################################################################################

output "vpc_endpoint_ids" {
  description = "IDs of the VPC endpoints by service (ecr.api, ecr.dkr, logs, s3); only those this root created (see vpc_endpoints)."
  value       = merge({ for k, e in aws_vpc_endpoint.interface : k => e.id }, { for e in aws_vpc_endpoint.s3 : "s3" => e.id })
}
