//! A synthetic IAM workspace for benchmarks: Terraform files and YAML manifests with a
//! realistic mix of groups, roles, bindings, service accounts, API tokens and memberships,
//! references that cross files (every file points at objects of the file before it: in its
//! folder for Terraform, where a folder is a module; anywhere for manifests), and
//! violations planted at a known rate (a super-admin account also makes each of its tokens
//! IAM205).
//!
//! Everything is a pure function of (file index, seed, rate), so a run is reproducible and
//! every planted violation is counted: a clean object produces no finding under the default
//! rules, and each planted violation produces exactly one, so the counts double as a
//! correctness check of a large run.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// splitmix64: tiny, fast and good enough to pick violations; no dependency needed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// True with probability `rate`.
    pub fn chance(&mut self, rate: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < rate
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// What a generated workspace holds.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Stats {
    pub files: usize,
    pub bytes: usize,
    pub resources: usize,
    /// Planted violations by rule code: the findings a correct run reports.
    pub planted: BTreeMap<&'static str, usize>,
}

impl Stats {
    fn plant(&mut self, code: &'static str) {
        *self.planted.entry(code).or_default() += 1;
    }

    pub fn add(&mut self, other: &Stats) {
        self.files += other.files;
        self.bytes += other.bytes;
        self.resources += other.resources;
        for (code, n) in &other.planted {
            *self.planted.entry(code).or_default() += n;
        }
    }

    pub fn to_json(&self) -> String {
        let planted: Vec<String> = self.planted.iter().map(|(c, n)| format!("\"{c}\": {n}")).collect();
        format!(
            "{{\"files\": {}, \"bytes\": {}, \"resources\": {}, \"planted\": {{{}}}}}",
            self.files,
            self.bytes,
            self.resources,
            planted.join(", ")
        )
    }
}

/// The per-file random stream: independent of generation order, so files can be written
/// in parallel or one at a time with the same result.
fn rng_for(seed: u64, kind: u64, index: usize) -> Rng {
    let mut r =
        Rng::new(seed ^ kind.wrapping_mul(0xA24B_AED4_963E_E407) ^ (index as u64).wrapping_mul(0x9FB2_1C65_1E98_DF25));
    r.next();
    r
}

/// Token violations, each producing exactly one finding.
const TOKEN_FAULTS: [&str; 5] = ["IAM102", "IAM201", "IAM202", "IAM203", "IAM204"];

/// Files per folder, as real repositories spread them; a Terraform folder is one module.
pub const FOLDER: usize = 100;

