# newsflow — the README documents two targets: `make run` and `make test`.
# Everything else here is for developers.

SHELL      := /bin/bash
GO         ?= go
MODULES    := ./pipeline/... ./services/cleaner/... ./services/enricher/... ./services/sink/... ./services/fetcher/... ./cmd/newsflow/... ./bench/...
SERVICES   := fetcher cleaner enricher sink
BUILD      := deploy/build
GOFLAGS_STATIC := -trimpath -tags timetzdata -ldflags='-s -w'
COMPOSE    ?= docker-compose
PROJECT    ?= newsflow

.PHONY: secrets cluster-secrets cluster-images cluster-smoke cluster-up cluster-down chaos run test deps vet unit race smoke build images up up-summary down logs model lexicon names quotes bench tidy fmt clean

## run: run the whole pipeline on this machine (embedded NATS and SQLite)
run:
	@mkdir -p bin
	$(GO) build -o bin/newsflow ./cmd/newsflow
	exec ./bin/newsflow run

## test: everything CI checks — vet, unit and integration tests (real NATS,
## SQLite, PostgreSQL, Chromium), the runner under the race detector, and a
## docker compose smoke test
test: deps vet unit race smoke

## deps: install what the tests need (PostgreSQL, Chromium, docker-compose) when missing
deps:
	bash scripts/test-deps.sh

## vet: go vet, and every module building on its own as well as in the workspace
vet:
	$(GO) vet $(MODULES)
	for m in pipeline services/cleaner services/enricher services/sink services/fetcher cmd/newsflow bench; do \
		(cd $$m && GOWORK=off $(GO) build ./...) || { echo "$$m does not build outside the workspace: run make tidy" >&2; exit 1; }; done

unit:
	$(GO) test -count=1 -timeout 20m -v $(MODULES) 2>&1 | scripts/test-summary.sh

race:
	$(GO) test -count=1 -timeout 15m -race -v ./pipeline/... ./services/enricher/enrich/... ./services/enricher/storykv/... 2>&1 | scripts/test-summary.sh

## smoke: build the images, start the compose deployment, push the seeds
## through it and check they come out enriched and stored, then tear it down
smoke: images secrets
	bash scripts/compose-smoke.sh

## chaos: the fault suite (docs/RELIABILITY.md): services (the fetcher too)
## killed and paused, the enricher's entity bucket gone for CHAOS_KV_OUTAGE,
## NATS killed for CHAOS_OUTAGE, while CHAOS_PAGES real pages flow; fails on
## anything lost, duplicated or wrongly dead-lettered
CHAOS_PAGES     ?= 2000
CHAOS_OUTAGE    ?= 15s
CHAOS_KV_OUTAGE ?= 30s
chaos:
	@mkdir -p bin
	for s in fetcher cleaner enricher sink; do CGO_ENABLED=0 $(GO) build -o bin/$$s ./services/$$s || exit 1; done
	cd pipeline && CGO_ENABLED=0 $(GO) build -o ../bin/nats-server github.com/nats-io/nats-server/v2
	$(GO) build -o bin/newsflow-bench ./bench
	./bin/newsflow-bench chaos -bin bin -pages $(CHAOS_PAGES) -outage $(CHAOS_OUTAGE) -kv-outage $(CHAOS_KV_OUTAGE)

## secrets: NATS users' passwords and the server's authorization file for
## compose, in deploy/secrets/ (git-ignored; kept once generated)
secrets:
	$(GO) run ./cmd/newsflow credentials -container-readable deploy/secrets

## cluster-secrets: the NATS route password and PostgreSQL password of the
## clustered deployment (deploy/compose.cluster.yaml), in deploy/secrets/
cluster-secrets: secrets
	bash scripts/cluster-secrets.sh

## cluster-images: the PostgreSQL image, from the host's own postgresql-15 (deploy/postgres)
cluster-images:
	bash deploy/postgres/rootfs.sh $(BUILD)/postgres/rootfs
	cp deploy/postgres/Dockerfile $(BUILD)/postgres/
	docker build -q -t newsflow/postgres:dev $(BUILD)/postgres

## cluster-smoke: the clustered deployment (3 NATS, R3 streams, PostgreSQL,
## 2 cleaners, 2 enrichers): the seeds through it while a NATS server is
## killed; each stored exactly once (docs/RELIABILITY.md). Not in make test.
cluster-smoke: images cluster-images cluster-secrets
	bash scripts/cluster-smoke.sh

## cluster-up / cluster-down: the clustered deployment
cluster-up: images cluster-images cluster-secrets
	$(COMPOSE) -p $(PROJECT)-cluster -f deploy/compose.cluster.yaml up -d --scale cleaner=2 --scale enricher=2
cluster-down:
	$(COMPOSE) -p $(PROJECT)-cluster -f deploy/compose.cluster.yaml down

