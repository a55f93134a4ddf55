# ccenv: `make build` renders, lints and writes dist/; `make test` runs the whole suite.
NPM_STAMP := node_modules/.ccenv-deps-stamp
CLI := node out/src/cli/main.js
VITEST := node_modules/.bin/vitest

.PHONY: deps build test lint e2e matrix bench reliability differential clean compile prepare

deps: $(NPM_STAMP)
	@sh scripts/system-deps.sh
	@sh scripts/powershell-deps.sh

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

compile: deps
	node_modules/.bin/tsc -p tsconfig.json

# dist/ here is the development tree: latest files only (a release build adds immutable v<version>/).
build: compile
	$(CLI) build --out dist --no-versioned
	$(CLI) schema > profiles/profile.schema.json

# tsconfig.test.json: src/, bench/ and test/ type-checked together (tsconfig.json compiles src and bench only).
lint: compile
	node_modules/.bin/tsc -p tsconfig.test.json
	$(CLI) build --out dist --no-versioned --check

# Tests run against a frozen cache: a test that would download or build a fixture fails at once
# with "… is not prepared" instead of spending its own timeout on it (src/harness/cache.ts).
FROZEN := CCENV_CACHE_FROZEN=1

# Every fixture the tests use, fetched or built into ~/.cache/ccenv with a line each (what, how big,
# how long); "cached: …" when already there. `ccenv test --prepare` does the same.
prepare: compile
	node out/src/harness/prepare-main.js --suite

test: prepare
	node_modules/.bin/tsc -p tsconfig.test.json
	$(CLI) build --out dist --no-versioned --check
	rm -rf .cache/reliability
	$(FROZEN) RELIABILITY_REPORT=.cache/reliability.md $(VITEST) run --reporter=default --reporter=json --outputFile=.cache/vitest.json

# The reliability campaign alone; rewrites docs/reliability.md (the committed record) from its results.
reliability: prepare
	rm -rf .cache/reliability
	$(FROZEN) RELIABILITY_REPORT=docs/reliability.md $(VITEST) run test/reliability

# The three installers side by side; rewrites docs/differential.md (the committed record).
differential: prepare
	$(FROZEN) DIFFERENTIAL_REPORT=docs/differential.md $(VITEST) run test/differential

e2e: compile
	$(VITEST) run test/e2e

# The shell × scenario matrix alone (CCENV_SANDBOX=auto|bwrap|podman|docker picks the runner).
matrix: compile
	$(CLI) test --profile zhipu --dist dist --out .cache/matrix $(ARGS)

# Every benchmark figure against its floor and goal, on this machine; writes bench/results.md and
# bench/results.json (minutes: it runs the matrix); make deps brings strace for the per-step profiles.
# ARGS='--only configure,fresh,build,cli,matrix,sandbox' re-measures some; '--full' lints 50 profiles cold.
bench: compile
	node out/bench/run.js $(ARGS)

clean:
	rm -rf out .cache
