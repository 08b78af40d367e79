// The ACPI table readers (IORT, DMAR, IVRS; binary or iasl text): any bytes give a table and
// its report, or an InputError, never a crash or a hang; every device lookup ends.
#include "fuzz_input.h"
#include "io/acpi/report.h"
#include "io/input_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  atslab::fuzz::InputFile file(data, size, ".acpi");
  try {
    const auto t = atslab::io::acpi::load_any(file.path());
    const std::vector<atslab::io::acpi::DeviceAddress> devices{{0, 0x0000}, {0, 0x0100}, {0, 0xff10}, {1, 0x0008}};
    (void)atslab::io::acpi::acpi_text(t, devices);
    (void)atslab::io::acpi::acpi_json(t, devices).dump();
  } catch (const atslab::InputError&) {
  }
  return 0;
}
