// The replay-file reader behind atslab replay: any bytes give ops or an InputError.
#include "fuzz_input.h"
#include "io/input_error.h"
#include "io/replay_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  atslab::fuzz::InputFile file(data, size, ".json");
  const std::string& path = file.path();
  try {
    atslab::io::load_replay(path);
  } catch (const atslab::InputError&) {
  }
  return 0;
}
