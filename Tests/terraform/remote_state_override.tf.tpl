
# The remote state reads the same emulated S3 as the backend.
data "terraform_remote_state" "@NAME@" {
  config = {
    bucket                      = var.state_bucket
    key                         = var.@KEY_VAR@
    region                      = var.aws_region
    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
    skip_region_validation      = true
    use_path_style              = true
    endpoints                   = { s3 = "@ENDPOINT@", sts = "@ENDPOINT@" }
  }
}
