//! A repository as users have them: mostly other Terraform (AWS, GCP and Kubernetes modules,
//! environments calling them) and other YAML (Helm values, Kubernetes manifests, GitHub
//! workflows), with Kestra IAM in a few folders. Files are the sizes real ones are (a module's
//! `main.tf` a few KB, Helm values up to 15 KB): 10,000 files are about 40 MB.
//!
//! The Kestra part is `workspace::generate`'s, under `kestra/`, so the planted violations are
//! still every finding a correct run reports: nothing outside `kestra/` is a finding (its
//! credentials are references, its YAML no manifest).
#![allow(dead_code)]

use super::workspace::{self, Rng, Stats};
use std::fmt::Write as _;
use std::path::Path;

/// Writes `files` files under `dir`, `kestra_share` percent of them Kestra's, and returns
/// what it wrote (bytes and files count every file; resources and violations Kestra's).
pub fn generate(
    dir: &Path,
    files: usize,
    kestra_share: f64,
    folder: usize,
    seed: u64,
    rate: f64,
) -> std::io::Result<Stats> {
    let kestra = ((files as f64 * kestra_share / 100.0).round() as usize).min(files);
    let mut total = workspace::generate(&dir.join("kestra"), kestra, folder, seed, rate)?;
    let mut rng = Rng::new(seed ^ 0x6D_6978_6564);
    let mut written = 0;
    let mut bundle = 0;
    let others = files - kestra;
    while written < others {
        for (path, text) in bundle_files(bundle, &mut rng) {
            if written == others {
                break;
            }
            let path = dir.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, &text)?;
            total.files += 1;
            total.bytes += text.len();
            written += 1;
        }
        bundle += 1;
    }
    Ok(total)
}

const SERVICES: [&str; 8] = ["api", "billing", "search", "ingest", "reports", "auth", "web", "worker"];
const ENVS: [&str; 3] = ["dev", "staging", "prod"];

/// One bundle of a platform team's files: an AWS module, a GCP module and a Kubernetes
/// module (each `main.tf`, `variables.tf`, `outputs.tf`, `versions.tf`), an environment
/// calling them (`main.tf`, `backend.tf`, `terraform.tfvars`), a Helm chart's values, a
/// service's Kubernetes manifests and, now and then, a GitHub workflow.
fn bundle_files(b: usize, rng: &mut Rng) -> Vec<(String, String)> {
    let svc = format!("{}-{b:04}", SERVICES[b % SERVICES.len()]);
    let env = ENVS[b % ENVS.len()];
    let mut out = Vec::new();
    for cloud in ["aws", "gcp", "k8s"] {
        let m = format!("modules/{cloud}-{svc}");
        out.push((format!("{m}/main.tf"), module_main(cloud, &svc, rng)));
        out.push((format!("{m}/variables.tf"), variables(cloud, &svc, rng)));
        out.push((format!("{m}/outputs.tf"), outputs(cloud, &svc)));
        out.push((format!("{m}/versions.tf"), versions(cloud)));
    }
    let e = format!("envs/{env}/{svc}");
    out.push((format!("{e}/main.tf"), env_main(&svc, env)));
    out.push((format!("{e}/backend.tf"), backend(&svc, env)));
    out.push((format!("{e}/terraform.tfvars"), tfvars(&svc, env, rng)));
    out.push((format!("charts/{svc}/values.yaml"), helm_values(&svc, rng)));
    out.push((format!("charts/{svc}/values-{env}.yaml"), helm_overrides(&svc, env)));
    out.push((format!("k8s/{svc}/deployment.yaml"), k8s_deployment(&svc, rng)));
    out.push((format!("k8s/{svc}/rbac.yaml"), k8s_rbac(&svc)));
    out.push((format!("k8s/{svc}/service.yaml"), k8s_service(&svc)));
    if b.is_multiple_of(10) {
        out.push((format!(".github/workflows/{svc}.yml"), workflow(&svc)));
    }
    out
}

