# The kernel tree the source driver is compiled from (docs/kernel-source.md).
#
# Default: Debian's linux-source-6.12 tarball; the files below are extracted into
# the build folder once (the cost is xz: ~10-25 s), and again only when the
# tarball or the list changes. -DATSLAB_KERNEL_TREE=DIR takes a tree on disk
# instead (a developer's own, with the patch under review); its files are copied
# at build time, so editing the tree and rebuilding picks the change up.
# Nothing of the tree is ever written into the source folder.

set(ATSLAB_KERNEL_TREE "" CACHE PATH "A kernel source tree to build the source driver from (empty: ATSLAB_KERNEL_TARBALL)")
set(ATSLAB_KERNEL_TARBALL "/usr/src/linux-source-6.12.tar.xz" CACHE FILEPATH
    "The kernel source tarball used when ATSLAB_KERNEL_TREE is empty (Debian package linux-source-6.12)")

# The SMMUv3 driver from the tree (issue 15, stage C): its arm-smmu-v3.c compiled in
# our wrapper (src/kernel_src/wrap), run on hw::smmuv3 behind atslab's IOMMU core under
# --driver source. OFF builds ats.c alone (--driver source then keeps atslab's SMMUv3
# driver), for a tree whose SMMUv3 driver the stand-ins cannot yet compile.
option(ATSLAB_SOURCE_SMMUV3 "Build the kernel tree's SMMUv3 driver into the source driver" ON)
# Call traces from inside the tree's driver need GCC's -finstrument-functions-exclude-file-list
# (clang has no such flag, and without it would announce the stand-ins' inline helpers as
# frames): a clang build, the fuzz harnesses' among them, leaves the driver out.
if(ATSLAB_SOURCE_SMMUV3 AND NOT CMAKE_C_COMPILER_ID STREQUAL "GNU")
  message(STATUS "Source driver: ${CMAKE_C_COMPILER_ID} has no -finstrument-functions-exclude-file-list; "
                 "the tree's SMMUv3 driver needs GCC and is left out (ats.c alone)")
  set(ATSLAB_SOURCE_SMMUV3 OFF)
endif()

# What a tree must provide, relative to its root: the .c files compiled as they are,
# the files our wrappers include (a driver .c and the headers that are its own
# interface, taken from the tree rather than stood in), and the Makefile for the
# version. Only these are extracted or copied; the tarball's are all extracted in
# one pass, the SMMUv3 files too, so that turning the option on costs no second one.
set(ATSLAB_KERNEL_SOURCES drivers/pci/ats.c)
set(ATSLAB_KERNEL_SMMUV3_FILES
  drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h
  drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c
  drivers/iommu/dma-iommu.h drivers/iommu/io-pgtable-arm.h include/linux/io-pgtable.h include/uapi/linux/iommufd.h)
# The io-pgtable the SMMUv3 driver's paging domains use: compiled as they are.
set(ATSLAB_KERNEL_SMMUV3_SOURCES drivers/iommu/io-pgtable.c drivers/iommu/io-pgtable-arm.c)
# Read, never compiled: the tree's own headers whose interface the stand-ins follow (below).
set(ATSLAB_KERNEL_PROBED include/linux/iommu.h)
set(ATSLAB_KERNEL_FILES Makefile ${ATSLAB_KERNEL_SOURCES} ${ATSLAB_KERNEL_SMMUV3_SOURCES} ${ATSLAB_KERNEL_SMMUV3_FILES}
    ${ATSLAB_KERNEL_PROBED})
# What a given tree must have.
set(ATSLAB_KERNEL_REQUIRED Makefile ${ATSLAB_KERNEL_SOURCES})
if(ATSLAB_SOURCE_SMMUV3)
  list(APPEND ATSLAB_KERNEL_REQUIRED ${ATSLAB_KERNEL_SMMUV3_SOURCES} ${ATSLAB_KERNEL_SMMUV3_FILES} ${ATSLAB_KERNEL_PROBED})
endif()

