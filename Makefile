# hanoinet: a thin wrapper over CMake + CTest. See README.md.
#   make          build build/hanoinet and build/hanoinet-test (the same with
#                 the test hooks of src/util/hook.h); warnings are errors
#   make check    every test, then the unit and integration tests again under
#                 AddressSanitizer + UndefinedBehaviorSanitizer
#   make demo     the main job: a registry and nodes on loopback
#   make deb      build/hanoinet_VERSION_ARCH.deb (debhelper, built out of
#                 tree in build/deb/; scripts/make-deb)
#   make bench    every benchmark in bench/ (make bench-NAME for one)
#   make soak     every integration test 5 times beside stress-ng --cpu 2
#                 (scripts/soak; SOAK_ARGS='-R REGEX -n RUNS'); not in check
#   make fuzz     libFuzzer targets in fuzz/ (FUZZ_SECONDS each, default 60);
#                 seeds in fuzz/corpus/ stay as committed, new inputs go to
#                 build-fuzz/corpus/, crashes to build-fuzz/
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60
CTEST_ARGS ?=

.PHONY: all build deps check check-plain check-asan demo deb bench fuzz lint format clean soak

all: build

deps:
	@scripts/bootstrap --quiet

build: deps
	@cmake -S . -B build -DHN_WERROR=ON >/dev/null
	@cmake --build build -j $(JOBS)

check: build lint
	cd build && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DHN_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -LE slow $(CTEST_ARGS)

soak: deps
	scripts/soak $(SOAK_ARGS)

lint:
	@scripts/check-style

demo: build
	build/hanoinet demo

deb: deps
	@scripts/make-deb

bench: build
	@set -e; for b in build/bench_*; do echo "== $$b"; $$b; done

bench-%: build
	build/bench_$*

fuzz: deps
	@cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DHN_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build-fuzz -j $(JOBS)
	@set -e; for f in build-fuzz/fuzz_*; do n=$$(basename $$f); \
	  mkdir -p fuzz/corpus/$$n build-fuzz/corpus/$$n; echo "== $$n ($(FUZZ_SECONDS)s)"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=build-fuzz/ build-fuzz/corpus/$$n fuzz/corpus/$$n 2>&1 | tail -n 12; done

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c' 'fuzz/*.c')

clean:
	rm -rf build build-asan build-fuzz
