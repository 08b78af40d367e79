#include "io/scenario.h"

#include "check/invariants.h"
#include "io/yaml_guard.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <fmt/format.h>

#include <charconv>
#include <string_view>
#include <set>

#include "io/input_error.h"
#include "io/scenario_host.h"
#include "io/scenario_machine.h"
#include "io/utf8.h"
#include "linux/kernel/fault_inject.h"
#include "io/fault_plan.h"
#include "sim/op_kinds.h"

namespace atslab::io {

namespace {

// Typed access to a YAML node that reports problems as FILE:LINE:COL: FIELD: expected ...
class Reader {
 public:
  Reader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const YAML::Node& n, const std::string& field, const std::string& what) const {
    auto m = n.Mark();
    if (m.is_null()) throw InputError(fmt::format("{}: {}: {}", path_, field, what));
    throw InputError(fmt::format("{}:{}:{}: {}: {}", path_, m.line + 1, m.column + 1, field, what));
  }

  void only(const YAML::Node& map, const std::string& where, std::initializer_list<const char*> keys) const {
    only(map, where, std::vector<std::string>(keys.begin(), keys.end()));
  }
  // `what` follows "expected one of" in the message, e.g. " for sriov_enable".
  void only(const YAML::Node& map, const std::string& where, const std::vector<std::string>& keys,
            const std::string& what = "") const {
    if (!map.IsMap()) fail(map, where, "expected a mapping");
    unique_keys(map, where);
    for (const auto& kv : map) {
      std::string k = key(kv.first, where);
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
        std::set<std::string> sorted(keys.begin(), keys.end());
        std::string list;
        for (const auto& a : sorted) list += (list.empty() ? "" : ", ") + a;
        fail(kv.first, where + "." + k, "unknown field (expected one of" + what + ": " + list + ")");
      }
    }
  }

  // yaml-cpp keeps every duplicate and map["k"] finds the first: "name: x\nname: y" would be read as x.
  void unique_keys(const YAML::Node& map, const std::string& where) const {
    std::set<std::string> seen;
    for (const auto& kv : map) {
      std::string k = key(kv.first, where);
      if (!seen.insert(k).second) fail(kv.first, where + "." + k, "given twice in one mapping");
    }
  }

  // A mapping key; YAML allows any node there ({[1]: 2}), a scenario only names.
  std::string key(const YAML::Node& k, const std::string& where) const {
    if (!k.IsScalar()) fail(k, where, "expected a field name, got a sequence or mapping as a key");
    return k.Scalar();
  }

  template <typename T>
  T num(const YAML::Node& n, const std::string& field, uint64_t max) const {
    if (!n.IsScalar()) fail(n, field, "expected a number");
    std::string t = n.Scalar();
    // Decimal, or hex after 0x: a leading 0 is not octal (YAML 1.2's core schema reads 010 as ten;
    // strtoull's base 0 read it as eight, silently).
    const bool hex = t.size() > 1 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X');
    const std::string_view digits = hex ? std::string_view(t).substr(2) : std::string_view(t);
    uint64_t v = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, hex ? 16 : 10);
    // The limit in the base the value was written in: a count is read in decimal, an ID in hex.
    auto out_of_range = [&] {
      fail(n, field, hex ? fmt::format("{} is out of range (at most {:#x})", t, max)
                         : fmt::format("{} is out of range (at most {})", t, max));
    };
    if (digits.empty() || end != digits.data() + digits.size() || (ec != std::errc() && ec != std::errc::result_out_of_range))
      fail(n, field, fmt::format("expected a number (decimal or 0x hex), got '{}'", t));
    if (ec == std::errc::result_out_of_range || v > max) out_of_range();
    return static_cast<T>(v);
  }

  bool flag(const YAML::Node& n, const std::string& field) const {
    if (!n.IsScalar()) fail(n, field, "expected true or false");
    const std::string& t = n.Scalar();
    // YAML 1.2's core schema, as for numbers: yes, no, on, off, 1 and 0 are not flags (yes was
    // read as one while 1 was refused, which a user took for a silent default).
    if (t == "true") return true;
    if (t == "false") return false;
    fail(n, field, fmt::format("expected true or false, got '{}'", t));
  }

  std::string str(const YAML::Node& n, const std::string& field) const {
    if (!n.IsScalar()) fail(n, field, "expected a string");
    return n.Scalar();
  }

  // A name: printed in tables, logs, traces and the HTML report, and named by operations. Not
  // empty (no operation could name it), and without control characters (a terminal acts on an
  // escape sequence; a newline splits a result line).
  std::string name(const YAML::Node& n, const std::string& field) const {
    std::string s = str(n, field);
    if (s.empty()) fail(n, field, "a name cannot be empty");
    if (auto at = first_control_character(s))
      fail(n, field, fmt::format("a name has no control characters (byte {:#04x})", static_cast<unsigned char>(s[*at])));
    return s;
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

uint64_t page_sizes(const Reader& r, const YAML::Node& n, const std::string& field) {
  if (!n.IsSequence() || n.size() == 0) r.fail(n, field, "expected a list of page sizes such as [4K, 2M, 1G]");
  uint64_t bitmap = 0;
  for (const auto& e : n) {
    std::string t = r.str(e, field);
    uint64_t mult = 1;
    if (!t.empty() && (t.back() == 'K' || t.back() == 'M' || t.back() == 'G')) {
      mult = t.back() == 'K' ? 1ull << 10 : t.back() == 'M' ? 1ull << 20 : 1ull << 30;
      t.pop_back();
    }
    // All of it digits (stoull took "4x" for 4), and no wrap when multiplied.
    uint64_t v = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || ec != std::errc() || end != t.data() + t.size() || v > (uint64_t{1} << 62) / mult)
      r.fail(e, field, "expected a page size such as 4K, 16K, 64K, 2M");
    v *= mult;
    if (v < 4096 || (v & (v - 1))) r.fail(e, field, "a page size is a power of two of at least 4K");
    bitmap |= v;
  }
  // The SMMU's IDR5 takes its granules from the list: without 4K, 16K or 64K it has none, and
  // the model would quietly run with a page size the list does not give.
  if (!(bitmap & ((1ull << 12) | (1ull << 14) | (1ull << 16))))
    r.fail(n, field, "no translation granule in the list (it needs 4K, 16K or 64K; 2M and 1G are block sizes)");
  return bitmap;
}

