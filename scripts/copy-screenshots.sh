#!/usr/bin/env bash
# Copies the browser tests' screenshots (build/screenshots/, written by every e2e run) to docs/screenshots/,
# where the README links them. Run after `npx vitest run e2e/` when the UI changed visibly.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
from="$root/build/screenshots"
to="$root/docs/screenshots"
if [ ! -d "$from" ] || [ -z "$(ls -A "$from"/*.png 2>/dev/null)" ]; then
  echo "No screenshots in $from: run the browser tests first (npx vitest run e2e/)." >&2
  exit 1
fi
mkdir -p "$to"
cp "$from"/*.png "$to"/
echo "Copied $(ls "$from"/*.png | wc -l) screenshots to docs/screenshots/."
