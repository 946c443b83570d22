#!/usr/bin/env bash
# `make run`'s set-up, one line per step: everything the steps print (pip,
# apt, migrations and their trigger installs, report rendering) goes to a log
# file under var/, which the first line names. A step that fails shows the log's
# last lines and stops `make run` with its exit code. Warnings a step marks with
# "!!" (a Debian package that could not be installed) are shown as they are.
# Usage: scripts/quiet-setup.sh MAKE PY
set -uo pipefail

MAKE_CMD=${1:-make}
PY=${2:-.venv/bin/python}
LOG=var/log/make-run.log
mkdir -p "$(dirname "$LOG")"
: >"$LOG"

echo "Setting up (details in $LOG):"

step() {
  local label=$1
  shift
  printf '  %-18s ' "$label"
  local start=$SECONDS mark
  mark=$(wc -l <"$LOG")
  {
    echo
    echo "==> $label: $*"
  } >>"$LOG"
  if "$@" >>"$LOG" 2>&1; then
    echo "ok ($((SECONDS - start)) s)"
    # Anything a step flagged for the reader, e.g. a package apt could not install.
    tail -n +"$((mark + 1))" "$LOG" | grep '^!!' | sed 's/^/    /' || true
  else
    local code=$?
    echo "FAILED (exit $code)"
    echo
    echo "Last lines of $LOG:"
    tail -n 40 "$LOG" | sed 's/^/  | /'
    exit "$code"
  fi
}

quiet_make() { "$MAKE_CMD" --no-print-directory "$@"; }

step "packages" quiet_make venv system-packages
step "database" quiet_make database
step "migrations" quiet_make migrate
step "translations" quiet_make messages
step "static files" quiet_make static
step "demo data" "$PY" manage.py load_demo
step "reports" "$PY" manage.py generate_reports --demo-history
