#!/bin/sh
# PostgreSQL for the clustered compose deployment: on first start, create
# the cluster in /data with the user newsflow (password from
# /run/secrets/postgres-password, scram over TCP) and its database, then run
# the server in the foreground.
set -eu
bin=/usr/lib/postgresql/15/bin
data=/data/pg
if [ ! -s "$data/PG_VERSION" ]; then
	mkdir -p "$data"
	"$bin/initdb" -D "$data" -U newsflow --pwfile=/run/secrets/postgres-password \
		--auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C >/dev/null
	echo "host all all 0.0.0.0/0 scram-sha-256" >> "$data/pg_hba.conf"
	echo "CREATE DATABASE newsflow;" | "$bin/postgres" --single -D "$data" postgres >/dev/null
fi
exec "$bin/postgres" -D "$data" -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql
