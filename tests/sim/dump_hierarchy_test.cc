// Issue 17, "the whole hierarchy": an imported dump keeps its bridges' bus numbers, and each
// function sits on the bus the dump gives it, below the bridge whose secondary bus that is (as
// `lspci -t` derives the tree). atslab's own root port stands only above bare endpoints, said in a
// note; bus numbers that describe no tree are refused, odd ones noted; VFs use the buses the real
// bridge's range gives them, as Linux's sriov_enable does.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "hw/pcie/capabilities.h"
#include "hw/pcie/regs.h"
#include "io/input_error.h"
#include "io/lspci_dump.h"
#include "io/topo_report.h"
#include "linux/pci/probe.h"
#include "sim/builders.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

using namespace hw::pcie;

// An endpoint of a dump at `bdf`, with SR-IOV when `sriov` is given.
io::ImportedFunction endpoint(const char* bdf, std::optional<SriovCapSpec> sriov = std::nullopt,
                              const char* file = "test.txt") {
  ConfigBuilder b(HeaderSpec{.vendor = 0x8086, .device = 0x10c9, .class_code = 0x020000});
  b.add_pcie(exp::Type::Endpoint);
  if (sriov) b.add_sriov(*sriov);
  io::ImportedFunction f;
  f.file = file;
  f.original = *parse_bdf(bdf);
  f.config_size = 4096;
  f.cfg = b.build();
  return f;
}

// A PCIe bridge of a dump (root port or switch port) at `bdf` with its bus numbers.
io::ImportedFunction bridge(const char* bdf, exp::Type type, uint8_t primary, uint8_t secondary, uint8_t subordinate,
                            const char* file = "test.txt") {
  ConfigBuilder b(HeaderSpec{.vendor = 0x8086, .device = 0x1234, .class_code = 0x060400, .bridge = true});
  b.add_pcie(type);
  io::ImportedFunction f;
  f.file = file;
  f.original = *parse_bdf(bdf);
  f.config_size = 4096;
  f.cfg = b.build();
  f.cfg.poke8(hdr::kPrimaryBus, primary);
  f.cfg.poke8(hdr::kSecondaryBus, secondary);
  f.cfg.poke8(hdr::kSubordinateBus, subordinate);
  return f;
}

// The function imported from `bdf` of test.txt, as from_dumps labels it.
const Function* imported(const System& s, const std::string& bdf, const std::string& file = "test.txt") {
  for (const auto& f : s.hw.pcie.functions())
    if (f.label == file + " (" + bdf + ")") return &f;
  return nullptr;
}

std::string thrown(const std::vector<io::ImportedFunction>& fns, const MachineOptions& opt = {}) {
  try {
    from_dumps(fns, opt);
  } catch (const InputError& e) {
    return e.what();
  }
  return "accepted";
}

// pciutils' tests/tree-fujitsu-p8010: two root ports, a subtractive-decode PCI bridge and a CardBus
// bridge below it. Drawn by `lspci -F tests/data/lspci/pciutils-tree-fujitsu-p8010.txt -t`
// (pciutils 3.9.0), which cli.topo_tree.* compares for every dump.
TEST(DumpHierarchy, TheFujitsuTreeIsTheOneLspciTDraws) {
  auto fns = io::load_lspci_dump(std::string(ATSLAB_SOURCE_DIR) + "/tests/data/lspci/pciutils-tree-fujitsu-p8010.txt");
  std::vector<std::string> notes;
  System s = from_dumps(fns, {}, &notes);
  EXPECT_EQ(io::topo_tree(s),
            "-[0000:00]-+-00.0\n"
            "           +-02.0\n"
            "           +-02.1\n"
            "           +-1a.0\n"
            "           +-1a.1\n"
            "           +-1a.7\n"
            "           +-1b.0\n"
            "           +-1c.0-[04-07]----00.0\n"
            "           +-1c.4-[14-1b]----00.0\n"
            "           +-1d.0\n"
            "           +-1d.1\n"
            "           +-1d.7\n"
            "           +-1e.0-[1c-20]--+-03.0-[1d-20]----00.0\n"
            "           |               +-03.2\n"
            "           |               \\-03.4\n"
            "           +-1f.0\n"
            "           +-1f.2\n"
            "           \\-1f.3\n");
  for (const auto& n : notes) EXPECT_EQ(n.find("root port of atslab's"), std::string::npos) << n;
  EXPECT_EQ(s.hw.pcie.root_complexes().size(), 1u);
}