sim::OpKind op_kind(const Reader& r, const YAML::Node& n) {
  std::string t = r.str(n, "workload.op");
  if (auto k = sim::parse_op_name(t)) return *k;
  r.fail(n, "workload.op", fmt::format("unknown operation '{}' (expected one of: {})", t, sim::op_names()));
}

// One field of a workload step, as sim::op_fields names it for the step's kind.
void read_op_field(const Reader& r, const YAML::Node& n, sim::OpField f, sim::Op& op) {
  const std::string field = "workload[]." + std::string(sim::field_name(f));
  switch (f) {
    case sim::OpField::Device: op.device = r.str(n, field); return;
    case sim::OpField::Container: op.container = r.name(n, field); return;
    case sim::OpField::Driver:
      op.driver = r.str(n, field);
      if (op.driver != "native" && op.driver != "vfio-pci") r.fail(n, field, "expected native or vfio-pci");
      return;
    case sim::OpField::Count: op.count = r.num<uint32_t>(n, field, sim::max_count(op.kind)); return;
    case sim::OpField::Iova: op.iova = r.num<uint64_t>(n, field, (uint64_t{1} << 52) - 1); return;
    case sim::OpField::Write: op.write = r.flag(n, field); return;
    case sim::OpField::Type: op.type = r.str(n, field); return;
    case sim::OpField::Hwpt: op.hwpt = r.name(n, field); return;
    case sim::OpField::Pasid:
      op.pasid = r.num<uint32_t>(n, field, sim::kMaxWorkloadPasid);
      if (op.pasid == 0) r.fail(n, field, "PASID 0 is the RID's (IOMMU_NO_PASID): a PASID is 1 or more");
      return;
    case sim::OpField::NestParent: op.nest_parent = r.flag(n, field); return;
    case sim::OpField::Viommu: op.viommu = r.name(n, field); return;
    case sim::OpField::Vsid: op.vsid = r.num<uint32_t>(n, field, 0xffffffffu); return;
    case sim::OpField::Cfg:
      op.cfg = r.str(n, field);
      if (!sim::is_vste_cfg(op.cfg))
        r.fail(n, field, fmt::format("expected abort, bypass, s1_trans, s2_trans, nested or invalid, got '{}'", op.cfg));
      return;
    case sim::OpField::Eats: op.eats = r.num<uint32_t>(n, field, 3); return;
    case sim::OpField::Mm: op.mm = r.num<uint32_t>(n, field, mm::kMaxProcesses - 1); return;
    case sim::OpField::PasidCompat: op.pasid_compat = r.flag(n, field); return;
    case sim::OpField::Methods:
      // Any text: reset_method_store judges the names (-EINVAL), as the kernel does.
      op.methods = r.str(n, field);
      if (op.methods.size() > sim::kMaxSysfsWrite)
        r.fail(n, field, fmt::format("at most {} characters (one sysfs write)", sim::kMaxSysfsWrite));
      return;
  }
}

// A list of at most `max` entries, checked before any is read: a file with a hundred thousand
// devices is refused at once, not after they were all built.
void bounded_list(const Reader& r, const YAML::Node& m, const char* key, size_t max) {
  const auto& n = m[key];
  if (!n) return;
  if (!n.IsSequence()) r.fail(n, fmt::format("machine.{}", key), "expected a list");
  if (n.size() > max)
    r.fail(n, fmt::format("machine.{}", key), fmt::format("{} entries; a machine has at most {} (docs/scenarios.md)", n.size(), max));
}

void read_smmus(const Reader& r, const YAML::Node& m, Scenario& sc) {
  if (m["smmus"]) {
    for (const auto& n : m["smmus"]) {
      r.only(n, "machine.smmus[]", {"ats", "page_sizes", "endpoints_ignore_inv_when_disabled", "s1p", "s2p", "sid_bits", "coherent", "ssid_bits",
                                       "cd2l"});
      SmmuSpec s;
      if (n["ats"]) s.ats = r.flag(n["ats"], "machine.smmus[].ats");
      if (n["page_sizes"]) s.pgsize_bitmap = page_sizes(r, n["page_sizes"], "machine.smmus[].page_sizes");
      if (n["endpoints_ignore_inv_when_disabled"])
        s.endpoints_ignore_inv_when_disabled = r.flag(n["endpoints_ignore_inv_when_disabled"], "machine.smmus[].endpoints_ignore_inv_when_disabled");
      if (n["s1p"]) s.s1p = r.flag(n["s1p"], "machine.smmus[].s1p");
      if (n["s2p"]) s.s2p = r.flag(n["s2p"], "machine.smmus[].s2p");
      if (n["coherent"]) s.coherent = r.flag(n["coherent"], "machine.smmus[].coherent");
      // The model allocates the whole stream table up front: 2^24 STEs at most (the field allows 32 bits).
      if (n["sid_bits"]) s.sid_bits = r.num<unsigned>(n["sid_bits"], "machine.smmus[].sid_bits", 24);
      // IDR1.SSIDSIZE is 5 bits; the architecture's SubstreamIDs are at most 20 bits.
      if (n["ssid_bits"]) s.ssid_bits = r.num<unsigned>(n["ssid_bits"], "machine.smmus[].ssid_bits", 20);
      if (n["cd2l"]) s.cd2l = r.flag(n["cd2l"], "machine.smmus[].cd2l");
      sc.smmus.push_back(s);
    }
  }
  if (sc.smmus.empty()) sc.smmus.push_back({});
}

hw::pcie::IommuKind iommu_kind(const Reader& r, const YAML::Node& n, const std::string& field) {
  std::string k = r.str(n, field);
  if (k == "smmuv3") return hw::pcie::IommuKind::Smmuv3;
  if (k == "vtd") return hw::pcie::IommuKind::Vtd;
  if (k == "amd") return hw::pcie::IommuKind::Amd;
  if (k == "none") return hw::pcie::IommuKind::None;
  r.fail(n, field, "expected smmuv3, vtd, amd or none");
}

