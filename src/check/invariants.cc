#include "hw/pcie/atc.h"
#include "check/invariants.h"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "check/atc_oracle.h"
#include "check/history_cursor.h"
#include "check/memory_order.h"
#include "check/state_index.h"
#include "check/vtd_amd_invariants.h"
#include "hw/pcie/capability_walk.h"
#include "hw/smmuv3/bits.h"
#include "hw/smmuv3/cd_layout.h"
#include "hw/smmuv3/ste_layout.h"
#include "hw/smmuv3/stream_table.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "linux/iommu/driver_ops.h"
#include "linux/system.h"

namespace atslab::check {

namespace {

using hw::pcie::FnId;
namespace ats = hw::pcie::ats;

// SMMUv3 command opcodes, as the architecture encodes them (not the driver's enum).
constexpr int64_t kTlbiNhAll = 0x10, kTlbiNhAsid = 0x11, kTlbiNhVa = 0x12, kTlbiS12Vmall = 0x28, kTlbiS2Ipa = 0x2a;
constexpr int64_t kAtcInv = 0x40, kCmdSync = 0x46, kCfgiSte = 0x03;

// Hardware truth: the ATS Control register of a function, as the silicon decodes it.
hw::pcie::AtsControl hw_ats(const System& s, FnId fn) { return hw::pcie::ats_control(s.hw.pcie.fn(fn).cfg); }
bool hw_ats_on(const System& s, FnId fn) { return s.hw.pcie.fn(fn).present && hw_ats(s, fn).enabled; }

// Hardware truth: the STE the SMMU holds for a StreamID (an unwritten one is invalid).
std::array<uint64_t, 8> hw_ste(const System& s, uint16_t smmu, uint32_t sid) {
  if (smmu >= s.hw.smmus.size()) return {};
  auto pa = hw::smmuv3::ste_address(s.hw.memory, s.hw.smmus[smmu], sid);
  return pa ? hw::smmuv3::read_entry(s.hw.memory, *pa) : std::array<uint64_t, 8>{};
}
unsigned ste_cfg(const std::array<uint64_t, 8>& e) { return (e[0] >> 1) & 7; }
unsigned ste_eats(const std::array<uint64_t, 8>& e) { return (e[1] >> 28) & 3; }
bool ste_valid(const std::array<uint64_t, 8>& e) { return e[0] & 1; }
bool ste_translates(const std::array<uint64_t, 8>& e) { return ste_valid(e) && ste_cfg(e) >= 5; }

std::string dev_name(const System& s, pci::DevId d) { return s.kernel.devs[d].bdf.str(); }

// A StreamID is an SMMU's: two root complexes behind two SMMUs may number their functions alike
// (0000:01:00.0 and 0001:01:00.0 are both StreamID 0x100). History keyed by StreamID alone mixed
// them up (a second SMMU's abort STE read as the first's EATS change, invariant 12).
uint32_t stream_key(int64_t smmu, uint32_t sid) { return (static_cast<uint32_t>(smmu) << 24) | (sid & 0xffffff); }

bool live(const pci::PciDev& d) { return d.state != pci::DevState::Removed && d.state != pci::DevState::Setup; }

void pci_invariants(const System& s, const StateIndex* index, std::vector<Violation>& out) {
  for_ids(index ? &index->devs() : nullptr, s.kernel.devs.size(), [&](pci::DevId id) {
    const auto& d = s.kernel.devs[id];
    if (!live(d) || !s.hw.pcie.fn(d.fn).present) return;
    bool hw_on = hw_ats_on(s, d.fn);
    if (d.ats_enabled != hw_on)
      out.push_back({1, dev_name(s, id), fmt::format("pci_dev ats_enabled={} but the Enable bit is {}", d.ats_enabled, hw_on)});
    // no_ats: a quirk marked the function no-ATS while keeping ats_cap (Matlack's bit, or sketch 7b at FINAL).
    if (hw_on && (!d.ats_cap || d.no_ats || d.untrusted))
      out.push_back({2, dev_name(s, id), fmt::format("ATS enabled with ats_cap={:#x} no_ats={} untrusted={}", d.ats_cap,
                                                     d.no_ats, d.untrusted)});
    if (hw_on && !d.is_virtfn && hw_ats(s, d.fn).stu_shift != d.ats_stu)
      out.push_back({3, dev_name(s, id), fmt::format("STU field {} does not match ats_stu {}", hw_ats(s, d.fn).stu_shift - ats::kMinStu, d.ats_stu)});
    if (hw_on && d.is_virtfn && s.kernel.devs[d.physfn].ats_stu < ats::kMinStu)
      out.push_back({5, dev_name(s, id), "VF ATS enabled while its PF's STU was never programmed"});
    if (hw_on && d.untrusted) out.push_back({8, dev_name(s, id), "untrusted device has ATS enabled"});
    if (s.kernel.pci_switches.noats && d.ats_cap) out.push_back({8, dev_name(s, id), "pci=noats but ats_cap is set"});
    if (d.pri_enabled && !d.ats_enabled) out.push_back({7, dev_name(s, id), "PRI enabled without ATS"});
  });
}

// 9 and 10 for one master, whichever driver holds it: its belief against the function and its STEs.
void master_invariants(const System& s, pci::DevId dev, uint16_t smmu, bool ats_enabled, const std::vector<uint32_t>& streams,
                       uint32_t index, std::vector<Violation>& out) {
  bool hw_on = hw_ats_on(s, s.kernel.devs[dev].fn);
  // Named only when something is reported: formatting names for every healthy object costs more than the checks.
  auto who = [&] { return fmt::format("{} (master {})", dev_name(s, dev), index); };
  if (ats_enabled != hw_on)
    out.push_back({9, who(), fmt::format("master->ats_enabled={} but PCI ATS is {}", ats_enabled, hw_on ? "on" : "off")});
  if (ats_enabled)
    for (uint32_t sid : streams) {
      auto ste = hw_ste(s, smmu, sid);
      if (!ste_translates(ste) || ste_eats(ste) != 1)
        out.push_back({10, who(), fmt::format("master->ats_enabled but StreamID {:#x} has CFG={} EATS={}", sid, ste_cfg(ste), ste_eats(ste))});
    }
}

// 27 (PASIDs): every PASID the driver counts in use (cd_table.used_ssids) has a valid CD the SMMU
// can reach: each StreamID's STE is a CD-table STE, and the valid CDs at SSIDs 1 to
// 2^S1CDMAX - 1 of the table it points at are as many as the driver counts. A CD written past
// the table's end, or a table the STE no longer points at, leaves a PASID the core believes
// attached whose tagged DMA the SMMU refuses (C_BAD_SUBSTREAMID / F_STREAM_DISABLED).
// For either driver's master (the tree's used_ssids through the adapter): the CDs past CD 0 are
// counted as the SMMU walks the table, linear or through the L1 descriptors of a 2-level one.
void pasid_reach_invariant(const System& s, pci::DevId dev, uint16_t smmu, const std::vector<uint32_t>& streams,
                           uint32_t used_ssids, uint32_t index, std::vector<Violation>& out) {
  if (used_ssids == 0) return;
  for (uint32_t sid : streams) {
    const auto ste = hw_ste(s, smmu, sid);
    auto who = [&] { return fmt::format("{} (master {})", dev_name(s, dev), index); };
    if (!ste_valid(ste) || (ste_cfg(ste) != 5 && ste_cfg(ste) != 7)) {
      out.push_back({27, who(), fmt::format("{} PASID(s) in use but StreamID {:#x} has CFG={}: no CD table", used_ssids, sid, ste_cfg(ste))});
      continue;
    }
    const unsigned cdmax = static_cast<unsigned>(hw::smmuv3::field_get(hw::smmuv3::ste::k0S1CdMax, ste[0]));
    uint32_t reachable = 0;
    hw::smmuv3::for_each_valid_cd(s.hw.memory, ste, [&](uint32_t, uint64_t) { ++reachable; });
    if (reachable != used_ssids)
      out.push_back({27, who(), fmt::format("cd_table.used_ssids={} but StreamID {:#x}'s STE (S1CDMAX {}) reaches {} valid CD(s) past CD 0",
                                            used_ssids, sid, cdmax, reachable)});
  }
}

// The STE CFG a nested domain's vSTE gives (arm_smmu_make_nested_domain_ste): abort without V or
// with CFG abort, the S2 alone for bypass, nested for S1_TRANS.
unsigned vste_ste_cfg(const std::array<uint64_t, 2>& vste) {
  if (!(vste[0] & 1)) return 0;
  const unsigned cfg = (vste[0] >> 1) & 7;
  return cfg == 4 ? 6 : cfg == 5 ? 7 : 0;
}

// 28 (nesting): the VM controls its device's ATS (arm_smmu_attach_dev_nested: "If the EATS is set
// then the VM must generate ATC flushes"; the host forwards them). What breaks that: PCI ATS on
// while the guest's translating vSTE did not ask for EATS (the guest issues no ATC invalidation, so
// the ATC goes stale), or the STE's EATS and PCI ATS Enable parting (the host's own record of the
// decision is wrong: a failed commit-time enable left EATS set). A bypass or abort vSTE leaves ATS
// to the host, as an S2 attach does (upstream a45dd3466302, 7.2): the guest has no stage 1 whose
// ATC entries it would flush, and the host's S2 unmaps reach the ATC through the parent's
// ATS_FULL entry. A vSTE asking EATS on a host whose ATS is
// unsupported (arm_smmu_ats_supported false: prepare decides off, the STE gets EATS=0) is the
// kernel's stated behaviour, not a violation: the guest's extra ATC invalidations go to a function
// whose ATS is off, which a compliant endpoint completes (finding 5); finding 27 says so.
void nested_ats_check(const System& s, pci::DevId dev, uint16_t smmu, uint32_t sid, const std::array<uint64_t, 2>& vste,
                      bool enable_ats, const std::string& who, std::vector<Violation>& out) {
  const bool hw_on = hw_ats_on(s, s.kernel.devs[dev].fn);
  const auto ste = hw_ste(s, smmu, sid);
  const bool ste_on = ste_eats(ste) == 1;
  const bool guest_decides = (vste[0] & 1) && ((vste[0] >> 1) & 7) == 5;  // V, CFG S1_TRANS
  if ((!hw_on || enable_ats || !guest_decides) && ste_on == hw_on) return;
  out.push_back({28, who,
                 fmt::format("the guest's vSTE has EATS={} but PCI ATS is {} and the STE has EATS={}", enable_ats ? "TRANS" : "ABT",
                             hw_on ? "on" : "off", ste_eats(ste))});
}

void nested_ats_invariant(const System& s, const smmuv3::Driver& drv, const smmuv3::SmmuDomain& parent, std::vector<Violation>& out) {
  for (const auto& md : parent.devices) {
    if (md.domain == iommu::kNoDomain || s.kernel.iommu.domains[md.domain].type != iommu::DomainType::Nested) continue;
    const auto& nd = drv.nested_domains[s.kernel.iommu.domains[md.domain].priv];
    const auto& master = drv.masters[md.master];
    nested_ats_check(s, master.dev, master.smmu, master.streams.front(), nd.ste, nd.enable_ats,
                     fmt::format("{} (master {})", dev_name(s, master.dev), md.master), out);
  }
}

template <typename Who>
void nr_ats_masters_invariant(int nr_ats_masters, int really, const Who& who, std::vector<Violation>& out) {
  if (nr_ats_masters != really)
    out.push_back({13, who(), fmt::format("nr_ats_masters={} but {} attached master(s) have PCI ATS on", nr_ats_masters, really)});
}

// Calls f for each entry of an invalidation array in use (users > 0), in order, without
// copying them out (Invs::live's copy, made per domain per step, was most of a long run's checks).
template <typename F>
void for_live_invs(const smmuv3::Invs& a, F f) {
  for (uint16_t i = 0; i < a.num_invs; ++i)
    if (a.inv[i].users > 0) f(a.inv[i]);
}

// Counts by key, as a sorted list (what std::map gave, without a node per key).
struct Tally {
  using Key = std::tuple<int, uint32_t, uint32_t>;
  std::vector<std::pair<Key, int>> counts;
  void add(const Key& k, int n) { counts.emplace_back(k, n); }
  // Sorts and sums equal keys: afterwards `counts` holds one entry per key, ascending.
  void finish() {
    std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    size_t w = 0;
    for (size_t r = 0; r < counts.size(); ++r) {
      if (w && counts[w - 1].first == counts[r].first) counts[w - 1].second += counts[r].second;
      else counts[w++] = counts[r];
    }
    counts.resize(w);
  }
  const std::pair<Key, int>* find(const Key& k) const {
    auto it = std::lower_bound(counts.begin(), counts.end(), k, [](const auto& e, const Key& key) { return e.first < key; });
    return it != counts.end() && it->first == k ? &*it : nullptr;
  }
  bool has(const Key& k) const { return find(k) != nullptr; }
  int count(const Key& k) const { return has(k) ? find(k)->second : 0; }
};

// 14's comparison, for either driver: the live entries an array has against those its
// attachments expect, each tally finished. Empty when they match, else what differs.
std::string invs_diff(const Tally& expect, const Tally& have) {
  if (expect.counts == have.counts) return "";
  auto name = [](const Tally::Key& k) {
    return fmt::format("{}({:#x},{})", smmuv3::name(static_cast<smmuv3::InvType>(std::get<0>(k))), std::get<1>(k), std::get<2>(k));
  };
  std::string diff;
  for (const auto& [k, n] : have.counts)
    if (expect.count(k) != n) diff += fmt::format(" {} users={} expected={};", name(k), n, expect.count(k));
  for (const auto& [k, n] : expect.counts)
    if (!have.has(k)) diff += fmt::format(" {} missing;", name(k));
  return diff;
}

// 9, 10, 13 and 27 on the kernel tree's driver, its belief read through the adapter compiled
// against its arm-smmu-v3.h; 14 and 15 where the tree has invalidation arrays (7.2; 6.12 has none).
// 15's sort order is not checked here: the tree sorts by SMMU pointer, which the adapter does not hand over.
void tree_smmu_invariants(const System& s, std::vector<Violation>& out) {
  std::map<pci::DevId, std::vector<uint32_t>> streams;
  for (const auto& m : kernel_src::smmuv3::masters(s)) {
    master_invariants(s, m.dev, m.smmu, m.ats_enabled, m.streams, m.dev, out);
    pasid_reach_invariant(s, m.dev, m.smmu, m.streams, m.used_ssids, m.dev, out);
    streams[m.dev] = m.streams;
  }
  // 28 on the tree's nested domains (its vSMMU: a 7.2 tree).
  for (const auto& nd : kernel_src::smmuv3::nested_domains(s))
    for (pci::DevId d : nd.devices)
      if (d != pci::kNoDev && !streams[d].empty())
        nested_ats_check(s, d, s.hw.pcie.rc(s.kernel.devs[d].rc).iommu_index, streams[d].front(), nd.vste, nd.enable_ats,
                         dev_name(s, d), out);
  for (const auto& dom : kernel_src::smmuv3::domains(s)) {
    auto who = [&] { return fmt::format("iommu domain {} (the tree's arm_smmu_domain)", dom.domain); };
    int really = 0;
    for (pci::DevId d : dom.devices)
      if (d != pci::kNoDev && hw_ats_on(s, s.kernel.devs[d].fn)) ++really;
    nr_ats_masters_invariant(dom.nr_ats_masters, really, who, out);
    if (!dom.invs) continue;
    Tally expect, have;
    for (size_t i = 0; i < dom.devices.size(); ++i) {
      const pci::DevId d = dom.devices[i];
      expect.add({dom.s2 ? 1 : 0, dom.tag, 0}, 1);
      // A nest parent's attachments also flush the nested S1 ASIDs, and their whole ATC
      // (arm_smmu_master_build_invs: S2_VMID_S1_CLEAR, ATS_FULL).
      if (dom.nest_parent) expect.add({2, dom.tag, 0}, 1);
      if (d != pci::kNoDev && hw_ats_on(s, s.kernel.devs[d].fn))
        for (uint32_t sid : streams[d]) expect.add({dom.nest_parent ? 4 : 3, sid, dom.ssids[i]}, 1);
    }
    bool any_ats = false;
    for (const auto& e : dom.invs->inv) {
      if (e.users < 0) out.push_back({15, who(), "negative users"});
      if (e.users <= 0) continue;
      const bool ats = smmuv3::is_ats(static_cast<smmuv3::InvType>(e.type));
      any_ats |= ats;
      have.add({e.type, e.id, ats ? e.ssid : 0}, e.users);
    }
    expect.finish();
    have.finish();
    if (auto diff = invs_diff(expect, have); !diff.empty())
      out.push_back({14, who(), "invalidation array differs from its attachments:" + diff});
    const auto& a = *dom.invs;
    if (a.num_trashes > a.num_invs || a.num_invs > a.max_invs || (any_ats && !a.has_ats))
      out.push_back({15, who(), fmt::format("array malformed: trashes={} num={} max={} has_ats={}", a.num_trashes,
                                          a.num_invs, a.max_invs, a.has_ats)});
  }
}


// 26: a device's release went through the release domain: its StreamIDs are left aborting
// (unless another live function has taken the same routing ID since). One violation per
// released device, in id order.
void released_invariant(const System& s, const StateIndex* index, std::vector<Violation>& out) {
  auto bad_ste = [&](const pci::PciDev& d) -> std::optional<unsigned> {
    auto ste = hw_ste(s, s.hw.pcie.rc(d.rc).iommu_index, d.bdf.rid());
    if (ste_valid(ste) && ste_cfg(ste) != 0) return ste_cfg(ste);
    return std::nullopt;
  };
  auto report = [&](pci::DevId id, unsigned cfg) {
    out.push_back({26, dev_name(s, id), fmt::format("released, but its STE still has CFG={} (the release domain was not attached)", cfg)});
  };
  if (!index) {
    for (pci::DevId id = 0; id < s.kernel.devs.size(); ++id) {
      const auto& d = s.kernel.devs[id];
      if (d.state != pci::DevState::Removed || s.hw.pcie.rc(d.rc).iommu != hw::pcie::IommuKind::Smmuv3) continue;
      if (id >= s.kernel.iommu.devs.size()) continue;
      bool reused = false;
      for (const auto& other : s.kernel.devs) reused |= other.state != pci::DevState::Removed && other.rc == d.rc && other.bdf.rid() == d.bdf.rid();
      if (reused) continue;
      if (auto cfg = bad_ste(d)) report(id, *cfg);
    }
    return;
  }
  // Per routing ID: reused by a device not removed, else the STE decides for every device released there.
  std::set<uint32_t> in_use;
  for (pci::DevId id : index->devs()) in_use.insert(StateIndex::rid_key(s.kernel.devs[id].rc, s.kernel.devs[id].bdf.rid()));
  std::vector<std::pair<pci::DevId, unsigned>> found;
  for (const auto& [key, ids] : index->released()) {
    if (in_use.count(key)) continue;
    if (auto cfg = bad_ste(s.kernel.devs[ids.front()]))
      for (pci::DevId id : ids) found.push_back({id, *cfg});
  }
  std::sort(found.begin(), found.end());
  for (const auto& [id, cfg] : found) report(id, cfg);
}

// 9, 10, 13 to 17 on atslab's own SMMUv3 driver.
void model_smmu_invariants(const System& s, const StateIndex* index, std::vector<Violation>& out) {
  const auto& drv = s.kernel.smmuv3;
  for_ids(index ? &index->masters() : nullptr, drv.masters.size(), [&](uint32_t m) {
    const auto& master = drv.masters[m];
    if (!master.live) return;
    master_invariants(s, master.dev, master.smmu, master.ats_enabled, master.streams, m, out);
    pasid_reach_invariant(s, master.dev, master.smmu, master.streams, master.used_ssids, m, out);
  });
  for (uint32_t di = 0; di < drv.domains.size(); ++di) {
    const auto& dom = drv.domains[di];
    if (!dom.live) continue;
    auto who = [&] { return fmt::format("smmu domain {} (iommu domain {})", di, dom.domain); };
    // 13: counted iff PCI ATS is really on for the attachment.
    int really = 0;
    for (const auto& md : dom.devices)
      if (hw_ats_on(s, s.kernel.devs[drv.masters[md.master].dev].fn)) ++really;
    nr_ats_masters_invariant(dom.nr_ats_masters, really, who, out);
    if (dom.nest_parent) nested_ats_invariant(s, drv, dom, out);
    // 14 and 15 are about the 2026 arrays; the older design has none to check.
    if (drv.inv_design != smmuv3::InvalidationDesign::Invs) continue;
    // 14: the live array is the union of every attachment's build, with ATS entries only where ATS is on.
    const auto& slot = drv.invs_pool[dom.invs];
    // Memory safety: a live domain's published array is never one handed to kfree_rcu (its memory may be reused).
    if (slot.state != smmuv3::RcuState::Live)
      out.push_back({0, who(), fmt::format("the domain's published invalidation array (slot {}) was freed", dom.invs)});
    // Counted as sorted (key, count) lists: a map per domain per step allocated a node per key,
    // and a long run's leaked domains made that most of a step.
    Tally expect, have;
    for (const auto& md : dom.devices) {
      const auto& master = drv.masters[md.master];
      bool s1 = smmuv3::asid_tagged(dom.stage);
      expect.add({s1 ? 0 : 1, s1 ? dom.asid : dom.vmid, 0}, 1);
      // A nest parent also flushes its nested stage 1s (by VMID), and a guest's whole ATC.
      if (dom.nest_parent) expect.add({static_cast<int>(smmuv3::InvType::S2VmidS1Clear), dom.vmid, 0}, 1);
      const int ats = static_cast<int>(dom.nest_parent ? smmuv3::InvType::AtsFull : smmuv3::InvType::Ats);
      if (hw_ats_on(s, s.kernel.devs[master.dev].fn))
        for (uint32_t sid : master.streams) expect.add({ats, sid, md.ssid}, 1);
    }
    for_live_invs(slot.invs, [&](const smmuv3::Inv& inv) {
      have.add({static_cast<int>(inv.type), inv.id, smmuv3::is_ats(inv.type) ? inv.ssid : 0}, inv.users);
    });
    expect.finish();
    have.finish();
    if (auto diff = invs_diff(expect, have); !diff.empty())
      out.push_back({14, who(), "invalidation array differs from its attachments:" + diff});
    // 15: structure of the array.
    const auto& a = slot.invs;
    bool sorted = true, any_ats = false;
    for (uint16_t i = 0; i < a.num_invs; ++i) {
      if (i && smmuv3::inv_cmp(a.inv[i - 1], a.inv[i]) >= 0) sorted = false;
      if (a.inv[i].users > 0 && smmuv3::is_ats(a.inv[i].type)) any_ats = true;
      if (a.inv[i].users < 0) out.push_back({15, who(), "negative users"});
    }
    if (!sorted || a.num_trashes > a.num_invs || a.num_invs > a.max_invs || (any_ats && !a.has_ats))
      out.push_back({15, who(), fmt::format("array malformed: sorted={} trashes={} num={} max={} has_ats={}", sorted,
                                          a.num_trashes, a.num_invs, a.max_invs, a.has_ats)});
  }
  if (drv.inv_design == smmuv3::InvalidationDesign::Invs) {
    // 16: a tag the IOTLB holds is one some live array still invalidates (else it was flushed on its last unref).
    std::set<std::pair<int, uint32_t>> tags;  // (0 = ASID, 1 = VMID, id) per SMMU-independent id space
    for (const auto& dom : drv.domains)
      if (dom.live)
        for_live_invs(drv.invs_pool[dom.invs].invs, [&](const smmuv3::Inv& inv) {
          if (!smmuv3::is_ats(inv.type)) tags.insert({inv.type == smmuv3::InvType::S1Asid ? 0 : 1, inv.id});
        });
    for (size_t i = 0; i < s.hw.smmus.size(); ++i)
      for (const auto& e : s.hw.smmus[i].iotlb.entries) {
        // A nested (combined) entry carries the guest's ASID; the host tags and flushes it by VMID.
        const bool by_asid = e.s1 && !e.nested;
        if (!tags.count({by_asid ? 0 : 1, by_asid ? e.asid : e.vmid}))
          out.push_back({16, fmt::format("smmu {}", i), fmt::format("the IOTLB holds {} {} which no invalidation array lists",
                                                                    by_asid ? "ASID" : "VMID", by_asid ? e.asid : e.vmid)});
      }
    // 17 (quiescent form): the domain the SMMU uses for a master's traffic lists the master's invalidations.
    for_ids(index ? &index->groups() : nullptr, s.kernel.iommu.groups.size(), [&](uint32_t g) {
      const auto& grp = s.kernel.iommu.groups[g];
      if (grp.domain == iommu::kNoDomain) return;
      const auto& idom = s.kernel.iommu.domains[grp.domain];
      if (idom.driver != hw::pcie::IommuKind::Smmuv3) return;
      // A nested domain's traffic is translated (stage 2) and invalidated by its vSMMU's S2 parent.
      const bool nested = idom.type == iommu::DomainType::Nested;
      if (!iommu::is_paging(idom.type) && !nested) return;
      const auto& dom = drv.domains[nested ? drv.vsmmus[drv.nested_domains[idom.priv].vsmmu].s2_parent : idom.priv];
      const auto& invs = drv.invs_pool[dom.invs].invs;
      auto listed = [&](smmuv3::InvType t, uint32_t id) {
        bool found = false;
        for_live_invs(invs, [&](const smmuv3::Inv& inv) { found |= inv.type == t && inv.id == id; });
        return found;
      };
      for (pci::DevId dev : grp.devices) {
        const auto& d = s.kernel.devs[dev];
        auto ste = hw_ste(s, idom.iommu, d.bdf.rid());
        if (!ste_translates(ste)) continue;
        bool s1 = smmuv3::asid_tagged(dom.stage);
        if (!listed(s1 ? smmuv3::InvType::S1Asid : smmuv3::InvType::S2Vmid, s1 ? dom.asid : dom.vmid))
          out.push_back({17, dev_name(s, dev), "the SMMU translates its traffic through a domain whose array lacks the domain's tag"});
        if (hw_ats_on(s, d.fn) && ste_eats(ste) == 1 &&
            !listed(dom.nest_parent ? smmuv3::InvType::AtsFull : smmuv3::InvType::Ats, d.bdf.rid()))
          out.push_back({17, dev_name(s, dev), "ATS is on but the domain the SMMU uses sends it no ATC invalidation"});
      }
    });
  }
}

// 29 (PASIDs): every PASID a group records (group->pasid_array) on an SMMUv3 paging or SVA domain
// is attached in the driver on each member with PASIDs (dev->iommu->max_pasids, as
// __iommu_set_group_pasid picks them), outside that member's reset: the domain's devices list
// holds the member's master_domain at that SSID. A re-attach that failed where the core cannot
// fail (pci_dev_reset_iommu_done's WARN_ON(set_dev_pasid), the unwind of a replace) leaves the
// PASID recorded on a domain the driver has dropped it from: the core's later detach and the
// domain's invalidations act on an attachment that is not there (finding 28). Where 27 asks
// whether the SMMU reaches what the driver counts, 29 asks whether the driver holds what the
// core records.
void pasid_attached_invariant(const System& s, const std::optional<std::vector<kernel_src::smmuv3::DomainBelief>>& tree,
                              const StateIndex* index, std::vector<Violation>& out) {
  const smmuv3::Driver& drv = s.kernel.smmuv3;
  for_ids(index ? &index->groups() : nullptr, s.kernel.iommu.groups.size(), [&](uint32_t g) {
    const auto& grp = s.kernel.iommu.groups[g];
    for (const iommu::GroupPasid& p : grp.pasids) {
      if (p.domain == iommu::kNoDomain || p.domain >= s.kernel.iommu.domains.size()) continue;
      const auto& dom = s.kernel.iommu.domains[p.domain];
      if (dom.driver != hw::pcie::IommuKind::Smmuv3 || !(iommu::is_paging(dom.type) || dom.type == iommu::DomainType::Sva))
        continue;
      for (pci::DevId dev : grp.devices) {
        const auto& idev = s.kernel.iommu.devs.at(dev);
        if (idev.max_pasids == 0 || idev.reset_depth > 0) continue;
        bool held = false;
        if (tree) {
          for (const auto& b : *tree)
            if (b.domain == p.domain)
              for (size_t i = 0; i < b.devices.size(); ++i) held |= b.devices[i] == dev && b.ssids[i] == p.pasid;
        } else if (dom.priv < drv.domains.size()) {
          for (const auto& md : drv.domains[dom.priv].devices)
            held |= md.master < drv.masters.size() && drv.masters[md.master].dev == dev && md.ssid == p.pasid &&
                    md.domain == p.domain;
        }
        if (!held)
          out.push_back({29, dev_name(s, dev), fmt::format("group {} records PASID {} on {} domain {} but the driver holds no "
                                                           "attachment of it (no master_domain at SSID {})",
                                                           g, p.pasid, iommu::name(dom.type), p.domain, p.pasid)});
      }
    }
  });
}

void smmu_invariants(const System& s, bool quiescent, const StateIndex* index, std::vector<Violation>& out) {
  const auto& drv = s.kernel.smmuv3;
  // 11: the device may issue translation requests only if its STE accepts them.
  for_ids(index ? &index->devs() : nullptr, s.kernel.devs.size(), [&](pci::DevId id) {
    const auto& d = s.kernel.devs[id];
    if (!live(d) || s.hw.pcie.rc(d.rc).iommu != hw::pcie::IommuKind::Smmuv3 || !hw_ats_on(s, d.fn)) return;
    auto ste = hw_ste(s, s.hw.pcie.rc(d.rc).iommu_index, d.bdf.rid());
    if (!ste_translates(ste) || ste_eats(ste) != 1)
      out.push_back({11, dev_name(s, id), "PCI ATS is enabled but the STE does not have EATS=TRANS"});
  });
  if (!quiescent) return;
  // 9, 10, 13 and, for the 2026 arrays, 14 to 17 (14 and 15 on the tree's): on the driver that holds the belief.
  if (iommu::tree_smmuv3_state_is_this_systems(s)) tree_smmu_invariants(s, out);
  else model_smmu_invariants(s, index, out);
  // 26: a device's release went through the release domain: its StreamIDs are left aborting
  // (unless another live function has taken the same routing ID since).
  released_invariant(s, index, out);
  // 25: a group with a DMA owner is off its default domain; without one it is on it.
  for_ids(index ? &index->groups() : nullptr, s.kernel.iommu.groups.size(), [&](uint32_t g) {
    const auto& grp = s.kernel.iommu.groups[g];
    if (grp.devices.empty() || grp.default_domain == iommu::kNoDomain) return;
    // (Without an owner a kernel driver may still attach its own domain with iommu_attach_group.)
    if (grp.owner && grp.domain == grp.default_domain)
      out.push_back({25, fmt::format("group {}", g), "a DMA owner holds the group but it sits on its default domain"});
  });
  // 24: every device of a group is attached to the group's domain, as the SMMU sees it (and as the
  // driver's devices list of a paging domain has it: the tree's read through the adapter).
  std::optional<std::vector<kernel_src::smmuv3::DomainBelief>> tree;
  std::vector<kernel_src::smmuv3::NestedBelief> tree_nested;
  if (iommu::tree_smmuv3_state_is_this_systems(s)) {
    tree = kernel_src::smmuv3::domains(s);
    tree_nested = kernel_src::smmuv3::nested_domains(s);
  }
  const auto tree_nested_of = [&](iommu::DomainId d) -> const kernel_src::smmuv3::NestedBelief* {
    for (const auto& b : tree_nested)
      if (b.domain == d) return &b;
    return nullptr;
  };
  for_ids(index ? &index->groups() : nullptr, s.kernel.iommu.groups.size(), [&](uint32_t g) {
    const auto& grp = s.kernel.iommu.groups[g];
    if (grp.domain == iommu::kNoDomain) return;
    const auto& dom = s.kernel.iommu.domains[grp.domain];
    if (dom.driver != hw::pcie::IommuKind::Smmuv3) return;
    for (pci::DevId dev : grp.devices) {
      const auto& d = s.kernel.devs[dev];
      auto ste = hw_ste(s, dom.iommu, d.bdf.rid());
      // Identity is a bypass STE, or a CD-table STE whose untagged traffic bypasses: S1DSS=BYPASS,
      // which the SMMU honours only with substreams (S1CDMAX != 0; with 0 it uses CD 0).
      const bool substreams = ste_valid(ste) && ste_cfg(ste) == 5 && hw::smmuv3::field_get(hw::smmuv3::ste::k0S1CdMax, ste[0]) != 0;
      const uint64_t s1dss = hw::smmuv3::field_get(hw::smmuv3::ste::k1S1Dss, ste[1]);
      const bool s1dss_bypass = substreams && s1dss == hw::smmuv3::ste::kS1DssBypass;
      // Blocked likewise: an abort STE, or a CD-table STE whose untagged traffic terminates
      // (S1DSS=TERMINATE), as arm_smmu_update_ste makes it for a blocked RID with PASIDs attached
      // (iommufd's PASID attach with the RID detached, or a reset's park with PASIDs in use).
      const bool s1dss_terminate = substreams && s1dss == hw::smmuv3::ste::kS1DssTerminate;
      bool ok = dom.type == iommu::DomainType::Blocked    ? ste_valid(ste) && (ste_cfg(ste) == 0 || s1dss_terminate)
                : dom.type == iommu::DomainType::Identity ? ste_valid(ste) && (ste_cfg(ste) == 4 || s1dss_bypass)
                : dom.type == iommu::DomainType::Nested
                    ? ste_valid(ste) && ste_cfg(ste) == (tree ? (tree_nested_of(grp.domain) ? vste_ste_cfg(tree_nested_of(grp.domain)->vste) : 99)
                                                              : vste_ste_cfg(drv.nested_domains[dom.priv].ste))
                    : ste_translates(ste);
      if (iommu::is_paging(dom.type) || dom.type == iommu::DomainType::Nested) {
        bool listed = false;
        if (tree && dom.type == iommu::DomainType::Nested) {
          // On its S2 parent's list, naming the nested domain (the adapter reads those out).
          if (const auto* b = tree_nested_of(grp.domain))
            listed = std::find(b->devices.begin(), b->devices.end(), dev) != b->devices.end();
        } else if (tree) {
          for (const auto& b : *tree)
            if (b.domain == grp.domain) listed = std::find(b.devices.begin(), b.devices.end(), dev) != b.devices.end();
        } else {
          // A nested domain's attachment is on its S2 parent's list, naming the nested domain.
          const uint32_t sd = dom.type == iommu::DomainType::Nested
                                  ? drv.vsmmus[drv.nested_domains[dom.priv].vsmmu].s2_parent
                                  : dom.priv;
          for (const auto& md : drv.domains[sd].devices)
            listed |= drv.masters[md.master].dev == dev && md.domain == grp.domain;
        }
        ok = ok && listed;
      }
      if (!ok)
        out.push_back({24, dev_name(s, dev), fmt::format("group {} is on {} domain {} but the SMMU sees CFG={}", g,
                                                         iommu::name(dom.type), grp.domain, ste_cfg(ste))});
    }
  });
  pasid_attached_invariant(s, tree, index, out);
}

}  // namespace

std::vector<Violation> check_state(const System& s, bool quiescent, const StateIndex* index) {
  std::vector<Violation> out;
  pci_invariants(s, index, out);
  smmu_invariants(s, quiescent, index, out);
  vtd_invariants(s, quiescent, index, out);
  amd_invariants(s, quiescent, index, out);
  // 20, the ATC oracle: only between operations (inside an unmap stale entries are legitimate until its CMD_SYNC).
  if (quiescent) atc_oracle(s, out);
  return out;
}

void HistoryCursor::note(const System& s, const kernel::Event& e) {
  switch (e.kind) {
    case kernel::EventKind::SteWrite:
      eats_of[stream_key(e.dev, static_cast<uint32_t>(e.a))] = (static_cast<uint64_t>(e.b) >> 28) & 3;
      break;
    case kernel::EventKind::ConfigWrite: {
      if (e.dev >= s.kernel.devs.size()) break;
      // The function's real ATS Control register, as check_history finds it: not ats_cap, which a
      // FINAL quirk may have cleared since the write (the hardware still has the capability).
      const uint16_t cap = s.hw.pcie.fn(s.kernel.devs[e.dev].fn).cfg.ats_cap_offset();
      if (cap && e.a == cap + ats::kCtrl) ats_on[e.dev] = e.b & ats::kCtrlEnable;
      break;
    }
    case kernel::EventKind::IommuProbe:
      probe_supported[e.dev] = e.a;
      break;
    default:
      break;
  }
}

void HistoryCursor::read(const System& s, size_t upto) {
  const auto& all = s.record.events;
  for (; events < std::min(upto, all.size()); ++events) {
    note(s, all[events]);
    memory_order_event(s, all[events], cpus, nullptr);
  }
}

namespace {
// A map read through to another one it does not copy: the first access to a key takes the
// other's value (or the default), and writes stay here.
template <typename K, typename V>
class Layered {
 public:
  explicit Layered(const SmallMap<K, V>& below) : below_(below) {}
  V& operator[](const K& k) {
    if (V* v = top_.find(k)) return *v;
    const V* b = below_.find(k);
    return top_[k] = b ? *b : V{};
  }
  bool contains(const K& k) const { return top_.contains(k) || below_.contains(k); }

