#!/usr/bin/env bash
# Installs what the test suite needs and Go cannot fetch: PostgreSQL server
# binaries (initdb, postgres; the tests start their own throwaway server),
# headless Chromium (the web view's end-to-end tests), and docker-compose
# and curl (the compose smoke test; the Docker engine itself must be
# running), and iso-codes (the ISO 3166-2 list the enricher's US state
# names are checked against). Debian/Ubuntu. Idempotent: installs only what is missing.
# `make test` (and so CI) runs it first.
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
command -v docker-compose >/dev/null 2>&1 || packages+=(docker-compose)
command -v curl >/dev/null 2>&1 || packages+=(curl)
[ -f /usr/share/iso-codes/json/iso_3166-2.json ] || packages+=(iso-codes)

check_docker() {
	docker info >/dev/null 2>&1 || { echo "test-deps: the Docker engine is not running (the compose smoke test needs it)" >&2; exit 1; }
}

if [ ${#packages[@]} -eq 0 ]; then
	echo "test-deps: PostgreSQL, Chromium, docker-compose, curl and iso-codes are already installed"
	check_docker
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
check_docker
echo "test-deps: done"
