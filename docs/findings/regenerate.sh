#!/usr/bin/env bash
# Rewrites every trace of docs/findings.md with the command of its row (a
# shortest counterexample of today's model), from the repository's root:
#   bash docs/findings/regenerate.sh [ID...]
# `pvcheck check` exits 1 on the violation it is run to find; any other exit
# (0: the finding is gone, 2: bad input, 3: cut) stops the script.
set -uo pipefail
cd "$(dirname "$0")/../.."
grep -E '^\| [A-Za-z0-9-]+ \| `pvcheck check ' docs/findings.md | while IFS='|' read -r _ id cmd _; do
  id=$(echo "$id" | tr -d ' ')
  if [ $# -gt 0 ] && [[ ! " $* " =~ " $id " ]]; then continue; fi
  cmd=$(echo "$cmd" | sed -E 's/^ *`pvcheck //; s/` *$//')
  echo "$id: pvcheck $cmd"
  # shellcheck disable=SC2086
  node bin/pvcheck.mjs $cmd -q --workers 1 --trace-out "docs/findings/$id.trace.json" | grep -E '^  outcome'
  rc=${PIPESTATUS[0]}
  [ "$rc" -eq 1 ] || { echo "regenerate: $id: pvcheck exited $rc, not 1 (a violation)"; exit 1; }
done
