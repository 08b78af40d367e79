#pragma once
// Scenario tests write YAML to a file and load it: a good file loads whole, a bad one gives one
// line naming the file, its line and column.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "io/input_error.h"
#include "io/scenario.h"
#include "../support/temp_dir.h"

namespace atslab::io::test {

inline std::string write_temp(const std::string& name, const std::string& text) {
  auto dir = atslab::test::process_temp_dir("scenario");
  auto p = dir / name;
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
  return p.string();
}

// The error loading `text` gives, without the file's path in front (and a failure if it loads).
inline std::string error_of(const std::string& text) {
  std::string path = write_temp("s.yaml", text);
  try {
    load_scenario(path);
  } catch (const InputError& e) {
    std::string m = e.what();
    EXPECT_EQ(m.rfind(path, 0), 0u) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << "one line";
    return m.substr(path.size());
  }
  ADD_FAILURE() << "accepted: " << text.substr(0, 400);
  return "";
}

}  // namespace atslab::io::test
