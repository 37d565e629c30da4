################################################################################
# Existing network (looked up by tag: users bring their own VPC)
################################################################################

module "network" {
  source = "../modules/private_subnets"

  private_vpc_name            = var.private_vpc_name
  private_subnet_name_pattern = var.private_subnet_name_pattern
}

################################################################################
# Load balancer (from the service root, applied before this one)
################################################################################

# The Destroy workflow destroys the service root first; the defaults let this root still plan
# its own destroy once the service state has no outputs left.
data "terraform_remote_state" "service" {
  backend = "s3"

  config = {
    bucket = var.state_bucket
    key    = var.service_state_key
    region = var.aws_region
  }

  defaults = {
    listener_arn          = null
    listener_port         = 80
    alb_security_group_id = null
  }
}

locals {
  service = data.terraform_remote_state.service.outputs
}

################################################################################
# VPC link security group
################################################################################

resource "aws_security_group" "vpc_link" {
  name        = "${var.project_name}-vpc-link"
  description = "API Gateway VPC link of ${var.project_name}: HTTP out to the internal ALB"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "${var.project_name}-vpc-link"
  }
}

# Egress names the VPC CIDR, not the ALB's group: a rule referencing that group would block its
# deletion, and the service root (which owns it) is destroyed before this one.
resource "aws_vpc_security_group_egress_rule" "vpc_link_to_alb" {
  security_group_id = aws_security_group.vpc_link.id
  description       = "HTTP to the internal ALB"
  cidr_ipv4         = module.network.vpc_cidr_block
  ip_protocol       = "tcp"
  from_port         = local.service.listener_port
  to_port           = local.service.listener_port
}

# The ALB accepts only the VPC link. The rule lives here, on the service root's group, because the
# link's group does not exist when the service root is applied (Init order: service, then network).
# Deleting the ALB's group first (Destroy order) is fine: a group's own rules go with it, and this
# rule references the link's group, not the other way round.
resource "aws_vpc_security_group_ingress_rule" "alb_from_vpc_link" {
  # Zero only while destroying after the service root is gone (its outputs then fall back to null).
  count = local.service.alb_security_group_id == null ? 0 : 1

  security_group_id            = local.service.alb_security_group_id
  description                  = "HTTP from the API Gateway VPC link"
  referenced_security_group_id = aws_security_group.vpc_link.id
  ip_protocol                  = "tcp"
  from_port                    = local.service.listener_port
  to_port                      = local.service.listener_port
}

################################################################################
# HTTP API, VPC link, integration, route
################################################################################

resource "aws_apigatewayv2_api" "this" {
  name          = var.project_name
  description   = "Public entrance of ${var.project_name}: forwards every request to the internal ALB"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_vpc_link" "this" {
  name               = var.project_name
  security_group_ids = [aws_security_group.vpc_link.id]
  subnet_ids         = module.network.subnet_ids
}

# For a named stage API Gateway forwards /<stage>/... unchanged, which is why the app's BASE_PATH is the stage name.
resource "aws_apigatewayv2_integration" "alb" {
  api_id                 = aws_apigatewayv2_api.this.id
  description            = "The internal ALB's listener through the VPC link"
  integration_type       = "HTTP_PROXY"
  integration_method     = "ANY"
  integration_uri        = local.service.listener_arn
  connection_type        = "VPC_LINK"
  connection_id          = aws_apigatewayv2_vpc_link.this.id
  payload_format_version = "1.0"
  timeout_milliseconds   = var.integration_timeout_milliseconds

  lifecycle {
    precondition {
      condition     = local.service.listener_arn != null && local.service.alb_security_group_id != null
      error_message = "The service root's state has no listener_arn/alb_security_group_id: apply the service root first (Init order: ecr, task, service, network)."
    }
  }
}

resource "aws_apigatewayv2_route" "proxy" {
  #checkov:skip=CKV_AWS_309:The API is public by design (the seed's /host and /stress-cpu are called anonymously); the stage throttles it.
  api_id    = aws_apigatewayv2_api.this.id
  route_key = "ANY /{proxy+}"
  target    = "integrations/${aws_apigatewayv2_integration.alb.id}"
}

# The greedy {proxy+} catches a route's child resources only, so /<stage> and /<stage>/ would get API
# Gateway's own Not Found instead of the app's JSON 404; this route sends them to the app too.
resource "aws_apigatewayv2_route" "root" {
  #checkov:skip=CKV_AWS_309:The API is public by design (see the proxy route); the stage throttles it.
  api_id    = aws_apigatewayv2_api.this.id
  route_key = "ANY /"
  target    = "integrations/${aws_apigatewayv2_integration.alb.id}"
}

################################################################################
# Stage with access logs and default throttling
################################################################################

resource "aws_cloudwatch_log_group" "access" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest with AWS-owned keys; access logs hold no secrets.
  #checkov:skip=CKV_AWS_338:Retention is a variable (default 30 days); one year of access logs is not wanted by default.
  name              = "/aws/apigateway/${var.project_name}"
  retention_in_days = var.access_log_retention_days
}

resource "aws_apigatewayv2_stage" "this" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = var.stage_name
  auto_deploy = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      ip                 = "$context.identity.sourceIp"
      requestTime        = "$context.requestTime"
      httpMethod         = "$context.httpMethod"
      path               = "$context.path"
      routeKey           = "$context.routeKey"
      status             = "$context.status"
      protocol           = "$context.protocol"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationStatus  = "$context.integrationStatus"
      integrationLatency = "$context.integrationLatency"
      integrationError   = "$context.integrationErrorMessage"
    })
  }

  default_route_settings {
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = var.throttling_burst_limit
  }
}