 private:
  const SmallMap<K, V>& below_;
  SmallMap<K, V> top_;
};
}  // namespace

std::vector<Violation> check_history(const System& s, size_t first_event, size_t first_warning) {
  HistoryCursor cursor;
  cursor.read(s, first_event);
  return check_history(s, cursor, first_warning);
}

std::vector<Violation> check_history(const System& s, HistoryCursor& cursor, size_t first_warning, const StateIndex* index) {
  const size_t first_event = std::min(cursor.events, s.record.events.size());
  std::vector<Violation> out;
  for (size_t i = first_warning; i < s.record.warnings.size(); ++i) {
    const auto& w = s.record.warnings[i];
    using kernel::KFn;
    if (w.function == KFn::pci_enable_ats || w.function == KFn::pci_disable_ats || w.function == KFn::pci_prepare_ats)
      out.push_back({4, std::string(kernel::name(w.function)), "called in the wrong ATS state (WARN_ON(" + w.condition + "))", w.seq});
  }
  // Per SMMU: a TLBI not yet followed by a CMD_SYNC when an ATC_INV is issued breaks 19.
  SmallMap<int64_t, bool> tlbi_unsynced;
  // 12 and 21 need the history of ATS Enable per device and of EATS / ATC flushes per StreamID:
  // the cursor's, as of the window's start.
  // (Read through to the cursor's maps, not copied: a long run's cursor knows every device it ever met.)
  Layered<pci::DevId, bool> ats_on(cursor.ats_on);
  Layered<uint32_t, unsigned> eats_of(cursor.eats_of);
  SmallMap<uint32_t, uint64_t> last_flush, last_ats_change;
  auto dev_of_sid = [&](int64_t smmu, uint32_t sid) -> pci::DevId {
    pci::DevId found = pci::kNoDev;
    for_ids(index ? &index->devs() : nullptr, s.kernel.devs.size(), [&](pci::DevId d) {
      const auto& p = s.kernel.devs[d];
      if (found == pci::kNoDev && p.state != pci::DevState::Removed && p.bdf.rid() == sid &&
          s.hw.pcie.rc(p.rc).iommu_index == smmu)
        found = d;
    });
    return found;
  };
  // 18: a failing prepare touches no hardware for its device; a successful one is followed by a
  // commit, which does not fail.
  SmallMap<pci::DevId, bool> preparing, prepare_touched, commit_due;
  auto touch = [&](pci::DevId d) {
    if (d != pci::kNoDev && preparing[d]) prepare_touched[d] = true;
  };
  Layered<pci::DevId, int64_t> probe_supported(cursor.probe_supported);
  for (size_t i = first_event; i < s.record.events.size(); ++i) {
    const auto& e = s.record.events[i];
    switch (e.kind) {
      case kernel::EventKind::SmmuCommand: {
        int64_t op = e.a;
        if (op == kTlbiNhVa || op == kTlbiNhAsid || op == kTlbiS2Ipa || op == kTlbiS12Vmall || op == kTlbiNhAll)
          tlbi_unsynced[e.dev] = true;
        else if (op == kCmdSync)
          tlbi_unsynced[e.dev] = false;
        else if (op == kAtcInv && tlbi_unsynced[e.dev])
          out.push_back({19, fmt::format("smmu {}", e.dev), "ATC_INV issued before the TLB invalidation was synced", e.seq});
        if (op == kAtcInv) last_flush[stream_key(e.dev, static_cast<uint32_t>(e.b))] = e.seq;
        if (op == kAtcInv || op == kCfgiSte) touch(dev_of_sid(e.dev, static_cast<uint32_t>(e.b)));
        break;
      }
      case kernel::EventKind::SteWrite: {
        uint32_t sid = static_cast<uint32_t>(e.a);
        unsigned eats = (static_cast<uint64_t>(e.b) >> 28) & 3;
        pci::DevId d = dev_of_sid(e.dev, sid);
        touch(d);
        const uint32_t key = stream_key(e.dev, sid);
        if (eats != eats_of[key] && d != pci::kNoDev && ats_on[d])
          out.push_back({12, dev_name(s, d), fmt::format("STE.EATS changed {} -> {} while PCI ATS was enabled", eats_of[key], eats), e.seq});
        eats_of[key] = eats;
        break;
      }
      case kernel::EventKind::ConfigWrite: {
        touch(e.dev);
        const auto& p = s.kernel.devs[e.dev];
        // ats_cap + PCI_ATS_CTRL with ats_cap == 0 lands in PCI_STATUS: ATS code ran on a device whose
        // capability was hidden after ATS was enabled (a FINAL quirk after the IOMMU probe).
        if (e.a == 0x06)
          out.push_back({2, dev_name(s, e.dev), "an ATS Control access with ats_cap == 0 wrote PCI_STATUS (offset 0x06)", e.seq});
        // The function's real ATS Control register: a FINAL quirk may have cleared ats_cap since.
        const uint16_t cap = s.hw.pcie.fn(p.fn).cfg.ats_cap_offset();
        if (!cap || e.a != cap + ats::kCtrl) break;
        bool on = e.b & ats::kCtrlEnable;
        const uint32_t sid = stream_key(s.hw.pcie.rc(p.rc).iommu_index, p.bdf.rid());
        // 21: the whole ATC is flushed after ATS last changed and before it is turned on.
        if (on && !ats_on[e.dev] && s.hw.pcie.rc(p.rc).iommu == hw::pcie::IommuKind::Smmuv3 &&
            last_flush[sid] <= last_ats_change[sid])
          out.push_back({21, dev_name(s, e.dev), "PCI ATS enabled without a full ATC invalidation first", e.seq});
        if (on != ats_on[e.dev]) last_ats_change[sid] = e.seq;
        ats_on[e.dev] = on;
        break;
      }
      case kernel::EventKind::AttachPrepareBegin:
        preparing[e.dev] = true;
        prepare_touched[e.dev] = false;
        break;
      case kernel::EventKind::AttachPrepareEnd:
        preparing[e.dev] = false;
        if (e.a != 0 && prepare_touched[e.dev])
          out.push_back({18, dev_name(s, e.dev), fmt::format("arm_smmu_attach_prepare failed ({}) after changing the device's hardware state", e.a), e.seq});
        if (e.a == 0) commit_due[e.dev] = true;
        break;
      case kernel::EventKind::AttachCommitEnd:
        commit_due[e.dev] = false;
        if (e.a != 0)
          out.push_back({18, dev_name(s, e.dev), fmt::format("arm_smmu_attach_commit failed ({}): commit cannot fail", e.a), e.seq});
        break;
      case kernel::EventKind::AtcInvToAtsDisabled:
        if (e.b)
          out.push_back({23, s.hw.pcie.fn(static_cast<FnId>(e.dev)).bdf.str(),
                         // Either design's domain-wide invalidation: the 2026 array, or the older
                         // walk of the domain's masters (--nr-ats-masters-fastpath).
                         fmt::format("ATC_INV from the domain's invalidation (its invalidation array, or "
                                     "arm_smmu_atc_inv_domain's walk of its masters) to StreamID {:#x}, whose ATS is disabled",
                                     e.a),
                         e.seq});
        break;
      case kernel::EventKind::IommuProbe:
        if (e.b == 0) probe_supported[e.dev] = e.a;
        break;
      case kernel::EventKind::IommuRelease:
        if (probe_supported.contains(e.dev) && probe_supported[e.dev] != e.a)
          out.push_back({6, dev_name(s, e.dev), fmt::format("pci_ats_supported() was {} at probe_device and {} at release_device",
                                                            probe_supported[e.dev] != 0, e.a != 0), e.seq});
        break;
      case kernel::EventKind::RcuUseAfterFree:
        out.push_back({0, fmt::format("invs array {}", e.dev), "read after RCU reclaimed it", e.seq});
        break;
      case kernel::EventKind::VtdQiDesc:
      case kernel::EventKind::AmdCommand: {
        // 23 for VT-d and AMD: a device-IOTLB (with or without PASID) / IOTLB-pages invalidation only
        // to an endpoint with ATS on. Layouts as vtd::qi_submit_sync and amd::iommu_queue_command
        // record them: type in bits 0-7, RID in 8-23.
        auto a = static_cast<uint64_t>(e.a);
        bool vtd = e.kind == kernel::EventKind::VtdQiDesc;
        if (vtd ? (a & 0xff) != 0x3u && (a & 0xff) != 0x8u : (a & 0xff) != 0x4u) break;
        auto kind = vtd ? hw::pcie::IommuKind::Vtd : hw::pcie::IommuKind::Amd;
        uint32_t rid = static_cast<uint32_t>((a >> 8) & 0xffff);
        auto check = [&](pci::DevId d) {
          const auto& p = s.kernel.devs[d];
          const auto& rc = s.hw.pcie.rc(p.rc);
          if (p.bdf.rid() != rid || rc.iommu != kind || rc.iommu_index != e.dev || p.state == pci::DevState::Setup) return;
          if (!ats_on[d])
            out.push_back({23, dev_name(s, d), fmt::format("{} invalidation sent to an endpoint whose ATS is disabled",
                                                           vtd ? "device-IOTLB" : "INVALIDATE_IOTLB_PAGES"), e.seq});
        };
        if (!index) {
          for (pci::DevId d = 0; d < s.kernel.devs.size(); ++d) check(d);
          break;
        }
        // Every device ever at that routing ID (removed ones too), from each root complex the unit serves.
        std::vector<pci::DevId> at_rid;
        for (hw::pcie::RcId rc = 0; rc < s.hw.pcie.root_complexes().size(); ++rc)
          if (auto it = index->by_rid().find(StateIndex::rid_key(rc, static_cast<uint16_t>(rid))); it != index->by_rid().end())
            at_rid.insert(at_rid.end(), it->second.begin(), it->second.end());
        std::sort(at_rid.begin(), at_rid.end());
        for (pci::DevId d : at_rid) check(d);
        break;
      }
      case kernel::EventKind::StaleAtcUse:
        out.push_back({20, s.hw.pcie.fn(static_cast<FnId>(e.dev)).bdf.str(),
                       fmt::format("DMA at IOVA {:#x} went through a stale ATC entry to PA {:#x}, which the SMMU no longer maps there",
                                   e.a, static_cast<uint64_t>(e.b)),
                       e.seq});
        break;
      case kernel::EventKind::UseAfterFree:
        out.push_back({0, dev_name(s, e.dev), fmt::format("KASAN: slab-use-after-free of object {}", e.a), e.seq});
        break;
      default:
        break;
    }
  }
  for (const auto& [d, due] : commit_due.sorted())
    if (due) out.push_back({18, dev_name(s, d), "arm_smmu_attach_prepare succeeded but no commit followed", s.record.seq});
  // 22: the barriers between the accesses that race with another CPU's.
  memory_order_window(s, cursor.cpus, first_event, out);
  for (size_t i = first_event; i < s.record.events.size(); ++i) cursor.note(s, s.record.events[i]);
  cursor.events = s.record.events.size();
  return out;
}

void Monitor::step(const System& s, const std::string& step_name, bool quiescent) {
  index_.refresh(s);
  for (auto v : check_history(s, cursor_, warnings_, &index_)) {
    v.step = step_name;
    if (v.invariant == 23) ++atc_inv_to_disabled_;
    all_.push_back(std::move(v));
  }
  warnings_ = s.record.warnings.size();
  // A state violation is reported when it starts holding, not again on every step while it lasts.
  std::vector<std::string> now;
  for (auto v : check_state(s, quiescent, &index_)) {
    std::string key = fmt::format("{}|{}|{}", v.invariant, v.objects, v.detail);
    now.push_back(key);
    if (std::find(active_.begin(), active_.end(), key) != active_.end()) continue;
    v.seq = s.record.seq;
    v.step = step_name;
    all_.push_back(std::move(v));
  }
  if (quiescent) active_ = std::move(now);
}

std::vector<int> Monitor::numbers() const {
  std::set<int> n;
  for (const auto& v : all_) n.insert(v.invariant);
  return {n.begin(), n.end()};
}

}  // namespace atslab::check
