# Plan-time checks of the network root against a mocked AWS provider. The service root's outputs come
# from an overridden terraform_remote_state.

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

override_data {
  target = data.terraform_remote_state.service
  values = {
    outputs = {
      listener_arn          = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:listener/app/fargate-auto-scaled-backend/0123456789abcdef/0123456789abcdef"
      listener_port         = 80
      alb_security_group_id = "sg-0a1b2c3d4e5f60718"
    }
  }
}

override_resource {
  target          = aws_apigatewayv2_api.this
  override_during = plan
  values = {
    id           = "abc123defg"
    api_endpoint = "https://abc123defg.execute-api.eu-west-2.amazonaws.com"
  }
}

override_resource {
  target          = aws_apigatewayv2_vpc_link.this
  override_during = plan
  values = {
    id = "vlk0123"
  }
}

override_resource {
  target          = aws_apigatewayv2_integration.alb
  override_during = plan
  values = {
    id = "int0123"
  }
}

override_resource {
  target          = aws_security_group.vpc_link
  override_during = plan
  values = {
    id = "sg-0ffffffffffffffff"
  }
}

override_resource {
  target          = aws_cloudwatch_log_group.access
  override_during = plan
  values = {
    arn = "arn:aws:logs:eu-west-2:123456789012:log-group:/aws/apigateway/fargate-auto-scaled-backend"
  }
}

variables {
  state_bucket = "fasb-test-tfstate"
}

run "route_integration_listener_chain" {
  command = plan

  assert {
    condition     = aws_apigatewayv2_api.this.protocol_type == "HTTP"
    error_message = "An HTTP API."
  }

  assert {
    condition     = aws_apigatewayv2_route.proxy.route_key == "ANY /{proxy+}" && aws_apigatewayv2_route.proxy.target == "integrations/int0123"
    error_message = "ANY /{proxy+} routes to the ALB integration."
  }

  # A greedy path variable catches the child resources of a route, not the route's own path (HTTP API
  # routes: "A greedy path variable catches all child resources of a route"), so /<stage> and /<stage>/
  # need ANY / to reach the app (and its JSON 404) instead of API Gateway's own Not Found.
  assert {
    condition     = aws_apigatewayv2_route.root.route_key == "ANY /" && aws_apigatewayv2_route.root.target == "integrations/int0123"
    error_message = "ANY / routes to the same ALB integration."
  }

  assert {
    condition = (
      aws_apigatewayv2_integration.alb.integration_type == "HTTP_PROXY" &&
      aws_apigatewayv2_integration.alb.integration_method == "ANY" &&
      aws_apigatewayv2_integration.alb.integration_uri == "arn:aws:elasticloadbalancing:eu-west-2:123456789012:listener/app/fargate-auto-scaled-backend/0123456789abcdef/0123456789abcdef"
    )
    error_message = "The integration proxies every method to the service root's listener."
  }

  assert {
    condition     = aws_apigatewayv2_integration.alb.connection_type == "VPC_LINK" && aws_apigatewayv2_integration.alb.connection_id == "vlk0123"
    error_message = "The integration goes through the VPC link."
  }

  assert {
    condition = (
      aws_apigatewayv2_vpc_link.this.subnet_ids == toset(["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]) &&
      aws_apigatewayv2_vpc_link.this.security_group_ids == toset(["sg-0ffffffffffffffff"])
    )
    error_message = "The VPC link sits in one private subnet per zone with its own security group."
  }
}

run "stage_named_by_variable_with_logs_and_throttling" {
  command = plan

  assert {
    condition     = aws_apigatewayv2_stage.this.name == "dev" && aws_apigatewayv2_stage.this.auto_deploy
    error_message = "The stage is named by stage_name (dev) and deploys automatically."
  }

  assert {
    condition     = aws_apigatewayv2_stage.this.access_log_settings[0].destination_arn == "arn:aws:logs:eu-west-2:123456789012:log-group:/aws/apigateway/fargate-auto-scaled-backend"
    error_message = "Access logs go to the API's log group."
  }

  assert {
    condition     = jsondecode(aws_apigatewayv2_stage.this.access_log_settings[0].format).status == "$context.status"
    error_message = "The access log format is JSON with the response status."
  }

  assert {
    condition     = aws_apigatewayv2_stage.this.default_route_settings[0].throttling_rate_limit == 100 && aws_apigatewayv2_stage.this.default_route_settings[0].throttling_burst_limit == 200
    error_message = "Default throttling: 100 requests/s, burst 200."
  }

  assert {
    condition     = aws_cloudwatch_log_group.access.retention_in_days == 30
    error_message = "Access logs are kept 30 days."
  }
}

run "stage_follows_stage_name" {
  command = plan

  variables {
    stage_name = "prod"
  }

  assert {
    condition     = aws_apigatewayv2_stage.this.name == "prod"
    error_message = "stage_name names the stage."
  }
}

run "alb_accepts_only_the_vpc_link" {
  command = plan

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.alb_from_vpc_link[0].security_group_id == "sg-0a1b2c3d4e5f60718" &&
      aws_vpc_security_group_ingress_rule.alb_from_vpc_link[0].referenced_security_group_id == "sg-0ffffffffffffffff" &&
      aws_vpc_security_group_ingress_rule.alb_from_vpc_link[0].from_port == 80
    )
    error_message = "The ALB's group admits port 80 from the VPC link's group."
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.vpc_link_to_alb.cidr_ipv4 == "10.55.0.0/16" && aws_vpc_security_group_egress_rule.vpc_link_to_alb.to_port == 80
    error_message = "The VPC link may send HTTP into the VPC (a CIDR, so it never blocks deleting the ALB's group)."
  }
}

run "destroy_after_the_service_root_is_gone" {
  command = plan

  # What the service state holds after the Destroy workflow destroyed it: no outputs, so the defaults apply.
  override_data {
    target = data.terraform_remote_state.service
    values = {
      outputs = {
        listener_arn          = null
        listener_port         = 80
        alb_security_group_id = null
      }
    }
  }

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.alb_from_vpc_link) == 0
    error_message = "Without the service root there is no ALB group to add a rule to."
  }

  expect_failures = [aws_apigatewayv2_integration.alb]
}

run "reject_state_bucket_invalid" {
  command = plan
  variables {
    state_bucket = "ab"
  }
  expect_failures = [var.state_bucket]
}

run "reject_service_state_key_empty" {
  command = plan
  variables {
    service_state_key = ""
  }
  expect_failures = [var.service_state_key]
}

run "reject_throttling_rate_limit_zero" {
  command = plan
  variables {
    throttling_rate_limit = 0
  }
  expect_failures = [var.throttling_rate_limit]
}

run "reject_throttling_burst_limit_over_5000" {
  command = plan
  variables {
    throttling_burst_limit = 5001
  }
  expect_failures = [var.throttling_burst_limit]
}

run "reject_integration_timeout_over_30s" {
  command = plan
  variables {
    integration_timeout_milliseconds = 30001
  }
  expect_failures = [var.integration_timeout_milliseconds]
}

run "reject_access_log_retention_days_not_a_cloudwatch_value" {
  command = plan
  variables {
    access_log_retention_days = 2
  }
  expect_failures = [var.access_log_retention_days]
}