TEST(DumpHierarchy, EveryFunctionSitsBelowTheBridgeWhoseSecondaryBusItIsOn) {
  auto fns = io::load_lspci_dump(std::string(ATSLAB_SOURCE_DIR) + "/tests/data/lspci/pciutils-tree-fujitsu-p8010.txt");
  System s = from_dumps(fns, {});
  const std::string file = fns.front().file;
  auto parent_of = [&](const std::string& bdf) {
    const Function* f = imported(s, bdf, file);
    return f && f->parent != kNoFn ? s.hw.pcie.fn(f->parent).bdf.str() : std::string("root bus");
  };
  EXPECT_EQ(parent_of("0000:04:00.0"), "0000:00:1c.0");
  EXPECT_EQ(parent_of("0000:14:00.0"), "0000:00:1c.4");
  EXPECT_EQ(parent_of("0000:1c:03.0"), "0000:00:1e.0");
  EXPECT_EQ(parent_of("0000:1c:03.4"), "0000:00:1e.0");
  EXPECT_EQ(parent_of("0000:1d:00.0"), "0000:1c:03.0");  // below the CardBus bridge
  EXPECT_EQ(parent_of("0000:00:1e.0"), "root bus");
  EXPECT_EQ(parent_of("0000:00:1b.0"), "root bus");
  // The bus numbers are the dump's, and the kernel enumerated every function at its own address.
  const Function* pci_bridge = imported(s, "0000:00:1e.0", file);
  ASSERT_NE(pci_bridge, nullptr);
  EXPECT_EQ(pci_bridge->cfg.read8(hdr::kPrimaryBus), 0x00);
  EXPECT_EQ(pci_bridge->cfg.read8(hdr::kSecondaryBus), 0x1c);
  EXPECT_EQ(pci_bridge->cfg.read8(hdr::kSubordinateBus), 0x20);
  EXPECT_TRUE(s.hw.pcie.bus_problems().empty());
  std::vector<std::string> enumerated;
  for (pci::DevId d : pci::live_devices(s)) enumerated.push_back(s.kernel.devs[d].bdf.str());
  EXPECT_EQ(enumerated.size(), fns.size());
  for (const auto& f : fns)
    EXPECT_NE(std::find(enumerated.begin(), enumerated.end(), f.original.str()), enumerated.end()) << f.original.str();
}

TEST(DumpHierarchy, AnEndpointBelowTheDumpsRootPortGetsNoPortOfAtslabs) {
  std::vector<std::string> notes;
  System s = from_dumps({bridge("00:02.0", exp::Type::RootPort, 0, 3, 3), endpoint("03:00.0")}, {}, &notes);
  EXPECT_TRUE(notes.empty());
  const Function* ep = imported(s, "0000:03:00.0");
  ASSERT_NE(ep, nullptr);
  EXPECT_EQ(s.hw.pcie.fn(ep->parent).label, "test.txt (0000:00:02.0)");
  EXPECT_EQ(s.hw.pcie.functions().size(), 2u);
}

TEST(DumpHierarchy, AnAriDeviceBelowTheDumpsForwardingPortKeepsItsFunctionsBelowThatPort) {
  // The root port forwards ARI (DevCap2 bit 5): function 0's ARI Next Function 2 is found, though
  // function 0 is single-function (without ARI, next_fn would stop there), below the dump's port
  // itself, not below a port of atslab's.
  auto port = bridge("00:03.0", exp::Type::RootPort, 0, 1, 1);
  port.cfg.poke32(find_std_cap(port.cfg, cap::kExp) + exp::kDevCap2, 0x20);
  auto f0 = endpoint("01:00.0"), f2 = endpoint("01:00.2");
  ConfigBuilder b(HeaderSpec{.vendor = 0x8086, .device = 0x10c9, .class_code = 0x020000});
  b.add_pcie(exp::Type::Endpoint);
  uint16_t ari = b.add_ext(ext_cap::kAri, 1, 8);
  f0.cfg = b.build();
  f0.cfg.poke8(static_cast<uint16_t>(ari + 5), 2);  // ARI Capability register: Next Function 2
  f2.cfg = b.build();
  std::vector<std::string> notes;
  System s = from_dumps({port, f0, f2}, {}, &notes);
  EXPECT_TRUE(notes.empty());
  for (const char* bdf : {"0000:01:00.0", "0000:01:00.2"}) {
    const Function* f = imported(s, bdf);
    ASSERT_NE(f, nullptr) << bdf;
    EXPECT_EQ(s.hw.pcie.fn(f->parent).label, "test.txt (0000:00:03.0)") << bdf;
  }
}