// A file or a list of files, each relative to the scenario's folder.
std::vector<std::string> file_list(const Reader& r, const YAML::Node& n, const std::string& field) {
  std::vector<std::string> out;
  if (n.IsScalar()) {
    out.push_back(r.str(n, field));
  } else {
    if (!n.IsSequence() || n.size() == 0) r.fail(n, field, "expected a file or a list of files");
    if (n.size() > 64) r.fail(n, field, fmt::format("{} files; at most 64", n.size()));
    for (const auto& f : n) out.push_back(r.str(f, field + "[]"));
  }
  for (auto& f : out)
    if (!std::filesystem::path(f).is_absolute()) f = (std::filesystem::path(r.path()).parent_path() / f).string();
  return out;
}

// machine.lspci: the host as its dumps (and machine.acpi, its firmware tables) give it.
void read_host(const Reader& r, const YAML::Node& m, Scenario& sc) {
  r.only(m, "machine", std::vector<std::string>{"lspci", "acpi", "iommu", "rc_ats", "smmus", "devices"},
         " with lspci (the dumps give the root complexes and ports)");
  bounded_list(r, m, "smmus", kMaxSmmus);
  bounded_list(r, m, "devices", kMaxFunctions);
  const auto lspci = file_list(r, m["lspci"], "machine.lspci");
  const auto acpi = m["acpi"] ? file_list(r, m["acpi"], "machine.acpi") : std::vector<std::string>{};
  auto kind = hw::pcie::IommuKind::Smmuv3;
  bool rc_ats = true;
  for (const char* k : {"iommu", "rc_ats"})
    if (m[k] && !acpi.empty()) r.fail(m[k], std::string("machine.") + k, "the acpi tables say which IOMMU serves each root complex and its ATS: drop this field or acpi");
  if (m["iommu"]) kind = iommu_kind(r, m["iommu"], "machine.iommu");
  if (m["rc_ats"]) rc_ats = r.flag(m["rc_ats"], "machine.rc_ats");
  try {
    sc.host = build_host(lspci, acpi, kind, rc_ats);
  } catch (const InputError& e) {
    // Pointed at the key whose file it is.
    const std::string what = e.what();
    for (const auto& f : acpi)
      if (what.rfind(f, 0) == 0) r.fail(m["acpi"], "machine.acpi", what);
    r.fail(m["lspci"], "machine.lspci", what);
  }
  std::vector<HostName> names;
  std::set<std::string> taken;
  if (m["devices"]) {
    for (const auto& n : m["devices"]) {
      r.only(n, "machine.devices[]", std::vector<std::string>{"at", "name", "driver"}, " with lspci (the dumps give each device)");
      if (!n["at"]) r.fail(n, "machine.devices[].at", "the address of one of the dumps' functions, as 0000:3b:00.0");
      const std::string at_text = r.str(n["at"], "machine.devices[].at");
      auto at = hw::pcie::parse_bdf(at_text);
      if (!at) r.fail(n["at"], "machine.devices[].at", "expected an address as 0000:3b:00.0 (or 3b:00.0 in segment 0)");
      if (auto why = host_device_problem(*sc.host, *at); !why.empty()) r.fail(n["at"], "machine.devices[].at", why);
      HostName h{.at = *at};
      if (n["name"]) {
        h.name = r.name(n["name"], "machine.devices[].name");
        if (h.name.find('.') != std::string::npos) r.fail(n["name"], "machine.devices[].name", "a name has no '.' (VFs are named <pf>.vf<N>)");
        if (!taken.insert(h.name).second) r.fail(n["name"], "machine.devices[].name", "duplicate name '" + h.name + "'");
      }
      if (n["driver"]) {
        h.driver = r.str(n["driver"], "machine.devices[].driver");
        if (h.driver != "native" && h.driver != "vfio-pci") r.fail(n["driver"], "machine.devices[].driver", "expected native or vfio-pci");
      }
      for (const auto& o : names)
        if (o.at == h.at) r.fail(n["at"], "machine.devices[].at", fmt::format("{} is named twice", at->str()));
      names.push_back(h);
    }
  }
  sc.devices = host_devices(*sc.host, names);
  if (sc.devices.empty()) r.fail(m["lspci"], "machine.lspci", "the dumps hold no device (only bridges)");
  read_smmus(r, m, sc);
  if (auto why = spread_smmu_specs(sc); !why.empty()) r.fail(m["smmus"], "machine.smmus", why);
  sc.rcs.push_back({});  // unused: the root complexes are the dumps'
}

