#pragma once
// Issue 18's paths as built-in `repro` scenarios. Each is the machine and workload of its
// scenarios/*.yaml, built here so that `atslab repro --scenario NAME` needs no file; a test
// runs the shipped file beside it and holds the two to the same rows.
#include <string>
#include <string_view>

#include "io/scenario.h"
#include "sim/seed_repro.h"

namespace atslab::sim {

// scenarios/always-on.yaml: an NVIDIA GB20B (10de:2e12, in 7.2's pci_ats_required table) behind
// 7.2's SMMUv3 driver; VFIO takes it and gives it back to its identity default domain, whose
// commit-time pci_enable_ats() fails (injected); VFIO takes it once more.
io::Scenario always_on_scenario();
// scenarios/iommufd.yaml: a ConnectX-6 Dx on vfio-pci through the cdev path: bound to iommufd,
// attached to HWPT h0, replaced to h1, detached; attached to h0 again with its commit-time
// pci_enable_ats failing (injected), replaced to h1, the IOAS unmapped, detached, closed.
io::Scenario iommufd_scenario();

// scenarios/group.yaml: a ConnectX-6 Dx's two functions without ACS, one IOMMU group, both on
// vfio-pci: VFIO takes the group (both blocked), type1 attaches it to its paging domain member by
// member, the first member's ATS enabled and the second's commit-time pci_enable_ats failing
// (injected), DMA from both, an unmap, the VM stops (the group back to blocked, then to its default domain)
// and starts again in another container through the second member's group fd.
io::Scenario group_scenario();

// scenarios/pasid.yaml: an endpoint with ATS and PASID on its native driver, its RID on the
// identity default domain; the driver attaches PASID 1 (ATS on through a CD-table STE,
// cd_needs_ats), DMAs through it, resets the device, remaps and detaches it (ATS off again);
// then PASID 2, whose commit-time pci_enable_ats fails (injected), its DMA, remap and detach.
// With `iommu` VT-d (scalable, or legacy with `vtd_legacy`) or AMD-Vi: the same device and
// workload behind that IOMMU instead, under upstream and fail-early.
io::Scenario pasid_scenario(hw::pcie::IommuKind iommu = hw::pcie::IommuKind::Smmuv3, bool vtd_legacy = false);
// Whether the path runs behind `iommu` (every path behind an SMMUv3; pasid behind VT-d and AMD-Vi too).
bool path_runs_behind(ReproScenario sc, hw::pcie::IommuKind iommu);

// scenarios/nested.yaml: a ConnectX-6 Dx on vfio-pci bound to iommufd, a nest-parent S2 on the
// IOAS, a vIOMMU and the NIC's vDEVICE on it; the guest's bypass vSTE, then its EATS vSTE (ATS on
// at the replace's commit), DMA, an IOAS unmap (ATS_FULL), a guest ATC invalidation; back to the
// bypass vSTE, then the replace to the EATS vSTE with its pci_enable_ats failing (injected), DMA,
// an unmap, a guest ATC invalidation, a detach to blocked. Then a second function, behind an SMMU
// whose root complex has no ATS, attached to an EATS vSTE, its DMA and a guest ATC invalidation.
io::Scenario nested_scenario();
// scenarios/sva.yaml's machine and workload: process 0 bound by an endpoint's driver on an identity RID,
// its munmap, the second bind's commit-time pci_enable_ats failing, the exit, the DMA after it, the unbind.
io::Scenario sva_scenario();

// The device the path is about (the row's "VF" columns describe it), and what --json calls the run.
std::string_view path_device(ReproScenario sc);
std::string_view path_description(ReproScenario sc);

// Whether the path's workload resets its device (what --no-reset-iommu changes).
bool path_resets(ReproScenario sc);

// The path's scenario under one variant, as repro reports it. The options that apply to a
// scenario are honoured (--faults, --seed, --nr-ats-masters-fastpath, --driver, --no-reset-iommu,
// and for pasid --iommu and --vtd-legacy).
// "VF ATS" is the device's ATS Enable bit once the workload is over; "VF usable" says that no
// step of the workload failed, every DMA it issued reached its mapping, the core's domain and
// the device's STE never parted (invariant 24), and at the end the device's DMA goes where the
// core believes its group is (on a copy of the machine: the record is the workload's alone).
ReproResult run_path_repro(policy::AtsVariant v, const ReproOptions& opt);

}  // namespace atslab::sim