TEST(DumpHierarchy, BareEndpointsStandBelowAtslabsRootPortSaidInANote) {
  std::vector<std::string> notes;
  System s = from_dumps({endpoint("2e:00.0")}, {}, &notes);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0],
            "test.txt: bus 0000:2e (0000:2e:00.0) has no bridge above it in the dump: it stands below a root port of "
            "atslab's, 0000:00:01.0 [bus 2e-2e], which forwards ARI as the real port did");
  const Function* ep = imported(s, "0000:2e:00.0");
  ASSERT_NE(ep, nullptr);
  EXPECT_EQ(ep->bdf.str(), "0000:2e:00.0");
  EXPECT_EQ(s.hw.pcie.fn(ep->parent).bdf.str(), "0000:00:01.0");
}

TEST(DumpHierarchy, VfsUseTheBusesTheRealBridgesRangeGives) {
  // First VF Offset 0x100: every VF is on the bus after the PF's, inside the port's [01-02].
  auto pf = endpoint("01:00.0", SriovCapSpec{.total_vfs = 4, .initial_vfs = 4, .vf_offset = 0x100, .vf_stride = 1});
  System s = from_dumps({bridge("00:1c.0", exp::Type::RootPort, 0, 1, 2), pf}, {.vfs = 4});
  std::vector<std::string> vfs;
  for (pci::DevId d : pci::live_devices(s))
    if (s.kernel.devs[d].is_virtfn) vfs.push_back(s.kernel.devs[d].bdf.str());
  EXPECT_EQ(vfs, (std::vector<std::string>{"0000:02:00.0", "0000:02:00.1", "0000:02:00.2", "0000:02:00.3"}));
}

TEST(DumpHierarchy, VfsPastTheBridgesRangeAreNotedAndTheirEnableFailsWithEnomemAsInLinux) {
  // The port's range [01-01] holds the PF's bus only: VFs 0-1 fit (devfns 0xfe, 0xff), VF 2 would be
  // on bus 02. Linux's sriov_enable refuses the write with -ENOMEM; the machine says so at import.
  auto pf = endpoint("01:00.0", SriovCapSpec{.total_vfs = 4, .initial_vfs = 4, .vf_offset = 0xfe, .vf_stride = 1});
  std::vector<std::string> notes;
  from_dumps({bridge("00:1c.0", exp::Type::RootPort, 0, 1, 1), pf}, {.vfs = 2}, &notes);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0],
            "test.txt: 0000:01:00.0: VF 2 of its TotalVFs 4 would be at 0000:02:00.0, past bus 01, the last its bus "
            "range gives: at most 2 VF(s) can be enabled (sriov_enable refuses more with -ENOMEM, \"can't enable N "
            "VFs (bus XX out of range ...)\")");
  std::string why = thrown({bridge("00:1c.0", exp::Type::RootPort, 0, 1, 1), pf}, {.vfs = 3});
  EXPECT_NE(why.find("--vfs 3: 0000:01:00.0's VF 2 would be at 0000:02:00.0, past bus 01"), std::string::npos) << why;
  EXPECT_NE(why.find("fails with -ENOMEM"), std::string::npos) << why;
}

TEST(DumpHierarchy, VfRoutingIdsPastTheRangeTakeNoAddress) {
  // VF 2 of the PF below 00:1c.0 would be 02:00.0, which is the other port's endpoint: no clash,
  // since that VF can never be enabled (its bus is past the port's range).
  auto pf = endpoint("01:00.0", SriovCapSpec{.total_vfs = 4, .initial_vfs = 4, .vf_offset = 0xfe, .vf_stride = 1});
  EXPECT_NO_THROW(from_dumps({bridge("00:1c.0", exp::Type::RootPort, 0, 1, 1), pf,
                              bridge("00:1d.0", exp::Type::RootPort, 0, 2, 2), endpoint("02:00.0")},
                             {}));
}