fn module_main(cloud: &str, svc: &str, rng: &mut Rng) -> String {
    let mut s = format!("# {svc}: {cloud} resources of the service.\n\nlocals {{\n  name = \"${{var.prefix}}-{svc}\"\n  tags = merge(var.tags, {{ service = \"{svc}\", managed_by = \"terraform\" }})\n}}\n");
    let blocks = 12 + (rng.next() % 26) as usize;
    for i in 0..blocks {
        let block = match (cloud, i % 4) {
            ("aws", 0) => format!(
                r#"
resource "aws_s3_bucket" "data_{i}" {{
  bucket = "${{local.name}}-data-{i}"
  tags   = local.tags
}}

resource "aws_s3_bucket_versioning" "data_{i}" {{
  bucket = aws_s3_bucket.data_{i}.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}
"#
            ),
            ("aws", 1) => format!(
                r#"
resource "aws_iam_role" "task_{i}" {{
  name = "${{local.name}}-task-{i}"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ Service = "ecs-tasks.amazonaws.com" }}
      Action    = "sts:AssumeRole"
    }}]
  }})
}}

resource "aws_iam_role_policy" "task_{i}" {{
  role = aws_iam_role.task_{i}.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject", "secretsmanager:GetSecretValue"]
      Resource = ["${{aws_s3_bucket.data_0.arn}}/*"]
    }}]
  }})
}}
"#
            ),
            ("aws", 2) => format!(
                r#"
resource "aws_security_group" "svc_{i}" {{
  name_prefix = "${{local.name}}-{i}-"
  vpc_id      = var.vpc_id

  ingress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = var.allowed_cidrs
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}

  lifecycle {{
    create_before_destroy = true
  }}
}}
"#
            ),
            ("aws", _) => format!(
                r#"
resource "aws_db_instance" "db_{i}" {{
  identifier              = "${{local.name}}-db-{i}"
  engine                  = "postgres"
  engine_version          = "15.4"
  instance_class          = var.db_instance_class
  allocated_storage       = 50
  username                = "app"
  password                = var.db_password
  backup_retention_period = 7
  skip_final_snapshot     = false
  vpc_security_group_ids  = [aws_security_group.svc_2.id]
  tags                    = local.tags
}}
"#
            ),
            ("gcp", 0 | 2) => format!(
                r#"
resource "google_storage_bucket" "data_{i}" {{
  name                        = "${{local.name}}-data-{i}"
  location                    = var.region
  uniform_bucket_level_access = true
  labels                      = local.tags

  lifecycle_rule {{
    condition {{
      age = 30
    }}
    action {{
      type = "Delete"
    }}
  }}
}}
"#
            ),
            ("gcp", _) => format!(
                r#"
resource "google_service_account" "runner_{i}" {{
  account_id   = "{svc}-runner-{i}"
  display_name = "Runner {i} of {svc}"
  project      = var.project_id
}}

resource "google_project_iam_member" "runner_{i}" {{
  project = var.project_id
  role    = "roles/storage.objectViewer"
  member  = "serviceAccount:${{google_service_account.runner_{i}.email}}"
}}
"#
            ),
            (_, _) => format!(
                r#"
resource "kubernetes_deployment" "worker_{i}" {{
  metadata {{
    name      = "${{local.name}}-worker-{i}"
    namespace = var.namespace
    labels    = local.tags
  }}
  spec {{
    replicas = var.replicas
    selector {{
      match_labels = {{ app = "{svc}-worker-{i}" }}
    }}
    template {{
      metadata {{
        labels = {{ app = "{svc}-worker-{i}" }}
      }}
      spec {{
        container {{
          name  = "worker"
          image = "registry.example.com/{svc}:${{var.image_tag}}"
          resources {{
            limits   = {{ cpu = "500m", memory = "512Mi" }}
            requests = {{ cpu = "250m", memory = "256Mi" }}
          }}
        }}
      }}
    }}
  }}
}}
"#
            ),
        };
        s.push_str(&block);
    }
    s
}

