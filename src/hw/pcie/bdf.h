#pragma once
// A PCI function's address: segment (domain), bus, device/function.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace atslab::hw::pcie {

struct Bdf {
  uint16_t domain = 0;
  uint8_t bus = 0;
  uint8_t devfn = 0;

  static constexpr Bdf make(uint16_t domain, uint8_t bus, uint8_t dev, uint8_t fn) {
    return Bdf{domain, bus, static_cast<uint8_t>((dev << 3) | (fn & 7))};
  }
  // The 16-bit routing ID (requester ID) carried in TLPs; SMMUv3 StreamIDs derive from it.
  constexpr uint16_t rid() const { return static_cast<uint16_t>((bus << 8) | devfn); }
  constexpr uint8_t slot() const { return devfn >> 3; }
  constexpr uint8_t func() const { return devfn & 7; }
  auto operator<=>(const Bdf&) const = default;

  std::string str() const;  // "0000:01:00.0", as the kernel's dev_name() prints it
};

// Accepts "BB:DD.F" and "DDDD:BB:DD.F" (hex), as lspci prints them.
std::optional<Bdf> parse_bdf(std::string_view text);

}  // namespace atslab::hw::pcie
