//! Committed credentials (IAM601): what counts as a literal credential rather than a
//! reference to a secret, how a message may name one, and the scanner for CI
//! workflows and shell scripts, where the Kestra CLI is called with `--api-token TOKEN` or
//! `--user EMAIL:PASSWORD`, the API with `Authorization: Bearer TOKEN`, and actions with
//! `apiToken: TOKEN`.
//!
//! Every credential found is recorded twice: as a `Credential` for the rule, and as a
//! secret span, which every output stars out of its snippets.

use crate::model::{Credential, CredentialKind, FileModel};
use crate::source::{FileId, Span};
use regex::Regex;
use std::sync::LazyLock;

/// A value that names a secret kept elsewhere instead of holding one: `${{ secrets.X }}`,
/// `$VAR`, `${VAR}`, `$(cmd)`, `{{ secret('X') }}`, `var.x`, or a placeholder such as
/// `<token>`, `xxxx` or `****`.
pub fn is_reference(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || v.starts_with('$')
        || v.contains("${")
        || v.contains("$(")
        || v.contains("{{")
        || v.starts_with("var.")
        || v.starts_with("local.")
        || v.starts_with("secrets.")
        || (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with('%') && v.ends_with('%') && v.len() > 2)
        || v.chars().all(|c| matches!(c, '*' | 'x' | 'X' | '.' | '…' | '-' | '_'))
        || v.contains('`')
        || is_placeholder(v)
}

/// Text a template or a README puts where the real value goes: `YOUR_API_TOKEN`,
/// `your-password`, `changeme`, `REPLACE_ME`.
fn is_placeholder(v: &str) -> bool {
    let folded: String = v.chars().filter(|c| c.is_ascii_alphanumeric()).flat_map(|c| c.to_lowercase()).collect();
    let exact = v.to_ascii_lowercase();
    folded.starts_with("your")
        || folded.starts_with("insert")
        || matches!(
            exact.as_str(),
            "changeme"
                | "change_me"
                | "change-me"
                | "replaceme"
                | "replace_me"
                | "placeholder"
                | "redacted"
                | "token"
                | "password"
                | "secret"
        )
}

/// What a key says about the value it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyClass {
    /// A Kestra credential (`password`, `apiToken`, `fullToken`, `jwt`, ...): a literal
    /// value is reported (IAM601) and starred.
    Credential(CredentialKind),
    /// Some other credential (`client_secret`, `refreshToken`, `Authorization`,
    /// `KESTRA_PASSWORD`): starred, not reported.
    Sensitive,
    /// Holds credentials rather than being one (`apiTokens`, `secrets`): a scalar written
    /// there is starred; what is nested below is judged by its own keys.
    Container,
}

/// Words that make a key a credential's wherever they appear in it.
const SENSITIVE_WORDS: [&str; 12] = [
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "jwt",
    "authorization",
    "bearer",
    "credential",
    "privatekey",
    "accesskey",
];

/// Endings of a key naming something about a credential, not the credential.
const ABOUT_A_CREDENTIAL: [&str; 22] = [
    "maxage",
    "age",
    "ttl",
    "lifetime",
    "duration",
    "expiry",
    "expires",
    "expiresat",
    "expiration",
    "name",
    "names",
    "id",
    "ids",
    "description",
    "prefix",
    "length",
    "count",
    "type",
    "file",
    "path",
    "url",
    "enabled",
];

/// The one test of a key, for every front end and the lexical pass over files that do not
/// parse: case and separators do not count, so `password`, `Password`, `PASSWORD`,
/// `api_token`, `apiToken`, `API-TOKEN`, `full_token` and `FullToken` are all found. None
/// for a key that says nothing of a credential, and for `SECRET` written in capitals: that
/// is Kestra's resource type in a role's permissions, not a secret.
pub fn credential_key(key: &str) -> Option<KeyClass> {
    if key == "SECRET" {
        return None;
    }
    let folded: String = key.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    if let Some(kind) = credential_word(&folded) {
        return Some(KeyClass::Credential(kind));
    }
    if !SENSITIVE_WORDS.iter().any(|w| folded.contains(w)) {
        // A misspelt credential's key (`pasword`, `secert`, `apitokn`) holds what its
        // writer meant to be one: shown in the IAM002 snippet that reports the typo, it
        // printed the password.
        return misspelt(&folded).map(KeyClass::Credential);
    }
    // What is said of a credential is not one: `token_max_age = "P30D"`, `secret_name`,
    // `password_file`. Starring those hid durations and names in every message that
    // quoted the same text.
    if ABOUT_A_CREDENTIAL.iter().any(|w| folded.ends_with(w)) {
        return None;
    }
    let plural = ["tokens", "secrets", "passwords", "credentials", "keys"].iter().any(|p| folded.ends_with(p));
    Some(if plural { KeyClass::Container } else { KeyClass::Sensitive })
}

