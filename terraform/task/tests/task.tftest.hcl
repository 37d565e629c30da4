# Plan-time checks of the task root against a mocked AWS provider.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
}

variables {
  image_uri = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/fargate-auto-scaled-backend@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
}

run "container_runs_the_app_as_the_pipeline_expects" {
  command = plan

  assert {
    condition     = aws_ecs_task_definition.this.family == "fargate-auto-scaled-backend" && aws_ecs_task_definition.this.requires_compatibilities == toset(["FARGATE"]) && aws_ecs_task_definition.this.network_mode == "awsvpc"
    error_message = "A Fargate (awsvpc) task family named after the project."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].name == "app" && output.container_name == "app"
    error_message = "The container is named app."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].portMappings[0].containerPort == 3000 && output.container_port == 3000
    error_message = "The container listens on 3000."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].image == var.image_uri
    error_message = "The image is image_uri."
  }

  assert {
    condition = {
      for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name => e.value
    } == { BASE_PATH = "dev", IMAGE = var.image_uri, PORT = "3000" }
    error_message = "BASE_PATH is the stage name, IMAGE the image URI with digest, PORT the container port."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].healthCheck.command == ["CMD", "/opt/fcgiapp/bin/FCGIApp", "healthcheck"]
    error_message = "The container health check is the app's own healthcheck command."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].readonlyRootFilesystem == true
    error_message = "The root filesystem is read-only."
  }

  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].mountPoints == [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }] &&
      [for v in aws_ecs_task_definition.this.volume : v.name] == ["tmp"]
    )
    error_message = "A writable tmp volume is mounted at /tmp."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].user == "app"
    error_message = "The container runs as the non-root user app."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].stopTimeout == 45
    error_message = "stopTimeout defaults to 45 s."
  }

  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].logConfiguration.logDriver == "awslogs" &&
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].logConfiguration.options["awslogs-group"] == "/ecs/fargate-auto-scaled-backend" &&
      aws_cloudwatch_log_group.this.retention_in_days == 30
    )
    error_message = "Logs go to /ecs/<project> through awslogs, kept 30 days."
  }

  assert {
    condition     = aws_ecs_task_definition.this.skip_destroy == true
    error_message = "Old revisions stay registered so CodeDeploy can roll back."
  }

  assert {
    condition     = aws_ecs_task_definition.this.cpu == "256" && aws_ecs_task_definition.this.memory == "512"
    error_message = "The default size is 256 CPU units / 512 MiB."
  }

  assert {
    condition     = aws_iam_role_policy_attachment.task_exec.policy_arn == "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    error_message = "The execution role has the ECS task execution policy."
  }
}

run "extra_environment_and_stage_flow_into_the_container" {
  command = plan

  variables {
    stage_name            = "prod"
    container_environment = { FCGI_WORKERS = "32" }
  }

  assert {
    condition = {
      for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name => e.value
    } == { BASE_PATH = "prod", FCGI_WORKERS = "32", IMAGE = var.image_uri, PORT = "3000" }
    error_message = "container_environment is added; BASE_PATH follows stage_name."
  }
}

run "reject_image_uri_without_digest" {
  command = plan
  variables {
    image_uri = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/fargate-auto-scaled-backend:latest"
  }
  expect_failures = [var.image_uri]
}

run "reject_container_port_privileged" {
  command = plan
  variables {
    container_port = 80
  }
  expect_failures = [var.container_port]
}

run "reject_container_user_uid_0" {
  command = plan
  variables {
    container_user = "0"
  }
  expect_failures = [var.container_user]
}

run "reject_container_user_name_root" {
  command = plan
  variables {
    container_user = "root"
  }
  expect_failures = [var.container_user]
}

run "reject_container_user_uid_0_with_group" {
  command = plan
  variables {
    container_user = "0:10001"
  }
  expect_failures = [var.container_user]
}

run "reject_container_user_root_with_group" {
  command = plan
  variables {
    container_user = "root:app"
  }
  expect_failures = [var.container_user]
}

run "reject_container_user_uid_00" {
  command = plan
  variables {
    container_user = "00"
  }
  expect_failures = [var.container_user]
}

run "reject_container_user_uid_0_group_0" {
  command = plan
  variables {
    container_user = "0:0"
  }
  expect_failures = [var.container_user]
}

run "reject_container_user_root_root" {
  command = plan
  variables {
    container_user = "root:root"
  }
  expect_failures = [var.container_user]
}

run "reject_container_user_uid_000_with_group" {
  command = plan
  variables {
    container_user = "000:app"
  }
  expect_failures = [var.container_user]
}

# Only the user decides: a non-root user in the root group is not root.
run "accept_container_user_non_root_uid_in_group_0" {
  command = plan
  variables {
    container_user = "10001:0"
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].user == "10001:0"
    error_message = "A non-root uid with group 0 is accepted."
  }
}

run "accept_container_user_uid_with_leading_digit_zero_not_root" {
  command = plan
  variables {
    container_user = "0100"
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].user == "0100"
    error_message = "uid 0100 (100) is not root."
  }
}

# GovCloud and China: the managed policy ARN takes the partition of the account.
run "execution_policy_arn_follows_the_partition" {
  command = plan

  override_data {
    target = data.aws_partition.current
    values = {
      partition = "aws-cn"
    }
  }

  assert {
    condition     = aws_iam_role_policy_attachment.task_exec.policy_arn == "arn:aws-cn:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    error_message = "The execution role's managed policy ARN uses the partition (arn:aws-cn: in China)."
  }
}

run "reject_container_environment_overriding_base_path" {
  command = plan
  variables {
    container_environment = { BASE_PATH = "other" }
  }
  expect_failures = [var.container_environment]
}

run "reject_stop_timeout_above_fargate_limit" {
  command = plan
  variables {
    stop_timeout_seconds = 121
  }
  expect_failures = [var.stop_timeout_seconds]
}

run "reject_stop_timeout_below_container_stop_budget" {
  command = plan
  variables {
    stop_timeout_seconds = 9
  }
  expect_failures = [var.stop_timeout_seconds]
}

run "reject_health_check_timeout_not_below_interval" {
  command = plan
  variables {
    health_check = { interval = 10, timeout = 10 }
  }
  expect_failures = [var.health_check]
}

run "reject_task_cpu_not_fargate" {
  command = plan
  variables {
    task_cpu = 300
  }
  expect_failures = [var.task_cpu]
}

run "reject_task_memory_invalid_for_cpu" {
  command = plan
  variables {
    task_cpu    = 256
    task_memory = 4096
  }
  expect_failures = [var.task_memory]
}

run "accept_task_memory_valid_for_larger_cpu" {
  command = plan
  variables {
    task_cpu    = 1024
    task_memory = 4096
  }

  assert {
    condition     = aws_ecs_task_definition.this.cpu == "1024" && aws_ecs_task_definition.this.memory == "4096"
    error_message = "1024 CPU units with 4096 MiB is a valid Fargate pair."
  }
}

run "reject_cpu_architecture_unknown" {
  command = plan
  variables {
    cpu_architecture = "AMD64"
  }
  expect_failures = [var.cpu_architecture]
}

run "reject_log_retention_days_not_a_cloudwatch_value" {
  command = plan
  variables {
    log_retention_days = 10
  }
  expect_failures = [var.log_retention_days]
}
