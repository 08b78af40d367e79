// The state's layout (XXH3_state_t) so that the hasher can live on the stack: one heap
// allocation fewer per hashed state.
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include <array>
#include <cstring>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "sim/state_hash.h"

namespace atslab {

namespace {

// Small fields are gathered in a buffer and handed to XXH3 in large blocks: one
// streaming update per field costs more than the hashing itself (the explorer
// hashes every state it generates).
class Hasher {
 public:
  Hasher() = default;
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void bytes(const void* p, size_t n) {
    if (n == 0) return;  // an empty vector's data() may be null, which memcpy must not see
    if (n >= 256) {
      flush();
      XXH3_64bits_update(&st_, p, n);
      return;
    }
    if (used_ + n > kBlock) flush();
    std::memcpy(buf_.data() + used_, p, n);
    used_ += n;
  }
  template <typename T>
    requires std::is_arithmetic_v<T> || std::is_enum_v<T>
  void add(T v) {
    bytes(&v, sizeof v);
  }
  // Scalar fields in a row: the same bytes as one add() each, packed on the stack at offsets known
  // at compile time and handed over at once. Field by field, every store went through the buffer's
  // running offset (which the char buffer may alias, so it is reloaded each time); a state has
  // hundreds of such fields.
  template <typename... Ts>
    requires((std::is_arithmetic_v<Ts> || std::is_enum_v<Ts>) && ...)
  void pod(const Ts&... v) {
    std::array<unsigned char, (sizeof(Ts) + ...)> tmp;
    size_t o = 0;
    ((std::memcpy(tmp.data() + o, &v, sizeof v), o += sizeof v), ...);
    bytes(tmp.data(), tmp.size());
  }
  void add(const std::string& s) {
    add(s.size());
    bytes(s.data(), s.size());
  }
  template <typename T>
  void add(const std::vector<T>& v) {
    add(v.size());
    if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
      bytes(v.data(), v.size() * sizeof(T));  // no padding in a scalar array
    } else {
      for (const auto& x : v) add(x);
    }
  }
  template <typename T, size_t N>
  void add(const base::CowVector<T, N>& v) {
    add(v.size());
    for (const auto& x : v) add(x);
  }
  void add(const std::vector<bool>& v) {
    add(v.size());
    for (bool b : v) add(b);
  }
  void add(const hw::pcie::Bdf& b) { pod(b.domain, b.bus, b.devfn); }
  void add(const hw::pcie::ConfigSpace& c) {
    // The write masks are fixed by the layout, which the image itself determines; hash the image,
    // through its cached content hash (most images do not change from one state to the next).
    add(c.image_hash());
  }
  void add(const hw::pcie::RootComplex& r) {
    add(r.domain), add(r.root_bus), add(r.ats_supported), add(r.iommu), add(r.iommu_index);
  }
  void add(const hw::pcie::Function& f) {
    add(f.bdf), pod(f.rc, f.parent, f.external_facing, f.dmar, f.iommu_mapped, f.present, f.hotplug, f.pf, f.vf_index), add(f.cfg), add(f.label);
  }
  void add(const pci::SriovInfo& s) {
    pod(s.pos, s.total_vfs, s.initial_vfs, s.num_vfs, s.offset, s.stride, s.vf_device, s.ctrl);
  }
  void add(const pci::PciDev& d) {
    pod(d.fn, d.rc), add(d.bdf);
    pod(d.bus_self, d.state, d.vendor, d.device, d.subsystem_vendor, d.subsystem_device, d.revision, d.hdr_type, d.class_code,
        d.pcie_cap, d.pcie_type, d.multifunction, d.ats_cap, d.ats_stu, d.ats_enabled, d.no_ats, d.untrusted, d.external_facing,
        d.is_virtfn, d.is_physfn, d.physfn, d.vf_index);
    add(d.sriov);
    pod(d.pri_cap, d.pri_enabled, d.pri_reqs_alloc, d.pasid_required, d.pasid_cap, d.pasid_enabled, d.pasid_features,
        d.pasid_no_tlp, d.eetlp_prefix, d.acs_cap, d.quirks_applied, d.quirk_deferred, d.driver, d.driver_bound);
    pod(d.pm_cap, d.current_state, d.dev_flags), add(d.reset_methods);
    // The sysfs reset files follow the add-time methods until reset_method_store changes them:
    // hashed only when they differ, so a workload that never writes reset_method keeps its hashes.
    if (d.reset_attrs_visible != (d.reset_methods[0] != 0)) pod(d.reset_attrs_visible);
  }
  void add(const iommu::DeviceIommu& d) {
    pod(d.probed, d.probe_error, d.ats_supported_at_probe, d.group, d.attach_deferred, d.require_direct, d.reset_depth, d.blocked,
        d.max_pasids);
  }
  void add(const iommu::Group& g) {
    add(g.devices), pod(g.domain, g.default_domain, g.blocking_domain, g.owner_cnt, g.owner, g.recovery_cnt);
    add(g.pasids.size());
    for (const iommu::GroupPasid& p : g.pasids) pod(p.pasid, p.domain, p.owner, p.sva_users);
  }
  void add(const iommu::Domain& d) { pod(d.type, d.driver, d.iommu, d.priv, d.live, d.mm, d.users); }
  void add(const policy::PciCoreSwitches& s) {
    add(s.pf_aware_ats_supported), add(s.vf_stu_validation), add(s.no_ats_quirk_phase), add(s.noats), add(s.ats);
    add(s.disable_ats_checks_ats_cap), add(s.no_ats_quirk_keeps_ats_cap), add(s.config_pci_pasid);
    add(s.warn_reset_unaware);
  }
  void add(const kernel::Context& c) { add(c.cpu), add(c.comm), add(c.stack); }
  template <typename K, typename V>
  void add(const std::map<K, V>& m) {
    add(m.size());
    for (const auto& [k, v] : m) add(k), add(v);
  }
  template <typename T, size_t N>
  void add(const std::array<T, N>& a) {
    if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
      bytes(a.data(), N * sizeof(T));
    } else {
      for (const auto& x : a) add(x);
    }
  }
  void add(const smmuv3::PagePool::Block& b) { add(b.pa), add(b.order); }
  void add(const smmuv3::PagePool& p) { add(p.base), add(p.limit), add(p.next), add(p.free), add(p.free_blocks); }
  void add(const smmuv3::IoPgtable& p) { add(p.stage), add(p.root), add(p.next_table), add(p.owner), add(p.tables); }
  void add(const smmuv3::Inv& i) { pod(i.smmu, i.type, i.size_opcode, i.nsize_opcode, i.id, i.ssid, i.users); }
  void add(const smmuv3::Invs& i) { pod(i.max_invs, i.num_invs, i.num_trashes, i.has_ats), add(i.inv); }
  void add(const smmuv3::InvsSlot& i) { add(i.invs), pod(i.state, i.readers); }
  void add(const smmuv3::Smmu& m) {
    add(m.feat_ats), add(m.feat_range_inv), add(m.feat_trans_s1), add(m.feat_trans_s2), add(m.feat_2lvl_strtab), add(m.feat_2lvl_cdtab);
    add(m.ssid_bits), add(m.sid_bits), add(m.pgsize_bitmap), add(m.feat_sva);
  }
  void add(const smmuv3::Master& m) {
    pod(m.dev, m.smmu), add(m.streams), add(m.build_invs);
    pod(m.ats_enabled, m.ste_ats_enabled, m.ats_prepared, m.cd_table_in_ste, m.ats_always_on, m.ssid_bits, m.cdtab, m.used_ssids, m.spare_master_domain,
        m.spare_invs, m.live, m.s1fmt, m.s1cdmax, m.num_ents);
    add(m.l2ptrs);
  }
  void add(const smmuv3::MasterDomain& m) { pod(m.master, m.domain, m.ssid, m.nested_ats_flush); }
  void add(const smmuv3::SmmuDomain& d) {
    pod(d.smmu, d.stage, d.asid, d.vmid, d.nr_ats_masters, d.invs), add(d.devices), pod(d.domain), add(d.pgtbl), pod(d.nest_parent, d.mm, d.live);
  }
  void add(const policy::AtsPolicy& p) {
    add(p.variant), add(p.gate_on_ats_prepared), add(p.support_checked_before_prepare), add(p.fail_probe_on_prepare_error);
    add(p.warn_on_enable_failure), add(p.rollback_on_enable_failure), add(p.track_enable_result);
  }
  void add(const vfio::DmaMapping& m) { add(m.paddr), add(m.size); }
  void add(const vfio::Type1Domain& d) { add(d.domain), add(d.groups); }
  void add(const vfio::Container& c) { add(c.groups), add(c.type1), add(c.domains), add(c.dma); }
  void add(const vfio::GroupDeviceOpen& o) { add(o.open_count), add(o.reset_works); }
  // A group without a device fd open hashes as before the device fds were modelled, so the states
  // of a workload that opens none keep their hashes (and their shards).
  void add_opened(const vfio::VfioGroup& g) {
    if (!g.opened.empty()) add(g.opened);
  }
  void add(const vfio::VfioGroup& g) { add(g.group), add(g.container), add(g.drivers), add_opened(g); }
  void add(const vfio::CdevBinding& b) { add(b.idev), add(b.iommufd_attached), add(b.reset_works), add(b.pasids); }
  void add(const iommufd::IoasMapping& m) { add(m.paddr), add(m.size); }
  void add(const iommufd::Ctx& c) { add(c.ioas); }
  void add(const iommufd::Hwpt& h) { pod(h.ictx, h.domain, h.users, h.live, h.nest_parent, h.viommu, h.pasid_compat); }
  void add(const iommufd::Attach& a) { add(a.hwpt), add(a.devices); }
  void add(const iommufd::Viommu& v) { pod(v.ictx, v.hwpt, v.vsmmu), add(v.vdevs), pod(v.users, v.live); }
  void add(const iommufd::Igroup& g) { pod(g.ictx, g.group, g.hwpt), add(g.devices), add(g.pasid_attach), add(g.refs); }
  void add(const iommufd::Device& d) { pod(d.ictx, d.dev, d.igroup, d.vdev, d.live); }
  void add(const mm::Mm& m) {
    pod(m.live, m.process, m.running, m.users, m.exited), add(m.pages), add(m.pgd), pod(m.buffer_mapped, m.pasid);
    add(m.sva_domains), add(m.notifiers);
  }
  void add(const mm::MmState& m) { add(m.mms), add(m.process_mm); }
  void add(const smmuv3::Vsmmu& v) { pod(v.smmu, v.s2_parent, v.vmid, v.viommu, v.live); }
  void add(const smmuv3::NestedDomain& n) { pod(n.vsmmu), add(n.ste), pod(n.enable_ats, n.domain, n.live); }
  void add(const smmuv3::Driver& d) {
    add(d.policy), add(d.switches.attach_spares), add(d.switches.abort_ste_on_prepare_failure), add(d.switches.release_domain),
        add(d.switches.master_prepare_ats), add(d.switches.dev_feat_sva), add(d.switches.remove_dev_pasid);
    add(d.inv_design), add(d.smmus), add(d.masters), add(d.domains), add(d.invs_pool), add(d.pages);
    add(d.master_of);
    add(d.blocked_domain), add(d.identity_domain);
    add(d.vsmmus), add(d.nested_domains);
  }
  // Each page's contents by their cached content hash.
  void add(const hw::memory::Frame& f) { pod(f.pfn, f.owner, f.data.hash()); }
  void add(const hw::memory::Memory& m) { add(m.frames()); }
  void add(const hw::smmuv3::OutstandingAtcInv& o) { add(o.sid), add(o.itag); }
  void add(const hw::smmuv3::Event& e) { add(e.id), add(e.sid), add(e.ssv), add(e.ssid), add(e.addr); }
  void add(const hw::smmuv3::IotlbEntry& e) {
    pod(e.s1, e.asid, e.vmid, e.iova_page, e.pa_page, e.writable, e.nested);
  }
  void add(const hw::smmuv3::Smmu& s) {
    add(s.idr0), add(s.idr1), add(s.idr3), add(s.idr5), add(s.cr0), add(s.strtab_base), add(s.strtab_base_cfg);
    add(s.gerror), add(s.gerrorn), add(s.cmdq_log2size), add(s.cmdq.hash()), add(s.cmdq_prod), add(s.cmdq_cons);
    add(s.cerror), add(s.syncs_completed), add(s.atc_inv_timeouts), add(s.atc_inv_outstanding), add(s.next_itag);
    add(s.evtq), add(s.iotlb.entries), add(s.rc), add(s.prog);
  }
  void add(const hw::smmuv3::ProgrammedRegs& r) {
    pod(r.cmdq_base, r.evtq_base, r.evtq_prod, r.evtq_cons, r.cr1, r.cr2, r.gbpa, r.irq_ctrl);
    add(r.other);
  }
  void add(const hw::pcie::AtcEntry& e) {
    pod(e.ssv, e.pasid, e.iova, e.size, e.pa, e.writable);
  }
  void add(const hw::pcie::AtcInvRequest& r) { add(r.itag), add(r.ssv), add(r.pasid), add(r.addr), add(r.size); }
  void add(const hw::pcie::Atc& a) {
    add(a.inv_while_disabled), add(a.on_enable), add(a.entries), add(a.inv_queue), add(a.completions), add(a.invalidations_ignored);
  }

