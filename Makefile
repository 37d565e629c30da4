# Every target runs a script under scripts/, so CI, the workflows and a developer run the same logic.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

.PHONY: run build test lint test-unit test-http test-terraform test-container test-workflows test-aws test-workflow-scripts test-workflow-rehearsal test-workflow-faults test-scale bench deps-test

## run: install what is missing, build release, serve on :3000 (PORT, BASE_PATH, IMAGE override)
run:
	scripts/run-local.sh

## build: release build of FCGIApp
build:
	swift build -c release

## test: everything CI runs, in order from fastest to slowest
test: deps-test lint test-unit test-http test-container test-aws test-scale

deps-test:
	scripts/install-deps.sh test

lint:
	scripts/lint.sh

test-unit:
	swift test

test-http:
	scripts/test-http.sh

test-terraform:
	scripts/test-terraform.sh

test-container:
	scripts/test-container.sh

test-workflows:
	scripts/test-workflows.sh

## test-aws: test-terraform, the workflow scripts and each workflow rehearsal at the same time (each has its
## own emulator and scratch directories and mostly keeps one core busy), their logs printed one after another
test-aws:
	scripts/test-parallel.sh test-terraform test-workflow-scripts test-workflow-rehearsal test-workflow-faults

test-workflow-scripts:
	scripts/test-workflows.sh --no-rehearsal

test-workflow-rehearsal:
	scripts/test-workflows.sh --only Tests/workflows/test_rehearsal.py

test-workflow-faults:
	scripts/test-workflows.sh --only Tests/workflows/test_rehearsal_faults.py

## test-scale: the scaling model, scale-sim and the offline rehearsal of scale-test (simulated time)
test-scale:
	scripts/test-scale.sh

## bench: wrk against nginx+FastCGI and an nginx-only baseline, plus the stress accuracy table
bench:
	scripts/bench.sh
