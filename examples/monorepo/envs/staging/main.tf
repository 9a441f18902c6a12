resource "kestra_group" "bots" {
  name        = "bots"
  description = "CI/CD bots"
}

resource "kestra_role" "deployer" {
  name        = "ci-deployer-role"
  description = "Deploys flows of company.team"
  permissions {
    type        = "FLOW"
    permissions = ["CREATE", "READ", "UPDATE"]
  }
}

resource "kestra_binding" "bots_deploy" {
  type        = "GROUP"
  external_id = kestra_group.bots.id
  role_id     = kestra_role.deployer.id
  namespace   = "company.team"
}

module "deployer" {
  source        = "../../modules/bot-account"
  name          = "flow-deployer"
  description   = "Deploys flows from GitHub Actions"
  group_id      = kestra_group.bots.id
  token_max_age = "P30D"
}
