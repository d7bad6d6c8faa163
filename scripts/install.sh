#!/usr/bin/env bash
# Installs everything the portal needs on a fresh Debian machine; safe to run again.
# Stamps under .venv record what was installed, keyed by a hash of its inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SYS_PKGS="fonts-noto-cjk espeak-ng libespeak-ng-libespeak1 chromium chromium-driver \
  libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libxcb-cursor0 \
  libnss3 libasound2 postgresql-client xvfb wrk"

need_sys=""
for p in $SYS_PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_sys="$need_sys $p"
done
if [ -n "$need_sys" ]; then
  echo "[install] system packages:$need_sys"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || true
  $SUDO apt-get install -y -qq --no-install-recommends $need_sys
fi

PY=${PORTAL_PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
core_hash=$(cat pyproject.toml | sha256sum | cut -c1-16)
if [ "$(cat .venv/.stamp 2>/dev/null)" != "$core_hash" ]; then
  echo "[install] core virtualenv"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e '.[dev]' --config-settings editable_mode=compat
  echo "$core_hash" > .venv/.stamp
fi

# Rasa 3.6 needs Python < 3.11 and pins its own SQLAlchemy/TensorFlow: a separate venv.
if [ "${PORTAL_SKIP_RASA:-0}" != "1" ] && [ -f chatbot/requirements.txt ]; then
  PY310=$(ls -d /root/.pyenv/versions/3.10.*/bin/python3.10 2>/dev/null | head -1 || true)
  [ -z "$PY310" ] && PY310=$(command -v python3.10 || true)
  if [ -z "$PY310" ]; then echo "[install] Python 3.10 not found for Rasa" >&2; exit 1; fi
  if [ ! -x .venv-rasa/bin/python ]; then "$PY310" -m venv .venv-rasa; fi
  rasa_hash=$(cat chatbot/requirements.txt | sha256sum | cut -c1-16)
  if [ "$(cat .venv-rasa/.stamp 2>/dev/null)" != "$rasa_hash" ]; then
    echo "[install] Rasa virtualenv (a few minutes)"
    .venv-rasa/bin/pip install -q --upgrade 'pip<24.1'
    .venv-rasa/bin/pip install -q -r chatbot/requirements.txt
    echo "$rasa_hash" > .venv-rasa/.stamp
  fi
fi
echo "[install] done"
