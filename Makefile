# A thin layer over the CMake presets; every target installs what it needs first.
#   make demo   -> grade the built-in reference server with the conformance harness
#   make test   -> build and run every test (dev preset, then the ASan+UBSan preset)
SHELL := /bin/bash
JOBS ?= $(shell nproc)
WSLAB := build/release/bin/wslab

.PHONY: deps deps-test configure-% build-% demo test test-dev test-asan fuzz-smoke bench clean

deps:
	@echo "==> checking build dependencies"
	@scripts/install-deps.sh build

deps-test:
	@echo "==> checking build and test dependencies"
	@scripts/install-deps.sh test

configure-%:
	@echo "==> configuring preset $*"
	@cmake --preset $* >/dev/null

build-%: configure-%
	@echo "==> building preset $*"
	@cmake --build --preset $* -j $(JOBS)

demo: deps configure-release
	@echo "==> building the wslab binary (release preset)"
	@cmake --build --preset release -j $(JOBS) --target wslab
	@echo "==> wslab conform: grading the built-in reference server"
	@$(WSLAB) conform

test: deps-test
	@scripts/run-tests.sh

bench: deps-test
	@scripts/run-bench.sh

fuzz: deps
	@scripts/run-fuzz.sh $(TARGET) $(SECONDS)

clean:
	rm -rf build
