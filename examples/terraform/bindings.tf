resource "kestra_binding" "bots_deploy" {
  type        = "GROUP"
  external_id = kestra_group.bots.id
  role_id     = kestra_role.ci_deploy.id
  namespace   = "company"
}

# The role is limited to company.data, so this binding is too.
resource "kestra_binding" "data_etl" {
  type        = "GROUP"
  external_id = kestra_group.data.id
  role_id     = kestra_role.etl.id
}
