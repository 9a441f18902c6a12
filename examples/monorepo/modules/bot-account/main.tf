# A CI bot: a service account in the caller's group, with one deploy token.
variable "name" {
  type = string
}

variable "description" {
  type = string
}

variable "group_id" {
  type = string
}

# Callers set their own; a year is only the fallback.
variable "token_max_age" {
  type    = string
  default = "P365D"
}

resource "kestra_service_account" "this" {
  name        = var.name
  description = var.description
  groups {
    id = var.group_id
  }
}

resource "kestra_service_account_api_token" "deploy" {
  service_account_id = kestra_service_account.this.id
  name               = "deploy"
  description        = "CI deploy job"
  max_age            = var.token_max_age
}

output "id" {
  value = kestra_service_account.this.id
}
