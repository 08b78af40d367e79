# ctest driver for one spin.<variant> test (cmake -P, so no interpreter beyond
# CMake is needed): runs spec/run-spin.sh for every configuration listed for
# VARIANT in spec/expected.json, with the checks that file lists ("invariants"
# and "warn_sites"), and compares SPIN's violated invariants and reached WARN
# sites with the expected ones. The caller skips the test (exit 77) when spin
# is missing.
#
#   cmake -DVARIANT=upstream -DSPEC_DIR=/path/to/spec -P check-spin.cmake
cmake_minimum_required(VERSION 3.25)

if(NOT VARIANT OR NOT SPEC_DIR)
  message(FATAL_ERROR "usage: cmake -DVARIANT=<variant> -DSPEC_DIR=<spec dir> -P check-spin.cmake")
endif()

file(READ "${SPEC_DIR}/expected.json" expected_json)
string(JSON configs ERROR_VARIABLE err GET "${expected_json}" "expected" "${VARIANT}")
if(err)
  message(FATAL_ERROR "spec/expected.json has no entry for variant '${VARIANT}': ${err}")
endif()

# A JSON array of numbers (or strings) as a sorted, comma-separated string.
function(json_set out json)
  string(JSON n LENGTH "${json}")
  set(items "")
  if(n GREATER 0)
    math(EXPR last "${n} - 1")
    foreach(i RANGE ${last})
      string(JSON item GET "${json}" ${i})
      list(APPEND items "${item}")
    endforeach()
  endif()
  list(SORT items COMPARE NATURAL)
  list(JOIN items "," joined)
  set(${out} "${joined}" PARENT_SCOPE)
endfunction()

# The checks: every invariant and WARN site expected.json says SPIN checks
# (run-spin.sh refuses a name it does not know).
string(JSON inv_json GET "${expected_json}" "invariants")
string(JSON warn_json GET "${expected_json}" "warn_sites")
json_set(invariants "${inv_json}")
json_set(warn_sites "${warn_json}")
string(REPLACE "," " " spin_checks "${invariants},${warn_sites}")

# compare(WHAT GOT WANT): append to failures what differs.
macro(compare what got want)
  if(NOT "${got}" STREQUAL "${want}")
    string(REPLACE "," ";" got_list "${got}")
    string(REPLACE "," ";" want_list "${want}")
    set(new ${got_list})
    set(gone ${want_list})
    if(want_list)
      list(REMOVE_ITEM new ${want_list})
    endif()
    if(got_list)
      list(REMOVE_ITEM gone ${got_list})
    endif()
    list(JOIN new ", " new)
    list(JOIN gone ", " gone)
    string(APPEND failures "\n  ${config}: SPIN finds ${what} [${got}], spec/expected.json says [${want}]")
    if(new)
      string(APPEND failures "; newly found: ${new}")
    endif()
    if(gone)
      string(APPEND failures "; no longer found: ${gone}")
    endif()
  endif()
endmacro()

string(JSON nconfigs LENGTH "${configs}")
math(EXPR lastconfig "${nconfigs} - 1")
set(failures "")
foreach(i RANGE ${lastconfig})
  string(JSON config MEMBER "${configs}" ${i})        # e.g. "faults=1 pf=healthy"
  string(JSON want_inv_json GET "${configs}" "${config}" "invariants")
  string(JSON want_warn_json GET "${configs}" "${config}" "warns")
  json_set(want_inv "${want_inv_json}")
  json_set(want_warn "${want_warn_json}")
  string(REGEX MATCH "faults=([01])" _ "${config}")
  set(faults "${CMAKE_MATCH_1}")
  string(REGEX MATCH "pf=([a-z]+)" _ "${config}")
  set(pf "${CMAKE_MATCH_1}")
  if(faults STREQUAL "" OR pf STREQUAL "")
    message(FATAL_ERROR "spec/expected.json: cannot read configuration '${config}' (expected \"faults=0|1 pf=quirked|healthy\")")
  endif()

  execute_process(
    COMMAND "${CMAKE_COMMAND}" -E env SPIN_MEASURE_OPT=-O0 "SPIN_CHECKS=${spin_checks}" "SPIN_PAN_CACHE=${PAN_CACHE}"
            "${SPEC_DIR}/run-spin.sh" "${VARIANT}" "FAULTS=${faults}" "PF=${pf}"
    OUTPUT_VARIABLE out ERROR_VARIABLE errout RESULT_VARIABLE rc
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "spin.${VARIANT} (${config}): run-spin.sh failed (exit ${rc}): ${errout}")
  endif()
  string(JSON got_inv_json ERROR_VARIABLE err GET "${out}" "violated")
  if(NOT err)
    string(JSON got_warn_json ERROR_VARIABLE err GET "${out}" "warns")
  endif()
  if(err)
    message(FATAL_ERROR "spin.${VARIANT} (${config}): cannot read run-spin.sh's output '${out}': ${err}")
  endif()
  json_set(got_inv "${got_inv_json}")
  json_set(got_warn "${got_warn_json}")
  message(STATUS "${out}")
  compare("invariants violated" "${got_inv}" "${want_inv}")
  compare("WARN sites reached" "${got_warn}" "${want_warn}")
endforeach()

if(failures)
  message(FATAL_ERROR "spin.${VARIANT}: SPIN's results differ from spec/expected.json:${failures}\n"
                      "If the model or the variant changed on purpose, update spec/expected.json "
                      "(and the table in spec/README.md).")
endif()
message(STATUS "spin.${VARIANT}: every configuration matches spec/expected.json")
