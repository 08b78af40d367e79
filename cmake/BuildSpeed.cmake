# What keeps a build from scratch (CI's, a new user's) inside its minutes on two cores;
# measured in docs/performance.md ("Build time").
#
# Precompiled headers: the heavy third-party headers (GoogleTest, nlohmann-json,
# CLI11, fmt) cost each file that includes them several seconds of parsing; a target's
# PCH parses them once. They are forced into every file of the target, which could hide
# a missing #include: the fuzz build (clang, no PCH) compiles atslab_core without them.
option(ATSLAB_PCH "Precompile the third-party headers of the core, the command line and the tests" ON)

function(atslab_precompile target)
  if(ATSLAB_PCH AND NOT ATSLAB_FUZZ)
    # C++ targets only (the tree's C files are a library of their own, atslab_kernel_tree).
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()

# Tests are glue around the code under test: compiled without optimisation they build in
# about half the time, and the model they call (atslab_core) keeps the build's -O2.
#
# They are also compiled eight files to a translation unit (a unity build): gtest's, fmt's and
# the model's templates are then instantiated once per eight files, not in each, which takes
# more than half off a test build. Every test file wraps its code in `namespace
# ATSLAB_UNITY_ID { ... }` inside its project namespace, a name unique to the file in a unity
# build, so that two files' helpers of one name (every other file has its `Machine`) stay apart.
option(ATSLAB_UNITY_TESTS "Compile the test files several to a translation unit" ON)
function(atslab_test_code target)
  if(NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
    target_compile_options(${target} PRIVATE -O0)
  endif()
  if(ATSLAB_UNITY_TESTS)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8
      UNITY_BUILD_UNIQUE_ID ATSLAB_UNITY_ID)
  else()
    target_compile_definitions(${target} PRIVATE ATSLAB_UNITY_ID=one_test_file)
  endif()
endfunction()

# Debug information: line tables (-g1) by default. Stack traces, perf, addr2line and the
# sanitizers' reports need file and line, not variables; full information (-g) costs a third
# more compile time per file, the largest share of a first `make run`
# (docs/performance.md, "First contact"). -DATSLAB_FULL_DEBUG_INFO=ON (or a Debug build)
# for stepping through the model in gdb with its variables.
option(ATSLAB_FULL_DEBUG_INFO "Full debug information (-g) in optimised builds, not only line tables" OFF)
if(ATSLAB_SANITIZE OR NOT ATSLAB_FULL_DEBUG_INFO)
  foreach(lang C CXX)
    foreach(config RELWITHDEBINFO DEBUG)
      if(config STREQUAL "RELWITHDEBINFO" OR ATSLAB_SANITIZE)
        string(REGEX REPLACE "(^| )-g( |$)" "\\1-g1\\2" CMAKE_${lang}_FLAGS_${config} "${CMAKE_${lang}_FLAGS_${config}}")
      endif()
    endforeach()
  endforeach()
endif()

# The command line is glue around the model (option parsing, JSON and text output): -O1
# halves its files' compile time (CLI11 and nlohmann-json instantiated in each) and the
# work it calls, atslab_core, keeps -O2.
function(atslab_glue_code target)
  if(CMAKE_BUILD_TYPE STREQUAL "RelWithDebInfo" OR CMAKE_BUILD_TYPE STREQUAL "Release")
    target_compile_options(${target} PRIVATE -O1)
  endif()
endfunction()

# libFuzzer's harnesses want coverage, not speed: -O1, as its documentation builds them,
# compiles the fuzz build's second copy of the model in less time than -O2. The sanitizer suite's
# smoke run (2000 inputs a harness) builds with -O0: the compile is its cost, not the inputs
# (io/scenario.cc: 30 s at -O1, 13 s at -O0 with ASan, UBSan and coverage), and CI's minutes are few.
set(ATSLAB_FUZZ_OPT "-O1" CACHE STRING "Optimisation of the fuzz build (-O0 for a short smoke run)")
if(ATSLAB_FUZZ)
  add_compile_options(${ATSLAB_FUZZ_OPT})
endif()
