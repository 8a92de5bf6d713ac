#!/usr/bin/env bash
# Runs what deploy/Dockerfile runs, without Docker (CI has no Docker engine): in a temporary
# directory, the build stage (npm ci, npm run build, npm prune --omit=dev), then the run stage's
# files alone (package.json, node_modules, dist, flows) checked with plain node: every import of
# the bot resolves with production dependencies only, the CLI loads flows, FAQ and directory, and
# the HEALTHCHECK command from the Dockerfile answers 0 for a healthy /healthz and 1 for none.
# Keep the COPY lists below in step with deploy/Dockerfile.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/pandu-image.XXXXXX")"
trap 'rm -rf "$work"' EXIT
say() { echo "rehearse-image: $*"; }

# Build stage.
mkdir -p "$work/build" "$work/run"
cp "$root/package.json" "$root/package-lock.json" "$root/tsconfig.json" "$root/tsconfig.build.json" "$work/build/"
cp -R "$root/src" "$work/build/src"
(cd "$work/build" && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build \
  && npm prune --omit=dev --no-audit --no-fund --loglevel=error)
# Run stage: only what the Dockerfile copies.
cp "$root/package.json" "$work/run/"
cp -R "$work/build/node_modules" "$work/build/dist" "$work/run/"
cp -R "$root/flows" "$work/run/flows"
cp -R "$root/migrations" "$work/run/migrations"
cd "$work/run"
if [ -e node_modules/tsx ] || [ -e node_modules/typescript ]; then
  say "dev dependencies left in the image (tsx/typescript)" >&2; exit 1
fi
say "production node_modules: $(du -sh node_modules | cut -f1), dist: $(du -sh dist | cut -f1)"

out="$(env -i PATH="$PATH" node dist/main.js 2>&1)" && { say "main.js without BOT_TOKEN did not fail" >&2; exit 1; }
grep -q "BOT_TOKEN belum diisi" <<<"$out" || { say "unexpected start-up failure: $out" >&2; exit 1; }
say "node dist/main.js loads with production dependencies only (no BOT_TOKEN → exit 1, as intended)"
node dist/cli.js flows check
# The migrations travel with the image: with a database at hand, the built CLI applies every one
# of them on a schema of its own (then drops it).
if [ -n "${DATABASE_URL:-}" ]; then
  schema="rehearse_$$"
  url="$(node -e 'const u=new URL(process.argv[1]);u.searchParams.set("options","-c search_path="+process.argv[2]);console.log(u.toString())' "$DATABASE_URL" "$schema")"
  node -e 'const pg=require("pg");const c=new pg.Client(process.argv[1]);c.connect().then(()=>c.query(`create schema "${process.argv[2]}"`)).then(()=>c.end())' "$DATABASE_URL" "$schema"
  status=0
  DATABASE_URL="$url" node dist/cli.js db migrate && DATABASE_URL="$url" node dist/cli.js db status || status=1
  node -e 'const pg=require("pg");const c=new pg.Client(process.argv[1]);c.connect().then(()=>c.query(`drop schema "${process.argv[2]}" cascade`)).then(()=>c.end())' "$DATABASE_URL" "$schema"
  [ "$status" = 0 ] || { say "the image's migrations did not apply" >&2; exit 1; }
  say "migrations: $(ls migrations | wc -l) files applied by the built CLI on a fresh schema"
else
  say "DATABASE_URL not set: migrations copied, not applied"
fi

# The HEALTHCHECK command, taken from the Dockerfile itself.
health_js="$(node -e '
  const text = require("fs").readFileSync(process.argv[1], "utf8");
  const m = /HEALTHCHECK[^\n]*\\\n\s*CMD (\[.*\])/.exec(text);
  if (!m) { console.error("no HEALTHCHECK CMD [...] in the Dockerfile"); process.exit(1); }
  const argv = JSON.parse(m[1]);
  if (argv[0] !== "node" || argv[1] !== "-e") { console.error("HEALTHCHECK is not node -e"); process.exit(1); }
  process.stdout.write(argv[2]);
' "$root/deploy/Dockerfile")"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
node -e 'require("http").createServer((q,r)=>{r.statusCode=q.url==="/healthz"?200:404;r.end("{}")}).listen(+process.argv[1],"127.0.0.1")' "$port" &
server=$!
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
PORT="$port" node -e "$health_js" || { kill "$server"; say "HEALTHCHECK failed against a healthy /healthz" >&2; exit 1; }
kill "$server"; wait "$server" 2>/dev/null || true
if PORT="$port" node -e "$health_js"; then say "HEALTHCHECK passed with nothing listening" >&2; exit 1; fi
say "HEALTHCHECK: 0 for a healthy /healthz, 1 for none"
say "ok"
