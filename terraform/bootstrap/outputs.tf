################################################################################
# State bucket
################################################################################

output "state_bucket_name" {
  description = "Name of the state bucket; put it in your backend config file (bucket = ...)."
  value       = aws_s3_bucket.state.id
}

output "state_bucket_arn" {
  description = "ARN of the state bucket."
  value       = aws_s3_bucket.state.arn
}

output "backend_config" {
  description = "Content for a backend config file the other roots can use with -backend-config."
  value       = <<-EOT
    bucket       = "${aws_s3_bucket.state.id}"
    region       = "${var.aws_region}"
    encrypt      = true
    use_lockfile = true
  EOT
}

################################################################################
# GitHub OIDC and deploy role
################################################################################

output "deploy_role_arn" {
  description = "ARN of the role the GitHub workflows assume (the AWS_ROLE variable of the repository)."
  value       = aws_iam_role.deploy.arn
}

output "deploy_policy_arns" {
  description = "ARNs of the deploy role's managed policies, by concern (state, images, network, service, delivery, iam)."
  value       = { for concern, policy in aws_iam_policy.deploy : concern => policy.arn }
}

output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider."
  value       = local.oidc_provider_arn
}

output "plan_role_arn" {
  description = "ARN of the read-only role pull requests assume to plan (the AWS_PLAN_ROLE variable of the repository); null when create_plan_role is false."
  value       = try(aws_iam_role.plan[0].arn, null)
}