void read_machine(const Reader& r, const YAML::Node& m, Scenario& sc) {
  if (m.IsMap() && m["lspci"]) return read_host(r, m, sc);
  r.only(m, "machine", {"smmus", "root_complexes", "ports", "devices", "lspci"});
  bounded_list(r, m, "smmus", kMaxSmmus);
  bounded_list(r, m, "root_complexes", kMaxRootComplexes);
  bounded_list(r, m, "ports", kMaxFunctions);
  bounded_list(r, m, "devices", kMaxFunctions);
  read_smmus(r, m, sc);
  if (m["root_complexes"]) {
    std::vector<bool> explicit_unit;
    std::vector<YAML::Node> nodes;
    for (const auto& n : m["root_complexes"]) {
      r.only(n, "machine.root_complexes[]", {"ats", "iommu", "smmu", "vtd"});
      RcSpec rc;
      if (n["ats"]) rc.ats = r.flag(n["ats"], "machine.root_complexes[].ats");
      if (n["iommu"]) rc.iommu = iommu_kind(r, n["iommu"], "machine.root_complexes[].iommu");
      // AMD-Vi's firmware (IVRS) has no ATS attribute: a false one would be ignored unseen.
      if (rc.iommu == hw::pcie::IommuKind::Amd && !rc.ats)
        r.fail(n["ats"], "machine.root_complexes[].ats",
               "AMD-Vi has no firmware ATS attribute (the driver reads IOTLB support from each IOMMU's capability "
               "register): drop ats: false");
      const bool smmu = rc.iommu == hw::pcie::IommuKind::Smmuv3;
      if (n["smmu"])
        rc.smmu = r.num<uint16_t>(n["smmu"], "machine.root_complexes[].smmu", smmu ? sc.smmus.size() - 1 : 255);
      if (n["vtd"]) {
        const auto& v = n["vtd"];
        if (rc.iommu != hw::pcie::IommuKind::Vtd) r.fail(v, "machine.root_complexes[].vtd", "only for a root complex with iommu: vtd");
        r.only(v, "machine.root_complexes[].vtd", {"scalable", "dev_iotlb", "dit", "prs"});
        if (v["scalable"]) rc.ecap_smts = r.flag(v["scalable"], "machine.root_complexes[].vtd.scalable");
        if (v["dev_iotlb"]) rc.ecap_dt = r.flag(v["dev_iotlb"], "machine.root_complexes[].vtd.dev_iotlb");
        if (v["dit"]) rc.ecap_dit = r.flag(v["dit"], "machine.root_complexes[].vtd.dit");
        if (v["prs"]) rc.ecap_prs = r.flag(v["prs"], "machine.root_complexes[].vtd.prs");
      }
      explicit_unit.push_back(static_cast<bool>(n["smmu"]));
      nodes.push_back(n);
      sc.rcs.push_back(rc);
    }
    // VT-d / AMD-Vi: one unit per segment. Unnumbered root complexes take the next unit of their kind.
    for (size_t i = 0; i < sc.rcs.size(); ++i) {
      auto kind = sc.rcs[i].iommu;
      if (kind != hw::pcie::IommuKind::Vtd && kind != hw::pcie::IommuKind::Amd) continue;
      if (!explicit_unit[i]) {
        uint16_t ordinal = 0;
        for (size_t j = 0; j < i; ++j) ordinal += sc.rcs[j].iommu == kind;
        sc.rcs[i].smmu = ordinal;
      }
      for (size_t j = 0; j < i; ++j)
        if (sc.rcs[j].iommu == kind && sc.rcs[j].smmu == sc.rcs[i].smmu)
          r.fail(nodes[i], "machine.root_complexes[].smmu",
                 fmt::format("{} unit {} already serves root complex {} (segment {}); a unit serves one PCI segment",
                             kind == hw::pcie::IommuKind::Vtd ? "VT-d" : "AMD-Vi", sc.rcs[i].smmu, j, j));
    }
  }
  if (sc.rcs.empty()) sc.rcs.push_back({});
  std::set<std::string> names;
  if (m["ports"]) {
    for (const auto& n : m["ports"]) {
      r.only(n, "machine.ports[]", {"name", "rc", "external_facing", "below", "acs", "pci_bridge"});
      PortSpec p;
      if (!n["name"]) r.fail(n, "machine.ports[].name", "every port needs a name");
      p.name = r.name(n["name"], "machine.ports[].name");
      if (!names.insert(p.name).second) r.fail(n["name"], "machine.ports[].name", "duplicate name '" + p.name + "'");
      if (n["rc"]) p.rc = r.num<uint16_t>(n["rc"], "machine.ports[].rc", sc.rcs.size() - 1);
      if (n["external_facing"]) p.external_facing = r.flag(n["external_facing"], "machine.ports[].external_facing");
      if (n["acs"]) p.acs = r.flag(n["acs"], "machine.ports[].acs");
      if (n["pci_bridge"]) p.pci_bridge = r.flag(n["pci_bridge"], "machine.ports[].pci_bridge");
      if (p.pci_bridge && !n["below"])
        r.fail(n["pci_bridge"], "machine.ports[].pci_bridge", "a PCIe-to-PCI bridge sits below a port: give below");
      if (n["below"]) {
        p.below = r.str(n["below"], "machine.ports[].below");
        bool known = false;
        for (const auto& q : sc.ports) known |= q.name == p.below;
        if (!known) r.fail(n["below"], "machine.ports[].below", "no earlier port named '" + p.below + "'");
      }
      sc.ports.push_back(p);
    }
  }
  if (!m["devices"] || !m["devices"].IsSequence() || m["devices"].size() == 0)
    r.fail(m, "machine.devices", "expected a list of at least one device");
  for (const auto& n : m["devices"]) {
    r.only(n, "machine.devices[]", {"name", "port", "rc", "devfn", "hotplug", "lspci", "vendor", "device", "revision", "class",
                                   "subsystem_vendor", "subsystem_device", "ats", "sriov", "pri", "pasid", "driver", "acs", "flr", "pm"});
    DeviceSpec d;
    if (!n["name"]) r.fail(n, "machine.devices[].name", "every device needs a name");
    d.name = r.name(n["name"], "machine.devices[].name");
    if (d.name.find('.') != std::string::npos) r.fail(n["name"], "machine.devices[].name", "a name has no '.' (VFs are named <pf>.vf<N>)");
    if (!names.insert(d.name).second) r.fail(n["name"], "machine.devices[].name", "duplicate name '" + d.name + "'");
    if (n["port"]) {
      d.port = r.str(n["port"], "machine.devices[].port");
      bool known = false;
      for (const auto& p : sc.ports) known |= p.name == d.port;
      if (!known) r.fail(n["port"], "machine.devices[].port", "no port named '" + d.port + "'");
    }
    if (n["rc"] && n["port"])
      r.fail(n["rc"], "machine.devices[].rc", "a device below a port is on that port's root complex: give rc or port, not both");
    if (n["rc"]) d.rc = r.num<uint16_t>(n["rc"], "machine.devices[].rc", sc.rcs.size() - 1);
    if (n["devfn"]) d.devfn = r.num<uint8_t>(n["devfn"], "machine.devices[].devfn", 0xff);
    if (auto mark = (n["devfn"] ? n["devfn"] : n).Mark(); !mark.is_null())
      d.where = fmt::format("{}:{}:{}", sc.path, mark.line + 1, mark.column + 1);
    if (n["hotplug"]) d.hotplug = r.flag(n["hotplug"], "machine.devices[].hotplug");
    if (n["acs"]) d.acs = r.flag(n["acs"], "machine.devices[].acs");
    if (n["lspci"]) {
      // The dump is the device's config space: a field describing one would be ignored.
      for (const char* k : {"vendor", "device", "revision", "class", "subsystem_vendor", "subsystem_device", "ats", "sriov", "pri", "pasid",
                            "acs", "flr", "pm"})
        if (n[k])
          r.fail(n[k], std::string("machine.devices[].") + k,
                 "the lspci dump gives the device's config space: drop this field or the lspci key");
      d.lspci = r.str(n["lspci"], "machine.devices[].lspci");
      if (!std::filesystem::path(d.lspci).is_absolute())
        d.lspci = (std::filesystem::path(r.path()).parent_path() / d.lspci).string();
    } else {
      if (!n["vendor"] || !n["device"]) r.fail(n, "machine.devices[]", "a device needs vendor and device (or lspci)");
    }
    if (n["vendor"]) d.header.vendor = r.num<uint16_t>(n["vendor"], "machine.devices[].vendor", 0xffff);
    if (n["device"]) d.header.device = r.num<uint16_t>(n["device"], "machine.devices[].device", 0xffff);
    if (n["revision"]) d.header.revision = r.num<uint8_t>(n["revision"], "machine.devices[].revision", 0xff);
    d.header.class_code = n["class"] ? r.num<uint32_t>(n["class"], "machine.devices[].class", 0xffffff) : 0x020000;
    if (n["subsystem_vendor"]) d.header.subsystem_vendor = r.num<uint16_t>(n["subsystem_vendor"], "machine.devices[].subsystem_vendor", 0xffff);
    if (n["subsystem_device"]) d.header.subsystem_device = r.num<uint16_t>(n["subsystem_device"], "machine.devices[].subsystem_device", 0xffff);
    if (n["ats"]) {
      const auto& a = n["ats"];
      hw::pcie::AtsCapSpec spec;
      if (a.IsScalar()) {
        if (!r.flag(a, "machine.devices[].ats")) goto no_ats;
      } else {
        r.only(a, "machine.devices[].ats", {"qdep", "page_aligned"});
        if (a["qdep"]) spec.qdep = r.num<uint8_t>(a["qdep"], "machine.devices[].ats.qdep", 31);
        if (a["page_aligned"]) spec.page_aligned = r.flag(a["page_aligned"], "machine.devices[].ats.page_aligned");
      }
      d.ats = spec;
    no_ats:;
    }
    if (n["sriov"]) {
      const auto& v = n["sriov"];
      r.only(v, "machine.devices[].sriov", {"total_vfs", "offset", "stride", "vf_device"});
      hw::pcie::SriovCapSpec spec;
      if (!v["total_vfs"]) r.fail(v, "machine.devices[].sriov.total_vfs", "required");
      spec.total_vfs = r.num<uint16_t>(v["total_vfs"], "machine.devices[].sriov.total_vfs", 256);
      if (v["offset"]) spec.vf_offset = r.num<uint16_t>(v["offset"], "machine.devices[].sriov.offset", 0xffff);
      if (v["stride"]) spec.vf_stride = r.num<uint16_t>(v["stride"], "machine.devices[].sriov.stride", 0xffff);
      // Routing IDs the kernel refuses (sriov_init: -EIO, the PF works without SR-IOV): VF 0 on the
      // PF's own routing ID, or every VF on one. A real device like that comes in as an lspci dump.
      if (spec.total_vfs > 0 && spec.vf_offset == 0)
        r.fail(v["offset"], "machine.devices[].sriov.offset", "0 puts VF 0 at the PF's own routing ID (the kernel refuses such a PF's SR-IOV)");
      if (spec.total_vfs > 1 && spec.vf_stride == 0)
        r.fail(v["stride"], "machine.devices[].sriov.stride", "0 puts every VF at one routing ID (the kernel refuses such a PF's SR-IOV)");
      spec.vf_device = v["vf_device"] ? r.num<uint16_t>(v["vf_device"], "machine.devices[].sriov.vf_device", 0xffff) : d.header.device;
      d.sriov = spec;
    }
    if (n["pri"]) d.pri = r.flag(n["pri"], "machine.devices[].pri");
    if (n["pasid"]) d.pasid = r.flag(n["pasid"], "machine.devices[].pasid");
    if (n["flr"]) d.flr = r.flag(n["flr"], "machine.devices[].flr");
    if (n["pm"]) {
      // A PCI Power Management capability: `pm: true`, or `pm: {no_soft_reset: false}` for one
      // whose D3hot -> D0 transition resets the function (pci_pm_reset's method).
      const auto& v = n["pm"];
      hw::pcie::PmCapSpec spec;
      if (v.IsScalar()) {
        if (r.flag(v, "machine.devices[].pm")) d.pm = spec;
      } else {
        r.only(v, "machine.devices[].pm", {"no_soft_reset"});
        if (v["no_soft_reset"]) spec.no_soft_reset = r.flag(v["no_soft_reset"], "machine.devices[].pm.no_soft_reset");
        d.pm = spec;
      }
    }
    if (n["driver"]) {
      d.driver = r.str(n["driver"], "machine.devices[].driver");
      if (d.driver != "native" && d.driver != "vfio-pci") r.fail(n["driver"], "machine.devices[].driver", "expected native or vfio-pci");
    }
    sc.devices.push_back(std::move(d));
  }
}

