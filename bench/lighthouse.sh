#!/bin/bash
# Lighthouse (mobile profile, its default simulated throttling) on `/login`, `/login/code` and the
# stepper's password step, against the release build (`cargo xtask dist` or `cargo xtask bench`
# builds it: target/release/pforte and target/site). Prints one line per page: scores, FCP, LCP,
# total blocking time, layout shift and the bytes the page fetched.
#
# Needs Node.js and Chromium (PFORTE_CHROMIUM, else /usr/bin/chromium). Lighthouse 12.2.3 is installed
# into ~/.cache/pforte/lighthouse when missing (13 wants Node 22).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/target/release/pforte"
[ -x "$bin" ] || { echo "no release build: run cargo xtask dist first" >&2; exit 1; }
tools="$HOME/.cache/pforte/lighthouse"
if [ ! -x "$tools/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$tools"
  (cd "$tools" && npm i -E lighthouse@12.2.3 --no-audit --no-fund >/dev/null)
fi
work="$(mktemp -d)"
port="${PFORTE_LIGHTHOUSE_PORT:-3950}"
base="http://127.0.0.1:$port"
export PFORTE_DATABASE_URL="sqlite://$work/pforte.db" PFORTE_PUBLIC_URL="$base" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  PFORTE_MAIL_DIR="$work/mail" LEPTOS_SITE_ROOT="$root/target/site" RUST_LOG=warn
number="$("$bin" create-account --name "Lighthouse GmbH" --owner-email owner@example.com 2>&1 | grep -oE '[0-9]{7}' | head -1)"
printf 'velvet ostrich juggles quartz lanterns\n' |
  "$bin" create-user --customer-number "$number" --email lena@example.com --password-stdin >/dev/null
"$bin" create-user --customer-number "$number" --email neu@example.com --name "Neu" >/dev/null
"$bin" serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done

# A form post as the page sends it; prints the session cookie it sets, if any.
post() {
  curl -s -D - -o /dev/null -X POST "$base$1" -H "origin: $base" -H 'sec-fetch-site: same-origin' \
    -H 'content-type: application/x-www-form-urlencoded' --data "$2" |
    grep -i '^set-cookie: pforte_session=' | sed 's/^[Ss]et-[Cc]ookie: //; s/;.*//' | tr -d '\r' || true
}
# `/login/code`: a sign-in on a new device waits for its code.
pending="$(post /api/submit_password 'identifier=lena%40example.com&password=velvet+ostrich+juggles+quartz+lanterns')"
# The stepper's password step: the invitation's email step done.
for _ in $(seq 50); do grep -rqoE '/welcome/[A-Za-z0-9_-]{43}' "$work/mail" 2>/dev/null && break; sleep 0.2; done
welcome="$(grep -rhoE '/welcome/[A-Za-z0-9_-]{43}' "$work/mail" | head -1)"
post /api/submit_invited_email "token=${welcome#/welcome/}&email=neu%40example.com" >/dev/null

measure() {
  local name=$1 path=$2 cookie=${3:-} file
  file="$work/page-$RANDOM.json"
  local headers='{}'
  [ -n "$cookie" ] && headers="{\"Cookie\":\"$cookie\"}"
  CHROME_PATH="${PFORTE_CHROMIUM:-/usr/bin/chromium}" "$tools/node_modules/.bin/lighthouse" "$base$path" \
    --quiet --output=json --output-path="$file" \
    --only-categories=performance,accessibility,best-practices \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" --extra-headers="$headers" >/dev/null
  node -e '
    const [name, file] = process.argv.slice(1);
    const r = require(file), a = r.audits, c = r.categories, s = (id) => (a[id].numericValue / 1000).toFixed(2) + " s";
    console.log(`${name.padEnd(22)} performance ${c.performance.score}, accessibility ${c.accessibility.score}, best practices ${c["best-practices"].score}; FCP ${s("first-contentful-paint")}, LCP ${s("largest-contentful-paint")}, TBT ${Math.round(a["total-blocking-time"].numericValue)} ms, CLS ${a["cumulative-layout-shift"].numericValue.toFixed(3)}, ${Math.round(a["total-byte-weight"].numericValue)} bytes`);
  ' "$name" "$file"
}
measure "/login" /login
measure "/login/code" /login/code "$pending"
measure "/welcome (password)" "$welcome"
