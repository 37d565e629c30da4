data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = var.aws_region
  name       = var.project_name
  role_name  = coalesce(var.deploy_role_name, "${var.project_name}-deploy")
  plan_name  = coalesce(var.plan_role_name, "${var.project_name}-plan")
}

################################################################################
# State bucket (versioned, encrypted, private; S3-native locking needs nothing more)
################################################################################

resource "aws_s3_bucket" "state" {
  #checkov:skip=CKV_AWS_18:Access logging needs a second bucket; versioning plus CloudTrail cover who changed a state.
  #checkov:skip=CKV_AWS_144:Cross-region replication of a small state bucket is not worth a second region's bucket here.
  #checkov:skip=CKV2_AWS_62:Nothing consumes event notifications of state writes.
  bucket        = var.state_bucket
  force_destroy = var.state_bucket_force_destroy
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket                  = aws_s3_bucket.state.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    id     = "expire-old-state-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_state_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.state]
}

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.state.arn, "${aws_s3_bucket.state.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })

  depends_on = [aws_s3_bucket_public_access_block.state]
}

################################################################################
# GitHub OIDC provider
################################################################################

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 0 : 1

  url = "https://token.actions.githubusercontent.com"
}

locals {
  # Built from the provider's URL (the ARN IAM gives it) instead of read from the resource, so the trust
  # policy is known at plan time and its size can be checked before apply (Tests/terraform/aws_rules.py).
  oidc_provider_arn = var.create_oidc_provider ? "arn:${local.partition}:iam::${local.account_id}:oidc-provider/token.actions.githubusercontent.com" : data.aws_iam_openid_connect_provider.github[0].arn
}

################################################################################
# Deploy role: assumed by this repository's workflows only
################################################################################

resource "aws_iam_role" "deploy" {
  name                 = local.role_name
  description          = "Assumed by the GitHub workflows of ${var.github_repository} to apply and deploy ${var.project_name}"
  max_session_duration = 3600

  # At most 2,048 characters ("IAM and AWS STS quotas", role trust policy length): github_repository and
  # github_oidc_subjects are validated to fit.
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = local.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = [for s in var.github_oidc_subjects : "repo:${var.github_repository}:${s}"] }
      }
    }]
  })

  depends_on = [aws_iam_openid_connect_provider.github]
}

