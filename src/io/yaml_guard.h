#pragma once
// Inputs on which Debian 12's yaml-cpp (0.7) never returns, found before they reach it.
#include <optional>
#include <string>
#include <string_view>

namespace atslab::io {

struct YamlHang {
  size_t line = 0, column = 0;  // 1-based
  std::string what;
};

// yaml-cpp 0.7's parser loops forever, allocating, on a document whose root node starts with ','
// (after optional anchors, tags, comments, directives and a '---' marker): found by fuzz_roundtrip
// (",name: x"). A plain scalar cannot start with ',' (YAML 1.2, 7.3.3), so refusing it refuses no
// valid YAML. Returns where, or nothing.
std::optional<YamlHang> yaml_cpp_hang(std::string_view text);

}  // namespace atslab::io
