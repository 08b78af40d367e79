#pragma once
// A file with the given text in a directory of this test process's own (ctest runs test
// processes in parallel, and they would all write the same names).
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include "temp_dir.h"

namespace atslab::test {

inline std::string write_temp(const std::string& name, const std::string& text) {
  auto dir = process_temp_dir();
  auto p = dir / name;
  std::ofstream(p) << text;
  return p.string();
}

}  // namespace atslab::test