TEST(DumpHierarchy, TwoBridgesWithOneSecondaryBusAreRefused) {
  std::string why = thrown({bridge("00:1c.0", exp::Type::RootPort, 0, 1, 1),
                            bridge("00:1d.0", exp::Type::RootPort, 0, 1, 1), endpoint("01:00.0")});
  EXPECT_EQ(why,
            "test.txt: bridges 0000:00:1c.0 and 0000:00:1d.0 both have secondary bus 01: the dump describes no tree "
            "(which of them do that bus's functions sit below?)");
}

TEST(DumpHierarchy, ALoopOfBridgesIsRefused) {
  // A downstream port on bus 02 whose secondary bus is 01, below a port on bus 01 leading to 02.
  std::string why = thrown({bridge("01:00.0", exp::Type::Upstream, 1, 2, 2), bridge("02:00.0", exp::Type::Downstream, 2, 1, 1)});
  EXPECT_NE(why.find("sits below a loop of bridges"), std::string::npos) << why;
}

TEST(DumpHierarchy, BusNumbersThatLeaveTheParentsRangeOrOverlapAreNoted) {
  std::vector<std::string> notes;
  // 00:1c.0 [01-02] holds a switch whose downstream port claims [03-03], outside it; and the root
  // port 00:1d.0 leads to bus 04 beside it.
  from_dumps({bridge("00:1c.0", exp::Type::RootPort, 0, 1, 2), bridge("01:00.0", exp::Type::Upstream, 1, 2, 2),
              bridge("02:00.0", exp::Type::Downstream, 2, 3, 3), endpoint("03:00.0"),
              bridge("00:1d.0", exp::Type::RootPort, 0, 4, 4)},
             {}, &notes);
  std::vector<std::string> bus_notes;
  for (const auto& n : notes)
    if (n.rfind("bus numbers: ", 0) == 0) bus_notes.push_back(n);
  EXPECT_EQ(bus_notes, (std::vector<std::string>{
                           "bus numbers: bridge 0000:02:00.0's [bus 03-03] runs past [bus 02-02], the range of bridge "
                           "0000:01:00.0 above it",
                       }));
  // Root ports 00:1e.0 [05-06] and 00:1f.0 [06-06] both claim bus 06.
  notes.clear();
  from_dumps({bridge("00:1c.0", exp::Type::RootPort, 0, 1, 3), bridge("01:00.0", exp::Type::Upstream, 1, 2, 3),
              bridge("02:00.0", exp::Type::Downstream, 2, 3, 3), endpoint("03:00.0"),
              bridge("00:1d.0", exp::Type::RootPort, 0, 4, 4), bridge("00:1e.0", exp::Type::RootPort, 0, 5, 6),
              bridge("00:1f.0", exp::Type::RootPort, 0, 6, 6)},
             {}, &notes);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0],
            "bus numbers: bridges 0000:00:1e.0 [bus 05-06] and 0000:00:1f.0 [bus 06-06] claim the same bus numbers");
}

TEST(DumpHierarchy, EachFileIsItsOwnMachineInASegmentOfItsOwn) {
  std::vector<std::string> notes;
  System s = from_dumps({endpoint("01:00.0", std::nullopt, "a.txt"), endpoint("01:00.0", std::nullopt, "b.txt")}, {},
                        &notes);
  const Function* a = imported(s, "0000:01:00.0", "a.txt");
  const Function* b = imported(s, "0000:01:00.0", "b.txt");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->bdf.str(), "0000:01:00.0");
  EXPECT_EQ(b->bdf.str(), "0001:01:00.0");
  EXPECT_NE(s.hw.pcie.rc(a->rc).iommu_index, s.hw.pcie.rc(b->rc).iommu_index) << "one StreamID, two IOMMUs";
  ASSERT_FALSE(notes.empty());
  EXPECT_EQ(notes[0],
            "b.txt: its segment 0000 is segment 0001 here: each file is its own machine's hierarchy, and 0000 is "
            "another file's");
}

TEST(DumpHierarchy, BuiltInMachinesAreStillNumberedDepthFirst) {
  System s = builtin_example();
  EXPECT_EQ(s.hw.pcie.bus_numbers(), BusNumbers::DepthFirst);
  EXPECT_EQ(io::topo_tree(s), "-[0000:00]---01.0-[01]--+-00.0\n                        +-00.2\n                        \\-00.3\n");
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