/// Keys that are a Kestra credential, folded (alphanumerics, lower case): a literal under
/// them is reported (IAM601).
const CREDENTIAL_WORDS: [(&str, CredentialKind); 11] = [
    ("password", CredentialKind::Password),
    ("passwd", CredentialKind::Password),
    ("passphrase", CredentialKind::Password),
    ("kestrapassword", CredentialKind::Password),
    ("secret", CredentialKind::Secret),
    ("token", CredentialKind::ApiToken),
    ("apitoken", CredentialKind::ApiToken),
    ("fulltoken", CredentialKind::ApiToken),
    ("kestratoken", CredentialKind::ApiToken),
    ("kestraapitoken", CredentialKind::ApiToken),
    ("jwt", CredentialKind::Jwt),
];

fn credential_word(folded: &str) -> Option<CredentialKind> {
    CREDENTIAL_WORDS.iter().find(|(w, _)| *w == folded).map(|(_, kind)| *kind)
}

/// Words one edit away from a credential's key that are keys of their own.
const NOT_MISSPELT: [&str; 3] = ["passed", "taken", "tokei"];

/// The credential a key misspells: one edit (a letter added, dropped, changed or two
/// swapped) from a key of five letters or more, two from one of eight or more. `jwt` is
/// too short to guess at.
fn misspelt(folded: &str) -> Option<CredentialKind> {
    if folded.len() < 4 || NOT_MISSPELT.contains(&folded) {
        return None;
    }
    CREDENTIAL_WORDS
        .iter()
        // Most keys share neither end with any of the words: no distance to compute.
        .filter(|(w, _)| {
            w.len() >= 5
                && folded.len().abs_diff(w.len()) <= 2
                && (folded.as_bytes()[0] == w.as_bytes()[0] || folded.as_bytes().last() == w.as_bytes().last())
        })
        .map(|(w, kind)| (strsim::osa_distance(folded, w), w.len(), *kind))
        .filter(|&(d, len, _)| d == 1 || (d == 2 && len >= 8))
        .min_by_key(|&(d, _, _)| d)
        .map(|(_, _, kind)| kind)
}

/// How a message names a credential: the first 4 bytes of its SHA-256, in hex
/// (`sha256:1a2b3c4d`). No character of the value, yet two findings on the same value say
/// so, and a reviewer can check a suspect value with `printf %s VALUE | sha256sum`. Every
/// message that names a credential goes through here.
pub fn fingerprint(value: &str) -> String {
    format!("sha256:{}", crate::fingerprint::sha256_hex(&[value.as_bytes()], 4))
}

/// Records a literal credential at `span`: for IAM601 (which reports a span once, however
/// many blocks use it), and for redaction. Not checked for duplicates here: a script of
/// many thousands of credentials made that check quadratic.
pub fn record(
    model: &mut FileModel,
    span: Span,
    kind: CredentialKind,
    value: &str,
    context: String,
    used_by: Option<(Span, String)>,
) {
    if is_reference(value) {
        return;
    }
    model.secrets.push(span);
    model.credentials.push(Credential { span, kind, context, fingerprint: fingerprint(value), used_by });
}

/// Marks a literal at `span` for redaction only: a value under a key that looks like a
/// credential but is not one iamlint reports (`client_secret`, a workflow's
/// `KESTRA_PASSWORD`, a plan's copy of a value reported elsewhere).
pub fn mark(model: &mut FileModel, span: Span, value: &str) {
    if !is_reference(value) {
        model.secrets.push(span);
    }
}

/// One value: double-quoted (with escapes), single-quoted, or bare up to a shell or YAML
/// delimiter. Group 1, 2 or 3 is the content.
const VALUE: &str = r#"(?:"((?:[^"\\\n]|\\.)*)"|'([^'\n]*)'|([^\s"'`;|&)(,}\]]+))"#;

