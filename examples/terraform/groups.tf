resource "kestra_group" "bots" {
  name        = "bots"
  description = "CI/CD service accounts"
}

resource "kestra_group" "data" {
  name        = "data-pipelines"
  description = "ETL service accounts"
  namespace   = "company.data"
}
