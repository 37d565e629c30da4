################################################################################
# API Gateway
################################################################################

output "invoke_url" {
  description = "URL of the stage, ending with the stage name (e.g. https://abc123.execute-api.eu-west-2.amazonaws.com/dev); call <invoke_url>/host."
  value       = aws_apigatewayv2_stage.this.invoke_url
}

output "api_id" {
  description = "ID of the HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "api_endpoint" {
  description = "Endpoint of the HTTP API without the stage."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "stage_name" {
  description = "Name of the stage (the app's BASE_PATH)."
  value       = aws_apigatewayv2_stage.this.name
}

output "vpc_link_id" {
  description = "ID of the VPC link."
  value       = aws_apigatewayv2_vpc_link.this.id
}

output "vpc_link_security_group_id" {
  description = "Security group of the VPC link."
  value       = aws_security_group.vpc_link.id
}

output "access_log_group_name" {
  description = "Log group of the stage's access logs."
  value       = aws_cloudwatch_log_group.access.name
}
