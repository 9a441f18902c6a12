kestra_url = "https://kestra-staging.example.com"
