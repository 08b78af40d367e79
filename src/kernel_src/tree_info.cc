#include "kernel_src/tree_info.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <sstream>

#include "kernel_src/include/atslab/kernel_abi.h"
#include "kernel_src/smmuv3/iommu_driver.h"

namespace atslab::kernel_src {

bool tree_has_pci_dev_reset_iommu() { return atslab_tree_has_pci_dev_reset_iommu(); }

bool tree_version_at_least(int major, int minor) {
  int ma = 0, mi = 0;
  if (std::sscanf(atslab_kernel_tree_version, "%d.%d", &ma, &mi) != 2) return true;
  return ma != major ? ma > major : mi >= minor;
}

TreeInfo tree() { return {atslab_kernel_tree_version, atslab_kernel_tree_origin, atslab_kernel_tree_files}; }

std::string sha256_of(std::string_view file) {
  // "FILE=SUM FILE=SUM ..."
  std::string_view sums = atslab_kernel_tree_sha256;
  const std::string key = std::string(file) + "=";
  for (size_t pos = 0; pos < sums.size();) {
    size_t end = sums.find(' ', pos);
    if (end == std::string_view::npos) end = sums.size();
    std::string_view item = sums.substr(pos, end - pos);
    if (item.starts_with(key)) return std::string(item.substr(key.size()));
    pos = end + 1;
  }
  return "";
}

std::string source_driver_line() {
  const TreeInfo t = tree();
  return fmt::format("source driver: linux {} ({})", t.version, t.origin);
}

std::vector<std::string> files_run(bool smmuv3_machine) {
  // What --driver source hands to the tree's code: ats.c, and the SMMUv3 driver with its
  // io-pgtable where the build has them (ATSLAB_SOURCE_SMMUV3) and the command runs them.
  static constexpr std::string_view kAts[] = {"drivers/pci/ats.c"};
  static constexpr std::string_view kSmmuv3[] = {"drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c",
                                                 "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c",
                                                 "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-iommufd.c",
                                                 "drivers/iommu/io-pgtable.c", "drivers/iommu/io-pgtable-arm.c"};
  const bool with_smmuv3 = smmuv3::built() && smmuv3::chosen() && smmuv3_machine;
  std::vector<std::string> out;
  std::istringstream in{std::string(tree().files)};
  for (std::string f; in >> f;)
    if (std::find(std::begin(kAts), std::end(kAts), f) != std::end(kAts) ||
        (with_smmuv3 && std::find(std::begin(kSmmuv3), std::end(kSmmuv3), f) != std::end(kSmmuv3)))
      out.push_back(f);
  return out;
}

std::string driver_line(policy::Driver d, bool smmuv3_machine) {
  if (d == policy::Driver::Model) return "driver: model";
  return fmt::format("{}: {}{}", source_driver_line(), fmt::join(files_run(smmuv3_machine), " "),
                     smmuv3_machine ? "" : " (no SMMUv3 on this machine: its IOMMU driver is atslab's model)");
}

}  // namespace atslab::kernel_src
