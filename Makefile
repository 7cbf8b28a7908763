# The front door. `make` builds into build/ (the tool is build/termauth);
# `make demo` signs in against the bundled IdP, with only what that needs
# installed, and `make demo-shell` then opens a shell to try the rest in;
# `make check` runs every test, then all of them again under ASan + UBSan;
# `make bench` measures; `make fuzz` runs the fuzzers (FUZZ_SECONDS each,
# default 60).
# `make install [PREFIX=/usr/local] [DESTDIR=]` builds and installs the tool,
# the library, its header and termauth.pc, the man page and the completions;
# `make uninstall` removes what the last install put there; `make deb`
# builds the Debian packages into DEB_BUILD (debian/, checked by lintian).
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
DEB_BUILD  ?= build-deb
JOBS       ?= $(shell nproc)
PREFIX     ?= /usr/local
DESTDIR    ?=
# More -D settings for `make build` and `make install`, e.g.
# CMAKE_ARGS=-DBUILD_TESTING=OFF to build only what is installed.
CMAKE_ARGS ?=

# No "Entering directory" from the makes that CMake runs beneath this one;
# their errors still show.
MAKEFLAGS += --no-print-directory

.PHONY: all build install uninstall deb bootstrap check check-plain check-asan demo demo-shell \
	demo-build bench fuzz clean

all: build

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_ARGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# The paths an installation finds itself by (termauth-full's RUNPATH, the
# prefix in termauth.pc) are relative or come from PREFIX; DESTDIR is only
# where the files are put, for packagers and tests. CMake's manifest lists
# the files without DESTDIR: it is kept beside it for `make uninstall`.
install: build
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD)
	@printf '%s\n' "$(DESTDIR)" >$(BUILD)/install_destdir.txt

# What the last `make install` from $(BUILD) installed, by its manifest,
# under the DESTDIR it had; then termauth's own libexec directory if empty.
uninstall:
	@test -f $(BUILD)/install_manifest.txt -a -f $(BUILD)/install_destdir.txt || \
	  { echo "uninstall: nothing installed from $(BUILD)" >&2; exit 1; }
	@d=$$(cat $(BUILD)/install_destdir.txt); \
	while IFS= read -r f || [ -n "$$f" ]; do rm -f "$$d$$f"; done <$(BUILD)/install_manifest.txt; \
	for f in $$(grep '/termauth-full$$' $(BUILD)/install_manifest.txt); do \
	  rmdir "$$d$$(dirname "$$f")" 2>/dev/null || :; done
	@rm -f $(BUILD)/install_manifest.txt $(BUILD)/install_destdir.txt

deb:
	scripts/deb $(DEB_BUILD)

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
	bench/kernel $(BUILD)
	bench/docker $(BUILD)
	bench/git $(BUILD)
	bench/verify $(BUILD)
	bench/forward $(BUILD)
	bench/aws $(BUILD)

fuzz: bootstrap
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DTA_FUZZ=ON -DBUILD_TESTING=ON >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	tests/fuzz/run $(FUZZ_BUILD) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(DEB_BUILD)