# Sets ATSLAB_KERNEL_ROOT (where the files are read from), ATSLAB_KERNEL_ORIGIN
# (what the user gave: the tarball or the directory) and ATSLAB_KERNEL_VERSION.
function(atslab_locate_kernel_tree)
  if(ATSLAB_KERNEL_TREE)
    get_filename_component(root "${ATSLAB_KERNEL_TREE}" ABSOLUTE)
    foreach(f IN LISTS ATSLAB_KERNEL_REQUIRED)
      if(NOT EXISTS "${root}/${f}")
        message(FATAL_ERROR "ATSLAB_KERNEL_TREE=${root} has no ${f} (the source driver is built from it)")
      endif()
    endforeach()
    set(origin "${root}")
  else()
    set(tarball "${ATSLAB_KERNEL_TARBALL}")
    if(NOT EXISTS "${tarball}")
      message(FATAL_ERROR "${tarball} is missing: install Debian's linux-source-6.12 (scripts/setup.sh does), "
                          "or give a tree with -DATSLAB_KERNEL_TREE=DIR (make ... KERNEL_TREE=DIR)")
    endif()
    set(root "${CMAKE_BINARY_DIR}/kernel-tarball")
    file(TIMESTAMP "${tarball}" stamp_time "%Y-%m-%dT%H:%M:%S" UTC)
    set(stamp_text "${tarball} ${stamp_time} ${ATSLAB_KERNEL_FILES}")
    set(stamp_file "${root}/.atslab-extracted")
    set(old_stamp "")
    if(EXISTS "${stamp_file}")
      file(READ "${stamp_file}" old_stamp)
    endif()
    if(NOT old_stamp STREQUAL stamp_text)
      file(REMOVE_RECURSE "${root}")
      file(MAKE_DIRECTORY "${root}")
      # The tarball's single top directory is stripped; `*` matches it and only it
      # (no-wildcards-match-slash), and --occurrence lets tar stop once every file was seen.
      set(patterns "")
      foreach(f IN LISTS ATSLAB_KERNEL_FILES)
        list(APPEND patterns "*/${f}")
      endforeach()
      list(LENGTH ATSLAB_KERNEL_FILES n)
      message(STATUS "Extracting ${n} files from ${tarball} (once per build folder)")
      execute_process(COMMAND tar -xJf "${tarball}" -C "${root}" --wildcards --no-wildcards-match-slash
                              --occurrence --strip-components=1 ${patterns}
                      RESULT_VARIABLE rc ERROR_VARIABLE err)
      if(NOT rc EQUAL 0)
        string(STRIP "${err}" err)
        message(FATAL_ERROR "extracting the source driver's files from ${tarball} failed: ${err}")
      endif()
      file(WRITE "${stamp_file}" "${stamp_text}")
    endif()
    set(origin "${tarball}")
  endif()

  # VERSION.PATCHLEVEL.SUBLEVEL[EXTRAVERSION], as the tree's top Makefile says.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${root}/Makefile")
  file(STRINGS "${root}/Makefile" head LIMIT_COUNT 12)
  foreach(key VERSION PATCHLEVEL SUBLEVEL EXTRAVERSION)
    set(${key} "")
    foreach(line IN LISTS head)
      if(line MATCHES "^${key} *= *([^ ]*)")
        set(${key} "${CMAKE_MATCH_1}")
      endif()
    endforeach()
  endforeach()
  if(VERSION STREQUAL "" OR PATCHLEVEL STREQUAL "")
    message(FATAL_ERROR "${root}/Makefile names no VERSION/PATCHLEVEL: is ${origin} a kernel tree?")
  endif()
  if(SUBLEVEL STREQUAL "")
    set(SUBLEVEL 0)
  endif()
  # The vSMMU half (arm-smmu-v3-iommufd.c), where the tree has it in the form the stand-ins serve
  # (ATSLAB_TREE_VSMMU, below): optional, since 6.12 has none (its tarball is extracted without it).
  # The wrapper includes it under CONFIG_ARM_SMMU_V3_IOMMUFD.
  set(vsmmu_file drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-iommufd.c)
  set(vsmmu "")
  if(EXISTS "${root}/${vsmmu_file}")
    file(STRINGS "${root}/${vsmmu_file}" form REGEX "^size_t arm_smmu_get_viommu_size\\(struct device")
    if(form)
      set(vsmmu ${vsmmu_file})
    endif()
  endif()
  set(ATSLAB_KERNEL_VSMMU_FILES "${vsmmu}" PARENT_SCOPE)
  set(ATSLAB_KERNEL_ROOT "${root}" PARENT_SCOPE)
  set(ATSLAB_KERNEL_ORIGIN "${origin}" PARENT_SCOPE)
  set(ATSLAB_KERNEL_VERSION "${VERSION}.${PATCHLEVEL}.${SUBLEVEL}${EXTRAVERSION}" PARENT_SCOPE)
endfunction()

