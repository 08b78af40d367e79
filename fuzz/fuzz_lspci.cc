// The lspci -xxxx dump reader: any bytes give devices or an InputError, never a crash or a hang.
#include "fuzz_input.h"
#include "io/input_error.h"
#include "io/lspci_dump.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  atslab::fuzz::InputFile file(data, size, ".txt");
  const std::string& path = file.path();
  try {
    for (const auto& f : atslab::io::load_lspci_dump(path)) (void)f.cfg.read32(0);
  } catch (const atslab::InputError&) {
  }
  return 0;
}
