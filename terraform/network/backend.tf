# Settings come from -backend-config (see ../backend.hcl.example) so nobody edits code to use their bucket.
terraform {
  backend "s3" {}
}
