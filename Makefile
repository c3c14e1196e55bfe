# gr-ecdisc: the two commands of README.md.
#   make demo   install what is missing, configure, build, run ecdisc-sim
#   make test   the same set-up, then the whole suite through CTest
# Quiet on success; on failure the failing step says what broke and where
# its full log is. Other targets: build, bench, install, clean.

BUILD  ?= build
PY     := /usr/bin/python3
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
LOGS   := $(BUILD)/logs
MAKEFLAGS += --no-print-directory

.PHONY: all deps configure build test demo bench install clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@mkdir -p $(LOGS)
	@cmake -S . -B $(BUILD) -DPYTHON_EXECUTABLE=$(PY) -DCMAKE_BUILD_TYPE=Release \
		>$(LOGS)/configure.log 2>&1 || \
		{ echo "configure failed; last lines of $(LOGS)/configure.log:"; tail -n 40 $(LOGS)/configure.log; exit 1; }

build: configure
	@cmake --build $(BUILD) -j $(JOBS) >$(LOGS)/build.log 2>&1 || \
		{ echo "build failed; errors from $(LOGS)/build.log:"; \
		  grep -E -A5 "error|Error" $(LOGS)/build.log | head -n 60; exit 1; }

test: build
	@cd $(BUILD) && ctest -j $(JOBS) --output-on-failure --timeout 600 >logs/ctest.log 2>&1; \
	rc=$$?; \
	if [ $$rc -ne 0 ]; then \
		echo "make test: tests failed (full log: $(LOGS)/ctest.log)"; \
		grep -v -E "^ *Start +[0-9]+:|Test +#[0-9]+: .* Passed" logs/ctest.log | tail -n 200; \
		exit 1; \
	fi; \
	grep -E "tests passed|Total Test time" logs/ctest.log

demo: build
	@PYTHONPATH=$(CURDIR)/$(BUILD)/python $(PY) apps/ecdisc-sim

bench: build
	@$(BUILD)/tests/bench/ecdisc-perf

install: build
	@cmake --build $(BUILD) --target install

clean:
	@rm -rf $(BUILD)
