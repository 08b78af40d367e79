// Dumps as Linux would enumerate them (drivers/pci/probe.c: pci_scan_slot, next_fn, next_ari_fn,
// pci_configure_ari): functions it would not find are left out with a note; and the kernel's
// refusals where a dump's machine cannot be built (--vfs above TotalVFs, one file twice,
// overlapping VF routing IDs), and the note for a dump too short to show extended capabilities.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "hw/pcie/capabilities.h"
#include "hw/pcie/regs.h"
#include "io/input_error.h"
#include "io/lspci_dump.h"
#include "linux/pci/probe.h"
#include "sim/builders.h"
#include "sim/dump_scan.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

using namespace hw::pcie;

// One function of a dump, as load_lspci_dump gives it: an endpoint, multi-function or not, with
// the ARI capability (Next Function Number `ari_next`) when `ari` is set.
io::ImportedFunction fn(const char* bdf, bool multifunction, bool ari = false, uint8_t ari_next = 0,
                        std::optional<SriovCapSpec> sriov = std::nullopt) {
  HeaderSpec h{.vendor = 0x8086, .device = 0x10c9, .class_code = 0x020000, .multifunction = multifunction};
  ConfigBuilder b(h);
  b.add_pcie(exp::Type::Endpoint);
  uint16_t a = ari ? b.add_ext(ext_cap::kAri, 1, 8) : 0;
  if (sriov) b.add_sriov(*sriov);
  io::ImportedFunction f;
  f.file = "test.txt";
  f.original = *parse_bdf(bdf);
  f.config_size = 4096;
  f.cfg = b.build();
  if (a) f.cfg.poke8(static_cast<uint16_t>(a + 5), ari_next);  // ARI Capability register, bits 15:8
  return f;
}

std::vector<std::string> found(const DumpScan& s) {
  std::vector<std::string> out;
  for (const auto& f : s.found) out.push_back(f.original.str());
  return out;
}

// lspci lists only the functions Linux found, and Linux scans a slot only when its function 0
// answers: a slot without function 0 in a dump is a dump of chosen functions (`lspci -s 6a:00.4`),
// kept with a note, whatever function 0's multi-function bit would have said.
TEST(DumpScan, ASlotWithoutFunction0IsADumpOfChosenFunctionsKeptWithANote) {
  auto s = scan_like_linux({fn("01:00.0", true), fn("01:00.1", false), fn("01:01.2", false), fn("01:01.5", false)});
  EXPECT_EQ(found(s), (std::vector<std::string>{"0000:01:00.0", "0000:01:00.1", "0000:01:01.2", "0000:01:01.5"}));
  ASSERT_EQ(s.notes.size(), 2u);
  EXPECT_NE(s.notes[0].find("test.txt: 0000:01:01.2 kept without 0000:01:01.0, which the dump does not hold"),
            std::string::npos)
      << s.notes[0];
  EXPECT_NE(s.notes[0].find("lspci -s"), std::string::npos) << s.notes[0];
  EXPECT_NE(s.notes[1].find("0000:01:01.5 kept without 0000:01:01.0"), std::string::npos) << s.notes[1];
  EXPECT_EQ(s.on_ari_bus, (std::vector<bool>{false, false, false, false}));
}

TEST(DumpScan, FunctionsBesideASingleFunctionDeviceAreLeftOut) {
  auto s = scan_like_linux({fn("01:00.0", false), fn("01:00.3", false), fn("01:00.7", true)});
  EXPECT_EQ(found(s), (std::vector<std::string>{"0000:01:00.0"}));
  ASSERT_EQ(s.notes.size(), 2u);
  EXPECT_NE(s.notes[0].find("0000:01:00.3 left out: 0000:01:00.0's header type 0x00 has no multi-function bit"),
            std::string::npos)
      << s.notes[0];
}

TEST(DumpScan, AMultiFunctionDeviceKeepsEveryFunctionEvenWithGaps) {
  // next_fn steps through 1-7 and a missing function does not stop it.
  auto s = scan_like_linux({fn("01:00.0", true), fn("01:00.2", false), fn("01:00.7", false)});
  EXPECT_EQ(s.found.size(), 3u);
  EXPECT_TRUE(s.notes.empty());
}

