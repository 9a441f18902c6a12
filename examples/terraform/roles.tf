resource "kestra_role" "ci_deploy" {
  name        = "ci-deploy"
  description = "Deploy and run flows from CI"

  resources {
    type    = "FLOW"
    actions = ["VIEW", "LIST", "CREATE", "UPDATE", "EXECUTE"]
  }

  resources {
    type    = "EXECUTION"
    actions = ["VIEW", "LIST", "ACCESS_LOGS"]
  }

  resources {
    type    = "NAMESPACE"
    actions = ["VIEW", "MANAGE_FILES"]
  }
}

resource "kestra_role" "etl" {
  name        = "etl-runner"
  description = "Run ETL flows and manage their state"
  namespace   = "company.data"

  resources {
    type    = "FLOW"
    actions = ["VIEW", "LIST", "EXECUTE"]
  }

  resources {
    type    = "KVSTORE"
    actions = ["VIEW", "LIST", "CREATE", "UPDATE"]
  }

  resources {
    type    = "SECRET"
    actions = ["VIEW", "LIST"]
  }
}
