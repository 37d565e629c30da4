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
      task_definition_arn  = "arn:aws:ecs:eu-west-2:123456789012:task-definition/fargate-auto-scaled-backend:1"
      container_name       = "app"
      container_port       = 3000
      stop_timeout_seconds = 45
    }
  }
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
  target = aws_lb_target_group.blue
  values = {
    arn  = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/fargate-backend-blue/0123456789abcdef"
    name = "fargate-backend-blue"
  }
}

override_resource {
  target = aws_lb_target_group.green
  values = {
    arn  = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/fargate-backend-green/0123456789abcdef"
    name = "fargate-backend-green"
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
        task_definition_arn  = "arn:aws:ecs:eu-west-2:123456789012:task-definition/fargate-auto-scaled-backend:2"
        container_name       = "app"
        container_port       = 3000
        stop_timeout_seconds = 45
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