/// `USER:PASSWORD`: a `VALUE`, or a bare user and a quoted password (`admin@x.io:'pw'`,
/// which the shell joins into one word). Group 1, 2 or 3 is the content.
const USER_VALUE: &str = r#"(?:"((?:[^"\\\n]|\\.)*)"|'([^'\n]*)'|([^\s"'`;|&)(,}\]:]*:(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s"'`;|&)(,}\]]+)))"#;

/// The command a pattern belongs to, where a flag means something else in other commands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Within {
    Any,
    /// A command that mentions kestra (`--user 1000:1000` is docker's).
    Kestra,
    /// A `curl` command (`-u` is `sort`'s, `set`'s...).
    Curl,
}

struct Pattern {
    re: Regex,
    kind: CredentialKind,
    within: Within,
    /// The value is `USER:PASSWORD`; the credential is the password.
    user_password: bool,
    context: &'static str,
    /// Text every match holds, lower case: a line without it is not searched (most lines
    /// of a script hold none; six regex searches a line were most of a script's scan).
    needle: &'static str,
}

static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let p = |re: &str, kind, within, user_password, context| Pattern {
        re: Regex::new(&re.replace("USER_VALUE", USER_VALUE).replace("VALUE", VALUE))
            .expect("credential pattern compiles"),
        kind,
        within,
        user_password,
        context,
        needle: "",
    };
    let needles = ["--api-token", "-u", "--user", "authorization", "token", "token=", "pass", "user", ":-", "password"];
    vec![
        p(
            r"--api-token(?:=|[ \t]+)VALUE",
            CredentialKind::ApiToken,
            Within::Kestra,
            false,
            "`--api-token` of a kestra command",
        ),
        // curl's basic authentication, `-u USER:PASSWORD`, `-uUSER:PASSWORD` or `--user`:
        // the same credential as an `Authorization: Basic` header. Before kestra's
        // `--user`: a curl command calling Kestra's API mentions kestra too, and a value
        // is recorded by the first pattern that finds it.
        p(
            r"(?:^|[\s;|&(])(?:-u[ \t]*|--user(?:=|[ \t]+))USER_VALUE",
            CredentialKind::Password,
            Within::Curl,
            true,
            "`-u USER:PASSWORD` of a curl command",
        ),
        p(
            r"--user(?:=|[ \t]+)USER_VALUE",
            CredentialKind::Password,
            Within::Kestra,
            true,
            "`--user EMAIL:PASSWORD` of a kestra command",
        ),
        p(
            r#"(?i)authorization["']?:[ \t]*["']?(?:bearer|basic)[ \t]+VALUE"#,
            CredentialKind::ApiToken,
            Within::Any,
            false,
            "an `Authorization` header",
        ),
        p(
            r#"(?i)(?:^|[\s{,"'])(?:kestra[_-]?)?api[_-]?token["']?[ \t]*:[ \t]+VALUE"#,
            CredentialKind::ApiToken,
            Within::Any,
            false,
            "an `apiToken:` setting",
        ),
        p(
            r"(?i)\b(?:kestra_)?(?:api_)?token=VALUE",
            CredentialKind::ApiToken,
            Within::Kestra,
            false,
            "a Kestra token variable",
        ),
        // `KESTRA_PASSWORD=...` in a script, `KESTRA_PASSWORD: ...` in a workflow's `env:`
        // or a GitLab job's `variables:`.
        p(
            r#"(?i)(?:^|[\s{,"'])kestra[_-]?pass(?:word|wd)["']?(?:[ \t]*:[ \t]+|=)VALUE"#,
            CredentialKind::Password,
            Within::Any,
            false,
            "`KESTRA_PASSWORD`",
        ),
        p(
            r#"(?i)(?:^|[\s{,"'])kestra[_-]?user(?:name)?["']?(?:[ \t]*:[ \t]+|=)USER_VALUE"#,
            CredentialKind::Password,
            Within::Any,
            true,
            "`KESTRA_USER` set to `EMAIL:PASSWORD`",
        ),
        // `${KESTRA_API_TOKEN:-eyJ...}`: the default is used whenever the variable is unset.
        p(
            r#"(?i)\$\{[a-z0-9_]*(?:token|password|passwd|secret)[a-z0-9_]*:?-((?:[^}"'\s$`]|\$[^({])+)\}"#,
            CredentialKind::ApiToken,
            Within::Any,
            false,
            "the default of a `${VAR:-VALUE}` expansion",
        ),
        // The `password:` input of Kestra's GitHub actions (`kestra-io/deploy-action`...).
        p(
            r#"(?i)^[ \t]*password["']?[ \t]*:[ \t]+VALUE"#,
            CredentialKind::Password,
            Within::Kestra,
            false,
            "the `password` input of a Kestra action",
        ),
    ]
    .into_iter()
    .zip(needles)
    .map(|(pattern, needle)| Pattern { needle, ..pattern })
    .collect()
});

