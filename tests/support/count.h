#pragma once
// How many times `needle` occurs in `hay` (overlaps counted): for tests that read HTML and text output.
#include <string>

namespace atslab::test {

inline size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace atslab::test
