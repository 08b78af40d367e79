#include "io/topo_report.h"

#include <algorithm>
#include <fmt/format.h>

#include "hw/pcie/capability_walk.h"
#include "hw/pcie/regs.h"
#include "linux/pci/probe.h"
#include "linux/pci/quirks.h"

namespace atslab::io {

using nlohmann::json;
namespace regs = hw::pcie;

namespace {
std::string hex4(uint16_t v) { return fmt::format("{:#06x}", v); }

// The STU field as the page size it encodes (0 = 4K, 4 = 64K, ...).
std::string stu_text(unsigned field) {
  unsigned shift = field + 12;
  return shift >= 30 ? fmt::format("{}G", 1u << (shift - 30)) : shift >= 20 ? fmt::format("{}M", 1u << (shift - 20))
                                                                            : fmt::format("{}K", 1u << (shift - 10));
}

std::string kind(const pci::PciDev& d) {
  if (d.is_virtfn) return "VF";
  if (d.is_physfn) return "PF";
  switch (d.pcie_type) {
    case regs::exp::Type::RootPort: return "root port";
    case regs::exp::Type::Upstream: return "switch upstream";
    case regs::exp::Type::Downstream: return "switch downstream";
    case regs::exp::Type::RcEndpoint: return "RCiEP";
    default: return "function";
  }
}

// The phase a quirk actually ran in for this device (pci::quirk_ran_in); null if the record holds none.
json quirk_phase(const System& s, pci::DevId id, pci::QuirkId q) {
  const auto phase = pci::quirk_ran_in(s, id, q);
  return phase ? json(std::string(pci::name(*phase))) : json(nullptr);
}

// The dump a function was imported from: from_dumps labels it "FILE (BDF)".
const ImportedFunction* from_dump(const hw::pcie::Function& hwf, const std::vector<ImportedFunction>& dumps) {
  for (const auto& f : dumps)
    if (hwf.label == f.file + " (" + f.original.str() + ")") return &f;
  return nullptr;
}

json function_json(const System& s, pci::DevId id, const PciIds& ids, const std::vector<ImportedFunction>& dumps) {
  const pci::PciDev& d = s.kernel.devs[id];
  const hw::pcie::Function& hwf = s.hw.pcie.fn(d.fn);
  json j;
  j["bdf"] = d.bdf.str();
  j["vendor_id"] = hex4(d.vendor);
  j["device_id"] = hex4(d.device);
  j["vendor_name"] = ids.vendor(d.vendor);
  j["device_name"] = ids.device(d.vendor, d.device);
  j["kind"] = kind(d);
  j["pf"] = d.is_virtfn ? json(s.kernel.devs[d.physfn].bdf.str()) : json(nullptr);
  if (d.is_virtfn) j["vf_index"] = d.vf_index;
  if (d.is_physfn)
    // InitialVFs as the register holds it: the kernel reads it only in sriov_enable.
    j["sriov"] = {{"initial_vfs", hwf.cfg.read16(hw::pcie::find_ext_cap(hwf.cfg, regs::ext_cap::kSriov) +
                                                 regs::sriov::kInitialVf)},
                  {"total_vfs", d.sriov.total_vfs}, {"num_vfs", d.sriov.num_vfs},
                  {"vf_offset", d.sriov.offset},
                  {"vf_stride", d.sriov.stride}, {"vf_device_id", hex4(d.sriov.vf_device)}};
  // ATS as the hardware holds it: the capability is looked up in config space, not through ats_cap,
  // so a quirked-off device still shows what its silicon has.
  uint16_t ats = hw::pcie::find_ext_cap(hwf.cfg, regs::ext_cap::kAts);
  if (ats) {
    uint16_t cap = hwf.cfg.read16(ats + regs::ats::kCap), ctrl = hwf.cfg.read16(ats + regs::ats::kCtrl);
    unsigned qdep = cap & regs::ats::kCapQdepMask;
    j["ats_cap_offset"] = hex4(ats);
    j["ats_invalidate_queue_depth"] = qdep ? qdep : regs::ats::kMaxQdep;
    j["ats_page_aligned"] = (cap & regs::ats::kCapPageAligned) != 0;
    j["ats_stu"] = ctrl & regs::ats::kCtrlStuMask;  // Control register STU field: page shift - 12
    j["ats_enable"] = (ctrl & regs::ats::kCtrlEnable) != 0;
    // STU and Enable above are what atslab's enumeration left (an imported dump starts at reset);
    // a dump's own value, as its live system had it, is shown beside them.
    j["ats_control_source"] = "enumeration";
    if (const ImportedFunction* f = from_dump(hwf, dumps); f && f->dump_ats_control) {
      uint16_t v = *f->dump_ats_control;
      j["dump_ats_control"] = {{"value", hex4(v)},
                               {"stu", v & regs::ats::kCtrlStuMask},
                               {"enable", (v & regs::ats::kCtrlEnable) != 0}};
    }
  } else {
    j["ats_cap_offset"] = nullptr;
  }
  j["kernel"] = {{"ats_cap", d.ats_cap ? json(hex4(d.ats_cap)) : json(nullptr)},
                 {"ats_enabled", d.ats_enabled},
                 {"ats_stu", d.ats_stu},
                 {"no_ats", d.no_ats}};
  j["untrusted"] = d.untrusted;
  if (d.pcie_type == regs::exp::Type::RootPort) j["external_facing"] = d.external_facing;
  json quirks = json::array();
  for (unsigned q = 0; q < static_cast<unsigned>(pci::QuirkId::kCount); ++q)
    if (d.quirks_applied & (1u << q))
      quirks.push_back({{"quirk", std::string(pci::name(static_cast<pci::QuirkId>(q)))},
                        {"phase", quirk_phase(s, id, static_cast<pci::QuirkId>(q))}});
  j["quirks"] = quirks;
  json defects = json::array();
  for (const auto& walk : {hw::pcie::walk_std_caps(hwf.cfg), hw::pcie::walk_ext_caps(hwf.cfg)})
    for (const auto& def : walk.defects) defects.push_back({{"offset", hex4(def.offset)}, {"what", def.what}});
  j["config_defects"] = defects;
  j["source"] = hwf.label;
  return j;
}
}  // namespace

json topo_json(const System& s, const PciIds& ids, const std::vector<ImportedFunction>& dumps) {
  // Address order, as lspci lists functions.
  auto devs = pci::live_devices(s);
  std::sort(devs.begin(), devs.end(), [&](pci::DevId a, pci::DevId b) { return s.kernel.devs[a].bdf < s.kernel.devs[b].bdf; });
  json out = json::array();
  for (pci::DevId d : devs) out.push_back(function_json(s, d, ids, dumps));
  return out;
}

std::string topo_text(const System& s, const PciIds& ids, const std::vector<ImportedFunction>& dumps) {
  std::string out = fmt::format("{:<13} {:<9} {:<17} {:<7} {:<5} {:>4} {:>3} {:<5} {:>3} {:<6} {:<9} {}\n", "BDF",
                                "ID", "KIND", "PF", "ATS@", "QDEP", "PA", "STU", "EN", "UNTR", "QUIRKS", "NAME");
  for (const json& j : topo_json(s, ids, dumps)) {
    std::string pf = j["pf"].is_null() ? "-" : j["pf"].get<std::string>().substr(5);
    bool has_ats = !j["ats_cap_offset"].is_null();
    std::string quirks;
    for (const auto& q : j["quirks"])
      quirks += fmt::format("{}{}@{}", quirks.empty() ? "" : ",",
                            q["quirk"].get<std::string>() == "quirk_intel_e2000_no_ats" ? "e2000" : "amd-harvest",
                            q["phase"].is_null() ? "?" : q["phase"].get<std::string>());
    std::string name = j["vendor_name"].get<std::string>();
    if (!j["device_name"].get<std::string>().empty()) name += " " + j["device_name"].get<std::string>();
    out += fmt::format(
        "{:<13} {:<9} {:<17} {:<7} {:<5} {:>4} {:>3} {:<5} {:>3} {:<6} {:<9} {}\n", j["bdf"].get<std::string>(),
        j["vendor_id"].get<std::string>().substr(2) + ":" + j["device_id"].get<std::string>().substr(2),
        j["kind"].get<std::string>(), pf, has_ats ? j["ats_cap_offset"].get<std::string>().substr(2) : "-",
        has_ats ? std::to_string(j["ats_invalidate_queue_depth"].get<unsigned>()) : "-",
        has_ats ? (j["ats_page_aligned"].get<bool>() ? "yes" : "no") : "-",
        has_ats ? stu_text(j["ats_stu"].get<unsigned>()) : "-",
        has_ats ? (j["ats_enable"].get<bool>() ? "on" : "off") : "-", j["untrusted"].get<bool>() ? "yes" : "no",
        quirks.empty() ? "-" : quirks, name);
    if (j.contains("sriov")) {
      const json& v = j["sriov"];
      out += fmt::format("    SR-IOV: NumVFs {} of TotalVFs {}, InitialVFs {}, First VF Offset {}, VF Stride {}\n",
                         v["num_vfs"].get<unsigned>(), v["total_vfs"].get<unsigned>(), v["initial_vfs"].get<unsigned>(),
                         v["vf_offset"].get<unsigned>(), v["vf_stride"].get<unsigned>());
    }
    if (j.contains("dump_ats_control")) {
      const json& c = j["dump_ats_control"];
      out += fmt::format("    ATS Control: STU and EN above are atslab's enumeration's; the dump had {} (EN {}, STU {})\n",
                         c["value"].get<std::string>(), c["enable"].get<bool>() ? "on" : "off",
                         stu_text(c["stu"].get<unsigned>()));
    }
    for (const auto& def : j["config_defects"])
      out += fmt::format("    config-space defect at {}: {}\n", def["offset"].get<std::string>(),
                         def["what"].get<std::string>());
  }
  return out;
}

namespace {
// pciutils ls-tree.c's structures: a bridge (the host bridge first) with its child bridges and the
// buses it leads to, each bus with its functions in address order.
struct TreeBus {
  uint16_t domain;
  unsigned number;
  std::vector<pci::DevId> devs;
};
struct TreeBridge {
  pci::DevId dev = pci::kNoDev;  // kNoDev: the host bridge
  uint16_t domain = 0;
  unsigned primary = 0, secondary = 0, subordinate = 0xff;
  std::vector<size_t> children;  // most recent first, as ls-tree.c links them
  std::vector<TreeBus> buses;
};

class TreePrinter {
 public:
  explicit TreePrinter(const System& s) : s_(s) {
    auto devs = pci::live_devices(s);
    std::sort(devs.begin(), devs.end(), [&](pci::DevId a, pci::DevId b) { return s.kernel.devs[a].bdf < s.kernel.devs[b].bdf; });
    bridges_.push_back({});  // the host bridge: domain 0, buses 00-ff of every domain
    for (pci::DevId d : devs) {
      const auto& cfg = s.hw.pcie.fn(s.kernel.devs[d].fn).cfg;
      if (!hw::pcie::has_bus_numbers(cfg)) continue;
      bridges_.push_back({d, s.kernel.devs[d].bdf.domain, cfg.read8(hw::pcie::hdr::kPrimaryBus),
                          cfg.read8(hw::pcie::hdr::kSecondaryBus), cfg.read8(hw::pcie::hdr::kSubordinateBus), {}, {}});
    }
    // grow_tree: each bridge below the narrowest one whose range holds its primary bus.
    for (size_t b = 0; b < bridges_.size(); ++b) {
      size_t best = kNone;
      for (size_t c = 0; c < bridges_.size(); ++c) {
        const TreeBridge &x = bridges_[b], &y = bridges_[c];
        if (c != b && (c == 0 || x.domain == y.domain) && x.primary >= y.secondary && x.primary <= y.subordinate &&
            (best == kNone || bridges_[best].subordinate - bridges_[best].primary > y.subordinate - y.primary))
          best = c;
      }
      if (best != kNone) bridges_[best].children.insert(bridges_[best].children.begin(), b);
    }
    for (auto& b : bridges_)
      if (!find_bus(b, b.domain, b.secondary)) b.buses.push_back({b.domain, b.secondary, {}});
    for (pci::DevId d : devs) insert_dev(d, 0);
  }