void read_kernel(const Reader& r, const YAML::Node& k, Scenario& sc) {
  r.only(k, "kernel", {"variants", "pci", "invalidation", "smmuv3", "iommu"});
  if (k["variants"]) {
    const auto& v = k["variants"];
    if (v.IsScalar() && v.Scalar() == "all") {
      sc.variants.assign(policy::kAllVariants.begin(), policy::kAllVariants.end());
    } else {
      if (!v.IsSequence()) r.fail(v, "kernel.variants", "expected 'all' or a list of variants");
      // An empty list would leave the default (every variant) in place: say so instead of guessing.
      if (v.size() == 0) r.fail(v, "kernel.variants", "an empty list runs nothing (omit the field or say 'all')");
      for (const auto& e : v) {
        auto p = policy::parse_variant(r.str(e, "kernel.variants[]"));
        if (!p) r.fail(e, "kernel.variants[]", "expected upstream, series-v3, fail-early, rollback or vtd-style");
        if (std::find(sc.variants.begin(), sc.variants.end(), *p) != sc.variants.end())
          r.fail(e, "kernel.variants[]", fmt::format("{} is listed twice (it would run twice)", e.Scalar()));
        sc.variants.push_back(*p);
      }
    }
  }
  if (k["pci"]) {
    const auto& p = k["pci"];
    r.only(p, "kernel.pci", {"pf_aware_ats_supported", "vf_stu_validation", "quirk_phase", "noats",
                             "disable_ats_checks_ats_cap", "no_ats_quirk_keeps_ats_cap", "config_pci_pasid",
                             "warn_reset_unaware"});
    if (p["config_pci_pasid"]) sc.config_pci_pasid = r.flag(p["config_pci_pasid"], "kernel.pci.config_pci_pasid");
    if (p["warn_reset_unaware"])
      sc.warn_reset_unaware = r.flag(p["warn_reset_unaware"], "kernel.pci.warn_reset_unaware");
    if (p["disable_ats_checks_ats_cap"])
      sc.disable_ats_checks_ats_cap = r.flag(p["disable_ats_checks_ats_cap"], "kernel.pci.disable_ats_checks_ats_cap");
    if (p["no_ats_quirk_keeps_ats_cap"])
      sc.no_ats_quirk_keeps_ats_cap = r.flag(p["no_ats_quirk_keeps_ats_cap"], "kernel.pci.no_ats_quirk_keeps_ats_cap");
    if (p["pf_aware_ats_supported"]) sc.pf_aware_ats_supported = r.flag(p["pf_aware_ats_supported"], "kernel.pci.pf_aware_ats_supported");
    if (p["vf_stu_validation"]) sc.vf_stu_validation = r.flag(p["vf_stu_validation"], "kernel.pci.vf_stu_validation");
    if (p["noats"]) sc.noats = r.flag(p["noats"], "kernel.pci.noats");
    if (p["quirk_phase"]) {
      std::string ph = r.str(p["quirk_phase"], "kernel.pci.quirk_phase");
      if (ph == "final") sc.quirk_phase = policy::QuirkPhase::Final;
      else if (ph == "header") sc.quirk_phase = policy::QuirkPhase::Header;
      else r.fail(p["quirk_phase"], "kernel.pci.quirk_phase", "expected final or header");
    }
  }
  if (k["smmuv3"]) {
    const auto& m = k["smmuv3"];
    r.only(m, "kernel.smmuv3",
           {"attach_spares", "abort_ste_on_prepare_failure", "release_domain", "master_prepare_ats", "dev_feat_sva",
            "remove_dev_pasid"});
    if (m["remove_dev_pasid"])
      sc.smmuv3.remove_dev_pasid = r.flag(m["remove_dev_pasid"], "kernel.smmuv3.remove_dev_pasid");
    if (m["release_domain"]) sc.smmuv3.release_domain = r.flag(m["release_domain"], "kernel.smmuv3.release_domain");
    if (m["master_prepare_ats"])
      sc.smmuv3.master_prepare_ats = r.flag(m["master_prepare_ats"], "kernel.smmuv3.master_prepare_ats");
    if (m["dev_feat_sva"]) sc.smmuv3.dev_feat_sva = r.flag(m["dev_feat_sva"], "kernel.smmuv3.dev_feat_sva");
    if (m["attach_spares"]) sc.smmuv3.attach_spares = r.flag(m["attach_spares"], "kernel.smmuv3.attach_spares");
    if (m["abort_ste_on_prepare_failure"])
      sc.smmuv3.abort_ste_on_prepare_failure =
          r.flag(m["abort_ste_on_prepare_failure"], "kernel.smmuv3.abort_ste_on_prepare_failure");
  }
  if (k["iommu"]) {
    const auto& m = k["iommu"];
    r.only(m, "kernel.iommu", {"pci_dev_reset_iommu", "passthrough"});
    if (m["pci_dev_reset_iommu"]) sc.pci_dev_reset_iommu = r.flag(m["pci_dev_reset_iommu"], "kernel.iommu.pci_dev_reset_iommu");
    if (m["passthrough"]) sc.passthrough = r.flag(m["passthrough"], "kernel.iommu.passthrough");
  }
  if (k["invalidation"]) {
    std::string inv = r.str(k["invalidation"], "kernel.invalidation");
    if (inv == "nr_ats_masters") sc.nr_ats_masters_fastpath = true;
    else if (inv != "invs") r.fail(k["invalidation"], "kernel.invalidation", "expected invs or nr_ats_masters");
  }
}

