#include "kernel_src/tree_info.h"

#include <fmt/format.h>

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

std::string driver_line(policy::Driver d) {
  if (d == policy::Driver::Model) return "driver: model";
  return fmt::format("{}: {}", source_driver_line(), tree().files);
}

}  // namespace atslab::kernel_src
