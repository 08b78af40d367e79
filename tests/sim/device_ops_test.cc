// The device-side workload operations (device_dma, ats_translate, vfio_map,
// vfio_unmap): what they do to the ATC under every variant, and how scenarios,
// replay files and stress runs carry them.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <fstream>

#include "hw/pcie/atc.h"
#include "io/replay_file.h"
#include "io/scenario.h"
#include "sim/ops.h"
#include "sim/scenario_run.h"
#include "sim/stress.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using K = sim::OpKind;

io::Scenario scenario(const char* name) {
  return io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/" + name);
}

// VF 0 under VFIO with one page mapped at 0x100000 (the first VFIO IOVA), which it then writes.
std::vector<sim::Op> vf_writes_a_vfio_mapping(uint32_t pages) {
  return {{.kind = K::SriovEnable, .device = "pf", .count = 2},
          {.kind = K::Bind, .device = "pf.vf0", .driver = "vfio-pci"},
          {.kind = K::VfioSetContainer, .device = "pf.vf0"},
          {.kind = K::VfioSetIommu},
          {.kind = K::VfioMap, .count = pages},
          {.kind = K::DeviceDma, .device = "pf.vf0", .iova = 0x100000 + (pages - 1) * 0x1000ull, .write = true}};
}

const hw::pcie::Function& vf0(const System& s) {
  for (const auto& f : s.hw.pcie.functions())
    if (f.is_vf() && f.vf_index == 0) return f;
  throw std::runtime_error("no VF 0");
}

struct Case {
  const char* scenario;
  uint64_t stu;              // the ATC entry size a fill must have
  size_t variants_with_ats;  // how many of the five variants end up with the VF's ATS on
};

TEST(VfioUnmapDma, TheAtcEntryIsGoneAfterUnmapUnderEveryVariantWhereTheVfsAtsIsOn) {
  // (A VF's ATC fills at its own STU field, 4 KiB, even behind the 64 KiB SMMU: see ats_control.)
  for (const Case& c : {Case{"64-vfs-one-domain.yaml", 0x1000, 5}, Case{"granule-64k.yaml", 0x1000, 5},
                        Case{"seed.yaml", 0, 0}}) {
    auto sc = scenario(c.scenario);
    size_t with_ats = 0;
    for (auto v : policy::kAllVariants) {
      SCOPED_TRACE(std::string(c.scenario) + " " + std::string(policy::name(v)));
      auto ops = vf_writes_a_vfio_mapping(16);
      auto mapped = sim::run_ops(sc, v, ops, 1, "");
      // (Under rollback the seed's VF has no IOMMU at all: its default-domain attach failed.)
      const bool healthy = c.variants_with_ats > 0;
      if (healthy) {
        ASSERT_EQ(mapped.steps.back().ret, 0) << "the write reached the mapped page";
      }
      const auto& f = vf0(mapped.final);
      const bool ats = hw::pcie::ats_control(f.cfg).enabled;
      if (ats) {
        ++with_ats;
        ASSERT_EQ(f.atc.entries.size(), 1u);
        const auto& e = f.atc.entries[0];
        EXPECT_EQ(e.size, c.stu) << "one STU";
        EXPECT_EQ(e.iova, 0x10f000 & ~(c.stu - 1));
        EXPECT_EQ(e.pa, 0x80000000 + e.iova) << "VFIO maps IOVA i to PA 0x80000000 + i";
      } else {
        EXPECT_TRUE(f.atc.entries.empty()) << "untranslated DMA caches nothing";
      }
      ops.push_back({.kind = K::VfioUnmap});
      auto unmapped = sim::run_ops(sc, v, ops, 1, "");
      if (healthy) {
        EXPECT_EQ(unmapped.steps.back().ret, 0);
      }
      EXPECT_TRUE(vf0(unmapped.final).atc.entries.empty());
      EXPECT_EQ(std::count(unmapped.violated.begin(), unmapped.violated.end(), 20), 0);
    }
    EXPECT_EQ(with_ats, c.variants_with_ats) << c.scenario;
  }
}

