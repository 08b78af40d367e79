#pragma once
// Replay files (JSON): what `atslab stress` writes for each first violation
// and `atslab replay` runs again.
#include <string>
#include <vector>

#include <optional>

#include "policy/ats_variant.h"
#include "policy/driver.h"
#include "sim/ops.h"

namespace atslab::io {

struct ReplayFile {
  std::string scenario;
  policy::AtsVariant variant{};
  uint64_t seed = 1;
  std::string faults;
  std::optional<policy::Driver> driver;  // written by a --driver source run; absent: the model
  std::vector<sim::Op> ops;
};

// Throws atslab::InputError naming the file and what is wrong.
ReplayFile load_replay(const std::string& path);

}  // namespace atslab::io
