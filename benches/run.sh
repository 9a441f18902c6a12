#!/usr/bin/env bash
# Whole-run benchmark: the release binary on generated workspaces (default 1,000 and 10,000
# files), beside the time to merely read the same files, and to read and parse them with
# iamlint's parsers (hcl-edit, the YAML event parser) building nothing, so the ratio to both
# floors is visible. Two layouts (SHARES): 100 is all Kestra (half Terraform, half YAML, ~10
# resources a file); a smaller number is a mixed repository where that percent of the files
# are Kestra's and the rest AWS/GCP/Kubernetes Terraform, Helm values, Kubernetes manifests
# and workflows (10,000 files, about 40 MB). Each workspace is a git repository, and the
# "1 file" row runs iamlint from its root on one Kestra `.tf` file, as pre-commit does.
#
#   benches/run.sh                      # SIZES="1000 10000" SHARES="100 5" RUNS=10 FORMAT=human FOLDER=100
#   SIZES="1000 10000 20000" FORMAT=json benches/run.sh
#   FOLDER=100000 SHARES=100 benches/run.sh   # all Terraform in one folder: one module
#   BIN=/tmp/iamlint-old benches/run.sh       # another build of iamlint (a baseline)
#
# Timing uses hyperfine when it is installed (apt-get install hyperfine), else a loop over
# GNU time; peak memory is GNU time's maximum resident set size. Each run is also checked:
# iamlint must report exactly the violations the generator planted.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"1000 10000"}
SHARES=${SHARES:-"100 5"}
RUNS=${RUNS:-10}
FORMAT=${FORMAT:-human}
SEED=${SEED:-42}
FOLDER=${FOLDER:-100}

cargo build --release --quiet --bin iamlint --example iamlint-gen
BIN=${BIN:-$PWD/target/release/iamlint}
GEN=$PWD/target/release/examples/iamlint-gen
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# Median wall time and mean CPU time (user + system) of a command, in seconds. CPU time
# is the steadier figure on a machine shared with other work.
timing() {
    if command -v hyperfine > /dev/null; then
        hyperfine -N --warmup 2 --runs "$RUNS" --ignore-failure --export-csv "$WORK/h.csv" "$1" > /dev/null 2>&1
        awk -F, 'NR == 2 { print $4, $5 + $6 }' "$WORK/h.csv"
    else
        sh -c "$1" > /dev/null 2>&1 || true
        for _ in $(seq "$RUNS"); do
            /usr/bin/time -f '%e %U %S' -o "$WORK/t" sh -c "$1 > /dev/null 2>&1" || true
            tail -1 "$WORK/t"
        done | sort -n | awk '{ w[NR] = $1; c += $2 + $3 } END { print w[int((NR + 1) / 2)], c / NR }'
    fi
}

peak_mb() {
    /usr/bin/time -f %M -o "$WORK/m" sh -c "$1 > /dev/null 2>&1" || true
    tail -1 "$WORK/m" | awk '{ printf "%.0fMB", $1 / 1024 }'
}

# Planted violations per code vs findings per code in iamlint's JSON output.
check_counts() {
    local planted found
    planted=$(grep -o '"IAM[0-9]*": [0-9]*' "$1" | tr -d '":' | sort)
    found=$(cd "$2" && "$BIN" check --format json . 2> /dev/null | grep -o '"code": "IAM[0-9]*"' | cut -d'"' -f4 | sort | uniq -c |
        awk '{ print $2, $1 }' || true)
    if [ "$planted" != "$found" ]; then
        echo "MISMATCH in $2: planted vs found" >&2
        diff <(echo "$planted") <(echo "$found") >&2 || true
        exit 1
    fi
}

echo "iamlint $("$BIN" --version | cut -d' ' -f2), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)," \
    "format $FORMAT, $FOLDER files a folder, median wall (CPU) of $RUNS runs"
printf '%-6s %-6s %-9s %-5s | %-15s %-15s %-15s | %-15s %-8s %-6s %-8s | %-18s | %s\n' \
    files kestra resources MB read cat parse iamlint files/s MB/s peak-RSS 'iamlint/read (CPU)' 'iamlint/parse (CPU)'
row() {
    echo "$@" | awk '{
        ms = "%4.0fms (%4.0f)"
        printf "%-6s %-6s %-9d %-5.1f | " ms "   " ms "   " ms "   | " ms "   %-8d %-6.1f %-8s | %5.1fx (%5.1fx)     | %.1fx (%.1fx)\n",
            $1, $2, $3, $4 / 1e6, $5 * 1000, $6 * 1000, $7 * 1000, $8 * 1000, $9 * 1000, $10 * 1000, $11 * 1000, $12 * 1000,
            $13 / $11, $4 / 1e6 / $11, $14, $11 / $5, $12 / $6, $11 / $9, $12 / $10 }'
}
for share in $SHARES; do
    for n in $SIZES; do
        dir=$WORK/ws-$share-$n
        if [ "$share" = 100 ]; then
            "$GEN" generate "$dir" --files "$n" --folder "$FOLDER" --seed "$SEED" > "$WORK/stats.json"
            one=terraform/part-000/team-00001.tf
        else
            "$GEN" generate "$dir" --files "$n" --folder "$FOLDER" --seed "$SEED" --kestra-share "$share" > "$WORK/stats.json"
            one=kestra/terraform/part-000/team-00001.tf
        fi
        git -C "$dir" init -q
        check_counts "$WORK/stats.json" "$dir"
        bytes=$(grep -o '"bytes": [0-9]*' "$WORK/stats.json" | awk '{ print $2 }')
        resources=$(grep -o '"resources": [0-9]*' "$WORK/stats.json" | awk '{ print $2 }')
        read_t=$(timing "$GEN read $dir")
        cat_t=$(timing "sh -c 'cd $dir && git ls-files -o -z | xargs -0 cat > /dev/null'")
        parse_t=$(timing "$GEN parse $dir")
        lint_t=$(timing "sh -c 'cd $dir && $BIN check --format $FORMAT .'")
        rss=$(peak_mb "sh -c 'cd $dir && $BIN check --format $FORMAT .'")
        row "$n $share% $resources $bytes $read_t $cat_t $parse_t $lint_t $n $rss"
        one_t=$(timing "sh -c 'cd $dir && $BIN check --format $FORMAT $one'")
        rss=$(peak_mb "sh -c 'cd $dir && $BIN check --format $FORMAT $one'")
        row "1-file $share% $resources $bytes $read_t $cat_t $parse_t $one_t 1 $rss" |
            sed "s/\$/   | $(echo "$one_t $lint_t" | awk '{ printf "%.0f%% (%.0f%% CPU) of the full run", 100 * $1 / $3, 100 * $2 / $4 }')/"
    done
done
