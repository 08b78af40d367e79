#pragma once
// A scenario of scenarios/ by its name ("seed", "explore-small"): the tests that run the shipped
// files load them from the source tree.
#include <string>

#include "io/scenario.h"

namespace atslab::test {

inline io::Scenario shipped_scenario(const std::string& name) {
  return io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/" + name + ".yaml");
}

}  // namespace atslab::test