  void add(const hw::IoPageTable& t) { add(t.pages); }
  void add(const hw::VtdContextEntry& e) { add(e.present), add(e.tt), add(e.did), add(e.dte); }
  void add(const hw::VtdPasidEntry& e) { add(e.present), add(e.pgtt), add(e.did); }
  void add(const hw::VtdUnit& u) {
    add(u.ecap_dt), add(u.ecap_dit), add(u.ecap_smts), add(u.ecap_prs), add(u.ecap_pasid), add(u.ecap_pss), add(u.context);
    add(u.rid_pasid), add(u.pasid_table), add(u.page_tables);
  }
  void add(const hw::AmdDte& e) { add(e.v), add(e.tv), add(e.paging), add(e.i), add(e.domid); }
  void add(const hw::AmdIommu& u) { add(u.efr_gt), add(u.efr_pasmax), add(u.dev_table), add(u.page_tables); }
  void add(const vtd::IntelIommu& u) {
    add(u.dev_iotlb), add(u.dit), add(u.scalable), add(u.prs), add(u.pasid), add(u.max_pasids), add(u.device_rbtree), add(u.next_did);
  }
  void add(const vtd::DeviceDomainInfo& i) {
    add(i.dev), add(i.iommu), add(i.bus), add(i.devfn), add(i.ats_supported), add(i.ats_enabled), add(i.pasid_supported);
    add(i.pasid_enabled), add(i.pri_supported), add(i.pri_enabled), add(i.pfsid), add(i.ats_qdep), add(i.pasid_table_max);
    add(i.dtlb_extra_inval), add(i.domain);
    add(i.freed), add(i.free_track), add(i.freed_comm);
  }
  void add(const vtd::CacheTag& t) { add(t.type), add(t.iommu), add(t.did), add(t.info), add(t.pasid), add(t.users); }
  void add(const vtd::DevPasid& p) { add(p.info), add(p.pasid); }
  void add(const vtd::DmarDomain& d) {
    add(d.iommu), add(d.did), add(d.devices), add(d.dev_pasids), add(d.cache_tags), add(d.domain), add(d.live);
  }
  void add(const vtd::Driver& d) {
    add(d.policy), add(d.units), add(d.infos), add(d.info_of), add(d.domains), add(d.blocked_domain), add(d.identity_domain);
    add(d.pasid_max_id);
  }