fn variables(cloud: &str, svc: &str, rng: &mut Rng) -> String {
    let mut s = String::new();
    let mut names = vec![
        "prefix",
        "tags",
        "region",
        "vpc_id",
        "allowed_cidrs",
        "namespace",
        "replicas",
        "image_tag",
        "subnet_ids",
        "log_retention_days",
        "alarm_topic",
        "min_capacity",
        "max_capacity",
        "cpu",
        "memory",
        "health_check_path",
        "domain_name",
        "certificate_arn",
        "kms_key_id",
        "backup_window",
        "maintenance_window",
        "deletion_protection",
    ];
    if cloud == "aws" {
        names.push("db_instance_class");
    } else if cloud == "gcp" {
        names.push("project_id");
    }
    for v in names {
        let _ = write!(
            s,
            "variable \"{v}\" {{\n  description = \"The {v} of {svc}, set per environment.\"\n  type        = {}\n{}}}\n\n",
            if v == "tags" { "map(string)" } else if v == "allowed_cidrs" { "list(string)" } else { "string" },
            if rng.next().is_multiple_of(2) { "  default     = null\n" } else { "" }
        );
    }
    if cloud == "aws" {
        s.push_str("variable \"db_password\" {\n  description = \"Master password, from the secret store.\"\n  type        = string\n  sensitive   = true\n}\n");
    }
    s
}

fn outputs(cloud: &str, svc: &str) -> String {
    let mut s = String::new();
    for o in ["name", "tags", "id", "arn", "endpoint", "security_group_id", "role_name", "bucket", "service_url"] {
        let _ = write!(
            s,
            "output \"{o}\" {{\n  description = \"The {o} of the {cloud} resources of {svc}.\"\n  value       = local.{}\n}}\n\n",
            if o == "tags" { "tags" } else { "name" }
        );
    }
    s
}

fn versions(cloud: &str) -> String {
    let (name, source, version) = match cloud {
        "aws" => ("aws", "hashicorp/aws", "~> 5.40"),
        "gcp" => ("google", "hashicorp/google", "~> 5.20"),
        _ => ("kubernetes", "hashicorp/kubernetes", "~> 2.27"),
    };
    format!("terraform {{\n  required_version = \">= 1.5\"\n\n  required_providers {{\n    {name} = {{\n      source  = \"{source}\"\n      version = \"{version}\"\n    }}\n  }}\n}}\n")
}

fn env_main(svc: &str, env: &str) -> String {
    let mut s = format!("provider \"aws\" {{\n  region = var.region\n  default_tags {{\n    tags = {{ environment = \"{env}\" }}\n  }}\n}}\n\nprovider \"google\" {{\n  project = var.project_id\n  region  = var.region\n}}\n\n");
    for cloud in ["aws", "gcp", "k8s"] {
        let _ = write!(
            s,
            "module \"{cloud}\" {{\n  source = \"../../../modules/{cloud}-{svc}\"\n\n  prefix        = \"{env}\"\n  region        = var.region\n  tags          = {{ environment = \"{env}\", team = \"platform\" }}\n  vpc_id        = var.vpc_id\n  allowed_cidrs = [\"10.0.0.0/8\"]\n  namespace     = \"{svc}\"\n  replicas      = var.replicas\n  image_tag     = var.image_tag\n}}\n\n"
        );
    }
    for v in ["region", "vpc_id", "replicas", "image_tag", "project_id"] {
        let _ = write!(s, "variable \"{v}\" {{\n  type = string\n}}\n\n");
    }
    s
}

fn backend(svc: &str, env: &str) -> String {
    format!("terraform {{\n  backend \"s3\" {{\n    bucket         = \"example-terraform-state-{env}\"\n    key            = \"{svc}/terraform.tfstate\"\n    region         = \"eu-west-1\"\n    dynamodb_table = \"terraform-locks\"\n    encrypt        = true\n  }}\n}}\n")
}

fn tfvars(svc: &str, env: &str, rng: &mut Rng) -> String {
    format!(
        "region     = \"eu-west-1\"\nvpc_id     = \"vpc-{:08x}\"\nreplicas   = \"{}\"\nimage_tag  = \"{svc}-1.{}.0\"\nproject_id = \"example-{env}\"\n",
        rng.next() as u32,
        1 + rng.next() % 5,
        rng.next() % 40
    )
}

