# Written by Tests/terraform into a COPY of each root as zz_emulator_override.tf (Terraform merges
# *_override.tf files over the root's own blocks): points the provider at the local AWS emulator.
# The product code itself is applied unchanged. Credentials come from the environment: the tests sign as
# the deploy role (or, for the bootstrap root, as an administrator), and the emulator enforces IAM.
provider "aws" {
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true
  # moto answers an unimplemented action with an HTML 500, which the provider would retry for minutes.
  max_retries = 2

  endpoints {
    apigatewayv2           = "@ENDPOINT@"
    applicationautoscaling = "@ENDPOINT@"
    cloudwatch             = "@ENDPOINT@"
    logs                   = "@ENDPOINT@"
    codedeploy             = "@ENDPOINT@"
    ec2                    = "@ENDPOINT@"
    ecr                    = "@ENDPOINT@"
    ecs                    = "@ENDPOINT@"
    elbv2                  = "@ENDPOINT@"
    iam                    = "@ENDPOINT@"
    s3                     = "@ENDPOINT@"
    sts                    = "@ENDPOINT@"
  }
}