TEST(VfioUnmapDma, APfBehindA64KSmmuCachesOneStuOf64KAndLosesItAtUnmap) {
  auto sc = scenario("granule-64k.yaml");
  std::vector<sim::Op> ops = {{.kind = K::Unbind, .device = "pf"},
                              {.kind = K::Bind, .device = "pf", .driver = "vfio-pci"},
                              {.kind = K::VfioSetContainer, .device = "pf"},
                              {.kind = K::VfioSetIommu},
                              {.kind = K::VfioMap, .count = 16},
                              {.kind = K::DeviceDma, .device = "pf", .iova = 0x105008, .write = false}};
  for (auto v : policy::kAllVariants) {
    SCOPED_TRACE(std::string(policy::name(v)));
    auto r = sim::run_ops(sc, v, ops, 1, "");
    ASSERT_EQ(r.steps.back().ret, 0);
    const hw::pcie::Function* pf = nullptr;
    for (const auto& f : r.final.hw.pcie.functions())
      if (f.label == "pf") pf = &f;
    ASSERT_NE(pf, nullptr);
    ASSERT_EQ(hw::pcie::ats_control(pf->cfg).stu_shift, 16u) << "probe prepared STU 16 (__ffs of 64K|512M)";
    ASSERT_EQ(pf->atc.entries.size(), 1u);
    EXPECT_EQ(pf->atc.entries[0].iova, 0x100000u) << "the 4 KiB translation widened to the 64 KiB STU, aligned";
    EXPECT_EQ(pf->atc.entries[0].size, 0x10000u);
    EXPECT_EQ(pf->atc.entries[0].pa, 0x80100000u);
    auto more = ops;
    more.push_back({.kind = K::VfioUnmap});
    auto u = sim::run_ops(sc, v, more, 1, "");
    for (const auto& f : u.final.hw.pcie.functions()) {
      if (f.label == "pf") {
        EXPECT_TRUE(f.atc.entries.empty());
      }
    }
    EXPECT_TRUE(u.violated.empty());
  }
}

TEST(VfioMapUnmapDma, IovaStressDmasBetweenEachMapAndUnmap) {
  auto sc = scenario("64-vfs-one-domain.yaml");
  auto ops = vf_writes_a_vfio_mapping(1);
  ops.pop_back();
  ops.pop_back();
  ops.push_back({.kind = K::VfioMapUnmap, .count = 2});  // 4 KiB at 0x100000, then 8 KiB at 0x200000
  auto r = sim::run_ops(sc, policy::AtsVariant::Upstream, ops, 1, "");
  std::vector<std::pair<int64_t, int64_t>> dma;
  for (const auto& e : r.final.record.events)
    if (e.kind == kernel::EventKind::DeviceDma) dma.emplace_back(e.a, e.b);
  EXPECT_EQ(dma, (std::vector<std::pair<int64_t, int64_t>>{{0x100000, 0x80100000}, {0x200000, 0x80200000}, {0x201000, 0x80201000}}));
  EXPECT_TRUE(vf0(r.final).atc.entries.empty()) << "each unmap invalidated what the VF cached";
  EXPECT_TRUE(r.violated.empty());
}

TEST(DeviceOps, DescribeNamesTheDeviceTheIovaAndTheDirection) {
  EXPECT_EQ(sim::describe({.kind = K::DeviceDma, .device = "pf.vf0", .iova = 0x100000, .write = true}),
            "pf.vf0: DMA write at IOVA 0x100000");
  EXPECT_EQ(sim::describe({.kind = K::AtsTranslate, .device = "nic", .iova = 0x2000}),
            "nic: ATS Translation Request for IOVA 0x2000");
  EXPECT_EQ(sim::describe({.kind = K::VfioMap, .count = 3}), "VFIO_IOMMU_MAP_DMA c0: 3 page(s)");
  EXPECT_EQ(sim::describe({.kind = K::VfioUnmap}), "VFIO_IOMMU_UNMAP_DMA c0: its lowest mapping");
  EXPECT_STREQ(sim::op_name(K::DeviceDma), "device_dma");
  EXPECT_STREQ(sim::op_name(K::AtsTranslate), "ats_translate");
}

