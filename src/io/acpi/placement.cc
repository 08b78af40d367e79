#include "io/acpi/placement.h"

#include <fmt/format.h>

#include <map>

#include "hw/pcie/capabilities.h"
#include "io/input_error.h"

namespace atslab::io::acpi {

using namespace hw::pcie;

namespace {

std::string hex(uint64_t v) { return fmt::format("0x{:x}", v); }
std::string root_bus(const RootComplex& rc) { return fmt::format("root bus {:04x}:{:02x}", rc.domain, rc.root_bus); }

// The functions a root complex's IOMMU is asked about: its endpoints (VFs follow their PF, bridges
// decide nothing), or, on a root bus of bridges only, the bridges.
std::vector<FnId> askers(const Topology& t, RcId rc) {
  std::vector<FnId> ends, all;
  for (FnId f = 0; f < t.functions().size(); ++f) {
    const Function& fn = t.fn(f);
    if (fn.rc != rc || fn.is_vf()) continue;
    all.push_back(f);
    if (!has_bus_numbers(fn.cfg)) ends.push_back(f);
  }
  return ends.empty() ? all : ends;
}

// The routing IDs of the bridges above `f`, nearest first (dmar_find_matched_drhd_unit's walk).
std::vector<uint16_t> bridges_above(const Topology& t, FnId f) {
  std::vector<uint16_t> out;
  for (FnId p = t.fn(f).parent; p != kNoFn; p = t.fn(p).parent) out.push_back(t.fn(p).bdf.rid());
  return out;
}

// The function a DMAR device scope's path names: from its start bus, each (device, function)
// pair on the bus the previous bridge leads to (dmar_insert_dev_scope's walk, done on our tree).
FnId scope_function(const Topology& t, uint16_t segment, const DmarDeviceScope& sc) {
  unsigned bus = sc.bus;
  FnId f = kNoFn;
  for (const auto& [dev, fn] : sc.path) {
    if (f != kNoFn) {
      if (!has_bus_numbers(t.fn(f).cfg)) return kNoFn;
      bus = t.fn(f).cfg.read8(hdr::kSecondaryBus);
    }
    f = t.find(segment, Bdf{segment, static_cast<uint8_t>(bus), static_cast<uint8_t>(dev << 3 | fn)});
    if (f == kNoFn) return kNoFn;
  }
  return f;
}

// The value most of `v` have (the first of equals); `v` not empty.
template <typename T>
T most_common(const std::vector<T>& v) {
  std::map<T, size_t> n;
  for (const T& x : v) ++n[x];
  T best = v.front();
  for (const T& x : v)
    if (n[x] > n[best]) best = x;
  return best;
}

std::string fn_list(const Topology& t, const std::vector<FnId>& fns) {
  std::string s;
  for (size_t i = 0; i < fns.size() && i < 4; ++i) s += (i ? ", " : "") + t.fn(fns[i]).bdf.str();
  if (fns.size() > 4) s += fmt::format(" and {} more", fns.size() - 4);
  return s;
}

// Several root complexes on one firmware IOMMU: the model gives each its own instance.
void note_shared(const std::map<std::string, std::vector<std::string>>& users, const char* what, Placement& out) {
  for (const auto& [iommu, rcs] : users) {
    if (rcs.size() < 2) continue;
    std::string list;
    for (const auto& r : rcs) list += (list.empty() ? "" : ", ") + r;
    out.notes.push_back(fmt::format("{} {} serves {}: atslab gives each root complex a {} of its own (what one IOMMU "
                                    "shared changes, one command queue and one set of domain IDs, decides no device's ATS)",
                                    what, iommu, list, what));
  }
}

void place_iort(Topology& t, const Iort& iort, Placement& out) {
  uint16_t next = 0;
  std::map<std::string, std::vector<std::string>> users;
  for (RcId r = 0; r < t.root_complexes().size(); ++r) {
    RootComplex& rc = t.rc(r);
    std::vector<FnId> fns = askers(t, r);
    std::vector<const IortNode*> smmu_of;
    std::vector<FnId> none, mapped;
    const IortNode* rc_node = nullptr;
    std::string why_none;
    bool offset = false;
    for (FnId f : fns) {
      auto l = iort_map_rid(iort, rc.domain, t.fn(f).bdf.rid());
      if (l && l->root_complex) rc_node = l->root_complex;
      if (!l || !l->smmu || l->smmu->type != ACPI_IORT_NODE_SMMU_V3) {
        if (l && why_none.empty()) why_none = l->smmu ? "it leads to an SMMUv1/v2" : l->why;
        none.push_back(f);
        continue;
      }
      if (l->workaround)
        out.notes.push_back(fmt::format("IORT: {}'s requester ID ends one ID range and starts the next; the next takes it, "
                                        "as Linux's workaround does (\"FW_BUG ... conflicting mapping ... applying workaround\")",
                                        t.fn(f).bdf.str()));
      mapped.push_back(f);
      smmu_of.push_back(l->smmu);
      offset |= l->stream_id != t.fn(f).bdf.rid();
    }
    if (smmu_of.empty()) {
      rc.iommu = IommuKind::None;
      out.placed.push_back(fmt::format("{}: no SMMUv3 ({}): Linux gives its devices no IOMMU, and so no ATS",
                                       root_bus(rc),
                                       rc_node ? fmt::format("root complex node {}: {}", hex(rc_node->offset), why_none)
                                               : fmt::format("no IORT root complex node has segment {:04x}", rc.domain)));
      continue;
    }
    const IortNode* smmu = most_common(smmu_of);
    rc.iommu = IommuKind::Smmuv3;
    rc.iommu_index = next++;
    rc.ats_supported = rc_node && (rc_node->ats_attribute & ACPI_IORT_ATS_SUPPORTED);
    const std::string smmu_name = fmt::format("SMMUv3 node {} (base {})", hex(smmu->offset), hex(smmu->base_address));
    users[smmu_name].push_back(root_bus(rc));
    out.placed.push_back(fmt::format("{}: {} as atslab's SMMU {}; root complex node {} (segment {:04x}): {}", root_bus(rc),
                                     smmu_name, rc.iommu_index, hex(rc_node->offset), rc_node->pci_segment_number,
                                     rc.ats_supported ? "ATS supported" : "ATS not supported (no device behind it gets ATS)"));
    std::vector<FnId> elsewhere;
    for (size_t i = 0; i < mapped.size(); ++i)
      if (smmu_of[i] != smmu) elsewhere.push_back(mapped[i]);
    for (FnId f : none) t.fn(f).iommu_mapped = false;
    if (!none.empty())
      out.notes.push_back(fmt::format("IORT: {} of {} map to no SMMUv3: Linux gives them no IOMMU (no group, no ATS, "
                                      "vfio-pci refuses them), and so does atslab",
                                      fn_list(t, none), root_bus(rc)));
    if (!elsewhere.empty())
      out.notes.push_back(fmt::format("IORT: {} of {} map to another SMMUv3 than the rest; atslab puts them behind {}",
                                      fn_list(t, elsewhere), root_bus(rc), smmu_name));
    if (offset)
      out.notes.push_back(fmt::format("IORT: {}'s StreamIDs are not its routing IDs; atslab numbers each STE by routing "
                                      "ID (the StreamID's value decides no ATS state)",
                                      root_bus(rc)));
  }
  note_shared(users, "SMMUv3", out);
}

void place_dmar(Topology& t, const Dmar& dmar, Placement& out) {
  uint16_t next = 0;
  std::map<std::string, std::vector<std::string>> users;
  for (RcId r = 0; r < t.root_complexes().size(); ++r) {
    RootComplex& rc = t.rc(r);
    std::vector<const DmarUnit*> unit_of;
    std::vector<FnId> none;
    for (FnId f : askers(t, r)) {
      const auto bridges = bridges_above(t, f);
      if (const DmarUnit* u = dmar_find_drhd(dmar, rc.domain, t.fn(f).bdf.rid(), bridges))
        unit_of.push_back(u);
      else
        none.push_back(f);
    }
    bool all_ports = false;
    for (const auto& a : dmar.atsrs) all_ports |= a.segment == rc.domain && (a.flags & ACPI_DMAR_ALL_PORTS);
    rc.ats_supported = all_ports;
    if (unit_of.empty()) {
      rc.iommu = IommuKind::None;
      out.placed.push_back(fmt::format("{}: no DRHD of segment {:04x} names its devices or includes all: Linux gives them "
                                       "no IOMMU, and so no ATS",
                                       root_bus(rc), rc.domain));
      continue;
    }
    const DmarUnit* unit = most_common(unit_of);
    rc.iommu = IommuKind::Vtd;
    rc.iommu_index = next++;
    const std::string name = fmt::format("DRHD {} (register base {})", hex(unit->offset), hex(unit->address));
    users[name].push_back(root_bus(rc));
    out.placed.push_back(fmt::format("{}: {} as atslab's VT-d unit {}; {}", root_bus(rc), name, rc.iommu_index,
                                     all_ports ? "an ATSR with ALL_PORTS: ATS below every root port"
                                               : "no ATSR with ALL_PORTS: ATS below the root ports an ATSR lists, and for integrated devices"));
    for (FnId f : none) t.fn(f).iommu_mapped = false;
    if (!none.empty())
      out.notes.push_back(fmt::format("DMAR: no DRHD serves {} of {}: Linux gives them no IOMMU (no group, no ATS, "
                                      "vfio-pci refuses them), and so does atslab",
                                      fn_list(t, none), root_bus(rc)));
  }
  // ATSR root ports and SATC devices, on the functions their device scopes name.
  auto mark = [&](const DmarUnit& u, DmarListing how, const char* table) {
    for (const auto& sc : u.scopes) {
      const FnId f = scope_function(t, u.segment, sc);
      if (f == kNoFn) {
        out.notes.push_back(fmt::format("DMAR: the {} at {} names {}, which the dumps do not have", table, hex(u.offset), sc.text()));
        continue;
      }
      t.fn(f).dmar = how;
      // A root port of atslab's (above a dump of bare endpoints) stands for the host's real one,
      // whose address the dump did not give: the listing, and every ATS verdict below it, rest on it.
      const bool ours = t.fn(f).label.rfind("atslab's root port", 0) == 0;
      out.placed.push_back(fmt::format("{}: listed in the {} at {}{}{}", t.fn(f).bdf.str(), table, hex(u.offset),
                                       how == DmarListing::SatcAtcRequired ? " with ATC_REQUIRED" : "",
                                       ours ? " (a root port of atslab's, standing for the host's own above a bare dump: "
                                              "ATS below it rests on its address being the real port's)"
                                            : ""));
    }
  };
  for (const auto& a : dmar.atsrs) mark(a, DmarListing::Atsr, "ATSR");
  for (const auto& s : dmar.satcs)
    mark(s, (s.flags & ACPI_DMAR_ATC_REQUIRED) ? DmarListing::SatcAtcRequired : DmarListing::Satc, "SATC");
  note_shared(users, "VT-d unit", out);
}

void place_ivrs(Topology& t, const Ivrs& ivrs, Placement& out) {
  uint16_t next = 0;
  std::map<std::string, std::vector<std::string>> users;
  for (RcId r = 0; r < t.root_complexes().size(); ++r) {
    RootComplex& rc = t.rc(r);
    std::vector<const Ivhd*> ivhd_of;
    std::vector<FnId> none;
    for (FnId f : askers(t, r)) {
      if (auto l = ivrs_find_iommu(ivrs, rc.domain, t.fn(f).bdf.rid()))
        ivhd_of.push_back(l->ivhd);
      else
        none.push_back(f);
    }
    if (ivhd_of.empty()) {
      rc.iommu = IommuKind::None;
      out.placed.push_back(fmt::format("{}: no IVHD device entry covers its devices: Linux gives them no IOMMU, and so no ATS",
                                       root_bus(rc)));
      continue;
    }
    const Ivhd* h = most_common(ivhd_of);
    rc.iommu = IommuKind::Amd;
    rc.iommu_index = next++;
    const std::string name = fmt::format("IVHD type {} at {} (IOMMU {:04x}:{}, MMIO {})", hex(h->type), hex(h->offset),
                                         h->pci_seg, format_rid(h->devid), hex(h->mmio_phys));
    users[name].push_back(root_bus(rc));
    out.placed.push_back(fmt::format("{}: {} as atslab's AMD-Vi IOMMU {}; IVRS says nothing of ATS (the driver reads "
                                     "IOTLB support from the IOMMU's capability register)",
                                     root_bus(rc), name, rc.iommu_index));
    for (FnId f : none) t.fn(f).iommu_mapped = false;
    if (!none.empty())
      out.notes.push_back(fmt::format("IVRS: no IVHD entry covers {} of {}: Linux gives them no IOMMU (no group, no ATS, "
                                      "vfio-pci refuses them), and so does atslab",
                                      fn_list(t, none), root_bus(rc)));
  }
  note_shared(users, "AMD-Vi IOMMU", out);
}

}  // namespace

Placement place_behind_iommus(Topology& t, const std::vector<AnyTable>& tables) {
  const Iort* iort = nullptr;
  const Dmar* dmar = nullptr;
  const Ivrs* ivrs = nullptr;
  std::string first[3];
  for (const auto& any : tables) {
    const RawTable& r = raw(any);
    auto one = [&](auto*& slot, auto* mine, std::string& src) {
      if (slot)
        throw InputError(fmt::format("{} and {} are both {}: a host has one", src, r.source, r.header.signature));
      slot = mine;
      src = r.source;
    };
    if (auto* x = std::get_if<Iort>(&any)) one(iort, x, first[0]);
    if (auto* x = std::get_if<Dmar>(&any)) one(dmar, x, first[1]);
    if (auto* x = std::get_if<Ivrs>(&any)) one(ivrs, x, first[2]);
  }
  if (int(iort != nullptr) + int(dmar != nullptr) + int(ivrs != nullptr) > 1)
    throw InputError(fmt::format("{}: tables of two architectures (IORT is Arm's, DMAR Intel's, IVRS AMD's): a host has "
                                 "one kind of IOMMU table",
                                 raw(tables.front()).source));
  Placement out;
  if (iort) place_iort(t, *iort, out);
  if (dmar) place_dmar(t, *dmar, out);
  if (ivrs) place_ivrs(t, *ivrs, out);
  return out;
}

}  // namespace atslab::io::acpi
