#!/usr/bin/env bash
# Regenerates the README's rule table from the rules' own metadata (`dbadvisor rules --format markdown`).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product dbadvisor >/dev/null
table="$(mktemp)"
.build/debug/dbadvisor rules --format markdown > "$table"
python3 - "$table" <<'PY'
import sys
table = open(sys.argv[1]).read()
readme = open("README.md").read()
begin, end = "<!-- rules:begin -->\n", "<!-- rules:end -->"
start = readme.index(begin) + len(begin)
readme = readme[:start] + table + readme[readme.index(end):]
open("README.md", "w").write(readme)
PY
rm -f "$table"