static KESTRA: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)kestra").expect("compiles"));
static CURL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\bcurl\b").expect("compiles"));
/// Container runtimes, whose `--user` is `UID:GID` or `USER:GROUP`, even on a line that
/// runs Kestra's image.
static CONTAINER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(?:docker|podman|nerdctl)\b").expect("compiles"));

/// Scans a CI workflow or shell script line by line. A command continued with `\` counts
/// as one, so `kestra flow namespace update \` and `--api-token X` on the next line match.
pub fn scan_text(file: FileId, text: &str, model: &mut FileModel) {
    let mut offset = 0usize;
    let mut continues = false;
    let mut mentions_kestra = false;
    let mut mentions_curl = false;
    let mut mentions_container = false;
    // A workflow that uses a Kestra action (`uses: kestra-io/deploy-action@v1`): its
    // `with:` inputs are the action's, whatever line they are on.
    let kestra_action = text.contains("kestra-io/");
    // A YAML block scalar (`run: >-`, `script: |`) is one command for this purpose: a
    // folded one joins its lines, and a literal one runs them in one shell.
    let mut block: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start().len();
        let in_block = block.is_some_and(|b| indent > b || body.trim().is_empty());
        if !in_block {
            block = None;
        }
        // A whole-line comment documents a command, it does not run one.
        if body.trim_start().starts_with('#') {
            offset += line.len();
            continue;
        }
        // Once per line, so a long continued command stays linear.
        mentions_kestra = ((continues || in_block) && mentions_kestra) || kestra_action || KESTRA.is_match(body);
        mentions_curl = ((continues || in_block) && mentions_curl) || CURL.is_match(body);
        mentions_container = ((continues || in_block) && mentions_container) || CONTAINER.is_match(body);
        let trimmed = body.trim_end();
        let header = trimmed.rsplit_once(' ').map_or("", |(_, last)| last);
        if !in_block && matches!(header, "|" | ">" | "|-" | ">-" | "|+" | ">+") {
            block = Some(indent);
        }
        // Several patterns may match one value; it is recorded once.
        let line_first = model.credentials.len();
        let lower = body.to_ascii_lowercase();
        for pattern in PATTERNS.iter() {
            let within = match pattern.within {
                Within::Any => true,
                Within::Kestra => mentions_kestra,
                Within::Curl => mentions_curl,
            };
            if !within || !lower.contains(pattern.needle) {
                continue;
            }
            for caps in pattern.re.captures_iter(body) {
                let Some(m) = caps.get(1).or_else(|| caps.get(2)).or_else(|| caps.get(3)) else { continue };
                let (mut start, value) = (m.start(), m.as_str());
                let value = if pattern.user_password {
                    let Some((user, password)) = value.split_once(':') else { continue };
                    // Kestra's users are emails, though its own docs write `admin:secret`;
                    // docker's `--user` is `UID:GID` or `USER:GROUP`.
                    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
                    let user_ok = match pattern.within {
                        Within::Kestra => {
                            user.contains('@')
                                || user.starts_with('$')
                                || (!mentions_container && !user.is_empty() && !numeric(user) && !numeric(password))
                        }
                        _ => !user.is_empty() && !user.starts_with('-'),
                    };
                    if !user_ok {
                        continue;
                    }
                    start += user.len() + 1;
                    match unquote(password) {
                        Some(inner) => {
                            start += 1;
                            inner
                        }
                        None => password,
                    }
                } else {
                    value
                };
                if value.starts_with('-') {
                    continue;
                }
                let span = Span::new(file, offset + start, offset + start + value.len());
                if model.credentials[line_first..].iter().any(|c| c.span == span) {
                    continue;
                }
                record(model, span, pattern.kind, value, pattern.context.to_string(), None);
            }
        }
        continues = body.trim_end().ends_with('\\');
        offset += line.len();
    }
}

