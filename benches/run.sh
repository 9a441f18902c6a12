#!/usr/bin/env bash
# Whole-run benchmark: the release binary on generated workspaces (default 1,000 and 10,000
# files, half Terraform, half YAML, ~10 resources a file), beside the time to merely read
# the same files, and to read and parse them with iamlint's parsers (hcl-edit, the YAML
# event parser) building nothing, so the ratio to both floors is visible.
#
#   benches/run.sh                      # SIZES="1000 10000" RUNS=10 FORMAT=human FOLDER=100
#   SIZES="1000 10000 20000" FORMAT=json benches/run.sh
#   FOLDER=100000 benches/run.sh        # all Terraform in one folder: one module
#
# Timing uses hyperfine when it is installed (apt-get install hyperfine), else a loop over
# GNU time; peak memory is GNU time's maximum resident set size. Each run is also checked:
# iamlint must report exactly the violations the generator planted.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"1000 10000"}
RUNS=${RUNS:-10}
FORMAT=${FORMAT:-human}
SEED=${SEED:-42}
FOLDER=${FOLDER:-100}

cargo build --release --quiet --bin iamlint --example iamlint-gen
BIN=$PWD/target/release/iamlint
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
    found=$("$BIN" check --format json "$2" 2> /dev/null | grep -o '"code": "IAM[0-9]*"' | cut -d'"' -f4 | sort | uniq -c |
        awk '{ print $2, $1 }' || true)
    if [ "$planted" != "$found" ]; then
        echo "MISMATCH in $2: planted vs found" >&2
        diff <(echo "$planted") <(echo "$found") >&2 || true
        exit 1
    fi
}

echo "iamlint $("$BIN" --version | cut -d' ' -f2), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)," \
    "format $FORMAT, $FOLDER files a folder, median wall (CPU) of $RUNS runs"
printf '%-6s %-9s %-5s | %-15s %-15s %-15s | %-15s %-8s %-6s %-8s | %-18s | %s\n' \
    files resources MB read cat parse iamlint files/s MB/s peak-RSS 'iamlint/read (CPU)' 'iamlint/parse (CPU)'
for n in $SIZES; do
    dir=$WORK/ws-$n
    "$GEN" generate "$dir" --files "$n" --folder "$FOLDER" --seed "$SEED" > "$WORK/stats-$n.json"
    check_counts "$WORK/stats-$n.json" "$dir"
    bytes=$(grep -o '"bytes": [0-9]*' "$WORK/stats-$n.json" | awk '{ print $2 }')
    resources=$(grep -o '"resources": [0-9]*' "$WORK/stats-$n.json" | awk '{ print $2 }')
    read_t=$(timing "$GEN read $dir")
    cat_t=$(timing "sh -c 'find $dir -type f -print0 | xargs -0 cat > /dev/null'")
    parse_t=$(timing "$GEN parse $dir")
    lint_t=$(timing "$BIN check --format $FORMAT $dir")
    rss=$(peak_mb "$BIN check --format $FORMAT $dir")
    echo "$n $resources $bytes $read_t $cat_t $parse_t $lint_t $rss" | awk '{
        ms = "%4.0fms (%4.0f)"
        printf "%-6d %-9d %-5.1f | " ms "   " ms "   " ms "   | " ms "   %-8d %-6.1f %-8s | %5.1fx (%5.1fx)     | %.1fx (%.1fx)\n",
            $1, $2, $3 / 1e6, $4 * 1000, $5 * 1000, $6 * 1000, $7 * 1000, $8 * 1000, $9 * 1000, $10 * 1000, $11 * 1000,
            $1 / $10, $3 / 1e6 / $10, $12, $10 / $4, $11 / $5, $10 / $8, $11 / $9 }'
done
