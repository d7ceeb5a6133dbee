#!/usr/bin/env bash
# Installs what the sink's tests need and Go cannot fetch: PostgreSQL server
# binaries (initdb, postgres; the tests start their own throwaway server)
# and headless Chromium (the web view's end-to-end tests). Debian/Ubuntu.
# Idempotent: installs only what is missing. CI runs it before the tests.
set -euo pipefail

have_postgres() {
	command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1 && return 0
	compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

have_chromium() {
	command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 ||
		command -v google-chrome >/dev/null 2>&1
}

packages=()
have_postgres || packages+=(postgresql)
have_chromium || packages+=(chromium)

if [ ${#packages[@]} -eq 0 ]; then
	echo "test-deps: PostgreSQL and Chromium are already installed"
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "test-deps: missing ${packages[*]} and no apt-get here; install them with your package manager" >&2
	exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || { echo "test-deps: need root or sudo to install ${packages[*]}" >&2; exit 1; }
	sudo=(sudo)
fi

echo "test-deps: installing ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null

have_postgres || { echo "test-deps: PostgreSQL binaries still not found after installing" >&2; exit 1; }
have_chromium || { echo "test-deps: Chromium still not found after installing" >&2; exit 1; }
echo "test-deps: done"
