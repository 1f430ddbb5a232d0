#!/usr/bin/env bash
# The action's install step (action.yml): jobwatch in a virtual environment of its own under
# $RUNNER_TEMP, from the action's own checkout or from the `version` input (a pip requirement).
# Inputs arrive as environment variables only. Outputs: `python` (the environment's interpreter)
# and `dir` (a folder of this step's own, for the JOB list).
set -euo pipefail

python=${JOBWATCH_ACTION_PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  found=$("$python" --version 2>&1 || echo "no $python")
  echo "::error title=jobwatch::jobwatch needs Python 3.11 or later, found: ${found//$'\n'/ } (set the action's python-version input)"
  exit 2
fi

version=${INPUT_VERSION:-}
if [ -z "$version" ]; then
  requirement=$GITHUB_ACTION_PATH
elif [[ $version =~ ^[0-9][0-9A-Za-z.+!_-]*$ ]]; then
  requirement="jobwatch==$version"   # a bare version
else
  requirement=$version
fi

dir=$(mktemp -d "${RUNNER_TEMP:?RUNNER_TEMP is not set}/jobwatch.XXXXXXXX")
if [ -n "${JOBWATCH_ACTION_TEST_PYTHON:-}" ]; then
  # The action's own tests: an interpreter that already has this checkout's jobwatch.
  echo "jobwatch: using $JOBWATCH_ACTION_TEST_PYTHON instead of installing $requirement"
  venv_python=$JOBWATCH_ACTION_TEST_PYTHON
else
  echo "jobwatch: installing $requirement into $dir/venv"
  "$python" -m venv "$dir/venv"
  venv_python=$dir/venv/bin/python
  [ -x "$venv_python" ] || venv_python=$dir/venv/Scripts/python.exe   # Windows runners
  "$venv_python" -m pip install --quiet --disable-pip-version-check --no-input -- "$requirement"
fi
"$venv_python" -m jobwatch --version

{
  echo "python=$venv_python"
  echo "dir=$dir"
} >> "$GITHUB_OUTPUT"
