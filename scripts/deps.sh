#!/usr/bin/env bash
# Installs the Debian 12 packages that orchd needs to build, test and lint.
#
#   scripts/deps.sh
#
# Idempotent and quiet: it asks dpkg what is installed and runs apt-get (update, then install
# with --no-install-recommends) only for what is missing. Needs root (or sudo) only then.
set -euo pipefail

# The one package list. A new dependency is one more line here.
PACKAGES=(
  build-essential
  cmake
  ninja-build
  ccache
  pkg-config
  git
  libsqlite3-dev
  libfmt-dev
  libssl-dev
  libboost1.81-dev  # Boost.Asio and Boost.Beast (HTTPS server)
  rapidjson-dev
  libyaml-dev
  catch2          # Catch2 2.13 on Debian 12
  sqlite3         # the CLI; tests use it to look inside a store file
  util-linux      # setpriv
  clang-format
  clang-tidy-19   # clang-tidy 14 cannot parse libstdc++ 12's <expected>
  shellcheck
  runc            # orchd check-config reports it; the agent runs pods with it
  iptables
  iproute2        # tests build network namespaces; install.sh's killall removes links
  python3         # install tests serve a release directory with http.server
  debootstrap     # install tests make a Debian 12 chroot
  curl
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != installed ]]; then
    missing+=("$pkg")
  fi
done
# The real clients the integration tests drive: any kubectl on PATH (else Debian's 1.20), and
# node with npm for the @kubernetes/client-node test (scripts/node-deps.sh).
command -v kubectl >/dev/null || missing+=(kubernetes-client)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=()
if ((EUID != 0)); then
  if ! command -v sudo >/dev/null; then
    echo "deps.sh: missing packages: ${missing[*]}; run as root to install them" >&2
    exit 1
  fi
  sudo=(sudo)
fi

echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get -qq update
"${sudo[@]}" apt-get -qq install -y --no-install-recommends "${missing[@]}" >/dev/null