void read_workload(const Reader& r, const YAML::Node& w, Scenario& sc) {
  if (!w.IsSequence()) r.fail(w, "workload", "expected a list of operations");
  uint64_t total = 0;
  for (const auto& n : w) {
    if (!n.IsMap()) r.fail(n, "workload[]", "expected a mapping with op and its fields");
    if (!n["op"]) r.fail(n, "workload[].op", "every step names its op");
    sim::Op op;
    op.kind = op_kind(r, n["op"]);
    // The fields the operation reads (sim::op_fields, the table replay files use too), `repeat`,
    // and for sriov_enable `vfs`, the name its count has in sysfs: a field the operation would
    // ignore is refused rather than read as if it meant something.
    const bool takes_vfs = op.kind == sim::OpKind::SriovEnable;
    std::vector<std::string> keys = {"op", "repeat", "fault"};
    for (sim::OpField f : sim::op_fields(op.kind)) keys.emplace_back(sim::field_name(f));
    if (takes_vfs) keys.emplace_back("vfs");
    r.only(n, "workload[]", keys, fmt::format(" for {}", sim::op_name(op.kind)));
    for (sim::OpField f : sim::op_fields(op.kind))
      if (n[std::string(sim::field_name(f))]) read_op_field(r, n[std::string(sim::field_name(f))], f, op);
    if (takes_vfs && n["vfs"]) {
      if (n["count"]) r.fail(n["vfs"], "workload[].vfs", "count and vfs are the same number: give one");
      op.count = r.num<uint32_t>(n["vfs"], "workload[].vfs", 256);
    }
    // A fault forced on the operation's first call of that point (as replay files carry it).
    if (n["fault"]) {
      op.fault = r.str(n["fault"], "workload[].fault");
      if (!faults::parse_point(op.fault)) r.fail(n["fault"], "workload[].fault", "expected a fault point (see --faults)");
    }
    if (op.kind == sim::OpKind::GroupSetType && !sim::is_group_type(op.type))
      r.fail(n["type"] ? n["type"] : n, "workload[].type", "expected identity, DMA or auto");
    if (sim::uses(op.kind, sim::OpField::Device) && op.device.empty()) r.fail(n, "workload[].device", "this operation needs a device");
    if (auto why = device_problem(sc, op); !why.empty()) r.fail(n["device"], "workload[].device", why);
    uint32_t repeat = n["repeat"] ? r.num<uint32_t>(n["repeat"], "workload[].repeat", 100000) : 1;
    if (repeat == 0) r.fail(n["repeat"], "workload[].repeat", "0 would drop the step (repeat is 1 to 100000)");
    total += uint64_t{repeat} * sim::op_cost(op);
    if (total > sim::kMaxWorkloadOps)
      r.fail(n, "workload[]", fmt::format("the workload asks for more than {} operations in all", sim::kMaxWorkloadOps));
    for (uint32_t i = 0; i < repeat; ++i) sc.workload.push_back(op);
  }
}