/// Terraform file `index` of `count`, in folders of `folder` files: one group, two roles, a
/// binding, two service accounts, three tokens (one owned by the previous file's account in
/// the same folder) and a membership.
pub fn terraform(index: usize, count: usize, folder: usize, seed: u64, rate: f64) -> (String, Stats) {
    let mut rng = rng_for(seed, 1, index);
    let mut st = Stats { files: 1, resources: 10, ..Stats::default() };
    let t = format!("{index:05}");
    // A Terraform module is a folder: references stay within the file's folder.
    let first = index / folder * folder;
    let size = (count - first).clamp(1, folder);
    let p = format!("{:05}", first + (index - first + size - 1) % size);
    let mut s = String::with_capacity(2048);
    let _ = write!(
        s,
        r#"# Team {t}: CI/CD identities.

resource "kestra_group" "team_{t}" {{
  name        = "team-{t}"
  description = "Bots of team {t}"
}}

resource "kestra_role" "team_{t}_deployer" {{
  name        = "team-{t}-deployer"
  description = "Deploys the flows of team {t}"
  namespace   = "company.team{t}"

  resources {{
    type    = "FLOW"
    actions = ["VIEW", "LIST", "CREATE", "UPDATE"]
  }}

  resources {{
    type    = "NAMESPACE"
    actions = ["VIEW"]
  }}
}}

resource "kestra_role" "team_{t}_viewer" {{
  name        = "team-{t}-viewer"
  description = "Reads executions of team {t}"
  namespace   = "company.team{t}"

  resources {{
    type    = "EXECUTION"
    actions = ["VIEW", "LIST"]
  }}
}}

resource "kestra_binding" "team_{t}_viewer" {{
  type        = "GROUP"
  external_id = kestra_group.team_{t}.id
  role_id     = kestra_role.team_{p}_viewer.id
  namespace   = "company.team{t}"
}}
"#
    );
    // The CI account may carry a planted account fault; the ops account is the one the
    // membership below names, so it never lacks a group.
    let ci_fault = rng.chance(rate).then(|| *rng.pick(&["IAM101", "IAM301", "IAM401", "IAM402"]));
    let ci_name = if ci_fault == Some("IAM101") { format!("Team{t}Ci") } else { format!("team-{t}-ci") };
    let _ = write!(s, "\nresource \"kestra_service_account\" \"team_{t}_ci\" {{\n  name        = \"{ci_name}\"\n");
    s.push_str(&format!("  description = \"Deploys flows of team {t} from CI\"\n"));
    match ci_fault {
        Some("IAM301") => s.push_str("  super_admin = true\n"),
        Some("IAM402") => s.push_str(&format!("  email       = \"team{t}@example.com\"\n")),
        _ => {}
    }
    if ci_fault != Some("IAM401") {
        let _ = write!(s, "\n  groups {{\n    id = kestra_group.team_{t}.id\n  }}\n");
    }
    s.push_str("}\n");
    if let Some(code) = ci_fault {
        st.plant(code);
    }
    if ci_fault == Some("IAM301") {
        // IAM205 flags every token of a super admin: `deploy` here, `relay` in the next file.
        st.plant("IAM205");
        st.plant("IAM205");
    }
    let _ = write!(
        s,
        r#"
resource "kestra_service_account" "team_{t}_ops" {{
  name        = "team-{t}-ops"
  description = "Runs maintenance flows of team {t}"
}}

resource "kestra_user_group_membership" "team_{t}_ops" {{
  user_id  = kestra_service_account.team_{t}_ops.id
  group_id = kestra_group.team_{p}.id
}}
"#
    );
    for (label, owner) in
        [("deploy", format!("team_{t}_ci")), ("ops", format!("team_{t}_ops")), ("relay", format!("team_{p}_ci"))]
    {
        let fault = rng.chance(rate).then(|| *rng.pick(&TOKEN_FAULTS));
        let name = if fault == Some("IAM102") { format!("{label}_{t}") } else { format!("{label}-{t}") };
        let _ = write!(
            s,
            "\nresource \"kestra_service_account_api_token\" \"team_{t}_{label}\" {{\n  service_account_id = kestra_service_account.{owner}.id\n  name               = \"{name}\"\n  description        = \"{label} token of team {t}\"\n"
        );
        match fault {
            Some("IAM201") => {}
            Some("IAM202") => s.push_str("  max_age            = \"P365D\"\n"),
            Some("IAM204") => s.push_str("  max_age            = \"30d\"\n"),
            _ => s.push_str("  max_age            = \"P30D\"\n"),
        }
        s.push_str(if fault == Some("IAM203") {
            "  extended           = true\n"
        } else {
            "  extended           = false\n"
        });
        s.push_str("}\n");
        if let Some(code) = fault {
            st.plant(code);
        }
    }
    st.bytes = s.len();
    (s, st)
}

