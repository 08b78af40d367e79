#pragma once
// The seed's bug as a built-in scenario, runnable under every design variant.
#include <array>
#include <string>
#include <vector>

#include "linux/smmuv3/driver_state.h"

#include "check/invariants.h"
#include "policy/ats_variant.h"
#include "linux/system.h"

namespace atslab::sim {

enum class ReproScenario : uint8_t;

struct ReproResult {
  policy::AtsVariant variant{};
  System final;                             // the machine at the end, with its whole record
  std::vector<check::Violation> violations;  // as the independent checker saw them, step by step
  std::vector<int> violated;                 // distinct invariant numbers
  size_t atc_inv_to_ats_disabled = 0;        // ATC_INVs from invalidation arrays to endpoints with ATS off
  bool vf_ats_enabled = false;               // the VF's ATS Enable bit while VFIO owns it
  bool probe_failed = false;                 // the PF's (at boot) or the VF's IOMMU probe failed
  bool attach_failed = false;                // a VFIO attach (or the default domain) failed; on a path, an
                                             // operation that attaches (a domain, or a PASID) returned an error
  bool vf_usable = false;                    // VFIO could attach it and map DMA for it, and its DMA reached the mapping
  hw::pcie::IommuKind iommu = hw::pcie::IommuKind::Smmuv3;  // the root complex's IOMMU driver
  ReproScenario scenario{};                  // which scenario ran (a path's table has no seed-only columns)
  policy::QuirkPhase quirk_phase = policy::QuirkPhase::Final;
  bool rbtree_uaf = false;                   // VT-d: a freed info was read from the device rbtree
  bool recreate_probe_failed = false;        // VT-d/AMD: a VF's IOMMU probe failed when the VFs were created again
  std::vector<std::string> steps;            // the operations, in order
};

// An Intel IPU E2000 PF (8086:1452 rev 0x11, ATS quirked off) with SR-IOV VFs (8086:1457)
// behind an ATS-capable SMMUv3. VF 0 is created, used by a host driver (DMA map/unmap on its
// default domain), then handed to vfio-pci: VFIO_GROUP_SET_CONTAINER, VFIO_SET_IOMMU,
// MAP/UNMAP_DMA in a loop, UNSET, SET again; finally the VFs are destroyed. Behind VT-d or
// AMD-Vi the PF is bound to vfio-pci and the VFs are created once more (Matlack's 2026 report:
// the next VF creation through vfio_pci_core_sriov_configure walks VT-d's device rbtree).
enum class ReproScenario : uint8_t {
  Seed,           // E2000 PF quirked off: the VF's pci_enable_ats fails because the PF's STU was never set
  EnableFailure,  // a healthy PF (nothing quirked) whose VF's first pci_enable_ats fails by injection
  PrepareFailure, // a healthy PF whose pci_prepare_ats fails (by injection) at its boot-time IOMMU probe
  Reset,          // a healthy PF; the VF's VFIO_DEVICE_RESET at each VM start fails pci_enable_ats on the way back (injection)
  AlwaysOn,       // scenarios/always-on.yaml's path (sim/path_repro.h): the identity attach of a device whose ATS is
                  // required fails its commit-time pci_enable_ats (injection)
  Iommufd,        // scenarios/iommufd.yaml's path: the VFIO cdev path, whose attach from blocked fails pci_enable_ats
                  // (injection), then a replace to another HWPT and a detach
  Group,          // scenarios/group.yaml's path: a two-function device without ACS (one IOMMU group) handed to VFIO;
                  // the group's attach to type1's domain fails the second member's pci_enable_ats (injection)
  Pasid,          // scenarios/pasid.yaml's path: a kernel driver's PASID attach on an identity RID, whose commit-time
                  // pci_enable_ats fails (injection), then the PASID's remap and detach
  Sva,            // scenarios/sva.yaml's path: a driver binds a process (SVA) on an identity RID; the second bind's
                  // commit-time pci_enable_ats fails (injection), then the process's munmap, its exit and the unbind
  Nested,         // scenarios/nested.yaml's path: a guest's vSMMU; the nested attach of its EATS vSTE fails its
                  // commit-time pci_enable_ats (injection), then an unmap, a guest ATC invalidation and a detach
  IommufdPasid,   // scenarios/iommufd-pasid.yaml's path: a VMM's PASID attach through iommufd with the RID blocked,
                  // whose commit-time pci_enable_ats fails (injection), then an IOAS unmap and the PASID's detach
};

struct ReproOptions {
  int iterations = 8;
  bool legacy_fastpath = false;  // the pre-invs nr_ats_masters invalidation design
  ReproScenario scenario = ReproScenario::Seed;
  std::string faults;            // an extra fault plan (faults::parse_plan syntax)
  uint64_t seed = 1;             // seeds the fault plan's probabilities
  hw::pcie::IommuKind iommu = hw::pcie::IommuKind::Smmuv3;
  bool header_quirks = false;    // Matlack's fix: no-ATS quirks in the HEADER phase
  bool vtd_legacy = false;       // VT-d without scalable mode: ATS follows the context entry
  policy::Driver driver = policy::Driver::Model;  // --driver source: the kernel tree's drivers/pci/ats.c
  bool reset_iommu = true;       // the 2026 core's pci_dev_reset_iommu_prepare/done (false: 6.12's resets)
};
// The variants the review proposes for VT-d and AMD: as they are, and fail-early.
inline constexpr std::array<policy::AtsVariant, 2> kVtdAmdVariants = {policy::AtsVariant::Upstream,
                                                                      policy::AtsVariant::FailEarly};
ReproResult run_seed_repro(policy::AtsVariant v, const ReproOptions& opt = {});

}  // namespace atslab::sim
