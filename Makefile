# The two entry points of the README: `make run` and `make check`.
# Each installs missing Debian packages, configures once, builds incrementally.
BUILD     ?= build
GENERATOR := $(shell command -v ninja >/dev/null 2>&1 && echo Ninja || echo "Unix Makefiles")
JOBS      ?= $(shell nproc)
WERROR    ?= $(if $(CI),ON,OFF)

.PHONY: all setup configure build run check check-sanitize fuzz fuzz-build clean

all: build

setup:
	@scripts/setup.sh

# KERNEL_TREE=DIR: build the source driver (--driver source) from that kernel tree instead of
# Debian's linux-source-6.12 tarball, e.g. a tree with the patch under review (docs/kernel-source.md).
KERNEL_TREE ?=
KTREE_ABS   := $(if $(KERNEL_TREE),$(abspath $(KERNEL_TREE)))
KTREE_TAG   := $(if $(KTREE_ABS),$(shell printf '%s' '$(KTREE_ABS)' | md5sum | cut -c1-12),default)
# CMAKE_ARGS="-DOPTION=VALUE ...": more of CMake's options (the README lists atslab's), given to the
# configure step; changing them configures again. CMake keeps each in its cache: leaving one out
# later does not undo it (give its other value).
CMAKE_ARGS  ?=
ARGS_TAG    := $(if $(strip $(CMAKE_ARGS)),-$(shell printf '%s' '$(CMAKE_ARGS)' | md5sum | cut -c1-12))
CONFIGURED  := $(BUILD)/.configured-$(WERROR)-$(KTREE_TAG)$(ARGS_TAG)

# Configure only when there is no cache yet (or the flags or the kernel tree changed).
$(CONFIGURED): | setup
	cmake -S . -B $(BUILD) -G "$(GENERATOR)" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DATSLAB_WERROR=$(WERROR) \
	  -DATSLAB_KERNEL_TREE="$(KTREE_ABS)" $(CMAKE_ARGS)
	@rm -f $(BUILD)/.configured-*
	@touch $@

configure: setup $(CONFIGURED)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# With KERNEL_TREE the main job runs that tree's code: atslab repro --driver source.
RUN_ARGS ?= $(if $(KERNEL_TREE),repro --driver source)
# Only the tool: a first `make run` (or one with a new KERNEL_TREE) does not wait for the tests.
run: configure
	cmake --build $(BUILD) -j $(JOBS) --target atslab
	$(BUILD)/tools/atslab/atslab $(RUN_ARGS)

check: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --output-junit ctest-junit.xml
	@# A skipped test passes silently in ctest's summary: say how many there were.
	@grep -m1 -o 'skipped="[0-9]*"' $(BUILD)/ctest-junit.xml | tr -dc 0-9 | \
	  { read n; echo "make check: $${n:-?} test(s) skipped$$( [ "$${n:-0}" = 0 ] || echo ' (see ctest: "Not Run" / "Skipped")')"; }

# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer
# (less the SPIN runs, label spin: they exercise no project code; and the figures
# docs/findings.md quotes, label figures: they are the optimised build's). The GoogleTest
# cases (label gtest) run in one process per core (GoogleTest's sharding,
# scripts/gtest-shards.sh): started one by one under ASan, each paid most of a second
# of start-up, four minutes of CI in all; in one process they kept a core idle for
# ten. The command-line and scenario tests run through ctest as usual. Label mpi (explore --mpi under mpirun) is left
# out too: LeakSanitizer reports Open MPI's own allocations from MPI_Init, which are not ours;
# the breadth-first engine those tests drive runs here in ExploreBfs.* (one rank, no MPI).
# Labels por and symmetry (each reduction's verdict sweep: every shipped scenario explored twice)
# are searches of the optimised build; under ASan a sweep takes many minutes, and the code they
# drive runs here in Footprint.*, Symmetry.* and Explore*. Label browser (the HTML report in
# headless Chromium) is mostly Chromium's minute; `atslab report` itself runs here in cli.report_*.
SAN_BUILD ?= build-sanitize
# Two GoogleTest cases are verdict sweeps of the same kind, left to the optimised build: SpinAgreement
# (every variant and configuration against SPIN's table: 4.6 minutes under ASan, one shard's whole
# share) and StateIndex's every-scenario sweep (every shipped scenario, variant and workload, indexed
# against full scans). What they drive runs here: every shipped scenario as scenario.*, the stress
# workloads in Stress.*, Workloads.* and cli.stress_*, the index in the other StateIndex.* cases.
SAN_GTEST_SWEEPS := SpinAgreement.*:StateIndex.EveryShippedScenarioGivesTheFullScansVerdicts
SAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
check-sanitize: setup
	@test -f $(SAN_BUILD)/CMakeCache.txt || cmake -S . -B $(SAN_BUILD) -G "$(GENERATOR)" -DCMAKE_BUILD_TYPE=Debug \
	  -DATSLAB_WERROR=$(WERROR) -DATSLAB_SANITIZE=ON
	cmake --build $(SAN_BUILD) -j $(JOBS)
	cd $(SAN_BUILD)/tests && $(SAN_ENV) $(CURDIR)/scripts/gtest-shards.sh $(JOBS) ./atslab_tests --gtest_brief=1 \
	  '--gtest_filter=-$(SAN_GTEST_SWEEPS)'
	cd $(SAN_BUILD) && $(SAN_ENV) ctest --output-on-failure -j $(JOBS) -LE 'spin|gtest|figures|por|symmetry|mpi|browser'
	@# The libFuzzer harnesses are sanitizer runs too (a clang build of their own, ASan+UBSan): here,
	@# not in `make check`, whose first run they doubled. A fixed count of inputs, not a time: a
	@# slower machine then tries the same ones (CI once timed out on an input a faster run never
	@# reached). The seconds only bound a pathological machine.
	@$(MAKE) --no-print-directory fuzz FUZZ_RUNS=2000 FUZZ_SECONDS=120 FUZZ_SEED=1 \
	  FUZZ_CMAKE_FLAGS="$(FUZZ_CMAKE_FLAGS) -DATSLAB_FUZZ_OPT=-O0"

# libFuzzer harnesses (fuzz/): each runs FUZZ_SECONDS from the in-tree seed corpus,
# writing what it finds to $(FUZZ_BUILD)/corpus so the tree stays clean.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
# 0 lets libFuzzer pick; make check fixes it, so its smoke run replays the same mutations on every machine.
FUZZ_SEED ?= 0
# Inputs to run per harness (corpus included); 0 runs until FUZZ_SECONDS.
FUZZ_RUNS ?= 0
FUZZERS := lspci capwalk scenario replay entry roundtrip acpi
# An input that takes longer than this is a hang, saved like a crash.
FUZZ_TIMEOUT ?= 10
# Extra configure flags, e.g. FUZZ_CMAKE_FLAGS=-DCMAKE_CXX_COMPILER_LAUNCHER=ccache.
FUZZ_CMAKE_FLAGS ?=
fuzz-build: setup
	@test -f $(FUZZ_BUILD)/CMakeCache.txt || CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G "$(GENERATOR)" \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DATSLAB_FUZZ=ON -DATSLAB_WERROR=$(WERROR) $(FUZZ_CMAKE_FLAGS)
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
fuzz: fuzz-build
	@for f in $(FUZZERS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$f && \
	  echo "fuzz_$$f: $(if $(filter-out 0,$(FUZZ_RUNS)),$(FUZZ_RUNS) inputs or )$(FUZZ_SECONDS) s" && \
	  ASAN_OPTIONS=abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  $(FUZZ_BUILD)/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) $(if $(filter-out 0,$(FUZZ_RUNS)),-runs=$(FUZZ_RUNS)) -timeout=$(FUZZ_TIMEOUT) -seed=$(FUZZ_SEED) -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/ \
	    $(FUZZ_BUILD)/corpus/$$f fuzz/corpus/$$f 2>$(FUZZ_BUILD)/fuzz_$$f.log || { tail -40 $(FUZZ_BUILD)/fuzz_$$f.log; exit 1; }; \
	  grep -E "stat::number_of_executed_units|cov:" $(FUZZ_BUILD)/fuzz_$$f.log | tail -2; \
	done

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(FUZZ_BUILD)