  std::string print() {
    std::string line(kLineLen, '\0');
    show_tree_bridge(0, line, 0);
    return out_;
  }

 private:
  static constexpr size_t kNone = ~size_t{0};
  static constexpr size_t kLineLen = 1024;

  static TreeBus* find_bus(TreeBridge& b, uint16_t domain, unsigned number) {
    for (auto& bus : b.buses)
      if (bus.domain == domain && bus.number == number) return &bus;
    return nullptr;
  }
  void insert_dev(pci::DevId d, size_t b) {
    const auto& bdf = s_.kernel.devs[d].bdf;
    TreeBus* bus = find_bus(bridges_[b], bdf.domain, bdf.bus);
    if (!bus) {
      for (size_t c : bridges_[b].children)
        if (bridges_[c].domain == bdf.domain && bridges_[c].secondary <= bdf.bus && bdf.bus <= bridges_[c].subordinate)
          return insert_dev(d, c);
      bridges_[b].buses.push_back({bdf.domain, bdf.bus, {}});
      bus = &bridges_[b].buses.back();
    }
    bus->devs.push_back(d);
  }
  // print_it: the line is printed, then blanked but for the '|' that continue below it.
  void print_it(std::string& line, size_t p) {
    out_ += line.substr(0, p) + "\n";
    for (size_t i = 0; i < p; ++i) line[i] = (line[i] == '+' || line[i] == '|') ? '|' : ' ';
    for (size_t i = p; i < line.size(); ++i) line[i] = '\0';
  }
  size_t put(std::string& line, size_t p, const std::string& text) {
    line.replace(p, text.size(), text);
    return p + text.size();
  }
  void show_tree_dev(pci::DevId d, std::string& line, size_t p) {
    const auto& bdf = s_.kernel.devs[d].bdf;
    p = put(line, p, fmt::format("{:02x}.{:x}", bdf.slot(), bdf.func()));
    for (size_t b = 1; b < bridges_.size(); ++b)
      if (bridges_[b].dev == d) {
        const auto& br = bridges_[b];
        p = put(line, p, br.secondary == br.subordinate ? fmt::format("-[{:02x}]-", br.secondary)
                                                         : fmt::format("-[{:02x}-{:02x}]-", br.secondary, br.subordinate));
        show_tree_bridge(b, line, p);
        return;
      }
    print_it(line, p);
  }
  void show_tree_bus(const TreeBus& bus, std::string& line, size_t p) {
    if (bus.devs.empty()) {
      print_it(line, p);
    } else if (bus.devs.size() == 1) {
      p = put(line, p, "--");
      show_tree_dev(bus.devs[0], line, p);
    } else {
      for (size_t i = 0; i + 1 < bus.devs.size(); ++i) {
        put(line, p, "+-");
        show_tree_dev(bus.devs[i], line, p + 2);
      }
      put(line, p, "\\-");
      show_tree_dev(bus.devs.back(), line, p + 2);
    }
  }
  void show_tree_bridge(size_t b, std::string& line, size_t p) {
    p = put(line, p, "-");
    const auto& buses = bridges_[b].buses;
    if (buses.size() == 1) {
      if (b == 0) p = put(line, p, fmt::format("[{:04x}:{:02x}]-", buses[0].domain, buses[0].number));
      show_tree_bus(buses[0], line, p);
    } else {
      for (size_t i = 0; i < buses.size(); ++i) {
        size_t k = put(line, p, fmt::format("{}-[{:04x}:{:02x}]-", i + 1 < buses.size() ? "+" : "\\",
                                            buses[i].domain, buses[i].number));
        show_tree_bus(buses[i], line, k);
      }
    }
  }

  const System& s_;
  std::vector<TreeBridge> bridges_;
  std::string out_;
};
}  // namespace

std::string topo_tree(const System& s) { return TreePrinter(s).print(); }

}  // namespace atslab::io
