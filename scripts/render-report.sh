#!/usr/bin/env bash
# Builds a sample plan with the tandem CLI, writes its HTML report, and renders
# the page to a PNG with headless Chromium (Debian package: apt-get install -y chromium).
#
#   scripts/render-report.sh [OUT_DIR]     (default: ./report-render)
#
# Env: TANDEM (the tandem binary; default: swift build, then .build/debug/tandem),
#      CHROMIUM (default: chromium or chromium-browser on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-report-render}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

if [[ -z "${TANDEM:-}" ]]; then
  swift build --product tandem >/dev/null
  TANDEM="$(swift build --show-bin-path)/tandem"
fi
CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"

STORE="$(mktemp -d)/store"
trap 'rm -rf "$(dirname "$STORE")"' EXIT
export TANDEM_STORE="$STORE" TANDEM_TODAY=2026-03-20 NO_COLOR=1
t() { "$TANDEM" "$@"; }
id() { t tasks --json | python3 -c "import json,sys; print(next(x['id'] for x in json.load(sys.stdin) if x['title'] == sys.argv[1]))" "$1"; }

t init --as "Ana Ruiz" >/dev/null
t plan create --customer "Acme Corp" --template mid-market --start 2026-03-01 \
  --role customer-champion="Bo Chen <bo@acme.example>" --role customer-admin="Carla Diaz <carla@acme.example>" >/dev/null
KICKOFF=$(id "Kickoff call: outcomes, owners, dates")
DISCOVERY=$(id "Discovery questionnaire")
SSO=$(id "Set up single sign-on")
t baseline save kickoff >/dev/null
TANDEM_TODAY=2026-03-03 t task done "$KICKOFF" >/dev/null
TANDEM_TODAY=2026-03-09 t task done "$DISCOVERY" --as "Bo Chen" --late-reason preventable --note "questionnaire sat in an inbox" >/dev/null
t task start "$SSO" --as "Carla Diaz" >/dev/null
t task edit "$SSO" --goal "Replace the spreadsheet process" >/dev/null
t phase gate "Go-live" --approver "Bo Chen" --expected 2026-04-06 >/dev/null
t feedback add Kickoff 5 "clear owners and dates" --as "Bo Chen" >/dev/null
t feedback add Kickoff 4 --as "Ana Ruiz" >/dev/null
t report --html --output "$OUT/report.html" >/dev/null
t report --html --as-customer --output "$OUT/report-customer.html" >/dev/null
echo "wrote $OUT/report.html and $OUT/report-customer.html"

if [[ -z "$CHROMIUM" ]]; then
  echo "chromium not found: install it with 'apt-get install -y chromium' to render the PNG" >&2
  exit 0
fi
"$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,2400 \
  --screenshot="$OUT/report.png" "file://$OUT/report.html" 2>"$OUT/chromium.log"
echo "rendered $OUT/report.png"
