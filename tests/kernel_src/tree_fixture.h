#pragma once
// Tests of the source driver (src/kernel_src): machines whose drivers/pci/ats.c
// is the kernel tree's, and the guard for tests pinned to one tree's code.
#include <gtest/gtest.h>

#include <string>

#include "kernel_src/tree_info.h"
#include "linux/system.h"

namespace atslab::test {

// SHA-256 of drivers/pci/ats.c in Debian's linux-source-6.12 (6.12.118-1~deb12u1); tests/CMakeLists.txt.
inline constexpr const char* kDebian612118AtsC = ATSLAB_DEBIAN_6_12_118_ATS_C_SHA256;

// A test that pins what 6.12.118's ats.c does (its line numbers, its PF-aware check) runs only
// when that is the file compiled in; against a developer's own tree (make check KERNEL_TREE=DIR)
// it is skipped, saying why, instead of failing on a line number.
#define ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C()                                                          \
  do {                                                                                                \
    if (::atslab::kernel_src::sha256_of("drivers/pci/ats.c") != ::atslab::test::kDebian612118AtsC) \
      GTEST_SKIP() << "pinned to Debian's linux 6.12.118 drivers/pci/ats.c; this build runs "        \
                   << ::atslab::kernel_src::source_driver_line();                                     \
  } while (0)

// The Debian trees whose SMMUv3 driver the tests pin, known by the SHA-256 of their ats.c and
// arm-smmu-v3.c as compiled: 6.12.118 (linux-source-6.12, the default build) and 7.2.13 (sid's
// linux-source-7.2). Any other tree, or one patched, is neither.
enum class DebianTree { Other, V6_12_118, V7_2_13 };
inline DebianTree debian_tree() {
  const std::string ats = ::atslab::kernel_src::sha256_of("drivers/pci/ats.c");
  const std::string smmu = ::atslab::kernel_src::sha256_of("drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c");
  if (ats == ATSLAB_DEBIAN_6_12_118_ATS_C_SHA256 && smmu == ATSLAB_DEBIAN_6_12_118_SMMUV3_C_SHA256)
    return DebianTree::V6_12_118;
  if (ats == ATSLAB_DEBIAN_7_2_13_ATS_C_SHA256 && smmu == ATSLAB_DEBIAN_7_2_13_SMMUV3_C_SHA256) return DebianTree::V7_2_13;
  return DebianTree::Other;
}

// A test that pins what each of those trees' driver does (a line, a log line, a return code)
// runs on either and is skipped on any other tree, saying why.
#define ATSLAB_REQUIRE_DEBIAN_TREE()                                                                         \
  do {                                                                                                     \
    if (::atslab::test::debian_tree() == ::atslab::test::DebianTree::Other)                                 \
      GTEST_SKIP() << "pinned to Debian's 6.12.118 and 7.2.13 ats.c and SMMUv3 driver; this build runs " \
                   << ::atslab::kernel_src::source_driver_line();                                         \
  } while (0)

inline void use_tree_ats(System& s) { s.kernel.pci_switches.ats = policy::Driver::Source; }

}  // namespace atslab::test
