#pragma once
// `atslab acpi`: each table's IOMMU topology, as text or JSON, and the answer for a device.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "io/acpi/dmar.h"
#include "io/acpi/iort.h"
#include "io/acpi/ivrs.h"

namespace atslab::io::acpi {

using AnyTable = std::variant<Iort, Dmar, Ivrs>;

// Loads FILE (binary or iasl text) and reads it by its signature; anything but IORT, DMAR or
// IVRS is refused.
AnyTable load_any(const std::string& path);
const RawTable& raw(const AnyTable& t);

// A PCI function as `atslab acpi --device` names it: [SSSS:]BB:DD.F.
struct DeviceAddress {
  uint16_t segment = 0;
  uint16_t rid = 0;
};
DeviceAddress parse_device_address(const std::string& text);  // throws InputError
std::string format_rid(uint16_t rid);                        // "01:00.0"

std::string acpi_text(const AnyTable& t, const std::vector<DeviceAddress>& devices);
nlohmann::json acpi_json(const AnyTable& t, const std::vector<DeviceAddress>& devices);

}  // namespace atslab::io::acpi