fn helm_values(svc: &str, rng: &mut Rng) -> String {
    let mut s = format!(
        r#"# Default values for {svc}.
replicaCount: 2

image:
  repository: registry.example.com/{svc}
  pullPolicy: IfNotPresent
  tag: ""

imagePullSecrets: []
nameOverride: ""
fullnameOverride: ""

serviceAccount:
  create: true
  annotations: {{}}
  name: ""

podAnnotations: {{}}
podSecurityContext:
  fsGroup: 2000

securityContext:
  capabilities:
    drop:
      - ALL
  readOnlyRootFilesystem: true
  runAsNonRoot: true
  runAsUser: 1000

service:
  type: ClusterIP
  port: 80

ingress:
  enabled: false
  className: nginx
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
  hosts:
    - host: {svc}.example.com
      paths:
        - path: /
          pathType: ImplementationSpecific
  tls:
    - secretName: {svc}-tls
      hosts:
        - {svc}.example.com

resources:
  limits:
    cpu: 500m
    memory: 512Mi
  requests:
    cpu: 250m
    memory: 256Mi

autoscaling:
  enabled: true
  minReplicas: 2
  maxReplicas: 10
  targetCPUUtilizationPercentage: 80

nodeSelector: {{}}
tolerations: []
affinity: {{}}

postgresql:
  enabled: true
  auth:
    username: app
    existingSecret: {svc}-db
  primary:
    persistence:
      size: 8Gi

env:
"#
    );
    let vars = 60 + (rng.next() % 300) as usize;
    for i in 0..vars {
        let _ = write!(
            s,
            "  - name: {}_SETTING_{i}\n    value: \"{}\"\n",
            svc.to_uppercase().replace('-', "_"),
            rng.next() % 1000
        );
    }
    s
}

fn helm_overrides(svc: &str, env: &str) -> String {
    format!("replicaCount: 3\nimage:\n  tag: \"{svc}-{env}\"\ningress:\n  enabled: true\n  hosts:\n    - host: {svc}.{env}.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n")
}

fn k8s_deployment(svc: &str, rng: &mut Rng) -> String {
    let mut s = format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {svc}
  labels:
    app.kubernetes.io/name: {svc}
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: {svc}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {svc}
    spec:
      serviceAccountName: {svc}
      containers:
        - name: {svc}
          image: registry.example.com/{svc}:1.0.0
          ports:
            - containerPort: 8080
          readinessProbe:
            httpGet:
              path: /health
              port: 8080
          env:
"#
    );
    for i in 0..(30 + rng.next() % 120) {
        let _ = write!(s, "            - name: SETTING_{i}\n              valueFrom:\n                configMapKeyRef:\n                  name: {svc}-config\n                  key: setting-{i}\n");
    }
    s.push_str(&format!("            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: {svc}-db\n                  key: password\n"));
    s
}

fn k8s_rbac(svc: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: ServiceAccount
metadata:
  name: {svc}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {svc}-reader
rules:
  - apiGroups: [""]
    resources: ["pods", "configmaps"]
    verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {svc}-reader
subjects:
  - kind: ServiceAccount
    name: {svc}
roleRef:
  kind: Role
  name: {svc}-reader
  apiGroup: rbac.authorization.k8s.io
"#
    )
}

fn k8s_service(svc: &str) -> String {
    format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: {svc}\nspec:\n  type: ClusterIP\n  selector:\n    app.kubernetes.io/name: {svc}\n  ports:\n    - port: 80\n      targetPort: 8080\n")
}

fn workflow(svc: &str) -> String {
    format!(
        r#"name: {svc}
on:
  push:
    branches: [main]
    paths: ["k8s/{svc}/**", "charts/{svc}/**"]
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: actions/checkout@v4
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: ${{{{ secrets.DEPLOY_ROLE }}}}
          aws-region: eu-west-1
      - run: helm upgrade --install {svc} charts/{svc} -f charts/{svc}/values.yaml
        env:
          REGISTRY_TOKEN: ${{{{ secrets.REGISTRY_TOKEN }}}}
"#
    )
}
