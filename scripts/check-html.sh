#!/usr/bin/env bash
# Checks `prune report html` in a real browser: renders the page of each committed sample report
# in headless Chromium (Debian package `chromium`, installed if missing) and fails unless
#   - the rendered DOM holds the verdict and every point's commitment,
#   - the page logs no console error (checked to be detectable first, on a page with a broken script),
#   - a screenshot can be taken (written to a temporary folder outside the repository; its path is printed).
# Needs a built prune (./scripts/demo.sh builds it); PRUNE=path overrides.
set -euo pipefail
cd "$(dirname "$0")/.."
prune="${PRUNE:-}"
if [ -z "$prune" ]; then
  if [ -x .build/release/prune ]; then prune=$PWD/.build/release/prune; else prune=$PWD/.build/debug/prune; fi
fi
[ -x "$prune" ] || { echo "check-html: build prune first (./scripts/demo.sh)" >&2; exit 66; }

if ! command -v chromium >/dev/null; then
  sudo=""; if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  echo "check-html: installing chromium" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

out=$(mktemp -d /tmp/prune-html.XXXXXX)   # kept: it holds the screenshots
chrome=(chromium --headless --disable-gpu --no-sandbox --no-first-run --disable-extensions
        --user-data-dir="$out/profile" --enable-logging=stderr --v=0)

# Console errors as Chromium logs them on stderr: uncaught exceptions and console.error.
console_errors() { grep -E 'CONSOLE|Uncaught' "$1" | grep -iE 'error|uncaught' || true; }

# The detector must see a broken page's error, or a clean result would mean nothing.
printf '<!DOCTYPE html><html><body><p>x</p><script>noSuchFunction();</script></body></html>\n' > "$out/broken.html"
"${chrome[@]}" --dump-dom "file://$out/broken.html" >/dev/null 2>"$out/broken.err" || true
if [ -z "$(console_errors "$out/broken.err")" ]; then
  echo "check-html: FAILED: the console-error detector did not see the error of a broken page" >&2
  exit 1
fi

status=0
for n in 1 2; do
  report=SampleBundles/audit-$n.json.gz
  page="$out/audit-$n.html"
  "$prune" report html "$report" --trust SampleBundles/keys/sample-auditor.pub.pem --out "$page"
  "${chrome[@]}" --dump-dom "file://$page" > "$out/audit-$n.dom.html" 2> "$out/audit-$n.err"
  verdict=$("$prune" report verify "$report" --trust SampleBundles/keys/sample-auditor.pub.pem --json | sed -n '1,/"result"/s/.*"result" : "\([A-Z]*\)".*/\1/p')
  grep -q "id=\"verdict\" class=\"verdict $verdict\">$verdict<" "$out/audit-$n.dom.html" \
    || { echo "check-html: $page: the rendered page does not show the verdict $verdict" >&2; status=1; }
  commitments=$("$prune" report show "$report" --json | sed -n 's/.*"commitment" : "\([0-9a-f]*\)".*/\1/p')
  count=0 found=0
  for c in $commitments; do
    count=$((count + 1))
    if grep -q "$c" "$out/audit-$n.dom.html"; then found=$((found + 1))
    else echo "check-html: $page: point $c is missing from the rendered page" >&2; status=1; fi
  done
  [ "$count" -gt 0 ] || { echo "check-html: $report lists no commitments" >&2; status=1; }
  errors=$(console_errors "$out/audit-$n.err")
  if [ -n "$errors" ]; then echo "check-html: $page: console errors:" >&2; echo "$errors" >&2; status=1; fi
  "${chrome[@]}" --window-size=1200,1800 --screenshot="$out/audit-$n.png" "file://$page" 2>/dev/null
  [ -s "$out/audit-$n.png" ] || { echo "check-html: no screenshot of $page" >&2; status=1; }
  echo "audit-$n: verdict $verdict shown, $found of $count commitments in the DOM, console errors: ${errors:-none}; screenshot $out/audit-$n.png"
done
if [ "$status" = 0 ]; then echo "check-html: PASSED"; else echo "check-html: FAILED"; fi
exit "$status"