## build: static binaries of every service and of newsflow in bin/
build:
	@mkdir -p bin
	for s in $(SERVICES); do CGO_ENABLED=0 $(GO) build $(GOFLAGS_STATIC) -o bin/$$s ./services/$$s || exit 1; done
	CGO_ENABLED=0 $(GO) build $(GOFLAGS_STATIC) -o bin/newsflow ./cmd/newsflow

## images: docker images of NATS and the services, built from host binaries (nothing is pulled)
images:
	@mkdir -p $(BUILD)/empty
	for s in $(SERVICES); do CGO_ENABLED=0 $(GO) build $(GOFLAGS_STATIC) -o $(BUILD)/$$s ./services/$$s || exit 1; done
	cd pipeline && CGO_ENABLED=0 $(GO) build $(GOFLAGS_STATIC) -o ../$(BUILD)/nats-server github.com/nats-io/nats-server/v2
	CGO_ENABLED=0 $(GO) build $(GOFLAGS_STATIC) -o $(BUILD)/probe ./deploy/probe/main.go
	cp /etc/ssl/certs/ca-certificates.crt deploy/nats.conf $(BUILD)/
	docker build -q -f deploy/Dockerfile.nats -t newsflow/nats:dev $(BUILD)
	for s in $(SERVICES); do docker build -q -f deploy/Dockerfile.service --build-arg BIN=$$s -t newsflow/$$s:dev $(BUILD) || exit 1; done

## up / down / logs: the compose deployment
up: images secrets
	$(COMPOSE) -p $(PROJECT) -f deploy/compose.yaml up -d
	@$(MAKE) -s up-summary
# up-summary: where to reach what `make up` started (the ports compose.yaml publishes)
up-summary:
	@nats=nats://127.0.0.1:$${NEWSFLOW_NATS_PORT:-4222}; api=http://127.0.0.1:$${NEWSFLOW_API_PORT:-8080}; \
	echo; echo "newsflow is up (compose project $(PROJECT); logs: make logs, stop: make down)."; echo; \
	echo "  NATS      $$nats   (subjects: docs/CONTRACT.md)"; \
	echo "  web, API  $$api/   (API reference: docs/API.md)"; \
	echo; \
	echo "  try:      export NEWSFLOW_NATS_URL=$$nats NEWSFLOW_API=$$api NEWSFLOW_NATS_USER=client NEWSFLOW_NATS_PASSWORD_FILE=$(CURDIR)/deploy/secrets/client.password"; \
	echo "            echo 'Wendy Sherman met Sergei Ryabkov in Geneva on Monday.' | newsflow publish -source demo -"; \
	echo "            newsflow tail --summary"; \
	echo "            newsflow search Geneva"
down:
	$(COMPOSE) -p $(PROJECT) -f deploy/compose.yaml down
logs:
	$(COMPOSE) -p $(PROJECT) -f deploy/compose.yaml logs -f

## model: retrain the entity model from ../shared/ner (deterministic; commit the result)
model:
	nice $(GO) run ./services/enricher/ner/cmd/nertrain -train ../shared/ner/conll2003/eng.train \
		-dev ../shared/ner/conll2003/eng.testa -gazetteer services/enricher/ner/gazetteer \
		-out services/enricher/ner/model.bin

## names: regenerate the recogniser's country, nationality, given-name, city, region, organisation-word and sports-club lists
## from services/enricher/names (then make model; a test checks they match)
names:
	cd services/enricher && $(GO) run ./names/gen

## lexicon: regenerate the enricher's word tables from ../shared/ner (a test checks they match)
lexicon:
	cd services/enricher && $(GO) run ./enrich/lexicon/gen

## quotes: regenerate the quote cue verbs (gencues) and then the quote classifier (gen)
## from ../shared/enrich/quotes (go generate runs attrib.go's directive before classify.go's)
quotes:
	cd services/enricher/enrich/quotes && $(GO) generate

## bench: the benchmarks recorded in docs/BENCHMARKS.md, by newsflow-bench
## (module ./bench: the peers it compares with never reach the product)
bench: build
	$(GO) build -o bin/newsflow-bench ./bench
	./bin/newsflow-bench runner
	./bin/newsflow-bench services -bin bin
	./bin/newsflow-bench e2e -bin bin -pages ../shared/extraction -n 1000 -latency-n 300
	./bin/newsflow-bench ner ../shared/ner/conll2003/eng.testa

## tidy: go mod tidy in every module (-e: a test-only dependency of
## modernc.org/sqlite is not on the module proxy)
tidy:
	for m in pipeline services/cleaner services/enricher services/sink services/fetcher cmd/newsflow bench; do (cd $$m && $(GO) mod tidy -e) || exit 1; done

fmt:
	gofmt -l -w pipeline services cmd deploy bench

clean:
	rm -rf bin $(BUILD)
