# The model allocates and frees in every operation (each explored transition copies its parent
# System; attaches build and free invalidation arrays and master lists): malloc and free were
# 12-15% of an exploration's profile under glibc (docs/performance.md). gperftools' tcmalloc
# (Debian's libgoogle-perftools-dev, scripts/setup.sh) serves small objects from per-thread
# caches. Linked into the tool and the benchmarks only: the tests keep glibc's allocator (and
# its own consistency checks), the sanitizer and fuzz builds their sanitizer's.
option(ATSLAB_TCMALLOC "Link atslab and its benchmarks with tcmalloc_minimal when it is installed" ON)
function(atslab_fast_malloc target)
  if(NOT ATSLAB_TCMALLOC OR ATSLAB_SANITIZE OR ATSLAB_FUZZ)
    return()
  endif()
  find_library(ATSLAB_TCMALLOC_LIB tcmalloc_minimal)
  if(NOT ATSLAB_TCMALLOC_LIB)
    message(STATUS "tcmalloc_minimal not found (libgoogle-perftools-dev): ${target} uses glibc's malloc")
    return()
  endif()
  # Nothing names a tcmalloc symbol: without --no-as-needed a linker that drops unused
  # libraries would drop it.
  target_link_libraries(${target} PRIVATE -Wl,--push-state,--no-as-needed ${ATSLAB_TCMALLOC_LIB} -Wl,--pop-state)
endfunction()