/// The text inside matching quotes (`'pw'`, `"pw"`), if `value` is quoted.
fn unquote(value: &str) -> Option<&str> {
    let quote = value.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    (value.len() >= 2 && value.ends_with(quote)).then(|| &value[1..value.len() - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> Vec<String> {
        let mut model = FileModel::default();
        scan_text(FileId(0), text, &mut model);
        assert_eq!(model.secrets.len(), model.credentials.len());
        model.credentials.iter().map(|c| text[c.span.start..c.span.end].to_string()).collect()
    }

    #[test]
    fn literal_tokens_in_commands() {
        assert_eq!(scan("kestra flow namespace update --api-token abcd1234 prod flows/\n"), ["abcd1234"]);
        assert_eq!(scan("./kestra flow validate --api-token=\"tok en\" f.yml\n"), ["tok en"]);
        assert_eq!(scan("kestra flow update \\\n  --api-token 'sq1'\n"), ["sq1"]);
        assert_eq!(scan("kestra server --user admin@kestra.io:Sup3rS3cret\n"), ["Sup3rS3cret"]);
        assert_eq!(scan("curl -H \"Authorization: Bearer eyJhbGci\" https://x\n"), ["eyJhbGci"]);
        assert_eq!(scan("      apiToken: kst_live_123\n"), ["kst_live_123"]);
        assert_eq!(scan("export KESTRA_API_TOKEN=abc123 # kestra\n"), ["abc123"]);
    }

    #[test]
    fn basic_credentials_in_every_spelling() {
        assert_eq!(scan("kestra flow update --user admin@x.io:'Quoted1'\n"), ["Quoted1"]);
        assert_eq!(scan("kestra flow update --user admin@x.io:\"Space Pw1\"\n"), ["Space Pw1"]);
        assert_eq!(scan("kestra flow update --user=admin@x.io:Eq1pw\n"), ["Eq1pw"]);
        assert_eq!(scan("curl -u admin:CurlPw1 https://k\n"), ["CurlPw1"]);
        assert_eq!(scan("curl -sf -uadmin@x.io:CurlPw2 https://k\n"), ["CurlPw2"]);
        assert_eq!(scan("curl --user=admin:CurlPw3 https://k\n"), ["CurlPw3"]);
        assert_eq!(scan("curl --fail \\\n  -u \"admin@x.io:CurlPw4\" https://k\n"), ["CurlPw4"]);
        assert_eq!(scan("    env:\n      KESTRA_PASSWORD: EnvPw1\n"), ["EnvPw1"]);
        assert_eq!(scan("  KESTRA_USER: \"admin@x.io:EnvPw2\"\n"), ["EnvPw2"]);
        assert_eq!(scan("export KESTRA_USER=admin@x.io:EnvPw3\n"), ["EnvPw3"]);
        assert_eq!(scan("variables:\n  KESTRA_API_TOKEN: GlTok1\n"), ["GlTok1"]);
        // Not credentials: no password, references, other tools' `-u`.
        assert!(scan("curl -u \"$USER:$PASSWORD\" https://k\n").is_empty());
        assert!(scan("curl -u admin: https://k\n").is_empty());
        assert!(scan("sort -u names.txt\nset -u\n").is_empty());
        assert!(scan("  KESTRA_USER: admin@x.io\n").is_empty());
        assert!(scan("  KESTRA_PASSWORD: ${{ secrets.KESTRA_PASSWORD }}\n").is_empty());
    }

    #[test]
    fn references_are_not_credentials() {
        assert!(scan("kestra flow update --api-token ${{ secrets.KESTRA_API_TOKEN }}\n").is_empty());
        assert!(scan("kestra flow update --api-token \"$KESTRA_API_TOKEN\"\n").is_empty());
        assert!(scan("kestra flow update --api-token ${TOKEN}\n").is_empty());
        assert!(scan("kestra server --user \"$USER:$PASSWORD\"\n").is_empty());
        assert!(scan("curl -H 'Authorization: Bearer {{ secret(\"T\") }}'\n").is_empty());
        assert!(scan("apiToken: \"${{ secrets.T }}\"\n").is_empty());
        assert!(scan("apiToken: <your-token>\n").is_empty());
    }

    #[test]
    fn other_tools_flags_are_not_kestra_credentials() {
        assert!(scan("docker run --user 1000:1000 alpine\n").is_empty());
        assert!(scan("docker run --user kestra:kestra kestra/kestra:latest server local\n").is_empty());
        assert!(scan("docker run \\\n  --user 1000:1000 \\\n  kestra/kestra:latest\n").is_empty());
        assert_eq!(scan("kestra flow namespace update company flows/ --user admin:Adm1nPw9\n"), ["Adm1nPw9"]);
        assert!(scan("gh release --api-token abc\n").is_empty());
    }

    #[test]
    fn keys_about_a_credential_are_not_one() {
        for key in [
            "token_max_age",
            "tokenName",
            "secret_name",
            "password-file",
            "KESTRA_PASSWORD_FILE",
            "apiTokenPrefix",
            "token_ttl",
        ] {
            assert_eq!(credential_key(key), None, "{key}");
        }
        for key in ["client_secret", "refresh_token", "db_password"] {
            assert!(credential_key(key).is_some(), "{key}");
        }
    }

    #[test]
    fn credential_keys_match_in_any_case_and_spelling() {
        use CredentialKind::*;
        for key in ["password", "Password", "PASSWORD", "pass-word"] {
            assert_eq!(credential_key(key), Some(KeyClass::Credential(Password)), "{key}");
        }
        for key in ["api_token", "apiToken", "API-TOKEN", "ApiToken", "full_token", "FullToken", "fullToken", "token"] {
            assert_eq!(credential_key(key), Some(KeyClass::Credential(ApiToken)), "{key}");
        }
        assert_eq!(credential_key("JWT"), Some(KeyClass::Credential(Jwt)));
        for key in ["client_secret", "refreshToken", "Authorization", "KESTRA_PASSWORD_HASH", "x-api-key"] {
            assert_eq!(credential_key(key), Some(KeyClass::Sensitive), "{key}");
        }
        assert_eq!(credential_key("apiTokens"), Some(KeyClass::Container));
        for key in ["name", "maxAge", "SECRET", "description", "sensitive", "email"] {
            assert_eq!(credential_key(key), None, "{key}");
        }
    }

    #[test]
    fn misspelt_credential_keys_are_credentials_and_neighbours_are_not() {
        use CredentialKind::*;
        for (key, kind) in [
            ("pasword", Password),
            ("passwrod", Password),
            ("Passowrd", Password),
            ("passwd", Password),
            ("secret", Secret),
            ("secert", Secret),
            ("apiTokn", ApiToken),
            ("api_tokne", ApiToken),
            ("fullTokan", ApiToken),
            ("tokne", ApiToken),
            ("KESTRA_PASWORD", Password),
        ] {
            assert_eq!(credential_key(key), Some(KeyClass::Credential(kind)), "{key}");
        }
        // Every key Kestra's API and provider spell: none is taken for a typo.
        for key in [
            "tenant",
            "tenant_id",
            "namespace",
            "namespaceId",
            "extended",
            "description",
            "superAdmin",
            "groups",
            "roles",
            "bindings",
            "externalId",
            "roleId",
            "type",
            "maxAge",
            "name",
            "email",
            "firstName",
            "lastName",
            "username",
            "max_age",
            "service_account_id",
            "group_id",
            "user_id",
            "resources",
            "actions",
            "url",
            "timeout",
            "isDefault",
            "passed",
            "taken",
            "session",
            "second",
            "select",
            "sector",
            "spoken",
            "owner",
        ] {
            assert!(!matches!(credential_key(key), Some(KeyClass::Credential(_))), "{key}");
        }
    }

    #[test]
    fn fingerprints_show_no_character_and_tell_values_apart() {
        // printf %s hunter22 | sha256sum
        assert_eq!(fingerprint("hunter22"), "sha256:20d2fe5e");
        assert_ne!(fingerprint("hunter22"), fingerprint("hunter23"));
        assert_eq!(fingerprint("eyJhbGciOiJIUzI1NiJ9").len(), "sha256:".len() + 8);
    }
}