// `field` is where the block sits ("expect", or "expect_source.6.12.118").
std::map<std::string, Expectation> read_expect(const Reader& r, const YAML::Node& e, const Scenario& sc, const std::string& field) {
  std::map<std::string, Expectation> out;
  if (!e.IsMap()) r.fail(e, field, "expected a mapping from variant (or all) to expectations");
  r.unique_keys(e, field);
  for (const auto& kv : e) {
    std::string key = r.key(kv.first, field);
    auto variant = policy::parse_variant(key);
    if (key != "all" && !variant)
      r.fail(kv.first, field + "." + key, "expected all, upstream, series-v3, fail-early, rollback or vtd-style");
    // An expectation no run checks would pass unseen.
    if (variant && std::find(sc.variants.begin(), sc.variants.end(), *variant) == sc.variants.end())
      r.fail(kv.first, field + "." + key, "the scenario does not run this variant (kernel.variants)");
    const auto& x = kv.second;
    const std::string at = field + "." + key;
    r.only(x, at, {"warnings", "violations", "atc_inv_to_ats_disabled", "kasan"});
    Expectation ex;
    ex.line = static_cast<int>(kv.first.Mark().line + 1);
    if (x["warnings"]) ex.warnings = r.num<size_t>(x["warnings"], at + ".warnings", 1000000);
    if (x["atc_inv_to_ats_disabled"])
      ex.atc_inv_to_ats_disabled = r.num<size_t>(x["atc_inv_to_ats_disabled"], at + ".atc_inv_to_ats_disabled", 100000000);
    if (x["kasan"]) ex.kasan = r.num<size_t>(x["kasan"], at + ".kasan", 1000000);
    if (x["violations"]) {
      if (!x["violations"].IsSequence()) r.fail(x["violations"], at + ".violations", "expected a list of invariant numbers");
      std::vector<int> v;
      for (const auto& i : x["violations"]) v.push_back(r.num<int>(i, at + ".violations[]", check::kLastInvariant));
      std::sort(v.begin(), v.end());
      ex.violations = v;
    }
    out[key] = ex;
  }
  return out;
}

// expect_source: a mapping from a kernel tree's version to an expect block.
void read_expect_source(const Reader& r, const YAML::Node& e, Scenario& sc) {
  if (!e.IsMap()) r.fail(e, "expect_source", "expected a mapping from a kernel version (as 6.12.118) to expectations");
  r.unique_keys(e, "expect_source");
  for (const auto& kv : e) {
    const std::string version = r.key(kv.first, "expect_source");
    // VERSION.PATCHLEVEL.SUBLEVEL[EXTRAVERSION], as cmake/KernelTree.cmake reads the tree's
    // Makefile (SUBLEVEL 0 when it has none): a key of another shape would never match a tree.
    static const std::regex kVersion(R"(\d+\.\d+\.\d+(-[A-Za-z0-9._+~-]+)?)");
    if (!std::regex_match(version, kVersion))
      r.fail(kv.first, "expect_source." + version,
             "expected a kernel version as the tree's Makefile gives it, such as 6.12.118 or 7.3.0-rc2");
    sc.expect_source[version] = read_expect(r, kv.second, sc, "expect_source." + version);
  }
}

Scenario read_root(const Reader& r, const YAML::Node& root) {
  const std::string& path = r.path();
  if (!root.IsMap()) r.fail(root, "(top level)", "expected a mapping with name, machine, kernel, workload, faults, expect");
  r.only(root, "(top level)", {"name", "machine", "kernel", "workload", "faults", "seed", "expect", "expect_source"});
  Scenario sc;
  sc.path = path;
  sc.name = root["name"] ? r.name(root["name"], "name") : std::filesystem::path(path).stem().string();
  if (!root["machine"]) r.fail(root, "machine", "required");
  read_machine(r, root["machine"], sc);
  if (root["kernel"]) read_kernel(r, root["kernel"], sc);
  if (sc.variants.empty()) sc.variants.assign(policy::kAllVariants.begin(), policy::kAllVariants.end());
  if (root["workload"]) read_workload(r, root["workload"], sc);
  if (root["faults"]) {
    sc.faults = r.str(root["faults"], "faults");
    try {
      faults::parse_plan(sc.faults);
    } catch (const InputError& e) {
      r.fail(root["faults"], "faults", e.what());
    }
  }
  if (root["seed"]) sc.seed = r.num<uint64_t>(root["seed"], "seed", UINT64_MAX);
  if (root["expect"]) sc.expect = read_expect(r, root["expect"], sc, "expect");
  if (root["expect_source"]) read_expect_source(r, root["expect_source"], sc);
  return sc;
}

}  // namespace

bool only_smmuv3(const Scenario& sc) {
  const auto smmuv3 = [](hw::pcie::IommuKind k) { return k == hw::pcie::IommuKind::Smmuv3 || k == hw::pcie::IommuKind::None; };
  if (sc.host) {
    for (const auto& rc : sc.host->topology->root_complexes())
      if (!smmuv3(rc.iommu)) return false;
    return true;
  }
  return std::all_of(sc.rcs.begin(), sc.rcs.end(), [&](const RcSpec& rc) { return smmuv3(rc.iommu); });
}

bool uses_smmuv3(const Scenario& sc) {
  if (sc.host) {
    for (const auto& rc : sc.host->topology->root_complexes())
      if (rc.iommu == hw::pcie::IommuKind::Smmuv3) return true;
    return false;
  }
  return std::any_of(sc.rcs.begin(), sc.rcs.end(), [](const RcSpec& rc) { return rc.iommu == hw::pcie::IommuKind::Smmuv3; });
}