# atslab_probe_line(TEXT FILE REGEX MACRO): append "#define MACRO 1" to the variable TEXT when a
# line of the tree's FILE matches REGEX (a definition of the form the stand-ins serve).
function(atslab_probe_line text_var file regex macro)
  if(EXISTS "${file}")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${file}")
    file(STRINGS "${file}" defs REGEX "${regex}")
    if(defs)
      set(${text_var} "${${text_var}}#define ${macro} 1\n" PARENT_SCOPE)
    endif()
  endif()
endfunction()

# atslab_probe_kernel_api(ROOT OUT): where a kernel interface the tree's driver uses changed
# between the trees the stand-ins serve (6.12 and 7.2 are built here), the stand-in declares the
# form the tree's own header declares, as autoconf probes a system. The tree's headers are read,
# not compiled (ours stand in for them); OUT (atslab/tree_api.h in the copy's include/) holds
# one macro per difference, and is rewritten only when that changes.
function(atslab_probe_kernel_api root out)
  set(text "/* Generated by cmake/KernelTree.cmake from ${root}: the tree's interface, for the stand-ins. */\n")
  set(iommu_h "")
  if(EXISTS "${root}/include/linux/iommu.h")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${root}/include/linux/iommu.h")
    file(READ "${root}/include/linux/iommu.h" iommu_h)
  endif()
  # iommu_domain_ops.attach_dev is also handed the domain the device leaves (7.2; 6.12 has two arguments).
  if(iommu_h MATCHES "\\(\\*attach_dev\\)\\([^;]*struct iommu_domain \\*[a-z_]+\\)")
    string(APPEND text "#define ATSLAB_ATTACH_DEV_TAKES_OLD 1\n")
  endif()
  # The IOMMU core moves a device to a blocking domain around a PCI reset (7.2's
  # pci_dev_reset_iommu_prepare/done): atslab's core does so when the tree's kernel has it.
  if(iommu_h MATCHES "int pci_dev_reset_iommu_prepare\\(")
    string(APPEND text "#define ATSLAB_TREE_PCI_DEV_RESET_IOMMU 1\n")
  endif()
  # The probe ends in arm_smmu_master_prepare_ats (7.2): support checked first, a failed
  # pci_prepare_ats fails the probe. The seed's base and 6.12 call pci_prepare_ats inline.
  atslab_probe_line(text "${root}/drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c"
                    "^static int arm_smmu_master_prepare_ats\\(struct arm_smmu_master" ATSLAB_TREE_MASTER_PREPARE_ATS)
  # The SVA half the stand-ins compile (CONFIG_ARM_SMMU_V3_SVA, linux/kconfig.h), in one of two forms.
  # 6.12's arm-smmu-v3-sva.c: a bind needs IOMMU_DEV_FEAT_SVA first (dev_enable_feat, sva_enabled).
  atslab_probe_line(text "${root}/drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c"
                    "^bool arm_smmu_master_sva_enabled\\(struct arm_smmu_master" ATSLAB_TREE_SVA)
  # 7.2's: no IOMMU_DEV_FEAT_SVA step, and the notifier's release and the domain's free invalidate
  # through the domain's invalidation array (arm_smmu_domain_inv). A tree with neither form keeps
  # the option off, and --driver source refuses SVA there in one line.
  atslab_probe_line(text "${root}/drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c"
                    "^[ \t]+arm_smmu_domain_inv\\(smmu_domain\\);" ATSLAB_TREE_SVA_DOMAIN_INV)
  # iommufd's PASID attach (VFIO_DEVICE_ATTACH_PASID, 6.13 and later) needs a HWPT the driver allocates
  # for PASIDs: its domain_alloc_paging_flags takes IOMMU_HWPT_ALLOC_PASID (7.2). 6.12's driver has
  # no such flag (and its core no iommu_replace_device_pasid): --driver source refuses the path there.
  atslab_probe_line(text "${root}/drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c"
                    "^[ \t]+IOMMU_HWPT_ALLOC_PASID[ |;]" ATSLAB_TREE_IOMMUFD_PASID)
  # Nesting (a VM's vSMMU): arm-smmu-v3-iommufd.c in the form the stand-ins serve, iommufd asking the
  # driver for its vIOMMU's size and then initialising the object it allocated (get_viommu_size and
  # viommu_init, 7.2). It turns CONFIG_ARM_SMMU_V3_IOMMUFD on; 6.12 has no such file (and its
  # domain_alloc_user no IOMMU_HWPT_ALLOC_NEST_PARENT): --driver source refuses nesting there.
  atslab_probe_line(text "${root}/drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-iommufd.c"
                    "^size_t arm_smmu_get_viommu_size\\(struct device" ATSLAB_TREE_VSMMU)
  if(EXISTS "${out}")
    file(READ "${out}" before)
    if(before STREQUAL text)
      return()
    endif()
  endif()
  file(WRITE "${out}" "${text}")
