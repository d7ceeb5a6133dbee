#!/usr/bin/env bash
# Assemble a root filesystem for the PostgreSQL image of the clustered
# compose deployment (deploy/compose.cluster.yaml) from the PostgreSQL the
# host has installed (Debian's postgresql-15, which `make deps` installs):
# its binaries, their shared libraries as ldd resolves them, the share
# files, the time zone data, and dash for the entrypoint. Nothing is pulled
# from a registry. Usage: rootfs.sh OUTDIR
set -euo pipefail
out=${1:?usage: rootfs.sh OUTDIR}
pg=${NEWSFLOW_PG_HOME:-/usr/lib/postgresql/15}
share=${NEWSFLOW_PG_SHARE:-/usr/share/postgresql/15}
[ -x "$pg/bin/postgres" ] || { echo "rootfs: no PostgreSQL in $pg (make deps installs it)" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"; mkdir -p "$out"

copy() { # copy a file keeping its path (and the target of a symlink)
	local f=$1
	mkdir -p "$out$(dirname "$f")"
	cp -aL "$f" "$out$f"
}
bins=("$pg"/bin/postgres "$pg"/bin/initdb "$pg"/bin/pg_isready "$pg"/bin/pg_ctl /bin/sh /bin/cat /bin/mkdir)
# llvmjit (and its LLVM) is left out: JIT is off without it.
libs=($(ls "$pg"/lib/*.so | grep -v llvmjit))
for f in "${bins[@]}" "${libs[@]}"; do copy "$f"; done
# The shared libraries of each, and the dynamic loader.
for f in "${bins[@]}" "${libs[@]}"; do
	ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^\t\/.*ld-linux/{print $1}'
done | sort -u | while read -r lib; do copy "$lib"; done
mkdir -p "$out/usr/share/postgresql"
cp -a "$share" "$out/usr/share/postgresql/15"
cp -a /usr/share/zoneinfo "$out/usr/share/zoneinfo"
mkdir -p "$out/etc" "$out/tmp" "$out/empty"
chmod 1777 "$out/tmp"
printf 'root:x:0:0:root:/:/bin/sh\npostgres:x:101:104:PostgreSQL:/data:/bin/sh\n' > "$out/etc/passwd"
printf 'root:x:0:\npostgres:x:104:\n' > "$out/etc/group"
install -m 0755 "$here/entrypoint.sh" "$out/entrypoint.sh"
