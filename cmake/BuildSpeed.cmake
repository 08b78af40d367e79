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
function(atslab_test_code target)
  if(NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
    target_compile_options(${target} PRIVATE -O0)
  endif()
endfunction()

# The sanitizer build's stack traces need file and line, not variables: line tables
# (-g1) instead of full debug information save about a third of its compile time.
if(ATSLAB_SANITIZE)
  add_compile_options(-g1)
endif()
