// Simulated operations per second: VFIO map + unmap (with its TLBI and ATC
// invalidations) and attach/detach cycles, as the number of masters sharing
// one domain grows. Figures go to docs/performance.md.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include "hw/pcie/capabilities.h"
#include "linux/iommu/iommu.h"
#include "linux/pci/iov.h"
#include "linux/pci/probe.h"
#include "linux/smmuv3/rcu.h"
#include "linux/vfio/vfio.h"
#include "sim/state_hash.h"

namespace atslab {
namespace {

using namespace hw::pcie;

// `masters` VFs (spread over PFs of up to 256 VFs) of a healthy ATS device, all in one VFIO container.
struct Bench {
  System s;
  vfio::ContainerId c = 0;
  std::vector<vfio::VfioGroupId> groups;

  Bench(unsigned masters, bool ats) {
    RootComplex rc;
    rc.iommu = IommuKind::Smmuv3;
    RcId r = s.hw.pcie.add_root_complex(rc);
    unsigned pfs = (masters + 255) / 256;
    for (unsigned p = 0; p < pfs; ++p) {
      FnId port = s.hw.pcie.add_root_port(r, static_cast<uint8_t>(p + 1));
      ConfigBuilder b({.vendor = 0x15b3, .device = 0x101d, .class_code = 0x020000});
      b.add_pcie(exp::Type::Endpoint, true);
      if (ats) b.add_ats({.page_aligned = true});
      b.add_sriov({.total_vfs = 256, .vf_offset = 1, .vf_stride = 1, .vf_device = 0x101e});
      s.hw.pcie.add_function(r, port, 0, b.build(), "pf");
    }
    pci::boot(s);
    std::vector<pci::DevId> pf_ids;
    for (pci::DevId d : pci::live_devices(s))
      if (s.kernel.devs[d].is_physfn) pf_ids.push_back(d);
    for (unsigned p = 0; p < pfs; ++p)
      pci::enable_sriov(s, pf_ids[p], static_cast<uint16_t>(std::min(256u, masters - 256 * p)));
    c = vfio::open_container(s);
    for (pci::DevId d : pci::live_devices(s))
      if (s.kernel.devs[d].is_virtfn) {
        auto g = vfio::open_group(s, d);
        vfio::group_set_container(s, g, c);
        groups.push_back(g);
      }
    vfio::set_iommu(s, c);
    s.record = {};
  }
};

void BM_MapUnmapInvalidate(benchmark::State& state) {
  Bench b(static_cast<unsigned>(state.range(0)), state.range(1) != 0);
  uint64_t iova = 0x100000;
  for (auto _ : state) {
    vfio::map_dma(b.s, b.c, iova, 0x80000000ull, 0x1000);
    vfio::unmap_dma(b.s, b.c, iova, 0x1000);
    smmuv3::synchronize_rcu(b.s);
    if (b.s.record.events.size() > 100000) b.s.record = {};  // history, not state
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["masters"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_MapUnmapInvalidate)
    ->ArgsProduct({{1, 16, 256}, {1, 0}})
    ->ArgNames({"masters", "ats"})
    ->Unit(benchmark::kMicrosecond);
// 4096 masters: set-up takes seconds, so the iteration counts are fixed rather than found.
BENCHMARK(BM_MapUnmapInvalidate)->Args({4096, 0})->ArgNames({"masters", "ats"})->Unit(benchmark::kMicrosecond)->Iterations(100000);
BENCHMARK(BM_MapUnmapInvalidate)->Args({4096, 1})->ArgNames({"masters", "ats"})->Unit(benchmark::kMicrosecond)->Iterations(500);

void BM_AttachDetachCycle(benchmark::State& state) {
  Bench b(static_cast<unsigned>(state.range(0)), true);
  vfio::VfioGroupId g = b.groups.front();
  for (auto _ : state) {
    vfio::group_unset_container(b.s, g);  // blocked, then the default domain (ATS back on)
    vfio::group_set_container(b.s, g, b.c);  // blocked, then the shared type1 domain
    smmuv3::synchronize_rcu(b.s);
    if (b.s.record.events.size() > 100000) b.s.record = {};
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AttachDetachCycle)->Arg(1)->Arg(16)->Arg(256)->ArgName("masters")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AttachDetachCycle)->Arg(4096)->ArgName("masters")->Unit(benchmark::kMicrosecond)->Iterations(2000);

void BM_SystemCopyAndHash(benchmark::State& state) {
  Bench b(static_cast<unsigned>(state.range(0)), true);
  for (auto _ : state) {
    System copy = b.s;
    benchmark::DoNotOptimize(state_hash(copy));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SystemCopyAndHash)->Arg(1)->Arg(16)->Arg(256)->ArgName("masters")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace atslab
