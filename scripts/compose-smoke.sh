#!/usr/bin/env bash
# Compose smoke test (make smoke; part of make test): start the compose
# deployment from the locally built images, publish the seed articles to the
# raw subject, check that a subscriber receives every one enriched and that
# the sink stored them, then tear everything down.
set -euo pipefail
cd "$(dirname "$0")/.."

shared=${NEWSFLOW_SHARED:-../shared}
seeds=("$shared"/seeds/*.txt)
[ -e "${seeds[0]}" ] || { echo "smoke: no seeds in $shared/seeds" >&2; exit 1; }
want=${#seeds[@]}

# The client logs in as the client user (make secrets generated its password).
[ -r deploy/secrets/client.password ] || { echo "smoke: no deploy/secrets (run make secrets)" >&2; exit 1; }
export NEWSFLOW_NATS_USER=client NEWSFLOW_NATS_PASSWORD_FILE=$PWD/deploy/secrets/client.password

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export NEWSFLOW_NATS_PORT=$(free_port) NEWSFLOW_API_PORT=$(free_port)
project=newsflow-smoke-$$
compose=(docker-compose -p "$project" -f deploy/compose.yaml)
nats=nats://127.0.0.1:$NEWSFLOW_NATS_PORT
api=http://127.0.0.1:$NEWSFLOW_API_PORT
tmp=$(mktemp -d)

cleanup() {
	status=$?
	if [ $status -ne 0 ]; then
		echo "smoke: FAILED; service logs:" >&2
		"${compose[@]}" logs --no-color --tail 50 >&2 || true
	fi
	"${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
	rm -rf "$tmp"
	exit $status
}
trap cleanup EXIT

echo "smoke: starting the deployment (project $project)"
"${compose[@]}" up -d

echo "smoke: waiting for every service to be healthy"
deadline=$((SECONDS + 180))
while :; do
	unhealthy=0
	for id in $("${compose[@]}" ps -q); do
		state=$(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id")
		[ "$state" = healthy ] || unhealthy=$((unhealthy + 1))
	done
	[ $unhealthy -eq 0 ] && break
	[ $SECONDS -lt $deadline ] || { echo "smoke: $unhealthy service(s) not healthy after 180s" >&2; "${compose[@]}" ps >&2; exit 1; }
	sleep 1
done
"${compose[@]}" ps

go build -o "$tmp/newsflow" ./cmd/newsflow

echo "smoke: subscribing to the enriched subject, then publishing $want seeds"
"$tmp/newsflow" tail -nats-url "$nats" -count "$want" -wait 120s -summary > "$tmp/enriched" &
tail_pid=$!
sleep 1 # the subscription starts at "now": let it start before publishing
"$tmp/newsflow" publish -nats-url "$nats" -source smoke "${seeds[@]}"
wait $tail_pid || { echo "smoke: the subscriber did not receive $want enriched articles:" >&2; cat "$tmp/enriched" >&2; exit 1; }
cat "$tmp/enriched"

echo "smoke: checking the sink stored them"
deadline=$((SECONDS + 60))
while :; do
	total=$(curl -fsS "$api/api/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])' 2>/dev/null || echo 0)
	[ "$total" -ge "$want" ] && break
	[ $SECONDS -lt $deadline ] || { echo "smoke: the sink holds $total articles, want $want" >&2; exit 1; }
	sleep 1
done
curl -fsS "$api/" | grep -q "<html" || { echo "smoke: the web view does not answer" >&2; exit 1; }

dead=$("$tmp/newsflow" tail -nats-url "$nats" -dead -all -count 1 -wait 2s -summary 2>/dev/null || true)
[ -z "$dead" ] || { echo "smoke: unexpected dead letters: $dead" >&2; exit 1; }

echo "smoke: OK — $want seeds published, received enriched, stored ($total articles in the sink)"
