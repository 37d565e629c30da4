# Plan-time checks of the bootstrap root against a mocked AWS provider.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
}

override_resource {
  target          = aws_s3_bucket.state
  override_during = plan
  values = {
    id  = "fasb-test-tfstate"
    arn = "arn:aws:s3:::fasb-test-tfstate"
  }
}

override_resource {
  target          = aws_iam_openid_connect_provider.github
  override_during = plan
  values = {
    arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
  }
}

variables {
  state_bucket      = "fasb-test-tfstate"
  github_repository = "octo-org/fargate-auto-scaled-backend"
}

run "state_bucket_is_versioned_encrypted_and_private" {
  command = plan

  assert {
    condition     = aws_s3_bucket.state.bucket == "fasb-test-tfstate" && aws_s3_bucket.state.force_destroy == false
    error_message = "The state bucket is named by state_bucket and not force-destroyed."
  }

  assert {
    condition     = aws_s3_bucket_versioning.state.versioning_configuration[0].status == "Enabled"
    error_message = "Versioning keeps every state revision."
  }

  assert {
    condition     = one([for r in aws_s3_bucket_server_side_encryption_configuration.state.rule : one(r.apply_server_side_encryption_by_default).sse_algorithm]) == "aws:kms"
    error_message = "States are encrypted with KMS."
  }

  assert {
    condition = (
      aws_s3_bucket_public_access_block.state.block_public_acls && aws_s3_bucket_public_access_block.state.block_public_policy &&
      aws_s3_bucket_public_access_block.state.ignore_public_acls && aws_s3_bucket_public_access_block.state.restrict_public_buckets
    )
    error_message = "All public access is blocked."
  }

  assert {
    condition     = jsondecode(aws_s3_bucket_policy.state.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false" && jsondecode(aws_s3_bucket_policy.state.policy).Statement[0].Effect == "Deny"
    error_message = "Requests without TLS are denied."
  }
}

run "deploy_role_trusts_only_this_repository" {
  command = plan

  assert {
    condition     = aws_iam_openid_connect_provider.github[0].url == "https://token.actions.githubusercontent.com" && aws_iam_openid_connect_provider.github[0].client_id_list == toset(["sts.amazonaws.com"])
    error_message = "The GitHub OIDC provider issues tokens for STS."
  }

  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Principal.Federated == "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    error_message = "Only the GitHub OIDC provider may assume the role."
  }

  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"] == ["repo:octo-org/fargate-auto-scaled-backend:ref:refs/heads/main"]
    error_message = "Only workflows of this repository on main may assume the role."
  }

  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    error_message = "The token audience must be STS."
  }

  assert {
    condition     = aws_iam_role.deploy.name == "fargate-auto-scaled-backend-deploy"
    error_message = "The role is named <project>-deploy by default."
  }
}

