#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ and runs them.
#
#   scripts/fuzz.sh [--seconds N] [target…|all]   fuzz each target for N seconds (default 60)
#   scripts/fuzz.sh --replay [target…|all]        run each target once over its regressions and seeds
#   scripts/fuzz.sh --list                        print the target names
#   --bin DIR   use the fuzz binaries already in DIR instead of building (a long run keeps
#               its own copy, so rebuilding meanwhile cannot swap a binary under it)
#   FUZZ_SCRATCH=DIR   where corpus, findings and logs go (default scratch/fuzz)
#
# Targets are the folders Fuzz/Sources/fuzz-<name>/. Seeds: the files and folders named on the
# `// fuzz-seeds:` line of the target's main.swift (test vectors, fixtures, Fuzz/seeds/<name>)
# plus Fuzz/regressions/<name>; an optional `// fuzz-options:` line adds libFuzzer flags. The
# corpus grows in scratch/fuzz/corpus/<name>; crashes, leaks, timeouts and out-of-memory inputs
# go to scratch/fuzz/findings/<name>/ (both gitignored). Prints a table of the targets
# (executions, exec/s, coverage at start → end, new corpus units, peak RSS, findings); exits 1
# when any target has a finding.
#
# A finding is a crash, a Swift trap, a sanitizer report, a leak, an input slower than
# FUZZ_TIMEOUT seconds (default 10), more than FUZZ_RSS_MB of memory (default 2048), or an
# error that is not a PruneError. Fix the parser, then keep the input as a regression:
#   cp scratch/fuzz/findings/<name>/crash-… Fuzz/regressions/<name>/<what-it-was>
# (replayed by --replay and by FuzzRegressionTests in the root package).
#
# Runs one fuzzer at a time. For a long run on a shared machine: nice -n 19 scripts/fuzz.sh --seconds 600 all
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=60
mode=fuzz
prebuilt=""
requested=()
while (($#)); do
  case "$1" in
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    --seconds=*) seconds="${1#--seconds=}"; shift ;;
    --replay) mode=replay; shift ;;
    --list) mode=list; shift ;;
    --bin) prebuilt="${2:?--bin needs a folder}"; shift 2 ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 64 ;;
    *) requested+=("$1"); shift ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ ]] && ((seconds > 0)) || { echo "fuzz.sh: --seconds needs a positive integer" >&2; exit 64; }

all=()
for dir in Fuzz/Sources/fuzz-*/; do
  name=${dir%/}; all+=("${name#Fuzz/Sources/fuzz-}")
