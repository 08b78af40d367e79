#include "hw/pcie/bdf.h"

#include <charconv>
#include <fmt/format.h>

namespace atslab::hw::pcie {

std::string Bdf::str() const {
  return fmt::format("{:04x}:{:02x}:{:02x}.{:x}", domain, bus, slot(), func());
}

namespace {
bool hex_field(std::string_view s, unsigned max, unsigned& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 16);
  return ec == std::errc() && p == s.data() + s.size() && out <= max;
}
}  // namespace

std::optional<Bdf> parse_bdf(std::string_view text) {
  unsigned domain = 0, bus = 0, dev = 0, fn = 0;
  auto dot = text.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto head = text.substr(0, dot);
  if (!hex_field(text.substr(dot + 1), 7, fn)) return std::nullopt;
  auto c2 = head.rfind(':');
  if (c2 == std::string_view::npos || !hex_field(head.substr(c2 + 1), 0x1f, dev)) return std::nullopt;
  auto rest = head.substr(0, c2);
  auto c1 = rest.rfind(':');
  if (c1 == std::string_view::npos) {
    if (!hex_field(rest, 0xff, bus)) return std::nullopt;
  } else {
    if (!hex_field(rest.substr(c1 + 1), 0xff, bus) || !hex_field(rest.substr(0, c1), 0xffff, domain))
      return std::nullopt;
  }
  return Bdf::make(static_cast<uint16_t>(domain), static_cast<uint8_t>(bus), static_cast<uint8_t>(dev),
                   static_cast<uint8_t>(fn));
}

}  // namespace atslab::hw::pcie
