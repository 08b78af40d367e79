// The YAML scenario loader: any text gives a scenario or an InputError naming file and position.
#include "fuzz_input.h"
#include "io/input_error.h"
#include "io/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  atslab::fuzz::InputFile file(data, size, ".yaml");
  const std::string& path = file.path();
  try {
    atslab::io::load_scenario(path);
  } catch (const atslab::InputError&) {
  }
  return 0;
}
