#!/usr/bin/env bash
# Runs the schema checks against a migrated database and compares the catalogue with
# spymeo-core/tests/catalogue/expected.json.
#
#   migrations/checks/run.sh postgres://postgres@127.0.0.1:55432/t
#
# sqlx ignores this directory (it only reads files directly in migrations/). Every check runs
# in BEGIN … ROLLBACK and can be re-run; the first failed assertion stops with
# "CHECK FAILED: …" and a non-zero exit.
set -euo pipefail
url=${1:?usage: run.sh DATABASE_URL}
here=$(cd "$(dirname "$0")" && pwd)

for f in "$here"/[0-9]*.sql; do
    echo "== $(basename "$f")"
    if ! psql "$url" -X -q -v ON_ERROR_STOP=1 -o /dev/null -f "$f" 2>&1 \
            | sed -E 's/^psql:[^ ]+ (NOTICE|ERROR): +//'; then
        echo "FAILED: $(basename "$f")"
        exit 1
    fi
done

echo "== expected.json"
expected="$here/../../spymeo-core/tests/catalogue/expected.json"
actual_indexes=$(psql "$url" -X -At -c "
    SELECT indexname FROM pg_indexes i
     WHERE schemaname = 'public' AND tablename <> '_sqlx_migrations'
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.contype = 'p')")
actual_tables=$(psql "$url" -X -At -c "
    SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_sqlx_migrations'")
actual_triggers=$(psql "$url" -X -At -c "
    SELECT c.relname || '.' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
     WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace")
actual_enums=$(psql "$url" -X -At -c "
    SELECT t.typname || '=' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
     WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname")
EXPECTED="$expected" IDX="$actual_indexes" TAB="$actual_tables" TRG="$actual_triggers" ENM="$actual_enums" python3 - <<'EOF'
import json, os, sys
d = json.load(open(os.environ["EXPECTED"]))
failed = False
def same(label, want, got):
    global failed
    want, got = set(want), set(got)
    if want != got:
        failed = True
        print(f"CHECK FAILED: {label}: missing {sorted(want - got)}, extra {sorted(got - want)}")
    else:
        print(f"ok   {label} ({len(got)})")
idx = os.environ["IDX"].split()
same("indexes = expected.json", d["indexes"], idx)
if d["index_count"] != len(idx):
    failed = True
    print(f"CHECK FAILED: index_count {d['index_count']} != {len(idx)}")
same("tables = expected.json", d["tables"], os.environ["TAB"].split())
same("triggers = expected.json", d["triggers"], os.environ["TRG"].split())
same("enums (values in order) = expected.json",
     [f"{k}={','.join(v)}" for k, v in d["enums"].items()], os.environ["ENM"].split())
sys.exit(1 if failed else 0)
EOF
echo "all checks passed"
