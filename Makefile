# The two entry points of the README: `make run` and `make check`.
# Each installs missing Debian packages, configures once, builds incrementally.
BUILD     ?= build
GENERATOR := $(shell command -v ninja >/dev/null 2>&1 && echo Ninja || echo "Unix Makefiles")
JOBS      ?= $(shell nproc)
WERROR    ?= $(if $(CI),ON,OFF)

.PHONY: all setup configure build run check check-sanitize clean

all: build

setup:
	@scripts/setup.sh

# Configure only when there is no cache yet (or the flags changed).
$(BUILD)/.configured-$(WERROR): | setup
	cmake -S . -B $(BUILD) -G "$(GENERATOR)" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DATSLAB_WERROR=$(WERROR)
	@rm -f $(BUILD)/.configured-*
	@touch $@

configure: setup $(BUILD)/.configured-$(WERROR)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/tools/atslab/atslab

check: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer.
SAN_BUILD ?= build-sanitize
check-sanitize: setup
	@test -f $(SAN_BUILD)/CMakeCache.txt || cmake -S . -B $(SAN_BUILD) -G "$(GENERATOR)" -DCMAKE_BUILD_TYPE=Debug \
	  -DATSLAB_WERROR=$(WERROR) -DATSLAB_SANITIZE=ON
	cmake --build $(SAN_BUILD) -j $(JOBS)
	cd $(SAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD) $(SAN_BUILD)
