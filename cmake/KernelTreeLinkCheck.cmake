# cmake -P: the link check of a compiled kernel tree (ARCHIVE, with NM). Every
# symbol its objects use must be defined by the tree itself, by atslab's glue
# (atslab_*: src/kernel_src) or be one of the few C-library calls our shims
# make (and the unwinder and instrumentation hooks the compiler calls). Anything else
# is a kernel API a stand-in declares but nobody provides:
# one line naming it, and the build stops.
cmake_minimum_required(VERSION 3.25)  # script mode: today's policies (IN_LIST)
set(libc calloc free malloc memcpy memset memmove memcmp strlen strchr strcmp snprintf vsnprintf qsort abort __popcountdi2 __popcountsi2)
execute_process(COMMAND "${NM}" -A -u "${ARCHIVE}" OUTPUT_VARIABLE undefined RESULT_VARIABLE rc1)
execute_process(COMMAND "${NM}" --defined-only -j "${ARCHIVE}" OUTPUT_VARIABLE defined RESULT_VARIABLE rc2)
if(NOT rc1 EQUAL 0 OR NOT rc2 EQUAL 0)
  message(FATAL_ERROR "atslab: ${NM} could not read ${ARCHIVE}")
endif()
string(REGEX REPLACE "\n" ";" defined "${defined}")
string(REGEX REPLACE "\n" ";" undefined "${undefined}")
set(missing "")
foreach(line IN LISTS undefined)
  # "archive:member.o:                 U symbol"
  if(NOT line MATCHES "^[^:]*:([^:]*):.* U ([^ ]+)$")
    continue()
  endif()
  set(member "${CMAKE_MATCH_1}")
  set(sym "${CMAKE_MATCH_2}")
  if(sym MATCHES "^atslab_" OR sym IN_LIST libc OR sym IN_LIST defined OR sym MATCHES "^(__asan|__ubsan|__sanitizer|__sancov|__gcov|__stack_chk|_GLOBAL_OFFSET_TABLE_|_Unwind_|__gcc_personality|__cyg_profile_func_)")
    continue()
  endif()
  list(APPEND missing "${sym} (used by ${member})")
endforeach()
if(missing)
  list(REMOVE_DUPLICATES missing)
  foreach(m IN LISTS missing)
    message("atslab: the kernel tree needs ${m}, which no stand-in in src/kernel_src provides")
  endforeach()
  message(FATAL_ERROR "atslab: kernel tree link check failed")
endif()