done
if [ "$mode" = list ]; then printf '%s\n' "${all[@]}"; exit 0; fi
if ((${#requested[@]} == 0)) || [ "${requested[*]}" = all ]; then requested=("${all[@]}"); fi
for t in "${requested[@]}"; do
  [ -d "Fuzz/Sources/fuzz-$t" ] || { echo "fuzz.sh: no target '$t' (targets: ${all[*]})" >&2; exit 64; }
done

if [ -n "$prebuilt" ]; then
  bin=$(cd "$prebuilt" && pwd)
else
  command -v swift >/dev/null || { echo "fuzz.sh: the Swift toolchain is not on PATH" >&2; exit 69; }
  # -parse-as-library: the targets export LLVMFuzzerTestOneInput and libFuzzer supplies main.
  flags=(--package-path Fuzz -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
  echo "fuzz.sh: building Fuzz/ (release, -sanitize=fuzzer,address)" >&2
  build_start=$SECONDS
  set +e
  swift build "${flags[@]}" 2>&1 | grep -v "Cannot export local symbol" >&2
  build_rc=${PIPESTATUS[0]}
  set -e
  ((build_rc == 0)) || { echo "fuzz.sh: the build failed" >&2; exit 70; }
  bin=$(swift build "${flags[@]}" --show-bin-path)
  echo "fuzz.sh: build took $((SECONDS - build_start)) s" >&2
fi
for t in "${requested[@]}"; do
  [ -x "$bin/fuzz-$t" ] || { echo "fuzz.sh: $bin/fuzz-$t was not built; is \"$t\" in the targets list of Fuzz/Package.swift?" >&2; exit 70; }
done

scratch="${FUZZ_SCRATCH:-$root/scratch/fuzz}"
mkdir -p "$scratch"; scratch=$(cd "$scratch" && pwd)
mkdir -p "$scratch"
# The Swift runtime's own crash reporter would hold the output open; libFuzzer reports crashes.
export SWIFT_BACKTRACE=enable=no
export PRUNE_REPO="$root"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:handle_abort=1:symbolize=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$root/Fuzz/lsan.supp:print_suppressions=0}"
timeout_s="${FUZZ_TIMEOUT:-10}"
rss_mb="${FUZZ_RSS_MB:-2048}"

# The seed files of target $1, one per line: its `// fuzz-seeds:` entries and its regressions.
seed_files() {
  local line entries entry
  line=$(grep -m1 '^// fuzz-seeds:' "Fuzz/Sources/fuzz-$1/main.swift" || true)
  read -r -a entries <<<"${line#// fuzz-seeds:}"
  entries+=("Fuzz/regressions/$1")
  shopt -s nullglob
  for entry in "${entries[@]}"; do
    for path in $entry; do
      if [ -d "$path" ]; then find "$path" -type f ! -name '.*' ! -name '*.md'; elif [ -f "$path" ]; then echo "$path"; fi
    done
  done
  shopt -u nullglob
}

status=0
if [ "$mode" = replay ]; then
  printf '\n%-12s %8s  %s\n' target inputs result
  for t in "${requested[@]}"; do
    mapfile -t files < <(seed_files "$t")
    log="$scratch/replay-$t.log"
    if ((${#files[@]} == 0)); then printf '%-12s %8s  %s\n' "$t" 0 "no inputs"; continue; fi
    if "$bin/fuzz-$t" -timeout="$timeout_s" -rss_limit_mb="$rss_mb" "${files[@]}" >"$log" 2>&1; then
      printf '%-12s %8d  %s\n' "$t" "${#files[@]}" ok
    else
      printf '%-12s %8d  %s\n' "$t" "${#files[@]}" "FINDING (see $log)"
      grep -E "^(==[0-9]+==ERROR|SUMMARY|Running:|Fatal error|.*fuzz finding)" "$log" | tail -n 8 >&2 || true
      status=1
    fi
  done
  exit $status
fi

results=()
total_start=$SECONDS
for t in "${requested[@]}"; do
  corpus="$scratch/corpus/$t" seeds="$scratch/seeds/$t" findings="$scratch/findings/$t"
  rm -rf "$seeds"
  mkdir -p "$corpus" "$seeds" "$findings"
  while IFS= read -r f; do cp "$f" "$seeds/$(echo "$f" | tr '/' '_')"; done < <(seed_files "$t")
  dict=()
  [ -f "Fuzz/dicts/$t.dict" ] && dict=(-dict="Fuzz/dicts/$t.dict")
  # Extra libFuzzer flags from the target's `// fuzz-options:` line (e.g. -max_len).
  options=()
  line=$(grep -m1 '^// fuzz-options:' "Fuzz/Sources/fuzz-$t/main.swift" || true)
  [ -n "$line" ] && read -r -a options <<<"${line#// fuzz-options:}"
  log="$scratch/$t.log"
  before=$(find "$findings" -type f | wc -l)
  echo "fuzz.sh: $t for ${seconds}s ($(find "$seeds" -type f | wc -l) seeds, $(find "$corpus" -type f | wc -l) in the corpus)" >&2
  rc=0
  "$bin/fuzz-$t" "$corpus" "$seeds" "${dict[@]}" "${options[@]}" -max_total_time="$seconds" -timeout="$timeout_s" \
    -rss_limit_mb="$rss_mb" -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1 || rc=$?
  final_stat() { grep -m1 "^stat::$1:" "$log" | awk '{print $2}'; }
  execs=$(final_stat number_of_executed_units); rate=$(final_stat average_exec_per_sec)
  added=$(final_stat new_units_added); rss=$(final_stat peak_rss_mb)
  cov0=$(grep -m1 -E 'INITED cov: [0-9]+' "$log" | sed -E 's/.*INITED cov: ([0-9]+).*/\1/' || true)
  cov1=$(grep -E '^#[0-9]+.*cov: [0-9]+' "$log" | tail -n1 | sed -E 's/.* cov: ([0-9]+).*/\1/' || true)
  found=$(( $(find "$findings" -type f | wc -l) - before ))
  if ((rc != 0)) && ((found == 0)); then found=1; fi
  verdict=ok
  # Where LeakSanitizer cannot stop the process's threads (some containers forbid ptrace), it
  # fails at exit; that is the environment, not a finding, and everything else was checked.
  if ((rc != 0)) && grep -q "LeakSanitizer has encountered a fatal error" "$log" && ! grep -q "^==[0-9]*==ERROR: \(Address\|Leak\)Sanitizer: [a-z]" "$log" \
     && ! grep -q "^SUMMARY: libFuzzer" "$log"; then
    echo "fuzz.sh: $t: LeakSanitizer does not work here (ptrace refused?); leaks were not checked" >&2
    rc=0 found=0 verdict="ok (no leak check)"
  fi
  if ((rc != 0)); then
    verdict="FINDING (exit $rc, see $log)"
    status=1
    grep -E "^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Fatal error|.*fuzz finding)" "$log" | tail -n 8 >&2 || true
  fi
  results+=("$(printf '%-12s %12s %8s %9s %6s %7s %7s  %s' "$t" "${execs:-?}" "${rate:-?}" \
    "${cov0:-?}→${cov1:-?}" "${added:-?}" "${rss:-?}" "$found" "$verdict")")
done

printf '\nfuzz.sh: %s s per target, %d target(s), %d s in all (build excluded)\n' "$seconds" "${#requested[@]}" $((SECONDS - total_start))
printf '%-12s %12s %8s %9s %6s %7s %7s  %s\n' target executions exec/s coverage new rss_mb crashes result
printf '%s\n' "${results[@]}"
exit $status
