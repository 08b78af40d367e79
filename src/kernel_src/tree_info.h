#pragma once
// Which kernel tree the source driver was compiled from (cmake/KernelTree.cmake
// generates the facts), for `atslab --version`, reports and tests.
#include <string>
#include <string_view>
#include <vector>

#include "policy/driver.h"

namespace atslab::kernel_src {

struct TreeInfo {
  std::string_view version;  // "6.12.118", from the tree's Makefile
  std::string_view origin;   // the tarball or the directory given to the build
  std::string_view files;    // the tree's .c files compiled (directly or in a wrapper), space-separated
};
TreeInfo tree();

// The SHA-256 of one compiled file as compiled ("" if it was not): tests pinned to
// one tree's code check it, so a developer's own tree skips them rather than fails.
std::string sha256_of(std::string_view file);

// The tree's kernel moves a device to a blocking domain around a PCI reset (its
// include/linux/iommu.h declares pci_dev_reset_iommu_prepare: 7.2, not 6.12).
bool tree_has_pci_dev_reset_iommu();

// The tree's version (its Makefile's VERSION.PATCHLEVEL) is `major`.`minor` or later: for what the
// tree's kernel does outside the files compiled (atslab's PCI core plays that kernel's pci.c).
// A version that does not parse counts as the newest.
bool tree_version_at_least(int major, int minor);

// The tree's files --driver source runs: those compiled that atslab calls into. `smmuv3_machine`
// false: the machine has no SMMUv3 (VT-d, AMD-Vi or none), so the tree's arm-smmu-v3.c, though
// compiled in, probes nothing and only ats.c runs.
std::vector<std::string> files_run(bool smmuv3_machine = true);

// "source driver: linux 6.12.118 (/usr/src/linux-source-6.12.tar.xz)"
std::string source_driver_line();
// What reports print: "driver: model", or the source driver line and the files it runs.
// On a machine without an SMMUv3 it says that the IOMMU driver is atslab's model.
std::string driver_line(policy::Driver d, bool smmuv3_machine = true);

}  // namespace atslab::kernel_src
