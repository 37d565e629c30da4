# Every target runs a script under scripts/, so CI, the workflows and a developer run the same logic.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

.PHONY: run build test lint test-unit test-http test-terraform test-container test-workflows test-aws test-terraform-then-workflow-scripts test-rehearsals test-scale bench reliability deps-test

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

## test-aws: test-terraform and test-workflows in two lanes at the same time (each suite has its own emulator
## and scratch directories and mostly keeps one core busy): the Terraform suite then the workflow scripts, and
## next to them the workflow rehearsals, the longest part; logs printed one after the other. Never more than
## two suites at once: with four on 2 cores, moto answered slowly enough for the provider to retry a delete
## that had already succeeded (a flaky "not found" on destroy).
test-aws:
	scripts/test-parallel.sh test-terraform-then-workflow-scripts test-rehearsals

test-terraform-then-workflow-scripts:
	scripts/test-terraform.sh
	scripts/test-workflows.sh --no-rehearsal

test-rehearsals:
	scripts/test-workflows.sh --rehearsal-only

## test-scale: the scaling model, scale-sim and the offline rehearsal of scale-test (simulated time)
test-scale:
	scripts/test-scale.sh

## bench: wrk against nginx+FastCGI and an nginx-only baseline, plus the stress accuracy table
bench:
	scripts/bench.sh

## reliability: issue 11's table (sweep, 1,024 connections, soak, slowloris, flood, fuzz, faults, stress) with
## PASS/FAIL per goal, against `make run` (and the container when an engine answers); not part of `make test`
reliability:
	scripts/reliability.sh
