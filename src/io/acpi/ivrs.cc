// IVRS: IVHD blocks and their device entries; the IOMMU serving a device ID.
#include "io/acpi/ivrs.h"

#include <fmt/format.h>

#include <algorithm>

#include "io/input_error.h"

namespace atslab::io::acpi {
namespace {

std::string printable(const std::vector<uint8_t>& b, size_t off, size_t n) {
  std::string out;
  for (size_t i = off; i < off + n && b[i]; ++i)
    out += (b[i] >= 0x20 && b[i] < 0x7f) ? std::string(1, static_cast<char>(b[i])) : fmt::format("\\x{:02x}", b[i]);
  return out;
}

}  // namespace

std::string ivhd_dev_name(uint8_t t) {
  switch (t) {
    case IVHD_DEV_ALL: return "all";
    case IVHD_DEV_SELECT: return "select";
    case IVHD_DEV_SELECT_RANGE_START: return "range";
    case IVHD_DEV_ALIAS: return "alias";
    case IVHD_DEV_ALIAS_RANGE: return "alias range";
    case IVHD_DEV_EXT_SELECT: return "ext select";
    case IVHD_DEV_EXT_SELECT_RANGE: return "ext range";
    case IVHD_DEV_SPECIAL: return "special";
    case IVHD_DEV_ACPI_HID: return "ACPI HID";
    default: return fmt::format("type 0x{:02x}", t);
  }
}

Ivrs parse_ivrs(RawTable t) {
  if (t.header.signature != "IVRS") throw InputError(fmt::format("{}: a {} table, not IVRS", t.source, t.header.signature));
  Ivrs ivrs;
  const Cursor c(t);
  ivrs.iv_info = c.u32(36, "IVinfo");
  c.need(40, 8, "IVRS reserved bytes");
  for (size_t p = 48; p < c.size();) {
    if (c.size() - p < 4) c.fail(fmt::format("{} bytes at 0x{:x}, too short for an IVRS block", c.size() - p, p));
    const uint8_t type = c.u8(p, "block type");
    const uint16_t len = c.u16(p + 2, "block length");
    if (len < 4 || len > c.size() - p)
      c.fail(fmt::format("IVRS block type 0x{:02x} at 0x{:x} has length {}, {}", type, p, len,
                         len < 4 ? "shorter than its header" : "past the table's end"));
    if (type == IVHD_TYPE_10 || type == IVHD_TYPE_11 || type == IVHD_TYPE_40) {
      Ivhd h;
      h.type = type;
      h.offset = static_cast<uint32_t>(p);
      h.length = len;
      const size_t hdr = type == IVHD_TYPE_10 ? 24 : 40;
      const std::string owner = fmt::format("IVHD type 0x{:02x} at 0x{:x}", type, p);
      if (len < hdr) c.fail(fmt::format("{} has length {}, shorter than its {}-byte header", owner, len, hdr));
      h.flags = c.u8(p + 1, "IVHD flags");
      h.devid = c.u16(p + 4, "IOMMU device ID");
      h.cap_ptr = c.u16(p + 6, "capability offset");
      h.mmio_phys = c.u64(p + 8, "IOMMU base address");
      h.pci_seg = c.u16(p + 16, "PCI segment");
      h.info = c.u16(p + 18, "IOMMU info");
      h.efr_attr = c.u32(p + 20, "IOMMU feature reporting");
      if (type != IVHD_TYPE_10) h.efr_reg = c.u64(p + 24, "EFR image");
      std::optional<IvhdRange> open;  // a range start waiting for its end
      const size_t end = p + len;
      for (size_t e = p + hdr; e < end;) {
        const uint8_t et = c.u8(e, "device entry type");
        // Entry types below 0x80 are 4, 8 or 16 bytes by their top two bits; 0xF0 carries its length.
        size_t elen = 0;
        if (et < 0x80)
          elen = size_t{4} << (et >> 6);
        else if (et == IVHD_DEV_ACPI_HID)
          elen = end - e >= 22 ? size_t{22} + c.u8(e + 21, "ACPI HID UID length") : 22;
        else
          c.fail(fmt::format("{}: device entry type 0x{:02x} at 0x{:x} has no length IVRS defines", owner, et, e));
        if (elen > end - e) c.fail(fmt::format("{}: device entry type 0x{:02x} at 0x{:x} ({} bytes) runs past the block", owner, et, e, elen));
        IvhdRange r;
        r.entry_type = et;
        r.first = r.last = c.u16(e + 1, "device ID");
        r.data = c.u8(e + 3, "DTE setting");
        if (open && et != IVHD_DEV_RANGE_END && et != IVHD_DEV_PAD)
          c.fail(fmt::format("{}: the range starting at device ID {:04x} has no end before the entry at 0x{:x}", owner, open->first, e));
        switch (et) {
          case IVHD_DEV_PAD: break;
          case IVHD_DEV_ALL:
            r.first = 0;
            r.last = 0xffff;
            h.ranges.push_back(r);
            break;
          case IVHD_DEV_SELECT:
          case IVHD_DEV_EXT_SELECT:
            h.ranges.push_back(r);
            break;
          case IVHD_DEV_ALIAS:
            r.alias = c.u16(e + 5, "alias device ID");
            h.ranges.push_back(r);
            break;
          case IVHD_DEV_SELECT_RANGE_START:
          case IVHD_DEV_EXT_SELECT_RANGE:
            open = r;
            break;
          case IVHD_DEV_ALIAS_RANGE:
            r.alias = c.u16(e + 5, "alias device ID");
            open = r;
            break;
          case IVHD_DEV_RANGE_END:
            if (!open) c.fail(fmt::format("{}: a range end at 0x{:x} without its start", owner, e));
            if (r.first < open->first)
              c.fail(fmt::format("{}: a range from {:04x} ends before it, at {:04x}", owner, open->first, r.first));
            open->last = r.first;
            h.ranges.push_back(*open);
            open.reset();
            break;
          case IVHD_DEV_SPECIAL:
            r.special_handle = c.u8(e + 4, "special handle");
            r.first = r.last = c.u16(e + 5, "special device ID");
            r.special_variety = c.u8(e + 7, "special variety");
            h.ranges.push_back(r);
            break;
          case IVHD_DEV_ACPI_HID:
            r.hid = printable(t.bytes, e + 4, 8);
            r.uid = printable(t.bytes, e + 22, elen - 22);
            h.ranges.push_back(r);
            break;
          default:
            break;  // reserved types: skipped by their length
        }
        e += elen;
      }
      if (open) c.fail(fmt::format("{}: the range starting at device ID {:04x} has no end", owner, open->first));
      ivrs.ivhds.push_back(std::move(h));
    } else if (type == IVMD_TYPE_ALL || type == IVMD_TYPE || type == IVMD_TYPE_RANGE) {
      ++ivrs.ivmds;
    }
    p += len;
  }
  // Linux uses one IVHD type for every IOMMU: the type of the last block the table has for the
  // first block's IOMMU (its device ID); blocks of other types describe the same IOMMUs again.
  if (!ivrs.ivhds.empty()) {
    uint8_t target = ivrs.ivhds.front().type;
    for (const auto& h : ivrs.ivhds)
      if (h.devid == ivrs.ivhds.front().devid) target = h.type;
    for (auto& h : ivrs.ivhds) h.used = h.type == target;
  }
  ivrs.table = std::move(t);
  return ivrs;
}

std::optional<IvrsLookup> ivrs_find_iommu(const Ivrs& ivrs, uint16_t segment, uint16_t devid) {
  std::optional<IvrsLookup> out;
  for (const auto& h : ivrs.ivhds) {
    if (!h.used || h.pci_seg != segment) continue;
    for (const auto& r : h.ranges)
      if (r.entry_type != IVHD_DEV_SPECIAL && r.entry_type != IVHD_DEV_ACPI_HID && devid >= r.first && devid <= r.last)
        out = IvrsLookup{&h, &r};
  }
  return out;
}

}  // namespace atslab::io::acpi