  void add(const amd::IommuDevData& d) {
    add(d.dev), add(d.iommu), add(d.devid), add(d.flags), add(d.ats_enabled), add(d.ats_qdep), add(d.pri_enabled);
    add(d.pasid_enabled), add(d.max_pasids), add(d.domain), add(d.live);
  }
  void add(const amd::ProtectionDomain& d) { add(d.iommu), add(d.id), add(d.devices), add(d.domain), add(d.live); }
  void add(const amd::Driver& d) {
    add(d.policy), add(d.iotlb_sup), add(d.next_domid), add(d.dev_data), add(d.dev_data_of), add(d.domains);
    add(d.blocked_domain), add(d.identity_domain), add(d.iommu_max_pasids);
  }

  uint64_t digest() {
    // A state that fitted in the buffer is hashed in one call, with no streaming state at all
    // (the same value: XXH3's streaming and one-shot forms agree).
    if (!streamed_) return XXH3_64bits(buf_.data(), used_);
    flush();
    return XXH3_64bits_digest(&st_);
  }

 private:
  static constexpr size_t kBlock = 16384;
  void flush() {
    if (!streamed_) XXH3_64bits_reset(&st_), streamed_ = true;
    if (used_ == 0) return;
    XXH3_64bits_update(&st_, buf_.data(), used_);
    used_ = 0;
  }
  bool streamed_ = false;  // whether st_ is in use (reset lazily: most states fit in buf_)
  XXH3_state_t st_;
  std::array<unsigned char, kBlock> buf_;
  size_t used_ = 0;
};

}  // namespace

