terraform {
  required_providers {
    kestra = {
      source = "kestra-io/kestra"
    }
  }
}

provider "kestra" {
  url       = "https://kestra.example.com"
  tenant_id = "main"
}
