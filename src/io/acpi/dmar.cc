// DMAR: remapping structures and their device scopes; the unit and the ATS answer for a function.
#include "io/acpi/dmar.h"

#include <fmt/format.h>

#include <algorithm>

#include "io/input_error.h"

namespace atslab::io::acpi {
namespace {

std::string bdf(uint16_t rid) { return fmt::format("{:02x}:{:02x}.{}", rid >> 8, (rid >> 3) & 0x1f, rid & 7); }

std::string type_name(uint16_t type) {
  switch (type) {
    case ACPI_DMAR_TYPE_HARDWARE_UNIT: return "DRHD";
    case ACPI_DMAR_TYPE_RESERVED_MEMORY: return "RMRR";
    case ACPI_DMAR_TYPE_ROOT_ATS: return "ATSR";
    case ACPI_DMAR_TYPE_SATC: return "SATC";
    default: return fmt::format("remapping structure type {}", type);
  }
}

// Device scopes from `p` to `end` (both table offsets).
std::vector<DmarDeviceScope> scopes(const Cursor& c, size_t p, size_t end, const std::string& owner) {
  std::vector<DmarDeviceScope> out;
  while (p < end) {
    if (end - p < 6) c.fail(fmt::format("{}: {} bytes at 0x{:x}, too short for a device scope", owner, end - p, p));
    DmarDeviceScope s;
    s.entry_type = c.u8(p, "device scope type");
    const uint8_t len = c.u8(p + 1, "device scope length");
    if (len < 6 || len > end - p)
      c.fail(fmt::format("{}: device scope at 0x{:x} has length {}, {}", owner, p, len, len < 6 ? "shorter than its fields" : "past its structure"));
    if ((len - 6) % 2) c.fail(fmt::format("{}: device scope at 0x{:x} has a path of half a (device, function) pair", owner, p));
    s.enumeration_id = c.u8(p + 4, "enumeration ID");
    s.bus = c.u8(p + 5, "start bus");
    for (size_t q = p + 6; q < p + len; q += 2) s.path.emplace_back(c.u8(q, "path device"), c.u8(q + 1, "path function"));
    out.push_back(std::move(s));
    p += len;
  }
  return out;
}

bool scope_names(const DmarUnit& u, uint16_t rid) {
  return std::any_of(u.scopes.begin(), u.scopes.end(), [&](const DmarDeviceScope& s) {
    return (s.entry_type == ACPI_DMAR_SCOPE_TYPE_ENDPOINT || s.entry_type == ACPI_DMAR_SCOPE_TYPE_BRIDGE) && s.rid() == rid;
  });
}

}  // namespace

std::optional<uint16_t> DmarDeviceScope::rid() const {
  if (path.size() != 1 || path[0].first > 31 || path[0].second > 7) return std::nullopt;
  return static_cast<uint16_t>(bus << 8 | path[0].first << 3 | path[0].second);
}

std::string DmarDeviceScope::text() const {
  std::string where = fmt::format("{:02x}", bus);
  for (size_t i = 0; i < path.size(); ++i) where += fmt::format("{}{:02x}.{:x}", i ? "/" : ":", path[i].first, path[i].second);
  switch (entry_type) {
    case ACPI_DMAR_SCOPE_TYPE_ENDPOINT: return "endpoint " + where;
    case ACPI_DMAR_SCOPE_TYPE_BRIDGE: return "bridge " + where;
    case ACPI_DMAR_SCOPE_TYPE_IOAPIC: return fmt::format("IOAPIC {} at {}", enumeration_id, where);
    case ACPI_DMAR_SCOPE_TYPE_HPET: return fmt::format("HPET {} at {}", enumeration_id, where);
    case ACPI_DMAR_SCOPE_TYPE_NAMESPACE: return fmt::format("ACPI device {} at {}", enumeration_id, where);
    default: return fmt::format("scope type {} at {}", entry_type, where);
  }
}

Dmar parse_dmar(RawTable t) {
  if (t.header.signature != "DMAR") throw InputError(fmt::format("{}: a {} table, not DMAR", t.source, t.header.signature));
  Dmar d;
  const Cursor c(t);
  d.width = c.u8(36, "host address width");
  d.flags = c.u8(37, "DMAR flags");
  c.need(38, 10, "DMAR reserved bytes");
  for (size_t p = 48; p < c.size();) {
    if (c.size() - p < 4) c.fail(fmt::format("{} bytes at 0x{:x}, too short for a remapping structure", c.size() - p, p));
    DmarUnit u;
    u.offset = static_cast<uint32_t>(p);
    u.type = c.u16(p, "remapping structure type");
    const uint16_t len = c.u16(p + 2, "remapping structure length");
    const std::string owner = fmt::format("{} at 0x{:x}", type_name(u.type), p);
    if (len < 4 || len > c.size() - p)
      c.fail(fmt::format("{} has length {}, {}", owner, len, len < 4 ? "shorter than its header" : "past the table's end"));
    auto need = [&](size_t n, std::string_view what) {
      if (len < n) c.fail(fmt::format("{} is {} bytes, too short for its {} (needs {})", owner, len, what, n));
    };
    switch (u.type) {
      case ACPI_DMAR_TYPE_HARDWARE_UNIT:
        need(16, "flags, segment and register base");
        u.flags = c.u8(p + 4, "DRHD flags");
        u.segment = c.u16(p + 6, "DRHD segment");
        u.address = c.u64(p + 8, "DRHD register base");
        u.scopes = scopes(c, p + 16, p + len, owner);
        d.drhds.push_back(std::move(u));
        break;
      case ACPI_DMAR_TYPE_RESERVED_MEMORY:
        need(24, "segment, base and end");
        u.segment = c.u16(p + 6, "RMRR segment");
        u.address = c.u64(p + 8, "RMRR base");
        u.end_address = c.u64(p + 16, "RMRR end");
        u.scopes = scopes(c, p + 24, p + len, owner);
        d.rmrrs.push_back(std::move(u));
        break;
      case ACPI_DMAR_TYPE_ROOT_ATS:
      case ACPI_DMAR_TYPE_SATC:
        need(8, "flags and segment");
        u.flags = c.u8(p + 4, "flags");
        u.segment = c.u16(p + 6, "segment");
        u.scopes = scopes(c, p + 8, p + len, owner);
        (u.type == ACPI_DMAR_TYPE_ROOT_ATS ? d.atsrs : d.satcs).push_back(std::move(u));
        break;
      default:
        break;  // RHSA, ANDD, SIDP and later: not about which unit serves which device
    }
    p += len;
  }
  d.table = std::move(t);
  return d;
}

const DmarUnit* dmar_find_drhd(const Dmar& d, uint16_t segment, uint16_t rid, std::span<const uint16_t> bridges) {
  // Linux lists INCLUDE_PCI_ALL units last (dmar_register_drhd_unit), so a unit naming the
  // device, or a bridge above it, wins over the catch-all.
  for (const auto& u : d.drhds) {
    if (u.segment != segment || (u.flags & DMAR_INCLUDE_PCI_ALL)) continue;
    if (scope_names(u, rid)) return &u;
    for (uint16_t b : bridges)
      if (scope_names(u, b)) return &u;
  }
  for (const auto& u : d.drhds)
    if (u.segment == segment && (u.flags & DMAR_INCLUDE_PCI_ALL)) return &u;
  return nullptr;
}

DmarAtsAnswer dmar_ats_supported(const Dmar& d, uint16_t segment, uint16_t rid, std::span<const uint16_t> bridges,
                                 bool scalable_mode) {
  for (const auto& s : d.satcs)
    if (s.segment == segment && scope_names(s, rid)) {
      const bool required = s.flags & ACPI_DMAR_ATC_REQUIRED;
      return {!(required && !scalable_mode),
              fmt::format("{} is in the SATC at 0x{:x}{}", bdf(rid), s.offset,
                          !required ? "" : scalable_mode ? " (ATC_REQUIRED, scalable mode)" : " (ATC_REQUIRED, but not in scalable mode)")};
    }
  if (bridges.empty()) return {true, fmt::format("{} is integrated (no bridge above it): ATS allowed", bdf(rid))};
  const uint16_t root_port = bridges.back();
  for (const auto& a : d.atsrs) {
    if (a.segment != segment) continue;
    if (scope_names(a, root_port)) return {true, fmt::format("root port {} is in the ATSR at 0x{:x}", bdf(root_port), a.offset)};
    if (a.flags & ACPI_DMAR_ALL_PORTS) return {true, fmt::format("the ATSR at 0x{:x} has ALL_PORTS", a.offset)};
  }
  return {false, fmt::format("root port {} is in no ATSR of segment {:04x}", bdf(root_port), segment)};
}

}  // namespace atslab::io::acpi
