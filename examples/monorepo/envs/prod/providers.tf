terraform {
  required_providers {
    kestra = {
      source = "kestra-io/kestra"
    }
  }
}

variable "kestra_url" {
  type = string
}

variable "kestra_api_token" {
  type      = string
  sensitive = true
}

provider "kestra" {
  url       = var.kestra_url
  api_token = var.kestra_api_token
  tenant_id = "main"
}

# The payments team has its own tenant on the production instance.
provider "kestra" {
  alias     = "payments"
  url       = var.kestra_url
  api_token = var.kestra_api_token
  tenant_id = "payments"
}
