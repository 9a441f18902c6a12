resource "kestra_service_account_api_token" "ci_github" {
  service_account_id = kestra_service_account.ci.id
  name               = "github-actions"
  description        = "GitHub Actions deploy job"
  max_age            = "P30D"
  extended           = false
}

resource "kestra_service_account_api_token" "etl_nightly" {
  service_account_id = kestra_service_account.etl.id
  name               = "nightly"
  description        = "Nightly ETL trigger"
  max_age            = "P365D"
  extended           = true
}

resource "kestra_service_account_api_token" "ops_forever" {
  service_account_id = kestra_service_account.ops.id
  name               = "ops--token"
  description        = "Break-glass token"
}
