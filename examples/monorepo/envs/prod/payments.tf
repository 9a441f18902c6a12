# The payments tenant has its own `bots` group and deployer: no clash with main's.
resource "kestra_group" "payments_bots" {
  provider    = kestra.payments
  name        = "bots"
  description = "Payments CI/CD bots"
}

resource "kestra_role" "payments_admin" {
  provider    = kestra.payments
  name        = "payments-admin"
  description = "Manages payments bots"
  permissions {
    type        = "GROUP"
    permissions = ["READ", "UPDATE"]
  }
}

resource "kestra_binding" "payments_bots_admin" {
  provider    = kestra.payments
  type        = "GROUP"
  external_id = kestra_group.payments_bots.id
  role_id     = kestra_role.payments_admin.id
}

module "payments_deployer" {
  source        = "../../modules/bot-account"
  name          = "payments-deployer"
  description   = "Deploys payments flows"
  group_id      = kestra_group.payments_bots.id
  token_max_age = "P30D"
  providers = {
    kestra = kestra.payments
  }
}