endfunction()

# atslab_add_kernel_tree(NAME ROOT dir ORIGIN text VERSION text [SCRIPT file] [SOURCES file...]
#                        [INCLUDED file...] [WRAPPERS file...])
#
# A static library NAME of the tree's ATSLAB_KERNEL_SOURCES, compiled unchanged as
# C (gnu11) against src/kernel_src/include, plus our C shims and a generated file
# naming the tree (atslab/kernel_abi.h: atslab_kernel_tree_*). The files are
# copied into the build folder first, so that a quoted include in them finds our
# stand-in ("pci.h" -> src/kernel_src/include/drivers/pci/pci.h), not the tree's
# own private header. SCRIPT (a shell script of ours) then runs on the copy's
# root, e.g. to remove a check the way a reviewer would try a patch. SOURCES (default:
# all of ATSLAB_KERNEL_SOURCES) compiles only some of the tree's files: a library
# linked ahead of the default tree overrides just those. INCLUDED are tree files
# copied but not compiled: WRAPPERS, translation units of ours, #include them
# (the copy's root is on their quote path, its include/ after our stand-ins).
function(atslab_add_kernel_tree name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "ROOT;ORIGIN;VERSION;SCRIPT" "SOURCES;INCLUDED;WRAPPERS")
  if(NOT arg_SOURCES)
    set(arg_SOURCES ${ATSLAB_KERNEL_SOURCES})
  endif()
  # The tree's .c files that run: those compiled as they are and those a wrapper includes.
  set(ran ${arg_SOURCES})
  foreach(f IN LISTS arg_INCLUDED)
    if(f MATCHES "\\.c$")
      list(APPEND ran ${f})
    endif()
  endforeach()
  set(copy "${CMAKE_CURRENT_BINARY_DIR}/${name}")
  file(RELATIVE_PATH copy_rel "${CMAKE_BINARY_DIR}" "${copy}")
  # Make compiles in the target's folder, Ninja at the top: ccache's base_dir makes the path
  # relative to whichever it is.
  file(RELATIVE_PATH copy_rel_here "${CMAKE_CURRENT_BINARY_DIR}" "${copy}")
  set(copied "")
  set(sources "")
  set(copy_cmds "")
  set(included "")
  foreach(f IN LISTS arg_INCLUDED)
    list(APPEND included "${copy}/${f}")
    get_filename_component(dir "${copy}/${f}" DIRECTORY)
    list(APPEND copy_cmds COMMAND ${CMAKE_COMMAND} -E make_directory "${dir}"
                          COMMAND ${CMAKE_COMMAND} -E copy "${arg_ROOT}/${f}" "${copy}/${f}")
  endforeach()
  foreach(f IN LISTS arg_SOURCES)
    list(APPEND copied "${copy}/${f}")
    get_filename_component(dir "${copy}/${f}" DIRECTORY)
    list(APPEND copy_cmds COMMAND ${CMAKE_COMMAND} -E make_directory "${dir}"
                          COMMAND ${CMAKE_COMMAND} -E copy "${arg_ROOT}/${f}" "${copy}/${f}")
  endforeach()
  set(prepare "")
  if(arg_SCRIPT)
    set(prepare COMMAND sh "${arg_SCRIPT}" "${copy}")
  endif()
  set(kstandin "${PROJECT_SOURCE_DIR}/src/kernel_src/include")
  atslab_probe_kernel_api("${arg_ROOT}" "${copy}/include/atslab/tree_api.h")
  # What the probes found, for the tests that run only on a tree of one form (tests/CMakeLists.txt).
  file(READ "${copy}/include/atslab/tree_api.h" api)
  set_property(GLOBAL PROPERTY ATSLAB_TREE_API_${name} "${api}")
  list(TRANSFORM arg_SOURCES PREPEND "${arg_ROOT}/" OUTPUT_VARIABLE originals)
  list(TRANSFORM arg_INCLUDED PREPEND "${arg_ROOT}/" OUTPUT_VARIABLE originals_included)
  set(info "${copy}-info.c")
  add_custom_command(
    OUTPUT ${copied} ${included} "${info}"
    ${copy_cmds}
    ${prepare}
    COMMAND ${CMAKE_COMMAND} "-DDIR=${copy}" "-DFILES=${ran}" "-DVERSION=${arg_VERSION}"
            "-DORIGIN=${arg_ORIGIN}" "-DOUT=${info}" -P "${PROJECT_SOURCE_DIR}/cmake/KernelTreeInfo.cmake"
    DEPENDS ${originals} ${originals_included} ${arg_SCRIPT} "${PROJECT_SOURCE_DIR}/cmake/KernelTreeInfo.cmake"
    COMMENT "Kernel tree ${name}: linux ${arg_VERSION} from ${arg_ORIGIN}"
    VERBATIM)
  file(GLOB shims CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/src/kernel_src/shim/*.c")
  if(arg_WRAPPERS)
    file(GLOB smmu_shims CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/src/kernel_src/shim/smmuv3/*.c")
    list(APPEND shims ${smmu_shims})
    # Each tree gets its own copy of the wrappers: a wrapper's object depends on the files it
    # includes, which this tree's copy step makes (a source's properties are one per directory,
    # and several trees may be built from one: the design binaries in tests/).
    set(wrappers "")
    foreach(w IN LISTS arg_WRAPPERS)
      get_filename_component(wname "${w}" NAME)
      configure_file("${w}" "${copy}-wrap/${wname}" COPYONLY)
      list(APPEND wrappers "${copy}-wrap/${wname}")
    endforeach()
    set(arg_WRAPPERS ${wrappers})
    set_source_files_properties(${arg_WRAPPERS} PROPERTIES OBJECT_DEPENDS "${included}")
    # Call traces from inside the driver (src/kernel_src/smmuv3/call_trace.cc): its functions,
    # and io-pgtable's, announce entry and exit; the stand-ins' inline helpers do not.
    set(instrumented ${arg_WRAPPERS} ${copied})
    list(FILTER instrumented EXCLUDE REGEX "/drivers/pci/")
    set_source_files_properties(${instrumented} PROPERTIES COMPILE_OPTIONS
      "-finstrument-functions;-finstrument-functions-exclude-file-list=kernel_src/include")
  endif()
  add_library(${name} STATIC ${copied} ${arg_WRAPPERS} ${shims} "${info}")
  set_target_properties(${name} PROPERTIES C_STANDARD 11 C_EXTENSIONS ON C_STANDARD_REQUIRED ON)
  # Our stand-ins first; the headers taken from the tree (INCLUDED under include/) after them.
  target_include_directories(${name} PRIVATE "${kstandin}" "${copy}/include")
  # The tree calls atslab_* (src/kernel_src/*.cc, in atslab_core), which call the tree: a cycle of
  # static libraries, which CMake repeats on the link line so both directions resolve.
  target_link_libraries(${name} PRIVATE $<LINK_ONLY:atslab_core>)
  target_compile_options(${name} PRIVATE
    # The kernel's own build force-includes these two.
    "SHELL:-include linux/kconfig.h" "SHELL:-include linux/compiler_types.h"
    "SHELL:-iquote ${kstandin}/drivers/pci" "SHELL:-iquote ${kstandin}/drivers/iommu" "SHELL:-iquote ${copy}"
    # __FILE__ as the kernel prints it: drivers/pci/ats.c, not the build folder's path (which
    # ccache's base_dir may have made relative to the build folder: every spelling is mapped).
    "-fmacro-prefix-map=${copy}/=" "-fmacro-prefix-map=${copy_rel}/=" "-fmacro-prefix-map=${copy_rel_here}/="
    # The kernel's Makefile: no type-based aliasing, no common symbols, signed overflow wraps.
    -fno-strict-aliasing -fno-common -fno-strict-overflow
    # Under UBSan: the kernel's C shifts into the sign bit (io-pgtable-arm.c's MAIR, 0xf4 << 24),
    # which GCC defines as an extension and the kernel relies on; the rest of UBSan stays on.
    $<$<BOOL:${ATSLAB_SANITIZE}>:-fno-sanitize=shift-base>
    # An atslab error thrown from a callback (C++) unwinds through the kernel's C frames.
    -fexceptions
    # A symbol the stand-ins lack is an error naming it, never a guess.
    -Werror=implicit-function-declaration -Werror=implicit-int -Werror=incompatible-pointer-types
    -Werror=int-conversion)
  # And one the stand-ins declare but nothing defines: a one-line error per symbol after the archive is built.
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND ${CMAKE_COMMAND} "-DARCHIVE=$<TARGET_FILE:${name}>" "-DNM=${CMAKE_NM}"
            -P "${PROJECT_SOURCE_DIR}/cmake/KernelTreeLinkCheck.cmake"
    VERBATIM)
endfunction()