run "deploy_policy_is_scoped_to_the_project" {
  command = plan

  assert {
    condition = alltrue(flatten([for s in flatten([for p in aws_iam_policy.deploy : jsondecode(p.policy).Statement]) : [
      for a in s.Action : !endswith(a, ":*") && a != "*"
    ]]))
    error_message = "No statement grants a whole service (service:*)."
  }

  assert {
    condition = alltrue([for s in flatten([for p in aws_iam_policy.deploy : jsondecode(p.policy).Statement]) :
    contains(["Allow", "Deny"], s.Effect) && length(s.Action) > 0 && length(s.Resource) > 0])
    error_message = "Every statement allows or denies a list of actions on a list of resources."
  }

  assert {
    condition = toset([for s in flatten([for p in aws_iam_policy.deploy : jsondecode(p.policy).Statement]) : s.Sid if s.Effect == "Deny"]) == toset([
      "DenyDeployRoleSelfModification", "DenyDeployPolicyModification",
    ])
    error_message = "The only Deny statements are those protecting the deploy role and its policy."
  }

  assert {
    condition = alltrue(flatten([for s in flatten([for p in aws_iam_policy.deploy : jsondecode(p.policy).Statement]) : [
      for r in s.Resource : r == "*" || strcontains(r, "fargate-auto-scaled-backend") || strcontains(r, "fasb-test-tfstate") || strcontains(r, ":apigateway:") || strcontains(r, "deploymentconfig:") || strcontains(r, "iam::aws:policy/")
    ]]))
    error_message = "Named resources are this project's (name prefix, state bucket) or AWS-owned."
  }

  assert {
    condition = one([for s in flatten([for p in aws_iam_policy.deploy : jsondecode(p.policy).Statement]) : s.Resource if s.Sid == "ElbWrite"])[3] == (
      "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/fargate-auto-scaled-backend-*/*"
    )
    error_message = "Target groups are managed by the <project_name>- prefix the service root names them with."
  }

  assert {
    condition = toset(flatten([for s in flatten([for p in aws_iam_policy.deploy : jsondecode(p.policy).Statement]) : s.Resource if s.Sid == "EcsClusterAndService"])) == toset([
      "arn:aws:ecs:eu-west-2:123456789012:cluster/fargate-auto-scaled-backend",
      "arn:aws:ecs:eu-west-2:123456789012:service/fargate-auto-scaled-backend/*",
      "arn:aws:ecs:eu-west-2:123456789012:task-definition/fargate-auto-scaled-backend:*",
    ])
    error_message = "ECS permissions name the project's cluster, service and task family."
  }

  assert {
    condition = one([for s in flatten([for p in aws_iam_policy.deploy : jsondecode(p.policy).Statement]) : s.Condition["StringEquals"]["iam:PassedToService"] if s.Sid == "IamPassProjectRoles"]) == [
      "ecs-tasks.amazonaws.com", "codedeploy.amazonaws.com",
    ]
    error_message = "Project roles may be passed only to ECS tasks and CodeDeploy."
  }

  assert {
    condition = (
      toset(keys(aws_iam_role_policy_attachment.deploy)) == toset(keys(aws_iam_policy.deploy)) &&
      alltrue([for a in aws_iam_role_policy_attachment.deploy : a.role == aws_iam_role.deploy.name])
    )
    error_message = "Every deploy policy is attached to the deploy role."
  }

  assert {
    condition     = length(aws_iam_policy.deploy) > 1 && length(aws_iam_policy.deploy) <= 10
    error_message = "The deploy permissions are split into several managed policies, at most the 10 a role may have attached."
  }

  assert {
    condition     = length(distinct([for s in flatten([for p in aws_iam_policy.deploy : jsondecode(p.policy).Statement]) : s.Sid])) == length(flatten([for p in aws_iam_policy.deploy : jsondecode(p.policy).Statement]))
    error_message = "Every statement appears once across the deploy policies."
  }
}

# The deploy role's name matches role/<project>-*, which the policy lets it manage; an explicit Deny on its
# own ARN stops a workflow from rewriting its trust policy or detaching or replacing its permissions.
run "deploy_role_cannot_modify_itself" {
  command = plan

  assert {
    condition = anytrue([for s in flatten([for p in aws_iam_policy.deploy : jsondecode(p.policy).Statement]) :
      s.Effect == "Deny" && contains(s.Resource, "arn:aws:iam::123456789012:role/fargate-auto-scaled-backend-deploy") &&
      length(setsubtract([
        "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
        "iam:DeleteRolePolicy", "iam:DeleteRole", "iam:UpdateRole", "iam:TagRole", "iam:UntagRole",
        "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary",
      ], s.Action)) == 0
    ])
    error_message = "A Deny statement covers every role-mutating IAM action on the deploy role's own ARN."
  }

  assert {
    condition = anytrue([for s in flatten([for p in aws_iam_policy.deploy : jsondecode(p.policy).Statement]) :
      s.Effect == "Deny" && toset(s.Resource) == toset([for p in aws_iam_policy.deploy : "arn:aws:iam::123456789012:policy/${p.name}"]) &&
      length(setsubtract(["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy"], s.Action)) == 0
    ])
    error_message = "A Deny statement stops the deploy role from replacing or deleting any of its own managed policies."
  }

  assert {
    condition = alltrue([for s in flatten([for p in aws_iam_policy.deploy : jsondecode(p.policy).Statement]) :
      endswith(trimsuffix(one(s.Resource), "*"), "role/fargate-auto-scaled-backend-") if s.Sid == "IamProjectRoles"
    ])
    error_message = "Project roles are still managed by pattern (the Deny is what excludes the deploy role)."
  }
}

run "renamed_deploy_role_is_still_denied_self_modification" {
  command = plan

  variables {
    deploy_role_name = "fargate-auto-scaled-backend-ci"
  }

  assert {
    condition = one([for s in flatten([for p in aws_iam_policy.deploy : jsondecode(p.policy).Statement]) :
    s.Resource if s.Sid == "DenyDeployRoleSelfModification"]) == ["arn:aws:iam::123456789012:role/fargate-auto-scaled-backend-ci", "arn:aws:iam::123456789012:role/fargate-auto-scaled-backend-plan"]
    error_message = "The Deny names the deploy role's actual ARN when deploy_role_name overrides it (and the plan role's)."
  }
}