TEST(DeviceOps, ReplayFilesCarryTheIovaAndTheDirection) {
  auto sc = scenario("seed.yaml");
  std::vector<sim::Op> ops = {{.kind = K::DeviceDma, .device = "pf.vf0", .iova = 0x7fff00000000, .write = true},
                              {.kind = K::AtsTranslate, .device = "pf", .iova = 0x3000},
                              {.kind = K::VfioMap, .count = 4},
                              {.kind = K::VfioUnmap, .iova = 0x100000}};
  const std::string path = ::testing::TempDir() + "device_ops_replay.json";
  std::ofstream(path) << sim::replay_json(sc, policy::AtsVariant::Upstream, 7, "", ops);
  auto rf = io::load_replay(path);
  EXPECT_EQ(rf.ops, ops);
  std::remove(path.c_str());
}

TEST(DeviceOps, ScenariosAcceptIovaAndWrite) {
  const std::string path = ::testing::TempDir() + "device_ops.yaml";
  std::ofstream(path) << "machine:\n  devices:\n    - {name: nic, vendor: 0x15b3, device: 0x101d, ats: {qdep: 0}}\n"
                         "workload:\n  - {op: vfio_map, count: 2}\n  - {op: device_dma, device: nic, iova: 0x100000, write: true}\n"
                         "  - {op: ats_translate, device: nic, iova: 0x1000}\n  - {op: vfio_unmap}\n";
  auto sc = io::load_scenario(path);
  ASSERT_EQ(sc.workload.size(), 4u);
  EXPECT_EQ(sc.workload[1], (sim::Op{.kind = K::DeviceDma, .device = "nic", .iova = 0x100000, .write = true}));
  EXPECT_EQ(sc.workload[2].kind, K::AtsTranslate);
  EXPECT_FALSE(sc.workload[2].write);
  EXPECT_EQ(sc.workload[3].kind, K::VfioUnmap);
  std::remove(path.c_str());
}

TEST(DeviceOps, StressDrawsTheDeviceSideOperations) {
  auto sc = scenario("64-vfs-one-domain.yaml");
  sim::StressOptions opt;
  opt.seed = 3;
  opt.ops = 400;
  auto r = sim::run_stress(sc, policy::AtsVariant::FailEarly, opt);
  for (const char* k : {"device_dma", "ats_translate", "vfio_map", "vfio_unmap"}) EXPECT_GT(r.ops_by_kind[k], 0u) << k;
  EXPECT_EQ(r.first.count(20), 0u) << "a healthy machine under fail-early never holds a stale translation";
}

// vfio_map's `iova:` (QEMU's guest-physical mappings): the kernel's vfio_dma_do_map takes an IOVA
// aligned to the container's smallest page, and one the domain's aperture holds; the model
// refuses the others with -EINVAL too, and maps an aligned one where it was asked.
TEST(VfioMapAtAnIova, AnIovaOffThePageOrBeyondTheApertureIsEinvalAndAnAlignedOneMapsThere) {
  auto sc = scenario("explore-small.yaml");
  auto ops = vf_writes_a_vfio_mapping(1);
  ops.pop_back();  // no DMA yet
  for (uint64_t iova : {uint64_t{0xc3800}, uint64_t{0xffffffffff000}}) {
    auto with = ops;
    with.push_back({.kind = K::VfioMap, .count = 3, .iova = iova});
    EXPECT_EQ(sim::run_ops(sc, policy::AtsVariant::Upstream, with, 1, "").steps.back().ret, -EINVAL) << std::hex << iova;
  }
  auto with = ops;
  with.push_back({.kind = K::VfioMap, .count = 3, .iova = 0xc3000});
  with.push_back({.kind = K::DeviceDma, .device = "pf.vf0", .iova = 0xc5000, .write = true});
  with.push_back({.kind = K::DeviceDma, .device = "pf.vf0", .iova = 0xc6000, .write = true});
  auto r = sim::run_ops(sc, policy::AtsVariant::Upstream, with, 1, "");
  ASSERT_GE(r.steps.size(), 3u);
  EXPECT_EQ(r.steps[r.steps.size() - 3].ret, 0);
  EXPECT_EQ(r.steps[r.steps.size() - 2].ret, 0) << "the mapping's last page, 0xc5000";
  EXPECT_EQ(r.steps.back().ret, -EFAULT) << "0xc6000 is past it";
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