/// Manifest `index` of `count`: two groups, two roles, two bindings (one to the previous
/// file's role, by name) and two service accounts with three nested tokens.
pub fn manifest(index: usize, count: usize, seed: u64, rate: f64) -> (String, Stats) {
    let mut rng = rng_for(seed, 2, index);
    let mut st = Stats { files: 1, resources: 11, ..Stats::default() };
    let t = format!("{index:05}");
    let p = format!("{:05}", (index + count - 1) % count.max(1));
    let typo = rng.chance(rate);
    let mut s = String::with_capacity(2048);
    let _ = write!(
        s,
        r#"# Operations team {t}, exported from Kestra.
tenant: main
groups:
  - name: ops-{t}
    description: Operations bots {t}
  - name: ops-{t}-readers
    {desc}: Read-only bots {t}
roles:
  - name: ops-{t}-runner
    description: Runs and restarts flows
    namespace: company.ops{t}
    permissions:
      FLOW: [VIEW, LIST, EXECUTE]
      EXECUTION: [VIEW, LIST, CREATE, RESTART]
  - name: ops-{t}-reader
    description: Reads flows and logs
    namespace: company.ops{t}
    permissions:
      FLOW: [VIEW, LIST]
      EXECUTION: [VIEW, LIST, ACCESS_LOGS]
bindings:
  - type: GROUP
    externalId: ops-{t}
    roleId: ops-{t}-runner
    namespace: company.ops{t}
  - type: GROUP
    externalId: ops-{t}-readers
    roleId: ops-{p}-reader
    namespace: company.ops{t}
serviceAccounts:
"#,
        desc = if typo { "descripton" } else { "description" }
    );
    if typo {
        st.plant("IAM002");
    }
    for (sa, groups, tokens) in [
        ("runner", format!("[ops-{t}]"), &["run", "restart"][..]),
        ("reporter", format!("[{{id: ops-{p}-readers}}]"), &["report"][..]),
    ] {
        let fault = rng.chance(rate).then(|| *rng.pick(&["IAM101", "IAM301", "IAM401", "IAM402"]));
        let name = if fault == Some("IAM101") { format!("Ops{t}_{sa}") } else { format!("ops-{t}-{sa}") };
        let _ = write!(s, "  - name: {name}\n    description: {sa} bot of operations team {t}\n");
        match fault {
            Some("IAM301") => s.push_str("    superAdmin: true\n"),
            Some("IAM402") => s.push_str(&format!("    email: ops{t}@example.com\n")),
            _ => {}
        }
        if fault != Some("IAM401") {
            let _ = writeln!(s, "    groups: {groups}");
        }
        if let Some(code) = fault {
            st.plant(code);
        }
        if fault == Some("IAM301") {
            // IAM205 flags every token of a super admin.
            tokens.iter().for_each(|_| st.plant("IAM205"));
        }
        s.push_str("    apiTokens:\n");
        for token in tokens {
            let fault = rng.chance(rate).then(|| *rng.pick(&TOKEN_FAULTS));
            let tname = if fault == Some("IAM102") { format!("{token}_{t}") } else { format!("{token}-{t}") };
            let _ = write!(s, "      - name: {tname}\n        description: {token} token\n");
            match fault {
                Some("IAM201") => {}
                Some("IAM202") => s.push_str("        maxAge: P365D\n"),
                Some("IAM204") => s.push_str("        maxAge: 30d\n"),
                _ => s.push_str("        maxAge: P30D\n"),
            }
            s.push_str(if fault == Some("IAM203") { "        extended: true\n" } else { "        extended: false\n" });
            if let Some(code) = fault {
                st.plant(code);
            }
        }
    }
    st.bytes = s.len();
    (s, st)
}

/// Writes `files` files under `dir` (half Terraform under `terraform/`, half manifests under
/// `manifests/`, `folder` files a folder: `FOLDER` as real repositories spread them, or all
/// in one to make one Terraform module of thousands of files) and returns what it wrote.
pub fn generate(dir: &Path, files: usize, folder: usize, seed: u64, rate: f64) -> std::io::Result<Stats> {
    let folder = folder.max(1);
    let tf = files.div_ceil(2);
    let yaml = files - tf;
    let mut total = Stats::default();
    for (count, sub, ext) in [(tf, "terraform", "tf"), (yaml, "manifests", "yaml")] {
        for i in 0..count {
            let (text, st) =
                if ext == "tf" { terraform(i, count, folder, seed, rate) } else { manifest(i, count, seed, rate) };
            let part = dir.join(sub).join(format!("part-{:03}", i / folder));
            if i % folder == 0 {
                std::fs::create_dir_all(&part)?;
            }
            std::fs::write(part.join(format!("team-{i:05}.{ext}")), text)?;
            total.add(&st);
        }
    }
    Ok(total)
}