std::string device_problem(const Scenario& sc, const sim::Op& op) {
  if (op.device.empty()) return "";
  // "<pf>.vf<N>": N in plain decimal, as the kernel names virtfnN (no sign, space or leading zero).
  const auto dot = op.device.find(".vf");
  const std::string base = op.device.substr(0, dot);
  const DeviceSpec* dev = nullptr;
  for (const auto& d : sc.devices)
    if (d.name == base) dev = &d;
  if (!dev) return fmt::format("no device named '{}'", base);
  // Nesting is the SMMUv3 driver's alone here: intel's and amd's nest parents and vIOMMUs are not
  // modelled, and a kernel return code for them would be the model's, not the kernel's.
  if (sim::is_nesting(op) && !sc.host) {
    uint16_t rc = dev->rc;
    for (const auto& p : sc.ports)
      if (!dev->port.empty() && p.name == dev->port) rc = p.rc;
    if (rc < sc.rcs.size() && sc.rcs[rc].iommu != hw::pcie::IommuKind::Smmuv3)
      return fmt::format("{}{} on '{}', behind {}: nesting is modelled behind an SMMUv3 only (the vSMMU)",
                         sim::op_name(op.kind), op.kind == sim::OpKind::IommufdHwptAlloc ? " with nest_parent" : "", base,
                         sc.rcs[rc].iommu == hw::pcie::IommuKind::Vtd   ? "VT-d"
                         : sc.rcs[rc].iommu == hw::pcie::IommuKind::Amd ? "AMD-Vi"
                                                                        : "no IOMMU");
  }
  if (dot == std::string::npos) return "";
  const std::string index = op.device.substr(dot + 3);
  if (index.empty() || index.size() > 5 || index.find_first_not_of("0123456789") != std::string::npos ||
      (index.size() > 1 && index[0] == '0'))
    return fmt::format("bad VF name '{}' (expected <pf>.vf<N>, N a whole number)", op.device);
  if (op.kind == sim::OpKind::HotplugAdd || op.kind == sim::OpKind::HotplugRemove)
    return fmt::format("{} takes a device in a hot-plug slot, not a VF ('{}')", sim::op_name(op.kind), op.device);
  const unsigned vf = static_cast<unsigned>(std::stoul(index));
  // A dump's TotalVFs is known only once it is read; the topology has 256 VF slots per PF at most.
  const unsigned total = dev->lspci.empty() ? (dev->sriov ? dev->sriov->total_vfs : 0) : 256;
  if (vf >= total)
    return total ? fmt::format("'{}': {} has {} VF{} (vf0 to vf{})", op.device, base, total, total > 1 ? "s" : "", total - 1)
                 : fmt::format("'{}': {} has no SR-IOV capability", op.device, base);
  return "";
}

Scenario load_scenario(const std::string& path) {
  Reader r(path);
  // The path is written into JSON results and replay files, which carry UTF-8 only.
  if (first_invalid_utf8(path))
    throw InputError(fmt::format("{}: the file name is not valid UTF-8 (it is written into results and replay files)", path));
  YAML::Node root;
  try {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw InputError(fmt::format("{}: cannot open scenario", path));
    // yaml-cpp reads about a megabyte a second: a larger file is refused before it is parsed.
    if (std::filesystem::file_size(path, ec) > kMaxScenarioBytes)
      throw InputError(fmt::format("{}: larger than {} KiB, the limit for a scenario file", path, kMaxScenarioBytes >> 10));
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) throw InputError(fmt::format("{}: cannot read scenario", path));
    // Names go into JSON, traces, replay files and HTML: YAML is Unicode text, and anything else is refused here.
    if (auto at = first_invalid_utf8(text)) {
      const size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(*at), '\n'));
      const size_t bol = text.rfind('\n', *at);  // text[*at] is no newline: this is the one before it
      const size_t col = *at - (bol == std::string::npos ? 0 : bol + 1) + 1;
      throw InputError(fmt::format("{}:{}:{}: not valid UTF-8 (byte {:#04x}); a scenario is UTF-8 text", path, line, col,
                                   static_cast<unsigned>(static_cast<unsigned char>(text[*at]))));
    }
    // Not YAML::LoadAll: on some bad input yaml-cpp 0.7's loop in it never ends (io/yaml_guard.h).
    const auto docs = probe_yaml_documents(text);
    if (docs.stuck_at)
      throw InputError(fmt::format("{}:{}:{}: not valid YAML: {}", path, docs.stuck_at->line, docs.stuck_at->column,
                                   docs.stuck_what));
    // YAML::LoadFile reads the first document and drops the rest: a second one is refused.
    if (docs.count > 1) {
      // yaml-cpp also ends a document without a marker, at a line that fits nowhere in it.
      bool marked = false;
      size_t line = 1;
      for (size_t pos = 0; pos < text.size() && line <= docs.second.line; ++line) {
        if (line > docs.first.line && text.compare(pos, 3, "---") == 0) marked = true;
        pos = text.find('\n', pos);
        if (pos == std::string::npos) break;
        ++pos;
      }
      throw InputError(fmt::format("{}:{}:{}: (document 2): a scenario file holds one YAML document ({})", path,
                                   docs.second.line, docs.second.column,
                                   marked ? "remove the second '---'"
                                          : "yaml-cpp ended the first one before this line, which fits nowhere in it: check its indentation"));
    }
    if (docs.count == 1) root = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's message for this one is "bad file".
    throw InputError(fmt::format("{}:{}:{}: not valid YAML for a scenario: nested {} levels deep (yaml-cpp stops there)", path,
                                 e.mark.line + 1, e.mark.column + 1, e.depth()));
  } catch (const YAML::ParserException& e) {
    throw InputError(fmt::format("{}:{}:{}: not valid YAML: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  } catch (const YAML::BadFile&) {
    throw InputError(fmt::format("{}: cannot open scenario", path));
  }
  // Anything yaml-cpp itself throws while the document is read is bad input too, reported at its mark.
  Scenario sc;
  try {
    sc = read_root(r, root);
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  // The machine built once, as every run will build it: what PCI cannot hold is refused now, before
  // any run, and so is a machine above the model's limit (VF slots and bridges count).
  std::map<std::string, hw::pcie::FnId> names;
  const auto functions = build_topology(sc, names).functions().size();
  if (functions > kMaxFunctions)
    throw InputError(fmt::format("{}: machine: {} functions with bridges and VF slots; a machine has at most {} (docs/scenarios.md)",
                                 path, functions, kMaxFunctions));
  return sc;
}

}  // namespace atslab::io
