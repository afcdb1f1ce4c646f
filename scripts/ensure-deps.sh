#!/usr/bin/env bash
# Installs what the build (`build`) or the tests (`test`) need, only if it is missing.
set -euo pipefail

want="${1:-build}"
apt_packages=(libcmark-dev libmimalloc-dev)
if [[ "$want" == test ]]; then
  apt_packages+=(cmark chromium chromium-driver python3-selenium python3-pytest python3-jsonschema python3-pip fonts-noto-cjk)
fi

missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "installing Debian packages: ${missing[*]}" >&2
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [[ "$want" == test ]]; then
  # axe-core for the accessibility checks comes inside this wheel; nothing is fetched at test time.
  if ! /usr/bin/python3 -c "import selenium_axe_python" 2>/dev/null; then
    echo "installing selenium-axe-python (axe-core) for /usr/bin/python3" >&2
    /usr/bin/python3 -m pip install -q --break-system-packages --no-deps selenium-axe-python==2.2.0
  fi
  # Traditional→Simplified conversion for the originality test (the seeds are partly Traditional).
  if ! /usr/bin/python3 -c "import opencc" 2>/dev/null; then
    echo "installing opencc-python-reimplemented for /usr/bin/python3" >&2
    /usr/bin/python3 -m pip install -q --break-system-packages --no-deps opencc-python-reimplemented
  fi
fi