TEST(DumpScan, WithAriTheNextFunctionChainGoesBeyondEightFunctions) {
  // Function 0 -> 8 -> 0x11; 0x20 is on the bus but not in the chain.
  auto s = scan_like_linux({fn("01:00.0", false, true, 8), fn("01:01.0", false, true, 0x11),
                            fn("01:02.1", false, true, 0), fn("01:04.0", false, true, 0)});
  EXPECT_EQ(found(s), (std::vector<std::string>{"0000:01:00.0", "0000:01:01.0", "0000:01:02.1"}));
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_NE(s.notes[0].find("0000:01:04.0 left out: with ARI"), std::string::npos) << s.notes[0];
  EXPECT_EQ(s.on_ari_bus, (std::vector<bool>{true, true, true}));
}

TEST(DumpScan, AriNextFunctionThatDoesNotGrowEndsTheScan) {
  // next_ari_fn: "protect against malformed list".
  auto s = scan_like_linux({fn("01:00.0", false, true, 8), fn("01:01.0", false, true, 8)});
  EXPECT_EQ(s.found.size(), 2u);
  auto t = scan_like_linux({fn("01:00.0", false, true, 0), fn("01:01.0", false, true, 0)});
  EXPECT_EQ(found(t), (std::vector<std::string>{"0000:01:00.0"}));
}

TEST(DumpScan, AnUpstreamPortWithoutAriForwardingKeepsTheEightFunctionRule) {
  // The dump's own port above bus 01 (secondary bus 01) has no ARI Forwarding Supported bit:
  // pci_configure_ari leaves ARI off, and slot 1 is scanned as a slot of its own.
  HeaderSpec h{.vendor = 0x8086, .device = 0x1234, .class_code = 0x060400, .bridge = true};
  ConfigBuilder b(h);
  b.add_pcie(exp::Type::Downstream);
  io::ImportedFunction port;
  port.file = "test.txt";
  port.original = Bdf::make(0, 0, 3, 0);
  port.config_size = 4096;
  port.cfg = b.build();
  port.cfg.poke8(0x19, 1);
  auto s = scan_like_linux({port, fn("01:00.0", false, true, 2), fn("01:00.2", false, true, 0), fn("01:01.0", false, true, 0)});
  EXPECT_EQ(found(s), (std::vector<std::string>{"0000:00:03.0", "0000:01:00.0", "0000:01:01.0"}));
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_NE(s.notes[0].find("0000:01:00.2 left out: 0000:01:00.0's header type"), std::string::npos) << s.notes[0];
  // With the bit, the same functions are one ARI device.
  port.cfg.poke32(find_std_cap(port.cfg, cap::kExp) + exp::kDevCap2, 0x20);
  auto t = scan_like_linux({port, fn("01:00.0", false, true, 2), fn("01:00.2", false, true, 0), fn("01:01.0", false, true, 0)});
  EXPECT_EQ(found(t), (std::vector<std::string>{"0000:00:03.0", "0000:01:00.0", "0000:01:00.2"}));
}

// ---- The machine built from what the scan finds ----

// `lspci -s 6a:00.4 -xxxx` (pciutils' own tests/cap-rcec): one function whose function 0 the dump
// does not hold. The machine has it, enumerated where the dump put it, and says what it assumed.
TEST(DumpMachine, ADumpOfOneFunctionWithoutItsFunction0IsEnumeratedWithANote) {
  std::vector<std::string> notes;
  System s = from_dumps({fn("6a:00.4", false)}, {}, &notes);
  unsigned endpoints = 0;
  for (pci::DevId d : pci::live_devices(s))
    if (s.kernel.devs[d].pcie_type == exp::Type::Endpoint) {
      ++endpoints;
      EXPECT_EQ(s.kernel.devs[d].bdf.devfn & 7, 4) << "at its own function number";
    }
  EXPECT_EQ(endpoints, 1u);
  // The endpoint on bus 6a has no bridge above it in the dump: atslab's root port stands there, said
  // in a second note (before issue 17 every function sat silently behind a port of atslab's).
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[0].find("test.txt: 0000:6a:00.4 kept without 0000:6a:00.0"), std::string::npos) << notes[0];
  EXPECT_NE(notes[1].find("test.txt: bus 0000:6a (0000:6a:00.4) has no bridge above it in the dump: it stands below "
                          "a root port of atslab's"),
            std::string::npos)
      << notes[1];
}

