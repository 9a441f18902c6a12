resource "kestra_service_account" "ci" {
  name        = "ci-deployer"
  description = "Deploys flows from GitHub Actions"

  groups {
    id = kestra_group.bots.id
  }
}

resource "kestra_service_account" "etl" {
  name        = "ETL_Runner"
  description = "Runs nightly ETL"

  group {
    group_id = kestra_group.data.id
  }
}

resource "kestra_service_account" "ops" {
  name        = "ops-bot"
  description = "Break-glass automation"
  super_admin = true
}
