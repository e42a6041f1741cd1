#!/usr/bin/env bash
# Install Spark with every extra into ./.venv, then run the whole test suite (browser tests
# included) and build the documentation with warnings as errors.
#
#   bash scripts/test.sh            # everything
#   bash scripts/test.sh -m "not slow and not browser"   # extra arguments go to pytest
set -euo pipefail
export NO_MKDOCS_2_WARNING=1
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ -z "${VIRTUAL_ENV:-}" ]; then
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  # shellcheck disable=SC1091
  source .venv/bin/activate
fi
python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e ".[all]"

# Browser tests drive Debian's Chromium (never a downloaded browser build).
if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
  else
    echo "warning: /usr/bin/chromium not found and apt-get unavailable; browser tests will be skipped" >&2
  fi
fi

python -m pytest -n 2 --dist loadfile "$@"
python -m mkdocs build --strict --site-dir "${TMPDIR:-/tmp}/spark-docs-site"
echo "docs: built without warnings"