TEST(DumpMachine, LeftOutFunctionsAreNotEnumeratedAndAreNoted) {
  std::vector<std::string> notes;
  System s = from_dumps({fn("01:00.0", false), fn("01:00.1", false)}, {}, &notes);
  unsigned endpoints = 0;
  for (pci::DevId d : pci::live_devices(s)) endpoints += s.kernel.devs[d].pcie_type == exp::Type::Endpoint;
  EXPECT_EQ(endpoints, 1u);
  // And a note for atslab's root port above the bare endpoint (issue 17: said, no longer silent).
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[0].find("0000:01:00.1 left out"), std::string::npos) << notes[0];
  EXPECT_NE(notes[1].find("bus 0000:01 (0000:01:00.0) has no bridge above it"), std::string::npos) << notes[1];
}

TEST(DumpMachine, AnAriDevicesFunctionsShareOnePortAtTheirOwnFunctionNumbers) {
  System s = from_dumps({fn("01:00.0", false, true, 8), fn("01:01.0", false, true, 0)}, {});
  std::vector<Bdf> eps;
  for (pci::DevId d : pci::live_devices(s))
    if (s.kernel.devs[d].pcie_type == exp::Type::Endpoint) eps.push_back(s.kernel.devs[d].bdf);
  ASSERT_EQ(eps.size(), 2u);
  EXPECT_EQ(eps[0].bus, eps[1].bus);
  EXPECT_EQ(eps[1].devfn - eps[0].devfn, 8);
}

TEST(DumpMachine, VfsAboveTotalVfsFailWithErangeAsSriovNumvfsStoreDoes) {
  auto pf = fn("01:00.0", false, false, 0, SriovCapSpec{.total_vfs = 4, .initial_vfs = 4, .vf_offset = 1, .vf_stride = 1});
  EXPECT_NO_THROW(from_dumps({pf}, {.vfs = 4}));
  try {
    from_dumps({pf}, {.vfs = 5});
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--vfs 5: "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("has TotalVFs 4, so writing 5 to its sriov_numvfs fails with -ERANGE"),
              std::string::npos)
        << e.what();
  }
}

TEST(DumpMachine, TwoPfsWhoseVfRoutingIdsOverlapAreRefused) {
  // PF 0's VFs at functions 1-3 (offset 1, stride 1): function 2 is the other PF's.
  auto pf0 = fn("01:00.0", true, false, 0, SriovCapSpec{.total_vfs = 3, .initial_vfs = 3, .vf_offset = 1, .vf_stride = 1});
  auto pf2 = fn("01:00.2", false, false, 0, SriovCapSpec{.total_vfs = 1, .initial_vfs = 1, .vf_offset = 8, .vf_stride = 1});
  EXPECT_THROW(from_dumps({pf0, pf2}, {}), InputError);
}

TEST(DumpMachine, OneFileGivenTwiceUnderTwoNamesIsRefused) {
  auto dir = std::filesystem::temp_directory_path() / ("atslab_scan_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "d.txt") << "x\n";
  auto a = fn("01:00.0", false), b = fn("01:00.0", false);
  a.file = (dir / "d.txt").string();
  b.file = (dir / "." / "d.txt").string();
  try {
    from_dumps({a, b}, {});
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("are one file"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

TEST(DumpMachine, ADumpOf64Or256BytesIsNotedAsShowingNoExtendedCapability) {
  for (unsigned size : {64u, 256u, 4096u}) {
    auto f = fn("01:00.0", false);
    f.config_size = size;
    std::vector<std::string> notes;
    from_dumps({f}, {}, &notes);
    // Issue 17: a bare endpoint's root port of atslab's is said in a note of its own (this function's
    // config space holds its PCI Express capability whatever size the dump is said to have; a real
    // 64-byte dump shows none, and stays on its bus as a root bus: cli.topo_lspci_64_bytes_noted).
    const std::string port = "bus 0000:01 (0000:01:00.0) has no bridge above it in the dump";
    if (size == 4096) {
      ASSERT_EQ(notes.size(), 1u);
      EXPECT_NE(notes[0].find(port), std::string::npos) << notes[0];
      continue;
    }
    ASSERT_EQ(notes.size(), 2u) << size;
    EXPECT_NE(notes[1].find(port), std::string::npos) << notes[1];
    EXPECT_NE(notes[0].find("the dump has " + std::to_string(size) + " bytes of its config space"), std::string::npos)
        << notes[0];
    EXPECT_NE(notes[0].find("extended capabilities (ATS, SR-IOV, PASID) cannot be seen"), std::string::npos) << notes[0];
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
