# The front door. `make` builds into build/ (the tool is build/termauth);
# `make demo` signs in against the bundled IdP, with only what that needs
# installed, and `make demo-shell` then opens a shell to try the rest in;
# `make check` runs every test, then all of them again under ASan + UBSan;
# `make bench` measures; `make fuzz` runs the fuzzers (FUZZ_SECONDS each,
# default 60).
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS       ?= $(shell nproc)

.PHONY: all build bootstrap check check-plain check-asan demo demo-shell demo-build bench fuzz clean

all: build

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

bootstrap:
	scripts/bootstrap

check: bootstrap check-plain check-asan

check-plain:
	cmake --fresh -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTA_WERROR=ON >/dev/null
	cmake --build $(BUILD) -j $(JOBS) --clean-first
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

check-asan:
	cmake --fresh -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTA_WERROR=ON -DTA_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS) --clean-first
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

# The demo builds without the tests (no cmocka, no test tools needed) and
# quietly: scripts/quiet-build shows the log only when the build fails.
demo-build:
	@scripts/bootstrap --demo
	@scripts/quiet-build $(BUILD) -DBUILD_TESTING=OFF

demo: demo-build
	@scripts/demo $(BUILD)

demo-shell: demo-build
	@scripts/demo $(BUILD) --shell

bench: bootstrap build
	bench/run $(BUILD)
	bench/stampede $(BUILD)
	bench/keychain $(BUILD)
	bench/git $(BUILD)
	bench/verify $(BUILD)

fuzz: bootstrap
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DTA_FUZZ=ON -DBUILD_TESTING=ON >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	tests/fuzz/run $(FUZZ_BUILD) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
