#!/usr/bin/env bash
# Install the Debian packages the test suite needs: the real validators and servers it runs
# (sshd, nginx, apache2, visudo, postgres, redis-server, memcached + saslpasswd2, vsftpd, mariadb,
# slapd, ssh-keygen, openssl, runuser/setpriv, ip netns), and a C compiler with Python's headers
# for the compiled log parsers in native/.
# Idempotent: installs only what is missing. Needs root (or passwordless sudo) and Debian's apt.
# Services are NOT started by the install: the tests start their own instances on loopback.
set -euo pipefail

packages=(postgresql openssh-server openssh-client nginx apache2 sudo redis-server openssl util-linux iproute2
          memcached sasl2-bin vsftpd mariadb-server slapd gcc libc6-dev)
# Python's headers: Debian's package only when the interpreter in use has none of its own.
py=python3
if [ -x .venv/bin/python ]; then py=.venv/bin/python; fi
if ! "$py" -c 'import os, sysconfig; raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' 2>/dev/null; then
  packages+=(python3-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages present: ${packages[*]}"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo -n); else
  echo "need root to apt-get install: ${missing[*]}" >&2; exit 1
fi

# Keep package scripts from starting daemons (nginx and apache2 would fight over port 80).
policy=/usr/sbin/policy-rc.d
restore=""
if [ -e "$policy" ]; then restore=$(mktemp); "${sudo[@]}" cp -p "$policy" "$restore"; fi
printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
"${sudo[@]}" chmod 755 "$policy"
cleanup() {
  if [ -n "$restore" ]; then "${sudo[@]}" cp -p "$restore" "$policy"; rm -f "$restore"
  else "${sudo[@]}" rm -f "$policy"; fi
}
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
