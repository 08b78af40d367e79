#include "kernel_src/tree_info.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iterator>
#include <sstream>

#include "kernel_src/include/atslab/kernel_abi.h"

namespace atslab::kernel_src {

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

std::vector<std::string> files_run() {
  // What --driver source hands to the tree's code today. A file the build compiled but
  // atslab does not call yet (the SMMUv3 driver behind ATSLAB_SOURCE_SMMUV3, whose
  // iommu_ops are not wired into the IOMMU core) is not named as running.
  static constexpr std::string_view kWired[] = {"drivers/pci/ats.c"};
  std::vector<std::string> out;
  std::istringstream in{std::string(tree().files)};
  for (std::string f; in >> f;)
    if (std::find(std::begin(kWired), std::end(kWired), f) != std::end(kWired)) out.push_back(f);
  return out;
}

std::string driver_line(policy::Driver d) {
  if (d == policy::Driver::Model) return "driver: model";
  return fmt::format("{}: {}", source_driver_line(), fmt::join(files_run(), " "));
}

}  // namespace atslab::kernel_src
