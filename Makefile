# virtuos-bench: every target works on a fresh clone (it installs and builds first).
NODE_MODULES := node_modules/.package-lock.json
SOURCES := $(shell find src -name '*.ts' -not -name '*.test.ts' 2>/dev/null)
CLI := node bin/run.js
QUICK_OUT ?= results

.PHONY: install build test lint format bench compare baseline perf clean typecheck dst

install: $(NODE_MODULES)

$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(NODE_MODULES)

build: install dist/.built

dist/.built: $(SOURCES) tsconfig.json $(NODE_MODULES)
	rm -rf dist
	npx tsc -p tsconfig.json
	@touch dist/.built

typecheck: install
	npx tsc -p tsconfig.json --noEmit

# Layout (prettier) and lint rules (eslint.config.js): part of `make test`.
FORMATTED := "src/**/*.ts" "test/**/*.ts" "bin/*.js" "scripts/*.mjs" vitest.config.ts eslint.config.js
lint: install
	npx prettier --check --log-level warn $(FORMATTED)
	npx eslint src test bin scripts eslint.config.js vitest.config.ts

# Rewrite the layout of every source file (then commit it on its own).
format: install
	npx prettier --write --log-level warn $(FORMATTED)

# Lint, then unit tests plus end-to-end CLI tests against the compiled CLI.
test: build lint
	npx vitest run --reporter=default --reporter=json --outputFile.json=.vitest-report.json

# The main job: regenerate the paper's figures in quick mode into results/ (CSV, meta, charts/*.svg, REPORT.md).
bench: build
	$(CLI) bench paper --quick --breakdown --out $(QUICK_OUT)

# The regression gate for humans: re-run the quick sweep, compare every metric with results/baseline.
# make turns its exit codes into 2; CI (.ci/run) calls the CLI directly so 3 (a figure moved) survives.
compare: build
	$(CLI) bench compare --baseline results/baseline --jobs 2

# After an intended model change: rewrite results/baseline (commit it, saying why).
baseline: build
	$(CLI) bench compare --baseline results/baseline --update --jobs 2

# The simulator's own speed (tinybench).
perf: build
	$(CLI) perf

# Deterministic simulation testing: 1,000 seeded fault schedules with the invariants on.
dst: build
	$(CLI) check --seeds 1000

clean:
	rm -rf dist .vitest-report.json
