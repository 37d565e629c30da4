# ignore_changes of the service root: apply once against a mocked AWS provider, then plan again with a
# changed count and a new task revision. Mocked values are generated at apply (the default), since an
# apply run with plan-time values fails as an inconsistent final plan.

mock_provider "aws" {
  source = "./tests/mocks"
}

override_data {
  target = data.terraform_remote_state.task
  values = {
    outputs = {
      task_definition_arn = "arn:aws:ecs:eu-west-2:123456789012:task-definition/fargate-auto-scaled-backend:1"
      container_name      = "app"
      container_port      = 3000
    }
  }
}

# Zones of the mocked subnets: a and c share eu-west-2a, so one of them must be left out.
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

# Valid ARNs where the provider validates references to them.
override_resource {
  target = aws_appautoscaling_policy.scale_up
  values = {
    arn = "arn:aws:autoscaling:eu-west-2:123456789012:scalingPolicy:11111111-1111-1111-1111-111111111111:resource/ecs/service/fargate-auto-scaled-backend/fargate-auto-scaled-backend:policyName/fargate-auto-scaled-backend-cpu-scale-up"
  }
}

override_resource {
  target = aws_appautoscaling_policy.scale_down
  values = {
    arn = "arn:aws:autoscaling:eu-west-2:123456789012:scalingPolicy:22222222-2222-2222-2222-222222222222:resource/ecs/service/fargate-auto-scaled-backend/fargate-auto-scaled-backend:policyName/fargate-auto-scaled-backend-cpu-scale-down"
  }
}

override_resource {
  target = aws_lb_target_group.this["blue"]
  values = {
    arn = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/fargate-auto-scaled-backend-blue/0123456789abcdef"
  }
}

override_resource {
  target = aws_lb_target_group.this["green"]
  values = {
    arn = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/fargate-auto-scaled-backend-green/0123456789abcdef"
  }
}

override_resource {
  target = aws_lb.this
  values = {
    arn        = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/fargate-auto-scaled-backend/0123456789abcdef"
    arn_suffix = "app/fargate-auto-scaled-backend/0123456789abcdef"
  }
}

override_resource {
  target = aws_lb_listener.this
  values = {
    arn = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:listener/app/fargate-auto-scaled-backend/0123456789abcdef/0123456789abcdef"
  }
}

variables {
  state_bucket = "fasb-test-tfstate"
}

run "first_apply" {
  command = apply
}

run "later_apply_leaves_what_codedeploy_and_autoscaling_own" {
  command = plan

  variables {
    min_task_count = 2
  }

  override_data {
    target = data.terraform_remote_state.task
    values = {
      outputs = {
        task_definition_arn = "arn:aws:ecs:eu-west-2:123456789012:task-definition/fargate-auto-scaled-backend:2"
        container_name      = "app"
        container_port      = 3000
      }
    }
  }

  assert {
    condition     = aws_ecs_service.this.desired_count == 1
    error_message = "desired_count is autoscaling's: an apply keeps the running count."
  }

  assert {
    condition     = aws_ecs_service.this.task_definition == "arn:aws:ecs:eu-west-2:123456789012:task-definition/fargate-auto-scaled-backend:1"
    error_message = "task_definition is CodeDeploy's: an apply does not start a deployment."
  }

  assert {
    condition     = aws_appautoscaling_target.this.min_capacity == 2
    error_message = "The autoscaling minimum still follows min_task_count."
  }
}


# UpdateService: "For services using the blue/green (CODE_DEPLOY) deployment controller, only the desired
# count, deployment configuration, health check grace period, task placement constraints and strategies,
# enable ECS managed tags option, and propagate tags can be updated using this API. If the network
# configuration, platform version, task definition, or load balancer need to be updated, create a new
# CodeDeploy deployment." So a new subnet must not reach UpdateService; it reaches the outputs that the
# next deployment's AppSpec carries.
run "later_apply_leaves_the_network_configuration_to_the_next_deployment" {
  command = plan

  override_data {
    target = module.network.data.aws_subnet.private["subnet-0cccccccccccccccc"]
    values = { availability_zone = "eu-west-2c" }
  }

  assert {
    condition     = aws_ecs_service.this.network_configuration[0].subnets == toset(["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"])
    error_message = "The service keeps its network configuration: CODE_DEPLOY services refuse it in UpdateService."
  }

  assert {
    condition     = output.task_subnet_ids == ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb", "subnet-0cccccccccccccccc"]
    error_message = "The new subnets reach task_subnet_ids, which the next deployment's AppSpec carries."
  }
}
