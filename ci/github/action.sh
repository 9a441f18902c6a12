#!/usr/bin/env bash
# The shell steps of the iamlint GitHub Action (action.yml at the repository root). CI runs
# this script locally with the GitHub variables set (tests/action.rs), so what the Action
# does is tested without GitHub.
#
#   action.sh install   pip-installs iamlint==$INPUT_VERSION into a venv under
#                       $RUNNER_TEMP and adds it to $GITHUB_PATH (empty version: use the
#                       iamlint already on PATH)
#   action.sh run       in the workspace: SARIF for code scanning into $INPUT_SARIF_FILE, a
#                       Markdown summary (findings by rule, the access diff against
#                       $INPUT_BASE_REF) appended to $GITHUB_STEP_SUMMARY, `sarif-file=` in
#                       $GITHUB_OUTPUT, and exit status 1 when a finding is at or above
#                       $INPUT_FAIL_ON (2 when iamlint could not run)
#
# Inputs, as action.yml passes them: INPUT_PATHS and INPUT_ARGS (split on spaces),
# INPUT_FAIL_ON, INPUT_CONFIG, INPUT_SARIF_FILE, INPUT_BASE_REF, INPUT_VERSION. Written for
# bash 3.2 too (macOS runners): `${a[@]+"${a[@]}"}` is an array that may be empty.
set -euo pipefail

install() {
  if [ -z "${INPUT_VERSION:-}" ]; then
    iamlint --version
    return
  fi
  local venv="${RUNNER_TEMP:?}/iamlint-venv"
  python3 -m venv "$venv"
  local bin="$venv/bin"
  [ -d "$venv/Scripts" ] && bin="$venv/Scripts"
  "$bin/python" -m pip install --quiet --disable-pip-version-check "iamlint==$INPUT_VERSION"
  echo "$bin" >> "${GITHUB_PATH:?}"
  "$bin/iamlint" --version
}

run() {
  local paths args config=() fail_on="${INPUT_FAIL_ON:-warning}" sarif="${INPUT_SARIF_FILE:-iamlint.sarif}"
  read -r -a paths <<< "${INPUT_PATHS:-.}"
  read -r -a args <<< "${INPUT_ARGS:-}"
  [ -n "${INPUT_CONFIG:-}" ] && config=(--config "$INPUT_CONFIG")
  local work
  work=$(mktemp -d)

  # The report for code scanning. Its exit status is the step's. (When `check` has
  # --output-file, this becomes `--format sarif --output-file "$sarif"`.)
  local status=0
  iamlint check --format sarif --fail-on "$fail_on" ${config[@]+"${config[@]}"} ${args[@]+"${args[@]}"} ${paths[@]+"${paths[@]}"} > "$sarif" || status=$?
  if [ "$status" -ge 2 ]; then
    rm -f "$sarif"
    echo "::error title=iamlint::iamlint could not run (exit status $status); see the log above"
    exit "$status"
  fi
  echo "sarif-file=$sarif" >> "${GITHUB_OUTPUT:?}"

  # The findings again as JSON, for the summary (status 1 only means findings).
  iamlint check --format json ${config[@]+"${config[@]}"} ${args[@]+"${args[@]}"} ${paths[@]+"${paths[@]}"} > "$work/findings.json" \
    || { local s=$?; [ "$s" -eq 1 ] || exit "$s"; }

  # What each service account and user gains and loses against the base branch.
  local base="${INPUT_BASE_REF:-}" revision=""
  if [ -n "$base" ]; then
    revision=$(base_revision "$base") || revision=""
    if [ -n "$revision" ]; then
      if ! iamlint access --diff "$revision" ${config[@]+"${config[@]}"} ${paths[@]+"${paths[@]}"} \
          > "$work/access.txt" 2> "$work/access.err"; then
        cat "$work/access.err" >&2
        echo "::warning title=iamlint::access --diff $base failed: $(head -n 1 "$work/access.err")"
        rm -f "$work/access.txt"
      fi
    else
      echo "::warning title=iamlint::cannot find the base revision $base (fetch it, or check out with fetch-depth: 0)"
    fi
  fi

  summary "$work/findings.json" "$work/access.txt" "$base" "$fail_on" >> "${GITHUB_STEP_SUMMARY:?}"
  rm -rf "$work"
  exit "$status"
}

# A commit for BASE: as given (a commit, a tag, origin/main), else the remote branch,
# fetched if need be (a pull request's checkout holds only its own commit).
base_revision() {
  local base="$1"
  for candidate in "$base" "origin/$base"; do
    if git rev-parse --verify --quiet "$candidate^{commit}" > /dev/null; then
      echo "$candidate"
      return
    fi
  done
  git fetch --quiet --no-tags --depth=1 origin "+refs/heads/$base:refs/remotes/origin/$base" > /dev/null 2>&1 || return 1
  echo "origin/$base"
}

# The Markdown summary. (When `check` has --format markdown, the findings part becomes
# its output.)
summary() {
  python3 - "$@" <<'PY'
import json, os, re, sys

findings_file, access_file, base, fail_on = sys.argv[1:5]
report = json.load(open(findings_file, encoding="utf-8"))
findings = report["findings"]
severities = ["error", "warning", "info"]
print("## iamlint\n")
def count(n, word):
    return f"{n} {word}{'s' if n != 1 and word != 'info' else ''}"
by_severity = ", ".join(count(sum(f["severity"] == s for f in findings), s) for s in severities
                        if any(f["severity"] == s for f in findings))
print(f"{count(len(findings), 'finding')}{f' ({by_severity})' if by_severity else ''} in "
      f"{count(report['summary']['files'], 'file')}; the check fails on {fail_on} and above.\n")
if findings:
    rules = {}
    for f in findings:
        rule = rules.setdefault(f["code"], {"count": 0, "name": f["name"], "severity": f["severity"]})
        rule["count"] += 1
    print("| count | code | name | severity |\n|---:|---|---|---|")
    for code, r in sorted(rules.items(), key=lambda kv: (-kv[1]["count"], kv[0])):
        print(f"| {r['count']} | {code} | {r['name']} | {r['severity']} |")
    print()

if base:
    print(f"### Access changes against `{base}`\n")
    if os.path.exists(access_file):
        text = open(access_file, encoding="utf-8").read()
        # A fence longer than any run of backticks in names the pull request chose.
        fence = "`" * max([3] + [len(run) + 1 for run in re.findall(r"`+", text)])
        print(f"{fence}text\n{text.rstrip()}\n{fence}")
    else:
        print("Not available: see the warning in the log.")
PY
}

case "${1:-}" in
  install) install ;;
  run) run ;;
  *) echo "usage: $0 install|run" >&2; exit 2 ;;
esac
