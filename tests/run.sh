#!/usr/bin/env bash
# The project's one test command: installs what the tests need on a fresh machine
# (Debian packages, a virtual environment with the development dependencies), then runs
# ruff, mypy and pytest. Extra arguments go to pytest, e.g. `bash tests/run.sh -k star`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# System libraries: PortAudio for sounddevice, ALSA tools beside the virtual sound device,
# espeak-ng and sox to synthesize and convert test speech, Chromium for the HTML report test,
# util-linux (setpriv, unshare) to run a check as an unprivileged user and without a network.
DEBIAN_PACKAGES=(libportaudio2 alsa-utils espeak-ng libespeak-ng1 sox libsox-fmt-all chromium util-linux)
missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo); fi
    echo "installing Debian packages: ${missing[*]}"
    "${SUDO[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Reuse an active virtual environment, else keep one in .venv.
if [ -n "${VIRTUAL_ENV:-}" ]; then
    PY="$VIRTUAL_ENV/bin/python"
else
    [ -x .venv/bin/python ] || python3 -m venv .venv
    PY=.venv/bin/python
fi
"$PY" -m pip install --quiet --disable-pip-version-check -e '.[dev]'

"$PY" -m ruff check mockint tests benchmarks samples tools
"$PY" -m ruff format --check mockint tests benchmarks samples tools
"$PY" -m mypy
"$PY" -m pytest "$@"