uint64_t containers_hash(const System& s, const std::vector<vfio::ContainerId>& to) {
  const auto& v = s.kernel.vfio;
  Hasher h;
  auto slot = [&](vfio::ContainerId c) { return c != vfio::kNone && c < to.size() ? to[c] : c; };
  if (to.empty()) {
    h.add(v.containers);
  } else {
    // In the renamed order: slot j holds the container `to` sends there.
    std::vector<size_t> from(v.containers.size());
    for (size_t i = 0; i < from.size(); ++i) from[slot(static_cast<vfio::ContainerId>(i))] = i;
    h.add(v.containers.size());
    for (size_t j : from) h.add(v.containers[j]);
  }
  h.add(v.groups.size());
  for (const vfio::VfioGroup& g : v.groups) h.add(g.group), h.add(slot(g.container)), h.add(g.drivers), h.add_opened(g);
  return h.digest();
}

uint64_t combine_state_hash(uint64_t rest, uint64_t containers) {
  const uint64_t both[2] = {rest, containers};
  return XXH3_64bits(both, sizeof both);
}

uint64_t state_hash(const System& s) { return combine_state_hash(state_hash_rest(s), containers_hash(s, {})); }

uint64_t state_hash_rest(const System& s) {
  Hasher h;
  h.add(s.hw.pcie.root_complexes());
  h.add(s.hw.pcie.functions());
  h.add(s.hw.pcie.finalized());
  h.add(s.kernel.pci_switches);
  h.add(s.kernel.devs);
  h.add(s.kernel.warned_unlocked_sbr);
  h.add(s.kernel.iommu.registered);
  h.add(s.kernel.iommu.register_failed);
  h.add(s.kernel.iommu.devs);
  h.add(s.kernel.iommu.groups);
  h.add(s.kernel.iommu.domains);
  h.add(s.kernel.iommu.default_identity);
  h.add(s.kernel.iommu.pci_dev_reset_iommu);
  h.add(s.kernel.iommu.global_pasids);
  h.add(s.kernel.mm);
  h.add(s.kernel.ctx);
  h.add(s.kernel.smmuv3);
  h.add(s.kernel.vfio.cdevs);
  h.add(s.kernel.iommufd.ctxs);
  h.add(s.kernel.iommufd.hwpts);
  h.add(s.kernel.iommufd.igroups);
  h.add(s.kernel.iommufd.devices);
  h.add(s.kernel.iommufd.viommus);
  for (const auto& r : s.faults.rules) h.add(r.point), h.add(r.nth), h.add(r.per_million), h.add(r.step), h.add(r.always), h.add(r.error);
  h.add(s.faults.calls);
  h.add(s.faults.fired);
  h.add(s.faults.rng);
  h.add(s.faults.step);
  h.add(s.hw.memory);
  h.add(s.hw.smmus);
  for (const auto& f : s.hw.pcie.functions()) h.add(f.atc);
  h.add(s.kernel.vtd);
  h.add(s.hw.vtd);
  h.add(s.hw.amd);
  h.add(s.kernel.amd);
  return h.digest();
}

}  // namespace atslab