# Scoped to this project's resources: named ARNs wherever the service supports resource-level
# permissions, explicit action lists (never service:*) where it does not.
locals {
  arn = {
    state_bucket   = "arn:${local.partition}:s3:::${var.state_bucket}"
    ecr_repository = "arn:${local.partition}:ecr:${local.region}:${local.account_id}:repository/${local.name}*"
    ecs_cluster    = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:cluster/${local.name}"
    ecs_service    = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:service/${local.name}/*"
    ecs_task_def   = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${local.name}:*"
    iam_roles      = "arn:${local.partition}:iam::${local.account_id}:role/${local.name}-*"
    deploy_role    = "arn:${local.partition}:iam::${local.account_id}:role/${local.role_name}"
    plan_role      = "arn:${local.partition}:iam::${local.account_id}:role/${local.plan_name}"
    deploy_policies = [
      for concern in local.deploy_policy_concerns : "arn:${local.partition}:iam::${local.account_id}:policy/${local.role_name}-${concern}"
    ]
    log_groups = [
      "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/ecs/${local.name}*",
      "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/apigateway/${local.name}*",
    ]
    alarms    = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${local.name}-*"
    dashboard = "arn:${local.partition}:cloudwatch::${local.account_id}:dashboard/${local.name}"
    # Target groups are named <project_name>-<colour> by the service root.
    elb = [
      "arn:${local.partition}:elasticloadbalancing:${local.region}:${local.account_id}:loadbalancer/app/${local.name}/*",
      "arn:${local.partition}:elasticloadbalancing:${local.region}:${local.account_id}:listener/app/${local.name}/*",
      "arn:${local.partition}:elasticloadbalancing:${local.region}:${local.account_id}:listener-rule/app/${local.name}/*",
      "arn:${local.partition}:elasticloadbalancing:${local.region}:${local.account_id}:targetgroup/${local.name}-*/*",
    ]
    codedeploy = [
      "arn:${local.partition}:codedeploy:${local.region}:${local.account_id}:application:${local.name}",
      "arn:${local.partition}:codedeploy:${local.region}:${local.account_id}:deploymentgroup:${local.name}/*",
    ]
    apigateway = [
      "arn:${local.partition}:apigateway:${local.region}::/apis",
      "arn:${local.partition}:apigateway:${local.region}::/apis/*",
      "arn:${local.partition}:apigateway:${local.region}::/vpclinks",
      "arn:${local.partition}:apigateway:${local.region}::/vpclinks/*",
      "arn:${local.partition}:apigateway:${local.region}::/tags/*",
    ]
  }

  # One managed policy per concern: a single one exceeded the 6,144-character managed policy quota ("IAM and
  # AWS STS quotas"); a role may have 10 attached. Tests/terraform/aws_rules.py checks both on every plan.
  deploy_policy_concerns = ["state", "images", "network", "service", "delivery", "iam"]
  deploy_policies = {
    # Terraform's S3 backend: the state objects and their lock files (use_lockfile).
    state = [
      {
        Sid      = "TerraformStateList"
        Effect   = "Allow"
        Action   = ["s3:ListBucket", "s3:GetBucketVersioning"]
        Resource = [local.arn.state_bucket]
      },
      {
        Sid      = "TerraformStateObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = ["${local.arn.state_bucket}/*"]
      },
    ]

    # The ecr root's repository, and pushing and pulling images (scripts/pipeline/ensure-image.sh, destroy.sh).
    images = [
      {
        Sid      = "EcrLogin"
        Effect   = "Allow"
        Action   = ["ecr:GetAuthorizationToken"]
        Resource = ["*"]
      },
      {
        Sid    = "EcrRepository"
        Effect = "Allow"
        Action = [
          "ecr:CreateRepository", "ecr:DeleteRepository", "ecr:DescribeRepositories", "ecr:ListTagsForResource",
          "ecr:TagResource", "ecr:UntagResource", "ecr:PutLifecyclePolicy", "ecr:GetLifecyclePolicy",
          "ecr:DeleteLifecyclePolicy", "ecr:PutImageScanningConfiguration", "ecr:PutImageTagMutability",
          "ecr:GetRepositoryPolicy", "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload",
          "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage",
          "ecr:GetDownloadUrlForLayer", "ecr:DescribeImages", "ecr:ListImages", "ecr:BatchDeleteImage",
          "ecr:DescribeImageScanFindings",
        ]
        Resource = [local.arn.ecr_repository]
      },
    ]

    # The user's VPC (looked up), our security groups and VPC endpoints, and the API Gateway HTTP API.
    network = [
      {
        Sid      = "Ec2Read"
        Effect   = "Allow"
        Action   = ["ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeSubnets", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "ec2:DescribeVpcEndpoints", "ec2:DescribeVpcEndpointServices", "ec2:DescribePrefixLists", "ec2:DescribeManagedPrefixLists", "ec2:DescribeNetworkInterfaces", "ec2:DescribeAccountAttributes", "ec2:DescribeAvailabilityZones", "ec2:DescribeTags", "ec2:GetManagedPrefixListEntries"]
        Resource = ["*"]
      },
      {
        # Security groups, their rules and the VPC endpoints span VPC, subnet and route-table
        # resources the user owns and we cannot name in advance, so only the actions are scoped.
        Sid    = "Ec2Network"
        Effect = "Allow"
        Action = [
          "ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:AuthorizeSecurityGroupIngress",
          "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
          "ec2:ModifySecurityGroupRules", "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
          "ec2:UpdateSecurityGroupRuleDescriptionsEgress", "ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint",
          "ec2:DeleteVpcEndpoints", "ec2:CreateTags", "ec2:DeleteTags",
        ]
        Resource = ["*"]
      },
      {
        # Dependent actions ("Actions, resources, and condition keys for Amazon EC2"): ec2:CreateVpcEndpoint and
        # ec2:ModifyVpcEndpoint of an interface endpoint with private DNS (the ecr root's ECR and logs endpoints)
        # also need route53:AssociateVPCWithHostedZone for the AWS-managed private hosted zone, and
        # ec2:DeleteVpcEndpoints needs route53:DisassociateVPCFromHostedZone. That zone is not ours to name.
        Sid      = "Route53EndpointPrivateDns"
        Effect   = "Allow"
        Action   = ["route53:AssociateVPCWithHostedZone", "route53:DisassociateVPCFromHostedZone"]
        Resource = ["*"]
      },
      {
        # HTTP API actions are HTTP verbs on API Gateway resource paths.
        Sid      = "ApiGatewayHttpApi"
        Effect   = "Allow"
        Action   = ["apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE", "apigateway:TagResource", "apigateway:UntagResource"]
        Resource = local.arn.apigateway
      },
    ]

    # The service root's cluster, load balancer and ECS service, and the task root's task definitions.
    service = [
      {
        # The provider reads an ALB's capacity reservation (DescribeCapacityReservation) on every refresh.
        Sid      = "ElbRead"
        Effect   = "Allow"
        Action   = ["elasticloadbalancing:DescribeCapacityReservation", "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeTargetHealth"]
        Resource = ["*"]
      },
      {
        Sid    = "ElbWrite"
        Effect = "Allow"
        Action = [
          "elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:DeleteLoadBalancer",
          "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups",
          "elasticloadbalancing:SetSubnets", "elasticloadbalancing:CreateTargetGroup",
          "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyTargetGroup",
          "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:CreateListener",
          "elasticloadbalancing:DeleteListener", "elasticloadbalancing:ModifyListener",
          "elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:AddTags",
          "elasticloadbalancing:RemoveTags",
        ]
        Resource = local.arn.elb
      },
      {
        Sid    = "EcsClusterAndService"
        Effect = "Allow"
        Action = [
          "ecs:CreateCluster", "ecs:DeleteCluster", "ecs:DescribeClusters", "ecs:UpdateCluster",
          "ecs:UpdateClusterSettings", "ecs:CreateService", "ecs:DeleteService", "ecs:UpdateService",
          "ecs:DescribeServices", "ecs:TagResource", "ecs:UntagResource", "ecs:ListTagsForResource",
        ]
        Resource = [local.arn.ecs_cluster, local.arn.ecs_service, local.arn.ecs_task_def]
      },
      {
        # Task definition registration has no resource-level permissions.
        Sid      = "EcsTaskDefinitions"
        Effect   = "Allow"
        Action   = ["ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition", "ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions", "ecs:ListServices", "ecs:ListClusters"]
        Resource = ["*"]
      },
      {
        Sid    = "LogsProjectGroups"
        Effect = "Allow"
        Action = [
          "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
          "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource", "logs:TagLogGroup",
          "logs:ListTagsLogGroup",
        ]
        Resource = local.arn.log_groups
      },
      {
        # Listing log groups and wiring API Gateway access logs (log deliveries) are account-level.
        Sid    = "LogsAccountLevel"
        Effect = "Allow"
        Action = [
          "logs:DescribeLogGroups", "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
          "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies",
        ]
        Resource = ["*"]
      },
    ]

    # Blue/green deployments (CodeDeploy), CPU step scaling and the alarms that drive both.
    delivery = [
      {
        # SetAlarmState: the Scale test workflow's drill mode (scripts/scale/scale-test drill).
        Sid      = "CloudWatchProjectAlarms"
        Effect   = "Allow"
        Action   = ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource", "cloudwatch:SetAlarmState"]
        Resource = [local.arn.alarms]
      },
      {
        # The service root's dashboard (dashboards are global: no region in the ARN).
        Sid      = "CloudWatchProjectDashboard"
        Effect   = "Allow"
        Action   = ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"]
        Resource = [local.arn.dashboard]
      },
      {
        # No resource-level permissions: metric reads (scale-test samples CPUUtilization) and listings.
        Sid      = "CloudWatchRead"
        Effect   = "Allow"
        Action   = ["cloudwatch:DescribeAlarms", "cloudwatch:ListDashboards", "cloudwatch:GetMetricStatistics", "cloudwatch:GetMetricData"]
        Resource = ["*"]
      },
      {
        # Scalable targets and policies are identified by generated IDs, not names.
        Sid    = "ApplicationAutoScaling"
        Effect = "Allow"
        Action = [
          "application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget",
          "application-autoscaling:DescribeScalableTargets", "application-autoscaling:PutScalingPolicy",
          "application-autoscaling:DeleteScalingPolicy", "application-autoscaling:DescribeScalingPolicies",
          "application-autoscaling:DescribeScalingActivities", "application-autoscaling:TagResource",
          "application-autoscaling:UntagResource", "application-autoscaling:ListTagsForResource",
        ]
        Resource = ["*"]
      },
      {
        Sid    = "CodeDeployProject"
        Effect = "Allow"
        Action = [
          "codedeploy:CreateApplication", "codedeploy:DeleteApplication", "codedeploy:GetApplication",
          "codedeploy:UpdateApplication", "codedeploy:CreateDeploymentGroup", "codedeploy:DeleteDeploymentGroup",
          "codedeploy:GetDeploymentGroup", "codedeploy:UpdateDeploymentGroup", "codedeploy:CreateDeployment",
          "codedeploy:GetDeployment", "codedeploy:StopDeployment", "codedeploy:ListDeployments",
          "codedeploy:RegisterApplicationRevision", "codedeploy:GetApplicationRevision",
          "codedeploy:TagResource", "codedeploy:UntagResource", "codedeploy:ListTagsForResource",
        ]
        Resource = local.arn.codedeploy
      },
      {
        Sid      = "CodeDeployConfigs"
        Effect   = "Allow"
        Action   = ["codedeploy:GetDeploymentConfig"]
        Resource = ["arn:${local.partition}:codedeploy:${local.region}:${local.account_id}:deploymentconfig:*"]
      },
    ]

    # The roots' roles (task execution, CodeDeploy), and the Denies that keep the deploy role off itself.
    iam = [
      {
        Sid    = "IamProjectRoles"
        Effect = "Allow"
        Action = [
          "iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateRoleDescription",
          "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:ListRolePolicies",
          "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:GetRolePolicy",
          "iam:DetachRolePolicy",
        ]
        Resource = [local.arn.iam_roles]
      },
      {
        # The deploy role's own name (<project>-deploy) matches the project role pattern above, so without
        # this a workflow could rewrite its own trust policy, widen or detach its policies, or delete itself.
        # The plan role (<project>-plan) matches it too: a main-branch workflow must not widen what pull
        # requests may assume.
        Sid    = "DenyDeployRoleSelfModification"
        Effect = "Deny"
        Action = [
          "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
          "iam:DeleteRolePolicy", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:TagRole",
          "iam:UntagRole", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:PassRole",
        ]
        Resource = var.create_plan_role ? [local.arn.deploy_role, local.arn.plan_role] : [local.arn.deploy_role]
      },
      {
        # Nothing above allows these on customer policies; the Deny keeps it so if a later Allow does.
        Sid    = "DenyDeployPolicyModification"
        Effect = "Deny"
        Action = [
          "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy",
          "iam:TagPolicy", "iam:UntagPolicy",
        ]
        Resource = local.arn.deploy_policies
      },
      {
        Sid      = "IamAttachOnlyOurManagedPolicies"
        Effect   = "Allow"
        Action   = ["iam:AttachRolePolicy"]
        Resource = [local.arn.iam_roles]
        Condition = {
          ArnEquals = {
            "iam:PolicyARN" = [
              "arn:${local.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
              "arn:${local.partition}:iam::aws:policy/AWSCodeDeployRoleForECS",
            ]
          }
        }
      },
      {
        # Dependent action of ecs:RegisterTaskDefinition with an execution role and of
        # codedeploy:CreateDeploymentGroup with a service role.
        Sid       = "IamPassProjectRoles"
        Effect    = "Allow"
        Action    = ["iam:PassRole"]
        Resource  = [local.arn.iam_roles]
        Condition = { StringEquals = { "iam:PassedToService" = ["ecs-tasks.amazonaws.com", "codedeploy.amazonaws.com"] } }
      },
      {
        # Created on first use by elasticloadbalancing:CreateLoadBalancer, ecs:CreateCluster/CreateService,
        # application-autoscaling:RegisterScalableTarget and apigateway:POST of a VPC link.
        Sid       = "IamServiceLinkedRoles"
        Effect    = "Allow"
        Action    = ["iam:CreateServiceLinkedRole"]
        Resource  = ["*"]
        Condition = { StringEquals = { "iam:AWSServiceName" = ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com", "ecs.application-autoscaling.amazonaws.com", "ops.apigateway.amazonaws.com"] } }
      },
      {
        Sid      = "IamReadPolicies"
        Effect   = "Allow"
        Action   = ["iam:GetPolicy", "iam:GetPolicyVersion"]
        Resource = ["arn:${local.partition}:iam::aws:policy/*"]
      },
    ]
  }
}

resource "aws_iam_policy" "deploy" {
  for_each = toset(local.deploy_policy_concerns)

  name        = "${local.role_name}-${each.key}"
  description = "What the ${var.project_name} workflows need to apply, deploy and destroy its Terraform roots: ${each.key}"
  policy      = jsonencode({ Version = "2012-10-17", Statement = local.deploy_policies[each.key] })

  lifecycle {
    precondition {
      condition     = toset(keys(local.deploy_policies)) == toset(local.deploy_policy_concerns)
      error_message = "deploy_policy_concerns must name every deploy policy, so the Deny statement protects them all."
    }
  }
}

resource "aws_iam_role_policy_attachment" "deploy" {
  for_each = aws_iam_policy.deploy

  role       = aws_iam_role.deploy.name
  policy_arn = each.value.arn
}

################################################################################
# Plan role: pull requests plan the roots they touch, read-only
################################################################################

# Assumed by the PR plan workflow (.github/workflows/plan.yml) with a pull_request token only. A refresh reads
# what an apply manages, so its permissions are the deploy policies' read actions (Describe*, Get*, List*, and
# API Gateway's GET), derived from them so the two roles never disagree. Pulling image layers and ECR logins are
# reads a plan never needs. Nothing here writes: no state lock either (the workflow plans with -lock=false).
locals {
  read_action           = "^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*$|^apigateway:GET$"
  plan_excluded_actions = ["ecr:GetAuthorizationToken", "ecr:GetDownloadUrlForLayer"]
  plan_statements = {
    for concern, statements in local.deploy_policies : concern => [
      for statement in statements : merge(statement, {
        Action = [for action in statement.Action : action if can(regex(local.read_action, action)) && !contains(local.plan_excluded_actions, action)]
      }) if statement.Effect == "Allow"
    ]
  }
  # Only statements (and policies) left with an action: IAM refuses an empty one.
  plan_policies = {
    for concern, statements in local.plan_statements : concern => [for statement in statements : statement if length(statement.Action) > 0]
    if length([for statement in statements : statement if length(statement.Action) > 0]) > 0
  }
}

resource "aws_iam_role" "plan" {
  #checkov:skip=CKV_AWS_393:The subject is exactly repo:OWNER/REPO:pull_request (StringEquals, no wildcard); checkov cannot resolve var.github_repository, which its validation holds to OWNER/REPO.
  count = var.create_plan_role ? 1 : 0

  name                 = local.plan_name
  description          = "Assumed by pull request workflows of ${var.github_repository} to plan ${var.project_name} read-only"
  max_session_duration = 3600

  # GitHub's subject for a pull_request event is repo:OWNER/REPO:pull_request ("OpenID Connect reference",
  # GitHub Docs, example subject claims). A pull request from a fork gets no token at all.
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = local.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = "repo:${var.github_repository}:pull_request"
        }
      }
    }]
  })

  depends_on = [aws_iam_openid_connect_provider.github]
}

# One managed policy per deploy concern that has reads: each is a subset of its deploy policy, so it stays
# within the 6,144-character quota, and a role may have 10 ("IAM and AWS STS quotas"; Tests/terraform checks).
resource "aws_iam_policy" "plan" {
  for_each = var.create_plan_role ? local.plan_policies : {}

  name        = "${local.plan_name}-${each.key}"
  description = "What pull requests of ${var.project_name} need to plan its Terraform roots (read-only): ${each.key}"
  policy      = jsonencode({ Version = "2012-10-17", Statement = each.value })
}

resource "aws_iam_role_policy_attachment" "plan" {
  for_each = aws_iam_policy.plan

  role       = aws_iam_role.plan[0].name
  policy_arn = each.value.arn
}
