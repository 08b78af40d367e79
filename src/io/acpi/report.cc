// The text and JSON of `atslab acpi`.
#include "io/acpi/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "io/input_error.h"
#include "io/utf8.h"

namespace atslab::io::acpi {
namespace {

using nlohmann::json;

std::string hex(uint64_t v) { return fmt::format("0x{:x}", v); }
std::string range(uint16_t a, uint16_t b) { return a == b ? format_rid(a) : format_rid(a) + "-" + format_rid(b); }
std::string idrange(uint64_t a, uint64_t b) { return a == b ? fmt::format("{:04x}", a) : fmt::format("{:04x}-{:04x}", a, b); }

// A file name for JSON and the terminal: UTF-8 kept, anything else escaped.
std::string safe_name(const std::string& s) {
  if (!first_invalid_utf8(s) && !first_control_character(s)) return s;
  std::string out;
  for (unsigned char c : s) out += (c >= 0x20 && c < 0x7f) ? std::string(1, static_cast<char>(c)) : fmt::format("\\x{:02x}", c);
  return out;
}

std::string header_line(const RawTable& t) {
  return fmt::format("{}: {} revision {} ({} {}), {} bytes", safe_name(t.source), t.header.signature, t.header.revision,
                     t.header.oem_id, t.header.oem_table_id, t.header.length);
}

json header_json(const RawTable& t) {
  return {{"file", safe_name(t.source)}, {"signature", t.header.signature}, {"revision", t.header.revision},
          {"length", t.header.length},   {"oem_id", t.header.oem_id},        {"oem_table_id", t.header.oem_table_id},
          {"notes", t.notes}};
}

// ---- IORT ----
std::string node_name(const IortNode& n) { return fmt::format("{} 0x{:x}", iort_node_type_name(n.type), n.offset); }

std::string mapping_text(const Iort& iort, const IortNode& n, size_t i) {
  const auto& m = n.mappings[i];
  const IortNode* to = iort.node_at(m.output_reference);
  const std::string target = to ? node_name(*to) : std::string("no node (reference 0)");
  std::string s = m.single() ? fmt::format("single -> {} ID {:04x}", target, m.output_base)
                             : fmt::format("IDs {} -> {} IDs {}", idrange(m.input_base, uint64_t{m.input_base} + m.id_count),
                                           target, idrange(m.output_base, uint64_t{m.output_base} + m.id_count));
  if (n.id_mapping_index && *n.id_mapping_index == i) s += " (the SMMU's own MSIs)";
  return s;
}

std::string ats_text(uint32_t a) {
  std::string s = (a & ACPI_IORT_ATS_SUPPORTED) ? "ATS supported" : "ATS not supported";
  if (a & ACPI_IORT_PRI_SUPPORTED) s += ", PRI";
  if (a & ACPI_IORT_PASID_FWD_SUPPORTED) s += ", PASID forwarding";
  return s + fmt::format(" (ats_attribute {})", hex(a));
}

std::string iort_text(const Iort& iort, const std::vector<DeviceAddress>& devices) {
  std::string out = header_line(iort.table) + fmt::format(", {} nodes\n", iort.nodes.size());
  for (const auto& n : iort.nodes) {
    out += "  " + node_name(n);
    switch (n.type) {
      case ACPI_IORT_NODE_SMMU_V3:
        out += fmt::format(": base {}, flags {}{}, model {}\n", hex(n.base_address), hex(n.flags),
                           (n.flags & ACPI_IORT_SMMU_V3_COHACC_OVERRIDE) ? " (COHACC)" : "", n.model);
        for (const auto& rc : iort.nodes) {
          if (rc.type != ACPI_IORT_NODE_PCI_ROOT_COMPLEX) continue;
          for (const auto& m : rc.mappings)
            if (m.output_reference == n.offset && !m.single())
              out += fmt::format("    serves segment {:04x} RIDs {} as StreamIDs {}\n", rc.pci_segment_number,
                                 idrange(m.input_base, uint64_t{m.input_base} + m.id_count),
                                 idrange(m.output_base, uint64_t{m.output_base} + m.id_count));
        }
        break;
      case ACPI_IORT_NODE_SMMU:
        out += fmt::format(": base {}, model {}\n", hex(n.base_address), n.model);
        break;
      case ACPI_IORT_NODE_PCI_ROOT_COMPLEX:
        out += fmt::format(": segment {:04x}, {}, {}\n", n.pci_segment_number, ats_text(n.ats_attribute),
                           (n.memory_flags & ACPI_IORT_MF_COHERENCY) || n.cache_coherency ? "coherent" : "not coherent");
        break;
      case ACPI_IORT_NODE_NAMED_COMPONENT:
        out += fmt::format(": \"{}\"\n", n.device_name);
        break;
      case ACPI_IORT_NODE_ITS_GROUP: {
        std::string ids;
        for (uint32_t id : n.its_identifiers) ids += (ids.empty() ? "" : ", ") + std::to_string(id);
        out += fmt::format(": ITS {}\n", ids);
        break;
      }
      default:
        out += "\n";
    }
    for (size_t i = 0; i < n.mappings.size(); ++i) out += "    " + mapping_text(iort, n, i) + "\n";
  }
  for (const auto& d : devices) {
    auto r = iort_map_rid(iort, d.segment, d.rid);
    std::string what;
    if (!r)
      what = "no root complex node has that segment";
    else if (!r->smmu)
      what = fmt::format("{}: no SMMU on its path ({})", node_name(*r->root_complex), r->why);
    else
      what = fmt::format("{} (base {}) StreamID {}; {} has {}{}", node_name(*r->smmu), hex(r->smmu->base_address),
                         hex(r->stream_id), node_name(*r->root_complex), ats_text(r->root_complex->ats_attribute),
                         r->workaround ? " (the ID ends one range and starts the next: the next takes it, as Linux's "
                                         "FW_BUG workaround does)"
                                       : "");
    out += fmt::format("  {:04x}:{} -> {}\n", d.segment, format_rid(d.rid), what);
  }
  return out;
}

json iort_json(const Iort& iort, const std::vector<DeviceAddress>& devices) {
  json j = header_json(iort.table);
  j["nodes"] = json::array();
  for (const auto& n : iort.nodes) {
    json o = {{"offset", n.offset}, {"type", iort_node_type_name(n.type)}, {"revision", n.revision}, {"identifier", n.identifier}};
    switch (n.type) {
      case ACPI_IORT_NODE_SMMU_V3:
      case ACPI_IORT_NODE_SMMU:
        o["base_address"] = n.base_address;
        o["flags"] = n.flags;
        o["model"] = n.model;
        if (n.id_mapping_index) o["id_mapping_index"] = *n.id_mapping_index;
        break;
      case ACPI_IORT_NODE_PCI_ROOT_COMPLEX:
        o["pci_segment_number"] = n.pci_segment_number;
        o["ats_attribute"] = n.ats_attribute;
        o["ats_supported"] = bool(n.ats_attribute & ACPI_IORT_ATS_SUPPORTED);
        o["cache_coherency"] = n.cache_coherency;
        o["memory_flags"] = n.memory_flags;
        break;
      case ACPI_IORT_NODE_NAMED_COMPONENT:
        o["device_name"] = n.device_name;
        break;
      case ACPI_IORT_NODE_ITS_GROUP:
        o["its_identifiers"] = n.its_identifiers;
        break;
      default:
        break;
    }
    o["mappings"] = json::array();
    for (const auto& m : n.mappings)
      o["mappings"].push_back({{"input_base", m.input_base}, {"id_count", m.id_count}, {"output_base", m.output_base},
                               {"output_reference", m.output_reference}, {"single_mapping", m.single()}});
    j["nodes"].push_back(o);
  }
  j["devices"] = json::array();
  for (const auto& d : devices) {
    json o = {{"segment", d.segment}, {"rid", d.rid}};
    if (auto r = iort_map_rid(iort, d.segment, d.rid)) {
      o["root_complex"] = r->root_complex->offset;
      o["ats_supported"] = bool(r->root_complex->ats_attribute & ACPI_IORT_ATS_SUPPORTED);
      if (r->smmu) o["smmu"] = r->smmu->offset, o["stream_id"] = r->stream_id;
      if (!r->smmu) o["no_smmu"] = r->why;
      if (r->workaround) o["range_end_workaround"] = true;
    }
    j["devices"].push_back(o);
  }
  return j;
}

// ---- DMAR ----
std::string scopes_text(const std::vector<DmarDeviceScope>& s) {
  std::string out;
  for (const auto& d : s) out += (out.empty() ? "" : ", ") + d.text();
  return out;
}

// A DRHD scope naming a bridge covers everything below it, which only the PCI hierarchy knows:
// without the dumps, a catch-all answer (or none) may be one such a scope would override.
bool hierarchy_needed(const Dmar& d, uint16_t segment, const DmarUnit* found) {
  if (found && !(found->flags & DMAR_INCLUDE_PCI_ALL)) return false;
  return std::any_of(d.drhds.begin(), d.drhds.end(), [&](const DmarUnit& x) {
    return x.segment == segment && std::any_of(x.scopes.begin(), x.scopes.end(), [](const DmarDeviceScope& sc) {
             return sc.entry_type == ACPI_DMAR_SCOPE_TYPE_BRIDGE;
           });
  });
}

std::string dmar_text(const Dmar& d, const std::vector<DeviceAddress>& devices) {
  std::string out = header_line(d.table) + fmt::format(", host address width {}, flags {}{}{}{}\n", d.width + 1, hex(d.flags),
                                                       (d.flags & DMAR_INTR_REMAP) ? " INTR_REMAP" : "",
                                                       (d.flags & DMAR_X2APIC_OPT_OUT) ? " X2APIC_OPT_OUT" : "",
                                                       (d.flags & DMAR_PLATFORM_OPT_IN) ? " DMA_CTRL_PLATFORM_OPT_IN" : "");
  for (const auto& u : d.drhds)
    out += fmt::format("  DRHD 0x{:x}: base {}, segment {:04x}{}{}{}\n", u.offset, hex(u.address), u.segment,
                       (u.flags & DMAR_INCLUDE_PCI_ALL) ? ", INCLUDE_PCI_ALL (every device no other unit names)" : "",
                       u.scopes.empty() ? "" : ": ", scopes_text(u.scopes));
  for (const auto& u : d.rmrrs)
    out += fmt::format("  RMRR 0x{:x}: segment {:04x} {}-{}: {}\n", u.offset, u.segment, hex(u.address), hex(u.end_address),
                       scopes_text(u.scopes));
  for (const auto& u : d.atsrs)
    out += fmt::format("  ATSR 0x{:x}: segment {:04x}{}{}{}\n", u.offset, u.segment, (u.flags & ACPI_DMAR_ALL_PORTS) ? ", ALL_PORTS" : "",
                       u.scopes.empty() ? "" : ": root ports ", scopes_text(u.scopes));
  for (const auto& u : d.satcs)
    out += fmt::format("  SATC 0x{:x}: segment {:04x}{}: {}\n", u.offset, u.segment,
                       (u.flags & ACPI_DMAR_ATC_REQUIRED) ? ", ATC_REQUIRED" : "", scopes_text(u.scopes));
  if (d.atsrs.empty()) out += "  no ATSR: VT-d lets only integrated devices (and those in a SATC) use ATS\n";
  for (const auto& dev : devices) {
    const DmarUnit* u = dmar_find_drhd(d, dev.segment, dev.rid);
    out += fmt::format("  {:04x}:{} -> {}{}\n", dev.segment, format_rid(dev.rid),
                       u ? fmt::format("DRHD 0x{:x} (base {}){}", u->offset, hex(u->address),
                                       (u->flags & DMAR_INCLUDE_PCI_ALL) ? " by INCLUDE_PCI_ALL" : " by its device scope")
                         : std::string("no DRHD of that segment"),
                       hierarchy_needed(d, dev.segment, u)
                           ? " (unless it sits below a bridge a DRHD names: that needs the hierarchy, `atslab audit --lspci "
                             "DUMP --acpi TABLE`)"
                           : "");
  }
  return out;
}

json scopes_json(const std::vector<DmarDeviceScope>& s) {
  json a = json::array();
  for (const auto& d : s) {
    json p = json::array();
    for (auto [dev, fn] : d.path) p.push_back({dev, fn});
    a.push_back({{"type", d.entry_type}, {"enumeration_id", d.enumeration_id}, {"bus", d.bus}, {"path", p}, {"text", d.text()}});
  }
  return a;
}

json dmar_json(const Dmar& d, const std::vector<DeviceAddress>& devices) {
  json j = header_json(d.table);
  j["host_address_width"] = d.width + 1;
  j["flags"] = d.flags;
  auto units = [](const std::vector<DmarUnit>& v) {
    json a = json::array();
    for (const auto& u : v)
      a.push_back({{"offset", u.offset}, {"flags", u.flags}, {"segment", u.segment}, {"address", u.address},
                   {"end_address", u.end_address}, {"scopes", scopes_json(u.scopes)}});
    return a;
  };
  j["drhd"] = units(d.drhds);
  j["rmrr"] = units(d.rmrrs);
  j["atsr"] = units(d.atsrs);
  j["satc"] = units(d.satcs);
  j["devices"] = json::array();
  for (const auto& dev : devices) {
    json o = {{"segment", dev.segment}, {"rid", dev.rid}};
    const DmarUnit* u = dmar_find_drhd(d, dev.segment, dev.rid);
    if (u) o["drhd"] = u->offset;
    o["hierarchy_needed"] = hierarchy_needed(d, dev.segment, u);
    j["devices"].push_back(o);
  }
  return j;
}

// ---- IVRS ----
std::string ivhd_flags(uint8_t f) {
  static const char* names[] = {"HtTunEn", "PassPW", "ResPassPW", "Isoc", "IotlbSup", "Coherent", "PrefSup", "PPRSup"};
  std::string s;
  for (int b = 0; b < 8; ++b)
    if (f & (1u << b)) s += (s.empty() ? "" : " ") + std::string(names[b]);
  return s;
}

std::string range_text(const IvhdRange& r) {
  switch (r.entry_type) {
    case IVHD_DEV_SPECIAL:
      return fmt::format("{} 0x{:02x} as {}", r.special_variety == 1 ? "IOAPIC" : r.special_variety == 2 ? "HPET" : "special",
                         r.special_handle, format_rid(r.first));
    case IVHD_DEV_ACPI_HID:
      return fmt::format("ACPI {}{} as {}", r.hid, r.uid.empty() ? "" : " " + r.uid, format_rid(r.first));
    default:
      return range(r.first, r.last) + (r.alias ? " as " + format_rid(*r.alias) : "");
  }
}

std::string ivrs_text(const Ivrs& v, const std::vector<DeviceAddress>& devices) {
  std::string out = header_line(v.table) + fmt::format(", IVinfo {}{}, {} IVHD, {} IVMD\n", hex(v.iv_info),
                                                       (v.iv_info & IVINFO_EFR_SUP) ? " (EFRSup)" : "", v.ivhds.size(), v.ivmds);
  for (const auto& h : v.ivhds) {
    out += fmt::format("  IVHD 0x{:02x} at 0x{:x}: IOMMU {:04x}:{} cap 0x{:x}, base {}, flags {} ({}){}\n", h.type, h.offset,
                       h.pci_seg, format_rid(h.devid), h.cap_ptr, hex(h.mmio_phys), hex(h.flags), ivhd_flags(h.flags),
                       h.used ? "" : ", not used (Linux reads the other IVHD type)");
    std::string devs, specials;
    for (const auto& r : h.ranges) {
      std::string& to = (r.entry_type == IVHD_DEV_SPECIAL || r.entry_type == IVHD_DEV_ACPI_HID) ? specials : devs;
      to += (to.empty() ? "" : ", ") + range_text(r);
    }
    if (!devs.empty()) out += "    devices " + devs + "\n";
    if (!specials.empty()) out += "    special " + specials + "\n";
  }
  for (const auto& d : devices) {
    auto r = ivrs_find_iommu(v, d.segment, d.rid);
    out += fmt::format("  {:04x}:{} -> {}\n", d.segment, format_rid(d.rid),
                       r ? fmt::format("IOMMU {:04x}:{} (base {}, IVHD 0x{:02x} at 0x{:x}) by \"{}\"", r->ivhd->pci_seg,
                                       format_rid(r->ivhd->devid), hex(r->ivhd->mmio_phys), r->ivhd->type, r->ivhd->offset,
                                       range_text(*r->range))
                         : std::string("no IVHD names it"));
  }
  return out;
}

json ivrs_json(const Ivrs& v, const std::vector<DeviceAddress>& devices) {
  json j = header_json(v.table);
  j["iv_info"] = v.iv_info;
  j["ivmd_count"] = v.ivmds;
  j["ivhd"] = json::array();
  for (const auto& h : v.ivhds) {
    json rs = json::array();
    for (const auto& r : h.ranges) {
      json o = {{"entry_type", r.entry_type}, {"first", r.first}, {"last", r.last}, {"data", r.data}, {"text", range_text(r)}};
      if (r.alias) o["alias"] = *r.alias;
      rs.push_back(o);
    }
    j["ivhd"].push_back({{"type", h.type}, {"offset", h.offset}, {"flags", h.flags}, {"devid", h.devid}, {"cap_ptr", h.cap_ptr},
                         {"base_address", h.mmio_phys}, {"pci_seg", h.pci_seg}, {"info", h.info}, {"efr_attr", h.efr_attr},
                         {"efr_reg", h.efr_reg}, {"used", h.used}, {"ranges", rs}});
  }
  j["devices"] = json::array();
  for (const auto& d : devices) {
    json o = {{"segment", d.segment}, {"rid", d.rid}};
    if (auto r = ivrs_find_iommu(v, d.segment, d.rid)) o["ivhd"] = r->ivhd->offset, o["iommu_devid"] = r->ivhd->devid;
    j["devices"].push_back(o);
  }
  return j;
}

}  // namespace

AnyTable load_any(const std::string& path) {
  RawTable t = load_table(path);
  if (t.header.signature == "IORT") return parse_iort(std::move(t));
  if (t.header.signature == "DMAR") return parse_dmar(std::move(t));
  if (t.header.signature == "IVRS") return parse_ivrs(std::move(t));
  throw InputError(fmt::format("{}: a {} table; atslab acpi reads IORT, DMAR and IVRS", path, t.header.signature));
}

const RawTable& raw(const AnyTable& t) {
  return std::visit([](const auto& x) -> const RawTable& { return x.table; }, t);
}

std::string format_rid(uint16_t rid) { return fmt::format("{:02x}:{:02x}.{}", rid >> 8, (rid >> 3) & 0x1f, rid & 7); }

DeviceAddress parse_device_address(const std::string& text) {
  // [SSSS:]BB:DD.F, hex, as lspci prints it.
  auto bad = [&]() -> DeviceAddress { throw InputError(fmt::format("--device '{}': expected [SSSS:]BB:DD.F", safe_name(text))); };
  std::string_view s = text;
  auto num = [&](std::string_view t, unsigned max) -> std::optional<unsigned> {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v, 16);
    if (t.empty() || ec != std::errc() || end != t.data() + t.size() || v > max) return std::nullopt;
    return v;
  };
  DeviceAddress d;
  const size_t dot = s.rfind('.');
  if (dot == std::string_view::npos) return bad();
  const size_t c2 = s.rfind(':', dot);
  if (c2 == std::string_view::npos) return bad();
  const size_t c1 = s.rfind(':', c2 == 0 ? 0 : c2 - 1);
  std::string_view seg = c1 == std::string_view::npos || c1 >= c2 ? std::string_view{} : s.substr(0, c1);
  std::string_view bus = s.substr(c1 == std::string_view::npos || c1 >= c2 ? 0 : c1 + 1, c2 - (c1 == std::string_view::npos || c1 >= c2 ? 0 : c1 + 1));
  auto sv = seg.empty() ? std::optional<unsigned>(0) : num(seg, 0xffff);
  auto bv = num(bus, 0xff), dv = num(s.substr(c2 + 1, dot - c2 - 1), 0x1f), fv = num(s.substr(dot + 1), 7);
  if ((!seg.empty() && c1 == std::string_view::npos) || !sv || !bv || !dv || !fv) return bad();
  d.segment = static_cast<uint16_t>(*sv);
  d.rid = static_cast<uint16_t>(*bv << 8 | *dv << 3 | *fv);
  return d;
}

std::string acpi_text(const AnyTable& t, const std::vector<DeviceAddress>& devices) {
  std::string out;
  if (auto* i = std::get_if<Iort>(&t)) out = iort_text(*i, devices);
  if (auto* d = std::get_if<Dmar>(&t)) out = dmar_text(*d, devices);
  if (auto* v = std::get_if<Ivrs>(&t)) out = ivrs_text(*v, devices);
  for (const auto& n : raw(t).notes) out += "note: " + n + "\n";
  return out;
}

json acpi_json(const AnyTable& t, const std::vector<DeviceAddress>& devices) {
  if (auto* i = std::get_if<Iort>(&t)) return iort_json(*i, devices);
  if (auto* d = std::get_if<Dmar>(&t)) return dmar_json(*d, devices);
  return ivrs_json(std::get<Ivrs>(t), devices);
}

}  // namespace atslab::io::acpi
