#pragma once
// compare-drivers' disagreements as a test's failure message: seed, step, what differed, both sides.
#include <string>

#include "sim/compare_drivers.h"

namespace atslab::test {

inline std::string describe(const sim::CompareResult& r) {
  std::string out;
  for (const auto& d : r.disagreements)
    out += "seed " + std::to_string(d.seed) + " step " + std::to_string(d.step) + " (" + d.op + "): " + d.what +
           "\n  model:  " + d.model + "\n  source: " + d.source + "\n";
  return out;
}

}  // namespace atslab::test
