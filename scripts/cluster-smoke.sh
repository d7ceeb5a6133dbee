#!/usr/bin/env bash
# Clustered compose smoke test (make cluster-smoke): start
# deploy/compose.cluster.yaml (three NATS servers, streams R3, PostgreSQL,
# two cleaners and two enrichers sharing their durable consumers), publish
# the seeds paced so that one NATS server is killed (docker kill, SIGKILL)
# while they flow, check every seed comes out enriched exactly once and is
# stored exactly once in PostgreSQL, with no dead letter; then bring the
# server back, check it rejoins, and tear everything down.
set -euo pipefail
cd "$(dirname "$0")/.."

shared=${NEWSFLOW_SHARED:-../shared}
seeds=("$shared"/seeds/*.txt)
[ -e "${seeds[0]}" ] || { echo "cluster-smoke: no seeds in $shared/seeds" >&2; exit 1; }
want=${#seeds[@]}
victim=${CLUSTER_SMOKE_KILL:-nats-1}

for f in client.password cluster.conf postgres.password; do
	[ -r deploy/secrets/$f ] || { echo "cluster-smoke: no deploy/secrets/$f (run make secrets cluster-secrets)" >&2; exit 1; }
done
export NEWSFLOW_NATS_USER=client NEWSFLOW_NATS_PASSWORD_FILE=$PWD/deploy/secrets/client.password

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export NEWSFLOW_NATS_PORT=$(free_port) NEWSFLOW_NATS_PORT2=$(free_port) NEWSFLOW_NATS_PORT3=$(free_port) NEWSFLOW_API_PORT=$(free_port)
project=newsflow-cluster-$$
compose=(docker-compose -p "$project" -f deploy/compose.cluster.yaml)
# The client knows all three servers, and fails over when one goes.
nats=nats://127.0.0.1:$NEWSFLOW_NATS_PORT,nats://127.0.0.1:$NEWSFLOW_NATS_PORT2,nats://127.0.0.1:$NEWSFLOW_NATS_PORT3
api=http://127.0.0.1:$NEWSFLOW_API_PORT
tmp=$(mktemp -d)

cleanup() {
	status=$?
	if [ $status -ne 0 ]; then
		echo "cluster-smoke: FAILED; service logs:" >&2
		"${compose[@]}" logs --no-color --tail 40 >&2 || true
	fi
	[ -n "${tail_pid:-}" ] && kill "$tail_pid" 2>/dev/null || true
	"${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
	rm -rf "$tmp"
	exit $status
}
trap cleanup EXIT

wait_healthy() { # wait_healthy SECONDS: every container of the project healthy
	local deadline=$((SECONDS + $1)) unhealthy
	while :; do
		unhealthy=0
		for id in $("${compose[@]}" ps -q); do
			state=$(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id")
			[ "$state" = healthy ] || unhealthy=$((unhealthy + 1))
		done
		[ $unhealthy -eq 0 ] && return 0
		[ $SECONDS -lt $deadline ] || { echo "cluster-smoke: $unhealthy container(s) not healthy after $1s" >&2; "${compose[@]}" ps >&2; return 1; }
		sleep 1
	done
}

echo "cluster-smoke: starting the deployment (project $project): 3 NATS, PostgreSQL, 2 cleaners, 2 enrichers"
"${compose[@]}" up -d --scale cleaner=2 --scale enricher=2
wait_healthy 240
"${compose[@]}" ps

go build -o "$tmp/newsflow" ./cmd/newsflow
pg_ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$("${compose[@]}" ps -q postgres)")
psql_q() { PGPASSWORD=$(cat deploy/secrets/postgres.password) psql -h "$pg_ip" -U newsflow -d newsflow -Atc "$1"; }

echo "cluster-smoke: subscribing to the enriched subject, publishing $want seeds, killing $victim after the first"
"$tmp/newsflow" tail -nats-url "$nats" -count "$want" -wait 180s -summary > "$tmp/enriched" &
tail_pid=$!
sleep 1
# Each seed under its own URL (plain-text seeds have none), so the store's
# URLs can show that each was stored once.
publish() { "$tmp/newsflow" publish -nats-url "$nats" -source cluster-smoke -url "https://cluster-smoke.example/$(basename "$1" .txt)" "$1"; }
publish "${seeds[0]}"
sleep 1
docker kill "$("${compose[@]}" ps -q "$victim")" >/dev/null
echo "cluster-smoke: killed $victim"
for s in "${seeds[@]:1}"; do
	publish "$s"
	sleep 0.5
done
wait $tail_pid || { echo "cluster-smoke: the subscriber did not receive $want enriched articles:" >&2; cat "$tmp/enriched" >&2; exit 1; }
tail_pid=
cat "$tmp/enriched"

echo "cluster-smoke: checking PostgreSQL holds each seed once"
deadline=$((SECONDS + 60))
while :; do
	stored=$(psql_q "SELECT count(*) FROM articles" 2>/dev/null || echo 0)
	[ "$stored" -ge "$want" ] && break
	[ $SECONDS -lt $deadline ] || { echo "cluster-smoke: PostgreSQL holds $stored articles, want $want" >&2; exit 1; }
	sleep 1
done
[ "$stored" -eq "$want" ] || { echo "cluster-smoke: PostgreSQL holds $stored articles, want exactly $want" >&2; exit 1; }
urls=$(psql_q "SELECT count(DISTINCT url) FROM articles")
[ "$urls" -eq "$want" ] || { echo "cluster-smoke: $urls distinct URLs among $stored articles" >&2; exit 1; }

# Each seed once on the enriched stream too: read it from the start and
# fail if more than want messages arrive.
extra=$("$tmp/newsflow" tail -nats-url "$nats" -all -count $((want + 1)) -wait 5s -summary 2>/dev/null | wc -l || true)
[ "$extra" -le "$want" ] || { echo "cluster-smoke: the enriched stream holds $extra messages for $want seeds" >&2; exit 1; }
dead=$("$tmp/newsflow" tail -nats-url "$nats" -dead -all -count 1 -wait 2s -summary 2>/dev/null || true)
[ -z "$dead" ] || { echo "cluster-smoke: unexpected dead letters: $dead" >&2; exit 1; }

echo "cluster-smoke: bringing $victim back"
docker start "$("${compose[@]}" ps -q "$victim")" >/dev/null
wait_healthy 120
stored2=$(psql_q "SELECT count(*) FROM articles")
[ "$stored2" -eq "$want" ] || { echo "cluster-smoke: after $victim came back PostgreSQL holds $stored2 articles, want $want" >&2; exit 1; }

echo "cluster-smoke: OK — $want seeds published with $victim killed mid-stream, each enriched once and stored once in PostgreSQL ($stored rows); $victim rejoined"
