################################################################################
# Logs
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest with AWS-owned keys; the app logs no secrets, so a KMS key is cost without benefit.
  #checkov:skip=CKV_AWS_338:Retention is a variable (default 30 days) for a demo service; one year of request logs is not wanted by default.
  name              = "/ecs/${var.project_name}"
  retention_in_days = var.log_retention_days
}

################################################################################
# Execution role (ECS agent: pull the image, write logs)
################################################################################

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "task_exec" {
  name               = "${var.project_name}-task-exec"
  description        = "ECS agent role of ${var.project_name}: pulls the image from ECR and writes container logs"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

# AWS-managed policies live in the account's partition (arn:aws-us-gov:, arn:aws-cn:).
data "aws_partition" "current" {}

resource "aws_iam_role_policy_attachment" "task_exec" {
  role       = aws_iam_role.task_exec.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

################################################################################
# Task definition
################################################################################

locals {
  container_name = "app"

  # BASE_PATH is the API stage name: API Gateway forwards /<stage>/... to the ALB unchanged.
  environment = merge(var.container_environment, {
    BASE_PATH = var.stage_name
    IMAGE     = var.image_uri
    PORT      = tostring(var.container_port)
  })

  container = {
    name      = local.container_name
    image     = var.image_uri
    essential = true
    user      = var.container_user

    portMappings = [{
      containerPort = var.container_port
      hostPort      = var.container_port
      protocol      = "tcp"
    }]

    environment = [for name in sort(keys(local.environment)) : { name = name, value = local.environment[name] }]

    # Only /tmp is writable (nginx and FCGIApp keep their runtime files in /tmp/fcgiapp).
    readonlyRootFilesystem = true
    mountPoints = [{
      sourceVolume  = "tmp"
      containerPath = "/tmp"
      readOnly      = false
    }]

    # The app's own check goes through nginx to FCGIApp, so it proves both processes answer.
    healthCheck = {
      command     = ["CMD", "/opt/fcgiapp/bin/FCGIApp", "healthcheck"]
      interval    = var.health_check.interval
      timeout     = var.health_check.timeout
      retries     = var.health_check.retries
      startPeriod = var.health_check.start_period
    }

    # ECS sends SIGTERM once the target has drained, then waits this long before SIGKILL: the container's own stop
    # (lame duck, nginx drain, app drain) fits in 10 s.
    stopTimeout = var.stop_timeout_seconds

    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = var.aws_region
        awslogs-stream-prefix = local.container_name
      }
    }
  }
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.project_name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(var.task_cpu)
  memory                   = tostring(var.task_memory)
  execution_role_arn       = aws_iam_role.task_exec.arn
  container_definitions    = jsonencode([local.container])

  # A new image replaces the revision; the old one stays registered so CodeDeploy can roll back to it.
  skip_destroy = var.retain_task_definition_revisions

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  # Fargate ephemeral storage mounted at /tmp (the root filesystem is read-only).
  volume {
    name = "tmp"
  }
}