# The plan role (pull requests): assumable by this repository's pull_request tokens only, and holding only
# read actions that the deploy policies also hold, so a pull request can refresh but never change anything.
run "plan_role_trusts_only_pull_requests_of_this_repository" {
  command = plan

  assert {
    condition     = jsondecode(aws_iam_role.plan[0].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:octo-org/fargate-auto-scaled-backend:pull_request"
    error_message = "Only pull_request tokens of github_repository may assume the plan role."
  }

  assert {
    condition     = jsondecode(aws_iam_role.plan[0].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com" && length(jsondecode(aws_iam_role.plan[0].assume_role_policy).Statement) == 1
    error_message = "The plan role trusts GitHub's tokens for STS, in one statement."
  }

  assert {
    condition     = aws_iam_role.plan[0].name == "fargate-auto-scaled-backend-plan"
    error_message = "The plan role is named <project>-plan by default."
  }
}

run "plan_role_only_reads" {
  command = plan

  assert {
    condition = alltrue([for s in flatten([for p in aws_iam_policy.plan : jsondecode(p.policy).Statement]) :
      s.Effect == "Allow" && alltrue([for a in s.Action : can(regex("^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*$|^apigateway:GET$", a))])
    ])
    error_message = "Every plan statement allows read actions only (Describe*, Get*, List*, apigateway:GET)."
  }

  assert {
    condition = length(setsubtract(
      flatten([for p in aws_iam_policy.plan : [for s in jsondecode(p.policy).Statement : s.Action]]),
      flatten([for p in aws_iam_policy.deploy : [for s in jsondecode(p.policy).Statement : s.Action if s.Effect == "Allow"]])
    )) == 0
    error_message = "The plan role may do nothing the deploy role may not."
  }

  assert {
    condition = (
      toset(flatten([for s in jsondecode(aws_iam_policy.plan["state"].policy).Statement : s.Action])) == toset(["s3:ListBucket", "s3:GetBucketVersioning", "s3:GetObject"])
    )
    error_message = "On the state bucket the plan role lists and reads; it never writes a state or a lock file."
  }

  assert {
    condition     = !contains(flatten([for p in aws_iam_policy.plan : [for s in jsondecode(p.policy).Statement : s.Action]]), "ecr:GetAuthorizationToken")
    error_message = "A plan pulls no images: no ECR login."
  }

  assert {
    condition = (
      toset(keys(aws_iam_role_policy_attachment.plan)) == toset(keys(aws_iam_policy.plan)) &&
      alltrue([for a in aws_iam_role_policy_attachment.plan : a.role == aws_iam_role.plan[0].name]) &&
      length(aws_iam_policy.plan) <= 10
    )
    error_message = "Every plan policy is attached to the plan role (at most the 10 a role may have)."
  }
}

run "no_plan_role_when_not_wanted" {
  command = plan

  variables {
    create_plan_role = false
  }

  assert {
    condition     = length(aws_iam_role.plan) == 0 && length(aws_iam_policy.plan) == 0
    error_message = "create_plan_role = false creates no plan role."
  }
}

run "reject_plan_role_name_with_space" {
  command = plan

  variables {
    plan_role_name = "plan role"
  }

  expect_failures = [var.plan_role_name]
}

run "existing_oidc_provider_is_reused" {
  command = plan

  variables {
    create_oidc_provider = false
  }

  override_data {
    target = data.aws_iam_openid_connect_provider.github
    values = {
      arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    }
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0 && output.oidc_provider_arn == "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    error_message = "create_oidc_provider = false looks the provider up instead of creating it."
  }
}

run "reject_state_bucket_uppercase" {
  command = plan
  variables {
    state_bucket = "My_Bucket"
  }
  expect_failures = [var.state_bucket]
}

run "reject_noncurrent_state_retention_days_zero" {
  command = plan
  variables {
    noncurrent_state_retention_days = 0
  }
  expect_failures = [var.noncurrent_state_retention_days]
}

run "reject_github_repository_without_owner" {
  command = plan
  variables {
    github_repository = "fargate-auto-scaled-backend"
  }
  expect_failures = [var.github_repository]
}

run "reject_github_oidc_subjects_any" {
  command = plan
  variables {
    github_oidc_subjects = ["*"]
  }
  expect_failures = [var.github_oidc_subjects]
}

run "reject_deploy_role_name_with_space" {
  command = plan
  variables {
    deploy_role_name = "deploy role"
  }
  expect_failures = [var.deploy_role_name]
}

run "reject_github_repository_owner_over_39" {
  command = plan
  variables {
    github_repository = "o123456789012345678901234567890123456789/name"
  }
  expect_failures = [var.github_repository]
}

run "reject_github_oidc_subjects_more_than_5" {
  command = plan
  variables {
    github_oidc_subjects = ["ref:refs/heads/a", "ref:refs/heads/b", "ref:refs/heads/c", "ref:refs/heads/d", "ref:refs/heads/e", "ref:refs/heads/f"]
  }
  expect_failures = [var.github_oidc_subjects]
}
